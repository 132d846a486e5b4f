"""Quality gates: a rule whose operator disagrees with the comparator word of the text (the
reversed min/max), whose value the text never wrote, or whose unit does not fit its attribute is
reported in `gate_failures`, not kept."""

from __future__ import annotations

from extraction.gates import apply_gates, check_rule
from extraction.models import Condition, ExtractedRule, ExtractionResult

TEXT = "档案室的门的净宽度不应小于0.90m，走道的长度不宜大于20m，墙应采用不燃材料，耐火极限不低于2.00h的隔墙和1.50h的楼板。"


def rule(**changes) -> ExtractedRule:
    base = {"object": "门", "attribute": "净宽度", "operator": ">=", "value": 0.9, "unit": "m", "strength": "应"}
    return ExtractedRule(**{**base, **changes})


def test_rules_that_agree_with_the_text_pass():
    assert check_rule(rule(), TEXT) is None
    assert check_rule(rule(object="走道", attribute="长度", operator="<=", value=20, strength="宜"), TEXT) is None
    assert check_rule(rule(object="墙", attribute="采用", operator="==", value="不燃材料", unit=None), TEXT) is None
    # the comparator of the first value holds for the elliptic second one (和1.50h的楼板)
    assert check_rule(rule(object="楼板", attribute="耐火极限", value=1.5, unit="h"), TEXT) is None
    # pint: mm is a length, min a time
    assert check_rule(rule(value=900, unit="mm"), "门的净宽度不应小于900mm。") is None
    assert check_rule(rule(attribute="耐火极限", value=90, unit="min"), "门的耐火极限不应低于90min。") is None


def test_a_reversed_operator_fails_the_operator_gate():
    failure = check_rule(rule(operator="<="), TEXT)
    assert failure.gate == "operator"
    assert failure.message == "原文在 0.9 前的比较词表示 >=，规则却是 <="
    assert failure.rule["operator"] == "<="
    missing = check_rule(rule(value=3, operator=">="), "档案室的门为3个。")
    assert missing.message == "原文在 3 前的比较词表示 ==，规则却是 >="


def test_a_value_the_text_never_wrote_fails_the_value_gate():
    assert check_rule(rule(value=1.2), TEXT).message == "数值 1.2 不在原文中"
    assert check_rule(rule(attribute="采用", operator="==", value="甲级防火门", unit=None), TEXT).message \
        == "值“甲级防火门”不在原文中"


def test_a_unit_of_the_wrong_dimension_fails_the_unit_gate():
    assert check_rule(rule(unit="h"), TEXT).message == "属性“净宽度”的量纲是 length，单位 h 是 time"
    assert check_rule(rule(unit=None), TEXT).message == "属性“净宽度”需要单位，规则的数值 0.9 没有单位"
    assert check_rule(rule(attribute="耐火极限", value=2.0, unit="m"), TEXT).gate == "unit"


def test_conditions_are_gated_too():
    bad = rule(conditions=[Condition(object="档案室", attribute="建筑面积", operator=">", value=0.9, unit="m2")])
    failure = check_rule(bad, TEXT)
    assert failure.gate == "operator" and failure.message.startswith("条件 建筑面积: ")


def test_apply_gates_keeps_the_good_rules_and_reports_the_bad():
    result = ExtractionResult(id="1", text=TEXT, rules=[rule(), rule(operator="<")])
    gated = apply_gates(result)
    assert [r.operator for r in gated.rules] == [">="]
    assert [(f.gate, f.rule["operator"]) for f in gated.gate_failures] == [("operator", "<")]
    assert gated.to_json_dict()["gate_failures"][0]["message"] == "原文在 0.9 前的比较词表示 >=，规则却是 <"
