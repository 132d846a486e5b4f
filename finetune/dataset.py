"""The SFT set for the LLM extractor: (instruction, clause or sentence, extraction-v1 JSON).

Sources, each optional:
- `zhouyc98`: the labelled sentences of Zhou et al. (2022), train split, converted to
  extraction-v1 by the extraction package's converter;
- `gold`: the project's annotated clauses (tests/gold/*.jsonl, read by extraction.gold, with
  the clause text from the user's copy of the standard); split.json decides their split
  (dev → validation, heldout → test): they are never trained on;
- `pack`: the built-in GB 50016 pack's constant-threshold rules, as extraction-v1 rules, with
  each clause's text from a corpus the user supplies (`--corpus`; no code text ships with the
  project). A rule is kept only when it passes the extraction quality gates against the clause
  text (extraction/gates.py); table and derived-threshold rules are left out (their answer is not
  in the sentence).

Split by document: a document is a clause (standard + number) or a zhouyc98 sentence (by its
text). A document goes to one split only; clauses named in tests/gold/split.json go to
validation (dev) or test (heldout) whatever their source, and any training text that shares a
20-character run with a validation/test text is removed from training (counted in stats.json).
The rest is split by a hash of the document key, so adding data never moves a document.

Exports, per split: `{split}.jsonl` (our records), LLaMA-Factory `firecheck_{split}_alpaca.json`
and `firecheck_{split}_sharegpt.json`, and one `dataset_info.json` declaring them all.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extraction.gates import check_rule
from extraction.gold import GoldError, load_gold_jsonl
from extraction.models import ExtractedRule
from extraction.parser import ParseError, parse_standard
from extraction.text import InputError, compact, normalize, read_text_file

from .prompts import EXTRACTION_INSTRUCTION, EXTRACTION_SYSTEM

SPLITS = ("train", "validation", "test")
_SHINGLE = 20


class DatasetError(ValueError):
    """Bad input to the data set builder; the message names the file."""


@dataclass
class Document:
    """One input text with its gold rules (extraction-v1 rule dicts)."""

    key: str  # the leakage unit: "GB50016:5.5.18" or "zhouyc98:<hash>"
    id: str
    text: str
    rules: list[dict[str, Any]]
    source: str
    standard: str | None = None
    clause: str | None = None
    split: str | None = None  # forced split (gold dev/heldout)


@dataclass
class BuildStats:
    documents: Counter = field(default_factory=Counter)  # (source, split) → n
    skipped: Counter = field(default_factory=Counter)  # reason → n
    rules: Counter = field(default_factory=Counter)  # split → n

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": {f"{source}/{split}": n for (source, split), n in sorted(self.documents.items())},
            "rules": dict(self.rules),
            "skipped": dict(self.skipped),
        }


# --- keys and text ---------------------------------------------------------------------------


def standard_code(standard: str | None) -> str:
    """'GB 50016-2014(2018)' and 'GB 50016-2014（2018年版）' → 'GB50016'."""
    if not standard:
        return "?"
    match = re.search(r"([A-Z]{2,}(?:/T)?)\s*(\d+)", normalize(standard))
    return f"{match.group(1)}{match.group(2)}" if match else compact(standard)


def clause_key(standard: str | None, clause: str) -> str:
    return f"{standard_code(standard)}:{normalize(clause).strip()}"


def _text_key(text: str) -> str:
    return "zhouyc98:" + hashlib.sha1(compact(text).encode()).hexdigest()[:16]


def hash_split(key: str, validation_ratio: float, seed: int) -> str:
    digest = hashlib.sha256(f"{seed}:{key}".encode()).digest()
    return "validation" if int.from_bytes(digest[:8], "big") / 2**64 < validation_ratio else "train"


# --- corpus ----------------------------------------------------------------------------------

def read_corpus(path: Path, standard: str | None = None) -> dict[str, str]:
    """Clause text by clause key, from a clauses JSONL (`clause_id`/`clause`/`id`, `text`,
    `standard`) or the text of a standard (parsed by extraction.parser, as `firecheck ingest` and
    the gold loader read it; the text is each clause's `extraction_text`)."""
    try:
        raw = read_text_file(Path(path))
    except InputError as exc:
        raise DatasetError(str(exc)) from None
    clauses: dict[str, str] = {}
    if Path(path).suffix != ".jsonl":
        try:
            parsed = parse_standard(raw)
        except ParseError as exc:
            raise DatasetError(f"{path}: {exc}") from None
        for clause in parsed.clauses:
            clauses[clause_key(standard or parsed.code, clause.number)] = clause.extraction_text
        return clauses
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            clause = row.get("clause_id") or row.get("clause") or row["id"]
            text = row["text"]
        except (json.JSONDecodeError, KeyError, TypeError, AttributeError):
            raise DatasetError(f"{path} 第 {number} 行：应为含 clause_id（或 clause/id）和 text 的 JSON") from None
        clauses.setdefault(clause_key(row.get("standard") or standard, str(clause)), normalize(text))
    return clauses


# --- sources ---------------------------------------------------------------------------------


def gold_documents(gold_dir: Path, text_file: Path | None = None, strict: bool = True,
                   stats: BuildStats | None = None) -> list[Document]:
    """The project's annotated clauses (tests/gold/*.jsonl), read by extraction.gold (clause text
    from `text_file`, else the file's own `text_source`). Their split comes from split.json.
    With strict=False a gold file whose text is unavailable is skipped and counted."""
    gold_dir = Path(gold_dir)
    forced = forced_splits(gold_dir)
    split_file = gold_dir / "split.json"
    standard = json.loads(split_file.read_text(encoding="utf-8")).get("standard") if split_file.exists() else None
    documents = []
    for path in sorted(gold_dir.glob("*.jsonl")):
        try:
            items = load_gold_jsonl(path, text_file)
        except GoldError as exc:
            if strict:
                raise DatasetError(f"{exc}（finetune dataset 用 --corpus 给出规范全文）") from None
            if stats is not None:
                stats.skipped[f"gold: {path.name}: clause text not available"] += 1
            continue
        for item in items:
            key = clause_key(standard, item.id)
            documents.append(Document(key=key, id=item.id, text=item.text, source="gold", standard=standard,
                                      clause=item.id, split=forced.get(key),
                                      rules=[r.to_json_dict() for r in item.rules]))
    return documents


def forced_splits(gold_dir: Path | None) -> dict[str, str]:
    """Clause key → split for the clauses split.json reserves (dev, heldout)."""
    if gold_dir is None or not (Path(gold_dir) / "split.json").exists():
        return {}
    split = json.loads((Path(gold_dir) / "split.json").read_text(encoding="utf-8"))
    standard = split.get("standard")
    # Every held-back part (heldout, heldout2 …) is test data: never trained on.
    held = [c for name, clauses in split.items() if name.startswith("heldout")
            for c in (clauses if isinstance(clauses, list) else [])]
    return {**{clause_key(standard, c): "validation" for c in split.get("dev", [])},
            **{clause_key(standard, c): "test" for c in held}}


def zhouyc98_documents(records: Iterable[dict[str, Any]]) -> list[Document]:
    """Converted zhouyc98 sentences ({"text", "rules"} each); duplicates of a text merge."""
    seen: dict[str, Document] = {}
    for n, record in enumerate(records, start=1):
        key = _text_key(record["text"])
        if key not in seen:
            seen[key] = Document(key=key, id=str(record.get("id", f"zhouyc98-{n}")), text=record["text"],
                                 rules=list(record["rules"]), source="zhouyc98")
    return list(seen.values())


# Fact paths of the pack → the words a clause uses (object is 建筑 for building facts and the
# rule's object for element facts). Booleans use the condition's label as the attribute.
FACT_WORDS = {
    "height_m": ("建筑高度", "m"), "storeys_above": ("地上层数", "层"), "total_area_m2": ("总建筑面积", "m2"),
    "area_m2": ("建筑面积", "m2"), "use": ("使用功能", None), "fire_resistance_grade": ("耐火等级", None),
    "occupants": ("疏散人数", "人"), "upper_floor_occupants": ("二、三层的人数", "人"),
    "depth_m": ("埋深", "m"), "max_distance_to_door_m": ("室内任一点至疏散门的直线距离", "m"),
    "roof_fire_resistance_h": ("屋顶承重结构和屋面板的耐火极限", "h"), "fire_elevators": ("消防电梯数量", "台"),
    "position": ("位置", None), "storey": ("所在楼层", None), "door_clear_width_m": ("疏散门净宽度", "m"),
}
def _pack_condition(cond, rule_object: str) -> dict[str, Any] | None:
    """A pack condition in extraction-v1 words, or None when it has no such form (in/not_in,
    a fact without words)."""
    scope, key = cond.fact.split(".", 1)
    obj = "建筑" if scope == "building" else rule_object
    if cond.op not in (">=", "<=", ">", "<", "==", "!="):
        return None
    if isinstance(cond.value, bool):
        # The label already reads as the state required (高层建筑, 非裙房内的楼梯, 地上楼层).
        return {"object": obj, "attribute": cond.label, "operator": "==", "value": True} if cond.label else None
    if key == "kind":
        return {"object": "建筑", "attribute": "使用功能", "operator": cond.op,
                "value": "住宅" if cond.value == "住宅建筑" else cond.value}
    if key not in FACT_WORDS:
        return None
    attribute, unit = FACT_WORDS[key]
    out = {"object": obj, "attribute": attribute, "operator": cond.op, "value": cond.value}
    if unit and isinstance(cond.value, (int, float)):
        out["unit"] = unit
    return out


def pack_documents(rule_set, corpus: dict[str, str], stats: BuildStats) -> list[Document]:
    """The pack's constant-threshold rules as extraction-v1 answers for the clauses whose text
    the corpus holds. Each must pass the extraction quality gates against that text (its values
    are in the text, the comparator words there state its operators, units fit): an answer the
    gates would refuse from an extractor is not taught either. Skips are counted."""
    by_clause: dict[str, list] = {}
    for rule in rule_set.rules:
        by_clause.setdefault(clause_key(rule.standard, rule.clause), []).append(rule)
    documents = []
    for key, rules in sorted(by_clause.items()):
        text = corpus.get(key)
        if text is None:
            stats.skipped["pack: clause text not in corpus"] += 1
            continue
        answer = []
        for rule in rules:
            if rule.value is None or isinstance(rule.value, list):
                stats.skipped["pack: rule with a table or derived threshold"] += 1
                continue
            conditions = [_pack_condition(c, rule.object) for c in rule.applies_when]
            if any(c is None for c in conditions):
                stats.skipped["pack: condition with no extraction-v1 form"] += 1
                continue
            candidate = ExtractedRule(object=rule.object, attribute=rule.attribute_label, operator=rule.operator,
                                      value=rule.value, unit=rule.unit, strength=rule.strength,
                                      conditions=conditions)
            failure = check_rule(candidate, text)
            if failure is not None:
                stats.skipped[f"pack: fails the {failure.gate} gate against the clause text"] += 1
                continue
            if candidate.to_json_dict() not in answer:
                answer.append(candidate.to_json_dict())
        if answer:
            standard, clause = rules[0].standard, rules[0].clause
            documents.append(Document(key=key, id=f"{standard_code(standard)}-{clause}", text=text, rules=answer,
                                      source="pack", standard=standard, clause=clause))
    return documents


# --- building and export ---------------------------------------------------------------------


def _shingles(text: str) -> set[str]:
    flat = compact(text)
    return {flat[i:i + _SHINGLE] for i in range(max(len(flat) - _SHINGLE + 1, 1))}


def assign_splits(documents: list[Document], forced: dict[str, str], validation_ratio: float,
                  seed: int, stats: BuildStats) -> dict[str, list[Document]]:
    """One split per document key; training texts overlapping a held-out text are removed."""
    by_key: dict[str, list[Document]] = {}
    for document in documents:
        by_key.setdefault(document.key, []).append(document)
    splits: dict[str, list[Document]] = {name: [] for name in SPLITS}
    for key, group in by_key.items():
        split = forced.get(key) or next((d.split for d in group if d.split), None) \
            or hash_split(key, validation_ratio, seed)
        # Several sources for one clause: the gold annotation wins, then the pack.
        group.sort(key=lambda d: {"gold": 0, "pack": 1}.get(d.source, 2))
        splits[split].append(group[0])
        for dropped in group[1:]:
            stats.skipped[f"{dropped.source}: same document as {group[0].source}"] += 1
    held = set()
    for name in ("validation", "test"):
        for document in splits[name]:
            held |= _shingles(document.text)
    kept = []
    for document in splits["train"]:
        if _shingles(document.text) & held:
            stats.skipped[f"{document.source}: overlaps a validation/test text"] += 1
        else:
            kept.append(document)
    splits["train"] = kept
    return splits


def answer_json(rules: list[dict[str, Any]], canonical: Callable[[list[dict]], list[dict]] | None = None) -> str:
    """The answer as the model must write it: `{"rules": [...]}` with json.dumps' separators
    (the constrained decoder's), keys in schema order when `canonical` orders them."""
    rules = canonical(rules) if canonical else rules
    return json.dumps({"rules": rules}, ensure_ascii=False)


def record(document: Document, split: str, canonical=None) -> dict[str, Any]:
    return {
        "id": document.id, "source": document.source, "standard": document.standard,
        "clause": document.clause, "split": split,
        "system": EXTRACTION_SYSTEM, "instruction": EXTRACTION_INSTRUCTION,
        "input": document.text, "output": answer_json(document.rules, canonical),
    }


def export(splits: dict[str, list[Document]], out_dir: Path, stats: BuildStats, canonical=None) -> dict[str, Any]:
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    info: dict[str, Any] = {}
    for split in SPLITS:
        documents = sorted(splits[split], key=lambda d: d.key)
        rows = [record(d, split, canonical) for d in documents]
        for document in documents:
            stats.documents[(document.source, split)] += 1
            stats.rules[split] += len(document.rules)
        (out_dir / f"{split}.jsonl").write_text(
            "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        alpaca = [{k: r[k] for k in ("instruction", "input", "output", "system")} for r in rows]
        sharegpt = [{"conversations": [{"from": "human", "value": f"{r['instruction']}\n{r['input']}"},
                                       {"from": "gpt", "value": r["output"]}],
                     "system": r["system"]} for r in rows]
        for fmt, data in (("alpaca", alpaca), ("sharegpt", sharegpt)):
            name = f"firecheck_{split}_{fmt}"
            (out_dir / f"{name}.json").write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            info[name] = ({"file_name": f"{name}.json",
                           "columns": {"prompt": "instruction", "query": "input", "response": "output", "system": "system"}}
                          if fmt == "alpaca" else
                          {"file_name": f"{name}.json", "formatting": "sharegpt",
                           "columns": {"messages": "conversations", "system": "system"}})
    (out_dir / "dataset_info.json").write_text(json.dumps(info, ensure_ascii=False, indent=2), encoding="utf-8")
    summary = stats.to_dict()
    (out_dir / "stats.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return summary


def build_dataset(out_dir: Path, *, zhouyc98: Iterable[dict[str, Any]] | None = None,
                  gold_dir: Path | None = None, gold_text: Path | None = None, gold_strict: bool = True,
                  rule_set=None, corpus: dict[str, str] | None = None,
                  validation_ratio: float = 0.1, seed: int = 42, canonical=None) -> dict[str, Any]:
    """Build and export the SFT set; returns the stats written to stats.json."""
    if not 0 <= validation_ratio < 1:
        raise DatasetError(f"--validation-ratio: 应在 [0, 1) 内（得到 {validation_ratio}）")
    stats = BuildStats()
    documents: list[Document] = []
    if zhouyc98 is not None:
        documents += zhouyc98_documents(zhouyc98)
    if gold_dir is not None and Path(gold_dir).is_dir():
        documents += gold_documents(gold_dir, gold_text, gold_strict, stats)
    if rule_set is not None and corpus:
        documents += pack_documents(rule_set, corpus, stats)
    if not documents:
        raise DatasetError("没有任何数据来源（zhouyc98、tests/gold 或 --corpus 加内置规则包）")
    splits = assign_splits(documents, forced_splits(gold_dir), validation_ratio, seed, stats)
    return export(splits, out_dir, stats, canonical)
