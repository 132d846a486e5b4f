"""Tiny ChatGLM3-shaped checkpoints and tokenizers, built on the spot (no downloads).

Used by the tests (a few seconds on CPU) and by bench/llm_gpu_bench.py (a random ~0.5B model).
The SentencePiece model is trained at call time on a few sentences written for this project
(not text of any standard), with ChatGLM3's settings: BPE, byte fallback, dummy prefix, no
whitespace folding. Weights are random, under ChatGLM3's own key names and config fields.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# Sentences in our own words about the topics the extractor sees; plus the JSON and prompt words.
TRAINING_TEXT = """\
高层办公楼里每个防火分区起码要有两个安全出口。
住宅的户门宽度至少零点九米，楼梯宽度要算出来。
楼高超过二十四米以后，楼梯间得做成封闭式的。
商店装了自动喷水灭火系统，分区面积能翻一倍。
走道最好宽一点四米以上，袋形走道别长过二十米。
消防车道要宽四米、净空四米，坡度最好别超过百分之八。
防火墙要落在结构上，耐火时间至少三个小时。
没有特别说明时，房间的疏散门算出来且最少两个。
照料老人的建筑，耐火等级最低三级。
地下室的楼梯用防烟楼梯间，楼层人数按面积来算。
学校教学楼的走道宽度按每百人来定。
两栋楼之间至少隔六米，外墙是防火墙时可以不限。
请从下面的条文中抽取可检查的规则，只输出 JSON。
根据条文和推理链，用一两句中文解释为什么该构件不符合要求，并注明条文号。
{"rules": [{"object": "户门", "attribute": "净宽度", "operator": ">=", "value": 0.9, "unit": "m",
"strength": "应", "conditions": [{"object": "建筑", "attribute": "使用功能", "operator": "==", "value": "住宅"}]}]}
operator value unit strength conditions object attribute true false null m m2 h min % 人 个
0 1 2 3 4 5 6 7 8 9 . , : ; ( ) [ ] { } < > = ! " ' - _ / \\ + * # @ ? a b c d e f g h i j k l n o p q r s t u v w x y z
"""


def train_sentencepiece(path: Path, vocab_size: int = 640, normalization: str = "identity",
                        text: str = TRAINING_TEXT) -> Path:
    """Train a BPE SentencePiece model like ChatGLM3's (byte fallback, dummy prefix)."""
    import io

    import sentencepiece as spm

    buffer = io.BytesIO()
    lines = [line for line in text.splitlines() if line.strip()] * 4
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buffer, model_type="bpe",
        vocab_size=vocab_size, character_coverage=1.0, byte_fallback=True,
        add_dummy_prefix=True, remove_extra_whitespaces=normalization != "identity",
        normalization_rule_name=normalization, split_digits=True,
        unk_id=0, bos_id=1, eos_id=2, pad_id=-1, hard_vocab_limit=False,
        minloglevel=2, num_threads=1,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())
    return path


