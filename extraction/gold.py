"""Gold data for scoring extractors, from two sources.

1. Hand-annotated clauses (tests/gold/*.jsonl): a `_meta` line, then one line per clause
   `{"clause": "5.5.18", "rules": [...]}` with structured answers only. The clause text is not in
   the file (it is the publisher's copyright): it is read at run time from the user's copy of the
   standard (`--text FILE`, or the meta's `text_source`, relative to the gold file), parsed with
   extraction/parser.py. A gold line may instead carry its own `"text"` (for a user's own data).
   A string field of a rule (or of its conditions / exceptions) may be written as a span
   `{"span": [start, end]}`: character offsets into that text (the clause's `extraction_text`, or
   the line's own `"text"`), resolved here, so a long answer is stored without copying the words.
2. The zhouyc98 data set (a directory with `_sentences_tags.txt`, BIO-tagged characters): each
   `cmp` span with the `Rprop`/`Robj` span that follows it is one requirement, with the nearest
   preceding `prop` as attribute and the nearest preceding `obj` (or `sobj`) as object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .lexicon import UNIT_PATTERN, operator_of, strength_of
from .models import ExtractedRule
from .parser import ParseError, parse_standard
from .text import InputError, read_text_file


class GoldError(ValueError):
    """Gold data that cannot be read; the message names the file."""


@dataclass
class GoldItem:
    id: str
    text: str
    rules: list[ExtractedRule]


def load_gold(path: Path, text_file: Path | None = None) -> list[GoldItem]:
    if path.is_dir():
        if (path / "_sentences_tags.txt").is_file():
            return load_zhouyc98(path)
        raise GoldError(f"{path}: 目录中没有 _sentences_tags.txt（zhouyc98 数据集格式）")
    return load_gold_jsonl(path, text_file)


def load_gold_jsonl(path: Path, text_file: Path | None = None) -> list[GoldItem]:
    try:
        raw = read_text_file(path)
    except InputError as exc:
        raise GoldError(str(exc)) from None
    meta: dict[str, Any] = {}
    rows: list[tuple[int, dict[str, Any]]] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldError(f"{path}: 第 {number} 行不是合法的 JSON（{exc.msg}）") from None
        if not isinstance(data, dict):
            raise GoldError(f"{path}: 第 {number} 行应为 JSON 对象")
        if "_meta" in data:
            meta = data["_meta"]
            continue
        rows.append((number, data))
    clauses = None
    if any("text" not in data for _, data in rows):
        source = text_file
        if source is None and meta.get("text_source"):
            source = (path.parent / meta["text_source"]).resolve()
        if source is None:
            raise GoldError(f"{path}: 金标准只有条文编号，请用 --text 指定规范全文")
        try:
            standard = parse_standard(read_text_file(source))
        except (InputError, ParseError) as exc:
            raise GoldError(f"{source}: {exc}") from None
        clauses = {c.number: c for c in standard.clauses}
    items = []
    for number, data in rows:
        ident = str(data.get("id") or data.get("clause") or number)
        if "text" in data:
            text = str(data["text"])
        else:
            assert clauses is not None
            clause = clauses.get(str(data.get("clause")))
            if clause is None:
                raise GoldError(f"{path}: 第 {number} 行的条文 {data.get('clause')} 不在规范全文中")
            text = clause.extraction_text
        rules = []
        for index, rule in enumerate(data.get("rules", [])):
            try:
                rule = resolve_spans(rule, text)
            except SpanError as exc:
                raise GoldError(f"{path}: 第 {number} 行 rules[{index}].{exc.where}: {exc}") from None
            try:
                rules.append(ExtractedRule.model_validate(rule))
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(str(p) for p in first["loc"])
                raise GoldError(f"{path}: 第 {number} 行 rules[{index}].{where}: {first['msg']}") from None
        items.append(GoldItem(id=ident, text=text, rules=rules))
    return items


# --- spans -------------------------------------------------------------------------------------

SPAN_FIELDS = ("object", "attribute", "value", "unit")
SPAN_MIN_LENGTH = 13  # string answers this long or longer are stored as spans (docs/extraction.md)


class SpanError(ValueError):
    def __init__(self, where: str, message: str):
        super().__init__(message)
        self.where = where


def _resolve_field(value: Any, text: str, where: str) -> Any:
    if not (isinstance(value, dict) and "span" in value):
        return value
    span = value["span"]
    if (set(value) != {"span"} or not isinstance(span, list) or len(span) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in span)):
        raise SpanError(where, 'span 应写作 {"span": [起点, 终点]}（两个整数）')
    start, end = span
    if not 0 <= start < end <= len(text):
        raise SpanError(where, f"span [{start}, {end}] 超出条文文本范围（长 {len(text)} 字）")
    return text[start:end]


def resolve_spans(rule: Any, text: str) -> Any:
    """A gold rule dict with every `{"span": [start, end]}` field replaced by `text[start:end]`,
    in the rule and in its conditions and exceptions (other values are returned as they are)."""
    if not isinstance(rule, dict):
        return rule
    resolved = {k: _resolve_field(v, text, k) if k in SPAN_FIELDS else v for k, v in rule.items()}
    for key in ("conditions", "exceptions"):
        tests = resolved.get(key)
        if isinstance(tests, list):
            resolved[key] = [
                {k: _resolve_field(v, text, f"{key}[{i}].{k}") if k in SPAN_FIELDS else v
                 for k, v in test.items()} if isinstance(test, dict) else test
                for i, test in enumerate(tests)]
    return resolved


def span_of(value: str, text: str) -> dict[str, list[int]] | None:
    """The span form of `value` (its first occurrence in `text`), or None if it does not occur."""
    start = text.find(value)
    return None if start < 0 or not value else {"span": [start, start + len(value)]}


# --- zhouyc98 ----------------------------------------------------------------------------------

_NUMBER_UNIT = re.compile(rf"^(\d+(?:\.\d+)?)\s*({UNIT_PATTERN})?$")


def _spans(line: str) -> tuple[str, list[tuple[str, str, int]]]:
    chars, spans = [], []
    current: list[Any] | None = None
    for token in line.split():
        ch, _, tag = token.rpartition("/")
        if not ch:
            ch, tag = "/", "O"
        position = len(chars)
        chars.append(ch)
        if tag.startswith("B-"):
            if current:
                spans.append(tuple(current))
            current = [tag[2:], ch, position]
        elif tag.startswith("I-") and current and current[0] == tag[2:]:
            current[1] += ch
        else:
            if current:
                spans.append(tuple(current))
            current = None
    if current:
        spans.append(tuple(current))
    return "".join(chars), spans  # type: ignore[return-value]


def _value(text: str) -> tuple[Any, str | None]:
    match = _NUMBER_UNIT.match(text)
    if match:
        raw = match.group(1)
        return (float(raw) if "." in raw else int(raw)), match.group(2)
    return text, None


def load_zhouyc98(directory: Path) -> list[GoldItem]:
    path = directory / "_sentences_tags.txt"
    try:
        raw = read_text_file(path)
    except InputError as exc:
        raise GoldError(str(exc)) from None
    items = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        text, spans = _spans(line)
        rules = []
        for index, (kind, word, _) in enumerate(spans):
            if kind != "cmp" or index + 1 >= len(spans) or spans[index + 1][0] not in ("Rprop", "Robj"):
                continue
            prop = next((w for k, w, _ in reversed(spans[:index]) if k == "prop"), "")
            obj = next((w for k, w, _ in reversed(spans[:index]) if k in ("obj", "sobj")), "")
            value, unit = _value(spans[index + 1][1])
            rules.append(ExtractedRule(object=obj, attribute=prop, operator=operator_of(word) or "==",
                                       value=value, unit=unit, strength=strength_of(word) or "应"))
        items.append(GoldItem(id=f"zhouyc98:{number}", text=text, rules=rules))
    return items
