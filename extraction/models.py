"""The extraction-v1 output (docs: ../shared/spec/extraction-v1.md), as pydantic models.

Every extractor — the deterministic one here, an LLM one, a fine-tuned one — returns an
`ExtractionResult`; the scorer and the graph ingest read nothing else. `gate_failures` is the one
addition to extraction-v1: rules that an extractor proposed and a quality gate refused
(extraction/gates.py), reported beside the kept rules instead of silently dropped.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Operator = Literal[">=", "<=", ">", "<", "==", "!="]
Strength = Literal["必须", "应", "宜", "可"]
Value = bool | int | float | str

OPERATORS: tuple[str, ...] = (">=", "<=", ">", "<", "==", "!=")
STRENGTHS: tuple[str, ...] = ("必须", "应", "宜", "可")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")

    def to_json_dict(self) -> dict[str, Any]:
        """The extraction-v1 JSON form: fields that are unset (None, empty lists) left out,
        except a result's `rules` and `gate_failures`, which are always present."""
        return self.model_dump(mode="json", exclude_none=True)


class Condition(_Model):
    """A test on one fact: when the rule applies (or, in `exceptions`, when it does not)."""

    object: str = ""
    attribute: str
    operator: Operator
    value: Value
    unit: str | None = None


class ExtractedRule(_Model):
    object: str
    attribute: str
    operator: Operator
    value: Value
    unit: str | None = None
    strength: Strength
    conditions: list[Condition] = Field(default_factory=list)
    exceptions: list[Condition] = Field(default_factory=list)
    # How sure the extractor is (0..1). Kept for the graph's provenance; not part of the
    # extraction-v1 JSON line.
    confidence: float | None = Field(default=None, exclude=True, ge=0, le=1)

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump(mode="json", exclude_none=True)
        for key in ("conditions", "exceptions"):
            if not data.get(key) and key == "exceptions":
                data.pop(key, None)
        return data


class GateFailure(_Model):
    gate: Literal["operator", "unit", "value", "schema"]
    message: str
    rule: dict[str, Any]


class ExtractionResult(_Model):
    id: str | None = None
    text: str
    rules: list[ExtractedRule] = Field(default_factory=list)
    gate_failures: list[GateFailure] = Field(default_factory=list)

    def to_json_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.id is not None:
            data["id"] = self.id
        data["text"] = self.text
        data["rules"] = [r.to_json_dict() for r in self.rules]
        data["gate_failures"] = [g.model_dump(mode="json") for g in self.gate_failures]
        return data
