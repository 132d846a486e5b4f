"""One report, three renderings (api/render.py): JSON keeps report-v1's shape, the terminal
table lists failures first, and the HTML page is self-contained and escapes what the design
says."""

from __future__ import annotations

import json
import re

import pytest

from api.render import render_html, render_json, render_text
from graph.pack import load_builtin_pack
from reasoning.checker import CompiledRuleSet, check
from reasoning.design import parse_design

# A five-storey office: a 1.00 m corridor fails 5.5.18 (≥ 1.10 m), a stair without its
# fire-resistance facts is unknown for 5.1.2, a door passes, a flower bed is unmatched.
DESIGN = {
    "schema_version": "1",
    "building": {"id": "B-R", "name": "渲染测试楼", "use": "办公", "height_m": 18,
                 "storeys_above": 5, "storeys_below": 0, "fire_resistance_grade": "二级",
                 "sprinklers": True, "fire_elevators": 0},
    "elements": [
        {"id": "C-1", "type": "疏散走道", "clear_width_m": 1.0, "layout": "双面布房"},
        {"id": "ST-1", "type": "疏散楼梯", "clear_width_m": 1.2, "enclosure": "封闭楼梯间"},
        {"id": "D-1", "type": "房间疏散门", "clear_width_m": 1.0, "position": "两个安全出口之间",
         "evacuation_distance_m": 30},
        {"id": "BED-1", "type": "花坛"},
    ],
}

REPORT_V1_FINDING_KEYS = {"rule_id", "standard", "clause", "element_id", "status", "strength",
                          "attribute", "actual", "required", "because", "message"}


@pytest.fixture(scope="module")
def compiled() -> CompiledRuleSet:
    return CompiledRuleSet(load_builtin_pack())


@pytest.fixture(scope="module")
def report(compiled):
    return check(parse_design(DESIGN), compiled)


def _table_statuses(text: str) -> list[str]:
    return [line.split("│")[1].strip() for line in text.splitlines()
            if re.match(r"^│ (不符合|缺少信息|符合|不适用)\s", line)]


# --- JSON -----------------------------------------------------------------------------------


def test_json_has_every_field_of_report_v1(report):
    """Top-level keys, rule_set, classification, summary (with `pass`, not `pass_`) and each
    finding's keys are those report-v1 promises."""
    data = json.loads(render_json(report))
    assert {"schema_version", "building_id", "rule_set", "classification", "summary", "findings",
            "unmatched_elements"} <= set(data)
    assert data["schema_version"] == "1" and data["building_id"] == "B-R"
    assert set(data["rule_set"]) >= {"standards", "rules", "version"}
    assert data["rule_set"]["standards"] == ["GB 50016-2014(2018)"]
    assert set(data["classification"]) >= {"category", "because"}
    assert set(data["summary"]) == {"fail", "pass", "not_applicable", "unknown"}
    assert sum(data["summary"].values()) == len(data["findings"])
    for f in data["findings"]:
        assert REPORT_V1_FINDING_KEYS <= set(f), f["rule_id"]
    assert data["unmatched_elements"] == ["BED-1"]


def test_json_keeps_chinese_text_readable_and_values_with_units(report):
    """ensure_ascii is off (疏散走道 appears as is) and the failing corridor's actual and required
    values are {value, unit} objects in metres."""
    text = render_json(report)
    assert "疏散走道 C-1 净宽度 1.00 m，小于第5.5.18条要求的 1.10 m。" in text
    (fail,) = [f for f in json.loads(text)["findings"] if f["status"] == "fail"]
    assert fail["actual"] == {"value": 1.0, "unit": "m"}
    assert fail["required"] == {"operator": ">=", "value": 1.1, "unit": "m"}
    assert fail["strength"] == "应" and fail["attribute"] == "clear_width"


# --- text -----------------------------------------------------------------------------------


