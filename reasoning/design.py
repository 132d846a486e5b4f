"""The checker's input: one building, its elements and neighbours (spec design-v1).

`parse_design` is the one way in. It accepts the JSON value (already decoded), checks its shape
with pydantic, then converts every unit-suffixed quantity to its canonical unit and checks the
code's own vocabularies (使用功能, 耐火等级 …). Every problem found is reported at once, each with
the field path a user can find in their file (`elements[3].clear_width_m`).
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .units import UnitError, to_canonical, unit_of_key

SCHEMA_VERSION = "1"

# 使用功能 (building.use): the code's terms, each with its kind for 表5.1.1. 宿舍 and 公寓 are
# residential in everyday speech but follow the public-building rules (表5.1.1 注2).
USES: dict[str, str] = {
    "住宅": "住宅建筑",
    **{
        use: "公共建筑"
        for use in (
            "办公", "商店", "展览", "旅馆", "医疗", "教学", "托儿所幼儿园", "老年人照料设施",
            "歌舞娱乐放映游艺场所", "图书馆", "宿舍", "公寓", "电信", "邮政", "财贸金融",
            "多种功能组合", "广播电视", "防灾指挥调度", "电力调度", "剧场", "电影院", "礼堂",
            "体育馆", "餐饮", "科研", "档案馆", "博物馆", "文化馆", "交通", "其他公共建筑",
        )
    },
}

USE_ALIASES: dict[str, str] = {
    "residential": "住宅", "office": "办公", "shop": "商店", "retail": "商店", "mall": "商店",
    "exhibition": "展览", "hotel": "旅馆", "hospital": "医疗", "medical": "医疗",
    "school": "教学", "education": "教学", "teaching": "教学", "kindergarten": "托儿所幼儿园",
    "nursery": "托儿所幼儿园", "elderly_care": "老年人照料设施",
    "entertainment": "歌舞娱乐放映游艺场所", "library": "图书馆", "dormitory": "宿舍",
    "apartment": "公寓", "theatre": "剧场", "theater": "剧场", "cinema": "电影院",
    "gymnasium": "体育馆", "restaurant": "餐饮", "托儿所": "托儿所幼儿园", "幼儿园": "托儿所幼儿园",
    "商业": "商店", "医院": "医疗", "学校": "教学",
}

# Ordinal vocabularies: the rules compare them with >= ("不低于"), so each word has a rank where
# a higher rank is the safer side.
ORDINALS: dict[str, dict[str, int]] = {
    "fire_resistance_grade": {"四级": 1, "三级": 2, "二级": 3, "一级": 4},
    "combustibility": {"可燃性": 1, "难燃性": 2, "不燃性": 3},
    "enclosure": {"敞开楼梯间": 1, "封闭楼梯间": 2, "防烟楼梯间": 3},
}

ENUM_ALIASES: dict[str, dict[str, str]] = {
    "fire_resistance_grade": {"1": "一级", "2": "二级", "3": "三级", "4": "四级",
                              "一": "一级", "二": "二级", "三": "三级", "四": "四级"},
    "combustibility": {"不燃": "不燃性", "难燃": "难燃性", "可燃": "可燃性",
                       "non-combustible": "不燃性", "noncombustible": "不燃性",
                       "difficult-to-burn": "难燃性", "combustible": "可燃性"},
    "enclosure": {"敞开": "敞开楼梯间", "封闭": "封闭楼梯间", "防烟": "防烟楼梯间",
                  "open": "敞开楼梯间", "enclosed": "封闭楼梯间", "smoke-proof": "防烟楼梯间",
                  "smokeproof": "防烟楼梯间"},
    "layout": {"single-loaded": "单面布房", "double-loaded": "双面布房"},
    "position": {"between_exits": "两个安全出口之间", "dead_end": "袋形走道两侧或尽端"},
}

ENUMS: dict[str, set[str]] = {
    **{key: set(ranks) for key, ranks in ORDINALS.items()},
    "layout": {"单面布房", "双面布房"},
    "position": {"两个安全出口之间", "袋形走道两侧或尽端", "袋形走道两侧", "走道尽端"},
}

# Design words coarser than some rules need, with what they may stand for: 5.5.15 lets a room
# beside a dead-end corridor have one door on easier terms than a room at its end.
COARSE_VALUES: dict[str, dict[str, tuple[str, ...]]] = {
    "position": {"袋形走道两侧或尽端": ("袋形走道两侧", "走道尽端")},
}

# Keys whose value is a count: a non-negative integer.
COUNT_KEYS = {"storeys_above", "storeys_below", "fire_elevators", "exits", "doors",
              "occupants", "upper_floor_occupants"}

RESERVED_KEYS = {"id", "type"}

Scalar = str | bool | int | float


class DesignError(ValueError):
    """Input that breaks design-v1. `problems` holds (field path, message) pairs."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{path}: {message}" for path, message in problems))


class Part(BaseModel):
    """The building or one element: an id, a type and flat attributes in canonical units."""

    model_config = ConfigDict(frozen=True)

    id: str
    type: str
    attributes: dict[str, Scalar] = Field(default_factory=dict)

    def get(self, key: str) -> Scalar | None:
        return self.attributes.get(key)


