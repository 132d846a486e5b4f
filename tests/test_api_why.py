"""reasoning.why agrees with the checker: for every element of every example design and every
rule that applies to its type, the why-answer restates the report's finding (status, message,
because chain), and every step and fact is laid out without error."""

from __future__ import annotations

import json

import pytest
from test_api_fixtures import EXAMPLES

from graph.pack import load_builtin_pack
from reasoning.checker import CompiledRuleSet, check
from reasoning.design import parse_design
from reasoning.why import ExplainContext, WhyError, template_explanation, why

RULES = CompiledRuleSet(load_builtin_pack())
DESIGNS = sorted(EXAMPLES.glob("*.design.json"))


@pytest.mark.parametrize("path", DESIGNS, ids=[p.name.split(".")[0] for p in DESIGNS])
def test_why_restates_every_finding(path):
    design = parse_design(json.loads(path.read_text(encoding="utf-8")))
    report = check(design, RULES)
    findings = {(f.rule_id, f.element_id): f for f in report.findings}
    seen = 0
    for element in [design.building, *design.elements]:
        for clause in sorted({r.clause for r in RULES.rules_for(element.type)}):
            result = why(design, RULES, element.id, clause=clause)
            assert result.classification == report.classification
            for item in result.rules:
                finding = findings[(item.rule_id, element.id)]
                assert (item.status, item.message, item.because) == \
                    (finding.status, finding.message, finding.because)
                assert [s.text for s in item.chain][:len(finding.because)] == finding.because
                assert item.applies is not False or finding.status == "not_applicable"
                assert template_explanation(item.finding, ExplainContext()).startswith(finding.message)
                seen += 1
    assert seen == len(report.findings)


def test_why_errors_name_the_field():
    design = parse_design(json.loads(DESIGNS[0].read_text(encoding="utf-8")))
    with pytest.raises(WhyError) as caught:
        why(design, RULES, "ST-1")
    assert (caught.value.field, caught.value.message) == ("clause", "请给出 clause（条文号）或 rule_id 之一")
    with pytest.raises(WhyError) as caught:
        why(design, RULES, "nobody", clause="5.5.12")
    assert caught.value.field == "element_id" and not caught.value.not_found
    with pytest.raises(WhyError) as caught:
        why(design, RULES, design.building.id, rule_id="nope")
    assert caught.value.not_found
