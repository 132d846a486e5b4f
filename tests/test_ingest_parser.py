"""The code-text parser: Standard → Chapter → Section → Clause → Item, tables, notes and
references, on the real corpus (read from ../shared at run time, never copied here) and on
small texts written for these tests."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extraction.parser import ParseError, parse_standard
from extraction.text import InputError, decode_bytes, normalize, read_text_file

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"
FULL = CORPUS / "GB50016-2014(2018)_full.txt"
TABLES = CORPUS / "GB50016-2014(2018)_ch5-6_with_tables.txt"
CLAUSES = CORPUS / "GB50016-2014(2018)_clauses.jsonl"

needs_corpus = pytest.mark.skipif(not FULL.exists(), reason="../shared/corpus is not available")


@pytest.fixture(scope="module")
def full():
    return parse_standard(read_text_file(FULL))


@needs_corpus
def test_the_full_text_gives_433_distinct_clauses_with_the_duplicated_blocks_kept_once(full):
    assert len(full.clauses) == 433
    assert full.duplicates_dropped == 25  # blocks 4.1, 10.1 and 12.1 appear twice, identically
    assert full.title == "建筑设计防火规范" and full.code == "GB50016-2014"
    reference = {json.loads(line)["clause_id"] for line in CLAUSES.read_text(encoding="utf-8").splitlines()}
    assert {c.number for c in full.clauses} == reference


@needs_corpus
def test_clause_text_matches_the_derived_corpus_apart_from_whitespace(full):
    """The corpus's clauses.jsonl is the same text, digits normalised: ours must agree."""
    rows = {json.loads(line)["clause_id"]: json.loads(line)
            for line in CLAUSES.read_text(encoding="utf-8").splitlines()}
    for clause in full.clauses:
        ours = "".join(clause.text.split(maxsplit=1)[1].split()) if " " in clause.text else clause.text
        theirs = "".join(normalize(rows[clause.number]["text"]).split())
        assert ours == theirs, clause.number


@needs_corpus
def test_full_width_clause_numbers_items_notes_and_table_titles_are_recognised(full):
    clause = full.clause("5.5.18")  # written 5．5．18 in the file, with ０．９０ in the text
    assert clause is not None and "0.90m" in clause.text
    assert [t.number for t in clause.tables] == ["5.5.18"] and clause.tables[0].rows == []
    assert clause.chapter == "5" and clause.section == "5.5"
    distance = full.clause("5.5.17")
    assert [i.number for i in distance.items] == ["1", "2", "3", "4"]
    assert [(n.number, n.table) for n in distance.notes] == [("1", "5.5.17"), ("2", "5.5.17"), ("3", "5.5.17")]
    hydrants = full.clause("8.2.1")  # an unnumbered note between items 2 and 3 belongs to the clause
    assert [i.number for i in hydrants.items] == ["1", "2", "3", "4", "5"]
    assert [(n.number, n.table) for n in hydrants.notes] == [("", None)]
    # the table title is a table's, not text to extract from
    assert not any(line.startswith("表5.5.17") for line in distance.extraction_text.split("\n"))
    assert any(line.startswith("表5.5.17") for line in distance.text.split("\n"))


@needs_corpus
def test_references_to_clauses_tables_and_other_standards(full):
    refs = full.clause("6.5.3").references
    assert ("GB/T 7633", "门和卷帘的耐火试验方法") in refs.standards
    assert ("GB 50084", "自动喷水灭火系统设计规范") in refs.standards
    assert full.clause("3.3.6").references.clauses == ["3.3.2", "3.3.3"]
    assert full.clause("4.5.2").references.tables == ["4.2.1", "4.5.1"]
    # the standard's own code is never a reference to another standard
    assert all(not s.startswith("GB 50016") for c in full.clauses for s, _ in c.references.standards)


