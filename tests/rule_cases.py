"""Hand-written cases for every rule of the built-in GB 50016-2014(2018) pack.

Each case is a small design (a building and usually one element), the rule, the element, and the
status the checker must give. Thresholds are transcribed here from the standard's own tables and
clauses (表5.1.2, 表5.2.2, 表5.3.1, 表5.5.17, 表5.5.18, 表5.5.21-1, 表5.5.29, 5.1.3, 5.5.8 …), NOT
from the pack: a case whose expectation disagrees with the pack is how a data-entry error in the
pack shows up.

Conventions:
- `missing` names a fact that must appear in the finding's `missing_facts`. Facts of the building
  are written `building.<key>`, also when the rule is about the building itself (the finding's
  element is then the building's id, but its missing attributes are `building.fire_elevators`,
  never `B1.fire_elevators`). Missing facts are bare paths; why a fact matters is in `because`.
- Flags that select a stricter or a more lenient cell or requirement have no default: 病房
  (`ward`), 楼梯间的首层疏散门 (`first_storey`), 与电梯井相邻 (`next_to_lift_shaft`), 地下人员密集的
  厅、室 (`dense_assembly`). A case states them, or expects `unknown` where the readings disagree
  (and the verdict where every reading agrees).
- `required` is the threshold the finding must report (`NOT_PERMITTED` for a '—' cell, which
  gives no value); None means "not checked". Where missing facts leave several table cells (or
  modifier states) open and all give the same verdict, it is the binding one: for a pass the
  strictest candidate (it passes even that), for a fail the most lenient (it fails even that).
- `boundary` marks a case exactly at a threshold (or at the edge of an applicability condition).
- A fact set to None in a builder is simply not stated (parse_design drops null values).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

PREFIX = "GB50016-2014:"
BUILDING_ID = "B1"
NOT_PERMITTED = "—"

GRADES = ["一级", "二级", "三级", "四级"]

# A table row is a candidate threshold only if some value of the missing facts selects it. The
# pack's tables are read first-match (a later row may leave out a condition that earlier rows
# settle: 表5.5.21-1's '≥4层' row has no storey test, 表5.3.1's 高层 '三、四级' row no grade test,
# 表5.5.17's 其他建筑 rows no use test); the checker keeps such a later row open even when the
# earlier open rows cover every value of the missing facts, so a row no reading can select
# becomes a candidate and turns a decided finding into unknown.

@dataclass(frozen=True)
class RuleCase:
    name: str
    rule: str  # rule id without the standard's prefix, e.g. "5.5.18#corridor-width"
    design: dict
    element: str
    status: str
    missing: str | None = None
    required: Any = None
    boundary: bool = False
    xfail: str | None = None  # a strict-xfail bug report: the checker or pack is wrong here

    @property
    def rule_id(self) -> str:
        return PREFIX + self.rule


CASES: list[RuleCase] = []


# --- builders --------------------------------------------------------------------------------


def building(use: str | None, height_m: float | None, **facts: Any) -> dict:
    return {"id": BUILDING_ID, "use": use, "height_m": height_m, **facts}


def public_lowrise(use: str = "办公", height_m: float | None = 15.0, grade: str | None = "二级",
                   **overrides: Any) -> dict:
    """A 单、多层 public building (4 storeys, ≤ 24 m), not sprinklered, not 重要公共建筑."""
    facts = {"storeys_above": 4, "storeys_below": 0, "fire_resistance_grade": grade,
             "sprinklers": False, "important_public": False}
    return building(use, height_m, **{**facts, **overrides})


def public_highrise(use: str = "办公", height_m: float | None = 40.0, grade: str | None = "二级",
                    **overrides: Any) -> dict:
    """A 高层 public building; 办公 at 40 m with small upper floors is 二类."""
    facts = {"storeys_above": 12, "storeys_below": 1, "fire_resistance_grade": grade,
             "sprinklers": False, "important_public": False,
             "max_storey_area_above_24m_m2": 800, "fire_elevators": 1}
    return building(use, height_m, **{**facts, **overrides})


def residential(height_m: float | None, grade: str | None = "二级", **overrides: Any) -> dict:
    storeys = max(1, int((height_m or 3) // 3))
    facts = {"storeys_above": storeys, "storeys_below": 0, "fire_resistance_grade": grade,
             "sprinklers": False}
    return building("住宅", height_m, **{**facts, **overrides})


def element(id_: str, type_: str, **attributes: Any) -> dict:
    return {"id": id_, "type": type_, **attributes}


def design(bld: dict, *elements: dict) -> dict:
    return {"schema_version": "1", "building": bld, "elements": list(elements)}


def case(name: str, rule: str, bld: dict, el: dict | None, status: str, *,
         missing: str | None = None, required: Any = None, boundary: bool = False,
         xfail: str | None = None, extra: tuple[dict, ...] = ()) -> None:
    """Record one case; `el` None means the rule is about the building itself."""
    elements = ([el] if el is not None else []) + list(extra)
    CASES.append(RuleCase(
        name=name, rule=rule, design=design(bld, *elements),
        element=el["id"] if el is not None else bld["id"], status=status,
        missing=missing, required=required, boundary=boundary, xfail=xfail,
    ))


def _fmt(x: float) -> str:
    return f"{x:g}"


# --- 5.1.2 (表5.1.2): components by 耐火等级 ---------------------------------------------------
# Transcribed from 表5.1.2: for 一级..四级, (燃烧性能, 耐火极限 h); hours None where the cell
# gives only 可燃性.

TABLE_5_1_2: dict[str, list[tuple[str, float | None]]] = {
    "防火墙": [("不燃性", 3.00), ("不燃性", 3.00), ("不燃性", 3.00), ("不燃性", 3.00)],
    "承重墙": [("不燃性", 3.00), ("不燃性", 2.50), ("不燃性", 2.00), ("难燃性", 0.50)],
    "非承重外墙": [("不燃性", 1.00), ("不燃性", 1.00), ("不燃性", 0.50), ("可燃性", None)],
    "楼梯间和前室的墙": [("不燃性", 2.00), ("不燃性", 2.00), ("不燃性", 1.50), ("难燃性", 0.50)],
    "疏散走道两侧的隔墙": [("不燃性", 1.00), ("不燃性", 1.00), ("不燃性", 0.50), ("难燃性", 0.25)],
    "房间隔墙": [("不燃性", 0.75), ("不燃性", 0.50), ("难燃性", 0.50), ("难燃性", 0.25)],
    "柱": [("不燃性", 3.00), ("不燃性", 2.50), ("不燃性", 2.00), ("难燃性", 0.50)],
    "梁": [("不燃性", 2.00), ("不燃性", 1.50), ("不燃性", 1.00), ("难燃性", 0.50)],
    "楼板": [("不燃性", 1.50), ("不燃性", 1.00), ("不燃性", 0.50), ("可燃性", None)],
    "屋顶承重构件": [("不燃性", 1.50), ("不燃性", 1.00), ("可燃性", 0.50), ("可燃性", None)],
    "疏散楼梯": [("不燃性", 1.50), ("不燃性", 1.00), ("不燃性", 0.50), ("可燃性", None)],
    "吊顶": [("不燃性", 0.25), ("难燃性", 0.25), ("难燃性", 0.15), ("可燃性", None)],
}
# Rule ids number the components in the standard's row order.
COMPONENT_RULES = {name: f"5.1.2#component-{i:02d}" for i, name in enumerate(TABLE_5_1_2, start=1)}
_WEAKER = {"不燃性": "难燃性", "难燃性": "可燃性"}

_BURNING_RANK = {"可燃性": 1, "难燃性": 2, "不燃性": 3}

def _grade_not_stated(component: str, base: str,
                      cells: list[tuple[str, float | None]]) -> None:
    """The building's 耐火等级 not stated: every grade row of 表5.1.2 is a candidate. A value that
    meets every row passes (quoting the strictest, 一级), one that meets none fails (quoting the
    most lenient), one in between is unknown naming building.fire_resistance_grade. (防火墙 is
    不燃性 3.00 h under every grade: its grade never matters, so it has no 'in between'.)"""
    no_grade = public_lowrise(grade=None)
    hrs, comb = f"{base}-fire-resistance", f"{base}-combustibility"
    graded = [(g, h) for g, (_, h) in zip(GRADES, cells) if h is not None]
    strict_h = max(h for _, h in graded)
    lenient_grade, lenient_h = min(reversed(graded), key=lambda gh: gh[1])
    case(f"5.1.2 {component}: 耐火等级 not stated, 5.00 h passes under every grade", hrs, no_grade,
         element("X-1", component, fire_resistance_h=5.0), "pass", required=strict_h)
    case(f"5.1.2 {component}: 耐火等级 not stated, {strict_h:.2f} h (一级) exactly passes every grade",
         hrs, no_grade, element("X-1", component, fire_resistance_h=strict_h), "pass",
         required=strict_h, boundary=True)
    if lenient_h < strict_h:
        case(f"5.1.2 {component}: 耐火等级 not stated, {lenient_h:.2f} h passes {lenient_grade} but "
             f"not 一级 ({strict_h:.2f} h) → unknown", hrs, no_grade,
             element("X-1", component, fire_resistance_h=lenient_h), "unknown",
             missing="building.fire_resistance_grade")
    below = round(lenient_h - 0.05, 2)
    if len(graded) == len(GRADES):
        case(f"5.1.2 {component}: 耐火等级 not stated, {below:.2f} h fails under every grade", hrs,
             no_grade, element("X-1", component, fire_resistance_h=below), "fail",
             required=lenient_h)
    else:
        case(f"5.1.2 {component}: 耐火等级 not stated, {below:.2f} h fails 一~三级 but 四级 needs no "
             "耐火极限 → unknown", hrs, no_grade, element("X-1", component, fire_resistance_h=below),
             "unknown", missing="building.fire_resistance_grade")

    burning = [(g, b) for g, (b, _) in zip(GRADES, cells)]
    strict_b = max((b for _, b in burning), key=_BURNING_RANK.__getitem__)
    lenient_grade, lenient_b = min(reversed(burning), key=lambda gb: _BURNING_RANK[gb[1]])
    case(f"5.1.2 {component}: 耐火等级 not stated, {strict_b} passes under every grade", comb,
         no_grade, element("X-1", component, combustibility=strict_b), "pass", required=strict_b,
         boundary=True)
    if lenient_b != strict_b:
        case(f"5.1.2 {component}: 耐火等级 not stated, {lenient_b} passes {lenient_grade} but not "
             f"一级 ({strict_b}) → unknown", comb, no_grade,
             element("X-1", component, combustibility=lenient_b), "unknown",
             missing="building.fire_resistance_grade")
    weaker = _WEAKER.get(lenient_b)
    if weaker is None:
        return  # 四级 allows 可燃性: nothing fails every grade
    if lenient_b == strict_b:
        case(f"5.1.2 {component}: 耐火等级 not stated, {weaker} fails under every grade", comb,
             no_grade, element("X-1", component, combustibility=weaker), "fail", required=lenient_b)
        return
    case(f"5.1.2 {component}: 耐火等级 not stated, {weaker} fails under every grade", comb,
         no_grade, element("X-1", component, combustibility=weaker), "fail")
    case(f"5.1.2 {component}: 耐火等级 not stated, {weaker} fails even {lenient_grade}: required "
         f"{lenient_b}", comb, no_grade, element("X-1", component, combustibility=weaker), "fail",
         required=lenient_b)


for component, cells in TABLE_5_1_2.items():
    base = COMPONENT_RULES[component]
    for grade, (burning, hours) in zip(GRADES, cells):
        bld = public_lowrise(grade=grade)
        hrs, comb = f"{base}-fire-resistance", f"{base}-combustibility"
        if hours is None:
            case(f"5.1.2 {component} {grade}: only 可燃性 in 表5.1.2, no hours required",
                 hrs, bld, element("X-1", component, fire_resistance_h=0.1), "not_applicable")
        else:
            case(f"5.1.2 {component} {grade}: {hours:.2f} h exactly passes", hrs, bld,
                 element("X-1", component, fire_resistance_h=hours), "pass",
                 required=hours, boundary=True)
            case(f"5.1.2 {component} {grade}: {hours - 0.05:.2f} h fails", hrs, bld,
                 element("X-1", component, fire_resistance_h=round(hours - 0.05, 2)), "fail",
                 required=hours)
        case(f"5.1.2 {component} {grade}: {burning} exactly passes", comb, bld,
             element("X-1", component, combustibility=burning), "pass",
             required=burning, boundary=True)
        if burning in _WEAKER:
            case(f"5.1.2 {component} {grade}: {_WEAKER[burning]} fails (needs {burning})", comb,
                 bld, element("X-1", component, combustibility=_WEAKER[burning]), "fail",
                 required=burning)
    # one comfortable pass, and the missing facts
    first_hours = cells[0][1]
    assert first_hours is not None
    case(f"5.1.2 {component} 一级: {first_hours + 1:.2f} h passes", f"{base}-fire-resistance",
         public_lowrise(grade="一级"), element("X-1", component, fire_resistance_h=first_hours + 1),
         "pass", required=first_hours)
    case(f"5.1.2 {component}: 耐火极限 not stated → unknown", f"{base}-fire-resistance",
         public_lowrise(grade="二级"), element("X-1", component), "unknown",
         missing="X-1.fire_resistance_h")
    case(f"5.1.2 {component}: 燃烧性能 not stated → unknown", f"{base}-combustibility",
         public_lowrise(grade="二级"), element("X-1", component), "unknown",
         missing="X-1.combustibility")
    _grade_not_stated(component, base, cells)

case("5.1.2 分户墙 (alias of 楼梯间和前室的墙) 二级: 1.90 h fails 2.00 h",
     "5.1.2#component-04-fire-resistance", public_lowrise(grade="二级"),
     element("X-1", "分户墙", fire_resistance_h=1.9), "fail", required=2.0)
case("5.1.2 防火墙 given in minutes: 180 min is 3.00 h, passes",
     "5.1.2#component-01-fire-resistance", public_lowrise(grade="一级"),
     element("X-1", "防火墙", fire_resistance_h={"value": 180, "unit": "min"}), "pass",
     required=3.0, boundary=True)


# --- 5.1.3 / 5.1.3A: minimum 耐火等级 ----------------------------------------------------------

R = "5.1.3#grade-class1-highrise"
case("5.1.3 一类 public (60 m) 一级 exactly passes", R, public_highrise(height_m=60, grade="一级"),
     None, "pass", required="一级", boundary=True)
case("5.1.3 一类 public (60 m) 二级 fails", R, public_highrise(height_m=60, grade="二级"), None,
     "fail", required="一级")
case("5.1.3 医疗 high-rise (30 m) is 一类: 二级 fails", R,
     public_highrise("医疗", height_m=30, grade="二级"), None, "fail")
case("5.1.3 residential 54.01 m is 一类: 二级 fails", R, residential(54.01, grade="二级"), None,
     "fail", boundary=True)
case("5.1.3 residential 54 m is 二类: 一类 rule not applicable", R, residential(54, grade="二级"),
     None, "not_applicable", boundary=True)
case("5.1.3 二类 public (40 m): 一类 rule not applicable", R, public_highrise(grade="二级"), None,
     "not_applicable")
case("5.1.3 一类 public with 耐火等级 not stated → unknown", R, public_highrise(height_m=60, grade=None),
     None, "unknown", missing="building.fire_resistance_grade")
case("5.1.3 商店 40 m without the 24 m-floor area: class unknown → unknown", R,
     public_highrise("商店", grade="二级", max_storey_area_above_24m_m2=None), None, "unknown",
     missing="building.max_storey_area_above_24m_m2")
case("5.1.3 height not stated → class unknown", R, public_highrise(height_m=None, grade="二级"),
     None, "unknown", missing="building.height_m")

R = "5.1.3#grade-underground-building"
underground_building = {"storeys_above": 0, "storeys_below": 2}
case("5.1.3 underground building 一级 exactly passes", R,
     public_lowrise(height_m=0, grade="一级", **underground_building), None, "pass",
     required="一级", boundary=True)
case("5.1.3 underground building 二级 fails", R,
     public_lowrise(height_m=0, grade="二级", **underground_building), None, "fail", required="一级")
case("5.1.3 building with storeys above ground: underground rule not applicable", R,
     public_lowrise(grade="二级", storeys_above=3, storeys_below=2), None, "not_applicable")
case("5.1.3 no storeys above and storeys below not stated → unknown", R,
     public_lowrise(height_m=0, grade="二级", storeys_above=0, storeys_below=None), None, "unknown",
     missing="building.storeys_below")
case("5.1.3 underground building 耐火等级 not stated → unknown", R,
     public_lowrise(height_m=0, grade=None, **underground_building), None, "unknown",
     missing="building.fire_resistance_grade")

R = "5.1.3#grade-underground-part"
case("5.1.3 地下室 一级 exactly passes", R, public_lowrise(),
     element("BM-1", "地下室", fire_resistance_grade="一级"), "pass", required="一级", boundary=True)
case("5.1.3 地下室 二级 fails", R, public_lowrise(),
     element("BM-1", "地下室", fire_resistance_grade="二级"), "fail", required="一级")
case("5.1.3 半地下室 (alias) 三级 fails", R, public_lowrise(),
     element("BM-1", "半地下室", fire_resistance_grade="三级"), "fail")
case("5.1.3 地下室 耐火等级 not stated → unknown", R, public_lowrise(), element("BM-1", "地下室"),
     "unknown", missing="BM-1.fire_resistance_grade")

R = "5.1.3#grade-class2-highrise"
case("5.1.3 二类 public 二级 exactly passes", R, public_highrise(grade="二级"), None, "pass",
     required="二级", boundary=True)
case("5.1.3 二类 public 一级 passes", R, public_highrise(grade="一级"), None, "pass")
case("5.1.3 二类 public 三级 fails", R, public_highrise(grade="三级"), None, "fail", required="二级")
case("5.1.3 二类 residential (27.01 m) 三级 fails", R, residential(27.01, grade="三级"), None,
     "fail", boundary=True)
case("5.1.3 residential 27 m is not high-rise: 二类 rule not applicable", R,
     residential(27, grade="三级"), None, "not_applicable", boundary=True)
case("5.1.3 一类 public: 二类 rule not applicable", R, public_highrise(height_m=60, grade="一级"),
     None, "not_applicable")
case("5.1.3 二类 public 耐火等级 not stated → unknown", R, public_highrise(grade=None), None,
     "unknown", missing="building.fire_resistance_grade")
case("5.1.3 展览 40 m without the 24 m-floor area: 二类? unknown", R,
     public_highrise("展览", grade="三级", max_storey_area_above_24m_m2=None), None, "unknown",
     missing="building.max_storey_area_above_24m_m2")

R = "5.1.3#grade-important-public"
case("5.1.3 单、多层重要公共建筑 二级 exactly passes", R, public_lowrise(grade="二级", important_public=True),
     None, "pass", required="二级", boundary=True)
case("5.1.3 单、多层重要公共建筑 三级 fails", R, public_lowrise(grade="三级", important_public=True),
     None, "fail", required="二级")
case("5.1.3 public not declared 重要: rule not applicable", R,
     public_lowrise(grade="三级", important_public=None), None, "not_applicable")
case("5.1.3 重要公共建筑 that is high-rise is 一类, not this rule", R,
     public_highrise(grade="二级", important_public=True), None, "not_applicable")
case("5.1.3 重要公共建筑 耐火等级 not stated → unknown", R,
     public_lowrise(grade=None, important_public=True), None, "unknown",
     missing="building.fire_resistance_grade")
case("5.1.3 重要公共建筑 height not stated → unknown", R,
     public_lowrise(height_m=None, grade="三级", important_public=True), None, "unknown",
     missing="building.height_m")

R = "5.1.3A#grade-elderly-care"
case("5.1.3A 老年人照料设施 三级 exactly passes", R, public_lowrise("老年人照料设施", grade="三级"),
     None, "pass", required="三级", boundary=True)
case("5.1.3A 老年人照料设施 四级 fails", R, public_lowrise("老年人照料设施", grade="四级"), None,
     "fail", required="三级")
case("5.1.3A 木结构 老年人照料设施 excepted: not applicable", R,
     public_lowrise("老年人照料设施", grade="四级", timber_structure=True), None, "not_applicable")
case("5.1.3A 办公: not applicable", R, public_lowrise(grade="四级"), None, "not_applicable")
case("5.1.3A 老年人照料设施 耐火等级 not stated → unknown", R,
     public_lowrise("老年人照料设施", grade=None), None, "unknown",
     missing="building.fire_resistance_grade")


# --- 5.2.2 (表5.2.2): separation between civil buildings -----------------------------------
# Rows: this building; columns: the neighbour (high-rise 一二级, other 一二级, other 三级, other 四级).

TABLE_5_2_2 = {
    ("高层", "一、二级"): [13, 9, 11, 14],
    ("单、多层", "一、二级"): [9, 6, 7, 9],
    ("单、多层", "三级"): [11, 7, 8, 10],
    ("单、多层", "四级"): [14, 9, 10, 12],
}
NEIGHBOURS = [(True, "二级", "高层 一、二级"), (False, "一级", "其他 一、二级"),
              (False, "三级", "其他 三级"), (False, "四级", "其他 四级")]
R = "5.2.2#separation-civil"


def _this(kind: str, grade: str, **kw: Any) -> dict:
    g = {"一、二级": "二级"}.get(grade, grade)
    return public_highrise(grade=g, **kw) if kind == "高层" else public_lowrise(grade=g, **kw)


def neighbour(separation: float | None, high_rise: bool | None, grade: str | None, **kw: Any) -> dict:
    return element("N-1", "相邻建筑", separation_m=separation, high_rise=high_rise,
                   fire_resistance_grade=grade, **kw)


for (kind, grade), row in TABLE_5_2_2.items():
    for (hr, ngrade, nlabel), value in zip(NEIGHBOURS, row):
        case(f"5.2.2 {kind}{grade} ↔ {nlabel}: {value} m exactly passes", R, _this(kind, grade),
             neighbour(value, hr, ngrade), "pass", required=value, boundary=True)
        case(f"5.2.2 {kind}{grade} ↔ {nlabel}: {value - 0.1:g} m fails", R, _this(kind, grade),
             neighbour(value - 0.1, hr, ngrade), "fail", required=value)

case("5.2.2 注1 (−25%) flips 5 m between two 单、多层 一、二级 from fail to pass", R,
     _this("单、多层", "一、二级"), neighbour(5, False, "二级", note1_openings_limited=True), "pass",
     required=4.5)
case("5.2.2 without 注1 5 m between two 单、多层 一、二级 fails", R, _this("单、多层", "一、二级"),
     neighbour(5, False, "二级"), "fail", required=6)
case("5.2.2 注1: 6 m × 0.75 = 4.5 m exactly passes", R, _this("单、多层", "一、二级"),
     neighbour(4.5, False, "二级", note1_openings_limited=True), "pass", required=4.5, boundary=True)
case("5.2.2 注1: 4.4 m fails the reduced 4.5 m", R, _this("单、多层", "一、二级"),
     neighbour(4.4, False, "二级", note1_openings_limited=True), "fail", required=4.5)
case("5.2.2 注1 does not reduce when this building is high-rise", R, _this("高层", "一、二级"),
     neighbour(8, False, "二级", note1_openings_limited=True), "fail", required=9)
case("5.2.2 注1 does not reduce when the neighbour is high-rise", R, _this("单、多层", "一、二级"),
     neighbour(8, True, "二级", note1_openings_limited=True), "fail", required=9)
case("5.2.2 注2/注3 防火墙: separation not limited, not applicable", R, _this("高层", "一、二级"),
     neighbour(2, True, "一级", firewall_no_limit=True), "not_applicable")
case("5.2.2 separation not stated → unknown", R, _this("高层", "一、二级"),
     neighbour(None, True, "一级"), "unknown", missing="N-1.separation_m")
case("5.2.2 neighbour high_rise not stated → unknown", R, _this("单、多层", "一、二级"),
     neighbour(7, None, "二级"), "unknown", missing="N-1.high_rise")
case("5.2.2 neighbour grade not stated → unknown", R, _this("单、多层", "一、二级"),
     neighbour(7, False, None), "unknown", missing="N-1.fire_resistance_grade")
case("5.2.2 this building's grade not stated → unknown", R, public_lowrise(grade=None),
     neighbour(7, False, "二级"), "unknown", missing="building.fire_resistance_grade")
case("5.2.2 this building's height not stated → unknown", R, public_lowrise(height_m=None),
     neighbour(7, False, "二级"), "unknown", missing="building.height_m")


# --- 5.3.1 (表5.3.1): storeys and compartment areas ------------------------------------------

R = "5.3.1#storeys-grade3"
case("5.3.1 三级: 5 storeys exactly passes", R, public_lowrise(grade="三级", storeys_above=5), None,
     "pass", required=5, boundary=True)
case("5.3.1 三级: 6 storeys fails", R, public_lowrise(grade="三级", storeys_above=6), None, "fail",
     required=5)
case("5.3.1 二级: 三级 storey limit not applicable", R, public_lowrise(grade="二级", storeys_above=6),
     None, "not_applicable")
case("5.3.1 三级: storeys not stated → unknown", R, public_lowrise(grade="三级", storeys_above=None),
     None, "unknown", missing="building.storeys_above")
case("5.3.1 耐火等级 not stated → unknown (三级 limit)", R, public_lowrise(grade=None, storeys_above=6),
     None, "unknown", missing="building.fire_resistance_grade")

R = "5.3.1#storeys-grade4"
case("5.3.1 四级: 2 storeys exactly passes", R, public_lowrise(grade="四级", storeys_above=2), None,
     "pass", required=2, boundary=True)
case("5.3.1 四级: 1 storey passes", R, public_lowrise(grade="四级", storeys_above=1), None, "pass")
case("5.3.1 四级: 3 storeys fails", R, public_lowrise(grade="四级", storeys_above=3), None, "fail",
     required=2)
case("5.3.1 三级: 四级 storey limit not applicable", R, public_lowrise(grade="三级", storeys_above=3),
     None, "not_applicable")
case("5.3.1 四级: storeys not stated → unknown", R, public_lowrise(grade="四级", storeys_above=None),
     None, "unknown", missing="building.storeys_above")


def compartment(area: float | None, storey: int | None = 3, sprinklers: bool | None = False,
                **kw: Any) -> dict:
    return element("FC-1", "防火分区", area_m2=area, storey=storey, sprinklers=sprinklers, **kw)


R = "5.3.1#compartment-area"
# 表5.3.1: 高层 一、二级 1500; 单、多层 一、二级 2500, 三级 1200, 四级 600; 注1 ×2 with sprinklers.
for label, bld, limit in [
    ("高层 二级", public_highrise(grade="二级"), 1500),
    ("高层 一级", public_highrise(grade="一级"), 1500),
    ("住宅 高层 二级", residential(60, grade="二级"), 1500),
    ("单、多层 二级", public_lowrise(grade="二级"), 2500),
    ("单、多层 一级", public_lowrise(grade="一级"), 2500),
    ("单、多层 三级", public_lowrise(grade="三级"), 1200),
    ("单、多层 四级", public_lowrise(grade="四级", storeys_above=2), 600),
]:
    case(f"5.3.1 compartment {label}: {limit} m2 exactly passes", R, bld, compartment(limit),
         "pass", required=limit, boundary=True)
    case(f"5.3.1 compartment {label}: {limit + 1} m2 fails", R, bld, compartment(limit + 1), "fail",
         required=limit)
    case(f"5.3.1 compartment {label} sprinklered: {2 * limit} m2 exactly passes (注1 ×2)", R, bld,
         compartment(2 * limit, sprinklers=True), "pass", required=2 * limit, boundary=True)
    case(f"5.3.1 compartment {label} sprinklered: {2 * limit + 1} m2 fails", R, bld,
         compartment(2 * limit + 1, sprinklers=True), "fail", required=2 * limit)
    case(f"5.3.1 compartment {label}: {1.5 * limit:g} m2 fails without sprinklers", R, bld,
         compartment(1.5 * limit, sprinklers=False), "fail", required=limit)
    case(f"5.3.1 compartment {label}: {1.5 * limit:g} m2 passes with sprinklers (注1 flips it)", R,
         bld, compartment(1.5 * limit, sprinklers=True), "pass", required=2 * limit)

case("5.3.1 compartment 高层 sprinklers not stated, 1400 m2: passes either way", R,
     public_highrise(), compartment(1400, sprinklers=None), "pass", required=1500)
case("5.3.1 compartment 高层 sprinklers not stated, 2000 m2: 注1 decides → unknown", R,
     public_highrise(), compartment(2000, sprinklers=None), "unknown", missing="FC-1.sprinklers")
case("5.3.1 compartment 高层 sprinklers not stated, 3100 m2: fails even at 1500 × 2 = 3000", R,
     public_highrise(), compartment(3100, sprinklers=None), "fail", required=3000)
case("5.3.1 compartment 高层 sprinklers not stated, 3001 m2: fails even the doubled 3000", R,
     public_highrise(), compartment(3001, sprinklers=None), "fail", required=3000, boundary=True)
case("5.3.1 compartment 高层 sprinklers not stated, 3000 m2 → unknown (fails 1500, meets 3000)", R,
     public_highrise(), compartment(3000, sprinklers=None), "unknown", missing="FC-1.sprinklers",
     boundary=True)
case("5.3.1 compartment 高层 三级: no permitted area ('—'), fails", R, public_highrise(grade="三级"),
     compartment(500), "fail", required=NOT_PERMITTED)
case("5.3.1 compartment area not stated → unknown", R, public_highrise(), compartment(None),
     "unknown", missing="FC-1.area_m2")
case("5.3.1 compartment storey not stated → unknown", R, public_highrise(),
     compartment(1000, storey=None), "unknown", missing="FC-1.storey")
case("5.3.1 compartment 耐火等级 not stated → unknown", R, public_lowrise(grade=None),
     compartment(1000), "unknown", missing="building.fire_resistance_grade")
case("5.3.1 compartment 二级, height not stated: 1000 m2 passes 高层 1500 and 单、多层 2500", R,
     public_lowrise(height_m=None), compartment(1000), "pass", required=1500)
case("5.3.1 compartment 二级, height not stated: 2501 m2 fails both 1500 and 2500", R,
     public_lowrise(height_m=None), compartment(2501), "fail", required=2500)
case("5.3.1 compartment 二级, height not stated: 2000 m2 → unknown (fails 1500, meets 2500)", R,
     public_lowrise(height_m=None), compartment(2000), "unknown", missing="building.height_m")
# 单、多层 with the grade not stated: 2500 (一、二级), 1200 (三级) or 600 (四级) m2.
case("5.3.1 compartment 耐火等级 not stated, 600 m2: passes even the 四级 600", R,
     public_lowrise(grade=None), compartment(600), "pass", required=600, boundary=True)
case("5.3.1 compartment 耐火等级 not stated, 2501 m2: fails even the 一、二级 2500", R,
     public_lowrise(grade=None), compartment(2501), "fail", required=2500, boundary=True)
case("5.3.1 basement compartment: above-ground rule not applicable", R, public_highrise(),
     compartment(5000, storey=-1), "not_applicable")
# 表5.3.1 注1 (当建筑内设置自动灭火系统时 ×2): the compartment's own system, or the whole building's
# (design-v1: `sprinklers` on the building means the whole building is sprinklered). Either suffices.
case("5.3.1 whole building sprinklered: a 2000 m2 high-rise compartment passes (1500 × 2)", R,
     public_highrise(sprinklers=True), compartment(2000, sprinklers=None), "pass", required=3000)
case("5.3.1 whole building sprinklered, compartment flag false: 3000 m2 exactly passes (注1 ×2)", R,
     public_highrise(sprinklers=True), compartment(3000, sprinklers=False), "pass", required=3000,
     boundary=True)
case("5.3.1 whole building sprinklered, compartment flag false: 3001 m2 fails", R,
     public_highrise(sprinklers=True), compartment(3001, sprinklers=False), "fail", required=3000)
case("5.3.1 单、多层 whole building sprinklered: 5000 m2 exactly passes (2500 × 2)", R,
     public_lowrise(sprinklers=True), compartment(5000, sprinklers=None), "pass", required=5000,
     boundary=True)
case("5.3.1 compartment sprinklered, building sprinklers not stated: 3000 m2 passes (注1 ×2)", R,
     public_highrise(sprinklers=None), compartment(3000, sprinklers=True), "pass", required=3000,
     boundary=True)
case("5.3.1 compartment not sprinklered, building sprinklers not stated, 2000 m2 → unknown", R,
     public_highrise(sprinklers=None), compartment(2000, sprinklers=False), "unknown",
     missing="building.sprinklers")
case("5.3.1 neither sprinklers stated, 2000 m2 → unknown (names the compartment's flag)", R,
     public_highrise(sprinklers=None), compartment(2000, sprinklers=None), "unknown",
     missing="FC-1.sprinklers")
case("5.3.1 neither sprinklers stated, 2000 m2 → unknown (names the building's flag)", R,
     public_highrise(sprinklers=None), compartment(2000, sprinklers=None), "unknown",
     missing="building.sprinklers")
case("5.3.1 neither sprinklers stated, 1500 m2: passes either way", R,
     public_highrise(sprinklers=None), compartment(1500, sprinklers=None), "pass", required=1500,
     boundary=True)
case("5.3.1 neither sprinklers stated, 3001 m2: fails even at 1500 × 2 = 3000", R,
     public_highrise(sprinklers=None), compartment(3001, sprinklers=None), "fail", required=3000,
     boundary=True)

R = "5.3.1#compartment-area-underground"
case("5.3.1 basement compartment 500 m2 exactly passes", R, public_lowrise(),
     compartment(500, storey=-1), "pass", required=500, boundary=True)
case("5.3.1 basement compartment 501 m2 fails", R, public_lowrise(), compartment(501, storey=-1),
     "fail", required=500)
case("5.3.1 basement compartment sprinklered 1000 m2 exactly passes", R, public_lowrise(),
     compartment(1000, storey=-2, sprinklers=True), "pass", required=1000, boundary=True)
case("5.3.1 basement compartment sprinklered 1001 m2 fails", R, public_lowrise(),
     compartment(1001, storey=-2, sprinklers=True), "fail", required=1000)
case("5.3.1 basement 800 m2 fails without sprinklers", R, public_lowrise(),
     compartment(800, storey=-1), "fail", required=500)
case("5.3.1 basement 800 m2 passes with sprinklers (注1 flips it)", R, public_lowrise(),
     compartment(800, storey=-1, sprinklers=True), "pass", required=1000)
case("5.3.1 basement 设备用房 1000 m2 exactly passes", R, public_lowrise(),
     compartment(1000, storey=-1, equipment_room=True), "pass", required=1000, boundary=True)
case("5.3.1 basement 设备用房 1001 m2 fails", R, public_lowrise(),
     compartment(1001, storey=-1, equipment_room=True), "fail", required=1000)
case("5.3.1 basement sprinklers not stated, 400 m2: passes either way", R, public_lowrise(),
     compartment(400, storey=-1, sprinklers=None), "pass", required=500)
case("5.3.1 basement sprinklers not stated, 700 m2 → unknown", R, public_lowrise(),
     compartment(700, storey=-1, sprinklers=None), "unknown", missing="FC-1.sprinklers")
case("5.3.1 basement sprinklers not stated, 1200 m2: fails even at 500 × 2 = 1000", R,
     public_lowrise(), compartment(1200, storey=-1, sprinklers=None), "fail", required=1000)
case("5.3.1 basement sprinklers not stated, 1001 m2: fails even the doubled 1000", R,
     public_lowrise(), compartment(1001, storey=-1, sprinklers=None), "fail", required=1000,
     boundary=True)
case("5.3.1 above-ground compartment: basement rule not applicable", R, public_lowrise(),
     compartment(5000, storey=1), "not_applicable")
case("5.3.1 basement compartment area not stated → unknown", R, public_lowrise(),
     compartment(None, storey=-1), "unknown", missing="FC-1.area_m2")
case("5.3.1 compartment storey not stated → unknown (basement rule)", R, public_lowrise(),
     compartment(600, storey=None), "unknown", missing="FC-1.storey")
case("5.3.1 basement, whole building sprinklered: 1000 m2 exactly passes (注1 ×2)", R,
     public_lowrise(sprinklers=True), compartment(1000, storey=-1, sprinklers=None), "pass",
     required=1000, boundary=True)
case("5.3.1 basement, whole building sprinklered, compartment flag false: 1001 m2 fails", R,
     public_lowrise(sprinklers=True), compartment(1001, storey=-1, sprinklers=False), "fail",
     required=1000)
case("5.3.1 basement not sprinklered, building sprinklers not stated, 700 m2 → unknown", R,
     public_lowrise(sprinklers=None), compartment(700, storey=-1, sprinklers=False), "unknown",
     missing="building.sprinklers")
case("5.3.1 basement sprinklered, building sprinklers not stated: 1000 m2 passes", R,
     public_lowrise(sprinklers=None), compartment(1000, storey=-1, sprinklers=True), "pass",
     required=1000)


# --- 5.5.8: safety exits per compartment (and its one-exit exceptions) ----------------------

R = "5.5.8#exits-per-compartment"


def fc_exits(exits: int | None, area: float = 300, storey: int = 2, **kw: Any) -> dict:
    return element("FC-1", "防火分区", exits=exits, area_m2=area, storey=storey, **kw)


case("5.5.8 2 exits exactly passes", R, public_lowrise(), fc_exits(2), "pass", required=2,
     boundary=True)
case("5.5.8 3 exits passes", R, public_lowrise(), fc_exits(3), "pass")
case("5.5.8 1 exit in a 300 m2 compartment fails", R, public_lowrise(), fc_exits(1), "fail",
     required=2)
case("5.5.8 exits not stated → unknown", R, public_lowrise(), fc_exits(None), "unknown",
     missing="FC-1.exits")
case("5.5.8 residential: public-building rule not applicable", R, residential(30), fc_exits(1),
     "not_applicable")
# 第1款: single-storey building, or the first storey of a 多层 building, ≤200 m2 and ≤50 persons.
# 医疗 is outside 第2款 (表5.5.8) but inside 第1款, which isolates 第1款.
single = public_lowrise("医疗", storeys_above=1, height_m=6)
case("5.5.8 第1款 single-storey 医疗 200 m2 / 50 persons, 1 exit: excepted", R, single,
     fc_exits(1, area=200, storey=1, occupants=50), "not_applicable", boundary=True)
case("5.5.8 第1款 single-storey 医疗 201 m2, 1 exit: fails", R, single,
     fc_exits(1, area=201, storey=1, occupants=50), "fail", boundary=True)
case("5.5.8 第1款 single-storey 医疗 51 persons, 1 exit: fails", R, single,
     fc_exits(1, area=200, storey=1, occupants=51), "fail", boundary=True)
case("5.5.8 第1款 does not cover 托儿所幼儿园: 1 exit fails", R,
     public_lowrise("托儿所幼儿园", storeys_above=1, height_m=6),
     fc_exits(1, area=150, storey=1, occupants=30), "fail")
case("5.5.8 第1款 first storey of a 多层 building, 180 m2 / 40 persons: excepted", R,
     public_lowrise(storeys_above=5, height_m=20, grade="二级"),
     fc_exits(1, area=180, storey=1, occupants=40), "not_applicable")
case("5.5.8 第1款 is for 单层/多层 buildings: first storey of a high-rise needs 2 exits", R,
     public_highrise(), fc_exits(1, area=150, storey=1, occupants=30), "fail", required=2)
case("5.5.8 第1款 first storey, 24 m 6-storey public (多层 by 5.1.1): excepted", R,
     public_lowrise(storeys_above=6, height_m=24), fc_exits(1, area=200, storey=1, occupants=50),
     "not_applicable", boundary=True)
case("5.5.8 第1款 first storey, 24.01 m 6-storey public (高层): 1 exit fails", R,
     public_lowrise(storeys_above=6, height_m=24.01), fc_exits(1, area=200, storey=1, occupants=50),
     "fail", boundary=True)
case("5.5.8 第1款 first storey, height not stated (多层 or 高层?), 1 exit → unknown", R,
     public_lowrise(storeys_above=6, height_m=None), fc_exits(1, area=150, storey=1, occupants=30),
     "unknown", missing="building.height_m")
# 第2款 / 表5.5.8: 一、二级 ≤3 storeys, ≤200 m2 per storey, 2nd+3rd storeys ≤50 persons …
t558 = public_lowrise(storeys_above=3, height_m=12, grade="二级", upper_floor_occupants=50)
case("5.5.8 表5.5.8 一、二级, 3 storeys, 200 m2, 50 persons upstairs: excepted", R, t558,
     fc_exits(1, area=200), "not_applicable", boundary=True)
case("5.5.8 表5.5.8 一、二级 with 51 persons upstairs: fails", R,
     {**t558, "upper_floor_occupants": 51}, fc_exits(1, area=200), "fail", boundary=True)
case("5.5.8 表5.5.8 一、二级 with 4 storeys: fails", R,
     {**t558, "storeys_above": 4}, fc_exits(1, area=200), "fail", boundary=True)
case("5.5.8 表5.5.8 一、二级 with 201 m2: fails", R, t558, fc_exits(1, area=201), "fail",
     boundary=True)
case("5.5.8 表5.5.8 not for 医疗: fails", R, {**t558, "use": "医疗"}, fc_exits(1, area=150), "fail")
case("5.5.8 表5.5.8 not for 歌舞娱乐放映游艺场所: fails", R, {**t558, "use": "歌舞娱乐放映游艺场所"},
     fc_exits(1, area=150), "fail")
t558_3 = public_lowrise(storeys_above=3, height_m=12, grade="三级", upper_floor_occupants=25)
case("5.5.8 表5.5.8 三级, 25 persons upstairs: excepted", R, t558_3, fc_exits(1, area=200),
     "not_applicable", boundary=True)
case("5.5.8 表5.5.8 三级, 26 persons upstairs: fails", R, {**t558_3, "upper_floor_occupants": 26},
     fc_exits(1, area=200), "fail", boundary=True)
t558_4 = public_lowrise(storeys_above=2, height_m=8, grade="四级", upper_floor_occupants=15)
case("5.5.8 表5.5.8 四级, 2 storeys, 15 persons upstairs: excepted", R, t558_4,
     fc_exits(1, area=200), "not_applicable", boundary=True)
case("5.5.8 表5.5.8 四级, 16 persons upstairs: fails", R, {**t558_4, "upper_floor_occupants": 16},
     fc_exits(1, area=200), "fail", boundary=True)
case("5.5.8 表5.5.8 四级, 3 storeys: fails", R, {**t558_4, "storeys_above": 3},
     fc_exits(1, area=200), "fail", boundary=True)
case("5.5.8 表5.5.8 persons upstairs not stated, 1 exit → unknown", R,
     {**t558, "upper_floor_occupants": None}, fc_exits(1, area=150), "unknown",
     missing="building.upper_floor_occupants")
case("5.5.8 表5.5.8 persons upstairs not stated, but 2 exits: passes", R,
     {**t558, "upper_floor_occupants": None}, fc_exits(2, area=150), "pass")
case("5.5.8 第1款 occupants not stated on a first storey, 1 exit → unknown", R,
     public_lowrise(storeys_above=5, height_m=20), fc_exits(1, area=150, storey=1), "unknown",
     missing="FC-1.occupants")


# --- 5.5.12: stair enclosures in high-rise public buildings -----------------------------------


def stair(enclosure: str | None = None, width: float | None = None, **kw: Any) -> dict:
    return element("ST-1", "疏散楼梯", enclosure=enclosure, clear_width_m=width, **kw)


R = "5.5.12#smokeproof-stair"
case("5.5.12 一类 (60 m) 防烟楼梯间 exactly passes", R, public_highrise(height_m=60, grade="一级"),
     stair("防烟楼梯间"), "pass", required="防烟楼梯间", boundary=True)
case("5.5.12 一类 (60 m) 封闭楼梯间 fails", R, public_highrise(height_m=60, grade="一级"),
     stair("封闭楼梯间"), "fail", required="防烟楼梯间")
case("5.5.12 医疗 30 m is 一类: 封闭楼梯间 fails", R, public_highrise("医疗", height_m=30),
     stair("封闭楼梯间"), "fail")
case("5.5.12 二类 40 m (> 32 m) 封闭楼梯间 fails", R, public_highrise(height_m=40),
     stair("封闭楼梯间"), "fail")
case("5.5.12 二类 32.01 m 封闭楼梯间 fails", R, public_highrise(height_m=32.01),
     stair("封闭楼梯间"), "fail", boundary=True)
case("5.5.12 二类 32 m exactly: smoke-proof rule not applicable (enclosed rule instead)", R,
     public_highrise(height_m=32), stair("封闭楼梯间"), "not_applicable", boundary=True)
case("5.5.12 单、多层 public: not applicable", R, public_lowrise(), stair("敞开楼梯间"),
     "not_applicable")
case("5.5.12 裙房 stair: smoke-proof rule not applicable", R, public_highrise(height_m=60),
     stair("封闭楼梯间", in_podium=True), "not_applicable")
case("5.5.12 enclosure not stated → unknown", R, public_highrise(height_m=60), stair(None),
     "unknown", missing="ST-1.enclosure")
case("5.5.12 商店 30 m, 24 m-floor area not stated: 封闭 → unknown (二类 exception undecided)", R,
     public_highrise("商店", height_m=30, max_storey_area_above_24m_m2=None), stair("封闭楼梯间"),
     "unknown", missing="building.max_storey_area_above_24m_m2")
case("5.5.12 商店 30 m, 24 m-floor area not stated: 防烟 passes either way", R,
     public_highrise("商店", height_m=30, max_storey_area_above_24m_m2=None), stair("防烟楼梯间"),
     "pass")
case("5.5.12 商店 30 m with 1001 m2 above 24 m is 一类: 封闭 fails", R,
     public_highrise("商店", height_m=30, max_storey_area_above_24m_m2=1001), stair("封闭楼梯间"),
     "fail")

R = "5.5.12#enclosed-stair"
case("5.5.12 二类 30 m 封闭楼梯间 exactly passes", R, public_highrise(height_m=30),
     stair("封闭楼梯间"), "pass", required="封闭楼梯间", boundary=True)
case("5.5.12 二类 30 m 防烟楼梯间 passes", R, public_highrise(height_m=30), stair("防烟楼梯间"), "pass")
case("5.5.12 二类 30 m 敞开楼梯间 fails", R, public_highrise(height_m=30), stair("敞开楼梯间"),
     "fail", required="封闭楼梯间")
case("5.5.12 二类 32 m exactly: 敞开楼梯间 fails", R, public_highrise(height_m=32),
     stair("敞开楼梯间"), "fail", boundary=True)
case("5.5.12 二类 32.01 m: enclosed rule not applicable", R, public_highrise(height_m=32.01),
     stair("敞开楼梯间"), "not_applicable", boundary=True)
case("5.5.12 商店 30 m with 1000 m2 above 24 m is 二类: 敞开 fails", R,
     public_highrise("商店", height_m=30, max_storey_area_above_24m_m2=1000), stair("敞开楼梯间"),
     "fail")
case("5.5.12 一类 医疗 30 m: enclosed rule not applicable", R, public_highrise("医疗", height_m=30),
     stair("敞开楼梯间"), "not_applicable")
case("5.5.12 class not derivable → unknown", R,
     public_highrise("商店", height_m=30, max_storey_area_above_24m_m2=None), stair("敞开楼梯间"),
     "unknown", missing="building.max_storey_area_above_24m_m2")
case("5.5.12 enclosed: enclosure not stated → unknown", R, public_highrise(height_m=30), stair(None),
     "unknown", missing="ST-1.enclosure")

R = "5.5.12#enclosed-stair-podium"
case("5.5.12 裙房 stair 封闭楼梯间 exactly passes", R, public_highrise(height_m=60),
     stair("封闭楼梯间", in_podium=True), "pass", required="封闭楼梯间", boundary=True)
case("5.5.12 裙房 stair 敞开楼梯间 fails", R, public_highrise(height_m=60),
     stair("敞开楼梯间", in_podium=True), "fail", required="封闭楼梯间")
case("5.5.12 注 裙房 separated by 防火墙: not applicable", R, public_highrise(height_m=60),
     stair("敞开楼梯间", in_podium=True, podium_firewall=True), "not_applicable")
case("5.5.12 stair not declared in 裙房: podium rule not applicable", R, public_highrise(height_m=60),
     stair("敞开楼梯间"), "not_applicable")
case("5.5.12 裙房 stair enclosure not stated → unknown", R, public_highrise(height_m=60),
     stair(None, in_podium=True), "unknown", missing="ST-1.enclosure")
case("5.5.12 裙房 stair, storeys not stated (30 m public) → unknown", R,
     public_highrise(height_m=30, storeys_above=None), stair("敞开楼梯间", in_podium=True),
     "unknown", missing="building.storeys_above")


# --- 5.5.15: doors per room -----------------------------------------------------------------

R = "5.5.15#room-doors"


def room(doors: int | None, area: float | None, position: str | None = "两个安全出口之间",
         **kw: Any) -> dict:
    return element("R-1", "房间", doors=doors, area_m2=area, position=position, **kw)


case("5.5.15 2 doors exactly passes", R, public_lowrise(), room(2, 300), "pass", required=2,
     boundary=True)
case("5.5.15 1 door, 办公 150 m2 between exits: fails", R, public_lowrise(), room(1, 150), "fail",
     required=2)
case("5.5.15 第1款 办公 120 m2 between exits, 1 door: excepted", R, public_lowrise(), room(1, 120),
     "not_applicable", boundary=True)
case("5.5.15 第1款 办公 120.5 m2, 1 door: fails", R, public_lowrise(), room(1, 120.5), "fail",
     boundary=True)
case("5.5.15 第1款 办公 袋形走道两侧 100 m2, 1 door: excepted", R, public_lowrise(),
     room(1, 100, "袋形走道两侧"), "not_applicable")
case("5.5.15 第1款 医疗 75 m2, 1 door: excepted", R, public_lowrise("医疗"), room(1, 75),
     "not_applicable", boundary=True)
case("5.5.15 第1款 医疗 76 m2, 1 door: fails", R, public_lowrise("医疗"), room(1, 76), "fail",
     boundary=True)
case("5.5.15 第1款 教学 75 m2, 1 door: excepted", R, public_lowrise("教学"), room(1, 75),
     "not_applicable", boundary=True)
case("5.5.15 第1款 教学 76 m2, 1 door: fails", R, public_lowrise("教学"), room(1, 76), "fail")
case("5.5.15 第1款 托儿所幼儿园 50 m2, 1 door: excepted", R, public_lowrise("托儿所幼儿园"),
     room(1, 50), "not_applicable", boundary=True)
case("5.5.15 第1款 托儿所幼儿园 51 m2, 1 door: fails", R, public_lowrise("托儿所幼儿园"),
     room(1, 51), "fail", boundary=True)
case("5.5.15 第1款 老年人照料设施 51 m2, 1 door: fails", R, public_lowrise("老年人照料设施"),
     room(1, 51), "fail")
case("5.5.15 第2款 走道尽端 办公 49.9 m2 with 0.90 m door: excepted", R, public_lowrise(),
     room(1, 49.9, "走道尽端", door_clear_width_m=0.9), "not_applicable", boundary=True)
case("5.5.15 第2款 走道尽端 办公 50 m2 (not < 50) with 0.90 m door: fails", R, public_lowrise(),
     room(1, 50, "走道尽端", door_clear_width_m=0.9, max_distance_to_door_m=10), "fail",
     boundary=True)
case("5.5.15 第2款 走道尽端 办公 40 m2 with 0.89 m door: fails", R, public_lowrise(),
     room(1, 40, "走道尽端", door_clear_width_m=0.89, max_distance_to_door_m=10), "fail")
case("5.5.15 第2款 走道尽端 200 m2, 15 m, 1.40 m door: excepted", R, public_lowrise(),
     room(1, 200, "走道尽端", door_clear_width_m=1.4, max_distance_to_door_m=15), "not_applicable",
     boundary=True)
case("5.5.15 第2款 走道尽端 200 m2, 15 m, 1.39 m door: fails", R, public_lowrise(),
     room(1, 200, "走道尽端", door_clear_width_m=1.39, max_distance_to_door_m=15), "fail")
case("5.5.15 第2款 走道尽端 200 m2, 15.1 m, 1.40 m door: fails", R, public_lowrise(),
     room(1, 200, "走道尽端", door_clear_width_m=1.4, max_distance_to_door_m=15.1), "fail")
case("5.5.15 第2款 走道尽端 201 m2: fails", R, public_lowrise(),
     room(1, 201, "走道尽端", door_clear_width_m=1.4, max_distance_to_door_m=15), "fail")
case("5.5.15 医疗 room at 走道尽端 gets no exception: fails", R, public_lowrise("医疗"),
     room(1, 40, "走道尽端", door_clear_width_m=1.0), "fail")
case("5.5.15 教学 room at 走道尽端 gets no exception: fails", R, public_lowrise("教学"),
     room(1, 40, "走道尽端", door_clear_width_m=1.0), "fail")
ktv = public_lowrise("歌舞娱乐放映游艺场所")
case("5.5.15 第3款 歌舞娱乐 50 m2 / 15 persons: excepted", R, ktv,
     room(1, 50, "走道尽端", door_clear_width_m=0.8, occupants=15), "not_applicable", boundary=True)
case("5.5.15 第3款 歌舞娱乐 50 m2 / 16 persons: fails", R, ktv,
     room(1, 50, "走道尽端", door_clear_width_m=0.8, occupants=16), "fail", boundary=True)
case("5.5.15 doors not stated → unknown", R, public_lowrise(), room(None, 300), "unknown",
     missing="R-1.doors")
case("5.5.15 1 door, 100 m2, position not stated → unknown (第1款 undecided)", R, public_lowrise(),
     room(1, 100, None), "unknown", missing="R-1.position")
case("5.5.15 2 doors, position not stated: passes", R, public_lowrise(), room(2, 100, None), "pass")
case("5.5.15 residential: not applicable", R, residential(30), room(1, 300), "not_applicable")
# design-v1's position word 袋形走道两侧或尽端 does not say which: 第1款 (两侧, ≤120 m2 …) and 第2款
# (尽端, <50 m2 with a 0.90 m door, or ≤200 m2 / ≤15 m / 1.40 m door) differ.
DEAD_END_OR_SIDE = "袋形走道两侧或尽端"
case("5.5.15 position 袋形走道两侧或尽端 (design-v1's word) cannot tell 两侧 from 尽端 → unknown", R,
     public_lowrise(), room(1, 100, DEAD_END_OR_SIDE), "unknown", missing="R-1.position")
case("5.5.15 医疗 60 m2 at 袋形走道两侧或尽端: excepted at the side (≤75), not at the end → unknown",
     R, public_lowrise("医疗"), room(1, 60, DEAD_END_OR_SIDE), "unknown", missing="R-1.position")
case("5.5.15 办公 130 m2 at 袋形走道两侧或尽端 with a 0.90 m door: fails at the side or the end", R,
     public_lowrise(), room(1, 130, DEAD_END_OR_SIDE, door_clear_width_m=0.9), "fail", required=2)
case("5.5.15 医疗 76 m2 at 袋形走道两侧或尽端: fails at the side or the end", R,
     public_lowrise("医疗"), room(1, 76, DEAD_END_OR_SIDE), "fail", required=2, boundary=True)
case("5.5.15 2 doors at 袋形走道两侧或尽端: passes", R, public_lowrise(),
     room(2, 100, DEAD_END_OR_SIDE), "pass", required=2, boundary=True)
# Each reading is evaluated on its own: the same status in both stands; {pass, not applicable}
# is a pass (no reading finds a violation); anything else is unknown naming R-1.position.
case("5.5.15 办公 40 m2 at 袋形走道两侧或尽端 with a 0.90 m door: excepted at the side and the end",
     R, public_lowrise(), room(1, 40, DEAD_END_OR_SIDE, door_clear_width_m=0.9), "not_applicable")
case("5.5.15 办公 49.9 m2 at 袋形走道两侧或尽端 with a 0.90 m door: excepted both ways", R,
     public_lowrise(), room(1, 49.9, DEAD_END_OR_SIDE, door_clear_width_m=0.9), "not_applicable",
     boundary=True)
case("5.5.15 办公 50 m2 at 袋形走道两侧或尽端 with a 0.90 m door: 第1款 at the side, not 第2款 at "
     "the end (not < 50) → unknown", R, public_lowrise(),
     room(1, 50, DEAD_END_OR_SIDE, door_clear_width_m=0.9, max_distance_to_door_m=10), "unknown",
     missing="R-1.position", boundary=True)
case("5.5.15 办公 40 m2 at 袋形走道两侧或尽端 with a 0.89 m door: excepted at the side only → unknown",
     R, public_lowrise(), room(1, 40, DEAD_END_OR_SIDE, door_clear_width_m=0.89,
                               max_distance_to_door_m=10), "unknown", missing="R-1.position")


# --- 5.5.17 (表5.5.17): room door to nearest exit ------------------------------------------
# Columns: between exits 一二级 / 三级 / 四级, dead end 一二级 / 三级 / 四级. None = '—'.

BETWEEN, DEAD_END = "两个安全出口之间", "袋形走道两侧或尽端"
COLUMNS = [(BETWEEN, "二级"), (BETWEEN, "三级"), (BETWEEN, "四级"),
           (DEAD_END, "二级"), (DEAD_END, "三级"), (DEAD_END, "四级")]
TABLE_5_5_17: list[tuple[str, Any, dict, list[float | None]]] = [
    ("托儿所幼儿园", lambda g: public_lowrise("托儿所幼儿园", grade=g), {}, [25, 20, 15, 20, 15, 10]),
    ("老年人照料设施 (高层)", lambda g: public_highrise("老年人照料设施", height_m=30, grade=g), {},
     [25, 20, 15, 20, 15, 10]),
    ("歌舞娱乐放映游艺场所", lambda g: public_lowrise("歌舞娱乐放映游艺场所", grade=g), {},
     [25, 20, 15, 9, None, None]),
    ("医疗 单、多层", lambda g: public_lowrise("医疗", grade=g), {}, [35, 30, 25, 20, 15, 10]),
    ("医疗 高层 病房", lambda g: public_highrise("医疗", grade=g), {"ward": True},
     [24, None, None, 12, None, None]),
    ("医疗 高层 其他部分", lambda g: public_highrise("医疗", grade=g), {"ward": False},
     [30, None, None, 15, None, None]),
    ("教学 单、多层", lambda g: public_lowrise("教学", grade=g), {}, [35, 30, 25, 22, 20, 10]),
    ("教学 高层", lambda g: public_highrise("教学", grade=g), {}, [30, None, None, 15, None, None]),
    ("旅馆 高层", lambda g: public_highrise("旅馆", grade=g), {}, [30, None, None, 15, None, None]),
    ("展览 高层", lambda g: public_highrise("展览", grade=g), {}, [30, None, None, 15, None, None]),
    ("旅馆 单、多层 (其他建筑)", lambda g: public_lowrise("旅馆", grade=g), {},
     [40, 35, 25, 22, 20, 15]),
    ("办公 单、多层 (其他建筑)", lambda g: public_lowrise("办公", grade=g), {},
     [40, 35, 25, 22, 20, 15]),
    ("办公 高层 (其他建筑)", lambda g: public_highrise("办公", grade=g), {},
     [40, None, None, 20, None, None]),
]
R = "5.5.17#room-door-distance"


def room_door(distance: float | None, position: str | None = BETWEEN, **kw: Any) -> dict:
    return element("D-1", "房间疏散门", evacuation_distance_m=distance, position=position, **kw)


for label, make, extra_attrs, cells in TABLE_5_5_17:
    for (position, grade), value in zip(COLUMNS, cells):
        where = "两个安全出口之间" if position == BETWEEN else "袋形走道"
        bld = make(grade)
        if value is None:
            case(f"5.5.17 {label} / {where} / {grade}: '—' in 表5.5.17, fails", R, bld,
                 room_door(5, position, **extra_attrs), "fail", required=NOT_PERMITTED)
            continue
        case(f"5.5.17 {label} / {where} / {grade}: {value} m exactly passes", R, bld,
             room_door(value, position, **extra_attrs), "pass", required=value, boundary=True)
        case(f"5.5.17 {label} / {where} / {grade}: {value + 0.1:g} m fails", R, bld,
             room_door(value + 0.1, position, **extra_attrs), "fail", required=value)

case("5.5.17 一级 uses the 一、二级 column: 办公 高层 40 m passes", R, public_highrise(grade="一级"),
     room_door(40), "pass", required=40, boundary=True)
case("5.5.17 position 走道尽端 reads as 袋形走道两侧或尽端: 办公 单、多层 22.1 m fails", R,
     public_lowrise(), room_door(22.1, "走道尽端"), "fail", required=22)
# 注3: ×1.25 when the whole building is sprinklered.
case("5.5.17 注3 sprinklered 办公 高层: 50 m (40 × 1.25) exactly passes", R,
     public_highrise(sprinklers=True), room_door(50), "pass", required=50, boundary=True)
case("5.5.17 注3 sprinklered 办公 高层: 50.1 m fails", R, public_highrise(sprinklers=True),
     room_door(50.1), "fail", required=50)
case("5.5.17 注3 45 m fails without sprinklers", R, public_highrise(sprinklers=False), room_door(45),
     "fail", required=40)
case("5.5.17 注3 45 m passes with sprinklers (注3 flips it)", R, public_highrise(sprinklers=True),
     room_door(45), "pass", required=50)
case("5.5.17 注3 sprinklered dead end 办公 高层: 25 m (20 × 1.25) exactly passes", R,
     public_highrise(sprinklers=True), room_door(25, DEAD_END), "pass", required=25, boundary=True)
case("5.5.17 注3 sprinklers not stated, 35 m: passes either way", R, public_highrise(sprinklers=None),
     room_door(35), "pass", required=40)
case("5.5.17 注3 sprinklers not stated, 40 m exactly: passes either way", R,
     public_highrise(sprinklers=None), room_door(40), "pass", required=40, boundary=True)
case("5.5.17 注3 sprinklers not stated, 45 m → unknown", R, public_highrise(sprinklers=None),
     room_door(45), "unknown", missing="building.sprinklers")
case("5.5.17 注3 sprinklers not stated, 55 m: fails even at 40 × 1.25 = 50", R,
     public_highrise(sprinklers=None), room_door(55), "fail", required=50)
case("5.5.17 注3 sprinklers not stated, 50.1 m: fails even the increased 50", R,
     public_highrise(sprinklers=None), room_door(50.1), "fail", required=50, boundary=True)
case("5.5.17 注3 sprinklers not stated, 50 m → unknown (fails 40, meets 50)", R,
     public_highrise(sprinklers=None), room_door(50), "unknown", missing="building.sprinklers",
     boundary=True)
# 注1: +5 m for a door opening onto an open corridor.
case("5.5.17 注1 open corridor: 44 m passes (40 + 5)", R, public_lowrise(),
     room_door(44, opens_to_open_corridor=True), "pass", required=45)
case("5.5.17 注1 without open corridor: 44 m fails", R, public_lowrise(), room_door(44), "fail",
     required=40)
case("5.5.17 注1 open corridor: 45 m exactly passes", R, public_lowrise(),
     room_door(45, opens_to_open_corridor=True), "pass", required=45, boundary=True)
case("5.5.17 注1 open corridor: 45.1 m fails", R, public_lowrise(),
     room_door(45.1, opens_to_open_corridor=True), "fail", required=45)
# 注2: −5 m (between two stairs) / −2 m (dead end) to an open stair.
case("5.5.17 注2 open stair between exits: 37 m fails (40 − 5)", R, public_lowrise(),
     room_door(37, nearest_stair_enclosure="敞开楼梯间"), "fail", required=35)
case("5.5.17 注2 enclosed stair between exits: 37 m passes", R, public_lowrise(),
     room_door(37, nearest_stair_enclosure="封闭楼梯间"), "pass", required=40)
case("5.5.17 注2 open stair between exits: 35 m exactly passes", R, public_lowrise(),
     room_door(35, nearest_stair_enclosure="敞开楼梯间"), "pass", required=35, boundary=True)
case("5.5.17 注2 open stair dead end: 21 m fails (22 − 2)", R, public_lowrise(),
     room_door(21, DEAD_END, nearest_stair_enclosure="敞开楼梯间"), "fail", required=20)
case("5.5.17 注2 open stair dead end: 20 m exactly passes", R, public_lowrise(),
     room_door(20, DEAD_END, nearest_stair_enclosure="敞开楼梯间"), "pass", required=20,
     boundary=True)
case("5.5.17 注2 stair not stated, dead end 21 m: passes (no reduction claimed)", R, public_lowrise(),
     room_door(21, DEAD_END), "pass", required=22)
# Notes together, each counted on the table value: 40 + 25% − 5 = 45; 40 + 25% + 5 = 55.
case("5.5.17 注3 + 注2: sprinklered, open stair between exits, 45 m exactly passes", R,
     public_lowrise(sprinklers=True), room_door(45, nearest_stair_enclosure="敞开楼梯间"), "pass",
     required=45, boundary=True)
case("5.5.17 注3 + 注2: sprinklered, open stair between exits, 45.1 m fails", R,
     public_lowrise(sprinklers=True), room_door(45.1, nearest_stair_enclosure="敞开楼梯间"), "fail",
     required=45)
case("5.5.17 注3 + 注1: sprinklered, open corridor, 55 m exactly passes", R,
     public_lowrise(sprinklers=True), room_door(55, opens_to_open_corridor=True), "pass",
     required=55, boundary=True)
case("5.5.17 医疗 高层 ward flag flips 27 m: 病房 fails (24)", R, public_highrise("医疗"),
     room_door(27, ward=True), "fail", required=24)
case("5.5.17 医疗 高层 not a ward: 27 m passes (30)", R, public_highrise("医疗"),
     room_door(27, ward=False), "pass", required=30)
# Ward not stated in a 高层医疗 building: the door is in the 病房部分 (24 / 12 m) or in the 其他部分
# (30 / 15 m). A distance within both, or beyond both, is decided; one in between is not.
case("5.5.17 医疗 高层 ward not stated: 20 m passes (≤ 24 and ≤ 30)", R, public_highrise("医疗"),
     room_door(20), "pass", required=24)
case("5.5.17 医疗 高层 ward not stated: 24 m exactly passes either way", R, public_highrise("医疗"),
     room_door(24), "pass", required=24, boundary=True)
case("5.5.17 医疗 高层 ward not stated: 24.1 m → unknown (病房 24 fails, 其他部分 30 passes)", R,
     public_highrise("医疗"), room_door(24.1), "unknown", missing="D-1.ward", boundary=True)
case("5.5.17 医疗 高层 ward not stated: 30 m → unknown", R, public_highrise("医疗"),
     room_door(30), "unknown", missing="D-1.ward", boundary=True)
case("5.5.17 医疗 高层 ward not stated: 30.1 m fails either way", R, public_highrise("医疗"),
     room_door(30.1), "fail", required=30, boundary=True)
case("5.5.17 医疗 高层 ward not stated, dead end: 12 m exactly passes either way", R,
     public_highrise("医疗"), room_door(12, DEAD_END), "pass", required=12, boundary=True)
case("5.5.17 医疗 高层 ward not stated, dead end: 13 m → unknown (12 vs 15)", R,
     public_highrise("医疗"), room_door(13, DEAD_END), "unknown", missing="D-1.ward")
case("5.5.17 医疗 高层 ward not stated, dead end: 15.1 m fails either way", R,
     public_highrise("医疗"), room_door(15.1, DEAD_END), "fail", required=15)
case("5.5.17 医疗 高层 三级, ward not stated: '—' in both rows, fails", R,
     public_highrise("医疗", grade="三级"), room_door(5), "fail", required=NOT_PERMITTED)
case("5.5.17 医疗 高层 四级 dead end, ward not stated: '—' in both rows, fails", R,
     public_highrise("医疗", grade="四级"), room_door(5, DEAD_END), "fail", required=NOT_PERMITTED)
case("5.5.17 医疗 高层 ward not stated, sprinklered: 30 m passes (24 × 1.25 and 30 × 1.25)", R,
     public_highrise("医疗", sprinklers=True), room_door(30), "pass", required=30, boundary=True)
case("5.5.17 医疗 高层 ward not stated, sprinklered: 31 m → unknown (30 vs 37.5)", R,
     public_highrise("医疗", sprinklers=True), room_door(31), "unknown", missing="D-1.ward")
case("5.5.17 医疗 高层 ward and sprinklers not stated: 26 m → unknown", R,
     public_highrise("医疗", sprinklers=None), room_door(26), "unknown", missing="D-1.ward")
case("5.5.17 医疗 高层 ward and sprinklers not stated: 37.6 m fails every way", R,
     public_highrise("医疗", sprinklers=None), room_door(37.6), "fail", required=37.5)
case("5.5.17 医疗 高层 ward and sprinklers not stated: 24 m passes every way (病房, no 注3)", R,
     public_highrise("医疗", sprinklers=None), room_door(24), "pass", required=24, boundary=True)
case("5.5.17 医疗 单、多层: the ward flag does not matter, 35 m exactly passes", R,
     public_lowrise("医疗"), room_door(35), "pass", required=35, boundary=True)
case("5.5.17 医疗 高层 ward not stated: a pass reports the binding (ward) limit, 24 m", R,
     public_highrise("医疗"), room_door(23), "pass", required=24)
case("5.5.17 distance not stated → unknown", R, public_lowrise(), room_door(None), "unknown",
     missing="D-1.evacuation_distance_m")
case("5.5.17 position not stated → unknown", R, public_lowrise(), room_door(30, None), "unknown",
     missing="D-1.position")
case("5.5.17 耐火等级 not stated → unknown", R, public_lowrise(grade=None), room_door(30), "unknown",
     missing="building.fire_resistance_grade")
# 办公 单、多层 with the grade not stated, between exits: 40 (一、二级), 35 (三级) or 25 (四级) m.
case("5.5.17 耐火等级 not stated: 25 m passes even the 四级 25 m", R, public_lowrise(grade=None),
     room_door(25), "pass", required=25, boundary=True)
case("5.5.17 耐火等级 not stated: 40.1 m fails even the 一、二级 40 m", R, public_lowrise(grade=None),
     room_door(40.1), "fail", required=40, boundary=True)
case("5.5.17 医疗 30 m, storeys not stated → unknown (单、多层 or 高层?)", R,
     public_highrise("医疗", height_m=30, storeys_above=None), room_door(28), "unknown",
     missing="building.storeys_above")
case("5.5.17 办公 三级 height not stated: 35 m (单、多层) or '—' (高层) → unknown", R,
     public_lowrise(height_m=None, grade="三级"), room_door(30), "unknown",
     missing="building.height_m")
case("5.5.17 办公 二级 height not stated: 40 m in both the 单、多层 and 高层 rows, 30 m passes", R,
     public_lowrise(height_m=None), room_door(30), "pass", required=40)
case("5.5.17 办公 二级 height not stated: 40.1 m fails in both rows", R,
     public_lowrise(height_m=None), room_door(40.1), "fail", required=40, boundary=True)
case("5.5.17 办公 二级 dead end, height not stated: 22 (单、多层) or 20 (高层) m, 21 m → unknown", R,
     public_lowrise(height_m=None), room_door(21, DEAD_END), "unknown", missing="building.height_m")
case("5.5.17 办公 三级 height not stated: 35.1 m fails (35 m 单、多层, '—' 高层)", R,
     public_lowrise(height_m=None, grade="三级"), room_door(35.1), "fail", required=35)
case("5.5.17 医疗 height not stated: 35.1 m fails 35 (单、多层), 24 and 30 (高层)", R,
     public_highrise("医疗", height_m=None), room_door(35.1), "fail", required=35)
case("5.5.17 教学 height not stated: 35.1 m fails 35 (单、多层) and 30 (高层)", R,
     public_lowrise("教学", height_m=None), room_door(35.1), "fail", required=35)
case("5.5.17 医疗 height not stated: 20 m passes every 医疗 row (strictest 24)", R,
     public_highrise("医疗", height_m=None), room_door(20), "pass", required=24)
case("5.5.17 教学 height not stated: 32 m → unknown (meets 35 单、多层, fails 30 高层)", R,
     public_lowrise("教学", height_m=None), room_door(32), "unknown", missing="building.height_m")
case("5.5.17 residential: not applicable", R, residential(30), room_door(30), "not_applicable")


# --- 5.5.18: minimum widths in public buildings -------------------------------------------

for rule, type_, eid, minimum in [
    ("5.5.18#door-width", "疏散门", "D-1", 0.9),
    ("5.5.18#exit-width", "安全出口", "E-1", 0.9),
    ("5.5.18#corridor-width", "疏散走道", "C-1", 1.1),
    ("5.5.18#stair-width", "疏散楼梯", "ST-1", 1.1),
]:
    case(f"5.5.18 {type_} {minimum:.2f} m exactly passes", rule, public_lowrise(),
         element(eid, type_, clear_width_m=minimum), "pass", required=minimum, boundary=True)
    case(f"5.5.18 {type_} {minimum - 0.01:.2f} m fails", rule, public_lowrise(),
         element(eid, type_, clear_width_m=round(minimum - 0.01, 2)), "fail", required=minimum)
    case(f"5.5.18 {type_} {minimum + 0.3:.2f} m passes", rule, public_lowrise(),
         element(eid, type_, clear_width_m=round(minimum + 0.3, 2)), "pass", required=minimum)
    case(f"5.5.18 {type_} given in mm: {minimum * 1000:g} mm exactly passes", rule, public_lowrise(),
         element(eid, type_, clear_width_m={"value": round(minimum * 1000), "unit": "mm"}), "pass",
         required=minimum, boundary=True)
    case(f"5.5.18 {type_} in a high-rise also needs {minimum:.2f} m", rule, public_highrise(),
         element(eid, type_, clear_width_m=round(minimum - 0.05, 2)), "fail", required=minimum)
    case(f"5.5.18 {type_} width not stated → unknown", rule, public_lowrise(), element(eid, type_),
         "unknown", missing=f"{eid}.clear_width_m")
    case(f"5.5.18 {type_} in a residential building: not applicable", rule, residential(20),
         element(eid, type_, clear_width_m=0.5), "not_applicable")
    case(f"5.5.18 {type_} use not stated → unknown", rule, public_lowrise(use=None),
         element(eid, type_, clear_width_m=0.5), "unknown", missing="building.use")

R = "5.5.18#door-width"
case("5.5.18 房间疏散门 IS_A 疏散门: 0.85 m fails", R, public_lowrise(),
     element("D-2", "房间疏散门", clear_width_m=0.85), "fail", required=0.9)
case("5.5.18 首层疏散外门 IS_A 疏散门: 0.90 m exactly passes", R, public_lowrise(),
     element("D-3", "首层疏散外门", clear_width_m=0.9), "pass", required=0.9, boundary=True)

# 表5.5.18: 楼梯间的首层疏散门、首层疏散外门 — 医疗 1.30, 其他 1.20.
R = "5.5.18#first-storey-door-width-highrise"
for use, minimum in [("医疗", 1.3), ("办公", 1.2), ("旅馆", 1.2)]:
    case(f"5.5.18 高层{use} stair's first-storey door {minimum:.2f} m exactly passes", R,
         public_highrise(use), element("D-1", "疏散门", clear_width_m=minimum, first_storey=True),
         "pass", required=minimum, boundary=True)
    case(f"5.5.18 高层{use} stair's first-storey door {minimum - 0.01:.2f} m fails", R,
         public_highrise(use),
         element("D-1", "疏散门", clear_width_m=round(minimum - 0.01, 2), first_storey=True),
         "fail", required=minimum)
case("5.5.18 高层医疗 first-storey door 1.25 m fails (needs 1.30)", R, public_highrise("医疗"),
     element("D-1", "疏散门", clear_width_m=1.25, first_storey=True), "fail", required=1.3)
case("5.5.18 高层办公 first-storey door 1.25 m passes (needs 1.20)", R, public_highrise("办公"),
     element("D-1", "疏散门", clear_width_m=1.25, first_storey=True), "pass", required=1.2)
# This rule is for 楼梯间的首层疏散门 (a generic 疏散门 flagged first_storey); a 首层疏散外门 has its
# own rule below (same 表5.5.18 column), and 房间疏散门 / 户门 are not stair doors.
case("5.5.18 首层疏散外门 is checked by its own rule, even flagged first-storey: not applicable", R,
     public_highrise(), element("D-1", "首层疏散外门", clear_width_m=1.15, first_storey=True),
     "not_applicable")
case("5.5.18 房间疏散门 is not a stair's door, even flagged first-storey: not applicable", R,
     public_highrise(), element("D-1", "房间疏散门", clear_width_m=1.0, first_storey=True),
     "not_applicable")
case("5.5.18 房间疏散门 with first_storey not stated: not applicable", R, public_highrise(),
     element("D-1", "房间疏散门", clear_width_m=1.0), "not_applicable")
case("5.5.18 alias room_door (房间疏散门) flagged first-storey: not applicable", R, public_highrise(),
     element("D-1", "room_door", clear_width_m=1.0, first_storey=True), "not_applicable")
case("5.5.18 alias exit_door (疏散门) flagged first-storey: 1.19 m fails", R, public_highrise(),
     element("D-1", "exit_door", clear_width_m=1.19, first_storey=True), "fail", required=1.2)
case("5.5.18 疏散门 stated not first-storey: table rule not applicable", R, public_highrise(),
     element("D-1", "疏散门", clear_width_m=1.0, first_storey=False), "not_applicable")
case("5.5.18 疏散门 in a high-rise, first_storey not stated, 1.00 m → unknown", R, public_highrise(),
     element("D-1", "疏散门", clear_width_m=1.0), "unknown", missing="D-1.first_storey")
case("5.5.18 单、多层: first-storey table rule not applicable", R, public_lowrise(),
     element("D-1", "疏散门", clear_width_m=1.0, first_storey=True), "not_applicable")
case("5.5.18 first-storey door width not stated → unknown", R, public_highrise(),
     element("D-1", "疏散门", first_storey=True), "unknown", missing="D-1.clear_width_m")
case("5.5.18 first-storey door, 30 m public with storeys not stated → unknown", R,
     public_highrise(height_m=30, storeys_above=None),
     element("D-1", "疏散门", clear_width_m=1.0, first_storey=True), "unknown",
     missing="building.storeys_above")

R = "5.5.18#ground-exit-door-width-highrise"
for use, minimum in [("医疗", 1.3), ("办公", 1.2)]:
    case(f"5.5.18 高层{use} 首层疏散外门 {minimum:.2f} m exactly passes", R, public_highrise(use),
         element("D-1", "首层疏散外门", clear_width_m=minimum), "pass", required=minimum,
         boundary=True)
    case(f"5.5.18 高层{use} 首层疏散外门 {minimum - 0.01:.2f} m fails", R, public_highrise(use),
         element("D-1", "首层疏散外门", clear_width_m=round(minimum - 0.01, 2)), "fail",
         required=minimum)
case("5.5.18 首层疏散外门 also flagged first-storey: 1.15 m fails (1.20)", R, public_highrise(),
     element("D-1", "首层疏散外门", clear_width_m=1.15, first_storey=True), "fail", required=1.2)
case("5.5.18 首层疏散外门 stated not first-storey: the table still applies, 1.19 m fails", R,
     public_highrise(), element("D-1", "首层疏散外门", clear_width_m=1.19, first_storey=False), "fail",
     required=1.2)
case("5.5.18 单、多层 首层疏散外门: table rule not applicable", R, public_lowrise(),
     element("D-1", "首层疏散外门", clear_width_m=1.0), "not_applicable")
case("5.5.18 首层疏散外门 width not stated → unknown", R, public_highrise(),
     element("D-1", "首层疏散外门"), "unknown", missing="D-1.clear_width_m")
case("5.5.18 首层疏散外门, height not stated → unknown", R, public_highrise(height_m=None),
     element("D-1", "首层疏散外门", clear_width_m=1.0), "unknown", missing="building.height_m")

# 表5.5.18 corridors: 医疗 单面 1.40 / 双面 1.50; 其他 单面 1.30 / 双面 1.40.
R = "5.5.18#corridor-width-highrise"
for use, layout, minimum in [("医疗", "单面布房", 1.4), ("医疗", "双面布房", 1.5),
                             ("办公", "单面布房", 1.3), ("办公", "双面布房", 1.4),
                             ("旅馆", "双面布房", 1.4)]:
    case(f"5.5.18 corridor 高层{use} {layout} {minimum:.2f} m exactly passes", R,
         public_highrise(use), element("C-1", "疏散走道", clear_width_m=minimum, layout=layout),
         "pass", required=minimum, boundary=True)
    case(f"5.5.18 corridor 高层{use} {layout} {minimum - 0.01:.2f} m fails", R,
         public_highrise(use),
         element("C-1", "疏散走道", clear_width_m=round(minimum - 0.01, 2), layout=layout), "fail",
         required=minimum)
case("5.5.18 corridor 双面布房 given as 1400 mm exactly passes", R, public_highrise(),
     element("C-1", "疏散走道", clear_width_m={"value": 1400, "unit": "mm"}, layout="双面布房"),
     "pass", required=1.4, boundary=True)
case("5.5.18 corridor layout alias double-loaded: 1.35 m fails", R, public_highrise(),
     element("C-1", "疏散走道", clear_width_m=1.35, layout="double-loaded"), "fail", required=1.4)
case("5.5.18 corridor layout not stated → unknown", R, public_highrise(),
     element("C-1", "疏散走道", clear_width_m=1.35), "unknown", missing="C-1.layout")
case("5.5.18 corridor width not stated → unknown", R, public_highrise(),
     element("C-1", "疏散走道", layout="单面布房"), "unknown", missing="C-1.clear_width_m")
case("5.5.18 corridor in 单、多层: table rule not applicable", R, public_lowrise(),
     element("C-1", "疏散走道", clear_width_m=1.1, layout="双面布房"), "not_applicable")

R = "5.5.18#stair-width-highrise"
for use, minimum in [("医疗", 1.3), ("办公", 1.2), ("商店", 1.2)]:
    case(f"5.5.18 stair 高层{use} {minimum:.2f} m exactly passes", R, public_highrise(use),
         stair("防烟楼梯间", minimum), "pass", required=minimum, boundary=True)
    case(f"5.5.18 stair 高层{use} {minimum - 0.01:.2f} m fails", R, public_highrise(use),
         stair("防烟楼梯间", round(minimum - 0.01, 2)), "fail", required=minimum)
case("5.5.18 stair width not stated → unknown", R, public_highrise(), stair("防烟楼梯间"), "unknown",
     missing="ST-1.clear_width_m")
case("5.5.18 stair in 单、多层: table rule not applicable", R, public_lowrise(),
     stair("封闭楼梯间", 1.1), "not_applicable")
case("5.5.18 stair, height not stated → unknown", R, public_highrise(height_m=None),
     stair("防烟楼梯间", 1.15), "unknown", missing="building.height_m")


# --- 5.5.27: residential stair enclosures ---------------------------------------------------

R = "5.5.27#residential-smokeproof-stair"
case("5.5.27 residential 33.01 m 防烟楼梯间 exactly passes", R, residential(33.01),
     stair("防烟楼梯间"), "pass", required="防烟楼梯间", boundary=True)
case("5.5.27 residential 50 m 封闭楼梯间 fails", R, residential(50), stair("封闭楼梯间"), "fail",
     required="防烟楼梯间")
case("5.5.27 residential 33 m exactly: smoke-proof rule not applicable", R, residential(33),
     stair("封闭楼梯间"), "not_applicable", boundary=True)
case("5.5.27 public building: not applicable", R, public_highrise(height_m=60), stair("封闭楼梯间"),
     "not_applicable")
case("5.5.27 residential height not stated → unknown", R, residential(None), stair("封闭楼梯间"),
     "unknown", missing="building.height_m")
case("5.5.27 residential 50 m enclosure not stated → unknown", R, residential(50), stair(None),
     "unknown", missing="ST-1.enclosure")

R = "5.5.27#residential-enclosed-stair"
case("5.5.27 residential 30 m 封闭楼梯间 exactly passes", R, residential(30), stair("封闭楼梯间"),
     "pass", required="封闭楼梯间", boundary=True)
case("5.5.27 residential 30 m 防烟楼梯间 passes", R, residential(30), stair("防烟楼梯间"), "pass")
case("5.5.27 residential 30 m 敞开楼梯间 fails", R, residential(30), stair("敞开楼梯间"), "fail",
     required="封闭楼梯间")
case("5.5.27 residential 21.01 m 敞开楼梯间 fails", R, residential(21.01), stair("敞开楼梯间"),
     "fail", boundary=True)
case("5.5.27 residential 33 m 敞开楼梯间 fails", R, residential(33), stair("敞开楼梯间"), "fail",
     boundary=True)
case("5.5.27 residential 21 m exactly: enclosed rule not applicable", R, residential(21),
     stair("敞开楼梯间"), "not_applicable", boundary=True)
case("5.5.27 residential 33.01 m: enclosed rule not applicable (smoke-proof rule instead)", R,
     residential(33.01), stair("敞开楼梯间"), "not_applicable", boundary=True)
case("5.5.27 第2款 户门乙级防火门: 敞开楼梯间 allowed, not applicable", R,
     residential(30, dwelling_doors_class_b=True), stair("敞开楼梯间"), "not_applicable")
case("5.5.27 residential height not stated → unknown (enclosed)", R, residential(None),
     stair("敞开楼梯间"), "unknown", missing="building.height_m")
case("5.5.27 residential 30 m enclosure not stated → unknown", R, residential(30), stair(None),
     "unknown", missing="ST-1.enclosure")
case("5.5.27 户门乙级防火门 excepts the stair whatever the height: height not stated → not applicable",
     R, residential(None, dwelling_doors_class_b=True), stair("敞开楼梯间"), "not_applicable")
case("5.5.27 户门 not 乙级, height not stated → unknown (敞开楼梯间)", R,
     residential(None, dwelling_doors_class_b=False), stair("敞开楼梯间"), "unknown",
     missing="building.height_m")

R = "5.5.27#residential-stair-next-to-lift"
case("5.5.27 ≤21 m stair next to lift 封闭楼梯间 exactly passes", R, residential(21),
     stair("封闭楼梯间", next_to_lift_shaft=True), "pass", required="封闭楼梯间", boundary=True)
case("5.5.27 ≤21 m stair next to lift 敞开楼梯间 fails", R, residential(18),
     stair("敞开楼梯间", next_to_lift_shaft=True), "fail", required="封闭楼梯间")
case("5.5.27 第1款 户门乙级防火门: 敞开 next to lift allowed, not applicable", R,
     residential(18, dwelling_doors_class_b=True), stair("敞开楼梯间", next_to_lift_shaft=True),
     "not_applicable")
case("5.5.27 ≤21 m stair not next to lift: not applicable", R, residential(18),
     stair("敞开楼梯间", next_to_lift_shaft=False), "not_applicable")
case("5.5.27 ≤21 m 敞开楼梯间, next to lift not stated → unknown", R, residential(18),
     stair("敞开楼梯间"), "unknown", missing="ST-1.next_to_lift_shaft")
case("5.5.27 next to lift not stated, 户门乙级防火门: excepted → not applicable", R,
     residential(18, dwelling_doors_class_b=True), stair("敞开楼梯间"), "not_applicable")
case("5.5.27 next to lift not stated, 21.01 m: not applicable (height decides)", R,
     residential(21.01), stair("敞开楼梯间"), "not_applicable", boundary=True)
case("5.5.27 21.01 m: next-to-lift rule not applicable", R, residential(21.01),
     stair("敞开楼梯间", next_to_lift_shaft=True), "not_applicable", boundary=True)
case("5.5.27 next to lift, height not stated → unknown", R, residential(None),
     stair("敞开楼梯间", next_to_lift_shaft=True), "unknown", missing="building.height_m")
case("5.5.27 next to lift, enclosure not stated → unknown", R, residential(18),
     stair(None, next_to_lift_shaft=True), "unknown", missing="ST-1.enclosure")


# --- 5.5.29 (表5.5.29): dwelling door to nearest exit --------------------------------------

TABLE_5_5_29 = {
    "单、多层": (27, [40, 35, 25, 22, 20, 15]),    # height 27 m is still 单、多层 (表5.1.1)
    "高层": (27.01, [40, None, None, 20, None, None]),
}
R = "5.5.29#dwelling-door-distance"


def dwelling_door(distance: float | None, position: str | None = BETWEEN, **kw: Any) -> dict:
    return element("HD-1", "户门", evacuation_distance_m=distance, position=position, **kw)


for label, (height, cells) in TABLE_5_5_29.items():
    for (position, grade), value in zip(COLUMNS, cells):
        where = "两个安全出口之间" if position == BETWEEN else "袋形走道"
        bld = residential(height, grade=grade)
        if value is None:
            case(f"5.5.29 {label}住宅 / {where} / {grade}: '—' in 表5.5.29, fails", R, bld,
                 dwelling_door(5, position), "fail", required=NOT_PERMITTED)
            continue
        case(f"5.5.29 {label}住宅 ({height:g} m) / {where} / {grade}: {value} m exactly passes", R,
             bld, dwelling_door(value, position), "pass", required=value, boundary=True)
        case(f"5.5.29 {label}住宅 / {where} / {grade}: {value + 0.1:g} m fails", R, bld,
             dwelling_door(value + 0.1, position), "fail", required=value)

case("5.5.29 注3 sprinklered 高层住宅: 50 m (40 × 1.25) exactly passes", R,
     residential(60, sprinklers=True), dwelling_door(50), "pass", required=50, boundary=True)
case("5.5.29 注3 sprinklered 高层住宅: 50.1 m fails", R, residential(60, sprinklers=True),
     dwelling_door(50.1), "fail", required=50)
case("5.5.29 注3 45 m fails without sprinklers", R, residential(60), dwelling_door(45), "fail",
     required=40)
case("5.5.29 注3 45 m passes with sprinklers (注3 flips it)", R, residential(60, sprinklers=True),
     dwelling_door(45), "pass", required=50)
case("5.5.29 注3 sprinklered dead end 高层住宅: 25 m exactly passes", R,
     residential(60, sprinklers=True), dwelling_door(25, DEAD_END), "pass", required=25,
     boundary=True)
case("5.5.29 注3 sprinklers not stated, 38 m: passes either way", R,
     residential(60, sprinklers=None), dwelling_door(38), "pass", required=40)
case("5.5.29 注3 sprinklers not stated, 45 m → unknown", R, residential(60, sprinklers=None),
     dwelling_door(45), "unknown", missing="building.sprinklers")
case("5.5.29 注3 sprinklers not stated, 51 m: fails even at 40 × 1.25 = 50", R,
     residential(60, sprinklers=None), dwelling_door(51), "fail", required=50)
case("5.5.29 注3 sprinklers not stated, 50.1 m: fails even the increased 50", R,
     residential(60, sprinklers=None), dwelling_door(50.1), "fail", required=50, boundary=True)
case("5.5.29 注1 open corridor: 44 m passes (40 + 5)", R, residential(60),
     dwelling_door(44, opens_to_open_corridor=True), "pass", required=45)
case("5.5.29 注1 open corridor: 45.1 m fails", R, residential(60),
     dwelling_door(45.1, opens_to_open_corridor=True), "fail", required=45)
case("5.5.29 注2 open stair between exits: 36 m fails (40 − 5)", R, residential(18),
     dwelling_door(36, nearest_stair_enclosure="敞开楼梯间"), "fail", required=35)
case("5.5.29 注2 open stair between exits: 35 m exactly passes", R, residential(18),
     dwelling_door(35, nearest_stair_enclosure="敞开楼梯间"), "pass", required=35, boundary=True)
case("5.5.29 注2 enclosed stair between exits: 36 m passes", R, residential(18),
     dwelling_door(36, nearest_stair_enclosure="封闭楼梯间"), "pass", required=40)
case("5.5.29 注2 open stair dead end: 21 m fails (22 − 2)", R, residential(18),
     dwelling_door(21, DEAD_END, nearest_stair_enclosure="敞开楼梯间"), "fail", required=20)
case("5.5.29 注2 open stair dead end: 20 m exactly passes", R, residential(18),
     dwelling_door(20, DEAD_END, nearest_stair_enclosure="敞开楼梯间"), "pass", required=20,
     boundary=True)
case("5.5.29 注3 + 注2: sprinklered, open stair between exits, 45 m exactly passes", R,
     residential(18, sprinklers=True), dwelling_door(45, nearest_stair_enclosure="敞开楼梯间"),
     "pass", required=45, boundary=True)
case("5.5.29 distance not stated → unknown", R, residential(60), dwelling_door(None), "unknown",
     missing="HD-1.evacuation_distance_m")
case("5.5.29 position not stated → unknown", R, residential(60), dwelling_door(30, None), "unknown",
     missing="HD-1.position")
# Height not stated: the 单、多层 and the 高层 rows are both candidates.
case("5.5.29 三级, height not stated: 35 m (单、多层) or '—' (高层), 30 m → unknown", R,
     residential(None, grade="三级"), dwelling_door(30), "unknown", missing="building.height_m")
case("5.5.29 三级, height not stated: 35.1 m fails (35 m 单、多层, '—' 高层)", R,
     residential(None, grade="三级"), dwelling_door(35.1), "fail", required=35)
case("5.5.29 二级, height not stated: 40 m in both rows, 30 m passes", R, residential(None),
     dwelling_door(30), "pass", required=40)
case("5.5.29 二级, height not stated: 40.1 m fails in both rows", R, residential(None),
     dwelling_door(40.1), "fail", required=40, boundary=True)
case("5.5.29 二级 dead end, height not stated: 22 (单、多层) or 20 (高层) m, 21 m → unknown", R,
     residential(None), dwelling_door(21, DEAD_END), "unknown", missing="building.height_m")
case("5.5.29 二级 dead end, height not stated: 20 m passes even the 高层 20 m", R,
     residential(None), dwelling_door(20, DEAD_END), "pass", required=20, boundary=True)
# 耐火等级 not stated (单、多层 住宅), between exits: 40 (一、二级), 35 (三级) or 25 (四级) m.
case("5.5.29 耐火等级 not stated → unknown", R, residential(18, grade=None), dwelling_door(30),
     "unknown", missing="building.fire_resistance_grade")
case("5.5.29 耐火等级 not stated: 25 m passes even the 四级 25 m", R, residential(18, grade=None),
     dwelling_door(25), "pass", required=25, boundary=True)
case("5.5.29 耐火等级 not stated: 40.1 m fails even the 一、二级 40 m", R,
     residential(18, grade=None), dwelling_door(40.1), "fail", required=40)
case("5.5.29 public building: not applicable", R, public_lowrise(), dwelling_door(30),
     "not_applicable")


# --- 5.5.30: residential widths -------------------------------------------------------------

for rule, type_, eid, minimum in [
    ("5.5.30#dwelling-door-width", "户门", "HD-1", 0.9),
    ("5.5.30#residential-exit-width", "安全出口", "E-1", 0.9),
    ("5.5.30#residential-corridor-width", "疏散走道", "C-1", 1.1),
    ("5.5.30#residential-ground-door-width", "首层疏散外门", "D-1", 1.1),
    ("5.5.30#residential-stair-width", "疏散楼梯", "ST-1", 1.1),
]:
    case(f"5.5.30 住宅{type_} {minimum:.2f} m exactly passes", rule, residential(30),
         element(eid, type_, clear_width_m=minimum), "pass", required=minimum, boundary=True)
    case(f"5.5.30 住宅{type_} {minimum - 0.01:.2f} m fails", rule, residential(30),
         element(eid, type_, clear_width_m=round(minimum - 0.01, 2)), "fail", required=minimum)
    case(f"5.5.30 住宅{type_} {minimum + 0.2:.2f} m passes", rule, residential(60),
         element(eid, type_, clear_width_m=round(minimum + 0.2, 2)), "pass", required=minimum)
    case(f"5.5.30 住宅{type_} width not stated → unknown", rule, residential(30), element(eid, type_),
         "unknown", missing=f"{eid}.clear_width_m")
    case(f"5.5.30 {type_} in a public building: not applicable", rule, public_lowrise(),
         element(eid, type_, clear_width_m=0.5), "not_applicable")

R = "5.5.30#residential-stair-width"
case("5.5.30 ≤18 m stair with railing on one side: 1.10 m rule excepted", R, residential(18),
     stair(None, 1.05, one_side_railing=True), "not_applicable", boundary=True)
case("5.5.30 18.01 m stair with railing: 1.05 m fails the 1.10 m rule", R, residential(18.01),
     stair(None, 1.05, one_side_railing=True), "fail", required=1.1, boundary=True)
case("5.5.30 railing, height not stated, 1.05 m → unknown (exception undecided)", R,
     residential(None), stair(None, 1.05, one_side_railing=True), "unknown",
     missing="building.height_m")
case("5.5.30 railing, height not stated, 1.20 m: passes either way", R, residential(None),
     stair(None, 1.2, one_side_railing=True), "pass", required=1.1)
case("5.5.30 no railing, height not stated, 1.05 m: fails (exception needs the railing)", R,
     residential(None), stair(None, 1.05), "fail", required=1.1)

R = "5.5.30#residential-railing-stair-width"
case("5.5.30 ≤18 m stair with railing: 1.00 m exactly passes", R, residential(18),
     stair(None, 1.0, one_side_railing=True), "pass", required=1.0, boundary=True)
case("5.5.30 ≤18 m stair with railing: 0.99 m fails", R, residential(12),
     stair(None, 0.99, one_side_railing=True), "fail", required=1.0)
case("5.5.30 18.01 m: railing rule not applicable", R, residential(18.01),
     stair(None, 1.0, one_side_railing=True), "not_applicable", boundary=True)
case("5.5.30 no railing: railing rule not applicable", R, residential(12), stair(None, 1.0),
     "not_applicable")
case("5.5.30 railing, height not stated → unknown", R, residential(None),
     stair(None, 1.0, one_side_railing=True), "unknown", missing="building.height_m")
case("5.5.30 railing, width not stated → unknown", R, residential(12),
     stair(None, None, one_side_railing=True), "unknown", missing="ST-1.clear_width_m")
case("5.5.30 railing stair in a public building: not applicable", R, public_lowrise(),
     stair(None, 1.0, one_side_railing=True), "not_applicable")


# --- 5.5.21 (表5.5.21-1): total widths per 100 persons --------------------------------------
# Rows (building storeys above ground, or basement depth) × 耐火等级 columns 一、二级 / 三级 / 四级.

WIDTH_RULES = {
    "door_total_width_m": "5.5.21#door-total-width-per-100",
    "exit_total_width_m": "5.5.21#exit-total-width-per-100",
    "corridor_total_width_m": "5.5.21#corridor-total-width-per-100",
    "stair_total_width_m": "5.5.21#stair-total-width-per-100",
}
OCCUPANTS = 200
TABLE_5_5_21_1: list[tuple[str, dict, dict, list[float | None]]] = [
    ("地上 1 层建筑", {"storeys_above": 1}, {"storey": 1}, [0.65, 0.75, 1.00]),
    ("地上 2 层建筑", {"storeys_above": 2}, {"storey": 2}, [0.65, 0.75, 1.00]),
    ("地上 3 层建筑", {"storeys_above": 3}, {"storey": 1}, [0.75, 1.00, None]),
    ("地上 4 层建筑", {"storeys_above": 4}, {"storey": 4}, [1.00, 1.25, None]),
    ("地上 8 层建筑", {"storeys_above": 8, "height_m": 23}, {"storey": 2}, [1.00, 1.25, None]),
    # An ordinary basement storey says it is not 人员密集的厅、室 (第2款, 1.00 m/百人 for every grade).
    ("地下 ΔH = 10 m", {"storeys_above": 3}, {"storey": -2, "depth_m": 10, "dense_assembly": False},
     [0.75, None, None]),
    ("地下 ΔH = 10.01 m", {"storeys_above": 3},
     {"storey": -3, "depth_m": 10.01, "dense_assembly": False}, [1.00, None, None]),
    ("地下人员密集的厅、室 ΔH 5 m", {"storeys_above": 3},
     {"storey": -1, "depth_m": 5, "dense_assembly": True}, [1.00, 1.00, 1.00]),  # 5.5.21 第2款
]


def floor(**attributes: Any) -> dict:
    return element("F-1", "楼层", **attributes)


for key, rule in WIDTH_RULES.items():
    for label, bfacts, efacts, cells in TABLE_5_5_21_1:
        for grade, per100 in zip(["二级", "三级", "四级"], cells):
            bld = public_lowrise(grade=grade, **bfacts)
            if per100 is None:
                case(f"5.5.21 {key} {label} / {grade}: '—' in 表5.5.21-1, fails", rule, bld,
                     floor(occupants=OCCUPANTS, **{key: 10.0}, **efacts), "fail",
                     required=NOT_PERMITTED)
                continue
            need = round(per100 * OCCUPANTS / 100, 6)
            case(f"5.5.21 {key} {label} / {grade}: {per100:.2f} m/百人 × 200 = {need:g} m "
                 "exactly passes", rule, bld, floor(occupants=OCCUPANTS, **{key: need}, **efacts),
                 "pass", required=need, boundary=True)
            case(f"5.5.21 {key} {label} / {grade}: {need - 0.01:.2f} m fails", rule, bld,
                 floor(occupants=OCCUPANTS, **{key: round(need - 0.01, 2)}, **efacts), "fail",
                 required=need)
    case(f"5.5.21 {key} 一级 uses the 一、二级 column: 2 storeys, 1.30 m passes", rule,
         public_lowrise(grade="一级", storeys_above=2), floor(occupants=200, storey=1, **{key: 1.3}),
         "pass", required=1.3, boundary=True)
    case(f"5.5.21 {key} 歌舞娱乐放映游艺场所 underground ΔH 5 m: 1.00 m/百人, 1.99 m fails", rule,
         public_lowrise("歌舞娱乐放映游艺场所", storeys_above=3),
         floor(occupants=200, storey=-1, depth_m=5, **{key: 1.99}), "fail", required=2.0)
    case(f"5.5.21 {key} 歌舞娱乐放映游艺场所 underground ΔH 5 m: 2.00 m exactly passes", rule,
         public_lowrise("歌舞娱乐放映游艺场所", storeys_above=3),
         floor(occupants=200, storey=-1, depth_m=5, **{key: 2.0}), "pass", required=2.0,
         boundary=True)
    case(f"5.5.21 {key} 350 persons, 1~2 层 一、二级: 0.65 × 3.5 = 2.275 m passes", rule,
         public_lowrise(storeys_above=2), floor(occupants=350, storey=1, **{key: 2.275}), "pass",
         required=2.275, boundary=True)
    # dense_assembly not stated on a basement storey: 第2款 (1.00 m/百人) or 表5.5.21-1's row.
    case(f"5.5.21 {key} 地下 ΔH 10.01 m, dense not stated: 1.00 either way, 2.00 m exactly passes",
         rule, public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-3, depth_m=10.01, **{key: 2.0}), "pass", required=2.0,
         boundary=True)
    case(f"5.5.21 {key} 地下 ΔH 10.01 m, dense not stated: 1.99 m fails either way", rule,
         public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-3, depth_m=10.01, **{key: 1.99}), "fail", required=2.0)
    case(f"5.5.21 {key} 地下 ΔH 10 m, dense not stated: 2.00 m passes (1.00 and 0.75 m/百人)", rule,
         public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-2, depth_m=10, **{key: 2.0}), "pass", required=2.0,
         boundary=True)
    case(f"5.5.21 {key} 地下 ΔH 10 m, dense not stated: 1.49 m fails (1.00 and 0.75 m/百人)", rule,
         public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-2, depth_m=10, **{key: 1.49}), "fail", required=1.5)
    case(f"5.5.21 {key} 地下 ΔH 10 m, dense not stated: 1.50 m → unknown (1.5 vs 2.0 m)", rule,
         public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-2, depth_m=10, **{key: 1.5}), "unknown",
         missing="F-1.dense_assembly", boundary=True)
    case(f"5.5.21 {key} 地下 ΔH 10 m 三级, dense not stated: 10 m → unknown (1.00 vs '—')", rule,
         public_lowrise(grade="三级", storeys_above=3),
         floor(occupants=200, storey=-2, depth_m=10, **{key: 10.0}), "unknown",
         missing="F-1.dense_assembly")
    case(f"5.5.21 {key} 地下 ΔH 10 m 三级, dense not stated: 1.99 m fails (2.00 m or '—')", rule,
         public_lowrise(grade="三级", storeys_above=3),
         floor(occupants=200, storey=-2, depth_m=10, **{key: 1.99}), "fail", required=2.0)
    case(f"5.5.21 {key} 地下人员密集 ΔH 10 m 二级: 1.99 m fails (1.00, not 0.75)", rule,
         public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-2, depth_m=10, dense_assembly=True, **{key: 1.99}), "fail",
         required=2.0)
    case(f"5.5.21 {key} occupants not stated → unknown", rule, public_lowrise(storeys_above=2),
         floor(storey=1, **{key: 5.0}), "unknown", missing="F-1.occupants")
    case(f"5.5.21 {key} width not stated → unknown", rule, public_lowrise(storeys_above=2),
         floor(storey=1, occupants=200), "unknown", missing=f"F-1.{key}")
    # Floor storey not stated (2-storey 二级 building): above ground 0.65; below ground 0.75
    # (ΔH ≤ 10 m) or 1.00 (ΔH > 10 m, or 人员密集 第2款) m/百人 — 1.30, 1.50 or 2.00 m for 200.
    case(f"5.5.21 {key} floor storey not stated: 1.50 m → unknown (meets 0.65/0.75, not 1.00)",
         rule, public_lowrise(storeys_above=2), floor(occupants=200, **{key: 1.5}), "unknown",
         missing="F-1.storey")
    case(f"5.5.21 {key} floor storey not stated: 1.29 m fails even the 地上 1.30 m", rule,
         public_lowrise(storeys_above=2), floor(occupants=200, **{key: 1.29}), "fail",
         required=1.3)
    case(f"5.5.21 {key} floor storey not stated: 2.00 m passes even the 1.00 m/百人 rows", rule,
         public_lowrise(storeys_above=2), floor(occupants=200, **{key: 2.0}), "pass",
         required=2.0, boundary=True)
    case(f"5.5.21 {key} building storeys not stated → unknown", rule,
         public_lowrise(storeys_above=None), floor(occupants=200, storey=1, **{key: 1.5}), "unknown",
         missing="building.storeys_above")
    case(f"5.5.21 {key} basement depth not stated → unknown", rule, public_lowrise(storeys_above=3),
         floor(occupants=200, storey=-1, **{key: 1.6}), "unknown", missing="F-1.depth_m")
    # 耐火等级 not stated, 4 storeys: 1.00 (一、二级), 1.25 (三级) or '—' (四级) m/百人.
    case(f"5.5.21 {key} 耐火等级 not stated, 4 storeys: 2.50 m → unknown (meets 一~三级, '—' 四级)",
         rule, public_lowrise(grade=None), floor(occupants=200, storey=1, **{key: 2.5}), "unknown",
         missing="building.fire_resistance_grade")
    case(f"5.5.21 {key} 耐火等级 not stated, 4 storeys: 1.00 m fails even the 一、二级 2.00 m", rule,
         public_lowrise(grade=None), floor(occupants=200, storey=1, **{key: 1.0}), "fail",
         required=2.0)
    # 2 storeys: 0.65 / 0.75 / 1.00 m/百人, all permitted.
    case(f"5.5.21 {key} 耐火等级 not stated, 2 storeys: 2.00 m passes even the 四级 2.00 m", rule,
         public_lowrise(grade=None, storeys_above=2), floor(occupants=200, storey=1, **{key: 2.0}),
         "pass", required=2.0, boundary=True)
    case(f"5.5.21 {key} 耐火等级 not stated, 2 storeys: 1.50 m → unknown (1.30 / 1.50 / 2.00 m)",
         rule, public_lowrise(grade=None, storeys_above=2),
         floor(occupants=200, storey=1, **{key: 1.5}), "unknown",
         missing="building.fire_resistance_grade")
    case(f"5.5.21 {key} 耐火等级 not stated, 2 storeys: 1.29 m fails even the 一、二级 1.30 m", rule,
         public_lowrise(grade=None, storeys_above=2), floor(occupants=200, storey=1, **{key: 1.29}),
         "fail", required=1.3, boundary=True)
    case(f"5.5.21 {key} 剧场 is excluded: not applicable", rule, public_lowrise("剧场"),
         floor(occupants=200, storey=1, **{key: 0.1}), "not_applicable")
    case(f"5.5.21 {key} 体育馆 is excluded: not applicable", rule, public_lowrise("体育馆"),
         floor(occupants=200, storey=1, **{key: 0.1}), "not_applicable")
    case(f"5.5.21 {key} residential: not applicable", rule, residential(30),
         floor(occupants=200, storey=1, **{key: 0.1}), "not_applicable")


# --- 6.1.1: fire walls ------------------------------------------------------------------------

R = "6.1.1#firewall-support"
case("6.1.1 support 3.00 h under a 3.00 h fire wall exactly passes", R, public_lowrise(),
     element("W-1", "防火墙", fire_resistance_h=3.0, support_fire_resistance_h=3.0), "pass",
     required=3.0, boundary=True)
case("6.1.1 support 4.00 h under a 3.00 h fire wall passes", R, public_lowrise(),
     element("W-1", "防火墙", fire_resistance_h=3.0, support_fire_resistance_h=4.0), "pass",
     required=3.0)
case("6.1.1 support 2.50 h under a 3.00 h fire wall fails", R, public_lowrise(),
     element("W-1", "防火墙", fire_resistance_h=3.0, support_fire_resistance_h=2.5), "fail",
     required=3.0)
case("6.1.1 support 3.50 h under a 4.00 h fire wall fails (threshold is the wall's own)", R,
     public_lowrise(),
     element("W-1", "防火墙", fire_resistance_h=4.0, support_fire_resistance_h=3.5), "fail",
     required=4.0)
case("6.1.1 support rating not stated → unknown", R, public_lowrise(),
     element("W-1", "防火墙", fire_resistance_h=3.0), "unknown",
     missing="W-1.support_fire_resistance_h")
case("6.1.1 wall's own rating not stated → unknown", R, public_lowrise(),
     element("W-1", "防火墙", support_fire_resistance_h=3.0), "unknown",
     missing="W-1.fire_resistance_h")

R = "6.1.1#firewall-above-roof"
case("6.1.1 roof 0.25 h: wall 0.50 m above roof exactly passes", R, public_lowrise(),
     element("W-1", "防火墙", roof_fire_resistance_h=0.25, above_roof_m=0.5), "pass", required=0.5,
     boundary=True)
case("6.1.1 roof 0.25 h: wall 0.40 m above roof fails", R, public_lowrise(),
     element("W-1", "防火墙", roof_fire_resistance_h=0.25, above_roof_m=0.4), "fail", required=0.5)
case("6.1.1 roof 0.49 h: still below 0.50 h, 0.4 m fails", R, public_lowrise(),
     element("W-1", "防火墙", roof_fire_resistance_h=0.49, above_roof_m=0.4), "fail", boundary=True)
case("6.1.1 roof 0.50 h exactly: no need to rise above roof", R, public_lowrise(),
     element("W-1", "防火墙", roof_fire_resistance_h=0.5, above_roof_m=0.0), "not_applicable",
     boundary=True)
case("6.1.1 roof rating not stated → unknown", R, public_lowrise(),
     element("W-1", "防火墙", above_roof_m=0.0), "unknown", missing="W-1.roof_fire_resistance_h")
case("6.1.1 height above roof not stated → unknown", R, public_lowrise(),
     element("W-1", "防火墙", roof_fire_resistance_h=0.25), "unknown", missing="W-1.above_roof_m")


# --- 7.1.8: fire lanes ------------------------------------------------------------------------

for rule, key, op, limit, good, bad in [
    ("7.1.8#fire-lane-width", "clear_width_m", ">=", 4.0, 6.0, 3.99),
    ("7.1.8#fire-lane-height", "clear_height_m", ">=", 4.0, 5.0, 3.99),
    ("7.1.8#fire-lane-slope", "slope_percent", "<=", 8, 3, 8.01),
    ("7.1.8#fire-lane-edge-to-wall", "edge_to_wall_m", ">=", 5, 8, 4.99),
]:
    case(f"7.1.8 fire lane {key} {_fmt(limit)} exactly passes", rule, public_lowrise(),
         element("FL-1", "消防车道", **{key: limit}), "pass", required=limit, boundary=True)
    case(f"7.1.8 fire lane {key} {_fmt(good)} passes", rule, public_lowrise(),
         element("FL-1", "消防车道", **{key: good}), "pass", required=limit)
    case(f"7.1.8 fire lane {key} {_fmt(bad)} fails", rule, public_lowrise(),
         element("FL-1", "消防车道", **{key: bad}), "fail", required=limit)
    case(f"7.1.8 fire lane {key} not stated → unknown", rule, public_lowrise(),
         element("FL-1", "消防车道"), "unknown", missing=f"FL-1.{key}")
    case(f"7.1.8 fire lane {key} (residential building too)", rule, residential(60),
         element("FL-1", "fire_lane", **{key: bad}), "fail", required=limit)
case("7.1.8 fire lane width 4000 mm exactly passes", "7.1.8#fire-lane-width", public_lowrise(),
     element("FL-1", "消防车道", clear_width_m={"value": 4000, "unit": "mm"}), "pass", required=4.0,
     boundary=True)


# --- 7.3.1: fire elevators ------------------------------------------------------------------

R = "7.3.1#fire-elevator-residential"
case("7.3.1 residential 33.01 m with 1 fire elevator exactly passes", R,
     residential(33.01, fire_elevators=1), None, "pass", required=1, boundary=True)
case("7.3.1 residential 33.01 m with no fire elevator fails", R, residential(33.01, fire_elevators=0),
     None, "fail", required=1, boundary=True)
case("7.3.1 residential 33 m exactly: not applicable", R, residential(33, fire_elevators=0), None,
     "not_applicable", boundary=True)
case("7.3.1 residential height not stated → unknown", R, residential(None, fire_elevators=0), None,
     "unknown", missing="building.height_m")
case("7.3.1 residential 50 m, fire elevators not stated → unknown", R, residential(50), None,
     "unknown", missing="building.fire_elevators")

R = "7.3.1#fire-elevator-class1-public"
case("7.3.1 一类 public (60 m) 1 fire elevator exactly passes", R,
     public_highrise(height_m=60, fire_elevators=1), None, "pass", required=1, boundary=True)
case("7.3.1 一类 public (60 m) no fire elevator fails", R,
     public_highrise(height_m=60, fire_elevators=0), None, "fail", required=1)
case("7.3.1 一类 医疗 (30 m) no fire elevator fails", R,
     public_highrise("医疗", height_m=30, fire_elevators=0), None, "fail")
case("7.3.1 二类 public: 一类 rule not applicable", R, public_highrise(fire_elevators=0), None,
     "not_applicable")
case("7.3.1 一类 public fire elevators not stated → unknown", R,
     public_highrise(height_m=60, fire_elevators=None), None, "unknown",
     missing="building.fire_elevators")
case("7.3.1 商店 30 m, class undecided → unknown", R,
     public_highrise("商店", height_m=30, fire_elevators=0, max_storey_area_above_24m_m2=None), None,
     "unknown", missing="building.max_storey_area_above_24m_m2")

R = "7.3.1#fire-elevator-class2-public-over-32m"
case("7.3.1 二类 public 32.01 m with no fire elevator fails", R,
     public_highrise(height_m=32.01, fire_elevators=0), None, "fail", required=1, boundary=True)
case("7.3.1 二类 public 40 m with 1 fire elevator exactly passes", R,
     public_highrise(height_m=40, fire_elevators=1), None, "pass", required=1, boundary=True)
case("7.3.1 二类 public 32 m exactly: not applicable", R,
     public_highrise(height_m=32, fire_elevators=0), None, "not_applicable", boundary=True)
case("7.3.1 一类 public: 二类 rule not applicable", R,
     public_highrise(height_m=60, fire_elevators=0), None, "not_applicable")
case("7.3.1 二类 public 40 m fire elevators not stated → unknown", R,
     public_highrise(height_m=40, fire_elevators=None), None, "unknown",
     missing="building.fire_elevators")
case("7.3.1 商店 40 m, class undecided → unknown (二类 rule)", R,
     public_highrise("商店", height_m=40, fire_elevators=0, max_storey_area_above_24m_m2=None), None,
     "unknown", missing="building.max_storey_area_above_24m_m2")

R = "7.3.1#fire-elevator-elderly-care"
elderly = public_lowrise("老年人照料设施", height_m=20, storeys_above=5, total_area_m2=3000.01)
case("7.3.1 老年人照料设施 5 storeys, 3000.01 m2, no fire elevator fails", R,
     {**elderly, "fire_elevators": 0}, None, "fail", required=1, boundary=True)
case("7.3.1 老年人照料设施 5 storeys, 1 fire elevator exactly passes", R,
     {**elderly, "fire_elevators": 1}, None, "pass", required=1, boundary=True)
case("7.3.1 老年人照料设施 4 storeys: not applicable", R,
     {**elderly, "storeys_above": 4, "fire_elevators": 0}, None, "not_applicable", boundary=True)
case("7.3.1 老年人照料设施 3000 m2 exactly: not applicable", R,
     {**elderly, "total_area_m2": 3000, "fire_elevators": 0}, None, "not_applicable", boundary=True)
case("7.3.1 老年人照料设施 total area not stated → unknown", R,
     {**elderly, "total_area_m2": None, "fire_elevators": 0}, None, "unknown",
     missing="building.total_area_m2")
case("7.3.1 老年人照料设施 fire elevators not stated → unknown", R, elderly, None, "unknown",
     missing="building.fire_elevators")
case("7.3.1 办公 5 storeys: elderly-care rule not applicable", R,
     public_lowrise(storeys_above=5, total_area_m2=5000, fire_elevators=0), None, "not_applicable")

R = "7.3.1#fire-elevator-deep-basement"


def basement(depth: float | None, area: float | None, elevators: int | None) -> dict:
    return element("BM-1", "地下室", depth_m=depth, area_m2=area, fire_elevators=elevators)


case("7.3.1 basement 10.01 m deep, 3000.01 m2, no fire elevator fails", R, public_lowrise(),
     basement(10.01, 3000.01, 0), "fail", required=1, boundary=True)
case("7.3.1 basement 15 m deep, 5000 m2, 1 fire elevator exactly passes", R, public_lowrise(),
     basement(15, 5000, 1), "pass", required=1, boundary=True)
case("7.3.1 basement 10 m deep exactly: not applicable", R, public_lowrise(),
     basement(10, 5000, 0), "not_applicable", boundary=True)
case("7.3.1 basement 3000 m2 exactly: not applicable", R, public_lowrise(),
     basement(15, 3000, 0), "not_applicable", boundary=True)
case("7.3.1 basement depth not stated → unknown", R, public_lowrise(), basement(None, 5000, 0),
     "unknown", missing="BM-1.depth_m")
case("7.3.1 basement fire elevators not stated → unknown", R, public_lowrise(),
     basement(15, 5000, None), "unknown", missing="BM-1.fire_elevators")

# 第3款, first half: the 地下或半地下室 of a building that has fire elevators, whatever its depth
# and area (the depth/area test is for 其他地下或半地下建筑(室), the rule above).
R = "7.3.1#fire-elevator-basement-of-served-building"
case("7.3.1 building with 1 fire elevator: its basement with 1 exactly passes", R,
     public_highrise(fire_elevators=1), basement(5, 800, 1), "pass", required=1, boundary=True)
case("7.3.1 building with 2 fire elevators: its shallow, small basement with none fails", R,
     public_highrise(fire_elevators=2), basement(5, 800, 0), "fail", required=1)
case("7.3.1 半地下室 (alias) of a building with a fire elevator, none there: fails", R,
     public_lowrise(fire_elevators=1), element("BM-1", "半地下室", fire_elevators=0), "fail",
     required=1)
case("7.3.1 building with no fire elevator: basement rule not applicable", R,
     public_lowrise(fire_elevators=0), basement(5, 800, 0), "not_applicable", boundary=True)
case("7.3.1 building's fire elevators not stated → unknown", R, public_lowrise(),
     basement(5, 800, 0), "unknown", missing="building.fire_elevators")
case("7.3.1 basement's fire elevators not stated → unknown", R, public_highrise(fire_elevators=1),
     basement(5, 800, None), "unknown", missing="BM-1.fire_elevators")


# --- 5.1.1 classification -------------------------------------------------------------------


@dataclass(frozen=True)
class ClassCase:
    name: str
    building: dict
    category: str  # exact category, or a prefix when it ends with "…"


CLASS_CASES: list[ClassCase] = [
    ClassCase("住宅 27 m is 单、多层", residential(27), "单、多层住宅建筑"),
    ClassCase("住宅 27.01 m is 二类高层", residential(27.01), "二类高层住宅建筑"),
    ClassCase("住宅 54 m is 二类高层", residential(54), "二类高层住宅建筑"),
    ClassCase("住宅 54.01 m is 一类高层", residential(54.01), "一类高层住宅建筑"),
    ClassCase("住宅 height not stated → 未能确定", residential(None), "未能确定…"),
    ClassCase("public 24 m is 单、多层", public_lowrise(height_m=24, storeys_above=6),
              "单、多层公共建筑"),
    ClassCase("public 24.5 m single-storey is 单、多层", public_lowrise(height_m=24.5, storeys_above=1),
              "单、多层公共建筑"),
    ClassCase("public 24.5 m multi-storey is 二类高层", public_highrise(height_m=24.5, storeys_above=6),
              "二类高层公共建筑"),
    ClassCase("public 24.5 m, storeys not stated → 未能确定",
              public_highrise(height_m=24.5, storeys_above=None), "未能确定…"),
    ClassCase("public 50 m is 二类高层", public_highrise(height_m=50), "二类高层公共建筑"),
    ClassCase("public 50.1 m is 一类高层", public_highrise(height_m=50.1), "一类高层公共建筑"),
    ClassCase("商店 with 1000 m2 above 24 m is 二类高层",
              public_highrise("商店", max_storey_area_above_24m_m2=1000), "二类高层公共建筑"),
    ClassCase("商店 with 1001 m2 above 24 m is 一类高层",
              public_highrise("商店", max_storey_area_above_24m_m2=1001), "一类高层公共建筑"),
    ClassCase("展览 with 1001 m2 above 24 m is 一类高层",
              public_highrise("展览", max_storey_area_above_24m_m2=1001), "一类高层公共建筑"),
    ClassCase("办公 with 5000 m2 above 24 m is still 二类 (floor area counts only for 商店 etc.)",
              public_highrise("办公", max_storey_area_above_24m_m2=5000), "二类高层公共建筑"),
    ClassCase("商店 without the 24 m-floor area → 未能确定",
              public_highrise("商店", max_storey_area_above_24m_m2=None), "未能确定…"),
    ClassCase("商店 60 m without the floor area is 一类 anyway (> 50 m)",
              public_highrise("商店", height_m=60, max_storey_area_above_24m_m2=None),
              "一类高层公共建筑"),
    ClassCase("医疗 high-rise (25 m) is 一类", public_highrise("医疗", height_m=25), "一类高层公共建筑"),
    ClassCase("医疗 24 m is 单、多层", public_lowrise("医疗", height_m=24), "单、多层公共建筑"),
    ClassCase("老年人照料设施 high-rise is 一类", public_highrise("老年人照料设施", height_m=30),
              "一类高层公共建筑"),
    ClassCase("重要公共建筑 high-rise is 一类", public_highrise(important_public=True),
              "一类高层公共建筑"),
    ClassCase("重要公共建筑 单、多层 stays 单、多层", public_lowrise(important_public=True),
              "单、多层公共建筑"),
    ClassCase("宿舍 follows public buildings (表5.1.1 注2): 30 m is 二类高层",
              public_highrise("宿舍", height_m=30), "二类高层公共建筑"),
    ClassCase("public height not stated → 未能确定", public_highrise(height_m=None), "未能确定…"),
]
