"""The LLM extractor: ChatGLM3 (optionally LoRA-tuned), locally or behind an OpenAI-compatible
server, returning extraction-v1 like every other extractor.

For each input line:
1. the model is asked with the same prompt it was fine-tuned on (finetune.prompts), its output
   constrained during decoding to the extraction-v1 JSON schema (`output_schema`: the
   `ExtractedRule` model's schema, with bounded strings and lists so a document always ends);
2. the answer is validated with the pydantic models (extraction.models);
3. an invalid answer gets one repair turn (the validation error is shown to the model);
4. still invalid, or the model unreachable: the deterministic extractor's result is returned
   instead, with `fallback_reason` saying why.
Rules where the model and the deterministic extractor name the same object and attribute but a
different operator are listed in `disagreements`, for a reviewer.

Nothing here imports torch: the backends load it only when a local model is used.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from finetune.backends import BackendError, ChatBackend
from finetune.constrained import bounded_schema, parse_json_output
from finetune.prompts import extraction_messages

from .models import ExtractedRule, ExtractionResult
from .registry import UnknownExtractor, get_extractor
from .text import compact, normalize

MAX_RULES, MAX_CONDITIONS, MAX_TEXT = 16, 8, 48
RuleBased = Callable[[dict[str, Any]], ExtractionResult]


class _Answer(BaseModel):
    """What the model writes: extraction-v1's `rules`, nothing else."""

    model_config = ConfigDict(extra="forbid")
    rules: list[ExtractedRule]


class Disagreement(BaseModel):
    object: str
    attribute: str
    llm_operator: str
    rule_based_operator: str


class LLMExtractionResult(ExtractionResult):
    """An `ExtractionResult` (the scorer reads it as one) plus where it came from."""

    extractor: str = "llm"
    fallback_reason: str | None = None
    disagreements: list[Disagreement] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        data = super().to_json_dict()
        data["extractor"] = self.extractor
        if self.fallback_reason:
            data["fallback_reason"] = self.fallback_reason
        if self.disagreements:
            data["disagreements"] = [d.model_dump() for d in self.disagreements]
        return data


def output_schema(max_rules: int = MAX_RULES, max_conditions: int = MAX_CONDITIONS,
                  max_text: int = MAX_TEXT) -> dict[str, Any]:
    """The JSON schema the model's answer is held to while decoding: `{"rules": [ExtractedRule]}`
    without the non-JSON `confidence`, strings ≤ max_text characters, lists bounded."""
    rule = copy.deepcopy(ExtractedRule.model_json_schema())
    defs = rule.pop("$defs", {})
    rule["properties"].pop("confidence", None)
    schema = {"type": "object", "properties": {"rules": {"type": "array", "items": rule}},
              "required": ["rules"], "$defs": defs}
    return bounded_schema(schema, max_rules, max_text,
                          {"conditions": max_conditions, "exceptions": max_conditions})


def canonical_rules(rules: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rules as the model is taught to write them: validated, extraction-v1 JSON form, keys in
    the schema's order (the constrained decoder keeps that order)."""
    return [ExtractedRule.model_validate(r).to_json_dict() for r in rules]


def validate_answer(raw: str) -> tuple[list[ExtractedRule] | None, str | None]:
    """(rules, None) for a valid answer, else (None, a short reason)."""
    try:
        data = parse_json_output(raw)
    except json.JSONDecodeError as exc:
        return None, f"不是合法的 JSON（{exc.msg}，第 {exc.pos} 个字符）"
    try:
        return _Answer.model_validate(data).rules, None
    except ValidationError as exc:
        problems = "；".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:3])
        return None, f"不符合 extraction-v1：{problems}"


def repair_message(error: str) -> dict[str, str]:
    return {"role": "user", "content": f"上面的输出{error}。请改正，只输出符合格式的 JSON。"}


def disagreements(llm: Iterable[ExtractedRule], rule_based: Iterable[ExtractedRule]) -> list[Disagreement]:
    """Same object and attribute (compared without spaces and width variants), other operator."""
    theirs: dict[tuple[str, str], set[str]] = {}
    for rule in rule_based:
        theirs.setdefault((compact(rule.object), compact(rule.attribute)), set()).add(rule.operator)
    found = []
    for rule in llm:
        operators = theirs.get((compact(rule.object), compact(rule.attribute)))
        if operators and rule.operator not in operators:
            item = Disagreement(object=rule.object, attribute=rule.attribute, llm_operator=rule.operator,
                                rule_based_operator="/".join(sorted(operators)))
            if item not in found:
                found.append(item)
    return found


