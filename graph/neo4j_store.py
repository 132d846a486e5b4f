"""The server store: Neo4j (5.26 LTS or newer) through the official `neo4j` Python driver.

Queries are shared with the embedded store (graph/store.py); this module adds what is Neo4j's
own: the driver and its errors, uniqueness constraints on each label's business key, and
explicit transactions. Every user value travels as a query parameter; Cypher text is built only
from the allow-list in graph/schema.py.

Errors: a server that cannot be reached (refused, killed, restarting, session expired) becomes
`StoreUnavailable`; any other driver or server error becomes `StoreError`. Both carry a Chinese
message that names the server and never the password.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from neo4j import GraphDatabase
from neo4j.exceptions import (
    AuthError, DatabaseUnavailable, DriverError, IncompleteCommit, Neo4jError,
    ServiceUnavailable, SessionExpired,
)

from .schema import NODES
from .store import RuleStore, StoreError, StoreUnavailable, Tx

# The driver logs reconnect attempts and defunct connections as warnings; with no handler
# configured Python would print them on stderr next to firecheck's own message. A library does
# not configure logging, but it may keep its dependencies quiet by default.
logging.getLogger("neo4j").addHandler(logging.NullHandler())

CONNECT_TIMEOUT_S = 5.0
# Read queries are retried on transient errors for at most this long; a server that is down
# must produce "store unavailable" quickly, not after the driver's default 30 s.
READ_RETRY_S = 5.0
AWAIT_INDEXES_S = 300


def constraint_statements() -> list[str]:
    """One uniqueness constraint per label's business key (Community supports only these)."""
    return [f"CREATE CONSTRAINT firecheck_{label}_{key} IF NOT EXISTS "
            f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
            for label, (key, _props) in NODES.items()]


def _unavailable(uri: str, exc: BaseException) -> StoreUnavailable:
    if isinstance(exc, IncompleteCommit):
        detail = "提交过程中连接中断，无法确认事务是否已提交"
    elif isinstance(exc, AuthError):
        detail = "认证失败，请检查 NEO4J_USER / NEO4J_PASSWORD"
    elif isinstance(exc, DatabaseUnavailable):
        detail = "数据库暂不可用（可能正在启动或恢复）"
    elif isinstance(exc, SessionExpired):
        detail = "与服务器的连接已中断"
    else:
        detail = "无法连接服务器（连接被拒绝、超时或服务器已停止）"
    reason = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return StoreUnavailable(f"Neo4j {uri}：{detail}（{reason}）")


def translate_error(uri: str, exc: BaseException) -> StoreError | None:
    """The StoreError for a driver/server/socket error, or None for anything else."""
    if isinstance(exc, (ServiceUnavailable, SessionExpired, DatabaseUnavailable, AuthError,
                        ConnectionError)):
        return _unavailable(uri, exc)
    if isinstance(exc, Neo4jError):
        code = exc.code or "Neo.Unknown"
        return StoreError(f"Neo4j {uri} 执行出错：{code}：{exc.message or exc}")
    if isinstance(exc, DriverError):
        return StoreError(f"Neo4j {uri} 驱动出错：{type(exc).__name__}：{exc}")
    if isinstance(exc, OSError):
        return _unavailable(uri, exc)
    return None


def _rows(result: Any) -> list[dict[str, Any]]:
    return [record.data() for record in result]


class _Neo4jTx(Tx):
    def __init__(self, tx: Any):
        self.tx = tx

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return _rows(self.tx.run(query, params or {}))


class Neo4jStore(RuleStore):
    name = "neo4j"

    def __init__(self, uri: str, user: str | None = None, password: str | None = None,
                 database: str | None = None, connect_timeout: float = CONNECT_TIMEOUT_S):
        self.uri = uri
        self.database = database
        # With auth disabled on the server any credentials are accepted; with none given we
        # send none.
        auth = (user, password or "") if user else None
        try:
            self.driver = GraphDatabase.driver(
                uri, auth=auth, connection_timeout=connect_timeout,
                connection_acquisition_timeout=max(connect_timeout * 2, 10.0),
                max_transaction_retry_time=READ_RETRY_S,
            )
        except (DriverError, ValueError) as exc:
            raise StoreError(f"Neo4j 地址无效：{uri}（{exc}）") from None
        try:
            self.driver.verify_connectivity()
        except Exception as exc:
            self.driver.close()
            if isinstance(exc, ValueError):  # e.g. a port that is not a number
                raise StoreError(f"Neo4j 地址无效：{uri}（{exc}）") from None
            error = translate_error(uri, exc)
            if error is None:
                raise
            raise error from None
        self._schema_ready = False

    def _session(self) -> Any:
        return self.driver.session(database=self.database) if self.database \
            else self.driver.session()

    def ensure_schema(self) -> None:
        if self._schema_ready:
            return
        try:
            with self._session() as session:
                for statement in constraint_statements():
                    session.run(statement).consume()
                session.run("CALL db.awaitIndexes($seconds)",
                            {"seconds": AWAIT_INDEXES_S}).consume()
        except Exception as exc:
            error = translate_error(self.uri, exc)
            if error is None:
                raise
            raise error from None
        self._schema_ready = True

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        def work(tx: Any) -> list[dict[str, Any]]:
            return _rows(tx.run(query, params or {}))

        try:
            with self._session() as session:
                return session.execute_read(work)
        except Exception as exc:
            error = translate_error(self.uri, exc)
            if error is None:
                raise
            raise error from None

    @contextmanager
    def transaction(self) -> Iterator[Tx]:
        """One explicit transaction (not retried: the import is one all-or-nothing unit)."""
        try:
            session = self._session()
            tx = session.begin_transaction()
        except Exception as exc:
            error = translate_error(self.uri, exc)
            if error is None:
                raise
            raise error from None
        try:
            try:
                yield _Neo4jTx(tx)
            except BaseException as exc:
                try:
                    if not tx.closed():
                        tx.rollback()
                except Exception:
                    pass  # connection gone or transaction already failed: the server rolls back
                error = translate_error(self.uri, exc)
                if error is None:
                    raise
                if isinstance(error, StoreUnavailable):
                    raise error from None
                raise StoreError(f"导入失败，已回滚：{error}") from None
            try:
                tx.commit()
            except Exception as exc:
                error = translate_error(self.uri, exc)
                if error is None:
                    raise
                raise error from None
        finally:
            try:
                session.close()
            except Exception:
                pass

    def clear(self) -> None:
        """Delete every node and edge (tests, benchmarks), in batches so the transaction memory
        stays bounded whatever the graph's size; constraints stay."""
        try:
            with self._session() as session:
                session.run("MATCH (n) CALL (n) { DETACH DELETE n } "
                            "IN TRANSACTIONS OF 10000 ROWS").consume()
        except Exception as exc:
            error = translate_error(self.uri, exc)
            if error is None:
                raise
            raise error from None

    def close(self) -> None:
        try:
            self.driver.close()
        except Exception:
            pass
