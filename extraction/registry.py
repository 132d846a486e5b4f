"""Extractors behind one interface, found by name (`--extractor rules`).

An extractor has a `name`, a `version` and `extract(text, *, id=None) -> ExtractionResult`
(optionally `extract_many([(id, text), …])` for speed). The scorer (extraction/scorer.py), the
`extract` and `eval extract` commands and the graph ingest use nothing else, so an LLM extractor
registered here is scored and ingested exactly like the deterministic one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from .gates import apply_gates
from .models import ExtractionResult


@runtime_checkable
class Extractor(Protocol):
    name: str
    version: str

    def extract(self, text: str, *, id: str | None = None) -> ExtractionResult: ...


class UnknownExtractor(KeyError):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"没有名为 '{self.name}' 的抽取器（可用：{'、'.join(available())}）"


_FACTORIES: dict[str, Callable[[], Extractor]] = {}
_INSTANCES: dict[str, Extractor] = {}


def register(name: str, factory: Callable[[], Extractor]) -> None:
    """Make `factory()` available as `--extractor name` (replacing any earlier one)."""
    _FACTORIES[name] = factory
    _INSTANCES.pop(name, None)


def available() -> list[str]:
    return sorted(_FACTORIES)


def get_extractor(name: str = "rules") -> Extractor:
    if name not in _FACTORIES:
        raise UnknownExtractor(name)
    if name not in _INSTANCES:
        _INSTANCES[name] = _FACTORIES[name]()
    return _INSTANCES[name]


def run_extractor(extractor: Extractor, items: list[tuple[str | None, str]]) -> list[ExtractionResult]:
    """Extract every (id, text) and pass each result through the quality gates."""
    many = getattr(extractor, "extract_many", None)
    if callable(many):
        results = many(items)
    else:
        results = [extractor.extract(text, id=ident) for ident, text in items]
    return [apply_gates(result) for result in results]


def _rules_extractor() -> Extractor:
    from .rules_extractor import RuleExtractor

    return RuleExtractor()


register("rules", _rules_extractor)


def _llm_extractor() -> Extractor:
    # ChatGLM3 (+ LoRA), local or served: extraction/llm.py, configured by FIRECHECK_LLM_* (docs/llm.md).
    from .llm import extractor_from_environment

    return extractor_from_environment()


register("llm", _llm_extractor)
