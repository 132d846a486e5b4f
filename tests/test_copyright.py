"""The standards' text is the publishers' copyright: no file the repository tracks may repeat it.

For every file `git ls-files` names (binary files skipped), normalised as the project normalises
code text (extraction/text.normalize: full-width digits, ㎡ …) and with all whitespace removed, no
run of WINDOW characters may occur in the text of a standard under ../shared/corpus/*.txt
(normalised the same way). Allowed: the standards' ids and titles (`GB50016-2014(2018年版)`, `《…》`) and
markdown table rules (`|---|---|`). Tests read clause text from the corpus at run time, extractor
tests use sentences of their own, and gold answers store long phrases as spans (docs/extraction.md).

Without git, the repository metadata or the corpus this test fails: a guard that cannot look must
not pass, nor skip quietly.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from extraction.text import normalize

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus"
WINDOW = 20

_SPACE = re.compile(r"\s+")
_MASK = "\x00"  # not in the corpus: a window holding it is never a copy
_ALLOWED = re.compile("|".join([
    r"《[^《》]{1,40}》",                                                # a standard's name
    r"(?:GB|GBJ|JGJ|CECS)(?:/T)?\d+-\d{4}(?:[(（]\d{4}年版[)）])?",  # its id, with the edition
    r"[|:]*-{3,}(?:[|:]+-*)*",                                        # markdown table rules
]))


def _normalise(text: str) -> str:
    # the project normalises code text (full-width digits → ASCII, ㎡ → m2) before it uses it, so a
    # copy would be in that form: compare both sides normalised, whitespace removed
    return _SPACE.sub("", normalize(text))


def _corpus_windows() -> set[str]:
    files = sorted(p for p in CORPUS.glob("*.txt") if not p.name.startswith("LICENSE"))
    if not files:
        pytest.fail(f"the corpus of standards is missing: no *.txt under {CORPUS} (the copyright "
                    "check needs ../shared/corpus beside the repository)", pytrace=False)
    windows: set[str] = set()
    for path in files:
        text = _normalise(path.read_text(encoding="utf-8"))
        windows.update(text[i:i + WINDOW] for i in range(len(text) - WINDOW + 1))
    return windows


def _tracked_files() -> list[str]:
    try:
        done = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, text=True,
                              timeout=60)
    except FileNotFoundError:
        pytest.fail("git is not installed: the copyright check lists the repository's files with "
                    "`git ls-files`", pytrace=False)
    if done.returncode != 0:
        pytest.fail(f"`git ls-files` failed in {REPO} (is the .git metadata there?): "
                    f"{done.stderr.strip()}", pytrace=False)
    names = [name for name in done.stdout.split("\0") if name]
    if not names:
        pytest.fail(f"`git ls-files` in {REPO} lists no files", pytrace=False)
    return names


def copied_runs(text: str, windows: set[str]) -> list[str]:
    """The runs of `text` (whitespace removed, allowed strings masked) made of corpus windows."""
    text = _ALLOWED.sub(lambda m: _MASK, _normalise(text))
    hits = [i for i in range(len(text) - WINDOW + 1) if text[i:i + WINDOW] in windows]
    runs: list[str] = []
    start = end = None
    for i in hits:
        if end is not None and i <= end - WINDOW + 1:
            end = i + WINDOW
            continue
        if start is not None:
            runs.append(text[start:end])
        start, end = i, i + WINDOW
    if start is not None:
        runs.append(text[start:end])
    return runs


def _read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None  # binary


def test_the_guard_sees_a_copy_and_allows_titles_and_table_rules():
    windows = _corpus_windows()
    full = _normalise((CORPUS / "GB50016-2014(2018)_full.txt").read_text(encoding="utf-8"))
    start = next(i for i in range(len(full) // 2, len(full)) if not _ALLOWED.search(full[i:i + 30]))
    sample = full[start:start + 30]
    assert copied_runs("开头" + sample + "结尾", windows) == [sample]
    assert copied_runs(sample[:WINDOW - 1], windows) == []
    titles_and_rules = "《建筑设计防火规范》GB 50016-2014 (2018年版)\n|---|---|---|---|---|---|"
    assert copied_runs(titles_and_rules, windows) == []


def test_no_tracked_file_repeats_the_standards_text():
    windows = _corpus_windows()
    found: dict[str, list[str]] = {}
    for name in _tracked_files():
        path = REPO / name
        if not path.is_file():  # deleted in the working tree, not yet in the index
            continue
        text = _read_text(path)
        if text is None:
            continue
        runs = copied_runs(text, windows)
        if runs:
            found[name] = runs
    assert not found, (
        f"{len(found)} tracked file(s) repeat runs of ≥{WINDOW} characters of the standards' text "
        "(paraphrase, read the corpus at run time, or store gold answers as spans):\n"
        + "\n".join(f"  {name}: {len(runs)} run(s), e.g. {runs[0][:40]}…" for name, runs in found.items()))
