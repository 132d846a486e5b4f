"""Standards and their clauses: GET /v1/standards, /v1/clauses, /v1/clauses/{standard}/{clause}."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field

from graph import browse

from ..deps import ServicesDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["standards"])


class StandardInfo(BaseModel):
    id: str = Field(description="完整编号，如 GB 50016-2014(2018)")
    code: str = Field(description="简写编号，如 GB50016-2014")
    title: str
    clauses: int
    clauses_with_text: int = Field(description="已导入原文的条文数")
    rules: int


class ClauseSummary(BaseModel):
    id: str
    standard: str
    number: str
    title: str
    has_text: bool = False
    rules: int = 0
    snippet: str | None = None


class ClauseRef(BaseModel):
    standard: str
    number: str
    title: str


class Part(BaseModel):
    id: str
    number: str | None = None
    text: str | None = None


class TableInfo(BaseModel):
    id: str
    number: str | None = None
    title: str | None = None
    markdown: str | None = None
    notes: list[Part] = Field(default_factory=list)


class RuleSummary(BaseModel):
    id: str
    title: str
    object: str
    attribute: str
    operator: str
    strength: str
    unit: str | None = None
    source: str | None = None


class References(BaseModel):
    clauses: list[ClauseRef]
    tables: list[dict[str, Any]]
    standards: list[dict[str, Any]]


class ReferencedBy(BaseModel):
    clauses: list[ClauseRef]
    rules: list[dict[str, Any]]


class ClauseDetail(BaseModel):
    id: str
    standard: str
    number: str
    title: str
    text: str | None = Field(description="条文原文；未导入时为 null（firecheck ingest）")
    chapter: str | None = None
    section: str | None = None
    items: list[Part]
    tables: list[TableInfo]
    notes: list[Part]
    rules: list[RuleSummary]
    references: References
    referenced_by: ReferencedBy


StandardParam = Annotated[str, Path(description="完整编号 GB 50016-2014(2018) 或简写 GB50016-2014")]


def find_standard(services: ServicesDep, name: str) -> dict[str, Any]:
    standard = services.query(browse.resolve_standard, name)
    if standard is None:
        raise ApiError(404, "standard_not_found", f"规则库中没有标准 '{name}'")
    return standard


def find_clause(services: ServicesDep, standard_name: str, number: str) -> dict[str, Any]:
    standard = find_standard(services, standard_name)
    detail = services.query(browse.clause_detail, standard["id"], number.strip())
    if detail is None:
        raise ApiError(404, "clause_not_found", f"{standard['id']} 中没有第{number}条")
    return detail


@router.get("/v1/standards", response_model=list[StandardInfo], responses=ERROR_RESPONSES,
            summary="规则库中的标准")
def list_standards(services: ServicesDep) -> list[dict[str, Any]]:
    return services.query(browse.standards)


@router.get("/v1/clauses", response_model=list[ClauseSummary], responses=ERROR_RESPONSES,
            summary="条文列表或检索（条文号、标题、原文、规则标题）")
def list_clauses(
    services: ServicesDep,
    q: Annotated[str | None, Query(max_length=200, description="检索词，如 5.5 或 疏散楼梯")] = None,
    standard: Annotated[str | None, Query(description="只列出该标准的条文")] = None,
) -> list[dict[str, Any]]:
    standard_id = find_standard(services, standard)["id"] if standard else None
    if q and q.strip():
        found = services.query(browse.search, q)
        return [c for c in found if standard_id is None or c["standard"] == standard_id]
    return services.query(browse.list_clauses, standard_id)


@router.get("/v1/clauses/{standard}/{clause}", response_model=ClauseDetail,
            responses=ERROR_RESPONSES, summary="一条条文：原文、款、表、规则、引用与被引用")
def get_clause(services: ServicesDep, standard: StandardParam,
               clause: Annotated[str, Path(description="条文号，如 5.5.18、5.1.3A")]) -> dict[str, Any]:
    return find_clause(services, standard, clause)
