"""Read-only views of the rule graph for the HTTP API and the web pages.

Everything here goes through `RuleStore.run` with parameters; labels, relationship types and
property names come only from the allow-list in graph/schema.py. Results are plain dicts and
lists, ready to serialise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .schema import EDGES, NODES
from .store import RuleStore

# Nodes a neighbourhood walk shows but does not walk through: a standard links to every clause,
# and so does any node with more new neighbours than HUB_FANOUT (5.1.1 is cited by most rules).
HUBS = {"Standard"}
HUB_FANOUT = 15
# What a graph node shows as its caption, per label.
_CAPTION_PROPS: dict[str, tuple[str, ...]] = {
    "Standard": ("id", "title"),
    "Clause": ("number", "title", "standard"),
    "Item": ("clause", "number", "text"),
    "CodeTable": ("number", "title"),
    "Note": ("owner", "number", "text"),
    "Rule": ("clause", "title", "strength", "object", "attribute"),
    "Concept": ("name", "aliases"),
    "Attribute": ("key", "label", "unit"),
}


def clause_sort_key(number: str | None) -> tuple:
    """'5.1.3A' after '5.1.3', '5.5.18' after '5.5.9'."""
    parts = []
    for piece in re.split(r"[.\-]", number or ""):
        match = re.match(r"(\d*)(.*)", piece)
        digits, rest = match.group(1), match.group(2)  # type: ignore[union-attr]
        parts.append((int(digits) if digits else -1, rest))
    return tuple(parts)


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


# --- standards and clauses --------------------------------------------------------------------


def standards(store: RuleStore) -> list[dict[str, Any]]:
    rows = store.run("MATCH (s:Standard) OPTIONAL MATCH (s)-[:HAS_CLAUSE]->(c:Clause) "
                     "RETURN s.id AS id, s.code AS code, s.title AS title, count(c) AS clauses "
                     "ORDER BY id")
    rules = {r["standard"]: int(r["n"]) for r in store.run(
        "MATCH (r:Rule) RETURN r.standard AS standard, count(r) AS n")}
    texts = {r["standard"]: int(r["n"]) for r in store.run(
        "MATCH (c:Clause) WHERE c.text IS NOT NULL AND c.text <> '' "
        "RETURN c.standard AS standard, count(c) AS n")}
    return [{"id": r["id"], "code": r["code"], "title": r["title"] or "",
             "clauses": int(r["clauses"]), "clauses_with_text": texts.get(r["id"], 0),
             "rules": rules.get(r["id"], 0)} for r in rows]


def resolve_standard(store: RuleStore, name: str) -> dict[str, Any] | None:
    """A standard by its full id ('GB 50016-2014(2018)') or compact code ('GB50016-2014'),
    ignoring spaces and letter case."""
    wanted = _compact(name)
    for row in store.run("MATCH (s:Standard) RETURN s.id AS id, s.code AS code, s.title AS title"):
        full = _compact(row["id"])
        if wanted in (full, _compact(row["code"] or ""), re.sub(r"\(.*\)$", "", full)):
            return row
    return None


def list_clauses(store: RuleStore, standard_id: str | None = None) -> list[dict[str, Any]]:
    rows = store.run(
        "MATCH (c:Clause) OPTIONAL MATCH (c)-[:HAS_RULE]->(r:Rule) "
        "RETURN c.id AS id, c.standard AS standard, c.number AS number, c.title AS title, "
        "c.text AS text, count(r) AS rules")
    found = [{"id": r["id"], "standard": r["standard"], "number": r["number"],
              "title": r["title"] or "", "has_text": bool(r["text"]), "rules": int(r["rules"])}
             for r in rows if standard_id is None or r["standard"] == standard_id]
    return sorted(found, key=lambda c: (c["standard"], clause_sort_key(c["number"])))


def clause_corpus(store: RuleStore) -> list[dict[str, Any]]:
    """Every clause with its text, its items' text and its tables' titles: what /v1/ask
    retrieves over."""
    rows = store.run("MATCH (c:Clause) RETURN c.id AS id, c.standard AS standard, "
                     "c.number AS number, c.title AS title, c.text AS text")
    items: dict[str, list[str]] = {}
    for row in store.run("MATCH (c:Clause)-[:HAS_ITEM]->(i:Item) RETURN c.id AS id, i.text AS text"):
        if row["text"]:
            items.setdefault(row["id"], []).append(row["text"])
    tables: dict[str, list[str]] = {}
    for row in store.run("MATCH (c:Clause)-[:HAS_TABLE]->(t:CodeTable) "
                         "RETURN c.id AS id, t.number AS number, t.title AS title"):
        tables.setdefault(row["id"], []).append(f"{row['number'] or ''} {row['title'] or ''}")
    return [{**row, "items_text": " ".join(items.get(row["id"], [])),
             "tables_text": " ".join(tables.get(row["id"], []))} for row in rows]


def existing_text(store: RuleStore, ids: list[str]) -> list[str]:
    """Which of these clauses have ingested text."""
    return sorted(clause_texts(store, ids))


def clause_texts(store: RuleStore, ids: list[str]) -> dict[str, str]:
    """Ingested text of the clauses with these ids ('GB50016-2014:5.5.18'), where there is any."""
    rows = store.run("MATCH (c:Clause) WHERE c.id IN $ids RETURN c.id AS id, c.text AS text",
                     {"ids": ids})
    return {r["id"]: r["text"] for r in rows if r["text"]}


def existing_clauses(store: RuleStore, ids: list[str]) -> list[str]:
    """Which of these clause ids are in the graph."""
    rows = store.run("MATCH (c:Clause) WHERE c.id IN $ids RETURN c.id AS id", {"ids": ids})
    return sorted(r["id"] for r in rows)


def version_stamp(store: RuleStore) -> tuple:
    """Changes whenever rules, clause text or items change: the pack and import versions, and
    counts of rules, clauses with text and items."""
    meta = tuple((r["key"], r["value"]) for r in store.run(
        "MATCH (m:Meta) RETURN m.key AS key, m.value AS value ORDER BY key"))
    rules = store.run("MATCH (r:Rule) RETURN count(r) AS n")[0]["n"]
    texts = store.run("MATCH (c:Clause) WHERE c.text IS NOT NULL AND c.text <> '' "
                      "RETURN count(c) AS n")[0]["n"]
    items = store.run("MATCH (i:Item) RETURN count(i) AS n")[0]["n"]
    return meta, int(rules), int(texts), int(items)


def _clause_row(store: RuleStore, standard_id: str, number: str) -> dict[str, Any] | None:
    rows = store.run(
        "MATCH (c:Clause) WHERE c.standard = $standard AND c.number = $number "
        "RETURN c.id AS id, c.standard AS standard, c.number AS number, c.title AS title, "
        "c.text AS text, c.chapter AS chapter, c.section AS section",
        {"standard": standard_id, "number": number})
    return rows[0] if rows else None


def clause_detail(store: RuleStore, standard_id: str, number: str) -> dict[str, Any] | None:
    """A clause with its text (when ingested), items, tables, notes, rules, the clauses, tables
    and standards it refers to, and what refers to it."""
    clause = _clause_row(store, standard_id, number)
    if clause is None:
        return None
    key = {"id": clause["id"]}
    items = store.run("MATCH (c:Clause)-[:HAS_ITEM]->(i:Item) WHERE c.id = $id "
                      "RETURN i.id AS id, i.number AS number, i.text AS text", key)
    notes = store.run("MATCH (c:Clause)-[:HAS_NOTE]->(n:Note) WHERE c.id = $id "
                      "RETURN n.id AS id, n.number AS number, n.text AS text", key)
    table_rows = store.run("MATCH (c:Clause)-[:HAS_TABLE]->(t:CodeTable) WHERE c.id = $id "
                           "RETURN t.id AS id, t.number AS number, t.title AS title, "
                           "t.markdown AS markdown", key)
    table_rows += store.run("MATCH (c:Clause)-[:REFERENCES]->(t:CodeTable) WHERE c.id = $id "
                            "RETURN t.id AS id, t.number AS number, t.title AS title, "
                            "t.markdown AS markdown", key)
    tables = []
    for row in _unique(table_rows, "id"):
        table_notes = store.run("MATCH (t:CodeTable)-[:HAS_NOTE]->(n:Note) WHERE t.id = $id "
                                "RETURN n.id AS id, n.number AS number, n.text AS text",
                                {"id": row["id"]})
        tables.append({**row, "notes": sorted(table_notes, key=lambda n: clause_sort_key(n["number"]))})
    rules = store.run("MATCH (c:Clause)-[:HAS_RULE]->(r:Rule) WHERE c.id = $id "
                      "RETURN r.id AS id, r.title AS title, r.object AS object, "
                      "r.attribute AS attribute, r.operator AS operator, r.strength AS strength, "
                      "r.unit AS unit, r.source AS source ORDER BY id", key)
    refs = store.run("MATCH (c:Clause)-[:REFERENCES]->(d:Clause) WHERE c.id = $id "
                     "RETURN d.standard AS standard, d.number AS number, d.title AS title", key)
    ref_standards = store.run("MATCH (c:Clause)-[:REFERENCES]->(s:Standard) WHERE c.id = $id "
                              "RETURN s.id AS id, s.title AS title ORDER BY id", key)
    by_clauses = store.run("MATCH (d:Clause)-[:REFERENCES]->(c:Clause) WHERE c.id = $id "
                           "RETURN d.standard AS standard, d.number AS number, d.title AS title", key)
    by_rules = store.run("MATCH (r:Rule)-[:REFERENCES]->(c:Clause) WHERE c.id = $id "
                         "RETURN r.id AS id, r.clause AS clause, r.title AS title ORDER BY id", key)
    return {
        "id": clause["id"], "standard": clause["standard"], "number": clause["number"],
        "title": clause["title"] or "", "text": clause["text"] or None,
        "chapter": clause["chapter"] or None, "section": clause["section"] or None,
        "items": sorted(items, key=lambda i: clause_sort_key(i["number"])),
        "tables": sorted(tables, key=lambda t: clause_sort_key(t["number"])),
        "notes": sorted(notes, key=lambda n: clause_sort_key(n["number"])),
        "rules": [{**r, "unit": r["unit"] or None} for r in rules],
        "references": {
            "clauses": _by_number(refs),
            "tables": [{"id": t["id"], "number": t["number"], "title": t["title"] or ""}
                       for t in _unique(table_rows, "id")],
            "standards": [{"id": s["id"], "title": s["title"] or ""} for s in ref_standards],
        },
        "referenced_by": {"clauses": _by_number(by_clauses), "rules": by_rules},
    }


def _unique(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())


def _by_number(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    clean = [{"standard": r["standard"], "number": r["number"], "title": r["title"] or ""}
             for r in rows]
    return sorted(clean, key=lambda r: (r["standard"], clause_sort_key(r["number"])))


def rule_detail(store: RuleStore, rule_id: str) -> dict[str, Any] | None:
    rows = store.run("MATCH (r:Rule) WHERE r.id = $id RETURN r.body AS body, r.source AS source, "
                     "r.extractor AS extractor, r.extractor_version AS extractor_version, "
                     "r.confidence AS confidence", {"id": rule_id})
    if not rows:
        return None
    row = rows[0]
    clause = store.run("MATCH (c:Clause)-[:HAS_RULE]->(r:Rule) WHERE r.id = $id "
                       "RETURN c.standard AS standard, c.number AS number, c.title AS title",
                       {"id": rule_id})
    return {
        "rule": json.loads(row["body"]),
        "provenance": {"source": row["source"] or None, "extractor": row["extractor"] or None,
                       "extractor_version": row["extractor_version"] or None,
                       "confidence": row["confidence"]},
        "clause": _by_number(clause)[0] if clause else None,
    }


def search(store: RuleStore, query: str, limit: int = 50) -> list[dict[str, Any]]:
    """Clauses whose number, title or text contains the query, or that hold a rule whose title
    or object contains it; number matches first."""
    q = query.strip()
    if not q:
        return []
    rows = store.run(
        "MATCH (c:Clause) WHERE c.number = $q OR c.number STARTS WITH $dotted "
        "OR c.title CONTAINS $q OR (c.text IS NOT NULL AND c.text CONTAINS $q) "
        "RETURN c.id AS id, c.standard AS standard, c.number AS number, c.title AS title, "
        "c.text AS text",
        {"q": q, "dotted": q + "."})
    rows += store.run(
        "MATCH (c:Clause)-[:HAS_RULE]->(r:Rule) WHERE r.title CONTAINS $q OR r.object CONTAINS $q "
        "RETURN c.id AS id, c.standard AS standard, c.number AS number, c.title AS title, "
        "c.text AS text", {"q": q})
    rows += store.run(
        "MATCH (c:Clause)-[:HAS_ITEM]->(i:Item) WHERE i.text CONTAINS $q "
        "RETURN c.id AS id, c.standard AS standard, c.number AS number, c.title AS title, "
        "i.text AS text", {"q": q})
    unique = _unique(rows, "id")
    ids = [row["id"] for row in unique]
    counts = {r["id"]: int(r["n"]) for r in store.run(
        "MATCH (c:Clause)-[:HAS_RULE]->(r:Rule) WHERE c.id IN $ids RETURN c.id AS id, count(r) AS n",
        {"ids": ids})}
    texts = set(existing_text(store, ids))
    found = [{"id": row["id"], "standard": row["standard"], "number": row["number"],
              "title": row["title"] or "", "has_text": row["id"] in texts,
              "rules": counts.get(row["id"], 0), "snippet": snippet(row["text"], q)}
             for row in unique]

    def rank(c: dict[str, Any]) -> tuple:
        exact = c["number"] == q or c["number"].startswith(q + ".")
        return (not exact, c["standard"], clause_sort_key(c["number"]))

    return sorted(found, key=rank)[:limit]


def snippet(text: str | None, query: str, width: int = 60) -> str | None:
    if not text:
        return None
    at = text.find(query)
    if at < 0:
        return text[:width * 2] + ("…" if len(text) > width * 2 else "")
    start = max(0, at - width)
    end = min(len(text), at + len(query) + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


# --- concepts and the neighbourhood graph --------------------------------------------------


def concepts(store: RuleStore) -> list[dict[str, Any]]:
    rows = store.run("MATCH (c:Concept) OPTIONAL MATCH (c)-[:IS_A]->(p:Concept) "
                     "RETURN c.name AS name, c.aliases AS aliases, collect(p.name) AS parents "
                     "ORDER BY name")
    return [{"name": r["name"], "aliases": json.loads(r["aliases"] or "[]"),
             "parents": sorted(p for p in r["parents"] if p)} for r in rows]


def resolve_concept(store: RuleStore, name: str) -> str | None:
    wanted = name.strip()
    for concept in concepts(store):
        if wanted == concept["name"] or wanted in concept["aliases"]:
            return concept["name"]
    return None


def node_id(label: str, key: str) -> str:
    return f"{label}:{key}"


def neighbourhood(store: RuleStore, start: list[tuple[str, str]], depth: int,
                  max_nodes: int = 150, hub_fanout: int = HUB_FANOUT) -> dict[str, Any]:
    """Nodes within `depth` hops of the start nodes, in either direction, and the edges among
    them.

    Hubs are shown but not walked through: a standard (it holds every clause), and any node
    other than a start node that would add more than `hub_fanout` new neighbours (5.1.1, which
    nearly every rule cites). Each node says how many neighbours it has that are not shown
    (`more`). The walk stops adding nodes at `max_nodes` and says so (`truncated`)."""
    seen: dict[tuple[str, str], int] = {node: 0 for node in start}
    more: dict[tuple[str, str], int] = {}
    edges: set[tuple[str, str, str, str, str]] = set()  # (kind, src label, src, dst label, dst)
    frontier = list(start)
    truncated = False
    for hop in range(1, depth + 1):
        by_label: dict[str, list[str]] = {}
        for label, key in frontier:
            by_label.setdefault(label, []).append(key)
        reached: dict[tuple[str, str], list[tuple[str, str]]] = {}  # origin → new neighbours
        for kind, pairs in EDGES.items():
            for src, dst in pairs:
                for side in {src, dst}:
                    keys = by_label.get(side)
                    if not keys:
                        continue
                    for outgoing in ([True, False] if src == dst else [side == src]):
                        for row in _hop(store, kind, src, dst, outgoing=outgoing, keys=keys):
                            a, b = (src, row["src"]), (dst, row["dst"])
                            origin, other = (a, b) if outgoing else (b, a)
                            edges.add((kind, a[0], a[1], b[0], b[1]))
                            if other not in seen:
                                reached.setdefault(origin, []).append(other)
        frontier = []
        for origin, found in reached.items():
            found = list(dict.fromkeys(found))
            is_hub = origin not in start and (origin[0] in HUBS or len(found) > hub_fanout)
            if is_hub:
                more[origin] = len(found)
                continue
            for node in found:
                if node in seen:
                    continue
                if len(seen) >= max_nodes:
                    truncated = True
                    more[origin] = more.get(origin, 0) + 1
                    continue
                seen[node] = hop
                frontier.append(node)
        if not frontier:
            break
    props = _node_props(store, seen)
    nodes = [{"id": node_id(label, key), "label": label, "key": key, "depth": d,
              "caption": _caption(label, key, props.get((label, key), {})),
              "properties": props.get((label, key), {}), "more": more.get((label, key), 0)}
             for (label, key), d in sorted(seen.items(), key=lambda kv: (kv[1], kv[0]))]
    kept = [{"source": node_id(sl, s), "target": node_id(dl, d), "type": kind}
            for kind, sl, s, dl, d in sorted(edges) if (sl, s) in seen and (dl, d) in seen]
    return {"nodes": nodes, "edges": kept, "truncated": truncated}


def _hop(store: RuleStore, kind: str, src: str, dst: str, outgoing: bool,
         keys: list[str]) -> list[dict[str, Any]]:
    skey, dkey = NODES[src][0], NODES[dst][0]
    where = f"a.{skey} IN $keys" if outgoing else f"b.{dkey} IN $keys"
    return store.run(f"MATCH (a:{src})-[:{kind}]->(b:{dst}) WHERE {where} "
                     f"RETURN a.{skey} AS src, b.{dkey} AS dst", {"keys": keys})


def _node_props(store: RuleStore, nodes: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    by_label: dict[str, list[str]] = {}
    for label, key in nodes:
        by_label.setdefault(label, []).append(key)
    props: dict[tuple[str, str], dict] = {}
    for label, keys in by_label.items():
        key_prop = NODES[label][0]
        shown = [p for p in _CAPTION_PROPS.get(label, ()) if p != key_prop]
        columns = ", ".join([f"n.{key_prop} AS k", *(f"n.{p} AS {p}" for p in shown)])
        for row in store.run(f"MATCH (n:{label}) WHERE n.{key_prop} IN $keys RETURN {columns}",
                             {"keys": keys}):
            key = row.pop("k")
            props[(label, key)] = {k: v for k, v in row.items() if v not in (None, "")}
    return props


def _caption(label: str, key: str, props: dict[str, Any]) -> str:
    if label == "Clause":
        return f"{props.get('number', key)} {props.get('title', '')}".strip()
    if label == "Rule":
        return props.get("title") or key
    if label == "Attribute":
        return props.get("label") or key
    if label == "Item":
        return f"第{props.get('number', '?')}款"
    if label == "CodeTable":
        return f"{props.get('number', key)} {props.get('title', '')}".strip()
    if label == "Note":
        return f"注{props.get('number', '')}"
    return key
