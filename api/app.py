"""The HTTP service: `create_app(settings, store_factory, explainer)`.

    uvicorn --factory api.app:create_app        # or: firecheck serve

Everything the app needs is injected: settings (default: from the environment), how to open the
rule store (default: graph.open.open_store on settings.store), and the explainer that writes a
Chinese explanation for a finding (default: reasoning.why.template_explanation; a model-backed
one plugs in here). One router per resource lives in api/routers/.
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from reasoning.why import Explainer

from .deps import Services, StoreFactory
from .errors import BodyLimitMiddleware, install_error_handlers
from .routers import ask, check, extract, graph, health, pages, rules, standards, why
from .routers.extract import Extractor
from .settings import Settings

DESCRIPTION = """\
按 GB 50016 等消防规范检查建筑设计参数的 HTTP 接口（design-v1 → report-v1），以及条文浏览、
规则图、适用性链（why）与中文问答。错误统一为
`{"error": {"status", "code", "message", "fields": [{"path", "message"}]}}`。
写接口（/v1/extract、/v1/rules:import）需要请求头 `X-API-Key`。"""


def create_app(settings: Settings | None = None, store_factory: StoreFactory | None = None,
               explainer: Explainer | None = None, extractor: Extractor | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    services = Services(settings, store_factory, explainer)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Build the rule cache and the ask index in the background: the first request need not
        # wait for jieba's dictionary, and a store that is down does not stop the start.
        warm = threading.Thread(target=services.warm, name="firecheck-warm", daemon=True)
        warm.start()
        try:
            yield
        finally:
            warm.join(timeout=10)  # do not close the store under a warm-up still using it
            services.close()

    app = FastAPI(
        title="firecheck", version="1", description=DESCRIPTION, lifespan=lifespan,
        # FastAPI's Swagger UI and ReDoc load their scripts from a CDN; the pages work offline,
        # so the schema is served as JSON and listed at /api instead.
        docs_url=None, redoc_url=None,
    )
    app.state.services = services
    app.state.extractor = extractor
    install_error_handlers(app)
    app.add_middleware(BodyLimitMiddleware, limit=settings.max_body_bytes)
    for module in (health, check, standards, rules, graph, why, ask, extract, pages):
        app.include_router(module.router)
    return app
