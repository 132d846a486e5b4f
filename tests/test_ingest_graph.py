"""graph/ingest.py against each store backend: the keys of graph/schema.py, clause text beside the
pack's titles, tables as markdown, notes, references, extracted rules with provenance; the
checker still reads only the pack; re-ingest is idempotent; a failing write leaves nothing."""

from __future__ import annotations

import json
import pytest

import graph.ingest as ingest_module
from extraction.parser import parse_standard
from extraction.registry import get_extractor
from graph.ingest import derive_code, ingest_standard, rules_diff
from graph.open import ensure_builtin_pack
from graph.pack import load_builtin_pack
from graph.store import StoreError

STANDARD = "GB 50016-2014(2018)"
# Written for these tests (not text of the standard); the clause numbers are the pack's.
TEXT = """《测试用建筑规范》GB 50016-2014(2018年版)
5.5.18 除另有规定外，档案馆内阅览室门和储藏室门的净宽度不应小于1.00m。
档案馆的疏散走道的净宽度不应小于1.30m，并应符合表5.5.18的要求。
表5.5.18 档案馆疏散宽度(m)
===== 表格：表5.5.18 档案馆疏散宽度(m) =====
部位 | 净宽度
--- | ---
阅览室门 | 1.00

注：1 表中数值为测试用。
5.5.19 档案馆应符合下列规定：
1 储藏室的墙应采用不燃材料；
2 应符合本规范第5.5.18条和现行国家标准《测试规范》GB 12345的规定。
"""


def rows(store, query: str, **params):
    return store.run(query, params)


def test_ingest_lands_beside_the_pack_with_keys_text_and_provenance(store):
    ensure_builtin_pack(store)
    pack = load_builtin_pack()
    stats = ingest_standard(store, parse_standard(TEXT), STANDARD, get_extractor("rules"))
    assert (stats.code, stats.clauses, stats.items, stats.tables, stats.notes) == ("GB50016-2014", 2, 2, 1, 1)

    clause = rows(store, "MATCH (c:Clause) WHERE c.id = $id RETURN c.title AS title, c.text AS text, "
                         "c.chapter AS chapter, c.section AS section", id="GB50016-2014:5.5.18")[0]
    assert clause["title"] == next(c.title for c in pack.clauses if c.number == "5.5.18")  # not clobbered
    assert clause["text"].startswith("5.5.18 除另有规定外，档案馆内阅览室门")
    assert "\n表5.5.18档案馆疏散宽度(m)\n注：1表中数值为测试用。" in clause["text"]
    assert (clause["chapter"], clause["section"]) == ("5", "5.5")

    table = rows(store, "MATCH (c:Clause)-[:HAS_TABLE]->(t:CodeTable) WHERE c.id = $id "
                        "RETURN t.id AS id, t.markdown AS markdown", id="GB50016-2014:5.5.18")
    assert table == [{"id": "GB50016-2014:表5.5.18",
                      "markdown": "| 部位 | 净宽度 |\n| --- | --- |\n| 阅览室门 | 1.00 |"}]
    note = rows(store, "MATCH (t:CodeTable)-[:HAS_NOTE]->(n:Note) RETURN n.id AS id, n.text AS text")
    assert note == [{"id": "GB50016-2014:表5.5.18#注1", "text": "表中数值为测试用。"}]
    items = rows(store, "MATCH (c:Clause)-[:HAS_ITEM]->(i:Item) RETURN i.id AS id ORDER BY id")
    assert [i["id"] for i in items] == ["GB50016-2014:5.5.19#1", "GB50016-2014:5.5.19#2"]

    refs = rows(store, "MATCH (c:Clause)-[:REFERENCES]->(s:Standard) RETURN c.number AS c, s.id AS s, "
                       "s.title AS title")
    assert refs == [{"c": "5.5.19", "s": "GB 12345", "title": "测试规范"}]
    assert rows(store, "MATCH (c:Clause)-[:REFERENCES]->(d:Clause) WHERE c.number = '5.5.19' "
                       "RETURN d.number AS n") == [{"n": "5.5.18"}]
    assert rows(store, "MATCH (c:Clause)-[:REFERENCES]->(t:CodeTable) RETURN c.number AS n, t.number AS t") \
        == [{"n": "5.5.18", "t": "5.5.18"}]

    extracted = rows(store, "MATCH (c:Clause)-[:HAS_RULE]->(r:Rule) WHERE r.source = 'extracted:rules' "
                            "RETURN r.id AS id, r.object AS object, r.body AS body, r.extractor AS extractor, "
                            "r.extractor_version AS version, r.confidence AS confidence ORDER BY id")
    assert [(r["id"], r["object"]) for r in extracted] == [
        ("GB50016-2014:5.5.18#x-rules-01", "阅览室门"), ("GB50016-2014:5.5.18#x-rules-02", "储藏室门"),
        ("GB50016-2014:5.5.18#x-rules-03", "疏散走道"), ("GB50016-2014:5.5.19#x-rules-01", "墙")]
    assert all(r["extractor"] == "rules" and r["version"] == get_extractor("rules").version
               and 0 < r["confidence"] <= 1 for r in extracted)
    body = json.loads(extracted[0]["body"])
    assert {k: body[k] for k in ("object", "attribute", "operator", "value", "unit", "strength")} == {
        "object": "阅览室门", "attribute": "净宽度", "operator": ">=", "value": 1.0, "unit": "m", "strength": "应"}

    # the checker's rule set is the pack's, however many rules were extracted beside it
    assert sorted(r.id for r in store.load_rule_set().rules) == sorted(r.id for r in pack.rules)

    before = store.counts()
    ingest_standard(store, parse_standard(TEXT), STANDARD, get_extractor("rules"))
    assert store.counts() == before

    diff = {(d.object, d.status) for d in rules_diff(store, clause="5.5.18")}
    assert ("疏散走道", "differs") in diff  # the pack says 1.10m (and 表5.5.18), the test text 1.30m


def test_a_failing_write_rolls_back_the_whole_ingest(ladybug_store, monkeypatch):
    ensure_builtin_pack(ladybug_store)
    before = ladybug_store.counts()
    original = ingest_module._merge_edges_query

    def broken(kind, src, dst):
        return "THIS IS NOT CYPHER" if kind == "HAS_RULE" else original(kind, src, dst)

    monkeypatch.setattr(ingest_module, "_merge_edges_query", broken)
    with pytest.raises(StoreError):
        ingest_standard(ladybug_store, parse_standard(TEXT), STANDARD, get_extractor("rules"))
    assert ladybug_store.counts() == before
    assert ladybug_store.run("MATCH (c:Clause) WHERE c.text IS NOT NULL RETURN count(c) AS n")[0]["n"] == 0


def test_standard_codes():
    assert derive_code("GB 50016-2014(2018)") == "GB50016-2014"
    assert derive_code("GB 50067-2014") == "GB50067-2014"
    assert derive_code("GB 55037-2022（局部修订）") == "GB55037-2022"


def test_an_unknown_standard_gets_its_own_code_and_nodes(ladybug_store):
    stats = ingest_standard(ladybug_store, parse_standard("3.0.1 测试车库的坡道宽度不应小于4.0m。\n"),
                            "GB 50067-2014", get_extractor("rules"))
    assert stats.code == "GB50067-2014" and stats.rules == 1
    assert ladybug_store.run("MATCH (s:Standard)-[:HAS_CLAUSE]->(c:Clause) RETURN s.code AS code, c.id AS id") \
        == [{"code": "GB50067-2014", "id": "GB50067-2014:3.0.1"}]
