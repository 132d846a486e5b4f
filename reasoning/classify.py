"""Derived facts of a building: its classification by GB 50016 5.1.1 (表5.1.1).

The checker derives these once per design, each with the reasons that a report's `because` chain
and the "why" question show. A fact that cannot be derived because the design lacks an input is
recorded as missing, naming that input: rules that need it then report `unknown`.

Flags that only ever raise a building's class (重要公共建筑, 藏书超过100万册 …) count as not set
when the design does not state them: the class then follows from the facts that are stated, and
the reason says so. Heights and uses are never assumed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .design import USES, Part

STANDARD_CLAUSE = "5.1.1"

# 表5.1.1 一类 item 2: uses that become 一类 when a storey above 24 m exceeds 1000 m2.
_LARGE_FLOOR_USES = {"商店", "展览", "电信", "邮政", "财贸金融", "多种功能组合"}
# 表5.1.1 一类 item 3 and 4: 一类 whenever high-rise (item 4 only at provincial level or above).
_ALWAYS_CLASS_ONE = {"医疗", "老年人照料设施"}
_PROVINCIAL_USES = {"广播电视", "防灾指挥调度", "电力调度"}


@dataclass
class DerivedFacts:
    """Values of derived facts (`kind`, `high_rise`, `class`, `category`, `underground`), the
    reasons for each, and for each fact that could not be derived the design inputs it lacks."""

    values: dict[str, object] = field(default_factory=dict)
    because: list[str] = field(default_factory=list)
    missing: dict[str, list[str]] = field(default_factory=dict)

    @property
    def category(self) -> str:
        if "category" in self.values:
            return str(self.values["category"])
        lacking = sorted({m for names in self.missing.values() for m in names})
        return "未能确定（缺少 " + "、".join(lacking) + "）"


def _num(value: object) -> str:
    return f"{value:g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def classify(building: Part) -> DerivedFacts:
    facts = DerivedFacts()
    use = building.get("use")
    height = building.get("height_m")
    above = building.get("storeys_above")
    below = building.get("storeys_below")

    if above is not None and below is not None:
        facts.values["underground"] = above == 0 and below > 0
    elif above == 0:
        facts.missing["underground"] = ["building.storeys_below"]
    elif above is not None:
        facts.values["underground"] = False
    else:
        facts.missing["underground"] = ["building.storeys_above"]

    if use is None:
        for name in ("kind", "high_rise", "class", "category"):
            facts.missing[name] = ["building.use"]
        return facts
    kind = USES[str(use)]
    facts.values["kind"] = kind
    facts.because.append(f"{STANDARD_CLAUSE}: 使用功能为{use}，属{kind}")

    if height is None:
        for name in ("high_rise", "class", "category"):
            facts.missing[name] = ["building.height_m"]
        return facts

    if kind == "住宅建筑":
        _classify_residential(facts, float(height))
    else:
        _classify_public(facts, building, str(use), float(height), above)
    if "class" in facts.values:
        cls = facts.values["class"]
        facts.values["category"] = (
            f"{cls}高层{kind}" if facts.values["high_rise"] else f"单、多层{kind}"
        )
    return facts


def _classify_residential(facts: DerivedFacts, height: float) -> None:
    h = _num(height)
    if height > 54:
        facts.values.update(high_rise=True, **{"class": "一类"})
        facts.because.append(f"{STANDARD_CLAUSE}: 住宅建筑高度 {h} m > 54 m，为一类高层住宅建筑")
    elif height > 27:
        facts.values.update(high_rise=True, **{"class": "二类"})
        facts.because.append(f"{STANDARD_CLAUSE}: 住宅建筑高度 {h} m > 27 m 且 ≤ 54 m，为二类高层住宅建筑")
    else:
        facts.values.update(high_rise=False, **{"class": "单、多层"})
        facts.because.append(f"{STANDARD_CLAUSE}: 住宅建筑高度 {h} m ≤ 27 m，为单、多层住宅建筑")


def _classify_public(
    facts: DerivedFacts, building: Part, use: str, height: float, above: object
) -> None:
    h = _num(height)
    if height <= 24:
        facts.values.update(high_rise=False, **{"class": "单、多层"})
        facts.because.append(f"{STANDARD_CLAUSE}: 公共建筑高度 {h} m ≤ 24 m，为单、多层公共建筑")
        return
    if above is None:
        # A single-storey public building over 24 m is still 单、多层: the storey count decides.
        for name in ("high_rise", "class", "category"):
            facts.missing[name] = ["building.storeys_above"]
        return
    if above == 1:
        facts.values.update(high_rise=False, **{"class": "单、多层"})
        facts.because.append(f"{STANDARD_CLAUSE}: 建筑高度 {h} m > 24 m 的单层公共建筑，为单、多层公共建筑")
        return

    facts.values["high_rise"] = True
    facts.because.append(f"{STANDARD_CLAUSE}: 公共建筑高度 {h} m > 24 m 且为 {above} 层，为高层公共建筑")
    reason = None
    if height > 50:
        reason = f"建筑高度 {h} m > 50 m"
    elif use in _ALWAYS_CLASS_ONE:
        reason = f"{use}建筑"
    elif building.get("important_public") is True:
        reason = "重要公共建筑"
    elif use in _PROVINCIAL_USES and building.get("provincial_or_above") is True:
        reason = f"省级及以上的{use}建筑"
    elif use == "图书馆" and building.get("books_over_1m") is True:
        reason = "藏书超过100万册的图书馆"
    elif use in _LARGE_FLOOR_USES:
        area = building.get("max_storey_area_above_24m_m2")
        if area is None:
            facts.missing["class"] = ["building.max_storey_area_above_24m_m2"]
            facts.missing["category"] = ["building.max_storey_area_above_24m_m2"]
            return
        if float(area) > 1000:
            reason = f"{use}建筑，24 m 以上任一楼层建筑面积 {_num(area)} m2 > 1000 m2"
    if reason:
        facts.values["class"] = "一类"
        facts.because.append(f"{STANDARD_CLAUSE}: {reason}，为一类高层公共建筑")
        return
    facts.values["class"] = "二类"
    details = [f"建筑高度 {h} m ≤ 50 m"]
    if use in _LARGE_FLOOR_USES:
        details.append("24 m 以上任一楼层建筑面积不大于 1000 m2")
    elif building.get("max_storey_area_above_24m_m2") is not None:
        details.append(f"{use}不属按楼层面积划为一类的功能")
    if building.get("important_public") is None:
        details.append("未声明为重要公共建筑")
    facts.because.append(f"{STANDARD_CLAUSE}: " + "，".join(details) + "，无一类条件，为二类高层公共建筑")
