"""Quality gates on every extracted rule, whatever extractor proposed it.

A reversed minimum/maximum is the commonest error of published extractors, and an LLM can
state a value the text never wrote. Each gate compares the rule with the text it came from:

  operator — the comparator word written before the value in the text must state the rule's
             operator (不应小于 0.90m → `>=`; a rule saying `<=` fails). A value written without
             any comparator passes only with `==` (应为 / 设置1个).
  value    — a numeric value must occur in the text (0.9 matches 0.90); a phrase value too.
  unit     — the unit's dimension must fit the attribute's (净宽度 in m, not h; 耐火极限 in h
             or min); the dimensions come from extraction/lexicon.py and pint.
The same checks run on each condition. A rule that fails is not kept: it is reported in the
result's `gate_failures` with the gate and a message.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import (
    COMPARATORS, COMPATIBLE, REQUIREMENTS, UNITS, attribute_dimension, operator_of, unit_dimension,
)
from .models import Condition, ExtractedRule, ExtractionResult, GateFailure
from .text import compact, count_digits, normalize

_NUMBER = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:/\d+)?(?![\d.])")
_WORDS = sorted(set(COMPARATORS) | set(REQUIREMENTS), key=len, reverse=True)
_WORD_AT_END = re.compile("(?:" + "|".join(re.escape(w) for w in _WORDS) + ")$")
_PINT_UNITS = {"m": "m", "mm": "mm", "cm": "cm", "km": "km", "m2": "m**2", "m3": "m**3",
               "h": "hour", "min": "minute", "s": "second"}
_PINT_DIMENSIONS = {"length": "m", "area": "m**2", "volume": "m**3", "time": "hour"}


@lru_cache(maxsize=64)
def _pint_dimension(unit: str) -> str | None:
    """Dimension of a unit by pint (reasoning/units.py), for the units pint knows."""
    if unit not in _PINT_UNITS:
        return None
    from reasoning.units import UnitError, conversion_factor

    for dimension, canonical in _PINT_DIMENSIONS.items():
        try:
            conversion_factor(_PINT_UNITS[unit], canonical)
            return dimension
        except UnitError:
            continue
    return None


def _numbers(text: str) -> list[tuple[float, int, int]]:
    found = []
    for match in _NUMBER.finditer(text):
        raw = match.group(0)
        try:
            if "/" in raw:
                a, b = raw.split("/")
                number = float(a) / float(b)
            else:
                number = float(raw)
        except (ValueError, ZeroDivisionError):
            continue
        found.append((number, match.start(), match.end()))
    return found


def _comparator_before(text: str, position: int) -> str | None:
    """The comparator or requirement word that ends right before `position` (allowing 为 and a
    few fillers such as 按每100人)."""
    window = text[max(0, position - 14):position]
    found = _WORD_AT_END.search(window)
    if not found:
        window = re.sub(r"(?:按每\d+人|每\d+人|分别)$", "", window)
        window = re.sub(r"(?:至少(?:应|宜)?有|至少(?:应|宜)?设置)$", "至少", re.sub(r"分别为$", "为", window))
        found = _WORD_AT_END.search(window)
    if found:
        return _longest_at_end(window)
    for word in ("为", "至少", "超过", "不足"):
        if window.endswith(word):
            return word
    return None


def _longest_at_end(window: str) -> str | None:
    for start in range(max(0, len(window) - 10), len(window)):
        if window[start:] in _WORD_SET:
            return window[start:]
    return None


_WORD_SET = set(_WORDS)


def _operators_in_text(value: float, text: str) -> list[str | None]:
    """The operators the text states before each occurrence of `value`."""
    ops: list[str | None] = []
    numbers = _numbers(text)
    for index, (number, start, _) in enumerate(numbers):
        if abs(number - value) > 1e-9:
            continue
        word = _comparator_before(text, start)
        op = operator_of(word) if word else None
        # 不低于3.00h的隔墙和2.00h的楼板 / 分别不应低于1.50h和1.00h: the comparator of the
        # first value holds for the values listed after it
        back = index
        while op is None and back > 0 and start > 0 and text[start - 1] in "和及、或":
            back -= 1
            prev_number, prev_start, prev_end = numbers[back]
            if start - prev_end > 24 or re.search(r"[，。；]", text[prev_end:start]):
                break
            word = _comparator_before(text, prev_start)
            op = operator_of(word) if word else None
            start = prev_start
        if op == "==" and "至少" in text[max(0, start - 8):start]:
            ops.append(">=")
        ops.append(op)
    return ops


def _check(test: ExtractedRule | Condition, text: str, compact_text: str) -> tuple[str, str] | None:
    value = test.value
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        ops = _operators_in_text(float(value), text)
        if not ops:
            return "value", f"数值 {value:g} 不在原文中"
        stated = {op for op in ops if op}
        allowed = stated | ({"==", "!="} if None in ops else set())
        if stated and test.operator not in allowed:
            words = "、".join(sorted(stated))
            return "operator", f"原文在 {value:g} 前的比较词表示 {words}，规则却是 {test.operator}"
        if not stated and test.operator not in ("==", "!="):
            return "operator", f"原文在 {value:g} 前没有比较词，规则却是 {test.operator}"
    else:
        phrase = compact(str(value))
        if phrase and phrase not in compact_text:
            return "value", f"值“{value}”不在原文中"
        if phrase:
            index = compact_text.find(phrase)
            word = _comparator_before(compact_text, index)
            if word:
                stated = operator_of(word)
                if stated and stated != test.operator and not (
                        stated in ("==", "!=") and test.operator in ("==", "!=")):
                    return "operator", f"原文在“{value}”前的“{word}”表示 {stated}，规则却是 {test.operator}"
    if test.unit:
        unit_dim = unit_dimension(test.unit) or _pint_dimension(test.unit)
        attr_dim = attribute_dimension(test.attribute)
        if unit_dim and attr_dim:
            allowed = COMPATIBLE.get(attr_dim, {attr_dim})
            if unit_dim not in allowed:
                return "unit", f"属性“{test.attribute}”的量纲是 {attr_dim}，单位 {test.unit} 是 {unit_dim}"
        elif test.unit not in UNITS and not _pint_dimension(test.unit):
            pass  # an unknown unit (kV·A …): nothing to compare
    elif isinstance(value, (int, float)) and attribute_dimension(test.attribute) in (
            "length", "area", "volume", "time"):
        return "unit", f"属性“{test.attribute}”需要单位，规则的数值 {value:g} 没有单位"
    return None


def check_rule(rule: ExtractedRule, text: str, *, normalized: str | None = None,
               flat: str | None = None) -> GateFailure | None:
    """The first gate `rule` fails against `text`, or None."""
    normalized = count_digits(normalize(text)) if normalized is None else normalized
    flat = re.sub(r"\s+", "", normalized) if flat is None else flat
    failure = _check(rule, normalized, flat)
    if failure is None:
        for condition in [*rule.conditions, *rule.exceptions]:
            failure = _check(condition, normalized, flat)
            if failure:
                gate, message = failure
                failure = (gate, f"条件 {condition.attribute}: {message}")
                break
    if failure is None:
        return None
    gate, message = failure
    return GateFailure(gate=gate, message=message, rule=rule.to_json_dict())  # type: ignore[arg-type]


def apply_gates(result: ExtractionResult) -> ExtractionResult:
    """Keep the rules that pass every gate; report the others in `gate_failures`."""
    kept, failures = [], list(result.gate_failures)
    normalized = count_digits(normalize(result.text))
    flat = re.sub(r"\s+", "", normalized)
    for rule in result.rules:
        failure = check_rule(rule, result.text, normalized=normalized, flat=flat)
        if failure is None:
            kept.append(rule)
        else:
            failures.append(failure)
    return result.model_copy(update={"rules": kept, "gate_failures": failures})
