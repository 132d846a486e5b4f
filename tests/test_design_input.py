"""Design input (spec design-v1): what is accepted, how units convert, and how bad input is
refused — by `firecheck check` with exit 2 and a message naming the field path, never a
traceback — and by `parse_design` with the same (path, message) pairs."""

from __future__ import annotations

import copy
import json
import os
import subprocess

import pytest

from reasoning.design import DesignError, parse_design
from conftest import firecheck as run_firecheck

BUILDING = {"id": "B", "use": "办公", "height_m": 20, "storeys_above": 5}


def design(*elements: dict, **building: object) -> dict:
    return {"schema_version": "1", "building": {**BUILDING, **building}, "elements": list(elements)}


def stair(**attributes: object) -> dict:
    return {"id": "ST-1", "type": "疏散楼梯", **attributes}


def firecheck(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The CLI in its own process, with exactly `env` (no inherited FIRECHECK_* / NEO4J_*)."""
    return run_firecheck(*args, env=env, inherit=False)


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("design-input")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIRECHECK_", "NEO4J_"))}
    env["XDG_DATA_HOME"] = str(home / "xdg-data")
    env["FIRECHECK_STORE"] = str(home / "rules.lbdb")
    return env


# --- invalid input: through the command ---------------------------------------------------
#
# Each case: the JSON text of a design (written as is, so NaN and Infinity can be spelled), the
# field path and the exact message the user must see on stderr.

NAN_TEXT = json.dumps(design(stair(clear_width_m=float("nan"))), ensure_ascii=False)
INF_TEXT = json.dumps(design(stair(clear_width_m=float("inf"))), ensure_ascii=False)
assert "NaN" in NAN_TEXT and "Infinity" in INF_TEXT


def _text(value: object) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# Run through the command: the cases the issue names, and the commonest slips.
CLI_INVALID = [
    pytest.param(design(stair(clear_width_m=-1.2)),
                 "elements[0].clear_width_m", "数值不能为负（-1.2 m）", id="a negative width"),
    pytest.param(design(stair(clear_width_m={"value": 1.2, "unit": "步"})),
                 "elements[0].clear_width_m", "未知单位 '步'", id="an unknown unit"),
    pytest.param(design({"id": "FC-1", "type": "防火分区", "area_m2": {"value": 1200, "unit": "m"}}),
                 "elements[0].area_m2", "单位 'm' 与 m2 的量纲不同", id="a length where an area is due"),
    pytest.param(NAN_TEXT, "elements[0].clear_width_m", "数值不能是 NaN 或无穷大", id="NaN"),
    pytest.param(INF_TEXT, "elements[0].clear_width_m", "数值不能是 NaN 或无穷大", id="infinity"),
    pytest.param(design(stair(), {"id": "ST-1", "type": "疏散走道"}),
                 "elements[1].id", "id 'ST-1' 重复（已用于 elements[0].id）", id="a duplicate element id"),
    pytest.param([], "(root)", "设计文件的顶层应为 JSON 对象", id="a top-level JSON array"),
    pytest.param(design({"id": "X-1", "clear_width_m": 1.2}),
                 "elements[0].type", "缺少必填字段", id="an element without type"),
    pytest.param(design({"id": "FC-1", "type": "防火分区", "storey": 0}),
                 "elements[0].storey", "应为非零整数（地上从 1 起，地下为负数）", id="storey 0"),
    pytest.param({**design(), "schema_version": "2"},
                 "schema_version", "不支持的版本 '2'，应为 '1'", id='schema_version "2"'),
    pytest.param(design(stair(clear_width_m=True)),
                 "elements[0].clear_width_m", "应为数值（m），不是布尔值", id="a bool where a number is due"),
    pytest.param(design(stair(clear_width_m={"value": 1.2, "unit": "m", "tolerance": 0.01})),
                 "elements[0].clear_width_m", '带单位的数值应写成 {"value": 数值, "unit": "单位"}',
                 id="a value-unit object with an extra key"),
]

# The same path/message contract, checked in process only (the command prints what
# parse_design reports, as the cases above show).
MORE_INVALID = [
    pytest.param(design({"id": "FC-1", "type": "防火分区", "area_m2": {"value": -5, "unit": "㎡"}}),
                 "elements[0].area_m2", "数值不能为负（-5 m2）", id="a negative area written in ㎡"),
    pytest.param(design({"id": "W-1", "type": "防火墙", "fire_resistance_h": {"value": 3, "unit": "m"}}),
                 "elements[0].fire_resistance_h", "单位 'm' 与 h 的量纲不同",
                 id="a length where a duration is due"),
    pytest.param(design(stair(clear_width_m={"value": float("nan"), "unit": "mm"})),
                 "elements[0].clear_width_m", "数值不能是 NaN 或无穷大", id="NaN inside a value-unit object"),
    pytest.param(design({"id": "B", "type": "柱"}),
                 "elements[0].id", "id 'B' 重复（已用于 building.id）",
                 id="an element id that repeats the building's"),
    pytest.param({**design(), "schema_version": 1},
                 "schema_version", "应为字符串", id="schema_version as a number"),
    pytest.param(design(stair(clear_width_m="1.2米")),
                 "elements[0].clear_width_m", '应为数值（m）或 {"value", "unit"} 对象',
                 id="a string where a number is due"),
    pytest.param(design(stair(clear_width_m={"value": 1.2})),
                 "elements[0].clear_width_m", '带单位的数值应写成 {"value": 数值, "unit": "单位"}',
                 id="a value-unit object without unit"),
    pytest.param(design(stair(clear_width_m={"value": "1.2", "unit": "m"})),
                 "elements[0].clear_width_m", "value 应为数值", id="a value-unit object with a text value"),
    pytest.param(design(storeys_above=2.5), "building.storeys_above", "应为非负整数",
                 id="a fractional storey count"),
    pytest.param(design(fire_elevators=-1), "building.fire_elevators", "应为非负整数",
                 id="a negative count"),
    pytest.param(design(stair(enclosure="半封闭楼梯间")), "elements[0].enclosure",
                 "未知取值 '半封闭楼梯间'，可用：防烟楼梯间、封闭楼梯间、敞开楼梯间",
                 id="an unknown stair enclosure"),
    pytest.param({"schema_version": "1", "elements": []}, "building", "缺少必填字段",
                 id="no building"),
    pytest.param({**design(), "floors": []}, "floors", "未知字段", id="an unknown top-level key"),
    pytest.param(design({"id": "", "type": "柱"}), "elements[0].id", "不能为空", id="an empty id"),
    pytest.param(design({"id": 7, "type": "柱"}), "elements[0].id", "应为字符串", id="a numeric id"),
    pytest.param({**design(), "elements": {"ST-1": stair()}}, "elements", "应为数组",
                 id="elements as an object"),
    pytest.param(design({"id": "X-1", "type": "柱", "notes": ["a", "b"]}), "elements[0].notes",
                 "应为字符串、数值或布尔值", id="a list as an attribute value"),
]


@pytest.mark.parametrize("content, field, message", CLI_INVALID)
def test_invalid_design_exits_2_naming_the_field(tmp_path, env, content, field, message):
    """`firecheck check` refuses the design: exit 2, stderr is exactly
    `firecheck: FILE: 设计数据有误：` and `  FIELD: MESSAGE`, no traceback, nothing on stdout."""
    path = tmp_path / "design.json"
    path.write_text(_text(content), encoding="utf-8")
    done = firecheck("check", str(path), env=env)
    assert done.returncode == 2, done.stdout[:300]
    assert done.stderr == f"firecheck: {path}: 设计数据有误：\n  {field}: {message}\n"
    assert done.stdout == ""


def test_an_unknown_use_exits_2_naming_building_use_and_the_uses_allowed(tmp_path, env):
    """use "火星基地": exit 2, building.use named, with the code's uses offered instead."""
    path = tmp_path / "design.json"
    path.write_text(_text(design(use="火星基地")), encoding="utf-8")
    done = firecheck("check", str(path), env=env)
    assert done.returncode == 2
    head, line = done.stderr.rstrip("\n").split("\n")
    assert head == f"firecheck: {path}: 设计数据有误："
    assert line.startswith("  building.use: 未知的使用功能 '火星基地'，可用：住宅、办公、商店、")
    assert "托儿所幼儿园" in line and "Traceback" not in done.stderr


def test_every_bad_field_is_named_at_once(tmp_path, env):
    """Three problems in three places: all three reported in one run, in file order."""
    path = tmp_path / "design.json"
    path.write_text(_text(design(
        {"id": "W-1", "type": "防火墙", "fire_resistance_h": -1},
        stair(clear_width_m={"value": 1.2, "unit": "furlongz"}),
        {"id": "W-1", "type": "柱"},
        use="火星基地",
    )), encoding="utf-8")
    done = firecheck("check", str(path), env=env)
    assert done.returncode == 2
    fields = [line.split(":")[0].strip() for line in done.stderr.splitlines()[1:]]
    assert fields == ["building.use", "elements[0].fire_resistance_h",
                      "elements[1].clear_width_m", "elements[2].id"]


def test_input_errors_are_reported_before_any_store_is_opened(tmp_path, env):
    """A bad design never creates or loads a store (input is checked first)."""
    path = tmp_path / "design.json"
    path.write_text(_text(design(stair(clear_width_m=-1))), encoding="utf-8")
    store = tmp_path / "never.lbdb"
    done = firecheck("check", str(path), "--store", str(store), env=env)
    assert done.returncode == 2
    assert not store.exists()


# --- the same refusals, in process ----------------------------------------------------------


@pytest.mark.parametrize("content, field, message", CLI_INVALID + MORE_INVALID)
def test_parse_design_raises_design_error_with_the_same_field_and_message(content, field, message):
    """parse_design (the core the CLI and the API share) gives exactly one (path, message)."""
    data = json.loads(_text(content))
    with pytest.raises(DesignError) as caught:
        parse_design(data)
    assert caught.value.problems == [(field, message)]
    assert str(caught.value) == f"{field}: {message}"


# --- what is accepted, and the units -------------------------------------------------------


def _one(element: dict, **building: object):
    return parse_design(design(element, **building)).elements[0]


def test_a_width_of_850_mm_becomes_0_85_m():
    """{"value": 850, "unit": "mm"} on clear_width_m is stored as 0.85 (metres)."""
    door = _one({"id": "D-1", "type": "房间疏散门", "clear_width_m": {"value": 850, "unit": "mm"}})
    assert door.get("clear_width_m") == pytest.approx(0.85)


@pytest.mark.parametrize("unit", ["㎡", "m2", "m²", "平方米"])
def test_areas_in_the_usual_spellings_of_square_metres_are_read(unit):
    """1200 in ㎡ / m2 / m² / 平方米 is 1200 m2 of compartment."""
    compartment = _one({"id": "FC-1", "type": "防火分区", "area_m2": {"value": 1200, "unit": unit}})
    assert compartment.get("area_m2") == pytest.approx(1200)


def test_a_width_in_centimetres_converts_to_metres():
    """140 cm of corridor is 1.40 m."""
    corridor = _one({"id": "C-1", "type": "疏散走道", "clear_width_m": {"value": 140, "unit": "cm"}})
    assert corridor.get("clear_width_m") == pytest.approx(1.4)


def test_a_fire_resistance_in_minutes_converts_to_hours():
    """fire_resistance_h of 150 min is 2.5 h; 180 分钟 is 3 h."""
    wall = _one({"id": "W-1", "type": "防火墙", "fire_resistance_h": {"value": 150, "unit": "min"}})
    assert wall.get("fire_resistance_h") == pytest.approx(2.5)
    wall = _one({"id": "W-1", "type": "防火墙", "fire_resistance_h": {"value": 180, "unit": "分钟"}})
    assert wall.get("fire_resistance_h") == pytest.approx(3.0)


def test_an_area_in_square_centimetres_is_not_mistaken_for_metres():
    """2,000,000 cm2 is 200 m2 (not 2,000,000)."""
    compartment = _one({"id": "FC-1", "type": "防火分区",
                        "area_m2": {"value": 2_000_000, "unit": "cm2"}})
    assert compartment.get("area_m2") == pytest.approx(200)


def test_bare_numbers_are_taken_in_the_unit_their_key_names():
    """clear_width_m 1.2 is 1.2 m; slope_percent 6 is 6 %: no conversion."""
    lane = _one({"id": "FL-1", "type": "消防车道", "clear_width_m": 4, "slope_percent": 6})
    assert lane.get("clear_width_m") == 4.0 and lane.get("slope_percent") == 6.0


def test_a_unit_converted_width_checks_like_the_same_width_in_metres():
    """The checker sees 850 mm as 0.85 m: the door fails 5.5.18 (≥ 0.90 m) exactly as 0.85 does,
    and the report shows the converted value in metres."""
    from graph.pack import load_builtin_pack
    from reasoning.checker import check

    rules = load_builtin_pack()
    reports = [check(parse_design(design({"id": "D-1", "type": "房间疏散门", "clear_width_m": width})),
                     rules) for width in ({"value": 850, "unit": "mm"}, 0.85)]
    fails = [[(f.rule_id, f.message) for f in r.findings if f.status == "fail"] for r in reports]
    assert fails[0] == fails[1]
    assert ("GB50016-2014:5.5.18#door-width",
            "房间疏散门 D-1 净宽度 0.85 m，小于第5.5.18条要求的 0.90 m。") in fails[0]


def test_null_means_not_stated():
    """An attribute set to null is left out (its findings become unknown), not an error."""
    corridor = _one({"id": "C-1", "type": "疏散走道", "clear_width_m": None, "layout": "双面布房"})
    assert "clear_width_m" not in corridor.attributes
    assert corridor.get("layout") == "双面布房"


def test_english_and_everyday_words_for_uses_and_vocabularies_are_normalised():
    """use "office" is 办公 and "学校" 教学; grade "2" is 二级; enclosure "防烟" is 防烟楼梯间."""
    parsed = parse_design(design(stair(enclosure="防烟"), use="office", fire_resistance_grade="2"))
    assert parsed.building.get("use") == "办公"
    assert parsed.building.get("fire_resistance_grade") == "二级"
    assert parsed.elements[0].get("enclosure") == "防烟楼梯间"
    assert parse_design(design(use="学校")).building.get("use") == "教学"


def test_basement_storeys_are_negative_and_whole_counts_may_be_written_as_floats():
    """storey -1 is the first basement storey; storeys_above 5.0 is the count 5."""
    parsed = parse_design(design({"id": "FC-B1", "type": "防火分区", "storey": -1},
                                 storeys_above=5.0))
    assert parsed.elements[0].get("storey") == -1
    assert parsed.building.get("storeys_above") == 5
    assert isinstance(parsed.building.get("storeys_above"), int)


def test_a_type_no_rule_knows_is_accepted_as_is():
    """type "花坛" is not an input error (the checker lists it as unmatched)."""
    assert _one({"id": "BED-1", "type": "花坛", "area_m2": 4}).type == "花坛"


def test_parsing_does_not_change_the_callers_value():
    """parse_design reads the JSON value; the dict the caller passed in is left as it was."""
    data = design({"id": "D-1", "type": "房间疏散门", "clear_width_m": {"value": 850, "unit": "mm"}})
    before = copy.deepcopy(data)
    parse_design(data)
    assert data == before
