"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from graph.store import StoreError

from ..deps import ServicesDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: str
    store: str | None = None


@router.get("/healthz", response_model=Health, responses=ERROR_RESPONSES,
            summary="进程存活检查（不访问规则库）")
def healthz() -> Health:
    return Health(status="ok")


@router.get("/readyz", response_model=Health, responses=ERROR_RESPONSES,
            summary="就绪检查：规则库可访问时 200，否则 503")
def readyz(services: ServicesDep) -> Health:
    try:
        services.ping()
        name = services.query(lambda store: store.name)
    except StoreError as exc:  # StoreUnavailable included: not ready either way
        raise ApiError(503, "store_unavailable", f"规则库不可用：{exc}",
                       headers={"Retry-After": "5"}) from None
    return Health(status="ready", store=name)
