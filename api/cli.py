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
    typer.Option("--store", help="规则库：LadybugDB 文件路径，bolt:// / neo4j:// 地址，或 neo4j（即 $NEO4J_URI）；默认 $FIRECHECK_STORE 或用户数据目录。"),
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
    explain: Annotated[bool, typer.Option("--explain", help="为不符合项附加中文解释（配置了模型时由模型撰写，见 docs/llm.md）")] = False,
) -> None:
    """检查一个设计文件，输出全部检查结果。"""
    design = read_design_file(file)
    rule_set = load_rule_set(store)
    report = check(design, rule_set)
    if explain:
        report = _explained(report, rule_set, store, corpus=None, llm=None)
    if format is ReportFormat.json:
        typer.echo(render_json(report))
    elif format is ReportFormat.html:
        typer.echo(render_html(report))
    else:
        typer.echo(render_text(report, show_all=show_all), nl=False)
        if explain:
            from .explain import render_explanations

            typer.echo(render_explanations(report))
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


@app.command("serve")
def serve_command(
    host: Annotated[str, typer.Option(help="监听地址；容器内用 0.0.0.0")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听端口")] = 8000,
    store: StoreOption = None,
) -> None:
    """启动 HTTP 接口与网页（uvicorn）。"""
    import uvicorn

    from .app import create_app
    from .settings import Settings

    try:
        settings = Settings.from_env(store=store)
    except ValueError as exc:
        _die(EXIT_INPUT, str(exc))
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info")


# --- LLM: fine-tuning commands and explanations (docs/llm.md) ---------------------------------

from finetune.cli import finetune_app  # noqa: E402  (cheap: no torch until a command runs)

app.add_typer(finetune_app, name="finetune")


def _explained(report, rule_set: RuleSet, store: str | None, corpus: Path | None, llm,
               only_failed: bool = True) -> Any:
    """The report with explanations on its failed (or, with only_failed=False, all) findings;
    statuses are never touched."""
    from finetune.backends import LLMOptions, backend_from_options

    from .explain import clause_contexts, default_explainer, explain_report, load_clause_texts

    target = _with_store(store)
    try:
        texts = load_clause_texts(rule_set, target, corpus)
    except StoreError as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(store)}）：{exc}")
    except ValueError as exc:  # an unreadable --corpus
        _die(EXIT_INPUT, str(exc))
    finally:
        target.close()
    explainer = default_explainer(backend_from_options(llm or LLMOptions()))
    return explain_report(report, explainer, clause_contexts(report, rule_set, texts), only_failed=only_failed)


