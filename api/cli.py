"""The `firecheck` command line.

Exit codes: 0 nothing failed; 1 a finding failed; 2 an input error (bad file, bad field, bad
option), with a message naming the file or field path and no traceback; 3 the store is
unavailable.
"""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from graph.open import ensure_builtin_pack, open_store, resolve_location
from graph.pack import PackError, load_builtin_pack, load_pack_file
from graph.store import RuleStore, StoreError, StoreUnavailable
from reasoning.checker import check
from reasoning.design import Design, DesignError, parse_design
from reasoning.rules import Rule, RuleSet, describe

from .render import render_html, render_json, render_text

EXIT_FAIL, EXIT_INPUT, EXIT_STORE = 1, 2, 3

app = typer.Typer(
    help="firecheck：按 GB 50016 等消防规范检查建筑设计参数。",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
rules_app = typer.Typer(help="查看规则包中的规则。", no_args_is_help=True)
graph_app = typer.Typer(help="管理规则图（导入、导出）。", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.add_typer(graph_app, name="graph")

StoreOption = Annotated[
    str | None,
    typer.Option("--store", help="规则库：LadybugDB 文件路径，或 bolt:// / neo4j:// 地址；默认 $FIRECHECK_STORE 或用户数据目录。"),
]


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    html = "html"


class ExportFormat(str, Enum):
    json = "json"
    cypher = "cypher"


def _die(code: int, message: str) -> NoReturn:
    typer.echo(f"firecheck: {message}", err=True)
    raise typer.Exit(code)


def read_design_file(path: Path) -> Design:
    """Read and validate a design file; input errors exit 2 naming the file or field."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        _die(EXIT_INPUT, f"{path}: 文件不存在")
    except OSError as exc:
        _die(EXIT_INPUT, f"{path}: 无法读取（{exc.strerror}）")
    try:
        data = json.loads(raw)
    except UnicodeDecodeError:
        _die(EXIT_INPUT, f"{path}: 不是 UTF-8 编码的 JSON 文件")
    except json.JSONDecodeError as exc:
        _die(EXIT_INPUT, f"{path}: 不是合法的 JSON（第 {exc.lineno} 行第 {exc.colno} 列：{exc.msg}）")
    try:
        return parse_design(data)
    except DesignError as exc:
        lines = "\n".join(f"  {field}: {message}" for field, message in exc.problems)
        _die(EXIT_INPUT, f"{path}: 设计数据有误：\n{lines}")


def _with_store(location: str | None) -> RuleStore:
    try:
        store = open_store(location)
        ensure_builtin_pack(store)
        return store
    except StoreUnavailable as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(location)}）：{exc}")
    except StoreError as exc:
        _die(EXIT_STORE, f"存储出错（{resolve_location(location)}）：{exc}")


def load_rule_set(location: str | None) -> RuleSet:
    store = _with_store(location)
    try:
        return store.load_rule_set()
    except StoreError as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(location)}）：{exc}")
    finally:
        store.close()


@app.command("check")
def check_command(
    file: Annotated[Path, typer.Argument(help="设计参数 JSON 文件（design-v1）")],
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="输出格式")] = ReportFormat.text,
    store: StoreOption = None,
    show_all: Annotated[bool, typer.Option("--all", help="文本/HTML 中也列出不适用的条目")] = False,
) -> None:
    """检查一个设计文件，输出全部检查结果。"""
    design = read_design_file(file)
    report = check(design, load_rule_set(store))
    if format is ReportFormat.json:
        typer.echo(render_json(report))
    elif format is ReportFormat.html:
        typer.echo(render_html(report))
    else:
        typer.echo(render_text(report, show_all=show_all), nl=False)
    raise typer.Exit(EXIT_FAIL if report.summary.fail else 0)


def _threshold(rule: Rule) -> str:
    unit = f" {rule.unit}" if rule.unit else ""
    if rule.value is not None:
        return f"{rule.operator} {rule.value}{unit}"
    if rule.value_fact is not None:
        return f"{rule.operator} {rule.value_fact}"
    assert rule.table is not None
    return f"{rule.operator} {rule.table.id}（{len(rule.table.cases)} 格）"


@rules_app.command("list")
def rules_list(
    store: StoreOption = None,
    clause: Annotated[str | None, typer.Option(help="只列出该条文的规则，如 5.5.18")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
) -> None:
    """列出规则包中的规则。"""
    rules = [r for r in load_rule_set(store).rules if clause is None or r.clause == clause]
    if format is ReportFormat.json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rules], ensure_ascii=False, indent=2))
        return
    for rule in sorted(rules, key=lambda r: (_clause_sort_key(r.clause), r.id)):
        typer.echo(f"{rule.clause:<8} {rule.strength} {rule.object:<8} {rule.attribute:<24} "
                   f"{_threshold(rule):<24} {rule.title}  [{rule.id}]")
    typer.echo(f"共 {len(rules)} 条规则")


def _clause_sort_key(clause: str) -> tuple:
    parts = []
    for piece in clause.split("."):
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append((int(digits or 0), piece))
    return tuple(parts)


def _describe(rule: Rule) -> str:
    def conds(conditions: list) -> str:
        return "；".join(describe(c) for c in conditions) or "（无）"

    lines = [
        f"{rule.id}",
        f"  {rule.standard} 第{rule.clause}条：{rule.title}",
        f"  对象 {rule.object}　属性 {rule.attribute}（{rule.attribute_label}）　强度 {rule.strength}",
        f"  要求 {_threshold(rule)}",
    ]
    if rule.applies_when:
        lines.append(f"  适用条件：{conds(rule.applies_when)}")
    for exception in rule.unless:
        lines.append(f"  除外（{exception.source}）：{conds(exception.when)}")
    if rule.per:
        lines.append(f"  按 {rule.per.label} 计")
    if rule.table:
        for case in rule.table.cases:
            value = "—（不允许）" if case.value is None else f"{case.value}{' ' + rule.unit if rule.unit else ''}"
            lines.append(f"    {rule.table.id} {case.cell}: {value}")
    for modifier in rule.modifiers:
        effect = f"×{modifier.factor:g}" if modifier.factor is not None else f"{modifier.add:+g} {rule.unit or ''}"
        lines.append(f"  调整（{modifier.source}）：{conds(modifier.when)} → {effect}")
    if rule.references:
        lines.append(f"  引用：{'、'.join(rule.references)}")
    return "\n".join(lines)


@rules_app.command("show")
def rules_show(
    key: Annotated[str, typer.Argument(help="条文号（如 5.5.18）或规则 id")],
    store: StoreOption = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f")] = ReportFormat.text,
) -> None:
    """显示一条条文下的全部规则（或一条规则）的完整内容。"""
    rules = [r for r in load_rule_set(store).rules if r.clause == key or r.id == key]
    if not rules:
        _die(EXIT_INPUT, f"规则包中没有条文或规则 '{key}'（用 firecheck rules list 查看）")
    if format is ReportFormat.json:
        typer.echo(json.dumps([r.model_dump(mode="json") for r in rules], ensure_ascii=False, indent=2))
        return
    typer.echo("\n\n".join(_describe(rule) for rule in rules))


@graph_app.command("load")
def graph_load(
    store: StoreOption = None,
    pack: Annotated[Path | None, typer.Option(help="规则包 YAML 文件；默认内置的 GB 50016 规则包")] = None,
) -> None:
    """把规则包导入规则图（一个事务；重复导入结果不变）。"""
    try:
        rule_set = load_pack_file(pack) if pack else load_builtin_pack()
    except PackError as exc:
        _die(EXIT_INPUT, str(exc))
    try:
        with open_store(store) as target:
            stats = target.import_rule_set(rule_set)
    except StoreUnavailable as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(store)}）：{exc}")
    except StoreError as exc:
        _die(EXIT_STORE, f"导入失败，规则图保持原状：{exc}")
    typer.echo(f"已导入 {len(rule_set.rules)} 条规则（{stats.rows} 行，{stats.seconds:.2f} s）；"
               f"规则图现有 {stats.nodes} 个节点、{stats.edges} 条边。")


def _cypher_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    # A JSON string is a valid Cypher string literal (same escapes), so quoting is exact.
    return json.dumps(str(value), ensure_ascii=False)


def export_cypher(data: dict) -> str:
    from graph.schema import NODES

    lines = []
    for label, rows in data["nodes"].items():
        key = NODES[label][0]
        for row in rows:
            props = ", ".join(f"{k}: {_cypher_literal(v)}" for k, v in row.items() if v is not None)
            lines.append(f"MERGE (n:{label} {{{key}: {_cypher_literal(row[key])}}}) SET n += {{{props}}};")
    for kind, rows in data["edges"].items():
        for row in rows:
            src, dst = row["from_label"], row["to_label"]
            lines.append(
                f"MATCH (a:{src} {{{NODES[src][0]}: {_cypher_literal(row['src'])}}}), "
                f"(b:{dst} {{{NODES[dst][0]}: {_cypher_literal(row['dst'])}}}) MERGE (a)-[:{kind}]->(b);")
    return "\n".join(lines)


@graph_app.command("export")
def graph_export(
    store: StoreOption = None,
    format: Annotated[ExportFormat, typer.Option("--format", "-f")] = ExportFormat.json,
) -> None:
    """导出规则图的全部节点和边（JSON，或可在 Neo4j 中执行的 Cypher）。"""
    target = _with_store(store)
    try:
        data = target.export()
    except StoreError as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(store)}）：{exc}")
    finally:
        target.close()
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2) if format is ExportFormat.json
               else export_cypher(data))


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except StoreError as exc:
        typer.echo(f"firecheck: 存储出错：{exc}", err=True)
        sys.exit(EXIT_STORE)
    except Exception as exc:  # a bug: say what happened, never show a traceback to a user
        typer.echo(f"firecheck: 内部错误（{type(exc).__name__}）：{exc}", err=True)
        sys.exit(70)
