"""What is Neo4j's own: the driver's errors as StoreUnavailable/StoreError with a Chinese message,
uniqueness constraints on the business keys, `--store bolt://` / `neo4j://` / `neo4j` in the CLI,
and `graph export --format cypher` loading into an empty Neo4j with the same counts.

Tests that need a server are marked `neo4j` (skip without NEO4J_URI, fail in CI); the ones about
an unreachable server use a port where nothing listens and run everywhere.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest

from graph.ladybug_store import LadybugStore
from graph.neo4j_store import Neo4jStore, constraint_statements
from graph.open import open_store, resolve_location
from graph.pack import load_builtin_pack
from graph.schema import NODES
from graph.store import RuleStore, StoreError, StoreUnavailable

from conftest import EXAMPLES, firecheck, open_neo4j
from test_store import PROBE, expected_counts, probe_rule_set

PACK = load_builtin_pack()
REFUSED = "无法连接服务器（连接被拒绝、超时或服务器已停止）"


def free_port() -> int:
    """A loopback port where nothing listens (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- no server --------------------------------------------------------------------------------

def test_a_server_that_is_not_there_is_store_unavailable() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable) as caught:
        Neo4jStore(uri)
    assert str(caught.value).startswith(f"Neo4j {uri}：{REFUSED}（")
    assert "Connection refused" in str(caught.value)


def test_a_malformed_address_is_a_store_error() -> None:
    with pytest.raises(StoreError) as caught:
        Neo4jStore("bolt://127.0.0.1:notaport")
    assert not isinstance(caught.value, StoreUnavailable)
    assert str(caught.value).startswith("Neo4j 地址无效：bolt://127.0.0.1:notaport（")


def test_the_password_never_appears_in_a_message() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreUnavailable) as caught:
        Neo4jStore(uri, user="neo4j", password="s3cret-pw")
    assert "s3cret-pw" not in str(caught.value)


@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_check_with_the_server_down_says_store_unavailable_and_exits_3(scheme: str) -> None:
    uri = f"{scheme}://127.0.0.1:{free_port()}"
    done = firecheck("check", str(EXAMPLES[0]), "--store", uri)
    assert done.returncode == 3, done.stderr
    assert done.stdout == ""
    first = done.stderr.splitlines()[0]
    assert first.startswith(f"firecheck: 存储不可用（{uri}）：Neo4j {uri}：{REFUSED}（"), first
    assert "Traceback" not in done.stderr


def test_graph_load_and_export_with_the_server_down_exit_3() -> None:
    uri = f"bolt://127.0.0.1:{free_port()}"
    for args in (["graph", "load"], ["graph", "export", "--format", "cypher"],
                 ["rules", "list"]):
        done = firecheck(*args, "--store", uri)
        assert done.returncode == 3, (args, done.stderr)
        assert done.stderr.startswith(f"firecheck: 存储不可用（{uri}）：Neo4j {uri}：{REFUSED}（")
        assert "Traceback" not in done.stderr


def test_store_neo4j_without_neo4j_uri_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(StoreUnavailable) as caught:
        open_store("neo4j")
    assert str(caught.value) == "--store neo4j 需要环境变量 NEO4J_URI（如 bolt://127.0.0.1:7687）"
    done = firecheck("check", str(EXAMPLES[0]), "--store", "neo4j", env={"NEO4J_URI": ""})
    assert done.returncode == 3
    assert done.stderr == ("firecheck: 存储不可用（neo4j）：--store neo4j 需要环境变量 NEO4J_URI"
                           "（如 bolt://127.0.0.1:7687）\n")


