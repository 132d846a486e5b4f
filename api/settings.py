"""Settings of the HTTP service, from arguments or the environment.

| env                         | setting           | default                                  |
|-----------------------------|-------------------|------------------------------------------|
| FIRECHECK_STORE             | store             | the user's data directory (graph/open.py) |
| FIRECHECK_API_KEYS          | api_keys          | none: write endpoints refuse every key   |
| FIRECHECK_MAX_BODY_BYTES    | max_body_bytes    | 2 MiB                                    |
| FIRECHECK_RULES_TTL_S       | rules_ttl_s       | 10 s                                     |
| FIRECHECK_ASK_MIN_SCORE     | ask_min_score     | 2.0                                      |

`FIRECHECK_API_KEYS` is a comma-separated list; surrounding spaces are ignored.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field


def _keys(text: str | None) -> frozenset[str]:
    return frozenset(k.strip() for k in (text or "").split(",") if k.strip())


def _number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return float(raw)
    except ValueError:
        raise ValueError(f"环境变量 {name} 应为数值，而不是 '{raw}'") from None


@dataclass(frozen=True)
class Settings:
    # Store location as graph/open.py reads it: a LadybugDB path, a bolt:// URI, or None for
    # $FIRECHECK_STORE / the user's data directory.
    store: str | None = None
    api_keys: frozenset[str] = field(default_factory=frozenset)
    # Request bodies above this are refused with 413 (Content-Length and the bytes streamed).
    max_body_bytes: int = 2 * 1024 * 1024
    # How long the compiled rule set (and the ask index) is trusted before the store's version
    # stamps are read again; an import through this API refreshes it at once.
    rules_ttl_s: float = 10.0
    # Load the built-in pack into an empty or outdated store on first use (as the CLI does).
    ensure_pack: bool = True
    # /v1/ask answers only from passages scoring at least this (BM25 + concept bonus).
    ask_min_score: float = 2.0
    ask_max_citations: int = 5
    graph_max_depth: int = 3
    graph_max_nodes: int = 150

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "store": os.environ.get("FIRECHECK_STORE") or None,
            "api_keys": _keys(os.environ.get("FIRECHECK_API_KEYS")),
            "max_body_bytes": int(_number("FIRECHECK_MAX_BODY_BYTES", cls.max_body_bytes)),
            "rules_ttl_s": _number("FIRECHECK_RULES_TTL_S", cls.rules_ttl_s),
            "ask_min_score": _number("FIRECHECK_ASK_MIN_SCORE", cls.ask_min_score),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        if isinstance(values.get("api_keys"), (list, tuple, set)):
            values["api_keys"] = frozenset(values["api_keys"])  # type: ignore[arg-type]
        return cls(**values)  # type: ignore[arg-type]
