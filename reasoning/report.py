"""The checker's output (spec report-v1)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Status = Literal["fail", "pass", "not_applicable", "unknown"]
STATUS_ORDER: dict[str, int] = {"fail": 0, "unknown": 1, "pass": 2, "not_applicable": 3}
STATUS_LABELS: dict[str, str] = {
    "fail": "不符合", "unknown": "缺少信息", "pass": "符合", "not_applicable": "不适用",
}

ReportValue = float | int | str | bool | list[str] | None


def construct(cls: type[BaseModel], values: dict) -> BaseModel:
    """Build a model from values that are already valid and complete, without validation.

    The checker makes tens of thousands of findings for a large design from values it built
    itself; `model_construct` spends most of its time on defaults and bookkeeping we do not
    need. This sets exactly the state pydantic's own `model_construct` sets. `values` must hold
    every field."""
    obj = cls.__new__(cls)
    object.__setattr__(obj, "__dict__", values)
    object.__setattr__(obj, "__pydantic_fields_set__", set(values))
    object.__setattr__(obj, "__pydantic_extra__", None)
    object.__setattr__(obj, "__pydantic_private__", None)
    return obj


class Actual(BaseModel):
    value: ReportValue
    unit: str | None = None


class Required(BaseModel):
    operator: str
    value: ReportValue
    unit: str | None = None


class Finding(BaseModel):
    rule_id: str
    standard: str
    clause: str
    element_id: str
    element_type: str
    status: Status
    strength: str
    attribute: str
    actual: Actual | None = None
    required: Required | None = None
    because: list[str] = Field(default_factory=list)
    message: str
    missing_facts: list[str] = Field(default_factory=list)
    explanation: str | None = None


class Classification(BaseModel):
    category: str
    because: list[str]


class Summary(BaseModel):
    fail: int = 0
    pass_: int = Field(0, alias="pass")
    not_applicable: int = 0
    unknown: int = 0

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)


class RuleSetInfo(BaseModel):
    standards: list[str]
    rules: int
    version: str


class Report(BaseModel):
    schema_version: str = "1"
    building_id: str
    rule_set: RuleSetInfo
    classification: Classification
    summary: Summary
    findings: list[Finding]
    unmatched_elements: list[str] = Field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        """Failures first, then unknowns, passes, not-applicables; stable within each."""
        return sorted(self.findings, key=lambda f: STATUS_ORDER[f.status])

    def to_json_dict(self) -> dict:
        return self.model_dump(mode="json", by_alias=True)
