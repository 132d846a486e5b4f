"""The docs say what the code does: checked here so they cannot drift apart."""

from __future__ import annotations

import re
from pathlib import Path

from graph.pack import builtin_pack_text, load_builtin_pack

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def _facts_read_by_pack() -> set[str]:
    """Every design key that a rule of the built-in pack reads (attribute or condition fact), or
    that the 5.1.1 classification reads."""
    classify_source = (REPO / "reasoning" / "classify.py").read_text(encoding="utf-8")
    keys: set[str] = set(re.findall(r'building\.get\("([a-z0-9_]+)"\)', classify_source))
    for rule in load_builtin_pack().rules:
        keys.add(rule.attribute)
        conditions = list(rule.applies_when)
        for exception in rule.unless:
            conditions += exception.when
        for modifier in rule.modifiers:
            conditions += modifier.when
        if rule.table:
            for case in rule.table.cases:
                conditions += case.when
        if rule.per:
            keys.add(rule.per.fact.split(".", 1)[1])
        if rule.value_fact:
            keys.add(rule.value_fact.split(".", 1)[1])
        for test in conditions:
            for cond in getattr(test, "any", [test]):  # AnyOf groups hold several conditions
                keys.add(cond.fact.split(".", 1)[1])
    return keys


def test_every_extra_design_key_in_the_architecture_notes_is_read_by_a_rule():
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Extra design keys", 1)[1].split("##", 1)[0]
    documented = set(re.findall(r"`([a-z0-9_]+)`", section))
    unused = documented - _facts_read_by_pack()
    assert not unused, f"docs/architecture.md lists keys no rule reads: {sorted(unused)}"


def test_every_key_a_rule_reads_is_in_design_v1_or_the_architecture_notes():
    spec = (SHARED / "spec" / "design-v1.md").read_text(encoding="utf-8")
    notes = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    derived = {"kind", "high_rise", "class", "category", "underground", "type"}
    undocumented = {
        key for key in _facts_read_by_pack() - derived
        if f"`{key}`" not in notes and not re.search(rf"\b{key}\b", spec)
    }
    assert not undocumented, f"rules read keys documented nowhere: {sorted(undocumented)}"


def test_the_readme_names_every_clause_the_pack_checks():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    clauses = {rule.clause for rule in load_builtin_pack().rules}
    missing = {c for c in clauses if c not in readme}
    assert not missing, f"README's rule list lacks clauses {sorted(missing)}"


def test_the_pack_holds_no_sentence_of_the_standards_text():
    """The pack states facts in our own words: no run of 20 characters of any clause's text."""
    corpus = (SHARED / "corpus" / "GB50016-2014(2018)_full.txt").read_text(encoding="utf-8")
    corpus = re.sub(r"\s+", "", corpus)
    pack = re.sub(r"\s+", "", builtin_pack_text())
    window = 20
    shingles = {corpus[i:i + window] for i in range(len(corpus) - window)}
    copied = {pack[i:i + window] for i in range(len(pack) - window)} & shingles
    assert not copied, f"pack repeats the standard's text: {sorted(copied)[:3]}"
