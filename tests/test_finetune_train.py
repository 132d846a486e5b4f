"""LoRA training on a tiny GlmForCausalLM (converted from a random ChatGLM3-shaped checkpoint,
tokenizer trained at test time): the loss falls, the saved adapter reloads to the same logits,
merging gives the same logits without peft, a resumed run equals an uninterrupted one, and bad
options are refused naming the option."""

from __future__ import annotations

import json
from dataclasses import fields
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("peft")

from peft import PeftModel  # noqa: E402
from safetensors.torch import load_file  # noqa: E402
from transformers import AutoModelForCausalLM  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from finetune.cli import finetune_app  # noqa: E402
from finetune.tiny import make_tiny_glm  # noqa: E402

torch.set_num_threads(1)  # tiny models: one thread is fastest, and fair to a shared machine
# peft asks transformers 5 for `is_gradient_checkpointing`, which warns of its rename.
pytestmark = pytest.mark.filterwarnings("ignore:.*is_gradient_checkpointing.*:FutureWarning")
from finetune.train import (  # noqa: E402
    ArgumentError, LoraArguments, TrainingArguments, load_sft_records, merge_adapter, option_name, train,
)

ANSWERS = {
    "户门的净宽度不小于0.9m。": '{"rules": [{"object": "户门", "attribute": "净宽度", "operator": ">=", "value": 0.9, "unit": "m", "strength": "应"}]}',
    "袋形走道的长度不应超过20m。": '{"rules": [{"object": "袋形走道", "attribute": "长度", "operator": "<=", "value": 20, "unit": "m", "strength": "应"}]}',
    "本规范适用于民用建筑。": '{"rules": []}',
    "消防车道的坡度不宜大于8%。": '{"rules": [{"object": "消防车道", "attribute": "坡度", "operator": "<=", "value": 8, "unit": "%", "strength": "宜"}]}',
}


def _row(text: str) -> dict:
    return {"system": "抽取规则，只输出 JSON。", "instruction": "抽取：", "input": text, "output": ANSWERS[text]}


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    return make_tiny_glm(tmp_path_factory.mktemp("tiny"), seed=3)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("sft")
    texts = list(ANSWERS)
    (root / "train.jsonl").write_text("".join(json.dumps(_row(t), ensure_ascii=False) + "\n" for t in texts[:3]),
                                      encoding="utf-8")
    (root / "validation.jsonl").write_text(json.dumps(_row(texts[3]), ensure_ascii=False) + "\n", encoding="utf-8")
    return root


def _args(model_dir: Path, data_dir: Path, out: Path, **kw) -> TrainingArguments:
    base = dict(model=str(model_dir), dataset=str(data_dir), output_dir=str(out), max_steps=6, batch_size=3,
                gradient_accumulation=1, learning_rate=1e-2, warmup_ratio=0.0, save_steps=0, seed=5)
    return TrainingArguments(**{**base, **kw})


def _logits(model, ids):
    model.eval()
    with torch.no_grad():
        return model(input_ids=ids).logits


@pytest.fixture(scope="module")
def trained(model_dir, data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("run")
    result = train(_args(model_dir, data_dir, out, max_steps=12), LoraArguments(lora_rank=4, lora_dropout=0.0),
                   show_progress=False)
    return result


def test_a_few_lora_steps_lower_the_loss(trained):
    assert trained.steps == 12 and trained.examples == 3 and trained.skipped == 0
    assert trained.losses[-1] < 0.7 * trained.losses[0], trained.losses
    assert trained.eval_loss is not None  # validation.jsonl was read
    out = Path(trained.output_dir)
    assert (out / "adapter_model.safetensors").exists() and (out / "adapter_config.json").exists()
    log = [json.loads(line) for line in (out / "train_log.jsonl").read_text().splitlines()]
    assert [e["step"] for e in log] == list(range(1, 13))
    assert json.loads((out / "train_result.json").read_text())["last_loss"] == trained.losses[-1]


def test_saved_adapter_reloads_with_identical_logits_and_merges(trained, model_dir, tmp_path):
    ids = torch.tensor([[5, 17, 300, 41, 99, 7, 250]])
    expected = _logits(trained.model, ids)
    base = AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32)
    assert not torch.allclose(_logits(base, ids), expected)  # training changed something
    reloaded = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(model_dir, dtype=torch.float32),
                                         trained.output_dir)
    assert torch.equal(_logits(reloaded, ids), expected)
    merged_dir = merge_adapter(str(model_dir), trained.output_dir, str(tmp_path / "merged"))
    assert not (merged_dir / "adapter_config.json").exists()
    merged = AutoModelForCausalLM.from_pretrained(merged_dir, dtype=torch.float32)
    assert type(merged).__name__ == "GlmForCausalLM"
    torch.testing.assert_close(_logits(merged, ids), expected, atol=1e-5, rtol=1e-5)