@app.command("explain")
def explain_command(
    file: Annotated[Path, typer.Argument(help="设计参数 JSON 文件（design-v1）")],
    rule: Annotated[str | None, typer.Option(help="只解释该规则 id 的检查项")] = None,
    clause: Annotated[str | None, typer.Option(help="只解释该条文的检查项，如 5.5.18")] = None,
    element: Annotated[str | None, typer.Option(help="只解释该构件（id）的检查项")] = None,
    store: StoreOption = None,
    corpus: Annotated[Path | None, typer.Option(help="条文文本（clauses JSONL 或规范文本），用于解释中引用条文")] = None,
    llm_url: Annotated[str | None, typer.Option(help="OpenAI 兼容接口地址（如 http://127.0.0.1:8000/v1）；默认 $FIRECHECK_LLM_URL")] = None,
    llm_name: Annotated[str | None, typer.Option(help="接口上的模型名；默认 $FIRECHECK_LLM_NAME 或 chatglm3-6b")] = None,
    llm_model: Annotated[str | None, typer.Option(help="本地模型目录（转换后的 ChatGLM3）；默认 $FIRECHECK_LLM_MODEL")] = None,
    llm_adapter: Annotated[str | None, typer.Option(help="本地 LoRA 适配器目录；默认 $FIRECHECK_LLM_ADAPTER")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text 或 json")] = ReportFormat.text,
) -> None:
    """解释不符合项：依据条文和推理链写简短中文说明并注明条文号，不改变结论。

    未配置模型时用模板。给出 --rule/--clause/--element 时解释所选的检查项（任何状态）。"""
    from finetune.backends import LLMOptions

    design = read_design_file(file)
    rule_set = load_rule_set(store)
    report = check(design, rule_set)
    filtered = rule is not None or clause is not None or element is not None
    chosen = [f for f in report.findings
              if (rule is None or f.rule_id == rule) and (clause is None or f.clause == clause)
              and (element is None or f.element_id == element) and (filtered or f.status == "fail")]
    if not chosen and filtered:
        _die(EXIT_INPUT, "没有符合 --rule/--clause/--element 的检查项")
    options = LLMOptions(model=llm_model, adapter=llm_adapter, url=llm_url, name=llm_name)
    explained = _explained(report.model_copy(update={"findings": chosen}), rule_set, store, corpus, options,
                           only_failed=False)
    if format is ReportFormat.json:
        typer.echo(json.dumps([f.model_dump(mode="json") for f in explained.findings], ensure_ascii=False, indent=2))
    elif not explained.findings:
        typer.echo("没有不符合项。")
    else:
        for f in explained.findings:
            typer.echo(f"[{f.clause}] {f.element_id}（{f.status}）：{f.explanation}")


# --- ingest and extraction (docs/extraction.md) ------------------------------------------------

eval_app = typer.Typer(help="评估抽取器（按金标准计算精确率、召回率和 F1）。", no_args_is_help=True)
app.add_typer(eval_app, name="eval")


class ExtractFormat(str, Enum):
    jsonl = "jsonl"
    text = "text"


ExtractorOption = Annotated[str, typer.Option("--extractor", help="抽取器名称；rules 为确定性抽取器")]


def _extractor(name: str) -> Any:
    from extraction.registry import UnknownExtractor, get_extractor

    try:
        return get_extractor(name)
    except UnknownExtractor as exc:
        _die(EXIT_INPUT, str(exc))


@app.command("ingest")
def ingest_command(
    file: Annotated[Path, typer.Argument(help="规范全文（纯文本，UTF-8 或 GBK/GB18030）")],
    standard: Annotated[str, typer.Option("--standard", help="规范编号，如 \"GB 50016-2014(2018)\"")],
    store: StoreOption = None,
    extractor: ExtractorOption = "rules",
    no_rules: Annotated[bool, typer.Option("--no-rules", help="只导入条文，不抽取规则")] = False,
) -> None:
    """导入规范全文：条文、款、表格、注、引用，以及从每条条文抽取的规则（一个事务）。"""
    from extraction.parser import ParseError, parse_standard
    from extraction.text import InputError, read_text_file
    from graph.ingest import ingest_standard

    standard = standard.strip()
    if not standard:
        _die(EXIT_INPUT, "--standard 不能为空")
    try:
        parsed = parse_standard(read_text_file(file))
    except InputError as exc:
        _die(EXIT_INPUT, str(exc))
    except ParseError as exc:
        _die(EXIT_INPUT, f"{file}: {exc}")
    chosen = None if no_rules else _extractor(extractor)
    target = _with_store(store)
    try:
        stats = ingest_standard(target, parsed, standard, chosen)
    except StoreUnavailable as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(store)}）：{exc}")
    except StoreError as exc:
        _die(EXIT_STORE, f"导入失败，规则图保持原状：{exc}")
    finally:
        target.close()
    rules = (f"抽取规则 {stats.rules} 条（{chosen.name} {chosen.version}）" if chosen
             else "未抽取规则")
    typer.echo(f"已导入 {standard}：{stats.clauses} 条条文、{stats.items} 款、{stats.tables} 个表格、"
               f"{stats.notes} 条注、{stats.references} 处引用；{rules}；用时 {stats.seconds:.2f} s；"
               f"规则图现有 {stats.nodes} 个节点、{stats.edges} 条边。")
    if stats.duplicates_dropped:
        typer.echo(f"firecheck: 重复出现且内容相同的条文 {stats.duplicates_dropped} 条，只保留一次", err=True)
    if stats.gate_failures:
        typer.echo(f"firecheck: {stats.gate_failures} 条抽取的规则未通过质量检查，未写入：", err=True)
        for number, message in stats.failures[:20]:
            typer.echo(f"  {number}: {message}", err=True)


@app.command("extract")
def extract_command(
    input: Annotated[Path, typer.Option("--input", help="输入：每行一句的 .txt，或 JSON lines（id、text …）")],
    format: Annotated[ExtractFormat, typer.Option("--format", "-f", help="jsonl（extraction-v1）或 text")] = ExtractFormat.jsonl,
    extractor: ExtractorOption = "rules",
) -> None:
    """从条文或句子中抽取规则：每个输入行输出一行（extraction-v1），顺序不变。"""
    from extraction.inputs import read_records
    from extraction.registry import run_extractor
    from extraction.text import InputError

    try:
        records = read_records(input)
    except InputError as exc:
        _die(EXIT_INPUT, str(exc))
    chosen = _extractor(extractor)
    results = run_extractor(chosen, records)
    for result in results:
        if format is ExtractFormat.jsonl:
            typer.echo(json.dumps(result.to_json_dict(), ensure_ascii=False))
            continue
        typer.echo(f"[{result.id}] {result.text}")
        for rule in result.rules:
            unit = rule.unit or ""
            typer.echo(f"  {rule.strength} {rule.object} {rule.attribute} {rule.operator} {rule.value}{unit}")
        for failure in result.gate_failures:
            typer.echo(f"  ✗ {failure.gate}: {failure.message}")
    rules = sum(len(r.rules) for r in results)
    failed = sum(len(r.gate_failures) for r in results)
    typer.echo(f"firecheck: {len(results)} 行，抽取 {rules} 条规则（{chosen.name} {chosen.version}）"
               + (f"；{failed} 条未通过质量检查（见 gate_failures）" if failed else ""), err=True)


