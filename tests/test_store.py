"""One suite, every store: each test here runs against LadybugDB and against Neo4j (the `store`
fixture in conftest.py), with the same assertions, on an empty graph.

What a store must do: hold exactly the nodes and edges a rule set becomes; give the same rule
set back; import idempotently (the same pack twice changes nothing) and atomically (an import
that fails half-way leaves the previous graph as it was); treat every user value as data, never
as Cypher; and give the three example designs the same report as any other store.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graph.pack import load_builtin_pack
from graph.schema import EDGES, NODES, GraphRows, rule_set_rows
from graph.store import RuleStore, StoreError
from reasoning.checker import check
from reasoning.design import parse_design
from reasoning.rules import RuleSet

from conftest import EXAMPLES

PACK = load_builtin_pack()

# Text that would end a quoted Cypher literal and delete the graph if it were ever formatted
# into a query; as a parameter it is just a string.
PROBE = "'}) DETACH DELETE n //"
PROBE_DOUBLE = '"}) MATCH (m) DETACH DELETE m //'
PROBE_BACKTICK = "`) MATCH (m) DETACH DELETE m //\\"


def expected_counts(*imports: GraphRows) -> dict[str, dict[str, int]]:
    """Counts a graph holding exactly these imports (of different standards) must show: one
    node per key, one edge per distinct (from, to) pair whose ends both exist."""
    keys = {label: {row[NODES[label][0]] for rows in imports for row in rows.nodes[label]}
            for label in NODES}
    pairs: dict[tuple[str, str, str], set[tuple[str, str]]] = {}
    for rows in imports:
        for edge, items in rows.edges.items():
            pairs.setdefault(edge, set()).update((r["src"], r["dst"]) for r in items)
    edges = {kind: 0 for kind in EDGES}
    for (kind, src, dst), found in pairs.items():
        edges[kind] += sum(1 for a, b in found if a in keys[src] and b in keys[dst])
    return {"nodes": {label: len(keys[label]) for label in NODES}, "edges": edges}


def normalized(rule_set: RuleSet) -> dict:
    """A rule set as comparable data: lists in a fixed order, version aside."""
    data = rule_set.model_dump(mode="json")
    data.pop("version")
    data["standards"].sort(key=lambda s: s["id"])
    data["clauses"] = sorted(({**c, "references": sorted(c["references"])}
                              for c in data["clauses"]), key=lambda c: (c["standard"], c["number"]))
    data["concepts"] = sorted(({**c, "parents": sorted(c["parents"])} for c in data["concepts"]),
                              key=lambda c: c["name"])
    data["attributes"].sort(key=lambda a: a["key"])
    data["rules"].sort(key=lambda r: r["id"])
    return data


def probe_rule_set(version: str = "probe/1") -> RuleSet:
    """A small rule set whose free-text fields (standard id, clause numbers and titles, concept
    names, attribute keys, rule titles) carry Cypher-injection probes."""
    standard = f"GB 1-2024{PROBE}"
    clause = f"1.0.1{PROBE}"
    return RuleSet.model_validate({
        "version": version + PROBE,
        "standards": [{"id": standard, "code": "GB1-2024", "title": PROBE_DOUBLE}],
        "clauses": [
            {"standard": standard, "number": clause, "title": PROBE_BACKTICK,
             "references": ["1.0.2"]},
            {"standard": standard, "number": "1.0.2", "title": PROBE},
        ],
        "concepts": [{"name": "构件" + PROBE, "aliases": [PROBE_DOUBLE]},
                     {"name": PROBE_BACKTICK, "parents": ["构件" + PROBE]}],
        "attributes": [{"key": "width" + PROBE, "label": PROBE_DOUBLE, "unit": "m"}],
        "rules": [{
            "id": "GB1-2024:1.0.1#probe", "standard": standard, "clause": clause,
            "title": PROBE, "object": PROBE_BACKTICK, "attribute": "width" + PROBE,
            "attribute_label": PROBE_DOUBLE, "operator": "==", "value": PROBE, "strength": "应",
            "applies_when": [{"fact": "building.use", "op": "==", "value": PROBE_DOUBLE,
                              "label": PROBE}],
            "references": ["1.0.2"],
        }],
    })


def report_json(rule_set: RuleSet, example: Path) -> dict:
    report = check(parse_design(json.loads(example.read_text(encoding="utf-8"))), rule_set)
    return report.to_json_dict()


# --- contents ---------------------------------------------------------------------------------

def test_an_import_holds_exactly_the_nodes_and_edges_of_the_pack(store: RuleStore) -> None:
    stats = store.import_rule_set(PACK)
    expected = expected_counts(rule_set_rows(PACK))
    assert store.counts() == expected
    assert stats.rows == rule_set_rows(PACK).row_count
    assert stats.nodes == sum(expected["nodes"].values())
    assert stats.edges == sum(expected["edges"].values())
    assert expected["nodes"]["Rule"] == len(PACK.rules)


def test_the_loaded_rule_set_is_the_imported_one(store: RuleStore) -> None:
    store.import_rule_set(PACK)
    loaded = store.load_rule_set()
    assert loaded.version == PACK.version
    assert normalized(loaded) == normalized(PACK)
    assert store.pack_version() == PACK.version


def test_an_empty_store_has_no_pack_version_and_no_rules(store: RuleStore) -> None:
    assert store.pack_version() is None
    store.ensure_schema()
    assert store.load_rule_set().rules == []
    assert store.counts() == {"nodes": {label: 0 for label in NODES},
                              "edges": {kind: 0 for kind in EDGES}}


def test_rules_are_found_by_id_and_by_clause(store: RuleStore) -> None:
    store.import_rule_set(PACK)
    rule = PACK.rules[0]
    assert store.get_rule(rule.id) == rule
    assert store.get_rule(rule.id + "-missing") is None
    assert store.rules_of_clause(rule.clause) == sorted(
        (r for r in PACK.rules if r.clause == rule.clause), key=lambda r: r.id)


# --- idempotent and atomic ------------------------------------------------------------------

def test_importing_the_same_pack_again_changes_nothing(store: RuleStore) -> None:
    store.import_rule_set(PACK)
    counts, exported = store.counts(), store.export()
    stats = store.import_rule_set(PACK)
    assert store.counts() == counts
    assert store.export() == exported
    assert (stats.nodes, stats.edges) == (sum(counts["nodes"].values()),
                                          sum(counts["edges"].values()))


def test_a_new_version_of_the_pack_replaces_its_rules_whole(store: RuleStore) -> None:
    store.import_rule_set(PACK)
    dropped = PACK.rules[-1]
    smaller = PACK.model_copy(update={"version": "smaller", "rules": PACK.rules[:-1]})
    store.import_rule_set(smaller)
    assert store.get_rule(dropped.id) is None
    assert store.counts() == expected_counts(rule_set_rows(smaller))
    assert store.pack_version() == "smaller"


def test_clause_text_from_an_ingest_survives_a_reimport_of_the_pack(store: RuleStore) -> None:
    store.import_rule_set(PACK)
    clause = rule_set_rows(PACK).nodes["Clause"][0]["id"]
    with store.transaction() as tx:
        tx.run("MATCH (c:Clause) WHERE c.id = $id SET c.text = $text",
               {"id": clause, "text": "条文原文" + PROBE})
    store.import_rule_set(PACK)
    assert store.run("MATCH (c:Clause) WHERE c.id = $id RETURN c.text AS text",
                     {"id": clause}) == [{"text": "条文原文" + PROBE}]


def test_an_import_whose_last_batch_fails_leaves_the_previous_graph(
        store: RuleStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule set of several batches per label whose last node batch (Meta, written after
    every Standard, Clause, Rule, Concept and Attribute batch) holds a row with no key: the
    transaction fails there and rolls back everything it wrote before."""
    import graph.store

    store.import_rule_set(PACK)
    before, exported = store.counts(), store.export()

    from bench.store_bench import synthetic_rule_set

    big = synthetic_rule_set(5_000)  # 3 Rule batches and 3 of each Rule edge kind
    real_rows = graph.store.rule_set_rows

    def rows_with_a_bad_last_row(rule_set: RuleSet, source: str = "pack") -> GraphRows:
        rows = real_rows(rule_set, source)
        assert list(rows.nodes)[-1] == "Meta"
        rows.nodes["Meta"].append({"key": None, "value": "a row without its key"})
        return rows

    monkeypatch.setattr(graph.store, "rule_set_rows", rows_with_a_bad_last_row)
    with pytest.raises(StoreError, match="^导入失败，已回滚："):
        store.import_rule_set(big)
    assert store.counts() == before
    assert store.export() == exported
    assert store.pack_version() == PACK.version

    monkeypatch.undo()  # and the store still works: the same import without the bad row
    store.import_rule_set(big)
    assert store.counts()["nodes"]["Rule"] == len(PACK.rules) + 5_000


