"""Scoring an extractor against gold data at three levels, micro-averaged over rules:

  L1 `operator+value`  — operator, value (and unit) agree;
  L2 `+attribute`      — and the attribute word;
  L3 `+object`         — and the object word (the full rule, strength and conditions aside).

Rules of one item are matched as multisets of keys, so a sentence with two identical
requirements needs both. Strings are compared after normalisation (extraction/text.py: ASCII
digits, no whitespace); numbers numerically; units by spelling after normalisation (㎡ = m2).
`misses` groups the rules that fail L3 by cause, for docs/extraction.md.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .gold import GoldItem
from .models import ExtractedRule, ExtractionResult
from .text import compact

LEVELS = ("operator+value", "+attribute", "+object")


def _value_key(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"{float(value):.6g}"
    return compact(str(value))


def rule_key(rule: ExtractedRule, level: int) -> tuple:
    key: tuple = (rule.operator, _value_key(rule.value), compact(rule.unit or ""))
    if level >= 2:
        key += (compact(rule.attribute),)
    if level >= 3:
        key += (compact(rule.object),)
    return key


@dataclass
class LevelScore:
    tp: int = 0
    predicted: int = 0
    gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "predicted": self.predicted, "gold": self.gold,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


@dataclass
class Miss:
    item: str
    cause: str                  # missed, spurious, operator, value, attribute, object
    gold: dict[str, Any] | None
    predicted: dict[str, Any] | None


@dataclass
class Score:
    levels: dict[str, LevelScore] = field(default_factory=lambda: {name: LevelScore() for name in LEVELS})
    items: int = 0
    gate_failures: int = 0
    misses: list[Miss] = field(default_factory=list)
    # (tp, predicted, gold) of every item at every level, for resampling (bootstrap_f1)
    per_item: list[dict[str, tuple[int, int, int]]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        causes = Counter(m.cause for m in self.misses)
        return {"items": self.items, "gate_failures": self.gate_failures,
                "levels": {name: s.as_dict() for name, s in self.levels.items()},
                "misses_by_cause": dict(sorted(causes.items(), key=lambda kv: -kv[1]))}


def _brief(rule: ExtractedRule) -> dict[str, Any]:
    return {k: v for k, v in rule.to_json_dict().items() if k not in ("conditions", "exceptions")}


def _classify(gold: list[ExtractedRule], predicted: list[ExtractedRule], item: str) -> list[Miss]:
    """Pair up the rules that fail L3 and name the first level at which each pair differs."""
    gold_left = list(gold)
    pred_left = list(predicted)
    for rule in list(gold_left):
        key = rule_key(rule, 3)
        for other in pred_left:
            if rule_key(other, 3) == key:
                gold_left.remove(rule)
                pred_left.remove(other)
                break
    misses = []
    for level, cause in ((2, "object"), (1, "attribute")):
        for rule in list(gold_left):
            for other in pred_left:
                if rule_key(other, level) == rule_key(rule, level):
                    misses.append(Miss(item, cause, _brief(rule), _brief(other)))
                    gold_left.remove(rule)
                    pred_left.remove(other)
                    break
    for rule in list(gold_left):
        for other in pred_left:
            same_value = _value_key(other.value) == _value_key(rule.value)
            if same_value or (other.operator == rule.operator
                              and compact(other.attribute) == compact(rule.attribute)
                              and compact(other.object) == compact(rule.object)):
                misses.append(Miss(item, "operator" if same_value else "value", _brief(rule),
                                   _brief(other)))
                gold_left.remove(rule)
                pred_left.remove(other)
                break
    misses += [Miss(item, "missed", _brief(r), None) for r in gold_left]
    misses += [Miss(item, "spurious", None, _brief(r)) for r in pred_left]
    return misses


def score(gold_items: list[GoldItem], results: list[ExtractionResult]) -> Score:
    total = Score()
    for item, result in zip(gold_items, results):
        total.items += 1
        total.gate_failures += len(result.gate_failures)
        counts: dict[str, tuple[int, int, int]] = {}
        for level, name in enumerate(LEVELS, start=1):
            gold_keys = Counter(rule_key(r, level) for r in item.rules)
            pred_keys = Counter(rule_key(r, level) for r in result.rules)
            counts[name] = (sum((gold_keys & pred_keys).values()), sum(pred_keys.values()),
                            sum(gold_keys.values()))
            s = total.levels[name]
            s.tp, s.predicted, s.gold = s.tp + counts[name][0], s.predicted + counts[name][1], \
                s.gold + counts[name][2]
        total.per_item.append(counts)
        total.misses += _classify(item.rules, result.rules, item.id)
    return total


def bootstrap_f1(result: Score, samples: int, seed: int = 0, confidence: float = 0.95
                 ) -> dict[str, tuple[float, float]]:
    """Percentile intervals of micro F1 at each level, resampling the gold items (clauses) with
    replacement `samples` times: how much the figure of a part this size could move with another
    draw of the same kind of clauses. Deterministic for a seed."""
    import random

    rng = random.Random(seed)
    n = len(result.per_item)
    if not n or samples <= 0:
        return {}
    values: dict[str, list[float]] = {name: [] for name in LEVELS}
    for _ in range(samples):
        drawn = [result.per_item[rng.randrange(n)] for _ in range(n)]
        for name in LEVELS:
            level = LevelScore(tp=sum(d[name][0] for d in drawn), predicted=sum(d[name][1] for d in drawn),
                               gold=sum(d[name][2] for d in drawn))
            values[name].append(level.f1)
    tail = (1 - confidence) / 2
    out = {}
    for name, f1s in values.items():
        f1s.sort()
        low = f1s[min(len(f1s) - 1, int(tail * len(f1s)))]
        high = f1s[min(len(f1s) - 1, int((1 - tail) * len(f1s)))]
        out[name] = (round(low, 4), round(high, 4))
    return out
