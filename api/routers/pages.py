"""The web pages: design check, clause browser, graph view, ask, API index.

Server-rendered Jinja2 templates with small inline vanilla JS; no front-end build and nothing
fetched from outside the app. The neighbourhood graph is built with pyvis and drawn by the
vis-network that pyvis ships inside its package, served here from /static/vis/.
"""

from __future__ import annotations

import json
from pathlib import Path as FsPath
from typing import Annotated, Any
from urllib.parse import quote

import pyvis
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, select_autoescape
from pyvis.network import Network

from graph import browse

from ..deps import ServicesDep
from ..errors import ApiError
from .graph import MAX_DEPTH, neighbourhood
from .standards import find_clause, find_standard

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(env=Environment(loader=PackageLoader("api", "templates"),
                                            autoescape=select_autoescape()))

VIS_DIR = FsPath(pyvis.__file__).parent / "lib" / "vis-9.1.2"
VIS_FILES = {"vis-network.min.js": "text/javascript", "vis-network.css": "text/css"}

# label → (legend, colour, shape)
STYLE: dict[str, tuple[str, str, str]] = {
    "Clause": ("条文", "#c0392b", "dot"),
    "Rule": ("规则", "#e67e22", "dot"),
    "Concept": ("概念", "#27ae60", "dot"),
    "Attribute": ("属性", "#8e44ad", "dot"),
    "Standard": ("标准", "#7f5a3c", "square"),
    "Item": ("款", "#16a085", "dot"),
    "CodeTable": ("表", "#2980b9", "square"),
    "Note": ("注", "#7f8c8d", "dot"),
}
EDGE_LABELS = {"HAS_CLAUSE": "包含", "HAS_ITEM": "款", "HAS_TABLE": "表", "HAS_NOTE": "注",
               "HAS_RULE": "规则", "CONSTRAINS": "约束", "ON_ATTRIBUTE": "属性", "IS_A": "属于",
               "REFERENCES": "引用"}


def _href(label: str, key: str) -> str | None:
    if label == "Clause" and ":" in key:
        code, number = key.split(":", 1)
        return f"/clauses/{quote(code)}/{quote(number)}"
    if label == "Concept":
        return f"/graph?concept={quote(key)}"
    return None


def vis_graph(graph: dict[str, Any]) -> dict[str, Any]:
    """pyvis builds the vis-network nodes, edges and options from a /v1/graph answer."""
    net = Network(height="560px", width="100%", directed=True, cdn_resources="in_line")
    for node in graph["nodes"]:
        legend, color, shape = STYLE.get(node["label"], (node["label"], "#95a5a6", "dot"))
        caption = node["caption"]
        props = "\n".join(f"{k}: {v}" for k, v in node["properties"].items())
        extra = {"href": href} if (href := _href(node["label"], node["key"])) else {}
        hidden = f"\n另有 {node['more']} 个相邻节点未展开" if node["more"] else ""
        net.add_node(node["id"], label=caption if len(caption) <= 18 else caption[:17] + "…",
                     title=f"{legend} {node['key']}\n{props}{hidden}".strip(), color=color,
                     shape=shape, size=26 if node["depth"] == 0 else 16, **extra)
    for edge in graph["edges"]:
        net.add_edge(edge["source"], edge["target"], label=EDGE_LABELS.get(edge["type"], edge["type"]),
                     title=edge["type"])
    net.barnes_hut(gravity=-6000, central_gravity=0.35, spring_length=140, spring_strength=0.03)
    nodes, edges, _heading, _height, _width, options = net.get_network_data()
    settings = json.loads(options)
    settings["physics"]["stabilization"] = {"enabled": True, "iterations": 300, "fit": True}
    settings["edges"] = {**settings.get("edges", {}), "font": {"size": 10, "align": "middle"},
                         "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}}
    settings["nodes"] = {"font": {"size": 13}}
    settings["interaction"] = {"hover": True, "tooltipDelay": 150}
    return {"nodes": nodes, "edges": edges, "options": settings, "truncated": graph["truncated"]}


def _legend() -> list[tuple[str, str]]:
    return [(legend, color) for legend, color, _ in STYLE.values()]


def _page(request: Request, name: str, active: str, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, {"active": active, **context})


@router.get("/", response_class=HTMLResponse)
def check_page(request: Request) -> HTMLResponse:
    return _page(request, "page_check.html", "check")


@router.get("/clauses", response_class=HTMLResponse)
def clauses_page(request: Request, services: ServicesDep,
                 q: Annotated[str | None, Query(max_length=200)] = None) -> HTMLResponse:
    standards = services.query(browse.standards)
    codes = {s["id"]: s["code"] for s in standards}
    clauses = services.query(browse.search, q) if q and q.strip() else \
        services.query(browse.list_clauses)
    return _page(request, "page_clauses.html", "clauses", q=q, clauses=clauses,
                 standards=standards, codes=codes)


@router.get("/clauses/{standard}/{clause}", response_class=HTMLResponse)
def clause_page(request: Request, services: ServicesDep, standard: Annotated[str, Path()],
                clause: Annotated[str, Path()],
                depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 2) -> HTMLResponse:
    detail = find_clause(services, standard, clause)
    code = find_standard(services, standard)["code"]
    graph = neighbourhood(services, detail["number"], None, detail["standard"], depth)
    return _page(request, "page_clause.html", "clauses", clause=detail, code=code,
                 graph=vis_graph(graph), legend=_legend(), depth=depth,
                 depths=range(1, MAX_DEPTH + 1))


@router.get("/graph", response_class=HTMLResponse)
def graph_page(request: Request, services: ServicesDep,
               clause: Annotated[str | None, Query(max_length=40)] = None,
               concept: Annotated[str | None, Query(max_length=40)] = None,
               depth: Annotated[int, Query(ge=1, le=MAX_DEPTH)] = 2) -> HTMLResponse:
    graph = None
    if (clause and clause.strip()) or (concept and concept.strip()):
        graph = vis_graph(neighbourhood(services, clause, concept, None, depth))
    concepts = [c["name"] for c in services.query(browse.concepts)]
    return _page(request, "page_graph.html", "graph", graph=graph, clause=clause,
                 concept=concept, depth=depth, depths=range(1, MAX_DEPTH + 1),
                 legend=_legend(), concepts=concepts)


@router.get("/ask", response_class=HTMLResponse)
def ask_page(request: Request) -> HTMLResponse:
    return _page(request, "page_ask.html", "ask")


@router.get("/api", response_class=HTMLResponse)
def api_page(request: Request) -> HTMLResponse:
    spec = request.app.openapi()
    operations = [(method.upper(), path, op.get("summary", ""))
                  for path, methods in spec.get("paths", {}).items()
                  for method, op in methods.items()]
    return _page(request, "page_api.html", "api", operations=operations)


@router.get("/static/vis/{name}")
def vis_asset(name: str) -> FileResponse:
    if name not in VIS_FILES:
        raise ApiError(404, "not_found", f"没有静态文件 {name}")
    return FileResponse(VIS_DIR / name, media_type=VIS_FILES[name],
                        headers={"Cache-Control": "public, max-age=86400"})
