"""The SFT set: sources merged, split by document without leakage, answers in extraction-v1,
exported for LLaMA-Factory. The clause texts here are written for the test (the facts of a few
pack rules in our own words), never the standard's text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from extraction.llm import canonical_rules
from extraction.models import ExtractedRule
from finetune.cli import finetune_app
from finetune.dataset import build_dataset, clause_key, read_corpus
from finetune.prompts import EXTRACTION_INSTRUCTION, EXTRACTION_SYSTEM
from graph.pack import load_builtin_pack

STANDARD = "GB 50016-2014(2018)"
CLAUSES = {
    "7.1.8": "消防车道：路面宽与上方净空都不应小于4.0m，路的坡度不宜大于8%。",
    "5.5.30": "住宅楼里，户门与安全出口宽不应小于0.9m；走道、首层外门和楼梯宽不应小于1.1m。",
    "5.1.3A": "老年人照料设施所在建筑，其耐火等级不应低于三级。",
    "5.5.15": "公共建筑中房间的疏散门一般不应少于2个。",
}
LANE_RULES = [{"object": "消防车道", "attribute": "宽度", "operator": ">=", "value": 4.0, "unit": "m", "strength": "应"}]
SENTENCES = [
    {"text": "水泵接合器与室外消火栓的距离不宜大于40m", "rules": [
        {"object": "水泵接合器", "attribute": "与室外消火栓的距离", "operator": "<=", "value": 40, "unit": "m",
         "strength": "宜"}]},
    {"text": "水泵接合器与室外消火栓的距离不宜大于40m", "rules": []},  # a duplicate: one document
    # shares a 20-character run with the held-out 7.1.8 text: must not reach training
    {"text": "另外消防车道：路面宽与上方净空都不应小于4.0m", "rules": []},
]


@pytest.fixture()
def sources(tmp_path) -> dict:
    corpus = tmp_path / "clauses.jsonl"
    corpus.write_text("".join(json.dumps({"clause_id": c, "text": t, "standard": STANDARD}, ensure_ascii=False) + "\n"
                              for c, t in CLAUSES.items()), encoding="utf-8")
    gold = tmp_path / "gold"
    gold.mkdir()
    (gold / "split.json").write_text(json.dumps({"standard": STANDARD, "dev": ["5.5.15"], "heldout": ["7.1.8"]}))
    (gold / "clauses.jsonl").write_text(json.dumps(
        {"id": "7.1.8", "standard": STANDARD, "clause": "7.1.8", "text": CLAUSES["7.1.8"], "rules": LANE_RULES},
        ensure_ascii=False) + "\n", encoding="utf-8")
    return {"corpus": corpus, "gold": gold}


def _rows(out: Path, split: str) -> list[dict]:
    return [json.loads(line) for line in (out / f"{split}.jsonl").read_text(encoding="utf-8").splitlines()]


def test_split_by_document_without_leakage(tmp_path, sources):
    out = tmp_path / "sft"
    stats = build_dataset(out, zhouyc98=SENTENCES, gold_dir=sources["gold"], rule_set=load_builtin_pack(),
                          corpus=read_corpus(sources["corpus"]), validation_ratio=0.0, canonical=canonical_rules)
    splits = {s: _rows(out, s) for s in ("train", "validation", "test")}
    assert {(r["source"], r["clause"]) for r in splits["test"]} == {("gold", "7.1.8")}
    assert {(r["source"], r["clause"]) for r in splits["validation"]} == {("pack", "5.5.15")}
    assert sorted((r["source"], r["clause"] or r["input"]) for r in splits["train"]) == [
        ("pack", "5.1.3A"), ("pack", "5.5.30"), ("zhouyc98", SENTENCES[0]["text"])]
    skipped = stats["skipped"]
    assert skipped["zhouyc98: overlaps a validation/test text"] == 1
    assert skipped["pack: same document as gold"] == 1
    # 5.5.30's 1.0 m stair rule and 7.1.8's 5 m distance are not in the texts: the value gate
    # refuses them (as it would an extractor's), and they are counted
    assert skipped["pack: fails the value gate against the clause text"] >= 2
    seen: dict[str, str] = {}
    for split, rows in splits.items():
        for row in rows:
            key = row["clause"] or row["input"]
            assert seen.setdefault(key, split) == split, f"{key} in {seen[key]} and {split}"


def test_answers_are_canonical_extraction_v1(tmp_path, sources):
    out = tmp_path / "sft"
    build_dataset(out, zhouyc98=SENTENCES, gold_dir=sources["gold"], rule_set=load_builtin_pack(),
                  corpus=read_corpus(sources["corpus"]), validation_ratio=0.0, canonical=canonical_rules)
    rows = [r for s in ("train", "validation", "test") for r in _rows(out, s)]
    for row in rows:
        assert row["system"] == EXTRACTION_SYSTEM and row["instruction"] == EXTRACTION_INSTRUCTION
        answer = json.loads(row["output"])
        assert list(answer) == ["rules"]
        rules = [ExtractedRule.model_validate(r) for r in answer["rules"]]
        # written exactly as the constrained decoder writes them: json.dumps separators, schema order
        assert row["output"] == json.dumps({"rules": [r.to_json_dict() for r in rules]}, ensure_ascii=False)
    housing = next(r for r in rows if r["clause"] == "5.5.30")
    rules = json.loads(housing["output"])["rules"]
    assert {"object": "户门", "attribute": "净宽度", "operator": ">=", "value": 0.9, "unit": "m", "strength": "应",
            "conditions": [{"object": "建筑", "attribute": "使用功能", "operator": "==", "value": "住宅"}]} in rules
    assert all(r["value"] != 1.0 for r in rules)


def test_llama_factory_exports(tmp_path, sources):
    out = tmp_path / "sft"
    build_dataset(out, zhouyc98=SENTENCES, gold_dir=sources["gold"], rule_set=load_builtin_pack(),
                  corpus=read_corpus(sources["corpus"]), validation_ratio=0.0, canonical=canonical_rules)
    info = json.loads((out / "dataset_info.json").read_text(encoding="utf-8"))
    assert len(info) == 6
    for name, entry in info.items():
        data = json.loads((out / entry["file_name"]).read_text(encoding="utf-8"))
        split = name.split("_")[1]
        ours = _rows(out, split)
        assert len(data) == len(ours)
        if entry.get("formatting") == "sharegpt":
            assert entry["columns"] == {"messages": "conversations", "system": "system"}
            for item, row in zip(data, ours):
                human, gpt = item["conversations"]
                assert human == {"from": "human", "value": f"{row['instruction']}\n{row['input']}"}
                assert gpt == {"from": "gpt", "value": row["output"]} and item["system"] == row["system"]
        else:
            assert entry["columns"] == {"prompt": "instruction", "query": "input", "response": "output",
                                        "system": "system"}
            assert data == [{k: r[k] for k in ("instruction", "input", "output", "system")} for r in ours]


def test_text_corpus_reads_like_the_jsonl(tmp_path):
    text = tmp_path / "code.txt"
    text.write_text("".join(f"{c.replace('.', '．')}  {t}\n" for c, t in CLAUSES.items())
                    + "1 第一款的内容。\n", encoding="utf-8")
    clauses = read_corpus(text, standard=STANDARD)
    assert clauses[clause_key(STANDARD, "7.1.8")] == f"7.1.8 {CLAUSES['7.1.8']}"  # as extraction.parser reads it
    assert clauses[clause_key(STANDARD, "5.5.15")].endswith("第一款的内容。")  # items join their clause


def test_cli_dataset(tmp_path, sources):
    out = tmp_path / "sft"
    result = CliRunner().invoke(finetune_app, ["dataset", "--out", str(out), "--corpus", str(sources["corpus"]),
                                               "--gold", str(sources["gold"])])
    assert result.exit_code == 0, result.output
    assert (out / "dataset_info.json").exists() and _rows(out, "test")[0]["clause"] == "7.1.8"
    empty = tmp_path / "empty-gold"
    empty.mkdir()
    nothing = CliRunner().invoke(finetune_app, ["dataset", "--out", str(out), "--gold", str(empty), "--no-pack"])
    assert nothing.exit_code == 2 and "没有任何数据来源" in nothing.output
    bad = CliRunner().invoke(finetune_app, ["dataset", "--out", str(out), "--corpus", str(tmp_path / "missing.txt")])
    assert bad.exit_code == 2 and "missing.txt" in bad.output