class LLMNotConfigured(UnknownExtractor):
    """`--extractor llm` without a model: unavailable like an unknown name (the CLI answers
    exit 2 with this message), saying how to configure one."""

    def __init__(self, message: str):
        super().__init__("llm")
        self.message = message

    def __str__(self) -> str:
        return self.message


class LLMExtractor:
    """Extraction with a chat model, behind the registry's `Extractor` interface
    (extraction/registry.py: `name`, `version`, `extract`, `extract_many`). `rule_based` is the
    deterministic extractor used for the fallback and the operator cross-check (None: no
    fallback, a failure gives no rules)."""

    name = "llm"

    def __init__(self, backend: ChatBackend, rule_based: RuleBased | None = None,
                 max_new_tokens: int = 768, schema: dict[str, Any] | None = None):
        self.backend = backend
        self.rule_based = rule_based
        self.max_new_tokens = max_new_tokens
        self.schema = schema or output_schema()
        self.version = f"llm-1 {backend.name}"

    def _ask(self, messages: list[dict[str, str]]) -> str:
        return self.backend.chat(messages, schema=self.schema, max_new_tokens=self.max_new_tokens)

    def extract_record(self, record: dict[str, Any], reference: ExtractionResult | None = None) -> LLMExtractionResult:
        text = record["text"]
        if reference is None and self.rule_based is not None:
            reference = self.rule_based(record)
        if not text.strip():
            return LLMExtractionResult(id=record.get("id"), text=text, rules=[], extractor=self.backend.name)
        messages = extraction_messages(normalize(text))
        reason = None
        try:
            raw = self._ask(messages)
            rules, error = validate_answer(raw)
            if rules is None:
                retry = self._ask([*messages, {"role": "assistant", "content": raw}, repair_message(error)])
                rules, second = validate_answer(retry)
                if rules is None:
                    reason = f"模型输出{error}；修正一次后仍{second}"
        except BackendError as exc:
            rules, reason = None, f"模型不可用：{exc}"
        if rules is None:
            if reference is None:
                return LLMExtractionResult(id=record.get("id"), text=text, rules=[], extractor=self.backend.name,
                                           fallback_reason=f"{reason}（没有规则抽取器可回退）")
            return LLMExtractionResult(**{**reference.model_dump(), "id": record.get("id", reference.id)},
                                       extractor="rules (fallback)", fallback_reason=reason)
        return LLMExtractionResult(
            id=record.get("id"), text=text, rules=rules, extractor=self.backend.name,
            disagreements=disagreements(rules, reference.rules) if reference else [])

    def extract(self, text: str, *, id: str | None = None) -> LLMExtractionResult:
        return self.extract_record({"id": id, "text": text})

    def extract_many(self, items: list[tuple[str | None, str]]) -> list[LLMExtractionResult]:
        many = getattr(self.rule_based, "extract_many", None)
        references = many(items) if callable(many) else [None] * len(items)
        return [self.extract_record({"id": ident, "text": text}, reference)
                for (ident, text), reference in zip(items, references)]


class _RuleBased:
    """The registry's deterministic extractor, as the fallback (batched where it can be)."""

    def __init__(self, extractor):
        self.extractor = extractor

    def __call__(self, record: dict[str, Any]) -> ExtractionResult:
        return self.extractor.extract(record["text"], id=record.get("id"))

    def extract_many(self, items):
        return self.extractor.extract_many(items) if hasattr(self.extractor, "extract_many") \
            else [self.extractor.extract(text, id=ident) for ident, text in items]


def extractor_from_environment(options=None) -> LLMExtractor:
    """The `llm` extractor of the registry: the model from FIRECHECK_LLM_URL (an OpenAI-compatible
    server) or FIRECHECK_LLM_MODEL (+ FIRECHECK_LLM_ADAPTER, local), the `rules` extractor as
    fallback."""
    from finetune.backends import backend_from_options

    backend = backend_from_options(options)
    if backend is None:
        raise LLMNotConfigured(
            "--extractor llm 需要配置模型：FIRECHECK_LLM_URL（OpenAI 兼容接口，如 vLLM 的 http://127.0.0.1:8000/v1）"
            "或 FIRECHECK_LLM_MODEL（本地转换后的 ChatGLM3 目录，可加 FIRECHECK_LLM_ADAPTER），见 docs/llm.md")
    return LLMExtractor(backend, _RuleBased(get_extractor("rules")))