def chatglm3_config(n_pieces: int, hidden: int = 64, layers: int = 2, heads: int = 4,
                    kv_heads: int = 2, ffn: int = 96, seq_length: int = 512,
                    rope_ratio: float | None = None, padded_vocab: int | None = None) -> dict[str, Any]:
    """A config.json with ChatGLM3's fields (the real 6B: hidden 4096, 28 layers, 32 heads,
    2 groups, ffn 13696, kv_channels 128, padded vocab 65024)."""
    padded = padded_vocab or ((n_pieces + 9 + 63) // 64) * 64
    config = {
        "_name_or_path": "tiny-chatglm3", "model_type": "chatglm",
        "architectures": ["ChatGLMModel"],
        "add_bias_linear": False, "add_qkv_bias": True,
        "apply_query_key_layer_scaling": True, "apply_residual_connection_post_layernorm": False,
        "attention_dropout": 0.0, "attention_softmax_in_fp32": True, "bias_dropout_fusion": True,
        "ffn_hidden_size": ffn, "fp32_residual_connection": False, "hidden_dropout": 0.0,
        "hidden_size": hidden, "kv_channels": hidden // heads, "layernorm_epsilon": 1e-5,
        "multi_query_attention": True, "multi_query_group_num": kv_heads,
        "num_attention_heads": heads, "num_layers": layers, "original_rope": True,
        "padded_vocab_size": padded, "post_layer_norm": True, "rmsnorm": True,
        "seq_length": seq_length, "use_cache": True, "torch_dtype": "float32",
        "tie_word_embeddings": False, "eos_token_id": 2, "pad_token_id": 0,
    }
    if rope_ratio is not None:
        config["rope_ratio"] = rope_ratio
    return config


def random_chatglm3_state(config: dict[str, Any], seed: int = 0, std: float = 0.2):
    """Random weights under ChatGLM3's key names (float32)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    hidden, ffn = config["hidden_size"], config["ffn_hidden_size"]
    heads, head_dim = config["num_attention_heads"], config["kv_channels"]
    groups = config["multi_query_group_num"]
    qkv = heads * head_dim + 2 * groups * head_dim

    def rnd(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=g) * std

    def norm() -> torch.Tensor:
        return 1.0 + 0.1 * torch.randn(hidden, generator=g)

    state = {
        "transformer.embedding.word_embeddings.weight": rnd(config["padded_vocab_size"], hidden),
        "transformer.rotary_pos_emb.inv_freq": 1.0 / (10000 ** (torch.arange(0, head_dim // 2, 2).float() / (head_dim // 2))),
    }
    for n in range(config["num_layers"]):
        p = f"transformer.encoder.layers.{n}."
        state[p + "input_layernorm.weight"] = norm()
        state[p + "self_attention.query_key_value.weight"] = rnd(qkv, hidden)
        state[p + "self_attention.query_key_value.bias"] = rnd(qkv)
        state[p + "self_attention.dense.weight"] = rnd(hidden, heads * head_dim)
        state[p + "post_attention_layernorm.weight"] = norm()
        state[p + "mlp.dense_h_to_4h.weight"] = rnd(2 * ffn, hidden)
        state[p + "mlp.dense_4h_to_h.weight"] = rnd(hidden, ffn)
    state["transformer.encoder.final_layernorm.weight"] = norm()
    state["transformer.output_layer.weight"] = rnd(config["padded_vocab_size"], hidden)
    return state


def write_chatglm3_checkpoint(directory: Path, sp_model: Path, config: dict[str, Any], state,
                              shards: int = 2, fmt: str = "safetensors") -> Path:
    """Write a checkpoint in ChatGLM3's Hugging Face layout: config.json, tokenizer.model and
    `shards` weight files with an index (model-0000i-of-0000n.safetensors, or
    pytorch_model-0000i-of-0000n.bin)."""
    import shutil

    import torch
    from safetensors.torch import save_file

    directory.mkdir(parents=True, exist_ok=True)
    (directory / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    shutil.copy(sp_model, directory / "tokenizer.model")
    keys = list(state)
    per = -(-len(keys) // shards)
    weight_map = {}
    total = 0
    for i in range(shards):
        part = {k: state[k].contiguous() for k in keys[i * per:(i + 1) * per]}
        if fmt == "safetensors":
            name = f"model-{i + 1:05d}-of-{shards:05d}.safetensors"
            save_file(part, str(directory / name), metadata={"format": "pt"})
        else:
            name = f"pytorch_model-{i + 1:05d}-of-{shards:05d}.bin"
            torch.save(part, directory / name)
        for k, t in part.items():
            weight_map[k] = name
            total += t.numel() * t.element_size()
    index = "model.safetensors.index.json" if fmt == "safetensors" else "pytorch_model.bin.index.json"
    (directory / index).write_text(json.dumps({"metadata": {"total_size": total},
                                               "weight_map": weight_map}, indent=2), encoding="utf-8")
    return directory


def make_tiny_glm(directory: Path, seed: int = 0, **config_overrides: Any) -> Path:
    """A converted tiny `GlmForCausalLM` with its tokenizer, ready for `from_pretrained`:
    sentencepiece trained here → ChatGLM3-layout checkpoint → `convert_checkpoint`."""
    from .convert import convert_checkpoint

    sp = train_sentencepiece(directory / "sp" / "tokenizer.model")
    import sentencepiece as spm

    n_pieces = spm.SentencePieceProcessor(model_file=str(sp)).get_piece_size()
    config = chatglm3_config(n_pieces, **config_overrides)
    source = write_chatglm3_checkpoint(directory / "chatglm3", sp, config,
                                       random_chatglm3_state(config, seed=seed))
    convert_checkpoint(source, directory / "glm")
    return directory / "glm"
