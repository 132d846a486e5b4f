"""The checker's core (`check` with the built-in pack), on small real designs: which elements
rules reach (types, English aliases, IS_A), three-valued facts (a missing fact makes `unknown`
naming it, unless it cannot change the verdict), boundaries, and the report's bookkeeping."""

from __future__ import annotations

import pytest

from graph.pack import load_builtin_pack
from reasoning.checker import CompiledRuleSet, check
from reasoning.design import parse_design
from reasoning.report import Report

# A five-storey office (单、多层公共建筑 by 5.1.1), 二级.
OFFICE = {"id": "B1", "use": "办公", "height_m": 18, "storeys_above": 5, "storeys_below": 0,
          "fire_resistance_grade": "二级", "sprinklers": True, "fire_elevators": 0}


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleSet:
    return CompiledRuleSet(load_builtin_pack())


def run(compiled: CompiledRuleSet, *elements: dict, **building: object) -> Report:
    data = {"schema_version": "1", "building": {**OFFICE, **building}, "elements": list(elements)}
    return check(parse_design(data), compiled)


def of(report: Report, element_id: str) -> dict[str, str]:
    """rule id → status, for one element."""
    return {f.rule_id: f.status for f in report.findings if f.element_id == element_id}


def finding(report: Report, rule_id: str, element_id: str):
    (found,) = [f for f in report.findings if f.rule_id == rule_id and f.element_id == element_id]
    return found


CORRIDOR_WIDTH = "GB50016-2014:5.5.18#corridor-width"
DOOR_WIDTH = "GB50016-2014:5.5.18#door-width"
COMPARTMENT = "GB50016-2014:5.3.1#compartment-area"


# --- which elements rules reach -------------------------------------------------------------


def test_an_element_of_a_type_no_rule_knows_gets_no_findings_and_is_listed_unmatched(compiled):
    """A 花坛 (flower bed) and a 设备基础 next to a real corridor: neither gets a finding, both are
    listed as unmatched in file order, and the corridor is still checked."""
    report = run(compiled, {"id": "BED-1", "type": "花坛", "area_m2": 4},
                 {"id": "C-1", "type": "疏散走道", "clear_width_m": 1.2},
                 {"id": "PAD-1", "type": "设备基础"})
    assert report.unmatched_elements == ["BED-1", "PAD-1"]
    assert not of(report, "BED-1") and not of(report, "PAD-1")
    assert of(report, "C-1")[CORRIDOR_WIDTH] == "pass"


def test_the_building_itself_is_never_unmatched(compiled):
    """A design with no elements still gets the building's own findings, under its id."""
    report = run(compiled)
    assert report.unmatched_elements == []
    assert report.findings and {f.element_id for f in report.findings} == {"B1"}


@pytest.mark.parametrize("alias, concept, attributes", [
    ("evacuation_stair", "疏散楼梯", {"clear_width_m": 1.0, "enclosure": "封闭楼梯间"}),
    ("corridor", "疏散走道", {"clear_width_m": 1.0, "layout": "双面布房"}),
    ("room_door", "房间疏散门", {"clear_width_m": 0.8, "evacuation_distance_m": 30,
                               "position": "两个安全出口之间"}),
    ("fire_compartment", "防火分区", {"storey": 2, "area_m2": 6000}),
    ("fire_lane", "消防车道", {"clear_width_m": 3.5, "clear_height_m": 4.5, "slope_percent": 6}),
    ("column", "柱", {"fire_resistance_h": 2.0, "combustibility": "不燃性"}),
    ("neighbour", "相邻建筑", {"separation_m": 5, "fire_resistance_grade": "二级"}),
])
def test_an_english_alias_type_is_checked_exactly_like_the_chinese_concept(
        compiled, alias, concept, attributes):
    """type "evacuation_stair" etc. gets the same rules and verdicts as the code's own term, and
    the because chain names the concept."""
    english = run(compiled, {"id": "X-1", "type": alias, **attributes})
    chinese = run(compiled, {"id": "X-1", "type": concept, **attributes})
    assert of(english, "X-1") and of(english, "X-1") == of(chinese, "X-1")
    assert english.unmatched_elements == []
    assert all(f.because[0].startswith(f"X-1 是 {concept}")
               for f in english.findings if f.element_id == "X-1")


def test_a_dwelling_door_gets_the_evacuation_door_rules_through_is_a(compiled):
    """户门 IS_A 疏散门: in an office it fails the 疏散门 width rule of 5.5.18 (0.80 < 0.90 m), and
    the because chain shows the IS_A step."""
    report = run(compiled, {"id": "H-1", "type": "户门", "clear_width_m": 0.8})
    door = finding(report, DOOR_WIDTH, "H-1")
    assert door.status == "fail"
    assert door.because[0] == "H-1 是 户门 IS_A 疏散门"
    assert door.message == "户门 H-1 净宽度 0.80 m，小于第5.5.18条要求的 0.90 m。"


