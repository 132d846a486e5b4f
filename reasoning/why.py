"""Why does a rule apply to an element? The applicability chain, as data.

`why(design, rules, element_id, clause=…)` (or `rule_id=…`) evaluates the rules of one clause on
one element, exactly as the checker does, and lays the reasoning out step by step: what the
element is (IS_A), what the building is by 5.1.1 and from which facts, which conditions of the
rule hold, which table cell or note sets the threshold, and the verdict. It also lists every fact
the rule reads, with its place in the design file.

Pure: no I/O. The checker's own evaluator is reused so the chain can never disagree with a
report. `template_explanation` is the default explainer: a Chinese paragraph built from a
finding's message, its because chain and the clause.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from pydantic import BaseModel, Field, PrivateAttr

from .checker import _MISSING, BUILDING_CONCEPT, CompiledRuleSet, _Evaluator, format_value
from .classify import STANDARD_CLAUSE, classify
from .design import Design, Part
from .report import Classification, Finding, ReportValue
from .rules import OPERATOR_WORDS, AnyOf, Condition, Rule, describe

_DERIVED_BUILDING = {"kind", "high_rise", "class", "category", "underground"}


# --- explanations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExplainContext:
    """What an explainer may use besides the finding: the clause's title and (ingested) text,
    and the building's classification."""

    clause_title: str | None = None
    clause_text: str | None = None
    category: str | None = None


class Explainer(Protocol):
    """Returns a Chinese explanation of one finding (template, or a model's answer)."""

    def __call__(self, finding: Finding, context: ExplainContext) -> str: ...


def template_explanation(finding: Finding, context: ExplainContext = ExplainContext()) -> str:
    title = f"（{context.clause_title}）" if context.clause_title else ""
    basis = f"依据 {finding.standard} 第{finding.clause}条{title}"
    steps = [s for s in finding.because if not s.startswith("缺少事实：")]
    parts = [finding.message]
    if finding.status == "unknown":
        missing = "、".join(finding.missing_facts) or "所需事实"
        parts.append(f"{basis}，需要补充设计数据：{missing}。")
    elif finding.status == "not_applicable":
        parts.append(f"{basis}，本构件不满足该条的适用条件。")
    else:
        parts.append(f"{basis}，该条适用于本构件，理由：{'；'.join(steps)}。")
    if context.category and finding.status != "not_applicable":
        parts.append(f"本建筑按第{STANDARD_CLAUSE}条分类为{context.category}。")
    if finding.status == "fail" and finding.required is not None:
        want = OPERATOR_WORDS.get(finding.required.operator, ("应满足", ""))[0]
        value = "—" if finding.required.value is None else \
            format_value(finding.required.value, finding.required.unit)
        strength = "（该条用词为“宜”，属推荐性要求）" if finding.strength == "宜" else ""
        parts.append(f"整改方向：使该项{want} {value}{strength}。")
    if context.clause_text:
        text = context.clause_text if len(context.clause_text) <= 200 else context.clause_text[:200] + "…"
        parts.append(f"条文：{text}")
    return "".join(parts)


# --- the chain -------------------------------------------------------------------------------


StepKind = Literal["element", "classification", "condition", "exception", "threshold",
                   "adjustment", "missing", "requirement"]


class WhyStep(BaseModel):
    kind: StepKind
    text: str
    source: str | None = Field(None, description="条文号、表号，或 design（来自设计数据）")
    derived_from: list[str] = Field(default_factory=list,
                                    description="该步所依赖的推导，如 5.1.1 分类的理由")


class FactUse(BaseModel):
    fact: str = Field(description="规则中的事实路径，如 building.height_m、element.clear_width_m")
    design_path: str | None = Field(description="设计文件中的位置，如 elements[3].clear_width_m；推导事实为 null")
    value: ReportValue = None
    stated: bool
    derived_by: str | None = None


class ConditionCheck(BaseModel):
    text: str
    fact: str
    holds: bool | None
    missing: list[str] = Field(default_factory=list)


class ClauseRef(BaseModel):
    number: str
    title: str = ""


