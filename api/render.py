"""Reporters: one report, three renderings (JSON for machines, a terminal table, an HTML page)."""

from __future__ import annotations

import io
import json

from jinja2 import Environment, PackageLoader, select_autoescape
from rich.console import Console
from rich.table import Table

from reasoning.checker import format_value
from reasoning.report import STATUS_LABELS, Finding, Report

_STYLES = {"fail": "bold red", "unknown": "yellow", "pass": "green", "not_applicable": "dim"}


def _value(quantity: object) -> str:
    if quantity is None:
        return "—"
    value = getattr(quantity, "value", None)
    unit = getattr(quantity, "unit", None)
    text = "—（不允许）" if value is None else format_value(value, unit)
    operator = getattr(quantity, "operator", None)
    prefix = {">=": "≥ ", "<=": "≤ ", ">": "> ", "<": "< ", "==": "= ", "!=": "≠ "}.get(operator or "", "")
    return prefix + text


def render_json(report: Report) -> str:
    return json.dumps(report.to_json_dict(), ensure_ascii=False, indent=2)


def _shown(report: Report, show_all: bool) -> list[Finding]:
    return [f for f in report.sorted_findings() if show_all or f.status != "not_applicable"]


def render_text(report: Report, show_all: bool = False, width: int = 160) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=width, force_terminal=False, color_system=None)
    s = report.summary
    console.print(f"建筑 {report.building_id}：{report.classification.category}")
    for step in report.classification.because:
        console.print(f"  · {step}")
    console.print(
        f"规则集 {', '.join(report.rule_set.standards)}（{report.rule_set.rules} 条规则，版本 "
        f"{report.rule_set.version}）"
    )
    console.print(f"不符合 {s.fail}　缺少信息 {s.unknown}　符合 {s.pass_}　不适用 {s.not_applicable}")
    table = Table(show_lines=False, expand=False)
    for column in ("状态", "条文", "构件", "属性", "实际", "要求", "强度", "说明"):
        table.add_column(column, overflow="fold")
    for finding in _shown(report, show_all):
        table.add_row(
            STATUS_LABELS[finding.status], finding.clause, finding.element_id, finding.attribute,
            _value(finding.actual), _value(finding.required), finding.strength, finding.message,
            style=_STYLES[finding.status],
        )
    console.print(table)
    if not show_all and s.not_applicable:
        console.print(f"（另有 {s.not_applicable} 项不适用，使用 --all 显示）")
    if report.unmatched_elements:
        console.print("未匹配任何规则的构件：" + "、".join(report.unmatched_elements))
    return buffer.getvalue()


_env = Environment(loader=PackageLoader("api", "templates"), autoescape=select_autoescape())
_env.filters["value"] = _value


def render_html(report: Report) -> str:
    """A self-contained page: inline CSS, no scripts or assets fetched from anywhere."""
    groups = [(status, STATUS_LABELS[status], [f for f in report.findings if f.status == status])
              for status in ("fail", "unknown", "pass", "not_applicable")]
    return _env.get_template("report.html").render(report=report, groups=groups)
