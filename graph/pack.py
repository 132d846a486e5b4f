"""Rule packs: YAML files of rules as data, read into a validated `RuleSet`.

The built-in pack (packs/gb50016-2014-2018.yaml) is written by hand from the standard's facts.
Two of its tables are regular grids (表5.1.2 components × grades, 表5.5.21-1 storeys × grades);
they are kept in the compact shape the standard prints and expanded here into ordinary rules.
"""

from __future__ import annotations

import hashlib
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from reasoning.rules import RuleSet

BUILTIN_PACK = "gb50016-2014-2018.yaml"
_GRADES = ["一级", "二级", "三级", "四级"]


class PackError(ValueError):
    """A rule pack that does not validate; the message names the pack and the field."""


def builtin_pack_text() -> str:
    return resources.files("graph").joinpath("packs", BUILTIN_PACK).read_text(encoding="utf-8")


def load_builtin_pack() -> RuleSet:
    text = builtin_pack_text()
    return parse_pack(yaml.safe_load(text), source=BUILTIN_PACK, digest=_digest(text))


def load_pack_file(path: Path) -> RuleSet:
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PackError(f"{path}: 无法读取规则包：{exc}") from None
    return parse_pack(data, source=str(path), digest=_digest(text))


def _digest(text: str) -> str:
    # The version a store records carries the content's hash, so an edited pack is reloaded
    # even when its author forgot to bump the declared version.
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def parse_pack(data: Any, source: str, digest: str | None = None) -> RuleSet:
    if not isinstance(data, dict):
        raise PackError(f"{source}: 规则包顶层应为映射")
    data = dict(data)
    if digest and "version" in data:
        data["version"] = f"{data['version']}+{digest}"
    standard = (data.get("standards") or [{}])[0]
    rules = list(data.get("rules", []))
    if "x-component-table" in data:
        rules.extend(_component_rules(data["x-component-table"], standard))
    if "x-width-per-100-table" in data:
        rules.extend(_width_rules(data["x-width-per-100-table"], standard))
    data["rules"] = rules
    for key in [k for k in data if k.startswith("x-")]:
        del data[key]  # YAML anchors and compact tables: not part of the RuleSet
    for clause in data.get("clauses", []):
        clause.setdefault("standard", standard.get("id"))
    try:
        return RuleSet.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PackError(f"{source}: {where}: {first['msg']}") from None


def _grade(grade: str) -> dict:
    return {"fact": "building.fire_resistance_grade", "op": "==", "value": grade,
            "label": f"耐火等级{grade}"}


def _component_rules(spec: dict, standard: dict) -> list[dict]:
    """表5.1.2: for each component, a 燃烧性能 rule and a 耐火极限 rule keyed by the grade."""
    rules = []
    for index, (component, (burning, hours)) in enumerate(spec["rows"].items(), start=1):
        common = {
            "standard": standard["id"], "clause": spec["clause"], "object": component,
            "operator": ">=", "strength": "应", "references": ["5.1.1"],
        }
        rules.append({
            **common,
            "id": f"{standard['code']}:{spec['clause']}#component-{index:02d}-combustibility",
            "title": f"{component}的燃烧性能",
            "attribute": "combustibility", "attribute_label": "燃烧性能",
            "table": {"id": spec["table"], "cases": [
                {"when": [_grade(g)], "value": v, "cell": f"{component} / {g}"}
                for g, v in zip(_GRADES, burning)
            ]},
        })
        rules.append({
            **common,
            "id": f"{standard['code']}:{spec['clause']}#component-{index:02d}-fire-resistance",
            "title": f"{component}的耐火极限",
            "attribute": "fire_resistance_h", "attribute_label": "耐火极限", "unit": "h",
            # A cell that gives only 可燃性 sets no hours: no case, so not applicable there.
            "table": {"id": spec["table"], "cases": [
                {"when": [_grade(g)], "value": v, "cell": f"{component} / {g}"}
                for g, v in zip(_GRADES, hours) if v is not None
            ]},
        })
    return rules


def _width_rules(spec: dict, standard: dict) -> list[dict]:
    """表5.5.21-1: each storey's total widths ≥ occupants / 100 × the cell."""
    grade_columns = [
        ("一、二级", {"fact": "building.fire_resistance_grade", "op": "in", "value": ["一级", "二级"],
                   "label": "耐火等级一、二级"}),
        ("三级", _grade("三级")),
        ("四级", _grade("四级")),
    ]
    underground = {"fact": "element.underground", "op": "==", "value": True, "label": "地下或半地下楼层"}
    above = {"fact": "element.underground", "op": "==", "value": False, "label": "地上楼层"}
    dense = spec["dense_underground"]
    cases: list[dict] = [
        {"when": [underground, {"fact": "element.dense_assembly", "op": "==", "value": True,
                                "label": "人员密集的厅、室"}],
         "value": dense["value"], "cell": dense["label"]},
        {"when": [underground, {"fact": "building.use", "op": "==", "value": "歌舞娱乐放映游艺场所",
                                "label": "歌舞娱乐放映游艺场所"}],
         "value": dense["value"], "cell": dense["label"]},
    ]
    for row in spec["below_ground"]:
        when = [underground]
        if row["depth_max_m"] is not None:
            when.append({"fact": "element.depth_m", "op": "<=", "value": row["depth_max_m"],
                         "label": f"与地面出入口地面的高差不大于{row['depth_max_m']}m"})
        for (label, grade), value in zip(grade_columns, row["cells"]):
            cases.append({"when": [*when, grade], "value": value, "cell": f"{row['label']} / {label}"})
    for row in spec["above_ground"]:
        when = [above]
        if row["storeys_max"] is not None:
            when.append({"fact": "building.storeys_above", "op": "<=", "value": row["storeys_max"],
                         "label": f"建筑地上层数不超过{row['storeys_max']}层"})
        for (label, grade), value in zip(grade_columns, row["cells"]):
            cases.append({"when": [*when, grade], "value": value, "cell": f"{row['label']} / {label}"})

    rules = []
    for key, label in spec["widths"].items():
        slug = key.removesuffix("_total_width_m")
        rules.append({
            "id": f"{standard['code']}:{spec['clause']}#{slug}-total-width-per-100",
            "standard": standard["id"], "clause": spec["clause"],
            "title": f"{label}按每百人净宽度计算",
            "object": "楼层", "attribute": key, "attribute_label": label,
            "operator": ">=", "unit": "m", "strength": "应",
            "applies_when": [
                {"fact": "building.kind", "op": "==", "value": "公共建筑", "label": "公共建筑"},
                {"fact": "building.use", "op": "not_in", "value": spec["excluded_uses"],
                 "label": "非剧场、电影院、礼堂、体育馆"},
            ],
            "per": {"fact": "element.occupants", "divisor": 100, "label": "疏散人数/100"},
            "table": {"id": spec["table"], "cases": cases},
            "references": ["5.5.18"],
        })
    return rules
