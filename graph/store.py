"""The rule store interface, and the Cypher logic every backend shares.

A store holds the rule graph; the checker asks it for the rule set once and then evaluates in
memory. Backends (LadybugDB embedded, Neo4j server) implement four primitives: run a query,
run several in one transaction, create the schema, close. Everything else — the import, the
queries that rebuild a RuleSet, browsing — is written once here in the Cypher subset both speak
(labels always named, explicit `SET n.p = row.p`, bounded hops, aliased columns).
"""

from __future__ import annotations

import json
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from reasoning.rules import (
    Attribute, ClauseInfo, Concept, Rule, RuleSet, Standard,
)

from .schema import EDGES, NODES, PACK_SOURCE, GraphRows, rule_set_rows

BATCH_ROWS = 2000
# Rules the checker reads: the pack's, not those an extractor put beside them (graph/ingest.py).
CHECKABLE_RULE = "(r.source IS NULL OR NOT r.source STARTS WITH 'extracted:')"


class StoreError(RuntimeError):
    """A store operation that failed; nothing was changed."""


class StoreUnavailable(StoreError):
    """The store cannot be reached (server down, file locked)."""


@dataclass
class ImportStats:
    rows: int
    seconds: float
    nodes: int
    edges: int


class Tx(ABC):
    """One open transaction."""

    @abstractmethod
    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]: ...


