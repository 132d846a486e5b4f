"""Explanations of failed findings: a template, or a model grounded in the clause and the
checker's `because` chain.

An explainer is the `reasoning.why.Explainer` callable the HTTP API injects:
`explainer(finding, context) -> str`, where `context` is an `ExplainContext` (clause title,
ingested clause text, classification). Here it may also be given the clause text alone, or
nothing. An explainer only writes `finding.explanation`; it never sees or changes a status:
`explain_report` copies the report and fills that one field of the failed findings.

`ModelExplainer` asks a chat backend (finetune.backends) and keeps the answer only if it is
grounded: it must not state a number that is absent from the facts it was given, must not
call the element compliant, and must cite the clause (a citation is appended when missing).
Otherwise, or when the model is unreachable, the template explanation is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from reasoning.checker import format_value
from reasoning.report import Finding, Report
from reasoning.rules import OPERATOR_WORDS, RuleSet
from reasoning.why import ExplainContext, Explainer, template_explanation

__all__ = ["Explainer", "ExplainContext", "TemplateExplainer", "ModelExplainer", "explain_report",
           "clause_contexts", "default_explainer"]

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CLAIMS_COMPLIANCE = re.compile(r"(?<!不)(?:符合(?:要求|规定|规范|该条|第)|满足要求|合格)")
MAX_CHARS = 400


def _context(context: ExplainContext | str | None) -> ExplainContext:
    if isinstance(context, ExplainContext):
        return context
    return ExplainContext(clause_text=context or None)


class TemplateExplainer:
    """The explanation without a model: reasoning.why's template."""

    name = "template"

    def __call__(self, finding: Finding, context: ExplainContext | str | None = None) -> str:
        return template_explanation(finding, _context(context))


def finding_facts(finding: Finding, context: ExplainContext) -> str:
    """Everything the model may use, as the user turn of the explanation prompt."""
    lines = [f"条文：{finding.standard} 第{finding.clause}条" + (f"（{context.clause_title}）" if context.clause_title else "")]
    lines.append(f"条文内容：{context.clause_text}" if context.clause_text else "条文内容：（未导入条文文本）")
    lines.append(f"构件：{finding.element_type} {finding.element_id}")
    lines.append("检查结论：不符合" if finding.status == "fail" else f"检查结论：{finding.status}")
    if finding.actual is not None:
        lines.append(f"实际值：{finding.attribute} = {format_value(finding.actual.value, finding.actual.unit)}")
    if finding.required is not None:
        want = OPERATOR_WORDS.get(finding.required.operator, (finding.required.operator, ""))[0]
        value = "—（不允许）" if finding.required.value is None else format_value(finding.required.value, finding.required.unit)
        lines.append(f"要求：{want} {value}（{finding.strength}）")
    if context.category:
        lines.append(f"建筑分类：{context.category}")
    lines.append("推理链：")
    lines += [f"{n}. {step}" for n, step in enumerate(finding.because, start=1)]
    lines.append(f"检查器的说明：{finding.message}")
    return "\n".join(lines)


def grounding_problem(text: str, facts: str, finding: Finding) -> str | None:
    """Why a model's explanation cannot be used, or None."""
    if not text.strip():
        return "空回答"
    allowed = {float(n) for n in _NUMBER.findall(facts)}
    invented = [n for n in _NUMBER.findall(text) if float(n) not in allowed]
    if invented:
        return f"出现推理链中没有的数值 {', '.join(invented[:3])}"
    if finding.status == "fail" and _CLAIMS_COMPLIANCE.search(text):
        return "与检查结论（不符合）矛盾"
    return None


class ModelExplainer:
    """A chat model's explanation of each failed finding; other statuses get the template."""

    name = "model"

    def __init__(self, backend, fallback: Explainer | None = None, max_new_tokens: int = 256):
        self.backend = backend
        self.fallback = fallback or TemplateExplainer()
        self.max_new_tokens = max_new_tokens
        self.last_problem: str | None = None  # why the last answer was not used (for tests, logs)

    def __call__(self, finding: Finding, context: ExplainContext | str | None = None) -> str:
        from finetune.backends import BackendError
        from finetune.prompts import explanation_messages

        context = _context(context)
        self.last_problem = None
        if finding.status != "fail":
            return self.fallback(finding, context)
        facts = finding_facts(finding, context)
        try:
            text = self.backend.chat(explanation_messages(facts), max_new_tokens=self.max_new_tokens)
        except BackendError as exc:
            self.last_problem = f"模型不可用：{exc}"
            return self.fallback(finding, context)
        text = " ".join(text.split())[:MAX_CHARS]
        problem = grounding_problem(text, facts, finding)
        if problem:
            self.last_problem = problem
            return self.fallback(finding, context)
        if finding.clause not in text:
            text += f"（依据 {finding.standard} 第{finding.clause}条）"
        return text


def default_explainer(backend=None) -> Explainer:
    """The model explainer when a backend is configured, else the template."""
    return ModelExplainer(backend) if backend is not None else TemplateExplainer()


def clause_contexts(report: Report, rule_set: RuleSet,
                    texts: Mapping[str, str]) -> dict[tuple[str, str], ExplainContext]:
    """One context per (standard, clause) of the report's findings. `texts` holds clause text
    by the graph's clause id ('GB50016-2014:5.5.18', as graph.browse.clause_texts returns it) or
    by the clause number alone."""
    titles = {c.number: c.title for c in rule_set.clauses}
    codes = {s.id: s.code for s in rule_set.standards}
    contexts: dict[tuple[str, str], ExplainContext] = {}
    for finding in report.findings:
        key = (finding.standard, finding.clause)
        if key not in contexts:
            text = texts.get(f"{codes.get(finding.standard, finding.standard)}:{finding.clause}") \
                or texts.get(finding.clause)
            contexts[key] = ExplainContext(clause_title=titles.get(finding.clause), clause_text=text,
                                           category=report.classification.category)
    return contexts


def explain_report(report: Report, explainer: Explainer,
                   contexts: Mapping[tuple[str, str], ExplainContext] | None = None,
                   only_failed: bool = True) -> Report:
    """A copy of the report with `explanation` on each failed finding (each finding, with
    only_failed=False); nothing else changes."""
    contexts = contexts or {}
    findings = []
    for finding in report.findings:
        if finding.status == "fail" or not only_failed:
            context = contexts.get((finding.standard, finding.clause)) \
                or ExplainContext(category=report.classification.category)
            finding = finding.model_copy(update={"explanation": explainer(finding, context)})
        findings.append(finding)
    return report.model_copy(update={"findings": findings})


def load_clause_texts(rule_set: RuleSet, store=None, corpus=None) -> dict[str, str]:
    """Clause text for explanations: what the store holds from a user's ingest (by graph clause
    id), then a corpus file (`--corpus`, by clause number), which wins where both have one."""
    texts: dict[str, str] = {}
    if store is not None:
        from graph import browse

        ids = [f"{s.code}:{c.number}" for s in rule_set.standards for c in rule_set.clauses]
        texts.update(browse.clause_texts(store, ids))
    if corpus is not None:
        from finetune.dataset import read_corpus

        texts.update({key.split(":", 1)[1]: text for key, text in read_corpus(corpus).items()})
    return texts


def render_explanations(report: Report) -> str:
    """The explanations of a report's failed findings, for the terminal."""
    lines = []
    for finding in report.sorted_findings():
        if finding.explanation:
            lines.append(f"[{finding.clause}] {finding.element_id}：{finding.explanation}")
    return "解释：\n" + "\n".join(lines) if lines else "（没有不符合项需要解释）"