class RuleWhy(BaseModel):
    rule_id: str
    standard: str
    clause: str
    title: str
    status: str
    applies: bool | None = Field(description="规则是否适用于该构件；null 表示缺少判断所需的事实")
    message: str
    because: list[str]
    chain: list[WhyStep]
    conditions: list[ConditionCheck]
    exceptions: list[ConditionCheck]
    facts: list[FactUse]
    references: list[ClauseRef]
    explanation: str | None = None
    _finding: Finding | None = PrivateAttr(None)

    @property
    def finding(self) -> Finding:
        """The report finding this restates (what an explainer is given)."""
        assert self._finding is not None
        return self._finding


class WhyResult(BaseModel):
    element_id: str
    element_type: str
    design_path: str
    classification: Classification
    derived_facts: dict[str, ReportValue]
    rules: list[RuleWhy]


class WhyError(ValueError):
    """The question cannot be answered: `field` names what is wrong; `not_found` tells a missing
    clause or rule apart from a mismatch with the design."""

    def __init__(self, field: str, message: str, not_found: bool = False):
        super().__init__(message)
        self.field = field
        self.message = message
        self.not_found = not_found


def why(design: Design, rules: CompiledRuleSet, element_id: str, clause: str | None = None,
        rule_id: str | None = None) -> WhyResult:
    if (clause is None) == (rule_id is None):
        raise WhyError("clause", "请给出 clause（条文号）或 rule_id 之一")
    element, path = _find_element(design, element_id)
    candidates = [r for r in rules.rule_set.rules
                  if (r.clause == clause if clause is not None else r.id == rule_id)]
    if not candidates:
        if clause is not None:
            raise WhyError("clause", f"规则库中没有第{clause}条的规则", not_found=True)
        raise WhyError("rule_id", f"规则库中没有规则 '{rule_id}'", not_found=True)
    applicable = {r.id for r in rules.rules_for(element.type)}
    chosen = [r for r in candidates if r.id in applicable]
    if not chosen:
        objects = "、".join(sorted({r.object for r in candidates}))
        what = f"第{clause}条" if clause is not None else f"规则 {rule_id}"
        raise WhyError("element_id", f"{what}约束的对象是{objects}，不适用于 {element.id}"
                                     f"（{element.type}）")

    derived = classify(design.building)
    evaluator = _Evaluator(design.building, derived, element, rules.taxonomy)
    titles = {c.number: c.title for c in rules.rule_set.clauses}
    explained = [_rule_why(rule, evaluator, element, path, derived.because, titles)
                 for rule in chosen]
    derived_values = {k: v for k, v in derived.values.items()
                      if isinstance(v, (str, bool, int, float))}
    return WhyResult(
        element_id=element.id, element_type=element.type, design_path=path,
        classification=Classification(category=derived.category, because=list(derived.because)),
        derived_facts=derived_values, rules=explained,
    )


def _find_element(design: Design, element_id: str) -> tuple[Part, str]:
    if design.building.id == element_id:
        return design.building, "building"
    for index, element in enumerate(design.elements):
        if element.id == element_id:
            return element, f"elements[{index}]"
    raise WhyError("element_id", f"设计中没有 id 为 '{element_id}' 的构件")


def _rule_why(rule: Rule, ev: _Evaluator, element: Part, path: str,
              classification: list[str], titles: dict[str, str]) -> RuleWhy:
    finding = ev.evaluate(rule)
    conditions = [_check(ev, c) for c in rule.applies_when]
    exceptions = []
    for exception in rule.unless:
        outcome = ev.all_of(exception.when)
        labels = "；".join(describe(c) for c in exception.when)
        exceptions.append(ConditionCheck(text=f"{exception.source}：{labels}",
                                         fact=", ".join(c.fact for c in _flat(exception.when)),
                                         holds=outcome.value, missing=list(outcome.missing)))
    applies = ev.all_of(rule.applies_when).value
    if applies and any(e.holds for e in exceptions):
        applies = False
    chain = [_step(rule, i, text, classification) for i, text in enumerate(finding.because)]
    if finding.required is not None and finding.status in ("pass", "fail"):
        want = OPERATOR_WORDS[rule.operator][0]
        chain.append(WhyStep(kind="requirement", source=rule.clause,
                             text=f"第{rule.clause}条：{rule.attribute_label}{want} "
                                  f"{format_value(finding.required.value, rule.unit)}"))
    references = [ClauseRef(number=n, title=titles.get(n, "")) for n in rule.references]
    result = RuleWhy(
        rule_id=rule.id, standard=rule.standard, clause=rule.clause, title=rule.title,
        status=finding.status, applies=applies, message=finding.message,
        because=list(finding.because), chain=chain, conditions=conditions,
        exceptions=exceptions, facts=_facts(rule, ev, element, path), references=references,
    )
    result._finding = finding
    return result


