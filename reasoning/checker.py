"""The deterministic checker: `check(design, rule_set) -> Report`.

Every rule is evaluated on every element whose type IS_A the rule's object (the building itself is
the element of type 建筑). Facts are three-valued: a fact the design does not state is unknown,
and a finding that depends on it is `unknown` naming it, never a guess. Where a missing fact
cannot change the verdict (a compartment within the un-doubled limit passes whether or not it is
sprinklered) the verdict stands; the checker tries each possible value of the unknown modifiers
and decides only when all agree.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import product

from .classify import DerivedFacts, classify
from .design import COARSE_VALUES, ENUMS, ORDINALS, USES, Design, Part
from .report import (
    STATUS_LABELS, Actual, Classification, Finding, Report, Required, RuleSetInfo, Summary,
    construct,
)
from .rules import OPERATOR_WORDS, AnyOf, Case, Condition, Modifier, Rule, RuleSet, Table
from .units import attribute_name, unit_of_key

_EPS = 1e-9
_DERIVED = {"kind", "high_rise", "class", "category", "underground"}
# The values each derived fact can take, for reading a table when one is missing.
DERIVED_DOMAINS: dict[str, tuple[object, ...]] = {
    "kind": ("住宅建筑", "公共建筑"),
    "high_rise": (True, False),
    "class": ("一类", "二类", "单、多层"),
    "underground": (True, False),
}
_MISSING = object()
_NO_ROW = object()
BUILDING_CONCEPT = "建筑"


class Taxonomy:
    """Concept names, aliases and the IS_A closure, computed once per rule set."""

    def __init__(self, rule_set: RuleSet):
        self.parents = {c.name: list(c.parents) for c in rule_set.concepts}
        self.canonical: dict[str, str] = {}
        for concept in rule_set.concepts:
            self.canonical[concept.name] = concept.name
            for alias in concept.aliases:
                self.canonical[alias] = concept.name
        self._ancestors: dict[str, list[str]] = {}
        self._chains: dict[tuple[str, str], str] = {}

    def ancestors(self, name: str) -> list[str]:
        """The concept itself first, then every concept it IS_A, nearest first."""
        if name not in self._ancestors:
            seen: list[str] = []
            queue = [name]
            while queue:
                current = queue.pop(0)
                if current in seen:
                    continue
                seen.append(current)
                queue.extend(self.parents.get(current, []))
            self._ancestors[name] = seen
        return self._ancestors[name]

    def chain(self, type_name: str, target: str) -> str:
        """'户门 IS_A 疏散门': how an element's type reaches a rule's object (cached)."""
        key = (type_name, target)
        if key not in self._chains:
            if type_name == BUILDING_CONCEPT:
                text = BUILDING_CONCEPT
            else:
                concept = self.canonical.get(type_name, type_name)
                steps = self.path(concept, target)
                text = " IS_A ".join(steps) if len(steps) > 1 else concept
            self._chains[key] = text
        return self._chains[key]

    def path(self, name: str, target: str) -> list[str]:
        """IS_A steps from `name` up to `target`, e.g. 户门 → 疏散门."""
        if name == target:
            return [name]
        for parent in self.parents.get(name, []):
            rest = self.path(parent, target)
            if rest:
                return [name, *rest]
        return []


@dataclass(slots=True)
class _Outcome:
    """A three-valued truth: True, False, or None with the facts that are missing."""

    value: bool | None
    missing: tuple[str, ...] = ()
    because: str | None = None
    steps: tuple[str, ...] = ()  # the reasons of an AND that held, one per condition


class CompiledRuleSet:
    """A rule set indexed for checking: rules by concept, taxonomy closure cached. Build once,
    check many designs."""

    def __init__(self, rule_set: RuleSet):
        self.rule_set = rule_set
        self.taxonomy = Taxonomy(rule_set)
        self.by_object: dict[str, list[Rule]] = {}
        for rule in rule_set.rules:
            self.by_object.setdefault(rule.object, []).append(rule)
        self._rules_for_type: dict[str, list[Rule]] = {}
        self.info = RuleSetInfo(
            standards=[s.id for s in rule_set.standards],
            rules=len(rule_set.rules),
            version=rule_set.version,
        )

    def rules_for(self, type_name: str) -> list[Rule]:
        if type_name not in self._rules_for_type:
            concept = self.taxonomy.canonical.get(type_name)
            rules: list[Rule] = []
            if concept is not None:
                for ancestor in self.taxonomy.ancestors(concept):
                    rules.extend(self.by_object.get(ancestor, []))
            self._rules_for_type[type_name] = rules
        return self._rules_for_type[type_name]


_gc_lock = threading.Lock()
_gc_depth = 0
_gc_was_enabled = False


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a report is built.

    A large check allocates hundreds of thousands of small objects (findings, because-steps)
    that all stay alive in the report; the collector's full passes would walk them again and
    again for nothing (measured: a third of a 10,000-element check). Re-entrant and thread-safe:
    the collector resumes, as it was, when the last concurrent check ends."""
    global _gc_depth, _gc_was_enabled
    with _gc_lock:
        if _gc_depth == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _gc_depth += 1
    try:
        yield
    finally:
        with _gc_lock:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_was_enabled:
                gc.enable()


