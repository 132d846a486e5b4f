"""Shared helpers of the HTTP API tests (no tests here): a fresh embedded store per test module,
loaded with the built-in pack and a few clauses of test text, and the example designs.

The clause text below is written for these tests; it paraphrases, it does not reproduce the
standard (tests/test_copyright.py checks that no run of 20 characters of the corpus is copied). It goes into the graph the way an ingest does: parameterized MERGE of Clause.text and
Item / CodeTable nodes with their edges.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from graph.ladybug_store import LadybugStore
from graph.open import ensure_builtin_pack

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
EXAMPLES = SHARED / "spec" / "examples"
E1_PATH = EXAMPLES / "E1-office-highrise.design.json"
API_KEY = "test-key-0123456789"

CODE = "GB50016-2014"
STANDARD = "GB 50016-2014(2018)"

# number → (text, [(item number, item text)], [(table number, title)])
TEST_CLAUSES: dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = {
    "5.5.12": ("（测试文本）一类高层公共建筑，以及高度超过32m的二类高层公共建筑，疏散楼梯应为"
               "防烟楼梯间；裙房和高度不超过32m的二类高层公共建筑，疏散楼梯应为封闭楼梯间。", [], []),
    "5.5.18": ("（测试文本）高层公共建筑中疏散走道、疏散楼梯、楼梯间首层疏散门和首层疏散外门的"
               "最小净宽度，按表5.5.18确定。", [], [("表5.5.18", "最小净宽度（测试）")]),
    "7.1.8": ("（测试文本）消防车道应符合下列要求：", [
        ("1", "消防车道的净宽度、净空高度都不应小于4.0m；"),
        ("2", "转弯半径应满足消防车转弯的要求；"),
        ("3", "消防车道的坡度不宜大于8%，路面可承受重型消防车的压力。"),
    ], []),
}


def design(path: Path = E1_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def ingest_test_clauses(store: LadybugStore) -> None:
    with store.transaction() as tx:
        for number, (text, items, tables) in TEST_CLAUSES.items():
            clause_id = f"{CODE}:{number}"
            tx.run("MERGE (c:Clause {id: $id}) SET c.standard = $standard, c.number = $number, "
                   "c.text = $text", {"id": clause_id, "standard": STANDARD, "number": number,
                                      "text": text})
            for item_number, item_text in items:
                item_id = f"{clause_id}#{item_number}"
                tx.run("MERGE (i:Item {id: $id}) SET i.clause = $clause, i.number = $number, "
                       "i.text = $text", {"id": item_id, "clause": clause_id,
                                          "number": item_number, "text": item_text})
                tx.run("MATCH (c:Clause {id: $c}), (i:Item {id: $i}) MERGE (c)-[:HAS_ITEM]->(i)",
                       {"c": clause_id, "i": item_id})
            for table_number, title in tables:
                table_id = f"{CODE}:{table_number}"
                tx.run("MERGE (t:CodeTable {id: $id}) SET t.standard = $standard, "
                       "t.number = $number, t.title = $title",
                       {"id": table_id, "standard": STANDARD, "number": table_number,
                        "title": title})
                tx.run("MATCH (c:Clause {id: $c}), (t:CodeTable {id: $t}) "
                       "MERGE (c)-[:HAS_TABLE]->(t)", {"c": clause_id, "t": table_id})


def make_store(path: Path, with_text: bool = True) -> Path:
    """A store at `path` with the built-in pack (and the test clauses); closed again."""
    with LadybugStore(path) as store:
        ensure_builtin_pack(store)
        if with_text:
            ingest_test_clauses(store)
    return path


@pytest.fixture(scope="module")
def isolated_env(tmp_path_factory: pytest.TempPathFactory):
    """Never the user's store or keys: XDG_DATA_HOME in a temp dir, FIRECHECK_* unset."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_DATA_HOME", str(tmp_path_factory.mktemp("xdg")))
    for name in ("FIRECHECK_STORE", "FIRECHECK_API_KEYS", "FIRECHECK_MAX_BODY_BYTES",
                 "FIRECHECK_RULES_TTL_S", "FIRECHECK_ASK_MIN_SCORE"):
        patch.delenv(name, raising=False)
    yield
    patch.undo()
