"""Questions in Chinese, answered from the rule graph with clause-level citations.

Retrieval, no generation: every sentence of an answer comes from a clause (its ingested text, or
without text its title and the rules the pack holds for it) and cites it.

1. Passages: one per clause — number, title, ingested text and items, table titles, and the
   titles, objects and attribute names of its rules.
2. BM25 (rank-bm25, Okapi) over jieba search-mode tokens of the passages; concept names and
   aliases are added to jieba's dictionary so that 疏散楼梯 stays one token as well as its parts.
3. The graph neighbourhood of the question: concepts named in it (by name or alias, with their
   IS_A relatives) → the rules that CONSTRAIN them → those rules' clauses; attributes named in it
   (净宽度, 耐火极限 …) narrow that to the rules ON_ATTRIBUTE; a clause number names a clause.
   Each adds a bonus to the clause's score.
4. Below `min_score` nothing is relevant, and the answer says so (未找到相关条文) instead of
   guessing.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import jieba
from pydantic import BaseModel, Field
from rank_bm25 import BM25Okapi

from graph.browse import clause_sort_key
from reasoning.checker import BUILDING_CONCEPT, format_value
from reasoning.rules import OPERATOR_WORDS, Rule, RuleSet

jieba.setLogLevel(logging.WARNING)

NOT_FOUND = "未找到相关条文。"
CONCEPT_BONUS = 1.5
# 建筑 is named in almost every question (公共建筑, 住宅建筑 …) and constrains many rules: alone it
# is weak evidence, and beside a more specific concept it is noise.
GENERIC_CONCEPT_BONUS = 0.5
ATTRIBUTE_BONUS = 1.0
NUMBER_BONUS = 5.0

_STOPWORDS = set(
    "的 了 是 在 和 与 及 或 吗 呢 吧 啊 什么 多少 怎么 怎样 如何 哪些 哪个 哪 应 应该 需要 要求 规定 "
    "是否 有 有没有 为 不 应当 按 时 多 少 请问 一下 个 中 对 其 该 这 那 可以 能 能否 我 我们 你 "
    "规范 条文 标准 条 第 最小 最大 至少 不得 必须 宜 可 都 也 就 要 会 被 把 上 下 以 之 等".split())
_NUMBER = re.compile(r"\d+(?:\.\d+)+[A-Z]?")
_WORD = re.compile(r"[\w\u4e00-\u9fff]")


class AskCitation(BaseModel):
    standard: str
    clause: str
    title: str
    score: float
    url: str = Field(description="该条文的网页地址")
    snippet: str | None = Field(None, description="条文原文片段（已导入条文时）")
    rules: list[dict[str, str]] = Field(default_factory=list,
                                        description="该条文中与问题相关的规则：id、title、summary")


class AskAnswer(BaseModel):
    question: str
    found: bool
    answer: str
    citations: list[AskCitation]
    concepts: list[str] = Field(default_factory=list, description="问题中识别出的概念")
    attributes: list[str] = Field(default_factory=list, description="问题中识别出的属性")


@dataclass
class _Passage:
    standard: str
    code: str
    number: str
    title: str
    text: str | None
    rules: list[Rule] = field(default_factory=list)
    body: str = ""


class _Tokenizer:
    """One jieba tokenizer per index, with the graph's own vocabulary added."""

    _init_lock = threading.Lock()

    def __init__(self, words: list[str]):
        with self._init_lock:
            self.jieba = jieba.Tokenizer()
            self.jieba.initialize()
            for word in words:
                if len(word) > 1:
                    self.jieba.add_word(word, freq=50_000)

    def tokens(self, text: str) -> list[str]:
        found = []
        for token in self.jieba.lcut_for_search(text.lower()):
            token = token.strip()
            if token and token not in _STOPWORDS and _WORD.search(token):
                found.append(token)
        return found


@lru_cache(maxsize=4)
def _tokenizer(words: tuple[str, ...]) -> _Tokenizer:
    """Loading jieba's dictionary takes about a second: one tokenizer per vocabulary."""
    return _Tokenizer(list(words))


