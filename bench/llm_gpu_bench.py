"""LoRA training and constrained extraction speed on one GPU, with firecheck's own code.

A random ChatGLM3-shaped model of about 0.5 B parameters (ChatGLM3's layout and 65,024-row
vocabulary, fewer and narrower layers) is written in ChatGLM3's checkpoint format, converted with
`finetune.convert`, fine-tuned with `finetune.train` (LoRA on all six projections, gradient
checkpointing, bf16 where supported) for a few hundred steps on synthetic extraction examples,
and then used by the LLM extractor (`extraction.llm`, xgrammar-constrained decoding). It records:

- conversion time; training tokens/s (all tokens of each batch, padding excluded), seconds per
  optimiser step, first and last loss, peak GPU memory (torch.cuda.max_memory_allocated);
- extraction: seconds per line, generated tokens/s, share of answers valid against the schema
  (the random model's rules are nonsense; validity and speed are what is measured).

The weights are random, so the numbers say how fast the pipeline runs, not how good a model is.
Real ChatGLM3-6B needs about 14 GB for LoRA training (docs/llm.md); scale by parameters.

    python -m bench.llm_gpu_bench                    # the GPU run (~0.5 B, 300 steps)
    python -m bench.llm_gpu_bench --preset smoke     # a CPU check that the script works (seconds)
    python -m bench.llm_gpu_bench --out results.json # also write the numbers as JSON

Not yet run on a GPU (no GPU was available when it was written); docs/llm.md says so until it is.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

PRESETS = {
    # hidden, layers, heads, kv heads, ffn, padded vocab, steps, batch, examples, extraction lines
    "gpu": dict(hidden=1536, layers=12, heads=12, kv_heads=2, ffn=4608, padded_vocab=65024,
                steps=300, batch=4, examples=512, lines=20, max_new_tokens=384, schema={}),
    # the smoke schema is tight so that even the untrained model's answers end within the budget
    "smoke": dict(hidden=64, layers=2, heads=4, kv_heads=2, ffn=96, padded_vocab=None,
                  steps=4, batch=2, examples=8, lines=2, max_new_tokens=200,
                  schema=dict(max_rules=1, max_conditions=1, max_text=4)),
}

OBJECTS = ["疏散楼梯", "户门", "疏散走道", "消防车道", "防火墙", "安全出口", "房间疏散门", "防火分区"]
ATTRIBUTES = [("净宽度", "m"), ("长度", "m"), ("耐火极限", "h"), ("建筑面积", "m2"), ("坡度", "%")]
WORDS = [("不应小于", ">=", "应"), ("不宜大于", "<=", "宜"), ("不应超过", "<=", "应"), ("不小于", ">=", "应")]


def synthetic_examples(n: int, seed: int = 0) -> list[dict]:
    """Extraction examples in our own words, with 0–2 conditions, as alpaca-style records."""
    from extraction.llm import canonical_rules
    from finetune.dataset import answer_json
    from finetune.prompts import EXTRACTION_INSTRUCTION, EXTRACTION_SYSTEM

    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        obj = rng.choice(OBJECTS)
        (attr, unit), (word, op, strength) = rng.choice(ATTRIBUTES), rng.choice(WORDS)
        value = round(rng.uniform(0.5, 60), 1)
        conditions, lead = [], ""
        if rng.random() < 0.5:
            height = rng.choice([24, 27, 33, 50, 54, 100])
            conditions.append({"object": "建筑", "attribute": "建筑高度", "operator": ">", "value": height, "unit": "m"})
            lead = f"建筑高度大于{height}m时，"
        if rng.random() < 0.3:
            conditions.append({"object": "建筑", "attribute": "使用功能", "operator": "==", "value": "住宅"})
            lead = "住宅建筑中" + lead
        text = f"{lead}{obj}的{attr}{word}{value}{unit}。"
        rule = {"object": obj, "attribute": attr, "operator": op, "value": value, "unit": unit,
                "strength": strength, "conditions": conditions}
        rows.append({"system": EXTRACTION_SYSTEM, "instruction": EXTRACTION_INSTRUCTION, "input": text,
                     "output": answer_json([rule], canonical_rules)})
    return rows


def run(preset: str, workdir: Path) -> dict:
    import torch

    if not torch.cuda.is_available():
        torch.set_num_threads(min(4, torch.get_num_threads()))

    from extraction.llm import output_schema, validate_answer
    from finetune.backends import LocalBackend
    from finetune.prompts import extraction_messages
    from finetune.convert import convert_checkpoint
    from finetune.tiny import chatglm3_config, random_chatglm3_state, train_sentencepiece, write_chatglm3_checkpoint
    from finetune.train import LoraArguments, TrainingArguments, train

    p = PRESETS[preset]
    cuda = torch.cuda.is_available()
    results: dict = {"preset": preset, "device": torch.cuda.get_device_name(0) if cuda else platform.processor() or "cpu",
                     "torch": torch.__version__, "python": platform.python_version()}

    import sentencepiece as spm
    import transformers

    results["transformers"] = transformers.__version__
    sp = train_sentencepiece(workdir / "sp" / "tokenizer.model", vocab_size=2000 if preset == "gpu" else 640,
                             text="\n".join(r["input"] + r["output"] for r in synthetic_examples(300, seed=9)))
    n_pieces = spm.SentencePieceProcessor(model_file=str(sp)).get_piece_size()
    config = chatglm3_config(n_pieces, hidden=p["hidden"], layers=p["layers"], heads=p["heads"],
                             kv_heads=p["kv_heads"], ffn=p["ffn"], seq_length=2048, padded_vocab=p["padded_vocab"])
    state = random_chatglm3_state(config, seed=1, std=0.02)
    results["parameters"] = sum(t.numel() for k, t in state.items() if not k.endswith("inv_freq"))
    source = write_chatglm3_checkpoint(workdir / "chatglm3", sp, config, state, shards=2)
    del state
    started = time.perf_counter()
    convert_checkpoint(source, workdir / "glm", dtype="bfloat16" if cuda else "float32")
    results["convert_s"] = round(time.perf_counter() - started, 2)

    data = workdir / "sft"
    data.mkdir()
    examples = synthetic_examples(p["examples"])
    (data / "train.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in examples),
                                      encoding="utf-8")
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    step_times: list[float] = []
    last = [time.perf_counter()]

    def on_step(step: int, loss: float) -> None:
        now = time.perf_counter()
        step_times.append(now - last[0])
        last[0] = now

    args = TrainingArguments(model=str(workdir / "glm"), dataset=str(data), output_dir=str(workdir / "lora"),
                             max_steps=p["steps"], batch_size=p["batch"], gradient_accumulation=1,
                             learning_rate=2e-4, save_steps=max(p["steps"] // 2, 1), seed=0)
    result = train(args, LoraArguments(), show_progress=True, on_step=on_step)
    steady = step_times[len(step_times) // 10:] or step_times  # skip warm-up steps
    results["train"] = {
        "steps": result.steps, "batch": p["batch"], "seconds": round(result.seconds, 1),
        "tokens_per_s": round(result.tokens / sum(step_times), 1),
        "s_per_step_steady": round(sum(steady) / len(steady), 4),
        "first_loss": round(result.losses[0], 4), "last_loss": round(result.losses[-1], 4),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
        "lora_trainable": sum(t.numel() for t in result.model.parameters() if t.requires_grad),
    }
    del result

    # Extraction as extraction.llm asks: the training prompt, the schema enforced while decoding.
    backend = LocalBackend(workdir / "glm", adapter=workdir / "lora")
    schema = output_schema(**p["schema"])
    lines = [r["input"] for r in synthetic_examples(p["lines"], seed=123)]
    backend.chat(extraction_messages("热身"), schema=schema, max_new_tokens=8)  # load, compile the grammar
    valid, generated, started = 0, 0, time.perf_counter()
    for text in lines:
        raw = backend.chat(extraction_messages(text), schema=schema, max_new_tokens=p["max_new_tokens"])
        generated += len(backend._tokenizer.encode(raw, add_special_tokens=False))
        valid += validate_answer(raw)[1] is None
    elapsed = time.perf_counter() - started
    # An answer that is not valid was cut at max_new_tokens: the grammar allows nothing else.
    results["extraction"] = {"lines": len(lines), "s_per_line": round(elapsed / len(lines), 3),
                             "generated_tokens_per_s": round(generated / elapsed, 1),
                             "schema_valid": f"{valid}/{len(lines)}", "max_new_tokens": p["max_new_tokens"]}
    if cuda:
        results["peak_memory_gib_overall"] = round(torch.cuda.max_memory_allocated() / 2**30, 2)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--preset", choices=sorted(PRESETS), default="gpu")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    parser.add_argument("--workdir", type=Path, help="keep the model and adapter here (default: a temp dir)")
    ns = parser.parse_args(argv)
    if ns.preset == "gpu":
        import torch

        if not torch.cuda.is_available():
            print("no CUDA device: run with --preset smoke to check the script on CPU", file=sys.stderr)
            return 2
    if ns.workdir:
        ns.workdir.mkdir(parents=True, exist_ok=True)
        results = run(ns.preset, ns.workdir)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            results = run(ns.preset, Path(tmp))
    text = json.dumps(results, ensure_ascii=False, indent=2)
    print(text)
    if ns.out:
        ns.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
