"""Ingest a user's copy of a standard: clauses, items, tables, notes and references into the
rule graph, with the rules an extractor finds in every clause, in one transaction.

Keys follow graph/schema.py: Clause `GB50016-2014:5.5.18` (schema.clause_key), Item
`…:5.5.18#1`, CodeTable `GB50016-2014:表5.5.18`, Note `<owner id>#注1`, extracted Rule
`…:5.5.18#x-rules-01`. Clause.text is set, Clause.title never (the pack owns it). Re-ingesting
the same text leaves the same nodes and edges: the standard's items, notes, tables and extracted
rules of the same extractor are deleted and written again inside the transaction, everything
else is MERGEd. Rules that fail a quality gate are counted, never written.

`rules_diff` compares, per clause, the pack's rules with the extracted ones, matched by object
and attribute (the pack's attribute label, 净宽度, against the extracted attribute word).
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from typing import Any

from extraction.models import ExtractedRule, ExtractionResult
from extraction.parser import ParsedStandard
from extraction.registry import Extractor, run_extractor
from extraction.text import compact
from reasoning.rules import OPERATOR_WORDS, Rule

from .schema import PACK_SOURCE, clause_key
from .store import RuleStore, _batches, _merge_edges_query, _merge_nodes_query

EXTRACTED_PREFIX = "extracted:"


@dataclass
class IngestStats:
    standard: str
    code: str
    clauses: int = 0
    items: int = 0
    tables: int = 0
    notes: int = 0
    references: int = 0
    rules: int = 0
    gate_failures: int = 0
    duplicates_dropped: int = 0
    seconds: float = 0.0
    nodes: int = 0
    edges: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)   # (clause, message)


def derive_code(standard_id: str) -> str:
    """'GB 50016-2014(2018)' → 'GB50016-2014': no spaces, no edition in parentheses."""
    code = re.sub(r"\s+", "", standard_id)
    code = re.sub(r"[（(].*?[)）]$", "", code)
    return code


def standard_code(store: RuleStore, standard_id: str) -> str:
    """The code the graph already uses for this standard (the pack's), else one derived."""
    try:
        rows = store.run("MATCH (s:Standard) WHERE s.id = $id RETURN s.code AS code", {"id": standard_id})
    except Exception:  # no schema yet
        rows = []
    if rows and rows[0]["code"]:
        return str(rows[0]["code"])
    return derive_code(standard_id)


def _rule_title(rule: ExtractedRule) -> str:
    word = OPERATOR_WORDS.get(rule.operator, (rule.operator, ""))[0]
    value = f"{rule.value:g}" if isinstance(rule.value, float) else str(rule.value)
    return f"{rule.object}的{rule.attribute}{word}{value}{rule.unit or ''}"[:120]


@dataclass
class _Rows:
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def node(self, label: str, row: dict[str, Any]) -> None:
        self.nodes.setdefault(label, []).append(row)

    def edge(self, kind: str, src_label: str, dst_label: str, src: str, dst: str) -> None:
        rows = self.edges.setdefault((kind, src_label, dst_label), [])
        rows.append({"src": src, "dst": dst})


def build_rows(parsed: ParsedStandard, standard_id: str, code: str,
               results: dict[str, ExtractionResult], extractor: Extractor | None) -> tuple[_Rows, IngestStats]:
    stats = IngestStats(standard=standard_id, code=code, duplicates_dropped=parsed.duplicates_dropped)
    rows = _Rows()
    standard_row: dict[str, Any] = {"id": standard_id, "code": code}
    if parsed.title:
        standard_row["title"] = parsed.title
    rows.node("Standard", standard_row)
    numbers = {c.number for c in parsed.clauses}
    defined_tables: dict[str, dict[str, Any]] = {}
    stub_clauses: dict[str, dict[str, Any]] = {}
    stub_tables: dict[str, dict[str, Any]] = {}
    referenced_standards: dict[str, dict[str, Any]] = {}
    source = f"{EXTRACTED_PREFIX}{extractor.name}" if extractor else None

    for clause in parsed.clauses:
        key = clause_key(code, clause.number)
        rows.node("Clause", {"id": key, "standard": standard_id, "number": clause.number,
                             "text": clause.text, "chapter": clause.chapter, "section": clause.section})
        rows.edge("HAS_CLAUSE", "Standard", "Clause", standard_id, key)
        stats.clauses += 1
        for item in clause.items:
            item_id = f"{key}#{item.number}"
            rows.node("Item", {"id": item_id, "clause": key, "number": item.number, "text": item.text})
            rows.edge("HAS_ITEM", "Clause", "Item", key, item_id)
            stats.items += 1
        for table in clause.tables:
            table_id = f"{code}:表{table.number}"
            defined_tables[table_id] = {"id": table_id, "standard": standard_id, "number": table.number,
                                        "title": table.title, "markdown": table.markdown}
            rows.edge("HAS_TABLE", "Clause", "CodeTable", key, table_id)
        for index, note in enumerate(clause.notes, start=1):
            if note.table:
                owner, owner_label = f"{code}:表{note.table}", "CodeTable"
            else:
                owner, owner_label = key, "Clause"
            note_id = f"{owner}#注{note.number or index}"
            rows.node("Note", {"id": note_id, "owner": owner, "number": note.number, "text": note.text})
            rows.edge("HAS_NOTE", owner_label, "Note", owner, note_id)
            stats.notes += 1
        refs = clause.references
        for number in refs.clauses:
            target = clause_key(code, number)
            if number not in numbers:
                stub_clauses[target] = {"id": target, "standard": standard_id, "number": number}
            rows.edge("REFERENCES", "Clause", "Clause", key, target)
        for number in refs.tables:
            table_id = f"{code}:表{number}"
            stub_tables.setdefault(table_id, {"id": table_id, "standard": standard_id, "number": number})
            rows.edge("REFERENCES", "Clause", "CodeTable", key, table_id)
        for ident, title in refs.standards:
            referenced_standards.setdefault(ident, {"id": ident, "code": re.sub(r"\s+", "", ident),
                                                    "title": title})
            rows.edge("REFERENCES", "Clause", "Standard", key, ident)
        stats.references += len(refs.clauses) + len(refs.tables) + len(refs.standards)

        result = results.get(clause.number)
        if result is None or extractor is None:
            continue
        stats.gate_failures += len(result.gate_failures)
        stats.failures += [(clause.number, f.message) for f in result.gate_failures]
        for index, rule in enumerate(result.rules, start=1):
            rule_id = f"{key}#x-{extractor.name}-{index:02d}"
            rows.node("Rule", {
                "id": rule_id, "standard": standard_id, "clause": clause.number,
                "title": _rule_title(rule), "object": rule.object, "attribute": rule.attribute,
                "operator": rule.operator, "strength": rule.strength, "unit": rule.unit or "",
                "source": source, "body": json.dumps(rule.to_json_dict(), ensure_ascii=False),
                "extractor": extractor.name, "extractor_version": extractor.version,
                "confidence": float(rule.confidence if rule.confidence is not None else 1.0),
            })
            rows.edge("HAS_RULE", "Clause", "Rule", key, rule_id)
            stats.rules += 1

    for table_id, row in stub_tables.items():
        if table_id not in defined_tables:
            rows.node("CodeTable#stub", row)
    for row in defined_tables.values():
        rows.node("CodeTable", row)
    stats.tables = len(defined_tables)
    for row in stub_clauses.values():
        rows.node("Clause#stub", row)
    for row in referenced_standards.values():
        if row["id"] != standard_id:
            rows.node("Standard#ref", row)
    return rows, stats


def ingest_standard(store: RuleStore, parsed: ParsedStandard, standard_id: str,
                    extractor: Extractor | None = None) -> IngestStats:
    """Write `parsed` (and the rules `extractor` finds in it) into `store` in one transaction."""
    started = time.perf_counter()
    code = standard_code(store, standard_id)
    results: dict[str, ExtractionResult] = {}
    if extractor is not None:
        extracted = run_extractor(extractor, [(c.number, c.extraction_text) for c in parsed.clauses])
        results = {r.id or "": r for r in extracted}
    rows, stats = build_rows(parsed, standard_id, code, results, extractor)
    store.ensure_schema()
    with store.transaction() as tx:
        params = {"standard": standard_id}
        # What this ingest owns is written again whole: stale items, notes, tables go first.
        tx.run("MATCH (c:Clause)-[:HAS_ITEM]->(i:Item) WHERE c.standard = $standard DETACH DELETE i", params)
        tx.run("MATCH (c:Clause)-[:HAS_NOTE]->(n:Note) WHERE c.standard = $standard DETACH DELETE n", params)
        tx.run("MATCH (t:CodeTable)-[:HAS_NOTE]->(n:Note) WHERE t.standard = $standard DETACH DELETE n",
               params)
        tx.run("MATCH (t:CodeTable) WHERE t.standard = $standard DETACH DELETE t", params)
        tx.run("MATCH (c:Clause)-[e:REFERENCES]->(s:Standard) WHERE c.standard = $standard DELETE e",
               params)
        if extractor is not None:
            tx.run("MATCH (r:Rule) WHERE r.standard = $standard AND r.source = $source DETACH DELETE r",
                   {**params, "source": f"{EXTRACTED_PREFIX}{extractor.name}"})
        for label, items in rows.nodes.items():
            if label == "Standard#ref":
                for batch in _batches(items):
                    tx.run("UNWIND $rows AS row MERGE (s:Standard {id: row.id}) "
                           "ON CREATE SET s.code = row.code, s.title = row.title", {"rows": batch})
                continue
            real = label.split("#")[0]
            for batch in _batches(items):
                tx.run(_merge_nodes_query(real, list(batch[0])), {"rows": batch})
        for (kind, src, dst), items in rows.edges.items():
            for batch in _batches(items):
                tx.run(_merge_edges_query(kind, src, dst), {"rows": batch})
    counts = store.counts()
    stats.nodes = sum(counts["nodes"].values())
    stats.edges = sum(counts["edges"].values())
    stats.seconds = time.perf_counter() - started
    return stats


# --- rules diff ----------------------------------------------------------------------------------


@dataclass
class DiffRow:
    clause: str
    status: str          # same, differs, pack-only, extracted-only
    object: str
    attribute: str
    pack: str | None = None
    extracted: str | None = None
    pack_id: str | None = None
    extracted_id: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()}


