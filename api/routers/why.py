"""POST /v1/why: why a rule (or the rules of a clause) applies to one element of a design."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from graph import browse
from reasoning.why import ExplainContext, WhyError, WhyResult, why

from ..deps import Services, ServicesDep
from ..errors import ERROR_RESPONSES, ApiError
from .check import DESIGN_SCHEMA, parse_design_or_422

router = APIRouter(tags=["why"])


class WhyRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    clause: str | None = Field(None, max_length=40, description="条文号，如 5.5.12（与 rule_id 二选一）")
    rule_id: str | None = Field(None, max_length=200, description="规则 id（与 clause 二选一）")
    element_id: str = Field(min_length=1, max_length=200, description="构件 id；建筑本身用 building.id")
    design: dict[str, Any] = Field(json_schema_extra=DESIGN_SCHEMA, description="design-v1 设计数据")


def explain(services: Services, result: WhyResult) -> None:
    rules = services.rules().rule_set
    codes = {s.id: s.code for s in rules.standards}
    titles = {c.number: c.title for c in rules.clauses}
    keys = sorted({f"{codes.get(r.standard, r.standard)}:{r.clause}" for r in result.rules})
    texts = services.query(browse.clause_texts, keys)
    for item in result.rules:
        context = ExplainContext(
            clause_title=titles.get(item.clause),
            clause_text=texts.get(f"{codes.get(item.standard, item.standard)}:{item.clause}"),
            category=result.classification.category)
        item.explanation = services.explainer(item.finding, context)


@router.post("/v1/why", response_model=WhyResult, responses=ERROR_RESPONSES,
             summary="适用性链：某条文（或规则）为何适用于某构件",
             description="给出构件的类型归属、建筑按 5.1.1 的分类及其依据、规则各适用条件是否成立、"
                         "取值所依据的表格单元与注、结论，以及规则读取的全部事实及其在设计文件中的位置。")
def explain_why(body: WhyRequest, services: ServicesDep) -> WhyResult:
    if (body.clause is None) == (body.rule_id is None):
        raise ApiError(422, "invalid_request", "请给出 clause 或 rule_id 之一",
                       [("clause", "clause 与 rule_id 须且只须给出一个")])
    design = parse_design_or_422(body.design, within="design")
    rules = services.rules()
    try:
        result = why(design, rules, body.element_id, clause=body.clause, rule_id=body.rule_id)
    except WhyError as exc:
        if exc.not_found:
            code = "clause_not_found" if exc.field == "clause" else "rule_not_found"
            raise ApiError(404, code, exc.message) from None
        raise ApiError(422, "invalid_request", exc.message, [(exc.field, exc.message)]) from None
    explain(services, result)
    return result