# --- user values are data -------------------------------------------------------------------

def test_injection_probes_round_trip_as_data(store: RuleStore) -> None:
    probes = probe_rule_set()
    store.import_rule_set(PACK)
    store.import_rule_set(probes, source="user" + PROBE)
    pack_counts = expected_counts(rule_set_rows(PACK))
    probe_counts = expected_counts(rule_set_rows(probes, "user" + PROBE))
    counts = store.counts()
    assert counts["nodes"]["Rule"] == pack_counts["nodes"]["Rule"] + 1
    assert counts["nodes"]["Meta"] == 2
    assert counts["edges"]["REFERENCES"] == (pack_counts["edges"]["REFERENCES"]
                                             + probe_counts["edges"]["REFERENCES"])

    rule = probes.rules[0]
    assert store.get_rule(rule.id) == rule
    assert store.rules_of_clause(rule.clause) == [rule]
    assert store.pack_version("user" + PROBE) == "probe/1" + PROBE
    for text in (PROBE, PROBE_DOUBLE, PROBE_BACKTICK, "x" + PROBE):
        assert store.get_rule(text) is None
        assert store.rules_of_clause(text) == []
    loaded = store.load_rule_set()
    assert {c.name for c in loaded.concepts} >= {"构件" + PROBE, PROBE_BACKTICK}
    assert any(s.title == PROBE_DOUBLE for s in loaded.standards)
    assert loaded.version == f"{PACK.version}+probe/1{PROBE}"  # Meta by key: pack, user…
    assert store.counts() == counts  # the look-ups deleted nothing


