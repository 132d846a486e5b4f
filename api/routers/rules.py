"""Rules: GET /v1/rules, GET /v1/rules/{rule_id}, POST /v1/rules:import (API key)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from graph import browse
from graph.store import StoreError, StoreUnavailable
from reasoning.design import field_path
from reasoning.rules import Rule, RuleSet

from ..deps import ApiKeyDep, ServicesDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["rules"])

IMPORT_SOURCE = "api"


class Provenance(BaseModel):
    source: str | None = Field(description="pack（内置规则包）、api（经 /v1/rules:import 导入）等")
    extractor: str | None = None
    extractor_version: str | None = None
    confidence: float | None = None


class RuleDetail(BaseModel):
    rule: Rule
    provenance: Provenance
    clause: dict[str, str] | None


class ImportResult(BaseModel):
    imported: int = Field(description="导入的规则数")
    version: str
    source: str
    rows: int
    nodes: int
    edges: int
    seconds: float


@router.get("/v1/rules", response_model=list[Rule], responses=ERROR_RESPONSES,
            summary="规则列表（可按条文号过滤）")
def list_rules(services: ServicesDep,
               clause: Annotated[str | None, Query(description="条文号，如 5.5.18")] = None) -> list[Rule]:
    rules = services.rules().rule_set.rules
    return [r for r in rules if clause is None or r.clause == clause]


@router.get("/v1/rules/{rule_id}", response_model=RuleDetail, responses=ERROR_RESPONSES,
            summary="一条规则（id 中的 # 须写作 %23）")
def get_rule(services: ServicesDep,
             rule_id: Annotated[str, Path(description="如 GB50016-2014:5.5.18%23corridor-width-highrise")]
             ) -> dict[str, Any]:
    detail = services.query(browse.rule_detail, rule_id)
    if detail is None:
        raise ApiError(404, "rule_not_found", f"规则库中没有规则 '{rule_id}'")
    return detail


def _check_standards(rule_set: RuleSet) -> None:
    """Every rule and clause names a standard of the pack (the import keys clauses by it)."""
    known = {s.id for s in rule_set.standards}
    problems = [(field_path(("rules", i, "standard")), f"标准 '{r.standard}' 不在 standards 中")
                for i, r in enumerate(rule_set.rules) if r.standard not in known]
    problems += [(field_path(("clauses", i, "standard")), f"标准 '{c.standard}' 不在 standards 中")
                 for i, c in enumerate(rule_set.clauses) if c.standard not in known]
    if problems:
        raise ApiError(422, "invalid_rule_set", "规则包有误", problems)


@router.post(
    "/v1/rules:import", response_model=ImportResult, dependencies=[ApiKeyDep],
    responses=ERROR_RESPONSES, summary="导入规则包（需要 X-API-Key）",
    description="请求体为 RuleSet 形状的 JSON（version、standards、clauses、concepts、attributes、"
                "rules）。在一个事务中导入，来源记为 api；重复导入同一规则包结果不变；"
                "失败时规则图保持原状。",
)
def import_rules(rule_set: RuleSet, services: ServicesDep) -> ImportResult:
    _check_standards(rule_set)
    try:
        stats = services.write(lambda store: store.import_rule_set(rule_set, source=IMPORT_SOURCE))
    except StoreUnavailable:
        raise
    except StoreError as exc:
        raise ApiError(500, "import_failed", f"导入失败，规则图保持原状：{exc}") from None
    return ImportResult(imported=len(rule_set.rules), version=rule_set.version,
                        source=IMPORT_SOURCE, rows=stats.rows, nodes=stats.nodes,
                        edges=stats.edges, seconds=round(stats.seconds, 3))