def check(design: Design, rule_set: RuleSet | CompiledRuleSet) -> Report:
    with _collector_paused():
        return _check(design, rule_set)


def _check(design: Design, rule_set: RuleSet | CompiledRuleSet) -> Report:
    compiled = rule_set if isinstance(rule_set, CompiledRuleSet) else CompiledRuleSet(rule_set)
    derived = classify(design.building)
    findings: list[Finding] = []
    unmatched: list[str] = []
    building_cache: dict[int, _Outcome] = {}
    for element in [design.building, *design.elements]:
        rules = compiled.rules_for(element.type)
        if not rules and element is not design.building:
            unmatched.append(element.id)
            continue
        evaluator = _Evaluator(design.building, derived, element, compiled.taxonomy, building_cache)
        findings.extend(evaluator.evaluate(rule) for rule in rules)

    counts = {"fail": 0, "pass": 0, "not_applicable": 0, "unknown": 0}
    for finding in findings:
        counts[finding.status] += 1
    return Report(
        building_id=design.building.id,
        rule_set=compiled.info,
        classification=Classification(category=derived.category, because=list(derived.because)),
        summary=Summary(**counts),
        findings=findings,
        unmatched_elements=unmatched,
    )


# --- evaluation of one rule on one element ---------------------------------------------------


def format_value(value: object, unit: str | None = None) -> str:
    """A value as reports print it: 1.20 m, 52 m, 二级, 是."""
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, (int, float)):
        # Whole numbers bare (52 m, 8 %), others to the centimetre as drawings give them (1.20 m).
        if float(value).is_integer() and not (unit == "m" and abs(value) < 10):
            text = f"{value:g}"
        else:
            # Centimetres as drawings give them (1.20 m), more digits only when they matter
            # (1.099 m must not print as the 1.10 m it fails).
            text = f"{value:.2f}" if round(value, 2) == round(value, 6) else f"{value:.6f}".rstrip("0")
    elif isinstance(value, list):
        text = "/".join(str(v) for v in value)
    else:
        text = str(value)
    return f"{text} {unit}" if unit and not isinstance(value, (bool, str, list)) else text


def _compare(op: str, actual: object, expected: object, key: str) -> bool:
    ranks = ORDINALS.get(key)
    if ranks is not None and op in (">=", "<=", ">", "<"):
        actual, expected = ranks[str(actual)], ranks[str(expected)]
    if op == "in":
        return actual in expected  # type: ignore[operator]
    if op == "not_in":
        return actual not in expected  # type: ignore[operator]
    if op == "==":
        return actual == expected
    if op == "!=":
        return actual != expected
    a, b = float(actual), float(expected)  # type: ignore[arg-type]
    if op == ">=":
        return a >= b - _EPS
    if op == "<=":
        return a <= b + _EPS
    if op == ">":
        return a > b + _EPS
    return a < b - _EPS


