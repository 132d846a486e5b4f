"""The zhouyc98 data set (Zhou et al. 2022, MIT) as extraction-v1 records: the converter of
extraction/gold.py, for other users of the package (the fine-tuning data set builder)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .gold import load_zhouyc98


def load_records(directory: Path) -> list[dict[str, Any]]:
    """`[{"id", "text", "rules"}]`, one per labelled sentence, rules in extraction-v1 form."""
    return [{"id": item.id, "text": item.text, "rules": [r.to_json_dict() for r in item.rules]}
            for item in load_zhouyc98(Path(directory))]
