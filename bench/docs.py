"""Writing a benchmark's section of docs/benchmarks.md, leaving the other sections as they are."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"
_HEADER = "# Benchmarks\n\nMeasured speed of firecheck's parts; each section says how to reproduce it.\n"


def write_section(title: str, body: str, path: Path = DOC) -> None:
    """Replace the body of the section headed `title` (e.g. "## Checker"), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else _HEADER
    section = f"{title}\n\n{body.strip()}\n"
    pattern = re.compile(rf"^{re.escape(title)}[ \t]*\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section + "\n", text, count=1).rstrip("\n") + "\n"
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")
