"""POST /v1/extract (API key): rules extracted from clause text (spec extraction-v1).

The extractors are the `extraction` package's, found by name in its registry (`rules`, the
deterministic one, by default; `llm` when a model is configured), and run through
`extraction.registry.run_extractor`, so that the API returns exactly what `firecheck extract`
prints. `create_app(extractor=…)` injects one instead (tests, other backends). Without the
package, or without a configured model for `llm`, the endpoint answers 501.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType
from typing import Any, Protocol

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..deps import ApiKeyDep
from ..errors import ERROR_RESPONSES, ApiError

router = APIRouter(tags=["extract"])

# spaCy pipelines and local models are not meant for concurrent calls from several threads.
_RUN_LOCK = threading.Lock()


class Extractor(Protocol):
    """extraction.registry's interface: a name, a version and extract(text, id=…)."""

    name: str
    version: str

    def extract(self, text: str, *, id: str | None = None) -> Any: ...


class ExtractLine(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(None, max_length=100)
    text: str = Field(max_length=5000)
    standard: str | None = Field(None, max_length=100)
    clause: str | None = Field(None, max_length=40)


class ExtractRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(None, max_length=100_000, description="一行一句（或一条条文）")
    lines: list[ExtractLine] | None = Field(None, max_length=500,
                                            description="JSON lines 形式的输入：id、text、standard、clause")
    extractor: str = Field("rules", max_length=40, description="抽取器名称：rules（默认）或 llm")

    @model_validator(mode="after")
    def _one_input(self) -> ExtractRequest:
        if (self.text is None) == (self.lines is None):
            raise ValueError("text 与 lines 须且只须给出一个")
        return self

    def items(self) -> list[tuple[str | None, str]]:
        if self.lines is not None:
            return [(line.id, line.text) for line in self.lines]
        return [(None, line) for line in (self.text or "").splitlines() if line.strip()]


class ExtractResponse(BaseModel):
    extractor: str
    version: str
    results: list[dict[str, Any]] = Field(description="extraction-v1 输出，每个输入一条，顺序相同")


def registry() -> ModuleType | None:
    try:
        return importlib.import_module("extraction.registry")
    except ModuleNotFoundError as exc:
        if exc.name in ("extraction", "extraction.registry"):
            return None
        raise


def _unavailable(message: str) -> ApiError:
    return ApiError(501, "extractor_unavailable", message)


def _get(name: str, found: ModuleType) -> Extractor:
    try:
        return found.get_extractor(name)
    except KeyError as exc:  # UnknownExtractor, and LLMNotConfigured (llm without a model)
        if name == "llm" or type(exc).__name__ == "LLMNotConfigured":
            raise _unavailable(str(exc)) from None
        raise ApiError(422, "invalid_request", str(exc), [("extractor", str(exc))]) from None


def _run(extractor: Extractor, items: list[tuple[str | None, str]],
         found: ModuleType | None) -> list[dict[str, Any]]:
    with _RUN_LOCK:
        try:
            if found is not None:
                results = found.run_extractor(extractor, items)
            else:
                results = [extractor.extract(text, id=ident) for ident, text in items]
        except RuntimeError as exc:
            if type(exc).__name__ == "BackendError":  # finetune.backends: the model is down
                raise ApiError(503, "extractor_unavailable", f"抽取模型不可用：{exc}") from None
            raise
    return [r.to_json_dict() if hasattr(r, "to_json_dict") else dict(r) for r in results]


@router.post("/v1/extract", response_model=ExtractResponse, dependencies=[ApiKeyDep],
             responses=ERROR_RESPONSES, summary="从条文文本抽取规则（需要 X-API-Key）",
             description="请求体为 `{\"text\": \"一行一句\"}` 或 `{\"lines\": [{\"id\", \"text\"}]}`，"
                         "可选 `extractor`（rules 或 llm）。返回 extraction-v1 结果，每个输入一条。")
def extract(body: ExtractRequest, request: Request) -> ExtractResponse:
    injected: Extractor | None = request.app.state.extractor
    found = registry()
    if injected is not None:
        extractor = injected
    elif found is None:
        raise _unavailable("规则抽取器尚未安装（缺少 extraction 包）")
    else:
        extractor = _get(body.extractor, found)
    results = _run(extractor, body.items(), found)
    return ExtractResponse(extractor=extractor.name, version=extractor.version, results=results)
