"""The worked examples of the design spec (shared/spec/examples) give exactly their expected
findings, through the pure core and through the `firecheck` command alike.

Each example is a `*.design.json` with a `*.expected.json` beside it: the 5.1.1 classification,
the exact set of failing (clause, element) pairs, and (clause, element) pairs that must pass.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from graph.pack import load_builtin_pack
from reasoning.checker import CompiledRuleSet, check
from reasoning.design import parse_design
from conftest import firecheck as run_firecheck

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"  # CI keeps a copy of shared/ beside the clone
EXAMPLES = SHARED / "spec" / "examples"
DESIGNS = sorted(EXAMPLES.glob("*.design.json"))


def _expected(design: Path) -> dict:
    return json.loads(design.with_name(design.name.replace(".design.json", ".expected.json"))
                      .read_text(encoding="utf-8"))


def _pairs(findings: list[dict], status: str) -> set[tuple[str, str]]:
    return {(f["clause"], f["element_id"]) for f in findings if f["status"] == status}


def _firecheck(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """The CLI in its own process, with exactly `env` (no inherited FIRECHECK_* / NEO4J_*)."""
    return run_firecheck(*args, env=env, inherit=False)


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleSet:
    return CompiledRuleSet(load_builtin_pack())


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory) -> dict[str, str]:
    """A private data directory and store, so the user's default store is never touched."""
    home = tmp_path_factory.mktemp("examples-home")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FIRECHECK_", "NEO4J_"))}
    env["XDG_DATA_HOME"] = str(home / "data")
    env["FIRECHECK_STORE"] = str(home / "rules.lbdb")
    return env


@pytest.fixture(scope="module")
def cli_reports(cli_env) -> dict[str, tuple[int, dict, str]]:
    """Each example checked once by the real command: (exit code, JSON report, stderr)."""
    reports = {}
    for design in DESIGNS:
        done = _firecheck("check", str(design), "--format", "json",
                          "--store", cli_env["FIRECHECK_STORE"], env=cli_env)
        report = json.loads(done.stdout) if done.stdout.strip() else {}
        reports[design.name] = (done.returncode, report, done.stderr)
    return reports


def test_the_three_worked_examples_are_there_to_be_checked():
    """The spec's examples are found beside the repository (three designs, each with its
    expectation); a missing shared/ must fail loudly rather than skip every example."""
    assert SHARED.is_dir(), f"expected the shared folder at {SHARED}"
    assert len(DESIGNS) == 3, [d.name for d in DESIGNS]
    for design in DESIGNS:
        assert {"classification", "fail", "pass"} <= set(_expected(design)), design.name


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.name.removesuffix(".design.json"))
def test_the_core_gives_exactly_the_expected_failures_classification_and_passes(design, compiled):
    """parse_design + check against the built-in pack: the fail set is exactly the expected one,
    the building is classified as expected, and every expected pass pair passes."""
    expected = _expected(design)
    report = check(parse_design(json.loads(design.read_text(encoding="utf-8"))), compiled)
    findings = report.to_json_dict()["findings"]
    assert _pairs(findings, "fail") == {tuple(p) for p in expected["fail"]}
    assert report.classification.category == expected["classification"]
    missing = {tuple(p) for p in expected["pass"]} - _pairs(findings, "pass")
    assert not missing, f"expected to pass but did not: {sorted(missing)}"
    assert report.summary.fail == len(expected["fail"])


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.name.removesuffix(".design.json"))
def test_the_cli_gives_the_same_failures_classification_and_passes_and_exits_1(
        design, cli_reports):
    """`firecheck check FILE --format json` (a real process, its own store): exit code 1 since
    each example fails somewhere, the same exact fail set, classification and pass pairs."""
    expected = _expected(design)
    code, report, stderr = cli_reports[design.name]
    assert code == 1, stderr
    assert "Traceback" not in stderr
    assert report["schema_version"] == "1"
    assert _pairs(report["findings"], "fail") == {tuple(p) for p in expected["fail"]}
    assert report["classification"]["category"] == expected["classification"]
    assert {tuple(p) for p in expected["pass"]} <= _pairs(report["findings"], "pass")
    assert report["summary"]["fail"] == len(expected["fail"])


@pytest.mark.parametrize("design", DESIGNS, ids=lambda p: p.name.removesuffix(".design.json"))
def test_rules_read_back_from_the_store_check_exactly_like_the_pack(design, compiled, cli_reports):
    """The CLI checks with the rules it loaded into and read back from its graph store; every
    finding (rule, element, status, required value) equals the core's with the pack itself."""
    def key(f: dict) -> tuple:
        return (f["rule_id"], f["element_id"], f["status"], json.dumps(f["required"], sort_keys=True),
                tuple(f["missing_facts"]))

    core = check(parse_design(json.loads(design.read_text(encoding="utf-8"))), compiled)
    _, report, _ = cli_reports[design.name]
    assert sorted(map(key, report["findings"])) == sorted(map(key, core.to_json_dict()["findings"]))
    assert report["summary"] == core.to_json_dict()["summary"]
    assert report["rule_set"]["rules"] == len(compiled.rule_set.rules)