# --- the same reports through every store ---------------------------------------------------

def test_the_examples_are_the_three_shared_designs() -> None:
    assert [p.name for p in EXAMPLES] == ["E1-office-highrise.design.json",
                                          "E2-residential-tower.design.json",
                                          "E3-school-lowrise.design.json"]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_a_store_gives_the_same_report_as_the_pack_itself(store: RuleStore, example: Path) -> None:
    """The same findings as checking with the pack in memory (a store returns the rules sorted
    by id, so the findings come in another order)."""
    store.import_rule_set(PACK)
    through_store, direct = report_json(store.load_rule_set(), example), report_json(PACK, example)
    for report in (through_store, direct):
        report["findings"].sort(key=lambda f: json.dumps(f, ensure_ascii=False, sort_keys=True))
    assert through_store == direct


@pytest.mark.neo4j
def test_ladybug_and_neo4j_give_identical_reports_and_graphs(
        ladybug_store: RuleStore, neo4j_store: RuleStore) -> None:
    ladybug_store.import_rule_set(PACK)
    neo4j_store.import_rule_set(PACK)
    assert neo4j_store.counts() == ladybug_store.counts()
    assert neo4j_store.export() == ladybug_store.export()
    from_ladybug, from_neo4j = ladybug_store.load_rule_set(), neo4j_store.load_rule_set()
    assert from_neo4j == from_ladybug
    for example in EXAMPLES:
        assert json.dumps(report_json(from_neo4j, example), ensure_ascii=False, sort_keys=True) \
            == json.dumps(report_json(from_ladybug, example), ensure_ascii=False, sort_keys=True)
