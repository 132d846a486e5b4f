"""Neo4j under load and under faults, on the server that .ci/neo4j.sh runs.

* A synthetic 50,000-rule pack (265,180 rows) imports in ONE transaction within the server's
  transaction memory limit (.ci/neo4j/neo4j.conf), and importing it again changes nothing.
* `kill -9` of the server while that pack is being imported (`.ci/neo4j.sh kill` from the test,
  once the import's transaction is writing edges), then a restart: the graph is the old one or
  the new one, never a mix, and while the server is down the CLI says 存储不可用 and exits 3,
  without a traceback. The server is restarted in a `finally`, and the test runs last.
"""

from __future__ import annotations

import threading
import time

import pytest

from graph.pack import load_builtin_pack
from graph.schema import rule_set_rows
from graph.store import RuleStore, StoreError, StoreUnavailable

from bench.store_bench import synthetic_rule_set
from conftest import EXAMPLES, firecheck, neo4j_script, open_neo4j
from test_store import expected_counts

pytestmark = pytest.mark.neo4j

PACK = load_builtin_pack()
BIG_RULES = 50_000


@pytest.fixture(scope="module")
def big_pack():
    return synthetic_rule_set(BIG_RULES)


def test_a_50000_rule_pack_imports_in_one_transaction_and_again_unchanged(
        neo4j_store: RuleStore, big_pack) -> None:
    neo4j_store.import_rule_set(PACK)
    stats = neo4j_store.import_rule_set(big_pack)
    expected = expected_counts(rule_set_rows(PACK), rule_set_rows(big_pack))
    assert stats.rows == 265_180
    assert neo4j_store.counts() == expected
    neo4j_store.import_rule_set(big_pack)
    assert neo4j_store.counts() == expected
    assert len(neo4j_store.load_rule_set().rules) == len(PACK.rules) + BIG_RULES
    neo4j_store.clear()  # type: ignore[attr-defined]


def _wait_for_edge_writes(store: RuleStore, importer: threading.Thread, timeout: float) -> str:
    """Block until the import's transaction is merging edges (all nodes written, uncommitted);
    return the query it is running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not importer.is_alive():
            pytest.fail("the import ended before the server could be killed during it")
        for row in store.run("SHOW TRANSACTIONS YIELD currentQuery "
                             "RETURN currentQuery AS query"):
            query = row["query"] or ""
            if query.startswith("UNWIND $rows AS row MATCH (a:Rule"):
                return query
        time.sleep(0.1)
    pytest.fail(f"the import did not reach its edges within {timeout:.0f}s")


@pytest.mark.runs_last
def test_kill_9_during_an_import_leaves_the_old_or_the_new_graph(managed_neo4j: str,
                                                                 big_pack) -> None:
    uri = managed_neo4j
    store = open_neo4j(uri)
    store.clear()  # type: ignore[attr-defined]
    store.import_rule_set(PACK)
    old = store.counts()
    new = expected_counts(rule_set_rows(PACK), rule_set_rows(big_pack))
    assert old == expected_counts(rule_set_rows(PACK)) and new != old

    importer_store = open_neo4j(uri)
    outcome: dict[str, object] = {}

    def import_big() -> None:
        try:
            importer_store.import_rule_set(big_pack)
            outcome["committed"] = True
        except StoreError as exc:
            outcome["error"] = exc

    importer = threading.Thread(target=import_big, name="big-import", daemon=True)
    restarted = False
    try:
        importer.start()
        query = _wait_for_edge_writes(store, importer, timeout=240)
        killed = neo4j_script("kill", timeout=120)
        assert killed.returncode == 0, killed.stderr
        importer.join(timeout=120)
        assert not importer.is_alive(), "the import hung after the server died"
        error = outcome.get("error")
        assert isinstance(error, StoreUnavailable), (query, outcome)
        assert str(error).startswith(f"Neo4j {uri}：")

        # Down: every command says so plainly and exits 3.
        for args in (["check", str(EXAMPLES[0]), "--store", uri],
                     ["graph", "load", "--store", uri]):
            done = firecheck(*args)
            assert done.returncode == 3, (args, done.stdout, done.stderr)
            assert done.stderr.startswith(f"firecheck: 存储不可用（{uri}）：Neo4j {uri}："), \
                done.stderr
            assert "Traceback" not in done.stderr

        started = neo4j_script("start", timeout=360)
        restarted = started.returncode == 0
        assert restarted, started.stderr
    finally:
        importer_store.close()
        store.close()
        if not restarted:  # leave a server for whatever runs after this test
            neo4j_script("start", timeout=360)

    after = open_neo4j(uri)
    try:
        counts = after.counts()
        assert counts in (old, new), counts  # never a mix
        # It died mid-statement, before any commit: the old graph, exactly.
        assert counts == old
        assert after.pack_version() == PACK.version
        assert after.get_rule(big_pack.rules[0].id) is None
        # And the recovered server takes the import it lost.
        after.import_rule_set(big_pack)
        assert after.counts() == new
    finally:
        after.clear()  # type: ignore[attr-defined]
        after.close()
