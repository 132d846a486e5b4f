"""Shared fixtures: a clean rule store of each kind, the Neo4j server, the CLI.

`store` is parametrized over ["ladybug", "neo4j"], so every test that takes it runs against both
backends with the same assertions. LadybugDB lives in the test's tmp_path; Neo4j is the server at
$NEO4J_URI (`./dev test` starts one with .ci/neo4j.sh), emptied before each test.

When NEO4J_URI is unset or the server does not answer, a Neo4j test skips, except in CI
(CI=true), where it fails: a skipped Neo4j test must not look like a green build.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest

from graph.ladybug_store import LadybugStore
from graph.store import RuleStore, StoreError

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = sorted((SHARED / "spec" / "examples").glob("*.design.json"))
NEO4J_SCRIPT = REPO / ".ci" / "neo4j.sh"

if str(REPO) not in sys.path:  # bench/ (the synthetic pack) is imported by the fault tests
    sys.path.insert(0, str(REPO))


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "runs_last: moved to the end of the run (it stops and restarts a server)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked runs_last go after all others, so a server restart cannot disturb them."""
    items.sort(key=lambda item: item.get_closest_marker("runs_last") is not None)


# --- Neo4j ----------------------------------------------------------------------------------

def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def neo4j_unavailable(reason: str) -> NoReturn:
    if in_ci():
        pytest.fail(f"CI=true 时 Neo4j 测试不可跳过：{reason}", pytrace=False)
    pytest.skip(reason)


_reachable: dict[str, str | None] = {}  # uri → None if it answered, else why not


def neo4j_credentials() -> dict[str, str | None]:
    return {"user": os.environ.get("NEO4J_USER"), "password": os.environ.get("NEO4J_PASSWORD")}


def neo4j_uri() -> str:
    """$NEO4J_URI if its server answers; otherwise skip (fail in CI)."""
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        neo4j_unavailable("NEO4J_URI is unset (start a server: bash .ci/neo4j.sh start, "
                          "or run ./dev test)")
    if uri not in _reachable:
        from graph.neo4j_store import Neo4jStore

        try:
            Neo4jStore(uri, **neo4j_credentials()).close()
            _reachable[uri] = None
        except StoreError as exc:
            _reachable[uri] = str(exc)
    if _reachable[uri] is not None:
        neo4j_unavailable(f"Neo4j at NEO4J_URI={uri} does not answer: {_reachable[uri]}")
    return uri


def open_neo4j(uri: str | None = None) -> RuleStore:
    from graph.neo4j_store import Neo4jStore

    return Neo4jStore(uri or neo4j_uri(), **neo4j_credentials())


@pytest.fixture
def neo4j_store() -> Iterator[RuleStore]:
    store = open_neo4j()
    store.clear()  # type: ignore[attr-defined]
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def ladybug_store(tmp_path: Path) -> Iterator[RuleStore]:
    store = LadybugStore(tmp_path / "rules.lbdb")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request: pytest.FixtureRequest) -> RuleStore:
    """A clean, empty store of each kind."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def ladybug_location(tmp_path: Path) -> str:
    return str(tmp_path / "cli.lbdb")


@pytest.fixture
def neo4j_location(neo4j_store: RuleStore) -> str:
    return neo4j_store.uri  # type: ignore[attr-defined]


def neo4j_script(command: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run .ci/neo4j.sh COMMAND for the server the tests use (same env: port, home dir)."""
    return subprocess.run(["bash", str(NEO4J_SCRIPT), command], capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.fixture
def managed_neo4j() -> str:
    """The URI of a Neo4j that .ci/neo4j.sh runs (so a test may kill and restart it)."""
    uri = neo4j_uri()
    port = os.environ.get("NEO4J_BOLT_PORT", "7687")
    if not uri.rstrip("/").endswith(f"127.0.0.1:{port}") and \
            not uri.rstrip("/").endswith(f"localhost:{port}"):
        neo4j_unavailable(f"NEO4J_URI={uri} is not the server .ci/neo4j.sh runs on port {port}")
    status = neo4j_script("status", timeout=60)
    if status.returncode != 0:
        neo4j_unavailable(f".ci/neo4j.sh status: {status.stderr.strip()}")
    return uri


# --- CLI ------------------------------------------------------------------------------------

def firecheck(*args: str, env: dict[str, str] | None = None, timeout: float = 120,
              inherit: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the installed `firecheck` command as a user would (own process, real exit code).

    `env` is added to this process's environment; with inherit=False it is the whole
    environment (tests that must not see the caller's FIRECHECK_* / NEO4J_* settings)."""
    script = Path(sys.executable).with_name("firecheck")
    command = [str(script)] if script.exists() else \
        [sys.executable, "-c", "from api.cli import main; main()"]
    return subprocess.run([*command, *args], capture_output=True, text=True, encoding="utf-8",
                          timeout=timeout, env={**os.environ, **(env or {})} if inherit else env,
                          cwd=REPO, check=False)
