"""Input of `firecheck extract`: a .txt file of sentences (one per line) or JSON lines
`{"id": …, "text": …, "standard": …, "clause": …}`. Every input line gives one output line, in
order; a blank line gives a result with no rules."""

from __future__ import annotations

import json
from pathlib import Path

from .text import InputError, read_text_file


def read_records(path: Path) -> list[tuple[str | None, str]]:
    text = read_text_file(path)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    as_json = path.suffix.lower() in (".jsonl", ".json", ".ndjson") or first.lstrip().startswith("{")
    records: list[tuple[str | None, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            records.append((str(number), ""))
            continue
        if not as_json:
            records.append((str(number), line))
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}: 第 {number} 行不是合法的 JSON（{exc.msg}）") from None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{path}: 第 {number} 行应为含字符串 text 字段的 JSON 对象")
        ident = data.get("id") if data.get("id") is not None else data.get("clause")
        records.append((str(ident) if ident is not None else str(number), data["text"]))
    return records
