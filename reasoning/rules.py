"""Machine-checkable rules, as data.

A rule says: for every element that IS_A `object`, when `applies_when` holds and no `unless`
exception holds, `attribute` must stand in `operator` to the threshold. The threshold is a
constant (`value`), a table cell chosen by facts of the design (`table`), or another fact of the
same element (`value_fact`, e.g. 6.1.1: the supporting structure's rating ≥ the wall's own);
it may be scaled by a fact (`per`, e.g. widths per 100 persons in 5.5.21) and then adjusted by
`modifiers` (表5.3.1 注1: ×2 with automatic extinguishing; 表5.5.17 注3: +25% when the whole
building is sprinklered). Facts are named by paths: `building.height_m`, `element.position`,
and the derived facts of 5.1.1 (`building.kind`, `building.high_rise`, `building.class` …).
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Operator = Literal[">=", "<=", ">", "<", "==", "!=", "in", "not_in"]
Strength = Literal["必须", "应", "宜", "可"]
Value = str | bool | int | float | list[str] | list[int] | list[float]

# How each operator reads in a Chinese message: the requirement and the violation.
OPERATOR_WORDS: dict[str, tuple[str, str]] = {
    ">=": ("不小于", "小于"),
    "<=": ("不大于", "大于"),
    ">": ("大于", "不大于"),
    "<": ("小于", "不小于"),
    "==": ("应为", "不是"),
    "!=": ("不应为", "是"),
    "in": ("应为其一", "不在"),
    "not_in": ("不应为", "属于"),
}


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Condition(_Frozen):
    """A test on one fact. `default` is used when the design does not state the fact; it exists
    for flags that claim a relaxation (开向敞开式外廊 …): a design that does not claim one does not
    get it. Without a default, a missing fact makes the outcome unknown, and so does a value listed
    in `undetermined` (a word too coarse for this test, e.g. 袋形走道两侧或尽端 where 5.5.15 treats
    the two positions differently)."""

    fact: str = Field(pattern=r"^(building|element)\.[a-z0-9_]+$")
    op: Operator
    value: Value
    default: Value | None = None
    undetermined: list[str] = Field(default_factory=list)
    label: str | None = Field(None, description="短中文描述，用于 because 链，如 '建筑高度大于32m'")

    @cached_property
    def key(self) -> str:
        """The fact's key without its scope: `height_m` of `building.height_m`."""
        return self.fact.split(".", 1)[1]

    @cached_property
    def on_building(self) -> bool:
        return self.fact.startswith("building.")


class AnyOf(_Frozen):
    """OR of conditions, e.g. 表5.3.1 注1: the compartment is sprinklered, or the whole building."""

    any: list[Condition] = Field(min_length=2)
    label: str | None = None


Test = Condition | AnyOf


def describe(test: Test) -> str:
    """A condition or group as a short Chinese phrase, for listings and explanations."""
    if isinstance(test, AnyOf):
        return test.label or "或".join(describe(c) for c in test.any)
    return test.label or f"{test.fact} {test.op} {test.value}"


class Case(_Frozen):
    """One cell of a table: the threshold when every condition holds. `value` None is a cell
    marked '—' in the standard: that combination is not permitted."""

    when: list[Test] = Field(default_factory=list)
    value: float | int | str | bool | None
    cell: str = Field(description="where the cell is, e.g. '其他高层公共建筑 / 双面布房'")


class Table(_Frozen):
    """A table lookup: the first case whose conditions all hold gives the threshold.

    A pack may write a table as the standard prints it, `rows` × `columns` with a `cells`
    matrix; it is expanded into cases (row conditions + column conditions) when read."""

    id: str = Field(description="the standard's table number, e.g. '表5.5.18'")
    cases: list[Case] = Field(min_length=1)

    @model_validator(mode="before")
    @classmethod
    def _expand_matrix(cls, data: object) -> object:
        if not isinstance(data, dict) or "rows" not in data:
            return data
        rows, columns, cells = data["rows"], data["columns"], data["cells"]
        if len(cells) != len(rows) or any(len(line) != len(columns) for line in cells):
            raise ValueError(f"{data.get('id')}: cells must be a {len(rows)}×{len(columns)} matrix")
        cases = [
            {"when": [*row.get("when", []), *column.get("when", [])],
             "value": cells[r][c], "cell": f"{row['label']} / {column['label']}"}
            for r, row in enumerate(rows)
            for c, column in enumerate(columns)
        ]
        return {"id": data["id"], "cases": cases}


