"""ChatGLM3 → GlmForCausalLM conversion, on tiny ChatGLM3-shaped checkpoints built here: random
weights under ChatGLM3's key names and config fields, and a SentencePiece model trained now on a
few sentences. The converted model must give the logits of a forward pass written from
ChatGLM3's architecture (finetune/reference.py), and its tokenizer ChatGLM3's ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")
spm = pytest.importorskip("sentencepiece")

from safetensors.torch import load_file  # noqa: E402
from transformers import AutoModelForCausalLM, AutoTokenizer  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from finetune.chatglm3 import IGNORE_INDEX, SPECIAL_TOKENS, ChatFormat, special_token_ids  # noqa: E402
from finetune.cli import finetune_app  # noqa: E402
from finetune.convert import ConversionError, convert_checkpoint  # noqa: E402
from finetune.reference import reference_logits  # noqa: E402
from finetune.tiny import (  # noqa: E402
    chatglm3_config, random_chatglm3_state, train_sentencepiece, write_chatglm3_checkpoint,
)

torch.set_num_threads(1)  # tiny models: one thread is fastest, and fair to a shared machine

TEXTS = [
    "你好", "\n", "建筑高度大于24m时，楼梯间应封闭。", "  两个  空格 ", "abc  def\n\nxyz",
    "硼砷😀 ㎡", '{"rules": []}', "0.90m", "户门的净宽度不小于0.9m", "", "\t制表符", "ＡＢＣ１２３",
]


@pytest.fixture(scope="module")
def sp_model(tmp_path_factory) -> Path:
    return train_sentencepiece(tmp_path_factory.mktemp("sp") / "tokenizer.model")


def _checkpoint(root: Path, sp_model: Path, fmt: str = "safetensors", **config_kw):
    n_pieces = spm.SentencePieceProcessor(model_file=str(sp_model)).get_piece_size()
    config = chatglm3_config(n_pieces, **config_kw)
    state = random_chatglm3_state(config, seed=7)
    write_chatglm3_checkpoint(root / "chatglm3", sp_model, config, state, shards=3, fmt=fmt)
    return root / "chatglm3", config, state


def _reference_prompt(sp, messages) -> list[int]:
    """ChatGLM3's build_chat_input, straight from the SentencePiece model: specials numbered
    after the pieces, each text piece encoded on its own."""
    special = {t: sp.get_piece_size() + i for i, t in enumerate(SPECIAL_TOKENS)}
    ids = [special["[gMASK]"], special["sop"]]
    for m in messages:
        ids += [special[f"<|{m['role']}|>"], *sp.encode(f"{m.get('metadata', '')}\n"), *sp.encode(m["content"])]
    return ids + [special["<|assistant|>"]]


def test_converted_model_gives_the_reference_logits(tmp_path, sp_model):
    src, config, state = _checkpoint(tmp_path, sp_model)
    convert_checkpoint(src, tmp_path / "glm")
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "glm", dtype=torch.float32)
    assert type(model).__name__ == "GlmForCausalLM"
    saved = json.loads((tmp_path / "glm" / "config.json").read_text())
    assert saved["model_type"] == "glm" and "auto_map" not in saved  # no remote code
    ids = torch.randint(0, config["padded_vocab_size"], (2, 23), generator=torch.Generator().manual_seed(1))
    torch.testing.assert_close(model(ids).logits, reference_logits(state, config, ids), atol=2e-5, rtol=1e-5)
    # The shards hold q/k/v split from the fused projection, and nothing of ChatGLM3's names.
    converted = {}
    for shard in (tmp_path / "glm").glob("*.safetensors"):
        converted.update(load_file(str(shard)))
    qkv = state["transformer.encoder.layers.1.self_attention.query_key_value.weight"]
    parts = [converted[f"model.layers.1.self_attn.{p}_proj.weight"] for p in "qkv"]
    assert torch.equal(torch.cat(parts), qkv)
    assert not any(k.startswith("transformer.") for k in converted)


def test_bin_shards_and_rope_ratio_convert_too(tmp_path, sp_model):
    """ChatGLM3-6B also ships pytorch_model-*.bin; the 32k variant scales rope by rope_ratio."""
    src, config, state = _checkpoint(tmp_path, sp_model, fmt="bin", rope_ratio=50.0, kv_heads=1)
    convert_checkpoint(src, tmp_path / "glm", dtype="float32")
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "glm", dtype=torch.float32)
    ids = torch.randint(0, config["padded_vocab_size"], (1, 40), generator=torch.Generator().manual_seed(2))
    torch.testing.assert_close(model(ids).logits, reference_logits(state, config, ids), atol=2e-5, rtol=1e-5)


@pytest.mark.parametrize("normalization", ["identity", "nmt_nfkc"])
def test_tokenizer_gives_chatglm3_ids(tmp_path, normalization):
    sp_path = train_sentencepiece(tmp_path / "tokenizer.model", normalization=normalization)
    sp = spm.SentencePieceProcessor(model_file=str(sp_path))
    src, _, _ = _checkpoint(tmp_path, sp_path, layers=1)
    convert_checkpoint(src, tmp_path / "glm")
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "glm")
    for text in TEXTS:
        assert tokenizer.encode(text, add_special_tokens=False) == sp.encode(text), repr(text)
    n = sp.get_piece_size()
    assert {t: tokenizer.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS} == special_token_ids(n)
    messages = [{"role": "system", "content": "只输出 JSON。"},
                {"role": "user", "content": "户门净宽度不小于0.9m"},
                {"role": "assistant", "content": '{"rules": []}'},
                {"role": "observation", "content": "ok", "metadata": "tool"},
                {"role": "user", "content": "\n多行\n文本 "}]
    chat = ChatFormat(tokenizer)
    assert chat.prompt(messages) == _reference_prompt(sp, messages)
    assert chat.stop_ids == [2, n + 6, n + 8]
    assert tokenizer.decode(tokenizer.encode("建筑高度 24m\n好", add_special_tokens=False)) == \
        sp.decode(sp.encode("建筑高度 24m\n好"))


def test_real_chatglm3_numbering():
    ids = special_token_ids()
    assert ids["[MASK]"] == 64789 and ids["[gMASK]"] == 64790 and ids["sop"] == 64792
    assert ids["<|system|>"] == 64794 and ids["<|user|>"] == 64795
    assert ids["<|assistant|>"] == 64796 and ids["<|observation|>"] == 64797


def test_sft_example_masks_the_prompt(tmp_path, sp_model):
    src, _, _ = _checkpoint(tmp_path, sp_model, layers=1)
    convert_checkpoint(src, tmp_path / "glm")
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "glm")
    sp = spm.SentencePieceProcessor(model_file=str(sp_model))
    chat = ChatFormat(tokenizer)
    messages = [{"role": "user", "content": "抽取"}]
    example = chat.sft_example(messages, '{"rules": []}')
    prompt = _reference_prompt(sp, messages)
    answer = sp.encode("\n") + sp.encode('{"rules": []}') + [2]
    assert example["input_ids"] == prompt + answer
    assert example["labels"] == [IGNORE_INDEX] * len(prompt) + answer
    assert chat.sft_example(messages, '{"rules": []}', cutoff_len=len(prompt)) is None


def test_unsupported_or_broken_checkpoints_are_refused(tmp_path, sp_model):
    src, config, _ = _checkpoint(tmp_path, sp_model, layers=1)
    (src / "config.json").write_text(json.dumps({**config, "rmsnorm": False}))
    with pytest.raises(ConversionError, match="rmsnorm"):
        convert_checkpoint(src, tmp_path / "out")
    (src / "config.json").write_text(json.dumps(config))
    (src / "tokenizer.model").unlink()
    with pytest.raises(ConversionError, match="tokenizer.model"):
        convert_checkpoint(src, tmp_path / "out")


def test_cli_convert(tmp_path, sp_model):
    src, _, _ = _checkpoint(tmp_path, sp_model, layers=1)
    result = CliRunner().invoke(finetune_app, ["convert", str(src), str(tmp_path / "glm")])
    assert result.exit_code == 0, result.output
    assert "[gMASK]=" in result.output and (tmp_path / "glm" / "tokenizer.json").exists()
    missing = CliRunner().invoke(finetune_app, ["convert", str(tmp_path / "nope"), str(tmp_path / "x")])
    assert missing.exit_code == 2 and "config.json" in missing.output
