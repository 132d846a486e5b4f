"""The embedded default store: LadybugDB (PyPI `ladybug`), one database file, no server.

LadybugDB wants its schema declared up front (node tables with a primary key, rel tables with
their FROM/TO pairs); the DDL is generated here from graph/schema.py. Queries are shared with
the Neo4j store through graph/store.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import ladybug

from .schema import EDGES, NODES
from .store import RuleStore, StoreError, StoreUnavailable, Tx


def _rows(result: Any) -> list[dict[str, Any]]:
    columns = result.get_column_names()
    rows = []
    while result.has_next():
        rows.append(dict(zip(columns, result.get_next())))
    return rows


class _LadybugTx(Tx):
    def __init__(self, conn: ladybug.Connection):
        self.conn = conn

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return _rows(self.conn.execute(query, params or {}))


class LadybugStore(RuleStore):
    name = "ladybug"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = ladybug.Database(str(self.path))
            self.conn = ladybug.Connection(self.db)
        except (RuntimeError, OSError) as exc:
            raise StoreUnavailable(f"无法打开图数据库 {self.path}：{exc}") from None
        self._schema_ready = False
        self.ensure_schema()

    def ensure_schema(self) -> None:
        """Create missing tables, columns and FROM/TO pairs: a store made by an older version
        gains what this version's schema adds (LadybugDB's ALTER … IF NOT EXISTS)."""
        if self._schema_ready:
            return
        try:
            for label, (key, props) in NODES.items():
                self.conn.execute(f"CREATE NODE TABLE IF NOT EXISTS {label}({key} STRING PRIMARY KEY)")
                for prop, kind in props.items():
                    self.conn.execute(f"ALTER TABLE {label} ADD IF NOT EXISTS {prop} {kind}")
            for kind, pairs in EDGES.items():
                first, *rest = pairs
                self.conn.execute(f"CREATE REL TABLE IF NOT EXISTS {kind}(FROM {first[0]} TO {first[1]})")
                for src, dst in rest:
                    self.conn.execute(f"ALTER TABLE {kind} ADD IF NOT EXISTS FROM {src} TO {dst}")
        except RuntimeError as exc:
            raise StoreError(f"无法建立图数据库结构：{exc}") from None
        self._schema_ready = True

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            return _rows(self.conn.execute(query, params or {}))
        except RuntimeError as exc:
            raise StoreError(str(exc)) from None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        self.conn.execute("BEGIN TRANSACTION")
        try:
            yield _LadybugTx(self.conn)
        except BaseException as exc:
            try:
                self.conn.execute("ROLLBACK")
            except RuntimeError:
                pass  # LadybugDB already rolled back the failed statement's transaction
            if isinstance(exc, RuntimeError):
                raise StoreError(f"导入失败，已回滚：{exc}") from None
            raise
        else:
            self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()
        self.db.close()