def test_text_starts_with_the_building_its_classification_and_the_counts(report):
    """Header lines: building and category, the 5.1.1 reasons, the rule set, the counts."""
    lines = render_text(report).splitlines()
    assert lines[0] == "建筑 B-R：单、多层公共建筑"
    assert lines[1] == "  · 5.1.1: 使用功能为办公，属公共建筑"
    s = report.summary
    assert f"不符合 {s.fail}　缺少信息 {s.unknown}　符合 {s.pass_}　不适用 {s.not_applicable}" in lines


def test_text_lists_failures_first_then_unknowns_then_passes(report):
    """Table rows ordered 不符合, 缺少信息, 符合; the failing corridor is the first row, with its
    values printed as 1.00 m and ≥ 1.10 m."""
    text = render_text(report)
    statuses = _table_statuses(text)
    assert statuses[0] == "不符合"
    assert statuses == sorted(statuses, key=["不符合", "缺少信息", "符合", "不适用"].index)
    assert {"不符合", "缺少信息", "符合"} <= set(statuses)
    first = next(line for line in text.splitlines() if line.startswith("│ 不符合"))
    assert "C-1" in first and "1.00 m" in first and "≥ 1.10 m" in first


def test_text_hides_not_applicable_rows_behind_a_count_unless_asked(report):
    """By default no 不适用 row, and a line says how many there are; show_all lists them all."""
    hidden = render_text(report)
    assert "不适用" not in _table_statuses(hidden)
    assert f"（另有 {report.summary.not_applicable} 项不适用，使用 --all 显示）" in hidden
    shown = render_text(report, show_all=True)
    assert _table_statuses(shown).count("不适用") == report.summary.not_applicable
    assert "使用 --all 显示" not in shown


def test_text_names_the_unmatched_elements(report):
    assert "未匹配任何规则的构件：BED-1" in render_text(report)


# --- HTML -----------------------------------------------------------------------------------


def test_html_is_one_self_contained_page(report):
    """A whole document with inline CSS, and nothing fetched: no http(s) URL, no src= or href=,
    no <script>, no <link>."""
    page = render_html(report)
    assert page.lower().startswith("<!doctype html>") and page.rstrip().endswith("</html>")
    assert "<style>" in page
    assert not re.search(r"https?://", page)
    assert not re.search(r"\b(src|href)\s*=", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()


def test_html_has_a_row_for_each_failure_with_its_message_and_reasons(report):
    """The 不符合 section holds exactly the failing findings, each row with its message and its
    because chain as a list."""
    page = render_html(report)
    fails = [f for f in report.findings if f.status == "fail"]
    assert f"不符合（{len(fails)}）" in page
    assert page.count('class="finding s-fail"') == len(fails)
    for f in fails:
        row = re.search(rf'data-rule="{re.escape(f.rule_id)}" data-element="{f.element_id}">'
                        r"(.*?)</tr>", page, re.S).group(1)
        assert f.message in row
        assert all(f"<li>{step}</li>" in row for step in f.because)


def test_html_puts_not_applicable_findings_in_a_collapsed_section(report):
    page = render_html(report)
    assert f"<details><summary>不适用（{report.summary.not_applicable}）</summary>" in page


def test_html_escapes_markup_written_in_the_design(compiled):
    """An element id and a building id with HTML in them appear as text, never as markup."""
    design = json.loads(json.dumps(DESIGN))
    design["building"]["id"] = "<b>楼</b>"
    design["elements"][0]["id"] = '<img src=x onerror="alert(1)">'
    page = render_html(check(parse_design(design), compiled))
    assert "<img" not in page and "<b>楼</b>" not in page
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "&lt;b&gt;楼&lt;/b&gt;" in page


def test_html_of_a_passing_design_has_no_failure_section(compiled):
    """With the corridor widened to 1.40 m nothing fails: no fail rows, no 不符合 heading."""
    design = json.loads(json.dumps(DESIGN))
    design["elements"][0]["clear_width_m"] = 1.4
    report = check(parse_design(design), compiled)
    assert report.summary.fail == 0
    page = render_html(report)
    assert 'class="finding s-fail"' not in page and '<h3 class="s-fail">' not in page
    assert '<span class="s-fail">不符合 0</span>' in page
