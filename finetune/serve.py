"""A minimal OpenAI-compatible server (`/v1/chat/completions`, `/v1/models`) over any
`ChatBackend`, on the standard library's HTTP server.

For development and tests (`firecheck finetune serve` runs the local model on CPU or one GPU,
one request at a time). Production serving is vLLM (docs/llm.md); firecheck talks to both the
same way. `response_format: {"type": "json_schema", "json_schema": {"schema": …}}` is honoured
by constraining the decoding, as vLLM does.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from .backends import BackendError, ChatBackend

Responder = Callable[[dict[str, Any]], str]


def backend_responder(backend: ChatBackend) -> Responder:
    def respond(body: dict[str, Any]) -> str:
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema") if fmt.get("type") == "json_schema" else None
        return backend.chat(body["messages"], schema=schema, max_new_tokens=int(body.get("max_tokens") or 512))
    return respond


def make_server(respond: Responder, host: str = "127.0.0.1", port: int = 0,
                model_name: str = "chatglm3-6b", api_key: str | None = None) -> ThreadingHTTPServer:
    """A server (not yet serving); port 0 picks a free port (`server.server_address[1]`)."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # quiet: tests and the CLI print their own
            pass

        def _send(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _authorised(self) -> bool:
            if api_key and self.headers.get("Authorization") != f"Bearer {api_key}":
                self._send(401, {"error": {"message": "invalid api key", "type": "auth"}})
                return False
            return True

        def do_GET(self) -> None:
            if not self._authorised():
                return
            if self.path.rstrip("/") == "/v1/models":
                self._send(200, {"object": "list", "data": [{"id": model_name, "object": "model"}]})
            else:
                self._send(404, {"error": {"message": f"no route {self.path}"}})

        def do_POST(self) -> None:
            if not self._authorised():
                return
            if self.path.rstrip("/") != "/v1/chat/completions":
                self._send(404, {"error": {"message": f"no route {self.path}"}})
                return
            try:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                if not isinstance(body.get("messages"), list):
                    raise ValueError("messages must be a list")
            except (ValueError, json.JSONDecodeError) as exc:
                self._send(400, {"error": {"message": f"bad request: {exc}", "type": "invalid_request_error"}})
                return
            try:
                content = respond(body)
            except BackendError as exc:
                self._send(503, {"error": {"message": str(exc), "type": "backend_error"}})
                return
            self._send(200, {
                "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion",
                "created": int(time.time()), "model": body.get("model", model_name),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": content}}],
            })

    return ThreadingHTTPServer((host, port), Handler)


def serve_in_thread(server: ThreadingHTTPServer) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    return thread
