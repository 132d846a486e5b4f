"""The rule graph's shape, shared by every store, and the rows a rule set becomes.

Nodes: Standard, Clause, Item, CodeTable (`Table` is reserved in LadybugDB), Note, Rule, Concept, Attribute, Meta. Edges: HAS_CLAUSE
(Standard→Clause), HAS_ITEM, HAS_TABLE, HAS_NOTE (a clause's parts), HAS_RULE (Clause→Rule),
CONSTRAINS (Rule→Concept), ON_ATTRIBUTE (Rule→Attribute), IS_A (Concept→Concept), REFERENCES
(Clause→Clause|CodeTable|Standard, Rule→Clause).

Labels, relationship types and property names below are the allow-list: Cypher text is built only
from these constants, never from user values, which always travel as query parameters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from reasoning.rules import RuleSet

# label → (key property, other properties with their LadybugDB types)
NODES: dict[str, tuple[str, dict[str, str]]] = {
    "Standard": ("id", {"code": "STRING", "title": "STRING"}),
    "Clause": ("id", {"standard": "STRING", "number": "STRING", "title": "STRING",
                      "text": "STRING", "chapter": "STRING", "section": "STRING"}),
    # Items (款), tables and notes (注) of a clause, from a user's ingest of the standard's text.
    "Item": ("id", {"clause": "STRING", "number": "STRING", "text": "STRING"}),
    "CodeTable": ("id", {"standard": "STRING", "number": "STRING", "title": "STRING",
                     "markdown": "STRING"}),
    "Note": ("id", {"owner": "STRING", "number": "STRING", "text": "STRING"}),
    "Rule": ("id", {"standard": "STRING", "clause": "STRING", "title": "STRING",
                    "object": "STRING", "attribute": "STRING", "operator": "STRING",
                    "strength": "STRING", "unit": "STRING", "source": "STRING",
                    "body": "STRING",
                    # provenance of extracted rules (empty for the hand-written pack)
                    "extractor": "STRING", "extractor_version": "STRING",
                    "confidence": "DOUBLE"}),
    "Concept": ("name", {"aliases": "STRING"}),
    "Attribute": ("key", {"label": "STRING", "unit": "STRING"}),
    "Meta": ("key", {"value": "STRING"}),
}

# type → [(from label, to label)]
EDGES: dict[str, list[tuple[str, str]]] = {
    "HAS_CLAUSE": [("Standard", "Clause")],
    "HAS_ITEM": [("Clause", "Item")],
    "HAS_TABLE": [("Clause", "CodeTable")],
    "HAS_NOTE": [("Clause", "Note"), ("CodeTable", "Note")],
    "HAS_RULE": [("Clause", "Rule")],
    "CONSTRAINS": [("Rule", "Concept")],
    "ON_ATTRIBUTE": [("Rule", "Attribute")],
    "IS_A": [("Concept", "Concept")],
    # 本规范第X.Y.Z条 → Clause, 表X.Y.Z → CodeTable, 《…》GB NNNNN → Standard
    "REFERENCES": [("Clause", "Clause"), ("Rule", "Clause"), ("Clause", "CodeTable"),
                   ("Clause", "Standard")],
}

PACK_SOURCE = "pack"


def clause_key(standard_code: str, number: str) -> str:
    """Business key of a clause: 'GB50016-2014:5.5.18'."""
    return f"{standard_code}:{number}"


@dataclass
class GraphRows:
    """A rule set as node rows per label and edge rows per (type, from, to)."""

    nodes: dict[str, list[dict]]
    edges: dict[tuple[str, str, str], list[dict]]
    version: str
    standards: list[str]

    @property
    def row_count(self) -> int:
        return sum(map(len, self.nodes.values())) + sum(map(len, self.edges.values()))


def rule_set_rows(rule_set: RuleSet, source: str = PACK_SOURCE) -> GraphRows:
    code_of = {s.id: s.code for s in rule_set.standards}
    nodes: dict[str, list[dict]] = {label: [] for label in NODES}
    edges: dict[tuple[str, str, str], list[dict]] = {
        (kind, a, b): [] for kind, pairs in EDGES.items() for a, b in pairs
    }
    for standard in rule_set.standards:
        nodes["Standard"].append({"id": standard.id, "code": standard.code, "title": standard.title})

    clauses: dict[str, dict] = {}

    def ensure_clause(standard_id: str, number: str, title: str = "") -> str:
        key = clause_key(code_of[standard_id], number)
        if key not in clauses:
            # No `text` here: clause text comes only from a user's ingest and must survive a
            # re-import of the pack.
            clauses[key] = {"id": key, "standard": standard_id, "number": number, "title": title}
            edges[("HAS_CLAUSE", "Standard", "Clause")].append({"src": standard_id, "dst": key})
        elif title:
            clauses[key]["title"] = title
        return key

    for clause in rule_set.clauses:
        src = ensure_clause(clause.standard, clause.number, clause.title)
        for ref in clause.references:
            dst = ensure_clause(clause.standard, ref)
            edges[("REFERENCES", "Clause", "Clause")].append({"src": src, "dst": dst})

    for rule in rule_set.rules:
        clause = ensure_clause(rule.standard, rule.clause)
        nodes["Rule"].append({
            "id": rule.id, "standard": rule.standard, "clause": rule.clause, "title": rule.title,
            "object": rule.object, "attribute": rule.attribute, "operator": rule.operator,
            "strength": rule.strength, "unit": rule.unit or "", "source": source,
            "body": rule.model_dump_json(),
        })
        edges[("HAS_RULE", "Clause", "Rule")].append({"src": clause, "dst": rule.id})
        edges[("CONSTRAINS", "Rule", "Concept")].append({"src": rule.id, "dst": rule.object})
        edges[("ON_ATTRIBUTE", "Rule", "Attribute")].append({"src": rule.id, "dst": rule.attribute})
        for ref in rule.references:
            edges[("REFERENCES", "Rule", "Clause")].append(
                {"src": rule.id, "dst": ensure_clause(rule.standard, ref)})

    nodes["Clause"] = list(clauses.values())
    for concept in rule_set.concepts:
        nodes["Concept"].append({"name": concept.name,
                                 "aliases": json.dumps(concept.aliases, ensure_ascii=False)})
        for parent in concept.parents:
            edges[("IS_A", "Concept", "Concept")].append({"src": concept.name, "dst": parent})
    attributes = {a.key: a for a in rule_set.attributes}
    for key in sorted({r.attribute for r in rule_set.rules} | set(attributes)):
        known = attributes.get(key)
        nodes["Attribute"].append({"key": key, "label": known.label if known else key,
                                   "unit": (known.unit if known else None) or ""})
    nodes["Meta"].append({"key": f"version:{source}", "value": rule_set.version})
    return GraphRows(nodes=nodes, edges=edges, version=rule_set.version,
                     standards=[s.id for s in rule_set.standards])