def test_surrounding_whitespace_in_a_type_is_ignored(compiled):
    """type " 疏散走道 " is the corridor concept."""
    report = run(compiled, {"id": "C-1", "type": " 疏散走道 ", "clear_width_m": 1.0})
    assert of(report, "C-1")[CORRIDOR_WIDTH] == "fail"


# --- missing facts --------------------------------------------------------------------------


def test_without_a_height_the_findings_that_depend_on_the_classification_are_unknown(compiled):
    """No building.height_m: 5.1.1 cannot classify the office, so the category says what is
    missing, and 5.5.12 (stair enclosure by class and height) and the 表5.5.18 high-rise stair
    width are unknown naming building.height_m — neither pass nor fail. The plain 1.10 m stair
    width of 5.5.18 needs only 公共建筑 and is still decided."""
    report = run(compiled, {"id": "ST-1", "type": "疏散楼梯", "clear_width_m": 1.2,
                            "enclosure": "封闭楼梯间"}, height_m=None)
    assert report.classification.category == "未能确定（缺少 building.height_m）"
    stair = {f.rule_id: f for f in report.findings if f.element_id == "ST-1"}
    for rule_id in ("GB50016-2014:5.5.12#smokeproof-stair", "GB50016-2014:5.5.12#enclosed-stair",
                    "GB50016-2014:5.5.18#stair-width-highrise"):
        assert stair[rule_id].status == "unknown", rule_id
        assert "building.height_m" in stair[rule_id].missing_facts
        assert stair[rule_id].because[-1] == "缺少事实：building.height_m"
    assert stair["GB50016-2014:5.5.18#stair-width"].status == "pass"


def test_without_a_use_a_rule_for_public_buildings_is_unknown_not_failed(compiled):
    """No building.use: a 0.50 m corridor would fail 5.5.18 in any public building, but whether
    the building is public is unknown, so the finding is unknown naming building.use and no
    finding on the corridor fails."""
    report = run(compiled, {"id": "C-1", "type": "疏散走道", "clear_width_m": 0.5}, use=None)
    corridor = finding(report, CORRIDOR_WIDTH, "C-1")
    assert corridor.status == "unknown"
    assert corridor.missing_facts == ["building.use"]
    assert "fail" not in of(report, "C-1").values()
    assert report.classification.category == "未能确定（缺少 building.use）"


def test_a_missing_attribute_of_the_element_makes_its_finding_unknown_naming_it(compiled):
    """A corridor without clear_width_m: 5.5.18 is unknown naming C-1.clear_width_m, with the
    message saying so."""
    report = run(compiled, {"id": "C-1", "type": "疏散走道", "layout": "双面布房"})
    corridor = finding(report, CORRIDOR_WIDTH, "C-1")
    assert corridor.status == "unknown"
    assert corridor.missing_facts == ["C-1.clear_width_m"]
    assert corridor.message == "无法判定第5.5.18条（净宽度）：设计未给出 C-1.clear_width_m。"
    assert corridor.actual is None


@pytest.mark.parametrize("area, status, binding", [
    (2000, "pass", 2500), (4000, "unknown", None), (6000, "fail", 5000)])
def test_an_unstated_sprinkler_system_matters_only_where_it_would_change_the_verdict(
        compiled, area, status, binding):
    """表5.3.1: 2500 m2 for 一、二级, doubled with sprinklers. Neither the building nor the
    compartment says whether it is sprinklered: 2,000 m2 passes either way (quoting the strict
    2500 m2), 6,000 m2 fails either way (quoting the lenient 5000 m2), and only 4,000 m2 is
    unknown, naming the sprinkler fact."""
    report = run(compiled, {"id": "FC-1", "type": "防火分区", "storey": 2, "area_m2": area,
                            "exits": 2}, sprinklers=None)
    compartment = finding(report, COMPARTMENT, "FC-1")
    assert compartment.status == status
    if status == "unknown":
        assert "building.sprinklers" in compartment.missing_facts
    else:
        assert compartment.required.value == binding


def test_a_stated_sprinkler_system_doubles_the_compartment_limit(compiled):
    """The same 4,000 m2 compartment in a building stated to be sprinklered passes (≤ 5000 m2)."""
    report = run(compiled, {"id": "FC-1", "type": "防火分区", "storey": 2, "area_m2": 4000,
                            "sprinklers": True})
    compartment = finding(report, COMPARTMENT, "FC-1")
    assert compartment.status == "pass"
    assert compartment.required.value == 5000


# --- thresholds ---------------------------------------------------------------------------


