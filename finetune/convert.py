"""Convert a ChatGLM3-6B checkpoint (Hugging Face layout, remote code) into transformers' native
`GlmForCausalLM`, with a fast tokenizer that gives ChatGLM3's ids. No `trust_remote_code`.

Why: THUDM's own modeling/tokenizer code only works on transformers 4.40–4.41 (see
docs/llm.md); the architecture is exactly `GlmForCausalLM` (model_type `glm`, transformers
≥ 4.46) once the fused query/key/value projection is split and the keys are renamed.

The conversion streams one shard at a time (the 6B model is 12 GB in fp16), writing one output
shard per input shard plus an index, so it needs about one shard of memory.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .chatglm3 import CHAT_TEMPLATE, EOS_ID, SPECIAL_TOKENS, special_token_ids


class ConversionError(ValueError):
    """A checkpoint that cannot be converted; the message names the file or config field."""


# --- config ----------------------------------------------------------------------------------

# Features of ChatGLM's code that GlmForCausalLM does not have: (field, value that GLM needs).
_REQUIRED = {
    "rmsnorm": True,
    "post_layer_norm": True,
    "apply_residual_connection_post_layernorm": False,
    "add_bias_linear": False,
}


def read_chatglm_config(src: Path) -> dict[str, Any]:
    path = src / "config.json"
    try:
        config = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConversionError(f"{path}: 文件不存在（需要 ChatGLM3 的 Hugging Face 目录）") from None
    except (OSError, json.JSONDecodeError) as exc:
        raise ConversionError(f"{path}: 无法读取：{exc}") from None
    if config.get("model_type") not in ("chatglm", None):
        raise ConversionError(f"{path}: model_type 为 {config.get('model_type')!r}，不是 chatglm")
    for key in ("hidden_size", "num_layers", "num_attention_heads", "ffn_hidden_size", "padded_vocab_size"):
        if key not in config:
            raise ConversionError(f"{path}: 缺少字段 {key}")
    for key, wanted in _REQUIRED.items():
        if key in config and bool(config[key]) != wanted:
            raise ConversionError(f"{path}: {key}={config[key]!r}，GlmForCausalLM 只支持 {wanted}")
    return config


def attention_shape(config: dict[str, Any]) -> tuple[int, int, int]:
    """(query heads, key/value heads, head dim) of a ChatGLM config."""
    heads = int(config["num_attention_heads"])
    head_dim = int(config.get("kv_channels") or config["hidden_size"] // heads)
    kv_heads = int(config["multi_query_group_num"]) if config.get("multi_query_attention") else heads
    return heads, kv_heads, head_dim


def glm_config_kwargs(config: dict[str, Any], stop_ids: list[int]) -> dict[str, Any]:
    """The GlmConfig arguments for a ChatGLM config (the map in docs/llm.md)."""
    heads, kv_heads, head_dim = attention_shape(config)
    return {
        "vocab_size": int(config["padded_vocab_size"]),
        "hidden_size": int(config["hidden_size"]),
        "intermediate_size": int(config["ffn_hidden_size"]),
        "num_hidden_layers": int(config["num_layers"]),
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "head_dim": head_dim,
        "hidden_act": "silu",
        "attention_dropout": float(config.get("attention_dropout", 0.0)),
        "max_position_embeddings": int(config.get("seq_length", 8192)),
        "rms_norm_eps": float(config.get("layernorm_epsilon", 1e-5)),
        "attention_bias": bool(config.get("add_qkv_bias", True)),
        "tie_word_embeddings": False,
        "pad_token_id": int(config.get("pad_token_id", 0) or 0),
        "eos_token_id": stop_ids,
        "bos_token_id": None,
        "rope_theta": 10000.0 * float(config.get("rope_ratio", 1)),
        "partial_rotary_factor": 0.5,
    }


def make_glm_config(kwargs: dict[str, Any]):
    """A GlmConfig on both transformers 4.x (rope_theta, partial_rotary_factor) and 5.x
    (rope_parameters)."""
    import inspect

    from transformers import GlmConfig

    kwargs = dict(kwargs)
    if "rope_parameters" in inspect.signature(GlmConfig.__init__).parameters:
        kwargs["rope_parameters"] = {
            "rope_type": "default",
            "rope_theta": kwargs.pop("rope_theta"),
            "partial_rotary_factor": kwargs.pop("partial_rotary_factor"),
        }
    return GlmConfig(**kwargs)


# --- weights ---------------------------------------------------------------------------------

_LAYER = re.compile(r"^transformer\.encoder\.layers\.(\d+)\.(.+)$")
_LAYER_MAP = {
    "input_layernorm.weight": "input_layernorm.weight",
    "post_attention_layernorm.weight": "post_attention_layernorm.weight",
    "self_attention.dense.weight": "self_attn.o_proj.weight",
    "mlp.dense_h_to_4h.weight": "mlp.gate_up_proj.weight",
    "mlp.dense_4h_to_h.weight": "mlp.down_proj.weight",
}
_TOP_MAP = {
    "transformer.embedding.word_embeddings.weight": "model.embed_tokens.weight",
    "transformer.encoder.final_layernorm.weight": "model.norm.weight",
    "transformer.output_layer.weight": "lm_head.weight",
}
_DROPPED = {"transformer.rotary_pos_emb.inv_freq"}


def convert_tensors(tensors: dict[str, Any], config: dict[str, Any], dtype=None) -> dict[str, Any]:
    """ChatGLM3 key → GlmForCausalLM key; the fused query_key_value is split by rows into
    q/k/v (weight and bias). Unknown keys are an error (nothing is dropped silently)."""
    heads, kv_heads, head_dim = attention_shape(config)
    sizes = [heads * head_dim, kv_heads * head_dim, kv_heads * head_dim]
    out: dict[str, Any] = {}
    for name, tensor in tensors.items():
        if name in _DROPPED:
            continue
        if dtype is not None and tensor.is_floating_point():
            tensor = tensor.to(dtype)
        if name in _TOP_MAP:
            out[_TOP_MAP[name]] = tensor.contiguous()
            continue
        match = _LAYER.match(name)
        if not match:
            raise ConversionError(f"未知的权重 {name}（不是 ChatGLM3 的键名）")
        layer, rest = match.groups()
        prefix = f"model.layers.{layer}."
        if rest in _LAYER_MAP:
            out[prefix + _LAYER_MAP[rest]] = tensor.contiguous()
        elif rest in ("self_attention.query_key_value.weight", "self_attention.query_key_value.bias"):
            kind = rest.rsplit(".", 1)[1]
            if tensor.shape[0] != sum(sizes):
                raise ConversionError(f"{name}: {tensor.shape[0]} 行，按配置应为 {sum(sizes)}")
            for proj, part in zip(("q_proj", "k_proj", "v_proj"), tensor.split(sizes, dim=0)):
                out[f"{prefix}self_attn.{proj}.{kind}"] = part.clone().contiguous()
        else:
            raise ConversionError(f"未知的权重 {name}")
    return out


def _shard_files(src: Path) -> list[Path]:
    for index_name, single in (("model.safetensors.index.json", "model.safetensors"),
                               ("pytorch_model.bin.index.json", "pytorch_model.bin")):
        index = src / index_name
        if index.exists():
            weight_map = json.loads(index.read_text(encoding="utf-8"))["weight_map"]
            return [src / name for name in dict.fromkeys(weight_map.values())]
        if (src / single).exists():
            return [src / single]
    found = sorted(src.glob("*.safetensors")) or sorted(src.glob("pytorch_model*.bin"))
    if not found:
        raise ConversionError(f"{src}: 没有找到权重文件（*.safetensors 或 pytorch_model*.bin）")
    return found


def iter_shards(src: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """Each weight shard of a checkpoint directory as (path, {key: tensor}), one at a time."""
    import torch
    from safetensors.torch import load_file

    for path in _shard_files(src):
        if not path.exists():
            raise ConversionError(f"{path}: 索引中列出的分片不存在")
        if path.suffix == ".safetensors":
            yield path, load_file(str(path))
        else:
            yield path, torch.load(str(path), map_location="cpu", weights_only=True, mmap=True)


# --- tokenizer -------------------------------------------------------------------------------


def build_fast_tokenizer(sp_model: Path):
    """A `tokenizers.Tokenizer` that encodes like ChatGLM3's SentencePiece model, with the nine
    chat specials appended (ids n_pieces … n_pieces+8, as ChatGLM3 numbers them)."""
    from sentencepiece import sentencepiece_model_pb2 as model_pb2
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers
    from tokenizers.models import BPE, Unigram

    proto = model_pb2.ModelProto()
    try:
        proto.ParseFromString(sp_model.read_bytes())
    except FileNotFoundError:
        raise ConversionError(f"{sp_model}: 文件不存在") from None
    except Exception as exc:  # protobuf's DecodeError
        raise ConversionError(f"{sp_model}: 不是 SentencePiece 模型：{exc}") from None
    trainer, norm = proto.trainer_spec, proto.normalizer_spec
    pieces = [(p.piece, p.score, p.type) for p in proto.pieces]
    if any(kind == 4 for _, _, kind in pieces):  # USER_DEFINED: ChatGLM3 has none
        raise ConversionError(f"{sp_model}: 含用户自定义词元，暂不支持")
    unk_piece = pieces[trainer.unk_id][0]
    model_type = trainer.model_type  # 1 UNIGRAM, 2 BPE
    if model_type == 2:
        vocab = {piece: index for index, (piece, _, _) in enumerate(pieces)}
        normal = {piece: (score, index) for index, (piece, score, kind) in enumerate(pieces) if kind == 1}
        ranked = []
        for piece, (score, index) in normal.items():
            for split in range(1, len(piece)):
                left, right = piece[:split], piece[split:]
                if left in normal and right in normal:
                    ranked.append((-score, index, left, right))
        merges = [(left, right) for _, _, left, right in sorted(ranked)]
        model = BPE(vocab=vocab, merges=merges, unk_token=unk_piece, fuse_unk=True,
                    byte_fallback=trainer.byte_fallback)
    elif model_type == 1:
        model = Unigram([(piece, score) for piece, score, _ in pieces], unk_id=trainer.unk_id,
                        byte_fallback=trainer.byte_fallback)
    else:
        raise ConversionError(f"{sp_model}: 不支持的 SentencePiece 模型类型 {model_type}")
    tokenizer = Tokenizer(model)

    # SentencePiece's normaliser, in its order; applied to each run of text between specials,
    # which matches ChatGLM3 encoding every piece of a message on its own.
    steps = []
    if norm.precompiled_charsmap:
        steps.append(normalizers.Precompiled(norm.precompiled_charsmap))
    if norm.remove_extra_whitespaces:
        steps += [normalizers.Replace(Regex(r"\A +| +\z"), ""), normalizers.Replace(Regex(" {2,}"), " ")]
    if norm.add_dummy_prefix:
        steps.append(normalizers.Prepend(" "))
    if norm.escape_whitespaces:
        steps.append(normalizers.Replace(" ", "▁"))
    tokenizer.normalizer = normalizers.Sequence(steps)
    dec = [decoders.Replace("▁", " ")]
    if trainer.byte_fallback:
        dec.append(decoders.ByteFallback())
    dec.append(decoders.Fuse())
    if norm.add_dummy_prefix:
        dec.append(decoders.Strip(content=" ", left=1))
    tokenizer.decoder = decoders.Sequence(dec)

    n_pieces = len(pieces)
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in SPECIAL_TOKENS])
    expected = special_token_ids(n_pieces)
    for token, token_id in expected.items():
        if tokenizer.token_to_id(token) != token_id:
            raise ConversionError(f"{sp_model}: 特殊词元 {token} 的 id 应为 {token_id}")
    return tokenizer, n_pieces


def wrap_tokenizer(tokenizer):
    """The `PreTrainedTokenizerFast` saved with a converted model."""
    from transformers import PreTrainedTokenizerFast

    return PreTrainedTokenizerFast(
        tokenizer_object=tokenizer,
        unk_token="<unk>", eos_token="</s>", pad_token="<unk>",
        additional_special_tokens=list(SPECIAL_TOKENS),
        padding_side="left", clean_up_tokenization_spaces=False,
        model_input_names=["input_ids", "attention_mask"],
        chat_template=CHAT_TEMPLATE,
    )


# --- the whole checkpoint --------------------------------------------------------------------


@dataclass
class ConversionReport:
    tensors: int = 0
    parameters: int = 0
    shards: list[str] = field(default_factory=list)
    vocab_pieces: int = 0
    special_ids: dict[str, int] = field(default_factory=dict)


def convert_checkpoint(src: Path, dst: Path, dtype: str | None = None,
                       progress=None) -> ConversionReport:
    """Write `dst`: config.json, generation_config.json, model-*.safetensors (+ index),
    tokenizer.json and tokenizer_config.json. `dtype` (float16/bfloat16/float32) casts the
    weights; by default they keep the checkpoint's own type."""
    import torch
    from safetensors.torch import save_file
    from transformers import GenerationConfig

    src, dst = Path(src), Path(dst)
    config = read_chatglm_config(src)
    torch_dtype = None
    if dtype is not None:
        if dtype not in ("float16", "bfloat16", "float32"):
            raise ConversionError(f"--dtype {dtype}: 应为 float16、bfloat16 或 float32")
        torch_dtype = getattr(torch, dtype)
    tokenizer, n_pieces = build_fast_tokenizer(src / "tokenizer.model")
    specials = special_token_ids(n_pieces)
    if n_pieces + len(SPECIAL_TOKENS) > int(config["padded_vocab_size"]):
        raise ConversionError(f"{src}/config.json: padded_vocab_size 小于词表 {n_pieces}+9")
    stop_ids = [EOS_ID, specials["<|user|>"], specials["<|observation|>"]]

    dst.mkdir(parents=True, exist_ok=True)
    report = ConversionReport(vocab_pieces=n_pieces, special_ids=specials)
    shards = _shard_files(src)
    weight_map: dict[str, str] = {}
    total_size = 0
    seen_dtype = None
    for number, (path, tensors) in enumerate(iter_shards(src), start=1):
        converted = convert_tensors(tensors, config, torch_dtype)
        del tensors
        name = f"model-{number:05d}-of-{len(shards):05d}.safetensors"
        save_file(converted, str(dst / name), metadata={"format": "pt"})
        for key, tensor in converted.items():
            weight_map[key] = name
            total_size += tensor.numel() * tensor.element_size()
            report.parameters += tensor.numel()
            seen_dtype = seen_dtype or tensor.dtype
        report.tensors += len(converted)
        report.shards.append(name)
        if progress:
            progress(path.name, name)
        del converted  # refcounting frees the shard before the next is read
    _check_complete(weight_map, config)
    (dst / "model.safetensors.index.json").write_text(json.dumps(
        {"metadata": {"total_size": total_size}, "weight_map": dict(sorted(weight_map.items()))},
        indent=2), encoding="utf-8")

    kwargs = glm_config_kwargs(config, stop_ids)
    kwargs["dtype"] = str(seen_dtype).removeprefix("torch.") if seen_dtype else "float16"
    glm = make_glm_config(kwargs)
    glm.architectures = ["GlmForCausalLM"]
    glm.save_pretrained(dst)
    GenerationConfig(eos_token_id=stop_ids, pad_token_id=0, do_sample=False).save_pretrained(dst)
    wrap_tokenizer(tokenizer).save_pretrained(dst)
    shutil.copy(src / "tokenizer.model", dst / "chatglm3-tokenizer.model")
    return report


def _check_complete(weight_map: dict[str, str], config: dict[str, Any]) -> None:
    wanted = ["model.embed_tokens.weight", "model.norm.weight", "lm_head.weight"]
    for n in range(int(config["num_layers"])):
        p = f"model.layers.{n}."
        wanted += [p + "input_layernorm.weight", p + "post_attention_layernorm.weight",
                   p + "self_attn.q_proj.weight", p + "self_attn.k_proj.weight",
                   p + "self_attn.v_proj.weight", p + "self_attn.o_proj.weight",
                   p + "mlp.gate_up_proj.weight", p + "mlp.down_proj.weight"]
    missing = [k for k in wanted if k not in weight_map]
    if missing:
        raise ConversionError(f"转换结果缺少权重：{', '.join(missing[:5])}" + ("…" if len(missing) > 5 else ""))