class RuleStore(ABC):
    """What the checker, the CLI and the API need from a graph store."""

    name: str = "store"

    # --- backend primitives ---

    @abstractmethod
    def ensure_schema(self) -> None: ...

    @abstractmethod
    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run one read query in its own transaction."""

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """A write transaction: committed when the block ends, rolled back if it raises."""

    @abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> RuleStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- import ---

    def import_rule_set(self, rule_set: RuleSet, source: str = PACK_SOURCE) -> ImportStats:
        """Replace the rules that came from `source` with `rule_set`, in one transaction.

        Idempotent: importing the same set twice leaves the same nodes and edges. Atomic: if any
        row fails, the transaction rolls back and the previous graph stays as it was."""
        started = time.perf_counter()
        rows = rule_set_rows(rule_set, source)
        self.ensure_schema()
        with self.transaction() as tx:
            self._write_rows(tx, rows, source)
        counts = self.counts()
        return ImportStats(rows=rows.row_count, seconds=time.perf_counter() - started,
                           nodes=sum(counts["nodes"].values()), edges=sum(counts["edges"].values()))

    def _write_rows(self, tx: Tx, rows: GraphRows, source: str) -> None:
        # Rules from this source are replaced whole: stale ones (and their edges) go first, and
        # the edges of those that stay are rebuilt. Rules that stay are updated in place, not
        # deleted and re-created: in Neo4j, deleting and re-adding the same keys in one
        # transaction makes every later key look-up scan the transaction's removals (a
        # 20,000-rule re-import took 82 s instead of 5 s).
        scope = {"source": source, "standards": rows.standards}
        present = {row["id"] for row in tx.run(
            "MATCH (r:Rule) WHERE r.source = $source AND r.standard IN $standards "
            "RETURN r.id AS id", scope)}
        stale = sorted(present - {row["id"] for row in rows.nodes["Rule"]})
        for batch in _batches(stale):
            tx.run("UNWIND $ids AS id MATCH (r:Rule {id: id}) DETACH DELETE r", {"ids": batch})
        tx.run("MATCH (r:Rule)-[e]->() WHERE r.source = $source AND r.standard IN $standards "
               "DELETE e", scope)
        tx.run("MATCH (:Clause)-[e:HAS_RULE]->(r:Rule) WHERE r.source = $source "
               "AND r.standard IN $standards DELETE e", scope)
        for label, items in rows.nodes.items():
            for batch in _batches(items):
                tx.run(_merge_nodes_query(label, list(batch[0])), {"rows": batch})
        for (kind, src, dst), items in rows.edges.items():
            for batch in _batches(items):
                tx.run(_merge_edges_query(kind, src, dst), {"rows": batch})

    # --- reads ---

    def pack_version(self, source: str = PACK_SOURCE) -> str | None:
        try:
            rows = self.run("MATCH (m:Meta) WHERE m.key = $key RETURN m.value AS value",
                            {"key": f"version:{source}"})
        except StoreUnavailable:
            raise
        except Exception:
            return None  # no schema yet
        return rows[0]["value"] if rows else None

    def load_rule_set(self) -> RuleSet:
        standards = [Standard(**row) for row in self.run(
            "MATCH (s:Standard) RETURN s.id AS id, s.code AS code, s.title AS title ORDER BY id")]
        clause_rows = self.run(
            "MATCH (c:Clause) OPTIONAL MATCH (c)-[:REFERENCES]->(d:Clause) "
            "RETURN c.standard AS standard, c.number AS number, c.title AS title, "
            "collect(d.number) AS refs ORDER BY number")
        clauses = [ClauseInfo(standard=r["standard"], number=r["number"], title=r["title"] or "",
                              references=sorted(x for x in r["refs"] if x)) for r in clause_rows]
        concept_rows = self.run(
            "MATCH (c:Concept) OPTIONAL MATCH (c)-[:IS_A]->(p:Concept) "
            "RETURN c.name AS name, c.aliases AS aliases, collect(p.name) AS parents ORDER BY name")
        concepts = [Concept(name=r["name"], aliases=json.loads(r["aliases"] or "[]"),
                            parents=sorted(p for p in r["parents"] if p)) for r in concept_rows]
        attributes = [Attribute(key=r["key"], label=r["label"], unit=r["unit"] or None)
                      for r in self.run("MATCH (a:Attribute) RETURN a.key AS key, "
                                        "a.label AS label, a.unit AS unit ORDER BY key")]
        # Extracted rules (source 'extracted:<name>', extraction-v1 bodies) are not checked.
        rules = [Rule.model_validate_json(r["body"]) for r in self.run(
            f"MATCH (r:Rule) WHERE {CHECKABLE_RULE} RETURN r.id AS id, r.body AS body ORDER BY id")]
        versions = [r["value"] for r in self.run(
            "MATCH (m:Meta) RETURN m.key AS key, m.value AS value ORDER BY key")]
        return RuleSet(version="+".join(versions) or "empty", standards=standards,
                       clauses=clauses, concepts=concepts, attributes=attributes, rules=rules)

    def counts(self) -> dict[str, dict[str, int]]:
        nodes = {label: self.run(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
                 for label in NODES}
        edges = {}
        for kind, pairs in EDGES.items():
            total = 0
            for src, dst in pairs:
                total += self.run(
                    f"MATCH (:{src})-[e:{kind}]->(:{dst}) RETURN count(e) AS n")[0]["n"]
            edges[kind] = total
        return {"nodes": {k: int(v) for k, v in nodes.items()},
                "edges": {k: int(v) for k, v in edges.items()}}

    def get_rule(self, rule_id: str) -> Rule | None:
        rows = self.run(f"MATCH (r:Rule) WHERE r.id = $id AND {CHECKABLE_RULE} RETURN r.body AS body",
                        {"id": rule_id})
        return Rule.model_validate_json(rows[0]["body"]) if rows else None

    def rules_of_clause(self, clause: str) -> list[Rule]:
        rows = self.run(f"MATCH (r:Rule) WHERE r.clause = $clause AND {CHECKABLE_RULE} "
                        "RETURN r.id AS id, r.body AS body ORDER BY id", {"clause": clause})
        return [Rule.model_validate_json(r["body"]) for r in rows]

    def export(self) -> dict[str, list[dict[str, Any]]]:
        """Every node and edge, for `firecheck graph export`."""
        nodes = {}
        for label, (key, props) in NODES.items():
            columns = ", ".join(f"n.{p} AS {p}" for p in [key, *props])
            nodes[label] = self.run(f"MATCH (n:{label}) RETURN {columns} ORDER BY {key}")
        edges = {}
        for kind, pairs in EDGES.items():
            found = []
            for src, dst in pairs:
                skey, dkey = NODES[src][0], NODES[dst][0]
                found += [{"from_label": src, "to_label": dst, **row} for row in self.run(
                    f"MATCH (a:{src})-[:{kind}]->(b:{dst}) "
                    f"RETURN a.{skey} AS src, b.{dkey} AS dst ORDER BY src, dst")]
            edges[kind] = found
        return {"nodes": nodes, "edges": edges}  # type: ignore[dict-item]


def _batches(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH_ROWS):
        yield items[start:start + BATCH_ROWS]


def _merge_nodes_query(label: str, columns: list[str]) -> str:
    key, props = NODES[label]  # KeyError for a label outside the allow-list
    if key not in columns or set(columns) - {key, *props}:
        raise ValueError(f"{label}: columns outside the schema: {columns}")
    # Property names come from the allow-list itself, never from the rows.
    sets = ", ".join(f"n.{p} = row.{p}" for p in props if p in columns)
    query = f"UNWIND $rows AS row MERGE (n:{label} {{{key}: row.{key}}})"
    return f"{query} SET {sets}" if sets else query


def _merge_edges_query(kind: str, src: str, dst: str) -> str:
    if (src, dst) not in EDGES[kind]:  # KeyError for a type outside the allow-list
        raise ValueError(f"{kind}: no such edge from {src} to {dst}")
    skey, dkey = NODES[src][0], NODES[dst][0]
    # Two MATCH clauses, not one comma pattern: LadybugDB plans the comma form as a join that
    # scans the whole end tables for every batch (a 50,000-rule import took 16× longer).
    return (f"UNWIND $rows AS row MATCH (a:{src} {{{skey}: row.src}}) "
            f"MATCH (b:{dst} {{{dkey}: row.dst}}) MERGE (a)-[:{kind}]->(b)")