@needs_corpus
def test_headings_and_table_bodies_as_markdown():
    parsed = parse_standard(read_text_file(TABLES))
    assert parsed.chapters == {"5": "民用建筑", "6": "建筑构造"}
    assert parsed.sections["5.5"] == "安全疏散和避难"
    assert len(parsed.clauses) == 134
    table = parsed.clause("5.5.18").tables[0]
    assert len(table.rows) == 4 and table.rows[2][0] == "高层医疗建筑"
    lines = table.markdown.split("\n")
    assert lines[1] == "| --- | --- | --- | --- | --- |" and lines[0].startswith("| 建筑类别 |")
    assert {t.number for c in parsed.clauses for t in c.tables if t.rows} >= {
        "5.1.1", "5.1.2", "5.2.2", "5.3.1", "5.5.17", "5.5.20-1", "5.5.20-2", "5.5.21-1", "5.5.29"}
    # notes after a table body belong to the table; ㎡ became m2
    assert [n.table for n in parsed.clause("5.1.1").notes] == ["5.1.1", "5.1.1", "5.1.1"]
    assert "㎡" not in parsed.clause("5.1.1").tables[0].markdown


def test_a_small_text_in_every_layout_variant():
    text = ("《测试用规范》GB 99999-2020\n"
            "1 总则\n"
            "1.0.1　本规范用于测试。\n"
            "3 构造\n3.1 一般规定\n"
            "3．1．2 档案室应符合下列规定：\n1  门的宽度不应小于1．2m；\n2 窗的面积不应小于2㎡。\n"
            "表3.1.2 档案室的尺寸(m)\n===== 表格：表3.1.2 档案室的尺寸(m) =====\n"
            "部位 | 宽度\n--- | ---\n门 | 1.2\n\n注：1 表中数值为最小值。\n2 另见第3.1.3条和表3.1.2。\n"
            "3.1.3 档案室的墙应采用不燃材料，并应符合《另一规范》GB/T 12345的规定。\n")
    parsed = parse_standard(text)
    assert (parsed.title, parsed.code) == ("测试用规范", "GB99999-2020")
    assert parsed.chapters == {"1": "总则", "3": "构造"} and parsed.sections == {"3.1": "一般规定"}
    clause = parsed.clause("3.1.2")
    assert [(i.number, i.text) for i in clause.items] == [("1", "门的宽度不应小于1.2m；"), ("2", "窗的面积不应小于2m2。")]
    assert clause.tables[0].rows == [["部位", "宽度"], ["门", "1.2"]]
    assert [(n.number, n.table) for n in clause.notes] == [("1", "3.1.2"), ("2", "3.1.2")]
    assert clause.references.clauses == ["3.1.3"] and clause.references.tables == ["3.1.2"]
    assert parsed.clause("3.1.3").references.standards == [("GB/T 12345", "另一规范")]


def test_a_clause_number_repeated_with_different_text_is_refused():
    with pytest.raises(ParseError) as info:
        parse_standard("1.0.1 第一种写法。\n1.0.2 另一条。\n1.0.1 第二种写法。\n")
    assert str(info.value) == "条文 1.0.1 重复出现且内容不同（第 1 行、第 3 行）"


def test_text_without_clause_numbers_is_refused():
    with pytest.raises(ParseError) as info:
        parse_standard("这不是规范文本。\n只有两行。\n")
    assert str(info.value) == "未找到条文（应有形如 5.5.18 的条文编号开头的行）"


def test_decoding_utf8_bom_gbk_and_refusals(tmp_path: Path):
    text = "1.0.1 档案室的门的宽度不应小于1.2m。\n"
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode(), "x") == text
    assert decode_bytes(text.encode("gbk"), "x") == text
    assert decode_bytes(text.encode("utf-16"), "x") == text
    with pytest.raises(InputError, match=r"^x: 文件为空$"):
        decode_bytes(b"  \n", "x")
    with pytest.raises(InputError, match=r"^x: 不是文本文件（含有二进制数据）$"):
        decode_bytes(bytes(range(256)) * 8, "x")
    with pytest.raises(InputError, match=r"^x: 第 2 行过长（100001 个字符，上限 100000）$"):
        decode_bytes(("a\n" + "b" * 100_001).encode(), "x")
    with pytest.raises(InputError, match=r"文件不存在$"):
        read_text_file(tmp_path / "missing.txt")


def test_normalisation_of_the_corpus_quirks():
    assert normalize("5．5．18\u2002除外，净宽度不应小于０．９０m，面积100㎡或 100 m²") == \
        "5.5.18除外，净宽度不应小于0.90m，面积100m2或100m2"
    assert normalize("现行国家标准《规范》GB 50084 的规定") == "现行国家标准《规范》GB 50084的规定"
    assert normalize("不大于l00m2") == "不大于100m2"