def _binding(operator: str, options: list[tuple], strictest: bool, attribute: str) -> tuple:
    """Of several possible thresholds that give the same verdict, the one to quote: for a pass
    the strictest (it passes even that), for a failure the most lenient (it fails even that).
    Ordinal words rank by safety (不燃性 above 难燃性)."""
    if len(options) == 1 or operator not in (">=", ">", "<=", "<"):
        return options[0]
    # A '—' cell permits nothing: never the most lenient reading, and a pass cannot have one.
    permitted = [o for o in options if o[0] is not None]
    if not permitted:
        return options[0]
    options = permitted
    ranks = ORDINALS.get(attribute)
    raise_bar = operator in (">=", ">")
    pick = max if raise_bar == strictest else min
    try:
        return pick(options, key=lambda o: ranks[str(o[0])] if ranks else float(o[0]))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        return options[0]


def _domain(path: str, tests: list[Condition]) -> list[object] | None:
    """Values of a fact that can change the outcome of `tests` on it, or None when unbounded."""
    key = path.split(".", 1)[1]
    if key in DERIVED_DOMAINS:
        return list(DERIVED_DOMAINS[key])
    if key == "use":
        return list(USES)
    if key in ENUMS:
        return sorted(ENUMS[key])
    values = [v for c in tests for v in (c.value if isinstance(c.value, list) else [c.value])]
    if values and all(isinstance(v, bool) for v in values):
        return [True, False]
    if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
        # One point in every interval the thresholds cut the line into, and the thresholds.
        points = sorted({float(v) for v in values})
        cuts = [points[0] - 1.0, *points, points[-1] + 1.0]
        cuts += [(a + b) / 2 for a, b in zip(points, points[1:])]
        return sorted(set(cuts))
    return None


class _ModifierSteps(list):
    """The notes applied to a threshold, as (modifier, value after it); rendered on demand."""

    def __init__(self, applied: list[tuple[Modifier, object]], unit: str | None):
        super().__init__(applied)
        self.unit = unit

    def render(self) -> list[str]:
        steps = []
        for modifier, value in self:
            effect = (f"×{modifier.factor:g}" if modifier.factor is not None
                      else f"{modifier.add:+g} {self.unit or ''}")
            steps.append(f"{modifier.source}: {effect} → {format_value(value, self.unit)}")
        return steps