def test_store_neo4j_and_firecheck_store_name_the_server_in_neo4j_uri(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_URI", "bolt://db.example:7687")
    assert resolve_location("neo4j") == "bolt://db.example:7687"
    monkeypatch.setenv("FIRECHECK_STORE", "neo4j")
    assert resolve_location(None) == "bolt://db.example:7687"
    assert resolve_location("/tmp/x.lbdb") == "/tmp/x.lbdb"


def test_there_is_one_uniqueness_constraint_per_label_key() -> None:
    statements = constraint_statements()
    assert len(statements) == len(NODES)
    for (label, (key, _)), statement in zip(NODES.items(), statements):
        assert statement == (f"CREATE CONSTRAINT firecheck_{label}_{key} IF NOT EXISTS "
                             f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE")


# --- with a server ----------------------------------------------------------------------------

@pytest.mark.neo4j
def test_the_constraints_exist_after_the_first_import(neo4j_store: RuleStore) -> None:
    neo4j_store.import_rule_set(PACK)
    rows = neo4j_store.run("SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties "
                           "WHERE name STARTS WITH 'firecheck_' RETURN name AS name, type AS type, "
                           "labelsOrTypes AS labels, properties AS props")
    found = {(r["labels"][0], r["props"][0]) for r in rows if r["type"] == "UNIQUENESS"}
    assert found == {(label, key) for label, (key, _) in NODES.items()}
    assert neo4j_store.run("SHOW INDEXES YIELD state WHERE state <> 'ONLINE' "
                           "RETURN count(*) AS n") == [{"n": 0}]


@pytest.mark.neo4j
def test_a_duplicate_business_key_is_refused_and_rolled_back(neo4j_store: RuleStore) -> None:
    neo4j_store.import_rule_set(PACK)
    before = neo4j_store.counts()
    rule = PACK.rules[0]
    with pytest.raises(StoreError) as caught:
        with neo4j_store.transaction() as tx:
            tx.run("CREATE (:Concept {name: $name})", {"name": "新概念"})
            tx.run("CREATE (:Rule {id: $id})", {"id": rule.id})
    assert str(caught.value).startswith(
        f"导入失败，已回滚：Neo4j {neo4j_store.uri} 执行出错："  # type: ignore[attr-defined]
        "Neo.ClientError.Schema.ConstraintValidationFailed：")
    assert neo4j_store.counts() == before


@pytest.mark.neo4j
def test_a_cypher_error_is_a_store_error_not_unavailable(neo4j_store: RuleStore) -> None:
    with pytest.raises(StoreError) as caught:
        neo4j_store.run("MATCH (n:Rule RETURN n")
    assert not isinstance(caught.value, StoreUnavailable)
    assert "Neo.ClientError.Statement.SyntaxError" in str(caught.value)


@pytest.mark.neo4j
def test_wrong_credentials_on_an_open_server_still_connect(neo4j_store: RuleStore) -> None:
    """The test server runs without auth (.ci/neo4j.sh): any credentials are accepted, so
    NEO4J_USER/NEO4J_PASSWORD set for another server do not lock the tests out."""
    other = Neo4jStore(neo4j_store.uri, user="neo4j", password="whatever")  # type: ignore[attr-defined]
    try:
        assert other.run("RETURN 1 AS one") == [{"one": 1}]
    finally:
        other.close()


def _json_report(*args: str, env: dict[str, str] | None = None) -> dict:
    done = firecheck("check", *args, "--format", "json", env=env)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.mark.neo4j
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.name.split(".")[0])
def test_check_through_neo4j_prints_the_same_report_as_ladybug(
        neo4j_store: RuleStore, tmp_path: Path, example: Path) -> None:
    uri = neo4j_store.uri  # type: ignore[attr-defined]
    from_ladybug = _json_report(str(example), "--store", str(tmp_path / "rules.lbdb"))
    from_neo4j = _json_report(str(example), "--store", uri)  # loads the pack on first use
    assert from_neo4j == from_ladybug
    assert neo4j_store.pack_version() == PACK.version


@pytest.mark.neo4j
def test_check_finds_the_server_by_neo4j_uri_scheme_and_by_name(neo4j_store: RuleStore,
                                                                tmp_path: Path) -> None:
    uri = neo4j_store.uri  # type: ignore[attr-defined]
    expected = _json_report(str(EXAMPLES[1]), "--store", str(tmp_path / "rules.lbdb"))
    routed = uri.replace("bolt://", "neo4j://", 1)
    assert _json_report(str(EXAMPLES[1]), "--store", routed) == expected
    assert _json_report(str(EXAMPLES[1]), "--store", "neo4j", env={"NEO4J_URI": uri}) == expected
    assert _json_report(str(EXAMPLES[1]), env={"NEO4J_URI": uri,
                                               "FIRECHECK_STORE": "neo4j"}) == expected


@pytest.mark.neo4j
def test_graph_load_into_neo4j_twice_gives_the_same_graph(neo4j_store: RuleStore) -> None:
    uri = neo4j_store.uri  # type: ignore[attr-defined]
    first = firecheck("graph", "load", "--store", uri)
    assert first.returncode == 0, first.stderr
    counts = neo4j_store.counts()
    second = firecheck("graph", "load", "--store", uri)
    assert second.returncode == 0, second.stderr
    assert neo4j_store.counts() == counts
    nodes, edges = sum(counts["nodes"].values()), sum(counts["edges"].values())
    assert second.stdout.startswith(f"已导入 {len(PACK.rules)} 条规则（")
    assert second.stdout.rstrip().endswith(f"规则图现有 {nodes} 个节点、{edges} 条边。")


@pytest.mark.neo4j
def test_graph_export_json_from_neo4j_is_the_graph(neo4j_store: RuleStore,
                                                   ladybug_store: RuleStore) -> None:
    uri = neo4j_store.uri  # type: ignore[attr-defined]
    neo4j_store.import_rule_set(PACK)
    ladybug_store.import_rule_set(PACK)
    done = firecheck("graph", "export", "--format", "json", "--store", uri)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == neo4j_store.export() == ladybug_store.export()


def load_cypher_script(store: RuleStore, script: str) -> int:
    """Run an exported Cypher script (one statement per line) in one transaction."""
    statements = [line for line in script.splitlines() if line.strip()]
    assert all(line.endswith(";") for line in statements)
    with store.transaction() as tx:
        for statement in statements:
            tx.run(statement[:-1])
    return len(statements)


@pytest.mark.neo4j
@pytest.mark.parametrize("source", ["neo4j", "ladybug"])
def test_exported_cypher_loads_into_an_empty_neo4j_with_the_same_counts(
        source: str, neo4j_store: RuleStore, tmp_path: Path) -> None:
    """Pack plus injection probes, exported as Cypher by the CLI from either store, then run
    into an emptied Neo4j: the same counts, the same export, probes intact."""
    if source == "neo4j":
        origin: RuleStore = neo4j_store
        location = neo4j_store.uri  # type: ignore[attr-defined]
    else:
        origin = LadybugStore(tmp_path / "origin.lbdb")
        location = str(tmp_path / "origin.lbdb")
    origin.import_rule_set(PACK)
    origin.import_rule_set(probe_rule_set(), source="user")
    counts, exported = origin.counts(), origin.export()
    if source == "ladybug":
        origin.close()

    done = firecheck("graph", "export", "--format", "cypher", "--store", location)
    assert done.returncode == 0, done.stderr
    neo4j_store.clear()  # type: ignore[attr-defined]
    assert sum(neo4j_store.counts()["nodes"].values()) == 0
    statements = load_cypher_script(neo4j_store, done.stdout)
    assert statements == sum(counts["nodes"].values()) + sum(counts["edges"].values())
    assert neo4j_store.counts() == counts
    assert neo4j_store.export() == exported
    assert neo4j_store.get_rule("GB1-2024:1.0.1#probe") == probe_rule_set().rules[0]
    assert any(PROBE in row["id"] for row in exported["nodes"]["Standard"])


@pytest.mark.neo4j
def test_counts_of_the_pack_in_neo4j_are_the_expected_ones(neo4j_store: RuleStore) -> None:
    from graph.schema import rule_set_rows

    neo4j_store.import_rule_set(PACK)
    assert neo4j_store.counts() == expected_counts(rule_set_rows(PACK))


def test_open_neo4j_helper_uses_the_environment_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """conftest.open_neo4j passes NEO4J_USER/NEO4J_PASSWORD like graph.open does (and fails
    the same way on a dead port)."""
    monkeypatch.setenv("NEO4J_USER", "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "pw")
    with pytest.raises(StoreUnavailable):
        open_neo4j(f"bolt://127.0.0.1:{free_port()}")
