"""One error shape for every error path of the HTTP service.

    {"error": {"status": 422, "code": "invalid_design", "message": "…",
               "fields": [{"path": "elements[3].clear_width_m", "message": "…"}]}}

Routers raise `ApiError`; FastAPI's own errors (validation, 404, 405), store failures and
anything unexpected are turned into the same shape by the handlers installed here. No
traceback ever reaches a client: an unexpected exception is logged and answered with a 500.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph.store import StoreError, StoreUnavailable
from reasoning.design import field_path

log = logging.getLogger("firecheck.api")


class ErrorField(BaseModel):
    path: str = Field(description="出错字段的路径，如 elements[3].clear_width_m")
    message: str


class ErrorDetail(BaseModel):
    status: int
    code: str = Field(description="机器可读的错误代码，如 invalid_design、not_found")
    message: str
    fields: list[ErrorField] = Field(default_factory=list)


class ErrorBody(BaseModel):
    error: ErrorDetail


# Documented on every operation, so that clients (and schemathesis) know the shape.
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "default": {"model": ErrorBody, "description": "错误（统一的错误结构）"},
}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str,
                 fields: list[tuple[str, str]] | None = None,
                 headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields or []
        self.headers = headers


def error_body(status: int, code: str, message: str,
               fields: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    return {"error": {"status": status, "code": code, "message": message,
                      "fields": [{"path": p, "message": m} for p, m in fields or []]}}


def error_response(status: int, code: str, message: str,
                   fields: list[tuple[str, str]] | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, fields), status_code=status,
                        headers=headers)


_HTTP_CODES = {
    400: ("bad_request", "请求有误"),
    401: ("unauthorized", "需要认证"),
    403: ("forbidden", "无权访问"),
    404: ("not_found", "没有这个地址"),
    405: ("method_not_allowed", "该地址不支持此请求方法"),
    406: ("not_acceptable", "无法提供所要求的格式"),
    413: ("payload_too_large", "请求体过大"),
    415: ("unsupported_media_type", "不支持的内容类型"),
    422: ("invalid_request", "请求参数有误"),
    500: ("internal_error", "服务器内部错误"),
    501: ("not_implemented", "尚未实现"),
    503: ("unavailable", "服务暂不可用"),
}

_VALIDATION_MESSAGES = {
    "missing": "缺少必填字段",
    "string_type": "应为字符串",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "bool_parsing": "应为布尔值",
    "bool_type": "应为布尔值",
    "float_parsing": "应为数值",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "list_type": "应为数组",
    "string_too_short": "不能为空",
    "string_too_long": "过长",
    "greater_than_equal": "过小",
    "less_than_equal": "过大",
    "extra_forbidden": "未知字段",
    "json_invalid": "不是合法的 JSON",
}


def _validation_message(err: dict[str, Any]) -> str:
    kind = err.get("type", "")
    message = _VALIDATION_MESSAGES.get(kind, err.get("msg", "取值无效"))
    ctx = err.get("ctx") or {}
    if kind == "greater_than_equal":
        message = f"应不小于 {ctx.get('ge')}"
    elif kind == "less_than_equal":
        message = f"应不大于 {ctx.get('le')}"
    elif kind == "string_too_long":
        message = f"不能超过 {ctx.get('max_length')} 个字符"
    return message


def validation_fields(errors: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """FastAPI's error locations as field paths: ('body', 'design', 'elements', 0) →
    'design.elements[0]'; query and header parameters keep their place: 'query.depth'."""
    fields = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        if loc and loc[0] == "body":
            loc = loc[1:]
        fields.append((field_path(loc), _validation_message(err)))
    return fields


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.fields, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = validation_fields(list(exc.errors()))
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return error_response(400, "invalid_json", "请求体不是合法的 JSON", fields)
        return error_response(422, "invalid_request", "请求参数有误", fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Starlette's own 404/405 carry English reason phrases: say it in Chinese, with the path.
        code, default = _HTTP_CODES.get(exc.status_code, ("http_error", "请求失败"))
        if exc.status_code in (404, 405):
            message = f"{default}：{request.method} {request.url.path}"
        else:
            message = exc.detail if isinstance(exc.detail, str) and exc.detail else default
        return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(StoreUnavailable)
    async def _store_down(request: Request, exc: StoreUnavailable) -> JSONResponse:
        log.warning("store unavailable: %s", exc)
        return error_response(503, "store_unavailable", f"规则库不可用：{exc}",
                              headers={"Retry-After": "5"})

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error on %s %s: %s", request.method, request.url.path, exc)
        return error_response(500, "store_error", "规则库操作失败")

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Logged with its traceback for the operator; the client sees only the shape.
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "服务器内部错误")


def parse_json_body(raw: bytes) -> Any:
    """A request body as JSON; a 400 naming the line and column otherwise."""
    if not raw.strip():
        raise ApiError(400, "invalid_json", "请求体为空，应为 JSON")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ApiError(400, "invalid_json", "请求体不是 UTF-8 编码的 JSON") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        if isinstance(exc, json.JSONDecodeError):
            raise ApiError(400, "invalid_json", f"请求体不是合法的 JSON（第 {exc.lineno} 行第 "
                                                f"{exc.colno} 列：{exc.msg}）") from None
        raise ApiError(400, "invalid_json", str(exc)) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"请求体不是合法的 JSON（不允许 {name}）")


class BodyLimitMiddleware:
    """413 for a body above `limit` bytes: by its Content-Length before reading anything, and
    by counting the bytes actually streamed (chunked uploads, lying headers)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.limit
            except ValueError:
                await self._refuse(send, 400, "bad_request", "Content-Length 无效")
                return
            if too_big:
                await self._too_large(send)
                return

        # Read the whole body (it is at most `limit` bytes), then replay it to the app.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break  # client went away; let the app see the disconnect
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._too_large(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                message = None
                break
        body = b"".join(chunks)
        replayed = False
        pending: Message | None = message

        async def replay() -> Message:
            nonlocal replayed, pending
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            if pending is not None:
                sent, pending = pending, None
                return sent
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await self._refuse(send, 413, "payload_too_large",
                           f"请求体超过上限 {self.limit} 字节")

    @staticmethod
    async def _refuse(send: Send, status: int, code: str, message: str) -> None:
        payload = json.dumps(error_body(status, code, message), ensure_ascii=False).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})
