"""Choosing and opening a store, and making sure it holds the built-in pack.

`--store` (or FIRECHECK_STORE) is either a file path for the embedded LadybugDB store or a
`bolt://` / `neo4j://` URI for a Neo4j server (credentials from NEO4J_USER / NEO4J_PASSWORD), or
the word `neo4j` for the server named by $NEO4J_URI. With
neither, the embedded store lives in the user's data directory and is created and loaded with
the built-in pack on first use.
"""

from __future__ import annotations

import os
from pathlib import Path

from reasoning.rules import RuleSet

from .ladybug_store import LadybugStore
from .pack import load_builtin_pack
from .store import RuleStore, StoreUnavailable

NEO4J_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def default_store_path() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "firecheck" / "rules.lbdb"


def resolve_location(location: str | None) -> str:
    where = location or os.environ.get("FIRECHECK_STORE") or str(default_store_path())
    if where == "neo4j":  # the server named by $NEO4J_URI
        return os.environ.get("NEO4J_URI") or where
    return where


def is_neo4j(location: str) -> bool:
    return location.startswith(NEO4J_SCHEMES)


def open_store(location: str | None = None) -> RuleStore:
    where = resolve_location(location)
    if where == "neo4j":
        raise StoreUnavailable("--store neo4j 需要环境变量 NEO4J_URI（如 bolt://127.0.0.1:7687）")
    if is_neo4j(where):
        from .neo4j_store import Neo4jStore  # the driver is only needed for a server store

        return Neo4jStore(where, user=os.environ.get("NEO4J_USER"),
                          password=os.environ.get("NEO4J_PASSWORD"))
    return LadybugStore(where)


def ensure_builtin_pack(store: RuleStore) -> bool:
    """Load the built-in pack when the store lacks it or holds another version. True if loaded."""
    pack = load_builtin_pack()
    if store.pack_version() == pack.version:
        return False
    store.import_rule_set(pack)
    return True


def load_rules(location: str | None = None) -> RuleSet:
    """The rule set for checking, from the chosen store (loaded with the pack on first use)."""
    with open_store(location) as store:
        ensure_builtin_pack(store)
        return store.load_rule_set()
