"""Every rule of the built-in GB 50016 pack, checked against hand-written cases (tests/rule_cases.py):
a pass, a fail, the exact threshold and a missing fact for each, table cells, modifiers and
exceptions; plus the 5.1.1 classification at its boundaries, and why() restating each finding.

A case with `xfail` is a bug report (strict: it fails until the checker or pack is fixed, then
must be turned into an ordinary case); it does not count as coverage."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from graph.pack import load_builtin_pack
from reasoning.checker import CompiledRuleSet, check
from reasoning.design import parse_design
from reasoning.why import why

try:  # tests/ may or may not become a package
    from . import rule_cases
except ImportError:
    import rule_cases

BUILDING_ID = rule_cases.BUILDING_ID
CASES = rule_cases.CASES
CLASS_CASES = rule_cases.CLASS_CASES
NOT_PERMITTED = rule_cases.NOT_PERMITTED
RuleCase = rule_cases.RuleCase

RULE_SET = load_builtin_pack()
COMPILED = CompiledRuleSet(RULE_SET)
PACK_RULE_IDS = [rule.id for rule in RULE_SET.rules]


def _param(c: RuleCase):
    marks = [pytest.mark.xfail(strict=True, reason=c.xfail)] if c.xfail else []
    return pytest.param(c, id=c.name, marks=marks)


# A missing fact is named by its path alone: `building.<key>` for the building's facts (never by
# the building's id), `<ID>.<key>` for an element's.
FACT_PATH = re.compile(r"^[^.\s（]+\.[a-z0-9_]+$")


def _finding(c: RuleCase):
    report = check(parse_design(c.design), COMPILED)
    found = [f for f in report.findings if f.rule_id == c.rule_id and f.element_id == c.element]
    assert len(found) == 1, (
        f"expected one finding for {c.rule_id} on {c.element}, got {len(found)}; "
        f"rules that ran: {sorted({f.rule_id for f in report.findings})}")
    return found[0]


@pytest.mark.parametrize("c", [_param(c) for c in CASES])
def test_rule_case(c: RuleCase) -> None:
    finding = _finding(c)
    detail = f"{finding.status}: {finding.message} | because: {finding.because}"
    assert finding.status == c.status, detail
    if c.status == "unknown":
        missing = finding.missing_facts
        assert all(FACT_PATH.match(m) for m in missing), f"not bare fact paths: {missing}"
        assert c.missing in missing, f"missing_facts {finding.missing_facts}; {detail}"
        assert not any(m.startswith(f"{BUILDING_ID}.") for m in missing), (
            f"building facts are named building.<key>: {finding.missing_facts}")
    if c.required is not None and c.status in ("pass", "fail"):
        if c.required == NOT_PERMITTED:
            assert finding.required is None, detail
        else:
            assert finding.required is not None, detail
            got = finding.required.value
            if isinstance(c.required, str):
                assert got == c.required, detail
            else:
                assert got == pytest.approx(c.required, abs=1e-6), detail


# --- coverage of the pack by the cases ------------------------------------------------------


def _by_rule() -> dict[str, list[RuleCase]]:
    grouped: dict[str, list[RuleCase]] = defaultdict(list)
    for c in CASES:
        if not c.xfail:  # a bug report does not count as coverage
            grouped[c.rule_id].append(c)
    return grouped


@pytest.mark.parametrize("rule_id", PACK_RULE_IDS)
def test_every_rule_has_pass_fail_unknown_and_boundary_cases(rule_id: str) -> None:
    cases = _by_rule().get(rule_id, [])
    statuses = {c.status for c in cases}
    for status in ("pass", "fail", "unknown"):
        assert status in statuses, f"{rule_id}: no '{status}' case in tests/rule_cases.py"
    assert any(c.boundary for c in cases), f"{rule_id}: no case exactly at a threshold"


# why() restates a rule's finding as a chain and must never disagree with the report.
_WHY_BUGS: dict[str, str] = {}


def _why_param(rule_id: str):
    bug = _WHY_BUGS.get(rule_id)
    marks = [pytest.mark.xfail(strict=True, raises=AttributeError, reason=bug)] if bug else []
    return pytest.param(rule_id, id=rule_id, marks=marks)


@pytest.mark.parametrize("rule_id", [_why_param(r) for r in PACK_RULE_IDS])
def test_why_agrees_with_the_checker_on_every_case(rule_id: str) -> None:
    for c in _by_rule().get(rule_id, []):
        result = why(parse_design(c.design), COMPILED, c.element, rule_id=c.rule_id)
        assert [r.status for r in result.rules] == [_finding(c).status], c.name


def test_cases_name_only_rules_that_exist() -> None:
    unknown = sorted({c.rule_id for c in CASES} - set(PACK_RULE_IDS))
    assert not unknown, f"cases for rules not in the pack: {unknown}"


def test_case_names_are_unique() -> None:
    names = [c.name for c in CASES]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, duplicates


def test_unknown_cases_name_the_missing_fact() -> None:
    assert all(c.missing for c in CASES if c.status == "unknown")
    # the building's own facts are spelled building.<key>, never by the building's id
    assert not [c.name for c in CASES if c.missing and c.missing.startswith(f"{BUILDING_ID}.")]


def test_the_pack_still_has_the_rules_these_cases_were_written_for() -> None:
    # A rule dropped from the pack would silently lose its cases' meaning.
    assert len(PACK_RULE_IDS) >= 74


# The modal word of each clause, from the standard: 7.1.8 第4、5款 say 不宜; every other rule here
# comes from a 应 / 不应 clause.
SHOULD_RULES = {"7.1.8#fire-lane-slope", "7.1.8#fire-lane-edge-to-wall"}


@pytest.mark.parametrize("rule", RULE_SET.rules, ids=lambda r: r.id)
def test_rule_strength_and_clause(rule) -> None:
    short = rule.id.removeprefix(rule_cases.PREFIX)
    assert rule.strength == ("宜" if short in SHOULD_RULES else "应")
    assert short.split("#")[0] == rule.clause


# --- 5.1.1 classification at its boundaries ------------------------------------------------


@pytest.mark.parametrize("c", [pytest.param(c, id=c.name) for c in CLASS_CASES])
def test_classification(c) -> None:
    report = check(parse_design(rule_cases.design(c.building)), COMPILED)
    category = report.classification.category
    if c.category.endswith("…"):
        assert category.startswith(c.category[:-1]), category
    else:
        assert category == c.category, f"{category}; because {report.classification.because}"


def test_unknown_classification_names_the_missing_input() -> None:
    b = rule_cases.public_highrise("商店", max_storey_area_above_24m_m2=None)
    category = check(parse_design(rule_cases.design(b)), COMPILED).classification.category
    assert category.startswith("未能确定")
    assert "building.max_storey_area_above_24m_m2" in category
    b = rule_cases.residential(None)
    category = check(parse_design(rule_cases.design(b)), COMPILED).classification.category
    assert "building.height_m" in category
