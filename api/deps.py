"""What the routers depend on: the services of one app (store, compiled rules, ask index,
explainer) and the API-key check, as `Annotated` dependencies.

The store is opened on first use, not at start-up, so that /healthz answers while the store is
down and a store that comes back is picked up by the next request. Store calls are serialised
by one lock: the embedded LadybugDB connection is shared by the worker threads.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from graph import browse
from graph.open import ensure_builtin_pack, open_store
from graph.store import RuleStore
from reasoning.checker import CompiledRuleSet
from reasoning.why import Explainer, template_explanation

from .ask import AskIndex
from .errors import ApiError
from .settings import Settings

log = logging.getLogger("firecheck.api")

StoreFactory = Callable[[], RuleStore]
T = TypeVar("T")


class Services:
    def __init__(self, settings: Settings, store_factory: StoreFactory | None = None,
                 explainer: Explainer | None = None):
        self.settings = settings
        self.store_factory: StoreFactory = store_factory or (lambda: open_store(settings.store))
        self.explainer: Explainer = explainer or template_explanation
        self._store: RuleStore | None = None
        self._lock = threading.RLock()
        self._stamp: tuple | None = None
        self._checked_at = float("-inf")
        self._rules: CompiledRuleSet | None = None
        self._ask: tuple[tuple | None, AskIndex] | None = None
        self._ask_lock = threading.Lock()

    # --- the store ---

    def _open(self) -> RuleStore:
        if self._store is None:
            store = self.store_factory()
            try:
                if self.settings.ensure_pack:
                    ensure_builtin_pack(store)
            except BaseException:
                store.close()
                raise
            self._store = store
        return self._store

    def query(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run `fn(store, *args)` with the store open and the lock held."""
        with self._lock:
            return fn(self._open(), *args, **kwargs)

    def write(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Like `query`, for changes: the cached rules and ask index are dropped afterwards."""
        try:
            return self.query(fn, *args, **kwargs)
        finally:
            self.invalidate()

    def ping(self) -> None:
        """Raises StoreUnavailable / StoreError unless the store answers a trivial query."""
        self.query(lambda store: store.run("RETURN 1 AS ok"))

    def close(self) -> None:
        with self._lock:
            if self._store is not None:
                try:
                    self._store.close()
                finally:
                    self._store = None

    # --- caches ---

    def invalidate(self) -> None:
        with self._lock:
            self._checked_at = float("-inf")
            self._stamp = None

    def rules(self) -> CompiledRuleSet:
        """The compiled rule set; the store's version stamp is re-read every `rules_ttl_s`."""
        now = time.monotonic()
        cached = self._rules
        if cached is not None and now - self._checked_at < self.settings.rules_ttl_s:
            return cached
        with self._lock:
            if self._rules is not None and time.monotonic() - self._checked_at < self.settings.rules_ttl_s:
                return self._rules  # refreshed by the request this one waited for
            store = self._open()
            stamp = browse.version_stamp(store)
            if self._rules is None or stamp != self._stamp:
                self._rules = CompiledRuleSet(store.load_rule_set())
                self._stamp = stamp
            self._checked_at = now
            return self._rules

    def ask_index(self) -> AskIndex:
        rules = self.rules()
        with self._ask_lock:
            if self._ask is None or self._ask[1].rule_set is not rules.rule_set \
                    or self._ask[0] != self._stamp:
                corpus = self.query(browse.clause_corpus)
                self._ask = (self._stamp, AskIndex(rules.rule_set, corpus))
            return self._ask[1]

    def warm(self) -> None:
        """Open the store and build the caches ahead of the first request; failures wait for
        that request to report them."""
        try:
            self.ask_index()
        except Exception as exc:  # noqa: BLE001 - reported by the request that needs it
            log.warning("warm-up failed: %s", exc)


def get_services(request: Request) -> Services:
    return request.app.state.services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_settings(services: ServicesDep) -> Settings:
    return services.settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_rules(services: ServicesDep) -> CompiledRuleSet:
    return services.rules()


RulesDep = Annotated[CompiledRuleSet, Depends(get_rules)]

api_key_header = APIKeyHeader(
    name="X-API-Key", auto_error=False, scheme_name="ApiKey",
    description="写接口（/v1/extract、/v1/rules:import）的 API 密钥；服务端由 FIRECHECK_API_KEYS 配置。",
)


def require_api_key(settings: SettingsDep,
                    key: Annotated[str | None, Security(api_key_header)] = None) -> None:
    if not key:
        raise ApiError(401, "missing_api_key", "缺少 API 密钥：请在请求头 X-API-Key 中提供",
                       headers={"WWW-Authenticate": "ApiKey"})
    if not any(hmac.compare_digest(key.encode(), known.encode()) for known in settings.api_keys):
        raise ApiError(403, "invalid_api_key", "API 密钥无效")


ApiKeyDep = Depends(require_api_key)
