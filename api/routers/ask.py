"""POST /v1/ask: a question in Chinese, answered with clause-level citations."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from ..ask import AskAnswer
from ..deps import ServicesDep
from ..errors import ERROR_RESPONSES

router = APIRouter(tags=["ask"])


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=500, description="中文问题，如 高层公共建筑疏散走道的最小净宽度？")
    max_citations: int = Field(5, ge=1, le=20)


@router.post("/v1/ask", response_model=AskAnswer, responses=ERROR_RESPONSES,
             summary="中文问答（检索条文，给出条文级引用）",
             description="BM25（jieba 分词）检索条文原文、条文标题与规则，并按问题中出现的概念与属性"
                         "沿规则图（概念 ← CONSTRAINS ← 规则 ← 条文）加权。得分低于阈值时回答"
                         "“未找到相关条文”，不作无依据的回答。")
def ask(body: AskRequest, services: ServicesDep) -> AskAnswer:
    index = services.ask_index()
    return index.ask(body.question, min_score=services.settings.ask_min_score,
                     max_citations=body.max_citations)
