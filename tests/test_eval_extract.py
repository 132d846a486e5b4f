"""Scoring extractors: three levels (operator+value, +attribute, +object), the zhouyc98
converter, the hand-annotated GB 50016 gold (structured answers keyed by clause number, joined
with the user's text at run time) and `firecheck eval extract`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from api.cli import app
from extraction.gold import SPAN_MIN_LENGTH, GoldError, GoldItem, load_gold, load_zhouyc98, span_of
from extraction.models import Condition, ExtractedRule, ExtractionResult
from extraction.parser import parse_standard
from extraction.scorer import bootstrap_f1, score
from extraction.text import read_text_file
from finetune.dataset import clause_key, forced_splits

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
GOLD = REPO / "tests" / "gold"
FULL = SHARED / "corpus" / "GB50016-2014(2018)_full.txt"
ZHOU = SHARED / "datasets" / "zhouyc98-train"
needs_corpus = pytest.mark.skipif(not FULL.exists(), reason="../shared/corpus is not available")


def r(obj, attr, op, value, unit=None):
    return ExtractedRule(object=obj, attribute=attr, operator=op, value=value, unit=unit, strength="应")


def test_three_levels_micro_averaged():
    gold = [GoldItem("1", "t", [r("门", "净宽度", ">=", 0.9, "m"), r("窗", "净宽度", ">=", 0.9, "m"),
                                r("墙", "采用", "==", "不燃材料")])]
    predicted = [ExtractionResult(id="1", text="t", rules=[
        r("门", "净宽度", ">=", 0.90, "m"), r("楼梯", "净宽度", ">=", 0.9, "m"), r("墙", "为", "==", "不燃材料"),
        r("墙", "长度", "<=", 3, "m")])]
    levels = score(gold, predicted).as_dict()["levels"]
    assert [(levels[k]["tp"], levels[k]["predicted"], levels[k]["gold"]) for k in levels] == [
        (3, 4, 3), (2, 4, 3), (1, 4, 3)]
    assert levels["operator+value"]["precision"] == 0.75 and levels["operator+value"]["recall"] == 1.0
    assert levels["+object"]["f1"] == round(2 * 0.25 * (1 / 3) / (0.25 + 1 / 3), 4)
    causes = score(gold, predicted).as_dict()["misses_by_cause"]
    assert causes == {"object": 1, "attribute": 1, "spurious": 1}


def test_bootstrap_intervals_resample_clauses():
    door = r("门", "净宽度", ">=", 0.9, "m")
    window = r("窗", "净宽度", ">=", 0.9, "m")
    # ten clauses matched exactly and ten where the extractor found the door but not the window
    gold = [GoldItem(str(i), "t", [door, window]) for i in range(20)]
    predicted = [ExtractionResult(id=str(i), text="t", rules=[door, window] if i < 10 else [door])
                 for i in range(20)]
    result = score(gold, predicted)
    point = result.levels["+object"].f1
    low, high = bootstrap_f1(result, 500, seed=7)["+object"]
    assert low < point < high and 0 < low and high <= 1
    assert bootstrap_f1(result, 500, seed=7) == bootstrap_f1(result, 500, seed=7)   # deterministic
    assert bootstrap_f1(result, 0) == {}
    # every clause scored alike: resampling cannot move the figure
    same = score(gold[:10], predicted[:10])
    assert bootstrap_f1(same, 200)["operator+value"] == (1.0, 1.0)


def test_eval_extract_reports_bootstrap_intervals_and_refuses_a_bad_count(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text("\n".join(json.dumps({"text": f"档案室{i}的门的宽度不应小于1.{i}m。", "rules": [
        {"object": "门", "attribute": "宽度", "operator": ">=", "value": float(f"1.{i}"), "unit": "m",
         "strength": "应"}]}, ensure_ascii=False) for i in range(1, 6)) + "\n", encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["eval", "extract", "--gold", str(gold), "--bootstrap", "300", "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["bootstrap"] == {"samples": 300, "seed": 0, "unit": "clause"}
    assert data["levels"]["operator+value"]["f1_ci95"] == [1.0, 1.0]
    text = runner.invoke(app, ["eval", "extract", "--gold", str(gold), "--bootstrap", "300"])
    assert "F1 95% 区间" in text.stdout and "区间：按条文有放回重抽样 300 次（种子 0）" in text.stdout
    bad = runner.invoke(app, ["eval", "extract", "--gold", str(gold), "--bootstrap", "-5"])
    assert bad.exit_code == 2
    assert "firecheck: --bootstrap 应在 0 到 100000 之间，收到 -5" in bad.output


def test_the_zhouyc98_converter(tmp_path):
    (tmp_path / "_sentences_tags.txt").write_text(
        " ".join(["档/B-obj", "案/I-obj", "室/I-obj", "的/O", "宽/B-prop", "度/I-prop", "不/B-cmp", "应/I-cmp",
                  "小/I-cmp", "于/I-cmp", "1/B-Rprop", "./I-Rprop", "2/I-Rprop", "m/I-Rprop", "，/O",
                  "高/B-prop", "度/I-prop", "大/B-cmp", "于/I-cmp", "3/B-ARprop", "m/I-ARprop", "时/O"]) + "\n",
        encoding="utf-8")
    items = load_gold(tmp_path)
    assert [(i.id, i.text) for i in items] == [("zhouyc98:1", "档案室的宽度不应小于1.2m，高度大于3m时")]
    assert [x.to_json_dict() for x in items[0].rules] == [
        {"object": "档案室", "attribute": "宽度", "operator": ">=", "value": 1.2, "unit": "m", "strength": "应",
         "conditions": []}]  # the 大于 before an ARprop is a condition, not a requirement
    if ZHOU.exists():
        real = load_zhouyc98(ZHOU)
        assert (len(real), sum(len(i.rules) for i in real)) == (488, 633)


@needs_corpus
def test_the_gold_is_structured_answers_keyed_by_clause_and_joined_with_the_text_at_run_time():
    split = json.loads((GOLD / "split.json").read_text(encoding="utf-8"))
    assert len(split["dev"]) == len(split["heldout"]) == 40
    assert len(split["heldout2"]) == len(split["heldout3"]) == len(split["heldout4"]) == len(split["heldout5"]) == 30
    assert len(split["heldout6"]) == 55 and len(split["heldout7"]) == 42
    parts = [set(split[p]) for p in ("dev", "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6",
                                     "heldout7")]
    assert sum(map(len, parts)) == len(set.union(*parts))  # disjoint
    standard = {c.number: c for c in parse_standard(read_text_file(FULL)).clauses}
    for name, part in (("gb50016-dev.jsonl", "dev"), ("gb50016-heldout.jsonl", "heldout"),
                       ("gb50016-heldout2.jsonl", "heldout2"), ("gb50016-heldout3.jsonl", "heldout3"),
                       ("gb50016-heldout4.jsonl", "heldout4"), ("gb50016-heldout5.jsonl", "heldout5"),
                       ("gb50016-heldout6.jsonl", "heldout6"), ("gb50016-heldout7.jsonl", "heldout7")):
        lines = [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines()]
        assert lines[0]["_meta"]["split"] == part
        assert [line["clause"] for line in lines[1:]] == split[part]
        assert all(set(line) == {"clause", "rules"} for line in lines[1:])  # never the clause text
        assert not [v for line in lines[1:] for v in _strings(line["rules"])
                    if len(v) >= SPAN_MIN_LENGTH]  # long answers are spans, not copies
        items = load_gold(GOLD / name)
        assert [i.text for i in items] == [standard[c].extraction_text for c in split[part]]
    # dev and heldout gained the `可不设置` rules of 6.5.3, 5.5.24A and 8.1.2 in 1.5.1 (docs/extraction.md)
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-dev.jsonl")) == 182
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout.jsonl")) == 188
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout2.jsonl")) == 124
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout3.jsonl")) == 146
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout4.jsonl")) == 95
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout5.jsonl")) == 99
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout6.jsonl")) == 196
    assert sum(len(i.rules) for i in load_gold(GOLD / "gb50016-heldout7.jsonl")) == 158
    # every held-back part is test data for the fine-tuning set, never trained on
    forced = forced_splits(GOLD)
    assert all(forced[clause_key(split["standard"], c)] == "test"
               for p in ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7")
               for c in split[p])


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_long_gold_answers_are_spans_into_the_text(tmp_path):
    text = "当档案馆设置机械排烟设施和火灾自动报警装置时，阅览室应设置机械排烟设施和火灾自动报警装置。"
    long = "机械排烟设施和火灾自动报警装置"
    assert span_of(long, text) == {"span": [6, 21]} and span_of("不在文中", text) is None
    start = text.rindex(long)
    gold = tmp_path / "g.jsonl"
    gold.write_text(json.dumps({"text": text, "rules": [{
        "object": "阅览室", "attribute": "设置", "operator": "==",
        "value": {"span": [start, start + len(long)]}, "strength": "应",
        "conditions": [{"attribute": {"span": [1, 21]}, "operator": "==", "value": True}]}]},
        ensure_ascii=False) + "\n", encoding="utf-8")
    [item] = load_gold(gold)
    assert item.rules == [ExtractedRule(object="阅览室", attribute="设置", operator="==", value=long, strength="应",
                                        conditions=[Condition(attribute="档案馆设置" + long, operator="==",
                                                              value=True)])]
    for span, why in (([5, 200], f"span [5, 200] 超出条文文本范围（长 {len(text)} 字）"),
                      ([7, 7], "span [7, 7] 超出"), ([1, 2.5], "span 应写作"), ("1-2", "span 应写作")):
        gold.write_text(json.dumps({"text": text, "rules": [{"object": {"span": span}, "attribute": "设置",
                                    "operator": "==", "value": "x", "strength": "应"}]}) + "\n",
                        encoding="utf-8")
        where = re.escape(f"{gold}: 第 1 行 rules[0].object: {why}")
        with pytest.raises(GoldError, match=f"^{where}"):
            load_gold(gold)


def test_gold_without_text_needs_the_standard(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"clause": "1.0.1", "rules": []}\n', encoding="utf-8")
    with pytest.raises(GoldError) as info:
        load_gold(gold)
    assert str(info.value) == f"{gold}: 金标准只有条文编号，请用 --text 指定规范全文"
    text = tmp_path / "std.txt"
    text.write_text("1.0.1 档案室的门的宽度不应小于1.2m。\n", encoding="utf-8")
    assert load_gold(gold, text)[0].text == "1.0.1 档案室的门的宽度不应小于1.2m。"
    gold.write_text('{"clause": "1.0.9", "rules": []}\n', encoding="utf-8")
    with pytest.raises(GoldError, match="第 1 行的条文 1.0.9 不在规范全文中"):
        load_gold(gold, text)


@needs_corpus
def test_eval_extract_on_the_dev_and_held_back_gold():
    runner = CliRunner()
    dev = runner.invoke(app, ["eval", "extract", "--gold", str(GOLD / "gb50016-dev.jsonl"), "-f", "json"])
    assert dev.exit_code == 0, dev.output
    levels = json.loads(dev.stdout)["levels"]
    assert levels["operator+value"]["f1"] >= 0.95 and levels["+object"]["f1"] >= 0.90
    # regression floors just under the figures docs/extraction.md reports (the goal is 0.90 / 0.75);
    # every part has been tuned on since (grammar 1.5.1); heldout6 was scored blind once with 1.5.0
    # (L1 0.835, L3 0.632), its floors are that measurement's, 0.02 under, rounded down
    for name, value_floor, full_floor in (("gb50016-heldout.jsonl", 0.95, 0.88),
                                          ("gb50016-heldout2.jsonl", 0.94, 0.87),
                                          ("gb50016-heldout3.jsonl", 0.94, 0.86),
                                          ("gb50016-heldout4.jsonl", 0.93, 0.87),
                                          ("gb50016-heldout5.jsonl", 0.94, 0.81),
                                          ("gb50016-heldout6.jsonl", 0.81, 0.61),
                                          # scored blind once with 1.5.1: L1 0.877, L3 0.727
                                          ("gb50016-heldout7.jsonl", 0.85, 0.70)):
        held = runner.invoke(app, ["eval", "extract", "--gold", str(GOLD / name), "-f", "json"])
        levels = json.loads(held.stdout)["levels"]
        assert levels["operator+value"]["f1"] >= value_floor and levels["+object"]["f1"] >= full_floor, name
    text = runner.invoke(app, ["eval", "extract", "--gold", str(GOLD / "gb50016-dev.jsonl")])
    first, header = text.stdout.splitlines()[:2]
    assert first.startswith("抽取器 rules ") and first.endswith("：40 条，182 条规则")
    assert header.split() == ["层级", "精确率", "召回率", "F1"]


def test_eval_extract_on_zhouyc98_and_bad_gold(tmp_path):
    runner = CliRunner()
    if ZHOU.exists():
        result = runner.invoke(app, ["eval", "extract", "--gold", str(ZHOU), "-f", "json"])
        assert result.exit_code == 0 and json.loads(result.stdout)["items"] == 488
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "rules": [{"object": "门"}]}\n', encoding="utf-8")
    result = runner.invoke(app, ["eval", "extract", "--gold", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"firecheck: {bad}: 第 1 行 rules[0].attribute: Field required\n"
    empty_dir = tmp_path / "d"
    empty_dir.mkdir()
    result = runner.invoke(app, ["eval", "extract", "--gold", str(empty_dir)])
    assert (result.exit_code, result.stderr) == (
        2, f"firecheck: {empty_dir}: 目录中没有 _sentences_tags.txt（zhouyc98 数据集格式）\n")
