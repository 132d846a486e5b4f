"""JSON-schema-constrained decoding for transformers' `generate`, with xgrammar (offline, CPU).

xgrammar compiles a JSON schema against the tokenizer's vocabulary once (well under a second for
a 65k vocabulary) and masks, at every step, the tokens that cannot continue a valid document.
Two things are added for ChatGLM3's SentencePiece vocabulary:

- the chat specials (`sop`, `<|user|>` …) and `<unk>`/`<s>` are plain words to xgrammar (their
  text would be accepted inside a JSON string); they are blanked so that they can never be
  chosen, except the stop tokens, which end the document;
- byte-fallback tokens for control bytes (<0x00>…<0x1F>) are blanked too: with compact
  separators no JSON document needs a raw control byte, and JSON forbids them in strings.

`bounded_schema` adds `maxLength`/`maxItems` to a schema, so a document always ends within a
known number of tokens, even from an untrained model.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

_CONTROL_BYTE = re.compile(r"^<0x([01][0-9A-Fa-f])>$")


def bounded_schema(schema: dict[str, Any], max_items: int, max_length: int,
                   items_for: dict[str, int] | None = None) -> dict[str, Any]:
    """A copy of `schema` where every string has `maxLength` and every array `maxItems`
    (`items_for` overrides the bound per property name, e.g. {"conditions": 8}), and every object
    forbids extra properties."""
    items_for = items_for or {}
    schema = copy.deepcopy(schema)

    def walk(node: Any, name: str | None = None) -> None:
        if isinstance(node, dict):
            kind = node.get("type")
            kinds = kind if isinstance(kind, list) else [kind]
            if "string" in kinds and "enum" not in node and "const" not in node:
                node["maxLength"] = min(node.get("maxLength", max_length), max_length)
            if "array" in kinds:
                bound = items_for.get(name or "", max_items)
                node["maxItems"] = min(node.get("maxItems", bound), bound)
            if "object" in kinds and "properties" in node:
                node.setdefault("additionalProperties", False)
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    for prop, sub in value.items():
                        walk(sub, prop)
                elif key in ("items", "anyOf", "oneOf", "allOf", "$defs", "definitions", "prefixItems"):
                    if isinstance(value, dict) and key in ("$defs", "definitions"):
                        for sub in value.values():
                            walk(sub)
                    elif isinstance(value, list):
                        for sub in value:
                            walk(sub, name)
                    else:
                        walk(value, name)
        elif isinstance(node, list):
            for sub in node:
                walk(sub, name)

    walk(schema)
    return schema


class JsonSchemaConstraint:
    """A schema compiled for one tokenizer; `processor()` gives a fresh logits processor for
    each `generate` call (xgrammar's matchers keep state)."""

    def __init__(self, tokenizer, schema: dict[str, Any] | str, vocab_size: int, stop_ids: list[int]):
        import xgrammar as xgr

        detected = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size, stop_token_ids=stop_ids)
        vocab = tokenizer.get_vocab()
        encoded = [""] * vocab_size
        for token, index in vocab.items():
            if index < vocab_size:
                encoded[index] = token
        banned = {int(i) for i in (tokenizer.all_special_ids or [])}
        for index, token in enumerate(encoded):
            if index in banned or _CONTROL_BYTE.match(token):
                encoded[index] = ""  # an empty token is never generated inside the grammar
        self.info = xgr.TokenizerInfo(encoded, detected.vocab_type, vocab_size=vocab_size,
                                      stop_token_ids=list(stop_ids), add_prefix_space=detected.add_prefix_space)
        text = schema if isinstance(schema, str) else json.dumps(schema, ensure_ascii=False)
        compiler = xgr.GrammarCompiler(self.info, max_threads=1)
        self.compiled = compiler.compile_json_schema(text, any_whitespace=False, strict_mode=True)

    def processor(self):
        from xgrammar.contrib.hf import LogitsProcessor

        return LogitsProcessor(self.compiled)


def parse_json_output(text: str) -> Any:
    """Parse a model's JSON answer; tolerant of a markdown fence and text around the object
    (for unconstrained backends), strict about the object itself."""
    text = text.strip()
    fence = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.S)
    if fence:
        text = fence.group(1)
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        start, end = text.find("{"), text.rfind("}")
        if start >= 0 and end > start:
            return json.loads(text[start:end + 1])
        raise