@pytest.mark.parametrize("width, status", [
    (1.1, "pass"),
    ({"value": 110, "unit": "cm"}, "pass"),  # 1.1000000000000001 m after conversion
    ({"value": 1099, "unit": "mm"}, "fail"),
    (1.09, "fail"),
])
def test_a_width_exactly_at_the_threshold_passes_and_a_millimetre_less_fails(compiled, width, status):
    """5.5.18 (≥ 1.10 m): 1.10 m passes however it is written; 1,099 mm fails."""
    report = run(compiled, {"id": "C-1", "type": "疏散走道", "clear_width_m": width})
    assert finding(report, CORRIDOR_WIDTH, "C-1").status == status


def test_a_failing_width_is_never_printed_equal_to_its_threshold(compiled):
    """1,099 mm fails 5.5.18's 1.10 m; the message must not read '1.10 m，小于 … 1.10 m'."""
    report = run(compiled, {"id": "C-1", "type": "疏散走道",
                            "clear_width_m": {"value": 1099, "unit": "mm"}})
    message = finding(report, CORRIDOR_WIDTH, "C-1").message
    assert "净宽度 1.10 m，小于" not in message


# --- the report's bookkeeping -----------------------------------------------------------------


MIXED = [
    {"id": "ST-1", "type": "疏散楼梯", "clear_width_m": 1.0, "enclosure": "敞开楼梯间"},
    {"id": "C-1", "type": "疏散走道", "clear_width_m": 1.4, "layout": "双面布房"},
    {"id": "FC-1", "type": "防火分区", "storey": -1, "area_m2": 800},
    {"id": "D-1", "type": "房间疏散门", "clear_width_m": 0.9, "position": "袋形走道两侧或尽端",
     "evacuation_distance_m": 25},
    {"id": "BED-1", "type": "花坛"},
]


def test_every_matched_element_gets_one_finding_per_rule_of_its_type(compiled):
    """Findings = Σ over the building and matched elements of the rules their type reaches; the
    summary counts each status exactly."""
    report = run(compiled, *MIXED)
    types = [("B1", "建筑")] + [(e["id"], e["type"]) for e in MIXED if e["type"] != "花坛"]
    assert len(report.findings) == sum(len(compiled.rules_for(t)) for _, t in types)
    for element_id, type_ in types:
        assert sorted(of(report, element_id)) == sorted(r.id for r in compiled.rules_for(type_))
    counts = {s: sum(f.status == s for f in report.findings)
              for s in ("fail", "pass", "not_applicable", "unknown")}
    assert report.to_json_dict()["summary"] == {"fail": counts["fail"], "pass": counts["pass"],
                                                "not_applicable": counts["not_applicable"],
                                                "unknown": counts["unknown"]}


def test_a_decided_finding_carries_its_actual_and_required_values(compiled):
    """Every pass or fail has the design's value and the rule's operator and threshold; every
    unknown names at least one missing fact; statuses are only the four of report-v1."""
    report = run(compiled, *MIXED)
    assert {f.status for f in report.findings} <= {"fail", "pass", "not_applicable", "unknown"}
    for f in report.findings:
        if f.status in ("pass", "fail"):
            assert f.actual is not None and f.required is not None, f.rule_id
            assert f.required.operator in (">=", "<=", ">", "<", "==", "!=", "in", "not_in")
        if f.status == "unknown":
            assert f.missing_facts, f.rule_id
        assert f.because and f.because[0].startswith(f"{f.element_id} 是 ")


def test_a_rule_set_compiled_once_checks_many_designs_like_a_fresh_one(compiled):
    """CompiledRuleSet is reusable: checking an office, a residential tower, then the office
    again gives the same report for the office each time, equal to check() with the plain
    RuleSet."""
    office = {"schema_version": "1", "building": OFFICE, "elements": MIXED}
    tower = {"schema_version": "1",
             "building": {"id": "T", "use": "住宅", "height_m": 60, "storeys_above": 20},
             "elements": [{"id": "H-1", "type": "户门", "clear_width_m": 0.85}]}
    first = check(parse_design(office), compiled).to_json_dict()
    check(parse_design(tower), compiled)
    again = check(parse_design(office), compiled).to_json_dict()
    fresh = check(parse_design(office), load_builtin_pack()).to_json_dict()
    assert first == again == fresh


def test_sorted_findings_put_failures_first_then_unknowns_passes_and_not_applicables(compiled):
    """Report.sorted_findings orders by status (fail, unknown, pass, not_applicable), keeping the
    checker's order within each status."""
    report = run(compiled, *MIXED)
    order = ["fail", "unknown", "pass", "not_applicable"]
    ranked = [f.status for f in report.sorted_findings()]
    assert ranked == sorted(ranked, key=order.index)
    assert ranked[0] == "fail"
    fails = [f for f in report.findings if f.status == "fail"]
    assert report.sorted_findings()[:len(fails)] == fails
