"""`firecheck extract --input FILE --format jsonl`: one extraction-v1 line per input line, in
order, from a .txt of sentences or JSON lines; input errors exit 2 naming the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from conftest import firecheck
from extraction.registry import get_extractor

VERSION = get_extractor("rules").version
LINES = ["档案室的门和窗的宽度不应小于1.2m。", "", "没有要求的句子。", "档案库的层数不应超过3层。"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"XDG_DATA_HOME": str(tmp_path / "xdg")}


def test_a_text_file_gives_one_line_per_input_line_in_order(tmp_path, env):
    source = tmp_path / "sentences.txt"
    source.write_bytes(("\n".join(LINES) + "\n").encode("gbk"))  # decoded like any code text
    result = firecheck("extract", "--input", str(source), "--format", "jsonl", env=env)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(line["id"], line["text"], len(line["rules"])) for line in lines] == [
        ("1", LINES[0], 2), ("2", "", 0), ("3", LINES[2], 0), ("4", LINES[3], 1)]
    assert lines[0]["rules"][1] == {"object": "窗", "attribute": "宽度", "operator": ">=", "value": 1.2,
                                    "unit": "m", "strength": "应", "conditions": []}
    assert all(line["gate_failures"] == [] for line in lines)
    assert result.stderr == f"firecheck: 4 行，抽取 3 条规则（rules {VERSION}）\n"


def test_json_lines_keep_their_ids(tmp_path):
    source = tmp_path / "clauses.jsonl"
    source.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in [
        {"id": "x-1", "text": LINES[0], "standard": "测试"}, {"clause": "9.9.9", "text": LINES[3]},
        {"text": LINES[2]}]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--input", str(source)])
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert ids == ["x-1", "9.9.9", "3"]


def test_the_text_format_is_for_people(tmp_path):
    source = tmp_path / "one.txt"
    source.write_text(LINES[3] + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--input", str(source), "--format", "text"])
    assert result.exit_code == 0
    assert result.stdout == f"[1] {LINES[3]}\n  应 档案库 层数 <= 3层\n"


@pytest.mark.parametrize("name, content, message", [
    ("bad.jsonl", '{"text": "档案室的门的宽度不应小于1.2m。"}\n{not json\n', "第 2 行不是合法的 JSON（Expecting property name enclosed in double quotes）"),
    ("notext.jsonl", '{"id": 1}\n', "第 1 行应为含字符串 text 字段的 JSON 对象"),
    ("empty.txt", "", "文件为空"),
], ids=["bad-json", "no-text", "empty"])
def test_input_errors_exit_2_naming_the_file(tmp_path, name, content, message):
    source = tmp_path / name
    source.write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", "--input", str(source)])
    assert result.exit_code == 2
    assert result.stderr == f"firecheck: {source}: {message}\n"


def test_a_binary_input_through_the_real_cli(tmp_path, env):
    source = tmp_path / "blob.txt"
    source.write_bytes(bytes(range(256)) * 16)
    result = firecheck("extract", "--input", str(source), env=env)
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"firecheck: {source}: 不是文本文件（含有二进制数据）\n"
