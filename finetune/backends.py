"""Where the model runs: one `ChatBackend` interface, two implementations.

- `LocalBackend`: transformers on this machine, a converted ChatGLM3 (`GlmForCausalLM`) and an
  optional LoRA adapter; prompts are built as ChatGLM3 ids (finetune.chatglm3) and output is
  constrained to a JSON schema during decoding with xgrammar (finetune.constrained).
- `OpenAIBackend`: an OpenAI-compatible `/v1/chat/completions` endpoint (vLLM, Xinference,
  chatglm.cpp's server …). The schema is sent as `response_format: {"type": "json_schema"}`,
  which vLLM enforces during decoding; a server that refuses the field is asked again without
  it (the caller validates every answer anyway).

`backend_from_options` picks one from CLI options or the environment (FIRECHECK_LLM_MODEL,
FIRECHECK_LLM_ADAPTER, FIRECHECK_LLM_URL, FIRECHECK_LLM_NAME, FIRECHECK_LLM_API_KEY); no
option and no variable means no model (callers then use their rule-based or template path).
"""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

Messages = list[dict[str, str]]


class BackendError(RuntimeError):
    """The model could not answer (server down, bad reply, model missing)."""


class ChatBackend(Protocol):
    name: str

    def chat(self, messages: Messages, *, schema: dict[str, Any] | None = None,
             max_new_tokens: int = 512) -> str:
        """The assistant's reply to `messages`; with `schema`, a JSON document of that schema
        (enforced while decoding where the backend can)."""
        ...


class LocalBackend:
    """transformers on this machine; loads lazily, on first use, once."""

    def __init__(self, model: str | Path, adapter: str | Path | None = None, device: str = "auto",
                 dtype: str = "auto", merge_adapter: bool = True):
        self.model_dir, self.adapter = str(model), (str(adapter) if adapter else None)
        self.device_name, self.dtype_name, self.merge = device, dtype, merge_adapter
        self.name = f"local:{Path(self.model_dir).name}" + (f"+{Path(self.adapter).name}" if self.adapter else "")
        self._model = self._tokenizer = self._chat = None
        self._constraints: dict[str, Any] = {}
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._model is not None:
            return
        from transformers import AutoModelForCausalLM

        from .chatglm3 import ChatFormat
        from .train import load_tokenizer, resolve_device, resolve_dtype

        if not (Path(self.model_dir) / "config.json").exists():
            raise BackendError(f"{self.model_dir}: 不是模型目录（缺少 config.json）")
        device = resolve_device(self.device_name)
        model = AutoModelForCausalLM.from_pretrained(self.model_dir, dtype=resolve_dtype(self.dtype_name, device))
        if self.adapter:
            from peft import PeftModel

            model = PeftModel.from_pretrained(model, self.adapter)
            if self.merge:
                model = model.merge_and_unload()
        self._model = model.to(device).eval()
        self._device = device
        self._tokenizer = load_tokenizer(self.model_dir)
        self._chat = ChatFormat(self._tokenizer)

    def constraint(self, schema: dict[str, Any]):
        from .constrained import JsonSchemaConstraint

        key = json.dumps(schema, sort_keys=True, ensure_ascii=False)
        if key not in self._constraints:
            self._constraints[key] = JsonSchemaConstraint(
                self._tokenizer, schema, self._model.config.vocab_size, self._chat.stop_ids)
        return self._constraints[key]

    def chat(self, messages: Messages, *, schema: dict[str, Any] | None = None,
             max_new_tokens: int = 512) -> str:
        import torch

        with self._lock:  # one generate at a time: the model and xgrammar caches are shared
            self._load()
            ids = torch.tensor([self._chat.prompt(messages)], device=self._device)
            processors = [self.constraint(schema).processor()] if schema else []
            with torch.no_grad():
                out = self._model.generate(
                    input_ids=ids, attention_mask=torch.ones_like(ids), max_new_tokens=max_new_tokens,
                    do_sample=False, logits_processor=processors, eos_token_id=self._chat.stop_ids,
                    pad_token_id=self._tokenizer.pad_token_id or 0)
            return self._tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True).strip()


class OpenAIBackend:
    """An OpenAI-compatible chat endpoint. `base_url` ends in /v1 (as the OpenAI SDK's)."""

    def __init__(self, base_url: str, model: str = "chatglm3-6b", api_key: str | None = None,
                 timeout: float = 120.0, structured: bool = True):
        self.base_url = base_url.rstrip("/")
        self.model, self.api_key, self.timeout = model, api_key, timeout
        self.structured = structured
        self.name = f"openai:{self.model}@{self.base_url}"

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(
            f"{self.base_url}/chat/completions", data=json.dumps(body, ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json",
                     **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {})})
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read().decode("utf-8"))

    def chat(self, messages: Messages, *, schema: dict[str, Any] | None = None,
             max_new_tokens: int = 512) -> str:
        body: dict[str, Any] = {"model": self.model, "messages": messages, "temperature": 0,
                                "max_tokens": max_new_tokens}
        if schema and self.structured:
            body["response_format"] = {"type": "json_schema",
                                       "json_schema": {"name": "extraction_v1", "schema": schema, "strict": True}}
        try:
            reply = self._post(body)
        except urllib.error.HTTPError as exc:
            if exc.code in (400, 422) and "response_format" in body:
                self.structured = False  # this server does not take a schema: validate afterwards
                body.pop("response_format")
                return self.chat(messages, schema=None, max_new_tokens=max_new_tokens)
            raise BackendError(f"{self.base_url}: HTTP {exc.code}（{exc.reason}）") from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise BackendError(f"{self.base_url}: 无法连接（{getattr(exc, 'reason', exc)}）") from None
        except json.JSONDecodeError:
            raise BackendError(f"{self.base_url}: 回复不是 JSON") from None
        try:
            return str(reply["choices"][0]["message"]["content"] or "").strip()
        except (KeyError, IndexError, TypeError):
            raise BackendError(f"{self.base_url}: 回复中没有 choices[0].message.content") from None


@dataclass
class LLMOptions:
    """Which model to use; empty fields fall back to the environment."""

    model: str | None = None
    adapter: str | None = None
    url: str | None = None
    name: str | None = None
    api_key: str | None = None
    device: str = "auto"

    def resolved(self) -> LLMOptions:
        env = os.environ.get
        return LLMOptions(model=self.model or env("FIRECHECK_LLM_MODEL"),
                          adapter=self.adapter or env("FIRECHECK_LLM_ADAPTER"),
                          url=self.url or env("FIRECHECK_LLM_URL"),
                          name=self.name or env("FIRECHECK_LLM_NAME"),
                          api_key=self.api_key or env("FIRECHECK_LLM_API_KEY"),
                          device=self.device)


def backend_from_options(options: LLMOptions | None = None) -> ChatBackend | None:
    """The configured backend, or None when no model is configured. A URL wins over a local
    model directory (serving is the production path)."""
    o = (options or LLMOptions()).resolved()
    if o.url:
        return OpenAIBackend(o.url, model=o.name or "chatglm3-6b", api_key=o.api_key)
    if o.model:
        return LocalBackend(o.model, adapter=o.adapter, device=o.device)
    return None