class Modifier(_Frozen):
    """A note that scales (`factor`) or shifts (`add`, in the rule's unit) the threshold."""

    when: list[Test] = Field(min_length=1)
    factor: float | None = None
    add: float | None = None
    source: str = Field(description="e.g. '表5.3.1 注1'")

    @model_validator(mode="after")
    def _one_effect(self) -> Modifier:
        if (self.factor is None) == (self.add is None):
            raise ValueError("a modifier has exactly one of factor or add")
        return self


class Per(_Frozen):
    """Threshold scaled by a fact: threshold = value × fact / divisor (e.g. 每100人 widths)."""

    fact: str = Field(pattern=r"^(building|element)\.[a-z0-9_]+$")
    divisor: float = Field(gt=0)
    label: str


class Exception_(_Frozen):
    """除…外: when every condition holds, the rule does not apply (not_applicable)."""

    when: list[Test] = Field(min_length=1)
    source: str = Field(description="the item or note it comes from, e.g. '5.5.8 第1款'")


class Rule(_Frozen):
    id: str = Field(pattern=r"^[A-Z]+[0-9]+-[0-9]+:[0-9A-Z.]+#[a-z0-9-]+$")
    standard: str
    clause: str
    title: str = Field(description="short title in our own words")
    object: str = Field(description="the concept constrained, e.g. 疏散楼梯; 建筑 for the building")
    attribute: str = Field(description="design key, e.g. clear_width_m")
    attribute_label: str = Field(description="Chinese name, e.g. 净宽度")
    operator: Operator
    value: float | int | str | bool | list[str] | None = None
    table: Table | None = None
    value_fact: str | None = None
    unit: str | None = None
    strength: Strength
    applies_when: list[Test] = Field(default_factory=list)
    unless: list[Exception_] = Field(default_factory=list)
    per: Per | None = None
    modifiers: list[Modifier] = Field(default_factory=list)
    references: list[str] = Field(default_factory=list, description="other clauses it relies on")

    def tests(self) -> Iterator[Condition]:
        """Every condition the rule holds: applicability, exceptions, modifiers, table cells,
        and the members of OR groups."""
        groups = [self.applies_when, *(e.when for e in self.unless), *(m.when for m in self.modifiers)]
        if self.table:
            groups += [case.when for case in self.table.cases]
        for group in groups:
            for test in group:
                yield from (test.any if isinstance(test, AnyOf) else [test])

    @cached_property
    def coarse_keys(self) -> tuple[str, ...]:
        """Element keys whose coarse values some condition marks `undetermined` (computed once:
        the checker asks for every element)."""
        return tuple(dict.fromkeys(
            c.fact.split(".", 1)[1] for c in self.tests()
            if c.undetermined and c.fact.startswith("element.")))

    @model_validator(mode="after")
    def _one_threshold(self) -> Rule:
        given = [x is not None for x in (self.value, self.table, self.value_fact)]
        if sum(given) != 1:
            raise ValueError(f"rule {self.id}: give exactly one of value, table, value_fact")
        return self


class Concept(_Frozen):
    name: str
    parents: list[str] = Field(default_factory=list, description="IS_A")
    aliases: list[str] = Field(default_factory=list)


class Attribute(_Frozen):
    key: str
    label: str
    unit: str | None = None


class Standard(_Frozen):
    id: str = Field(description="full id, e.g. 'GB 50016-2014(2018)'")
    code: str = Field(description="compact id used in rule ids, e.g. 'GB50016-2014'")
    title: str


class ClauseInfo(_Frozen):
    standard: str
    number: str
    title: str
    references: list[str] = Field(default_factory=list)


class RuleSet(_Frozen):
    """Everything the checker needs, as loaded from a store."""

    version: str
    standards: list[Standard]
    clauses: list[ClauseInfo] = Field(default_factory=list)
    concepts: list[Concept]
    attributes: list[Attribute] = Field(default_factory=list)
    rules: list[Rule]

    @model_validator(mode="after")
    def _consistent(self) -> RuleSet:
        names = {c.name for c in self.concepts}
        ids: set[str] = set()
        for rule in self.rules:
            if rule.object not in names:
                raise ValueError(f"rule {rule.id}: object '{rule.object}' is not a concept")
            if rule.id in ids:
                raise ValueError(f"rule id {rule.id} is duplicated")
            ids.add(rule.id)
        for concept in self.concepts:
            for parent in concept.parents:
                if parent not in names:
                    raise ValueError(f"concept {concept.name}: parent '{parent}' is not a concept")
        return self