class AskIndex:
    """Built once per rule graph version; answering is pure and thread-safe."""

    def __init__(self, rule_set: RuleSet, clauses: list[dict[str, Any]]):
        self.rule_set = rule_set
        code_of = {s.id: s.code for s in rule_set.standards}
        passages: dict[tuple[str, str], _Passage] = {}
        for row in clauses:
            passages[(row["standard"], row["number"])] = _Passage(
                standard=row["standard"], code=code_of.get(row["standard"], row["standard"]),
                number=row["number"], title=row.get("title") or "", text=row.get("text") or None,
                body=" ".join(x for x in [row.get("items_text"), row.get("tables_text")] if x))
        for rule in rule_set.rules:
            passage = passages.get((rule.standard, rule.clause))
            if passage is None:
                passage = passages[(rule.standard, rule.clause)] = _Passage(
                    standard=rule.standard, code=code_of.get(rule.standard, rule.standard),
                    number=rule.clause, title="", text=None)
            passage.rules.append(rule)
        self.passages = sorted(passages.values(),
                               key=lambda p: (p.standard, clause_sort_key(p.number)))

        # Concepts: name and aliases → name; IS_A both ways for the neighbourhood.
        self.concept_of: dict[str, str] = {}
        self.parents: dict[str, list[str]] = {}
        self.children: dict[str, list[str]] = {}
        for concept in rule_set.concepts:
            self.parents[concept.name] = list(concept.parents)
            for parent in concept.parents:
                self.children.setdefault(parent, []).append(concept.name)
            for word in [concept.name, *concept.aliases]:
                self.concept_of.setdefault(word, concept.name)
        labels = {a.key: a.label for a in rule_set.attributes}
        self.attribute_of: dict[str, str] = {}
        for rule in rule_set.rules:
            labels.setdefault(rule.attribute, rule.attribute_label)
        for key, label in labels.items():
            self.attribute_of.setdefault(label, key)
        self.attribute_label = labels

        vocabulary = [*self.concept_of, *self.attribute_of]
        self.tokenizer = _tokenizer(tuple(sorted(set(vocabulary))))
        corpus = [self.tokenizer.tokens(self._document(p)) for p in self.passages]
        self.bm25 = BM25Okapi([doc or ["∅"] for doc in corpus]) if corpus else None
        self._titles: dict[str, list[str]] = {}

    def _document(self, p: _Passage) -> str:
        parts = [p.number, p.title, p.text or "", p.body]
        for rule in p.rules:
            parts += [rule.title, rule.object, rule.attribute_label]
            if rule.table is not None:
                parts.append(rule.table.id)
        return " ".join(x for x in parts if x)

    # --- the question ---

    def _mentions(self, question: str, vocabulary: dict[str, str]) -> list[str]:
        """Words of `vocabulary` in the question, longest first, without overlaps."""
        taken = [False] * len(question)
        found: list[str] = []
        for word in sorted(vocabulary, key=len, reverse=True):
            if len(word) < 2 and not word.isascii():
                continue
            start = question.find(word)
            while start >= 0:
                span = range(start, start + len(word))
                if not any(taken[i] for i in span):
                    for i in span:
                        taken[i] = True
                    target = vocabulary[word]
                    if target not in found:
                        found.append(target)
                start = question.find(word, start + 1)
        return found

    def _related(self, concepts: list[str]) -> set[str]:
        """The concepts themselves, what they are (IS_A up) and their kinds (IS_A down)."""
        related: set[str] = set()
        for name in concepts:
            queue = [name]
            while queue:  # up
                current = queue.pop()
                if current not in related:
                    related.add(current)
                    queue.extend(self.parents.get(current, []))
            queue = list(self.children.get(name, []))
            while queue:  # down
                current = queue.pop()
                if current not in related:
                    related.add(current)
                    queue.extend(self.children.get(current, []))
        return related

    def ask(self, question: str, min_score: float = 2.0, max_citations: int = 5) -> AskAnswer:
        question = question.strip()
        concepts = self._mentions(question, self.concept_of)
        attributes = self._mentions(question, self.attribute_of)
        numbers = set(_NUMBER.findall(question))
        specific = [c for c in concepts if c != BUILDING_CONCEPT]
        related = self._related(specific or concepts)
        bonus = CONCEPT_BONUS if specific else GENERIC_CONCEPT_BONUS
        tokens = self.tokenizer.tokens(question)
        scores = self.bm25.get_scores(tokens) if self.bm25 is not None and tokens else \
            [0.0] * len(self.passages)

        ranked: list[tuple[float, _Passage, list[Rule]]] = []
        for passage, base in zip(self.passages, scores):
            score = max(float(base), 0.0)
            on_concept = [r for r in passage.rules if r.object in related]
            on_attribute = [r for r in passage.rules if r.attribute in attributes]
            if on_concept:
                score += bonus
            if on_attribute and (on_concept or not concepts):
                score += ATTRIBUTE_BONUS
            if passage.number in numbers:
                score += NUMBER_BONUS
            if math.isfinite(score) and score >= min_score:
                both = [r for r in on_concept if r.attribute in attributes]
                relevant = both or on_concept or on_attribute or passage.rules
                # The rules whose titles share most words with the question first.
                wanted = set(tokens)
                relevant = sorted(relevant, key=lambda r: -len(wanted & set(self._title_tokens(r))))
                ranked.append((round(score, 3), passage, relevant))
        ranked.sort(key=lambda item: -item[0])
        ranked = ranked[:max_citations]
        if not ranked:
            return AskAnswer(question=question, found=False, answer=NOT_FOUND, citations=[],
                             concepts=concepts, attributes=[self.attribute_label[a] for a in attributes])

        citations = []
        lines = []
        for score, passage, rules in ranked:
            summaries = [{"id": r.id, "title": r.title, "summary": self._summary(r, tokens)}
                         for r in rules[:3]]
            full_text = " ".join(x for x in [passage.text, passage.body] if x) or None
            snippet = _snippet(full_text, tokens)
            citations.append(AskCitation(
                standard=passage.standard, clause=passage.number, title=passage.title, score=score,
                url=f"/clauses/{passage.code}/{passage.number}", snippet=snippet, rules=summaries))
            points = "；".join(s["summary"] for s in summaries[:2])
            if snippet and points:
                said = f"{snippet} 要点：{points}"
            else:
                said = snippet or points or passage.title
            title = f"（{passage.title}）" if passage.title else ""
            lines.append(f"{passage.standard} 第{passage.number}条{title}：{said}")
        answer = "根据规则库检索，相关条文如下：\n" + "\n".join(f"{i}. {line}" for i, line in
                                                      enumerate(lines, start=1))
        return AskAnswer(question=question, found=True, answer=answer, citations=citations,
                         concepts=concepts, attributes=[self.attribute_label[a] for a in attributes])

    def _title_tokens(self, rule: Rule) -> list[str]:
        if rule.id not in self._titles:
            self._titles[rule.id] = self.tokenizer.tokens(rule.title)
        return self._titles[rule.id]

    def _summary(self, rule: Rule, tokens: list[str]) -> str:
        want = OPERATOR_WORDS[rule.operator][0]
        subject = f"{rule.object}的{rule.attribute_label}"
        if rule.value is not None:
            return f"{rule.title}：{subject}{want}{format_value(rule.value, rule.unit)}（{rule.strength}）"
        if rule.value_fact is not None:
            return f"{rule.title}：{subject}{want}{rule.value_fact}（{rule.strength}）"
        assert rule.table is not None
        # The table cells whose labels share the most words with the question.
        wanted = set(tokens)
        cells = sorted(rule.table.cases, key=lambda c: -len(wanted & set(self.tokenizer.tokens(c.cell))))
        shown = [f"{c.cell} → {'—' if c.value is None else format_value(c.value, rule.unit)}"
                 for c in cells[:2] if wanted & set(self.tokenizer.tokens(c.cell))]
        cells_text = f"，如 {'；'.join(shown)}" if shown else ""
        return f"{rule.title}：{subject}{want}{rule.table.id}所列值{cells_text}（{rule.strength}）"


def _snippet(text: str | None, tokens: list[str], width: int = 80) -> str | None:
    if not text:
        return None
    hits = [text.find(t) for t in tokens if len(t) > 1 and t in text]
    at = min(hits) if hits else 0
    start = max(0, at - width // 4)
    end = min(len(text), start + width * 2)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