class Design(BaseModel):
    model_config = ConfigDict(frozen=True)

    schema_version: str = SCHEMA_VERSION
    building: Part
    elements: list[Part]


# --- shape, checked by pydantic -------------------------------------------------------------


class _RawPart(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)
    id: str = Field(min_length=1)


class _RawElement(_RawPart):
    type: str = Field(min_length=1)


class _RawDesign(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    schema_version: str = SCHEMA_VERSION
    building: _RawPart
    elements: list[_RawElement] = Field(default_factory=list)


def field_path(loc: tuple[Any, ...]) -> str:
    """('elements', 3, 'clear_width_m') → 'elements[3].clear_width_m'."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path or "(root)"


_PYDANTIC_MESSAGES = {
    "missing": "缺少必填字段",
    "string_type": "应为字符串",
    "list_type": "应为数组",
    "model_type": "应为对象",
    "dict_type": "应为对象",
    "extra_forbidden": "未知字段",
    "string_too_short": "不能为空",
    "model_attributes_type": "应为对象",
}


def _pydantic_problems(exc: ValidationError) -> list[tuple[str, str]]:
    problems = []
    for err in exc.errors():
        message = _PYDANTIC_MESSAGES.get(err["type"], err["msg"])
        problems.append((field_path(tuple(err["loc"])), message))
    return problems


# --- values, checked here -------------------------------------------------------------------


def _check_value(key: str, raw: Any, path: str) -> Scalar:
    """One attribute value → its canonical form; raises ValueError with a Chinese message."""
    unit = unit_of_key(key)
    if unit is not None:
        try:
            return to_canonical(raw, unit)
        except UnitError as exc:
            raise ValueError(str(exc)) from None
    if key in COUNT_KEYS:
        if isinstance(raw, bool) or not isinstance(raw, int):
            if isinstance(raw, float) and raw.is_integer():
                raw = int(raw)
            else:
                raise ValueError("应为非负整数")
        if raw < 0:
            raise ValueError("应为非负整数")
        return raw
    if key == "storey":
        if isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        if isinstance(raw, bool) or not isinstance(raw, int) or raw == 0:
            raise ValueError("应为非零整数（地上从 1 起，地下为负数）")
        return raw
    if key == "use":
        if not isinstance(raw, str):
            raise ValueError("应为字符串")
        use = USE_ALIASES.get(raw.strip(), raw.strip())
        if use not in USES:
            raise ValueError(f"未知的使用功能 '{raw}'，可用：{'、'.join(USES)}")
        return use
    if key in ENUMS:
        if not isinstance(raw, str):
            raise ValueError("应为字符串")
        word = ENUM_ALIASES.get(key, {}).get(raw.strip(), raw.strip())
        if word not in ENUMS[key]:
            # Ordinal words listed in their own order (一级、二级 …), others as declared.
            allowed = sorted(ORDINALS[key], key=ORDINALS[key].get, reverse=True) \
                if key in ORDINALS else sorted(ENUMS[key])
            raise ValueError(f"未知取值 '{raw}'，可用：{'、'.join(allowed)}")
        return word
    if isinstance(raw, bool) or isinstance(raw, str):
        return raw
    if isinstance(raw, (int, float)):
        if math.isnan(raw) or math.isinf(raw):
            raise ValueError("数值不能是 NaN 或无穷大")
        return raw
    raise ValueError("应为字符串、数值或布尔值")


def _part(raw: dict[str, Any], path: str, type_: str, problems: list) -> Part:
    attributes: dict[str, Scalar] = {}
    for key, value in raw.items():
        if key in RESERVED_KEYS or value is None:
            continue  # null is "not stated": the fact stays unknown
        try:
            attributes[key] = _check_value(key, value, f"{path}.{key}")
        except ValueError as exc:
            problems.append((f"{path}.{key}", str(exc)))
    return Part(id=raw["id"], type=type_, attributes=attributes)


def parse_design(data: Any) -> Design:
    """Validate a decoded design-v1 JSON value; raise DesignError naming every bad field."""
    if not isinstance(data, dict):
        raise DesignError([("(root)", "设计文件的顶层应为 JSON 对象")])
    try:
        raw = _RawDesign.model_validate(data)
    except ValidationError as exc:
        raise DesignError(_pydantic_problems(exc)) from None
    if raw.schema_version != SCHEMA_VERSION:
        raise DesignError([("schema_version", f"不支持的版本 '{raw.schema_version}'，应为 '1'")])

    problems: list[tuple[str, str]] = []
    building = _part(data["building"], "building", "建筑", problems)
    elements = []
    seen: dict[str, str] = {building.id: "building.id"}
    for index, item in enumerate(data.get("elements", [])):
        path = f"elements[{index}]"
        type_ = item["type"].strip()
        if not type_:
            problems.append((f"{path}.type", "不能为空"))
        element = _part(item, path, type_, problems)
        if element.id in seen:
            problems.append((f"{path}.id", f"id '{element.id}' 重复（已用于 {seen[element.id]}）"))
        else:
            seen[element.id] = f"{path}.id"
        elements.append(element)
    if problems:
        raise DesignError(problems)
    return Design(schema_version=raw.schema_version, building=building, elements=elements)