def test_resumed_run_equals_an_uninterrupted_one(model_dir, data_dir, tmp_path):
    lora = LoraArguments(lora_rank=4, lora_dropout=0.1)  # dropout: the RNG state must be restored too
    kw = dict(max_steps=4, save_steps=2, batch_size=2, gradient_accumulation=2)
    straight = train(_args(model_dir, data_dir, tmp_path / "a", **kw), lora, show_progress=False)

    class Crash(Exception):
        pass

    def crash_at_2(step: int, loss: float) -> None:
        if step == 2:
            raise Crash

    with pytest.raises(Crash):
        train(_args(model_dir, data_dir, tmp_path / "b", **kw), lora, show_progress=False, on_step=crash_at_2)
    assert (tmp_path / "b" / "checkpoint-2" / "trainer_state.pt").exists()
    resumed = train(_args(model_dir, data_dir, tmp_path / "b", resume="auto", **kw), lora, show_progress=False)
    assert resumed.losses == straight.losses
    a = load_file(str(tmp_path / "a" / "adapter_model.safetensors"))
    b = load_file(str(tmp_path / "b" / "adapter_model.safetensors"))
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize(("change", "option"), [
    ({"lora_rank": 0}, "--lora-rank"), ({"lora_dropout": 1.0}, "--lora-dropout"),
    ({"lora_alpha": -1}, "--lora-alpha"), ({"lora_target": "lm_head"}, "--lora-target"),
    ({"learning_rate": 0}, "--learning-rate"), ({"warmup_ratio": 1.0}, "--warmup-ratio"),
    ({"cutoff_len": 4}, "--cutoff-len"), ({"dtype": "fp8"}, "--dtype"), ({"batch_size": 0}, "--batch-size"),
    ({"gradient_accumulation": 0}, "--gradient-accumulation"), ({"num_epochs": 0, "max_steps": 0}, "--num-epochs"),
    ({"model": "/nonexistent"}, "--model"), ({"dataset": "/nonexistent"}, "--dataset"),
    ({"resume": "/nonexistent"}, "--resume"), ({"lora_target": "no_such_proj"}, "--lora-target"),
    ({"cutoff_len": 8}, "--dataset"),  # every example longer than the cutoff: nothing to train on
])
def test_bad_options_are_refused_naming_the_option(model_dir, data_dir, tmp_path, change, option):
    lora_names = {f.name for f in fields(LoraArguments)}
    args = _args(model_dir, data_dir, tmp_path, **{k: v for k, v in change.items() if k not in lora_names})
    lora = LoraArguments(**{k: v for k, v in change.items() if k in lora_names})
    with pytest.raises(ArgumentError) as raised:
        train(args, lora, show_progress=False)
    assert raised.value.option == option and str(raised.value).startswith(option)


def test_cli_train_help_and_run(model_dir, data_dir, tmp_path):
    runner = CliRunner()
    help_text = runner.invoke(finetune_app, ["train", "--help"], env={"COLUMNS": "250"}).output
    for cls in (TrainingArguments, LoraArguments):
        for f in fields(cls):
            assert option_name(f.name) in help_text and f.metadata["help"][:6] in help_text
    bad = runner.invoke(finetune_app, ["train", "--model", str(model_dir), "--dataset", str(data_dir),
                                       "--lora-dropout", "2"])
    assert bad.exit_code == 2 and "--lora-dropout" in bad.output
    ok = runner.invoke(finetune_app, ["train", "--model", str(model_dir), "--dataset", str(data_dir),
                                      "--output-dir", str(tmp_path / "cli"), "--max-steps", "2",
                                      "--batch-size", "3", "--gradient-accumulation", "1",
                                      "--no-gradient-checkpointing", "--merge-to", str(tmp_path / "merged")])
    assert ok.exit_code == 0, ok.output
    assert "训练完成：2 步" in ok.output and (tmp_path / "merged" / "config.json").exists()


def test_alpaca_sharegpt_and_jsonl_give_the_same_records(tmp_path, data_dir):
    rows = [json.loads(line) for line in (data_dir / "train.jsonl").read_text().splitlines()]
    (tmp_path / "a.json").write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    sharegpt = [{"system": r["system"], "conversations": [
        {"from": "human", "value": f"{r['instruction']}\n{r['input']}"}, {"from": "gpt", "value": r["output"]}]}
        for r in rows]
    (tmp_path / "s.json").write_text(json.dumps(sharegpt, ensure_ascii=False), encoding="utf-8")
    expected = load_sft_records(data_dir)
    assert load_sft_records(tmp_path / "a.json") == expected == load_sft_records(tmp_path / "s.json")
    assert expected[0]["messages"][0] == {"role": "system", "content": rows[0]["system"]}
