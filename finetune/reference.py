"""A reference forward pass of ChatGLM3, written from its architecture (THUDM's
modeling_chatglm.py), on a plain state dict with ChatGLM3's own key names.

It exists to prove the conversion: `firecheck finetune convert` must give a `GlmForCausalLM`
whose logits equal these. It is deliberately simple (no cache, no batching tricks, float32):

- RMSNorm: x / sqrt(mean(x²) + eps) · w, computed in float32;
- self-attention with one fused `query_key_value` projection (rows: all query heads, then the
  `multi_query_group_num` key heads, then the value heads), multi-query/grouped attention;
- ChatGLM's rotary embedding on the first half of each head's dimensions, rotating interleaved
  pairs (x0, x1), (x2, x3) …, base 10000 · rope_ratio;
- causal softmax attention scaled by 1/sqrt(head_dim);
- SwiGLU MLP: `dense_h_to_4h` gives [a; b], out = dense_4h_to_h(silu(a) · b);
- pre-norm residual blocks, final RMSNorm, `output_layer` without bias.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import torch
import torch.nn.functional as F


def _rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float) -> torch.Tensor:
    x32 = x.float()
    normed = x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + eps)
    return (weight.float() * normed).to(x.dtype)


def _rotary_cache(seq_len: int, rot_dim: int, base: float) -> torch.Tensor:
    """[seq, rot_dim/2, 2]: cos and sin of position × frequency, as ChatGLM's RotaryEmbedding."""
    theta = 1.0 / (base ** (torch.arange(0, rot_dim, 2, dtype=torch.float32) / rot_dim))
    positions = torch.arange(seq_len, dtype=torch.float32)
    angles = torch.outer(positions, theta)
    return torch.stack([torch.cos(angles), torch.sin(angles)], dim=-1)


def _apply_rotary(x: torch.Tensor, cache: torch.Tensor) -> torch.Tensor:
    """x: [seq, heads, head_dim]; rotates interleaved pairs of the first 2·cache.shape[1] dims."""
    seq, heads, _ = x.shape
    rot_dim = cache.shape[-2] * 2
    rot, passthrough = x[..., :rot_dim], x[..., rot_dim:]
    pairs = rot.reshape(seq, heads, rot_dim // 2, 2)
    cos = cache[:seq, None, :, 0]
    sin = cache[:seq, None, :, 1]
    rotated = torch.stack(
        [pairs[..., 0] * cos - pairs[..., 1] * sin, pairs[..., 1] * cos + pairs[..., 0] * sin], dim=-1,
    ).flatten(-2)
    return torch.cat([rotated, passthrough], dim=-1)


def reference_logits(state: Mapping[str, torch.Tensor], config: Mapping[str, Any],
                     input_ids: torch.Tensor) -> torch.Tensor:
    """Logits [batch, seq, padded_vocab] of a ChatGLM3 checkpoint for `input_ids` [batch, seq]."""
    heads = config["num_attention_heads"]
    hidden = config["hidden_size"]
    head_dim = config.get("kv_channels") or hidden // heads
    groups = config.get("multi_query_group_num", heads) if config.get("multi_query_attention") else heads
    eps = config.get("layernorm_epsilon", 1e-5)
    base = 10000.0 * config.get("rope_ratio", 1)
    layers = config["num_layers"]
    p = "transformer."

    w = {k: v.float() for k, v in state.items()}
    out = []
    for ids in input_ids:
        seq = ids.shape[0]
        x = w[p + "embedding.word_embeddings.weight"][ids]
        cache = _rotary_cache(seq, head_dim // 2, base)
        mask = torch.full((seq, seq), float("-inf")).triu(1)
        for n in range(layers):
            lp = f"{p}encoder.layers.{n}."
            h = _rms_norm(x, w[lp + "input_layernorm.weight"], eps)
            qkv = h @ w[lp + "self_attention.query_key_value.weight"].T
            if lp + "self_attention.query_key_value.bias" in w:
                qkv = qkv + w[lp + "self_attention.query_key_value.bias"]
            q, k, v = qkv.split([heads * head_dim, groups * head_dim, groups * head_dim], dim=-1)
            q = _apply_rotary(q.view(seq, heads, head_dim), cache)
            k = _apply_rotary(k.view(seq, groups, head_dim), cache)
            v = v.view(seq, groups, head_dim)
            k = k.repeat_interleave(heads // groups, dim=1)
            v = v.repeat_interleave(heads // groups, dim=1)
            scores = torch.einsum("qhd,khd->hqk", q, k) / math.sqrt(head_dim) + mask
            context = torch.einsum("hqk,khd->qhd", scores.softmax(-1), v).reshape(seq, heads * head_dim)
            attn = context @ w[lp + "self_attention.dense.weight"].T
            if lp + "self_attention.dense.bias" in w:
                attn = attn + w[lp + "self_attention.dense.bias"]
            x = x + attn
            h = _rms_norm(x, w[lp + "post_attention_layernorm.weight"], eps)
            a, b = (h @ w[lp + "mlp.dense_h_to_4h.weight"].T).chunk(2, dim=-1)
            x = x + (F.silu(a) * b) @ w[lp + "mlp.dense_4h_to_h.weight"].T
        x = _rms_norm(x, w[p + "encoder.final_layernorm.weight"], eps)
        out.append(x @ w[p + "output_layer.weight"].T)
    return torch.stack(out)