@eval_app.command("extract")
def eval_extract_command(
    gold: Annotated[Path, typer.Option("--gold", help="金标准：tests/gold 的 JSONL，或 zhouyc98 数据集目录")],
    extractor: ExtractorOption = "rules",
    text: Annotated[Path | None, typer.Option("--text", help="规范全文，供只有条文编号的金标准取条文文本")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text 或 json")] = ReportFormat.text,
    misses: Annotated[bool, typer.Option("--misses", help="列出每条未匹配的规则及原因")] = False,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", help="按条文有放回重抽样的次数，给出 F1 的 95% 区间（0 = 不计算，上限 100000）")] = 0,
    seed: Annotated[int, typer.Option("--seed", help="重抽样的随机种子")] = 0,
) -> None:
    """按三个层级给抽取器打分：operator+value、+attribute、+object（精确率、召回率、F1）。"""
    from extraction.gold import GoldError, load_gold
    from extraction.registry import run_extractor
    from extraction.scorer import bootstrap_f1, score

    if not 0 <= bootstrap <= 100_000:
        _die(EXIT_INPUT, f"--bootstrap 应在 0 到 100000 之间，收到 {bootstrap}")

    try:
        items = load_gold(gold, text)
    except GoldError as exc:
        _die(EXIT_INPUT, str(exc))
    chosen = _extractor(extractor)
    results = run_extractor(chosen, [(item.id, item.text) for item in items])
    result = score(items, results)
    data = {"extractor": chosen.name, "version": chosen.version, "gold": str(gold), **result.as_dict()}
    intervals = bootstrap_f1(result, bootstrap, seed) if bootstrap else {}
    for name, interval in intervals.items():
        data["levels"][name]["f1_ci95"] = list(interval)
    if intervals:
        data["bootstrap"] = {"samples": bootstrap, "seed": seed, "unit": "clause"}
    if format is ReportFormat.json:
        if misses:
            data["misses"] = [m.__dict__ for m in result.misses]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"抽取器 {chosen.name} {chosen.version}；金标准 {gold}：{result.items} 条，"
               f"{result.levels['operator+value'].gold} 条规则")
    typer.echo(f"{'层级':<16}{'精确率':>8}{'召回率':>8}{'F1':>8}" + ("   F1 95% 区间" if intervals else ""))
    for name, level in result.levels.items():
        band = f"   {intervals[name][0]:.3f}–{intervals[name][1]:.3f}" if intervals else ""
        typer.echo(f"{name:<18}{level.precision:>8.3f}{level.recall:>8.3f}{level.f1:>8.3f}{band}")
    if intervals:
        typer.echo(f"区间：按条文有放回重抽样 {bootstrap} 次（种子 {seed}）")
    causes = result.as_dict()["misses_by_cause"]
    if causes:
        typer.echo("未匹配（按原因）：" + "、".join(f"{k} {v}" for k, v in causes.items()))
    if misses:
        for miss in result.misses:
            typer.echo(f"  {miss.item} {miss.cause}: 金标准 {miss.gold or '—'} ｜ 抽取 {miss.predicted or '—'}")


@rules_app.command("diff")
def rules_diff_command(
    store: StoreOption = None,
    clause: Annotated[str | None, typer.Option(help="只比较该条文，如 5.5.18")] = None,
    extractor: Annotated[str | None, typer.Option("--extractor", help="只比较该抽取器的规则")] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="text 或 json")] = ReportFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="也列出一致的规则")] = False,
) -> None:
    """比较抽取的规则与规则包：按条文，以对象和属性配对，标出运算符或阈值不同之处。"""
    from graph.ingest import rules_diff

    target = _with_store(store)
    try:
        rows = rules_diff(target, clause=clause, extractor=extractor)
    except StoreError as exc:
        _die(EXIT_STORE, f"存储不可用（{resolve_location(store)}）：{exc}")
    finally:
        target.close()
    if format is ReportFormat.json:
        typer.echo(json.dumps([r.as_dict() for r in rows], ensure_ascii=False, indent=2))
        return
    marks = {"same": "=", "differs": "≠", "pack-only": "-", "extracted-only": "+"}
    current = None
    for row in rows:
        if row.status == "same" and not show_all:
            continue
        if row.clause != current:
            typer.echo(row.clause)
            current = row.clause
        typer.echo(f"  {marks[row.status]} {row.object} {row.attribute}：规则包 {row.pack or '—'} ｜ "
                   f"抽取 {row.extracted or '—'}")
    counts = {status: sum(1 for r in rows if r.status == status) for status in marks}
    typer.echo(f"一致 {counts['same']}，不同 {counts['differs']}，仅规则包 {counts['pack-only']}，"
               f"仅抽取 {counts['extracted-only']}")


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
