"""Units of design quantities, through pint.

A design key's suffix names its unit (`clear_width_m`, `area_m2`, `fire_resistance_h`,
`slope_percent`). A bare number is taken in that unit; a `{"value", "unit"}` object may use any
unit of the same dimension and is converted here, once, when the design is read. Rules then
compare plain floats in the canonical unit, which keeps the checker's hot loop free of pint.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pint (and numpy under it) loads only when a design uses {"value", "unit"}
    import pint

# Suffix → canonical unit, longest suffix first so `_m2` wins over `_m`.
SUFFIX_UNITS: dict[str, str] = {
    "_m2": "m2",
    "_mm": "mm",
    "_m": "m",
    "_h": "h",
    "_min": "min",
    "_percent": "%",
}

# Spellings users write that pint does not know, mapped to pint expressions.
_ALIASES: dict[str, str] = {
    "m2": "m**2",
    "㎡": "m**2",
    "m²": "m**2",
    "平方米": "m**2",
    "cm2": "cm**2",
    "mm2": "mm**2",
    "米": "m",
    "毫米": "mm",
    "㎜": "mm",
    "㎝": "cm",
    "㎞": "km",
    "厘米": "cm",
    "小时": "h",
    "分钟": "min",
    "%": "percent",
    "％": "percent",
}

# Quantities that cannot be negative (lengths, areas, durations). Slopes may be signed.
NON_NEGATIVE_UNITS = {"m", "mm", "m2", "h", "min"}

_registry: pint.UnitRegistry | None = None


def _ureg() -> pint.UnitRegistry:
    # Built lazily: importing pint and creating a registry costs ~0.3 s, and most designs carry
    # bare numbers only.
    global _registry
    if _registry is None:
        import pint

        _registry = pint.UnitRegistry()
    return _registry


class UnitError(ValueError):
    """A unit that is unknown, or of the wrong dimension for its key."""


@lru_cache(maxsize=1024)
def unit_of_key(key: str) -> str | None:
    """The canonical unit a design key is written in, or None for a key without a unit."""
    for suffix, unit in SUFFIX_UNITS.items():
        if key.endswith(suffix):
            return unit
    return None


@lru_cache(maxsize=1024)
def attribute_name(key: str) -> str:
    """`clear_width_m` → `clear_width`: the attribute without its unit suffix (report-v1)."""
    for suffix in SUFFIX_UNITS:
        if key.endswith(suffix):
            return key[: -len(suffix)]
    return key


def _pint_expr(unit: str) -> str:
    unit = unit.strip()
    return _ALIASES.get(unit, unit)


@lru_cache(maxsize=256)
def conversion_factor(unit: str, canonical: str) -> float:
    """Factor that turns a value in `unit` into `canonical`; raises UnitError when impossible."""
    import pint

    ureg = _ureg()
    if not unit.strip():
        raise UnitError("unit 不能为空")
    try:
        source = ureg.Quantity(1.0, _pint_expr(unit))
    except Exception as exc:  # pint raises several types for unparsable units
        raise UnitError(f"未知单位 '{unit}'") from exc
    try:
        return float(source.to(_pint_expr(canonical)).magnitude)
    except pint.DimensionalityError as exc:
        raise UnitError(f"单位 '{unit}' 与 {canonical} 的量纲不同") from exc


def to_canonical(raw: object, canonical: str) -> float:
    """A bare number (already canonical) or a {"value", "unit"} object → float in `canonical`."""
    if isinstance(raw, bool):
        raise UnitError(f"应为数值（{canonical}），不是布尔值")
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, dict):
        extra = set(raw) - {"value", "unit"}
        if "value" not in raw or "unit" not in raw or extra:
            raise UnitError('带单位的数值应写成 {"value": 数值, "unit": "单位"}')
        number, unit = raw["value"], raw["unit"]
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise UnitError("value 应为数值")
        if not isinstance(unit, str):
            raise UnitError("unit 应为字符串")
        value = float(number) * conversion_factor(unit, canonical)
    else:
        raise UnitError(f"应为数值（{canonical}）或 {{\"value\", \"unit\"}} 对象")
    if math.isnan(value) or math.isinf(value):
        raise UnitError("数值不能是 NaN 或无穷大")
    if value < 0 and canonical in NON_NEGATIVE_UNITS:
        raise UnitError(f"数值不能为负（{value:g} {canonical}）")
    return value
