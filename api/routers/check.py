"""POST /v1/check: a design (design-v1) in, a report (report-v1) out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from graph import browse
from reasoning.checker import check
from reasoning.design import USES, Design, DesignError, parse_design
from reasoning.report import Finding, Report
from reasoning.why import ExplainContext

from ..deps import Services, ServicesDep
from ..errors import ERROR_RESPONSES, ApiError, parse_json_body

router = APIRouter(tags=["check"])

# A design this small checks in about a millisecond: on the event loop, cheaper than a hop to the
# worker threads (which the GIL serialises anyway). Larger ones, and explanations (which may call
# a model), go to the thread pool so that the loop keeps answering other requests.
INLINE_MAX_ELEMENTS = 200

_QUANTITY = {
    "oneOf": [
        {"type": "number", "minimum": 0},
        {"type": "object", "required": ["value", "unit"],
         "properties": {"value": {"type": "number", "minimum": 0}, "unit": {"type": "string"}}},
    ],
}

# design-v1 as JSON Schema, for the OpenAPI document. The server validates with
# reasoning.design.parse_design, which checks more (units, vocabularies, unique ids).
DESIGN_SCHEMA: dict[str, Any] = {
    "title": "Design (design-v1)",
    "type": "object",
    "required": ["building"],
    "additionalProperties": False,
    "properties": {
        "schema_version": {"type": "string", "enum": ["1"]},
        "building": {
            "type": "object",
            "required": ["id"],
            "properties": {
                "id": {"type": "string", "minLength": 1},
                "name": {"type": "string"},
                "use": {"type": "string", "enum": sorted(USES)},
                "height_m": _QUANTITY,
                "storeys_above": {"type": "integer", "minimum": 0},
                "storeys_below": {"type": "integer", "minimum": 0},
                "fire_resistance_grade": {"type": "string", "enum": ["一级", "二级", "三级", "四级"]},
                "sprinklers": {"type": "boolean"},
                "fire_elevators": {"type": "integer", "minimum": 0},
                "max_storey_area_above_24m_m2": _QUANTITY,
                "total_area_m2": _QUANTITY,
                "important_public": {"type": "boolean"},
            },
        },
        "elements": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "type"],
                "properties": {
                    "id": {"type": "string", "minLength": 1},
                    "type": {"type": "string", "minLength": 1},
                    "clear_width_m": _QUANTITY,
                    "storey": {"type": "integer", "not": {"const": 0}},
                    "area_m2": _QUANTITY,
                    "sprinklers": {"type": "boolean"},
                },
            },
        },
    },
}

DESIGN_BODY = {"requestBody": {"required": True, "content": {
    "application/json": {"schema": DESIGN_SCHEMA}}}}


def parse_design_or_422(data: Any, within: str | None = None) -> Design:
    """design-v1 validation; a 422 naming every bad field path. `within` names the field that
    holds the design in a larger body: 'design' → 'design.elements[3].clear_width_m'."""
    try:
        return parse_design(data)
    except DesignError as exc:
        fields = [(path if within is None else within if path == "(root)" else f"{within}.{path}",
                   message) for path, message in exc.problems]
        raise ApiError(422, "invalid_design", "设计数据有误", fields) from None


def explain_findings(services: Services, findings: list[Finding], category: str | None,
                     titles: dict[str, str], codes: dict[str, str]) -> None:
    """Fill `explanation` on each finding, with the clause's title and (ingested) text."""
    keys = sorted({f"{codes.get(f.standard, f.standard)}:{f.clause}" for f in findings})
    texts = services.query(browse.clause_texts, keys) if keys else {}
    for finding in findings:
        context = ExplainContext(
            clause_title=titles.get(finding.clause),
            clause_text=texts.get(f"{codes.get(finding.standard, finding.standard)}:{finding.clause}"),
            category=category)
        finding.explanation = services.explainer(finding, context)


def _check(services: Services, design: Design, explain: bool) -> Report:
    rules = services.rules()
    report = check(design, rules)
    if explain:
        titles = {c.number: c.title for c in rules.rule_set.clauses}
        codes = {s.id: s.code for s in rules.rule_set.standards}
        failed = [f for f in report.findings if f.status == "fail"]
        explain_findings(services, failed, report.classification.category, titles, codes)
    return report


@router.post(
    "/v1/check", response_model=None, openapi_extra=DESIGN_BODY,
    responses={200: {"model": Report, "description": "检查报告（report-v1）"}, **ERROR_RESPONSES},
    summary="检查一个设计",
    description="请求体为 design-v1 JSON；返回 report-v1。`explain=true` 时为每个不符合项附加 "
                "`explanation`（中文说明）。设计数据有误时返回 422，`fields` 给出字段路径，"
                "如 `elements[3].clear_width_m`。",
)
async def check_design(
    request: Request, services: ServicesDep,
    explain: Annotated[bool, Query(description="为不符合项附加中文解释")] = False,
) -> JSONResponse:
    data = parse_json_body(await request.body())
    design = parse_design_or_422(data)
    if explain or len(design.elements) > INLINE_MAX_ELEMENTS:
        report = await run_in_threadpool(_check, services, design, explain)
    else:
        report = _check(services, design, explain)
    return JSONResponse(report.to_json_dict())
