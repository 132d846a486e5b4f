"""`firecheck ingest` through the real CLI in a subprocess, with a tmp --store and XDG_DATA_HOME:
the whole GB 50016 text lands in the graph (re-ingest idempotent, the checker unaffected, the
rules diff against the pack), and bad input — empty, GBK, binary, a 10 MB line, a clause number
repeated with other text — is decoded or refused with a message naming the file (exit 2), never a
traceback, never a half-written standard."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from typer.testing import CliRunner

from api.cli import app
from conftest import firecheck
from extraction.parser import parse_standard
from extraction.registry import available, get_extractor
from graph.ingest import ingest_standard
from graph.ladybug_store import LadybugStore
from graph.open import ensure_builtin_pack

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
FULL = SHARED / "corpus" / "GB50016-2014(2018)_full.txt"
REPO = Path(__file__).resolve().parents[1]
STANDARD = "GB 50016-2014(2018)"

needs_corpus = pytest.mark.skipif(not FULL.exists(), reason="../shared/corpus is not available")

SMALL = ("1.0.1 档案室的门的宽度不应小于1.2m。\n"
         "1.0.2 档案室应符合下列规定：\n1 墙应采用不燃材料；\n2 窗的面积不应小于2m2。\n")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(tmp_path / "xdg"), "FIRECHECK_STORE": ""}


def counts(location: Path) -> dict[str, dict[str, int]]:
    store = LadybugStore(location)
    try:
        return store.counts()
    finally:
        store.close()


def ingest(path: Path, location: Path, env: dict[str, str], *extra: str):
    return firecheck("ingest", str(path), "--standard", STANDARD, "--store", str(location), *extra, env=env)


@needs_corpus
def test_the_whole_standard_lands_in_the_graph_beside_the_pack(tmp_path, env):
    location = tmp_path / "rules.lbdb"
    first = ingest(FULL, location, env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith(f"已导入 {STANDARD}：433 条条文、489 款、47 个表格、93 条注、165 处引用；抽取规则 ")
    assert "firecheck: 重复出现且内容相同的条文 25 条，只保留一次" in first.stderr
    assert "Traceback" not in first.stderr
    found = counts(location)
    assert found["nodes"]["Clause"] >= 433 and found["nodes"]["Item"] == 489
    assert found["nodes"]["CodeTable"] >= 47 and found["nodes"]["Note"] == 93
    assert found["edges"]["REFERENCES"] > 165  # the pack's own clause references are there too

    runner = CliRunner()  # the same commands in-process (the spaCy pipeline is already loaded)
    check = runner.invoke(app, ["check", str(REPO / "examples" / "E1-office-highrise.design.json"),
                                "--store", str(location), "--format", "json"])
    assert check.exit_code in (0, 1), check.output  # the checker reads the pack, not extracted rules

    diff = runner.invoke(app, ["rules", "diff", "--store", str(location), "--clause", "5.5.30", "--all"])
    assert diff.exit_code == 0, diff.output
    assert "  = 户门 净宽度：规则包 >= 0.9m ｜ 抽取 >= 0.9m" in diff.stdout.splitlines()
    assert diff.stdout.splitlines()[-1] == "一致 6，不同 0，仅规则包 0，仅抽取 0"


@needs_corpus
def test_a_gbk_file_is_decoded_and_gives_the_same_clauses_as_utf8(tmp_path, env):
    text = FULL.read_text(encoding="utf-8").replace("\u2002", " ").replace("\xa0", " ")
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes(text.encode("gbk"))
    location = tmp_path / "gbk.lbdb"
    result = ingest(gbk, location, env, "--no-rules")
    assert result.returncode == 0, result.stderr
    assert "433 条条文" in result.stdout and "未抽取规则" in result.stdout
    store = LadybugStore(location)
    try:
        stored = {r["number"]: r["text"] for r in store.run(
            "MATCH (c:Clause) WHERE c.text IS NOT NULL RETURN c.number AS number, c.text AS text")}
    finally:
        store.close()
    expected = {c.number: c.text for c in parse_standard(FULL.read_text(encoding="utf-8")).clauses}
    assert stored == expected


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "文件为空"),
    ("blank.txt", b"\n  \n", "文件为空"),
    ("binary.bin", bytes(range(256)) * 64, "不是文本文件（含有二进制数据）"),
    ("long.txt", b"1.0.1 " + b"x" * (10 * 1024 * 1024), "第 1 行过长（10485766 个字符，上限 100000）"),
    ("repeated.txt", "1.0.1 第一种写法。\n1.0.2 另一条。\n1.0.1 第二种写法。\n".encode(),
     "条文 1.0.1 重复出现且内容不同（第 1 行、第 3 行）"),
    ("prose.txt", "这不是规范文本。\n".encode(), "未找到条文（应有形如 5.5.18 的条文编号开头的行）"),
], ids=["empty", "blank", "binary", "10MB-line", "repeated-clause", "prose"])
def test_bad_input_is_refused_naming_the_file_before_the_store_is_touched(tmp_path, env, name, content,
                                                                           message):
    location = tmp_path / "rules.lbdb"
    bad = tmp_path / name
    bad.write_bytes(content)
    result = ingest(bad, location, env)
    assert result.returncode == 2
    assert result.stderr == f"firecheck: {bad}: {message}\n"
    assert result.stdout == ""
    assert not location.exists()


def test_a_refused_file_leaves_an_ingested_standard_as_it_was(tmp_path, env):
    location = tmp_path / "rules.lbdb"
    store = LadybugStore(location)
    ensure_builtin_pack(store)
    ingest_standard(store, parse_standard(SMALL), STANDARD, get_extractor("rules"))
    store.close()
    before = counts(location)
    bad = tmp_path / "repeated.txt"
    bad.write_text(SMALL + "1.0.1 档案室的门的宽度不应小于1.5m。\n", encoding="utf-8")
    result = ingest(bad, location, env)
    assert (result.returncode, result.stderr) == (
        2, f"firecheck: {bad}: 条文 1.0.1 重复出现且内容不同（第 1 行、第 5 行）\n")
    assert counts(location) == before


def test_a_missing_file_an_empty_standard_and_an_unknown_extractor_are_input_errors(tmp_path):
    location = tmp_path / "rules.lbdb"
    runner = CliRunner()
    missing = runner.invoke(app, ["ingest", str(tmp_path / "nope.txt"), "--standard", STANDARD,
                                  "--store", str(location)])
    assert (missing.exit_code, missing.stderr) == (2, f"firecheck: {tmp_path / 'nope.txt'}: 文件不存在\n")
    good = tmp_path / "good.txt"
    good.write_text(SMALL, encoding="utf-8")
    blank = runner.invoke(app, ["ingest", str(good), "--standard", " ", "--store", str(location)])
    assert (blank.exit_code, blank.stderr) == (2, "firecheck: --standard 不能为空\n")
    unknown = runner.invoke(app, ["ingest", str(good), "--standard", STANDARD, "--store", str(location),
                                  "--extractor", "nope"])
    names = "、".join(available())
    assert (unknown.exit_code, unknown.stderr) == (2, f"firecheck: 没有名为 'nope' 的抽取器（可用：{names}）\n")
    assert not location.exists()  # refused before the store was opened


def test_an_unusable_store_exits_3(tmp_path, env):
    good = tmp_path / "good.txt"
    good.write_text(SMALL, encoding="utf-8")
    broken = tmp_path / "broken.lbdb"
    broken.write_text("not a database")
    result = ingest(good, broken, env, "--no-rules")
    assert result.returncode == 3
    assert result.stderr.startswith(f"firecheck: 存储不可用（{broken}）：")
    assert "Traceback" not in result.stderr


def test_the_default_store_lives_under_xdg_data_home(tmp_path, env):
    good = tmp_path / "good.txt"
    good.write_text(SMALL, encoding="utf-8")
    result = firecheck("ingest", str(good), "--standard", "GB 99999-2020", "--no-rules", env=env)
    assert result.returncode == 0, result.stderr
    assert (Path(env["XDG_DATA_HOME"]) / "firecheck" / "rules.lbdb").exists()
    assert os.environ.get("XDG_DATA_HOME") != env["XDG_DATA_HOME"]