def _pack_threshold(rule: Rule) -> str:
    unit = rule.unit or ""
    if rule.value is not None:
        value = rule.value
        if isinstance(value, float):
            value = f"{value:g}"
        return f"{rule.operator} {value}{unit}"
    if rule.table is not None:
        return f"{rule.operator} {rule.table.id}"
    return f"{rule.operator} {rule.value_fact}"


def _extracted_threshold(body: dict[str, Any]) -> str:
    value = body.get("value")
    if isinstance(value, float):
        value = f"{value:g}"
    return f"{body.get('operator')} {value}{body.get('unit') or ''}"


def _aliases(rule_set_concepts: dict[str, list[str]], name: str) -> set[str]:
    return {compact(name), *(compact(a) for a in rule_set_concepts.get(name, []))}


def _same_value(pack: Rule, body: dict[str, Any]) -> bool:
    if pack.operator != body.get("operator"):
        return False
    if pack.value is None:
        # a table threshold: the extracted rule agrees when it names the table
        return pack.table is not None and compact(pack.table.id.lstrip("表")) in compact(str(body.get("value")))
    a, b = pack.value, body.get("value")
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return abs(float(a) - float(b)) < 1e-9
    return compact(str(a)) == compact(str(b))


def rules_diff(store: RuleStore, clause: str | None = None, extractor: str | None = None) -> list[DiffRow]:
    """Per clause: the pack's rules against the extracted ones, matched by object (or one of its
    aliases) and attribute (the pack's label against the extracted word, either containing the
    other). Pairs whose operator or value differ are flagged `differs`."""
    rule_set = store.load_rule_set()
    aliases = {c.name: list(c.aliases) for c in rule_set.concepts}
    pack_rules = [r for r in rule_set.rules if clause is None or r.clause == clause]
    query = (f"MATCH (r:Rule) WHERE r.source STARTS WITH '{EXTRACTED_PREFIX}' "
             "RETURN r.id AS id, r.clause AS clause, r.source AS source, r.body AS body ORDER BY id")
    extracted = [row for row in store.run(query)
                 if (clause is None or row["clause"] == clause)
                 and (extractor is None or row["source"] == f"{EXTRACTED_PREFIX}{extractor}")]
    by_clause: dict[str, list[dict[str, Any]]] = {}
    for row in extracted:
        by_clause.setdefault(row["clause"], []).append({**json.loads(row["body"]), "_id": row["id"]})
    out: list[DiffRow] = []
    clauses = sorted({r.clause for r in pack_rules} | set(by_clause), key=_clause_key)
    for number in clauses:
        candidates = list(by_clause.get(number, []))
        used: set[int] = set()
        for rule in sorted((r for r in pack_rules if r.clause == number), key=lambda r: r.id):
            names = _aliases(aliases, rule.object)
            label = compact(rule.attribute_label)
            def attribute_fits(body: dict[str, Any]) -> bool:
                attribute = compact(body.get("attribute", ""))
                return bool(attribute) and (label in attribute or attribute in label)

            matches = [i for i, body in enumerate(candidates)
                       if compact(body.get("object", "")) in names and attribute_fits(body)]
            if not matches:  # 一类高层建筑 for the pack's 建筑: a narrower word ending in the name
                matches = [i for i, body in enumerate(candidates) if i not in used
                           and any(compact(body.get("object", "")).endswith(n) for n in names)
                           and attribute_fits(body)]
            if not matches:
                out.append(DiffRow(number, "pack-only", rule.object, rule.attribute_label,
                                   pack=_pack_threshold(rule), pack_id=rule.id))
                continue
            same = [i for i in matches if _same_value(rule, candidates[i])]
            chosen = same[0] if same else matches[0]
            used.update(matches)
            body = candidates[chosen]
            out.append(DiffRow(number, "same" if same else "differs", rule.object, rule.attribute_label,
                               pack=_pack_threshold(rule), extracted=_extracted_threshold(body),
                               pack_id=rule.id, extracted_id=body["_id"]))
        for index, body in enumerate(candidates):
            if index not in used:
                out.append(DiffRow(number, "extracted-only", body.get("object", ""), body.get("attribute", ""),
                                   extracted=_extracted_threshold(body), extracted_id=body["_id"]))
    return out


def _clause_key(number: str) -> tuple:
    return tuple((int(re.sub(r"\D", "", p) or 0), p) for p in number.split("."))


__all__ = ["IngestStats", "ingest_standard", "rules_diff", "derive_code", "PACK_SOURCE"]