class _Evaluator:
    def __init__(self, building: Part, derived: DerivedFacts, element: Part, taxonomy: Taxonomy,
                 building_cache: dict[int, _Outcome] | None = None):
        self.building = building
        self.derived = derived
        self.element = element
        self.taxonomy = taxonomy
        self.building_cache: dict[int, _Outcome] = {} if building_cache is None else building_cache
        # Facts assumed for one "world" while the table lookup tries the values a missing fact
        # could take (see _threshold).
        self.overrides: dict[str, object] = {}

    # facts

    def _owner(self) -> str:
        # Facts of the building read as `building.x` whether a rule reads them as its attribute
        # or in a condition; other elements' facts as `ID.x`.
        return "building" if self.element is self.building else self.element.id

    def fact(self, path: str) -> tuple[object, tuple[str, ...]]:
        if self.overrides and path in self.overrides:
            return self.overrides[path], ()
        scope, key = path.split(".", 1)
        if scope == "building":
            if key in _DERIVED:
                if key in self.derived.values:
                    return self.derived.values[key], ()
                return _MISSING, tuple(self.derived.missing.get(key, [f"building.{key}"]))
            value = self.building.attributes.get(key)
            return (_MISSING, (f"building.{key}",)) if value is None else (value, ())
        if key == "type":
            return self.taxonomy.canonical.get(self.element.type, self.element.type), ()
        if key == "underground":
            storey = self.element.attributes.get("storey")
            if storey is None:
                return _MISSING, (f"{self._owner()}.storey",)
            return storey < 0, ()  # type: ignore[operator]
        value = self.element.attributes.get(key)
        return (_MISSING, (f"{self._owner()}.{key}",)) if value is None else (value, ())

    def condition(self, cond: Condition | AnyOf) -> _Outcome:
        if isinstance(cond, AnyOf):
            if all(c.on_building for c in cond.any):
                return self._cached(cond, self.any_of)
            return self.any_of(cond)
        if cond.on_building:
            return self._cached(cond, self._condition)
        return self._condition(cond)

    def _cached(self, cond: Condition | AnyOf, evaluate) -> _Outcome:  # type: ignore[no-untyped-def]
        # A test on the building's facts has one outcome per design: computed once per check,
        # not once per element (the cache lives as long as one check of one design).
        outcome = self.building_cache.get(id(cond))
        if outcome is None:
            outcome = self.building_cache[id(cond)] = evaluate(cond)
        return outcome

    def _condition(self, cond: Condition) -> _Outcome:
        value, missing = self.fact(cond.fact)
        if value is _MISSING:
            if cond.default is None:
                return _Outcome(None, missing)
            value = cond.default
            stated = "（设计未声明，按默认）"
        else:
            stated = ""
        key = cond.key
        try:
            truth = _compare(cond.op, value, cond.value, key)
        except (KeyError, TypeError, ValueError):
            truth = False  # a value of another kind (text where a number is due) cannot satisfy
        label = cond.label or f"{cond.fact} {cond.op} {format_value(cond.value)}"
        if cond.on_building and key in _DERIVED:
            # Derived facts cite the classification clause; a failed test shows what the building is.
            if truth:
                return _Outcome(True, (), f"建筑为{label} (5.1.1)")
            actual = self.derived.values.get("category", value)
            return _Outcome(False, (), f"不满足：{label}（本建筑为{format_value(actual)}，5.1.1）")
        elif isinstance(value, bool):
            text = f"{label}{stated}"
        else:
            text = f"{label}（{format_value(value, unit_of_key(key))}）{stated}"
        return _Outcome(truth, (), text if truth else f"不满足：{text}")

    def any_of(self, group: AnyOf) -> _Outcome:
        """OR: one true test settles it; false only when every test is false."""
        missing: list[str] = []
        failures: list[str] = []
        for cond in group.any:
            outcome = self.condition(cond)
            if outcome.value is True:
                return _Outcome(True, (), outcome.because)
            if outcome.value is None:
                missing.extend(outcome.missing)
            elif outcome.because:
                failures.append(outcome.because.removeprefix("不满足："))
        if missing:
            return _Outcome(None, tuple(dict.fromkeys(missing)))
        return _Outcome(False, (), f"不满足：{group.label or '、'.join(failures)}")

    def all_of(self, conditions: Iterable[Condition | AnyOf]) -> _Outcome:
        """AND of conditions: False wins over unknown (one false test settles it)."""
        reasons: list[str] = []
        missing: list[str] = []
        cache = self.building_cache
        for cond in conditions:
            # Inline fast path for the common case, a building test already decided this check.
            outcome = cache.get(id(cond)) or self.condition(cond)
            if outcome.value is False:
                return outcome
            if outcome.value is None:
                missing.extend(outcome.missing)
            elif outcome.because:
                reasons.append(outcome.because)
        if missing:
            return _Outcome(None, tuple(dict.fromkeys(missing)))
        return _Outcome(True, (), "；".join(reasons) if reasons else None, tuple(reasons))

    # the rule

    def evaluate(self, rule: Rule) -> Finding:
        """One rule on this element. A coarse value that some condition of the rule cannot use
        (袋形走道两侧或尽端 where 5.5.15 tells the side from the end) is tried in each of its
        refinements; the finding stands when they agree, else it is unknown naming the fact."""
        for key in rule.coarse_keys:
            value = self.element.attributes.get(key)
            refinements = COARSE_VALUES.get(key, {}).get(value)  # type: ignore[arg-type]
            if refinements:
                return self._evaluate_refined(rule, key, str(value), refinements)
        return self._evaluate(rule)

    def _evaluate_refined(self, rule: Rule, key: str, value: str, refinements: tuple[str, ...]) -> Finding:
        findings = []
        for refined in refinements:
            part = self.element.model_copy(
                update={"attributes": {**self.element.attributes, key: refined}})
            findings.append(_Evaluator(self.building, self.derived, part, self.taxonomy,
                                       self.building_cache)._evaluate(rule))
        name = f"{self._owner()}.{key}"
        note = f"{name} 为'{value}'，分别按{'、'.join(refinements)}判定"
        statuses = {f.status for f in findings}
        if statuses == {"pass", "not_applicable"}:
            # Either the rule does not apply or it is met: no reading finds a violation.
            statuses = {"pass"}
            findings = [f for f in findings if f.status == "pass"]
        if len(statuses) == 1:
            first = findings[0]
            first.because.append(note + "，结论相同")
            first.element_id = self.element.id
            return first
        because = [self._is_a(rule), note + "，结论不同：" + "；".join(
            f"{r}→{STATUS_LABELS[f.status]}" for r, f in zip(refinements, findings))]
        actual = self.element.attributes.get(rule.attribute, _MISSING)
        return self._unknown(rule, because, (name,), actual=actual)

    def _evaluate(self, rule: Rule) -> Finding:
        element = self.element
        because = [self._is_a(rule)]
        applies = self.all_of(rule.applies_when)
        if applies.value is False:
            return self._finding(rule, "not_applicable", because + [applies.because or ""],
                                 f"第{rule.clause}条不适用于 {element.id}：{applies.because}")
        if applies.because:
            because.extend(applies.steps)

        # An exception that holds settles the finding even when applicability is unknown.
        excepted, exception_missing = self._exceptions(rule)
        if excepted:
            return self._finding(rule, "not_applicable", because + [excepted],
                                 f"{element.id} 符合第{rule.clause}条的除外情形：{excepted}")
        if applies.value is None:
            return self._unknown(rule, because, applies.missing)

        actual, missing = self.fact(f"element.{rule.attribute}")
        if actual is _MISSING:
            return self._unknown(rule, because, missing)

        threshold = self._threshold(rule)
        if isinstance(threshold, _Outcome):
            if threshold.value is None:
                return self._unknown(rule, because, threshold.missing)
            return self._finding(rule, "not_applicable", because + [threshold.because or ""],
                                 f"第{rule.clause}条对 {element.id} 无对应要求：{threshold.because}")
        candidates, table_missing = threshold
        count: object = None
        if rule.per is not None:
            count, missing = self.fact(rule.per.fact)
            if count is _MISSING:
                return self._unknown(rule, because, missing, actual=actual)

        # Every possible threshold: each table cell that the design's unknown facts leave open,
        # under each state of the unknown modifiers. The verdict stands only if all agree, and a
        # decided finding reports the strictest of them.
        verdicts: set[bool] = set()
        modifier_missing: list[str] = []
        options: list[tuple[object, list[str], _ModifierSteps]] = []  # (threshold, steps, notes)
        for value, cell_because in candidates:
            if value is _NO_ROW:
                verdicts.add("no_row")  # type: ignore[arg-type]
                continue
            if value is None:
                verdicts.add(False)  # a '—' cell: not permitted
                options.append((None, cell_because, _ModifierSteps([], rule.unit)))
                continue
            steps = list(cell_because)
            if rule.per is not None:
                value = round(float(value) * float(count) / rule.per.divisor, 6)  # type: ignore[arg-type]
                steps.append(f"{rule.per.label}：{format_value(count)} → {format_value(value, rule.unit)}")
            variants, missing = self._variants(rule, value)
            modifier_missing.extend(missing)
            for threshold_value, notes in variants:
                verdicts.add(self._safe_compare(rule, actual, threshold_value))
                options.append((threshold_value, steps, notes))
        if "no_row" in verdicts:
            # In some possible worlds the table has no row: the rule would not apply there. That
            # is harmless beside a pass, undecidable beside a failure.
            verdicts.discard("no_row")  # type: ignore[arg-type]
            if not verdicts or False in verdicts:
                return self._unknown(rule, because, (*table_missing, *dict.fromkeys(modifier_missing)),
                                     actual=actual)
        if len(verdicts) > 1:
            return self._unknown(rule, because, (*table_missing, *dict.fromkeys(modifier_missing)),
                                 actual=actual)
        ok = verdicts.pop()
        # A pass holds even under the strictest reading; a failure even under the most lenient.
        required, steps, notes = _binding(rule.operator, options, strictest=ok,
                                          attribute=rule.attribute)
        because.extend(steps)
        because.extend(notes.render())
        if len(options) > 1:
            open_facts = "、".join(dict.fromkeys([*table_missing, *modifier_missing]))
            because.append(f"（{open_facts} 未给出；各种可能的要求结论相同）")
        if not ok and exception_missing:
            return self._unknown(rule, because, exception_missing, actual=actual)
        if required is None:
            return self._finding(rule, "fail", because, self._message(rule, actual, None, False),
                                 actual=actual)
        status = "pass" if ok else "fail"
        return self._finding(rule, status, because, self._message(rule, actual, required, ok),
                             actual=actual, required=required)

    def _safe_compare(self, rule: Rule, actual: object, expected: object) -> bool:
        try:
            return _compare(rule.operator, actual, expected, rule.attribute)
        except (KeyError, TypeError, ValueError):
            return False

    def _is_a(self, rule: Rule) -> str:
        return f"{self.element.id} 是 {self.taxonomy.chain(self.element.type, rule.object)}"

    def _exceptions(self, rule: Rule) -> tuple[str | None, tuple[str, ...]]:
        missing: list[str] = []
        for exception in rule.unless:
            outcome = self.all_of(exception.when)
            if outcome.value is True:
                return f"{exception.source}：{outcome.because or ''}".rstrip("："), ()
            if outcome.value is None:
                missing.extend(outcome.missing)
        return None, tuple(dict.fromkeys(missing))

    def _threshold(self, rule: Rule) -> tuple[list[tuple[object, list[str]]], tuple[str, ...]] | _Outcome:
        """The possible thresholds, the one the design certainly selects last, and the facts whose
        absence leaves the earlier ones possible; or an outcome when there is none."""
        unit = rule.unit or ""
        if rule.value is not None:
            return [(rule.value, [])], ()
        if rule.value_fact is not None:
            value, missing = self.fact(rule.value_fact)
            if value is _MISSING:
                return _Outcome(None, missing)
            return [(value, [f"要求值取自 {rule.value_fact} = {format_value(value, unit)}"])], ()
        assert rule.table is not None
        case, missing = self._first_row(rule.table)
        if case is not None and not missing:
            return [self._cell(rule, case)], ()
        if case is None and not missing:
            return _Outcome(False, (), f"{rule.table.id} 中无对应的行")
        return self._open_rows(rule)

    def _first_row(self, table: Table) -> tuple[Case | None, list[str]]:
        """The first row whose conditions all hold, and the facts whose absence left an earlier
        row undecided (then the row found is not certain)."""
        missing: list[str] = []
        for case in table.cases:
            outcome = self.all_of(case.when)
            if outcome.value is True:
                return case, missing
            if outcome.value is None:
                missing.extend(outcome.missing)
                return None, missing
        return None, missing

    def _cell(self, rule: Rule, case: Case) -> tuple[object, list[str]]:
        shown = "—（不允许）" if case.value is None else format_value(case.value, rule.unit or "")
        return case.value, [f"{rule.table.id}: {case.cell} → {shown}"]  # type: ignore[union-attr]

    def _open_rows(self, rule: Rule) -> tuple[list[tuple[object, list[str]]], tuple[str, ...]] | _Outcome:
        """The rows the design's missing facts leave possible. Each missing fact the table tests
        is given, in turn, each value that can change a test on it (a vocabulary's words, yes/no,
        or the numbers either side of each threshold); the table is read first-match in every such
        world. A world where no row matches makes the rule possibly not applicable (_NO_ROW)."""
        assert rule.table is not None
        table_tests = [c for case in rule.table.cases for test in case.when
                       for c in (test.any if isinstance(test, AnyOf) else [test])]
        open_paths = [path for path in dict.fromkeys(c.fact for c in table_tests)
                      if self.fact(path)[0] is _MISSING
                      and not all(c.default is not None for c in table_tests if c.fact == path)]
        names = tuple(dict.fromkeys(m for path in open_paths for m in self.fact(path)[1]))
        domains = [_domain(path, [c for c in table_tests if c.fact == path]) for path in open_paths]
        if not open_paths or any(d is None for d in domains):
            return _Outcome(None, names)
        world = _Evaluator(self.building, self.derived, self.element, self.taxonomy, {})
        rows: dict[int, tuple[object, list[str]]] = {}
        no_row = False
        for values in product(*domains):  # type: ignore[arg-type]
            world.overrides = dict(zip(open_paths, values))
            world.building_cache = {}  # building tests differ between worlds
            case, missing = world._first_row(rule.table)
            if missing:
                return _Outcome(None, names)  # a fact outside the worlds tried: stay unknown
            if case is None:
                no_row = True
            else:
                rows.setdefault(id(case), self._cell(rule, case))
        candidates = list(rows.values())
        if no_row:
            candidates.append((_NO_ROW, [f"{rule.table.id} 在某些可能情形下无对应的行"]))
        return candidates, names

    def _variants(self, rule: Rule, base: object) -> tuple[list[tuple[object, _ModifierSteps]], tuple[str, ...]]:
        """Each possible threshold after the modifiers; several only when a modifier's facts are
        unknown. The because-steps are written only for the threshold that gets reported."""
        states: list[list[bool]] = []
        missing: list[str] = []
        for modifier in rule.modifiers:
            outcome = self.all_of(modifier.when)
            if outcome.value is None:
                states.append([False, True])  # 'not claimed' first: the reported threshold
                missing.extend(outcome.missing)
            else:
                states.append([bool(outcome.value)])
        variants = []
        for choice in product(*states):
            value = base
            applied: list[tuple[Modifier, object]] = []
            for modifier, on in zip(rule.modifiers, choice):
                if not on:
                    continue
                if modifier.factor is not None:
                    value = round(float(value) * modifier.factor, 6)  # type: ignore[arg-type]
                else:
                    value = round(float(value) + modifier.add, 6)  # type: ignore[arg-type]
                applied.append((modifier, value))
            variants.append((value, _ModifierSteps(applied, rule.unit)))
        return variants, tuple(dict.fromkeys(missing))

    # findings

    def _label(self, rule: Rule) -> str:
        # The concept's own name, also when the design used an English alias.
        return f"{self.taxonomy.canonical.get(self.element.type, self.element.type)} {self.element.id}"

    def _message(self, rule: Rule, actual: object, required: object, ok: bool) -> str:
        unit = rule.unit
        subject = f"{self._label(rule)} {rule.attribute_label} {format_value(actual, unit)}"
        if required is None:
            return f"{subject}：第{rule.clause}条所引表格对此情形无允许值（表中为'—'），不符合。"
        want, violated = OPERATOR_WORDS[rule.operator]
        if ok:
            return f"{subject}，符合第{rule.clause}条要求（{want} {format_value(required, unit)}）。"
        if rule.operator in (">=", "<=", ">", "<"):
            return f"{subject}，{violated}第{rule.clause}条要求的 {format_value(required, unit)}。"
        return f"{subject}，不符合第{rule.clause}条要求（{want} {format_value(required, unit)}）。"

    def _unknown(self, rule: Rule, because: list[str], missing: tuple[str, ...],
                 actual: object = _MISSING) -> Finding:
        names = "、".join(missing)
        return self._finding(
            rule, "unknown", because + [f"缺少事实：{names}"],
            f"无法判定第{rule.clause}条（{rule.attribute_label}）：设计未给出 {names}。",
            actual=actual, missing=list(missing),
        )

    def _finding(self, rule: Rule, status: str, because: list[str], message: str,
                 actual: object = _MISSING, required: object = _MISSING,
                 missing: list[str] | None = None) -> Finding:
        # No validation: these values were built here from validated inputs, and this is the
        # checker's hot path (tens of thousands of findings for a large design).
        return construct(Finding, {
            "rule_id": rule.id,
            "standard": rule.standard,
            "clause": rule.clause,
            "element_id": self.element.id,
            "element_type": self.element.type,
            "status": status,
            "strength": rule.strength,
            "attribute": attribute_name(rule.attribute),
            "actual": None if actual is _MISSING else construct(
                Actual, {"value": actual, "unit": rule.unit}),
            "required": None if required is _MISSING else construct(
                Required, {"operator": rule.operator, "value": required, "unit": rule.unit}),
            "because": [step for step in because if step],
            "message": message,
            "missing_facts": missing or [],
            "explanation": None,
        })  # type: ignore[return-value]