def _flat(tests: list[Condition | AnyOf]) -> list[Condition]:
    """The single conditions of a list of tests, OR groups opened."""
    return [c for test in tests for c in (test.any if isinstance(test, AnyOf) else [test])]


def _check(ev: _Evaluator, cond: Condition | AnyOf) -> ConditionCheck:
    outcome = ev.condition(cond)
    text = outcome.because or f"{describe(cond)}（缺少 {'、'.join(outcome.missing)}）"
    facts = ", ".join(c.fact for c in _flat([cond]))
    return ConditionCheck(text=text, fact=facts, holds=outcome.value, missing=list(outcome.missing))


def _step(rule: Rule, index: int, text: str, classification: list[str]) -> WhyStep:
    if index == 0:
        return WhyStep(kind="element", text=text, source="design")
    if text.startswith("缺少事实："):
        return WhyStep(kind="missing", text=text, source="design")
    if rule.table is not None and text.startswith(f"{rule.table.id}:"):
        derived = list(classification) if _table_uses_class(rule) else []
        return WhyStep(kind="threshold", text=text, source=rule.table.id, derived_from=derived)
    for modifier in rule.modifiers:
        if text.startswith(f"{modifier.source}:"):
            return WhyStep(kind="adjustment", text=text, source=modifier.source)
    for exception in rule.unless:
        if text.startswith(exception.source):
            return WhyStep(kind="exception", text=text, source=exception.source)
    if text.startswith("要求值取自") or (rule.per is not None and text.startswith(rule.per.label)):
        return WhyStep(kind="threshold", text=text, source=rule.clause)
    if f"({STANDARD_CLAUSE})" in text or f"{STANDARD_CLAUSE}）" in text:
        return WhyStep(kind="classification", text=text, source=STANDARD_CLAUSE,
                       derived_from=list(classification))
    return WhyStep(kind="condition", text=text, source="design")


def _table_uses_class(rule: Rule) -> bool:
    assert rule.table is not None
    return any(c.fact.startswith("building.") and c.fact.split(".", 1)[1] in _DERIVED_BUILDING
               for case in rule.table.cases for c in _flat(case.when))


def _rule_facts(rule: Rule) -> list[str]:
    facts: list[str] = [c.fact for c in _flat(rule.applies_when)]
    for exception in rule.unless:
        facts += [c.fact for c in _flat(exception.when)]
    if rule.table is not None:
        facts += [c.fact for case in rule.table.cases for c in _flat(case.when)]
    if rule.value_fact:
        facts.append(rule.value_fact)
    if rule.per is not None:
        facts.append(rule.per.fact)
    for modifier in rule.modifiers:
        facts += [c.fact for c in _flat(modifier.when)]
    facts.append(f"element.{rule.attribute}")
    return list(dict.fromkeys(facts))


def _facts(rule: Rule, ev: _Evaluator, element: Part, path: str) -> list[FactUse]:
    uses = []
    for fact in _rule_facts(rule):
        scope, key = fact.split(".", 1)
        value, _missing = ev.fact(fact)
        stated = value is not _MISSING
        shown = value if stated and isinstance(value, (str, bool, int, float, list)) else None
        if scope == "building" and key in _DERIVED_BUILDING:
            uses.append(FactUse(fact=fact, design_path=None, value=shown, stated=stated,
                                derived_by=STANDARD_CLAUSE))
        elif scope == "element" and key == "underground":
            uses.append(FactUse(fact=fact, design_path=f"{path}.storey", value=shown,
                                stated=stated, derived_by="storey"))
        else:
            where = "building" if scope == "building" or element.type == BUILDING_CONCEPT else path
            uses.append(FactUse(fact=fact, design_path=f"{where}.{key}", value=shown,
                                stated=stated))
    return uses
