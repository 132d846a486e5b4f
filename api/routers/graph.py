"""GET /v1/graph: the neighbourhood of a clause or a concept, as nodes and edges."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from graph import browse
from graph.schema import clause_key

from ..deps import Services, ServicesDep
from ..errors import ERROR_RESPONSES, ApiError
from .standards import find_standard

router = APIRouter(tags=["graph"])

MAX_DEPTH = 3


class GraphNode(BaseModel):
    id: str = Field(description="标签:键，如 Clause:GB50016-2014:5.5.18")
    label: str = Field(description="节点类型：Standard、Clause、Rule、Concept …")
    key: str
    depth: int = Field(description="距起点的跳数")
    caption: str
    properties: dict[str, Any]
    more: int = Field(0, description="未展开的相邻节点数（枢纽节点或达到上限时）")


class GraphEdge(BaseModel):
    source: str
    target: str
    type: str


class Graph(BaseModel):
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool = Field(description="节点数达到上限时为 true")


def start_nodes(services: Services, clause: str | None, concept: str | None,
                standard: str | None) -> list[tuple[str, str]]:
    if not (clause and clause.strip()) and not (concept and concept.strip()):
        raise ApiError(422, "invalid_request", "请给出 clause 或 concept",
                       [("query.clause", "clause 与 concept 至少给出一个")])
    start: list[tuple[str, str]] = []
    if clause and clause.strip():
        number = clause.strip()
        if standard:
            candidates = [find_standard(services, standard)]
        else:
            candidates = services.query(browse.standards)
        keys = [clause_key(s["code"], number) for s in candidates]
        found = services.query(browse.existing_clauses, keys)
        if not found:
            raise ApiError(404, "clause_not_found", f"规则库中没有第{number}条")
        if len(found) > 1:
            raise ApiError(422, "invalid_request", f"多个标准都有第{number}条，请用 standard 指明",
                           [("query.standard", "需要指明标准")])
        start.append(("Clause", found[0]))
    if concept and concept.strip():
        name = services.query(browse.resolve_concept, concept)
        if name is None:
            raise ApiError(404, "concept_not_found", f"规则库中没有概念 '{concept.strip()}'")
        start.append(("Concept", name))
    return start


def neighbourhood(services: Services, clause: str | None, concept: str | None,
                  standard: str | None, depth: int) -> dict[str, Any]:
    start = start_nodes(services, clause, concept, standard)
    return services.query(browse.neighbourhood, start, depth, services.settings.graph_max_nodes)


@router.get("/v1/graph", response_model=Graph, responses=ERROR_RESPONSES,
            summary="条文或概念的邻域图（节点与边）")
def get_graph(
    services: ServicesDep,
    clause: Annotated[str | None, Query(max_length=40, description="条文号，如 5.5.12")] = None,
    concept: Annotated[str | None, Query(max_length=40, description="概念名或别名，如 疏散楼梯")] = None,
    standard: Annotated[str | None, Query(max_length=60, description="标准编号；多个标准有同号条文时必填")] = None,
    depth: Annotated[int, Query(ge=1, le=MAX_DEPTH, description="跳数 1..3")] = 1,
) -> dict[str, Any]:
    return neighbourhood(services, clause, concept, standard, depth)
