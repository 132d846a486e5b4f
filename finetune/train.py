"""LoRA supervised fine-tuning of a converted ChatGLM3 (`GlmForCausalLM`) with peft.

The arguments are typed dataclasses whose field metadata carries the help text the CLI shows
(`firecheck finetune train --help`); `validate()` names the option at fault. Defaults suit
ChatGLM3-6B on one 24 GB GPU: bf16 weights (12.5 GB), LoRA rank 8 on all six projections,
gradient checkpointing, batch 1 × gradient accumulation 8, cutoff 1024 tokens (extraction
examples are a clause and its JSON, well under that) — about 14 GB in use.

The loop is small and deterministic: the order of examples is a function of (seed, epoch), so
a run resumed from `checkpoint-N` (adapter, optimiser, scheduler, RNG states) continues exactly
as if it had not stopped. Loss is normalised per target token over each accumulation group.
"""

from __future__ import annotations

import json
import math
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from .chatglm3 import IGNORE_INDEX, ChatFormat

NATIVE_TARGETS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_up_proj", "down_proj")


class ArgumentError(ValueError):
    """A bad training option; `option` is the CLI flag (`--lora-rank`)."""

    def __init__(self, option: str, message: str):
        super().__init__(f"{option}: {message}")
        self.option = option


def option_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def _help(text: str, **extra: Any) -> dict[str, Any]:
    return {"help": text, **extra}


@dataclass
class LoraArguments:
    lora_rank: int = field(default=8, metadata=_help("LoRA 的秩 r（ChatGLM3 官方示例用 32；8 已足够抽取任务）"))
    lora_alpha: float = field(default=16.0, metadata=_help("LoRA 缩放系数 alpha（有效缩放 alpha/r）"))
    lora_dropout: float = field(default=0.1, metadata=_help("LoRA 层的 dropout 概率，0 ≤ p < 1"))
    lora_target: str = field(default=",".join(NATIVE_TARGETS), metadata=_help(
        "加 LoRA 的模块名，逗号分隔；all 表示全部六个投影。转换后的 GlmForCausalLM 用 "
        "q_proj,k_proj,v_proj,o_proj,gate_up_proj,down_proj（不要加 lm_head）"))

    def targets(self) -> list[str]:
        if self.lora_target.strip() == "all":
            return list(NATIVE_TARGETS)
        return [t.strip() for t in self.lora_target.split(",") if t.strip()]

    def validate(self) -> None:
        if self.lora_rank < 1:
            raise ArgumentError("--lora-rank", f"应为正整数（得到 {self.lora_rank}）")
        if self.lora_alpha <= 0:
            raise ArgumentError("--lora-alpha", f"应大于 0（得到 {self.lora_alpha}）")
        if not 0 <= self.lora_dropout < 1:
            raise ArgumentError("--lora-dropout", f"应在 [0, 1) 内（得到 {self.lora_dropout}）")
        targets = self.targets()
        if not targets:
            raise ArgumentError("--lora-target", "至少给出一个模块名")
        if any(t in ("lm_head", "output_layer", "embed_tokens") for t in targets):
            raise ArgumentError("--lora-target", "不要在输出层或词嵌入上加 LoRA")


@dataclass
class TrainingArguments:
    model: str = field(default="", metadata=_help("转换后的 ChatGLM3 目录（firecheck finetune convert 的输出）", required=True))
    dataset: str = field(default="", metadata=_help(
        "训练数据：finetune dataset 的输出目录（读 train.jsonl、validation.jsonl），或一个 .jsonl / "
        "LLaMA-Factory alpaca / sharegpt 的 .json 文件", required=True))
    output_dir: str = field(default="output/chatglm3-firecheck-lora", metadata=_help("适配器、检查点和日志的输出目录"))
    learning_rate: float = field(default=1e-4, metadata=_help("峰值学习率（余弦衰减，线性预热）"))
    num_epochs: float = field(default=3.0, metadata=_help("训练轮数（可为小数）"))
    max_steps: int = field(default=0, metadata=_help("最多优化步数；0 表示按轮数计算"))
    cutoff_len: int = field(default=1024, metadata=_help("一条样本（提示+答案）的最大词元数；更长的样本跳过并计数"))
    batch_size: int = field(default=1, metadata=_help("每个微批次的样本数"))
    gradient_accumulation: int = field(default=8, metadata=_help("梯度累积步数（有效批次 = batch-size × 本值）"))
    warmup_ratio: float = field(default=0.1, metadata=_help("预热步数占总步数的比例，0 ≤ r < 1"))
    weight_decay: float = field(default=0.0, metadata=_help("AdamW 的权重衰减"))
    max_grad_norm: float = field(default=1.0, metadata=_help("梯度裁剪阈值；0 表示不裁剪"))
    save_steps: int = field(default=100, metadata=_help("每隔多少步保存检查点（checkpoint-N）；0 表示只在结束时保存"))
    save_total_limit: int = field(default=3, metadata=_help("最多保留的检查点个数"))
    seed: int = field(default=42, metadata=_help("随机种子（数据顺序、LoRA 初始化、dropout）"))
    dtype: str = field(default="auto", metadata=_help("基座权重类型：auto（GPU 上 bf16，不支持时 fp16；CPU 上 fp32）、bfloat16、float16、float32"))
    device: str = field(default="auto", metadata=_help("auto、cpu、cuda 或 cuda:N"))
    gradient_checkpointing: bool = field(default=True, metadata=_help("梯度检查点：省显存，约慢 30%"))
    resume: str = field(default="", metadata=_help("从检查点继续：auto 取输出目录中最新的 checkpoint-N，或给出检查点路径"))
    merge_to: str = field(default="", metadata=_help("训练结束后把 LoRA 合并进基座并导出到该目录（可直接用 vLLM 服务）"))

    def validate(self) -> None:
        if not self.model:
            raise ArgumentError("--model", "必须给出转换后的模型目录")
        if not (Path(self.model) / "config.json").exists():
            raise ArgumentError("--model", f"{self.model} 下没有 config.json（先运行 firecheck finetune convert）")
        if not self.dataset:
            raise ArgumentError("--dataset", "必须给出训练数据")
        if not Path(self.dataset).exists():
            raise ArgumentError("--dataset", f"{self.dataset} 不存在")
        positive = {"learning_rate": self.learning_rate, "cutoff_len": self.cutoff_len,
                    "batch_size": self.batch_size, "gradient_accumulation": self.gradient_accumulation,
                    "save_total_limit": self.save_total_limit}
        for name, value in positive.items():
            if value <= 0:
                raise ArgumentError(option_name(name), f"应大于 0（得到 {value}）")
        if self.num_epochs <= 0 and self.max_steps <= 0:
            raise ArgumentError("--num-epochs", "应大于 0（或给出 --max-steps）")
        for name in ("max_steps", "save_steps", "weight_decay", "max_grad_norm"):
            if getattr(self, name) < 0:
                raise ArgumentError(option_name(name), f"不能为负（得到 {getattr(self, name)}）")
        if not 0 <= self.warmup_ratio < 1:
            raise ArgumentError("--warmup-ratio", f"应在 [0, 1) 内（得到 {self.warmup_ratio}）")
        if self.cutoff_len < 8:
            raise ArgumentError("--cutoff-len", f"至少 8 个词元（得到 {self.cutoff_len}）")
        if self.dtype not in ("auto", "bfloat16", "float16", "float32"):
            raise ArgumentError("--dtype", f"应为 auto、bfloat16、float16 或 float32（得到 {self.dtype}）")
        if not (self.device in ("auto", "cpu", "cuda") or self.device.startswith("cuda:")):
            raise ArgumentError("--device", f"应为 auto、cpu、cuda 或 cuda:N（得到 {self.device}）")
        if self.resume and self.resume != "auto" and not Path(self.resume).is_dir():
            raise ArgumentError("--resume", f"检查点 {self.resume} 不存在")


# --- data --------------------------------------------------------------------------------


def load_sft_records(path: Path, split: str = "train") -> list[dict[str, Any]]:
    """Records as {"messages": [...], "response": str}. Accepts the `finetune dataset` output
    directory (`{split}.jsonl`), our .jsonl records, or LLaMA-Factory alpaca / sharegpt JSON."""
    path = Path(path)
    if path.is_dir():
        path = path / f"{split}.jsonl"
        if not path.exists():
            return []
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in text.splitlines() if line.strip()]
    else:
        rows = json.loads(text)
        if not isinstance(rows, list):
            raise ArgumentError("--dataset", f"{path}: 应为 JSON 数组（alpaca 或 sharegpt 格式）")
    return [_record(row, path, n) for n, row in enumerate(rows, start=1)]


def _record(row: dict[str, Any], path: Path, line: int) -> dict[str, Any]:
    if "instruction" in row and "output" in row:  # alpaca (and our jsonl, a superset)
        query = row["instruction"] + ("\n" + row["input"] if row.get("input") else "")
        messages = ([{"role": "system", "content": row["system"]}] if row.get("system") else [])
        messages.append({"role": "user", "content": query})
        return {"messages": messages, "response": row["output"]}
    turns = row.get("conversations") or row.get("messages")
    if turns:  # sharegpt (from/value) or OpenAI messages (role/content)
        role_map = {"human": "user", "gpt": "assistant", "system": "system", "observation": "observation",
                    "user": "user", "assistant": "assistant"}
        messages = [{"role": role_map[t.get("from", t.get("role"))], "content": t.get("value", t.get("content", ""))}
                    for t in turns]
        if row.get("system"):
            messages.insert(0, {"role": "system", "content": row["system"]})
        if messages[-1]["role"] != "assistant":
            raise ArgumentError("--dataset", f"{path} 第 {line} 条：最后一轮应为 assistant/gpt")
        return {"messages": messages[:-1], "response": messages[-1]["content"]}
    raise ArgumentError("--dataset", f"{path} 第 {line} 条：既不是 alpaca 也不是 sharegpt 格式")


def encode_records(records: list[dict[str, Any]], chat: ChatFormat, cutoff_len: int) -> tuple[list[dict], int]:
    examples, skipped = [], 0
    for record in records:
        example = chat.sft_example(record["messages"], record["response"], cutoff_len)
        if example is None:
            skipped += 1
        else:
            examples.append(example)
    return examples, skipped


def collate(examples: list[dict[str, list[int]]], pad_id: int):
    """Right-padded batch tensors (training pads right; generation pads left)."""
    import torch

    width = max(len(e["input_ids"]) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        ids[row, :n] = torch.tensor(e["input_ids"])
        mask[row, :n] = 1
        labels[row, :n] = torch.tensor(e["labels"])
    return ids, mask, labels


def plan_steps(n_examples: int, args: TrainingArguments) -> list[list[list[int]]]:
    """Every optimiser step as its micro-batches of example indices; a function of the seed."""
    import torch

    steps: list[list[list[int]]] = []
    epochs = math.ceil(args.num_epochs) if args.max_steps == 0 else 10**6
    micro_per_epoch = math.ceil(n_examples / args.batch_size)
    steps_per_epoch = math.ceil(micro_per_epoch / args.gradient_accumulation)
    total = args.max_steps or math.ceil(steps_per_epoch * args.num_epochs)
    for epoch in range(epochs):
        order = torch.randperm(n_examples, generator=torch.Generator().manual_seed(args.seed + epoch)).tolist()
        micro = [order[i:i + args.batch_size] for i in range(0, n_examples, args.batch_size)]
        per_epoch = [micro[i:i + args.gradient_accumulation] for i in range(0, len(micro), args.gradient_accumulation)]
        steps.extend(per_epoch)
        if len(steps) >= total:
            break
    return steps[:total]


# --- model ---------------------------------------------------------------------------------


def resolve_device(name: str) -> str:
    import torch

    if name == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ArgumentError("--device", "没有可用的 CUDA 设备")
    return name


def resolve_dtype(name: str, device: str):
    import torch

    if name == "auto":
        if device.startswith("cuda"):
            return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        return torch.float32
    return getattr(torch, name)


def load_tokenizer(model_dir: str | Path):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(str(model_dir))


def build_lora_model(model, lora: LoraArguments, seed: int):
    import torch
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(seed)
    present = {name.rsplit(".", 1)[-1] for name, _ in model.named_modules()}
    unknown = [t for t in lora.targets() if t not in present]
    if unknown:
        raise ArgumentError("--lora-target", f"模型中没有模块 {', '.join(unknown)}（转换后的模型用 {','.join(NATIVE_TARGETS)}）")
    config = LoraConfig(task_type="CAUSAL_LM", r=lora.lora_rank, lora_alpha=lora.lora_alpha,
                        lora_dropout=lora.lora_dropout, target_modules=lora.targets(), bias="none")
    return get_peft_model(model, config)


def _token_loss(model, ids, mask, labels):
    """Summed cross-entropy over target tokens, and their count."""
    import torch.nn.functional as F

    logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1].float()
    target = labels[:, 1:]
    loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1),
                           ignore_index=IGNORE_INDEX, reduction="sum")
    return loss, int((target != IGNORE_INDEX).sum())


def evaluate_loss(model, examples: list[dict], pad_id: int, batch_size: int, device: str) -> float:
    """Mean cross-entropy per target token."""
    import torch

    model.eval()
    total, count = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(examples), batch_size):
            ids, mask, labels = (t.to(device) for t in collate(examples[i:i + batch_size], pad_id))
            loss, n = _token_loss(model, ids, mask, labels)
            total += float(loss)
            count += n
    return total / max(count, 1)


@dataclass
class TrainResult:
    output_dir: str
    steps: int
    examples: int
    skipped: int
    losses: list[float]
    eval_loss: float | None
    seconds: float
    tokens: int
    merged_to: str | None = None
    model: Any = field(default=None, repr=False)  # the trained peft model, for callers in-process


def _latest_checkpoint(output_dir: Path) -> Path | None:
    found = [(int(p.name.split("-")[1]), p) for p in output_dir.glob("checkpoint-*")
             if p.name.split("-")[1].isdigit() and (p / "trainer_state.pt").exists()]
    return max(found)[1] if found else None


def _save_checkpoint(model, optimizer, scheduler, scaler, step: int, losses: list[float],
                     args: TrainingArguments, lora: LoraArguments) -> Path:
    import torch

    out = Path(args.output_dir) / f"checkpoint-{step}"
    model.save_pretrained(str(out))
    torch.save({
        "step": step, "losses": losses,
        "optimizer": optimizer.state_dict(), "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict() if scaler is not None else None,
        "rng": {"torch": torch.get_rng_state(), "python": random.getstate(),
                "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None},
        "args": asdict(args), "lora": asdict(lora),
    }, out / "trainer_state.pt")
    checkpoints = sorted((int(p.name.split("-")[1]), p) for p in Path(args.output_dir).glob("checkpoint-*")
                         if p.name.split("-")[1].isdigit())
    for _, old in checkpoints[:-args.save_total_limit]:
        shutil.rmtree(old, ignore_errors=True)
    return out


def train(args: TrainingArguments, lora: LoraArguments, show_progress: bool = True,
          on_step: Callable[[int, float], None] | None = None) -> TrainResult:
    """Train a LoRA adapter; writes `output_dir/` (adapter_model.safetensors, adapter_config.json,
    train_log.jsonl, checkpoint-N/). `on_step(step, loss)` runs after each optimiser step."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file
    from tqdm.auto import tqdm
    from transformers import AutoModelForCausalLM, get_cosine_schedule_with_warmup

    args.validate()
    lora.validate()
    started = time.perf_counter()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = resolve_device(args.device)
    dtype = resolve_dtype(args.dtype, device)
    output_dir = Path(args.output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)

    tokenizer = load_tokenizer(args.model)
    chat = ChatFormat(tokenizer)
    pad_id = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else 0
    examples, skipped = encode_records(load_sft_records(Path(args.dataset), "train"), chat, args.cutoff_len)
    if not examples:
        raise ArgumentError("--dataset", f"没有可用的训练样本（{skipped} 条超过 --cutoff-len {args.cutoff_len}）")
    validation, _ = encode_records(load_sft_records(Path(args.dataset), "validation"), chat, args.cutoff_len) \
        if Path(args.dataset).is_dir() else ([], 0)

    model = AutoModelForCausalLM.from_pretrained(args.model, dtype=dtype).to(device)
    model.config.use_cache = False
    if args.gradient_checkpointing:
        if hasattr(model, "activation_checkpointing_enable"):  # transformers 5's name
            model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
        else:
            model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    model = build_lora_model(model, lora, args.seed)
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=args.learning_rate, weight_decay=args.weight_decay)
    plan = plan_steps(len(examples), args)
    scheduler = get_cosine_schedule_with_warmup(optimizer, math.ceil(len(plan) * args.warmup_ratio), len(plan))
    scaler = torch.amp.GradScaler("cuda") if dtype == torch.float16 and device.startswith("cuda") else None

    start, losses = 0, []
    checkpoint = _latest_checkpoint(output_dir) if args.resume == "auto" else (Path(args.resume) if args.resume else None)
    if checkpoint is not None:
        state = torch.load(checkpoint / "trainer_state.pt", weights_only=False)
        set_peft_model_state_dict(model, load_file(str(checkpoint / "adapter_model.safetensors")))
        optimizer.load_state_dict(state["optimizer"])
        scheduler.load_state_dict(state["scheduler"])
        if scaler is not None and state["scaler"]:
            scaler.load_state_dict(state["scaler"])
        torch.set_rng_state(state["rng"]["torch"])
        random.setstate(state["rng"]["python"])
        if state["rng"]["cuda"] is not None and torch.cuda.is_available():
            torch.cuda.set_rng_state_all(state["rng"]["cuda"])
        start, losses = state["step"], list(state["losses"])

    log = (output_dir / "train_log.jsonl").open("a", encoding="utf-8")
    tokens = 0
    model.train()
    bar = tqdm(total=len(plan), initial=start, disable=not show_progress, desc="LoRA", unit="step", dynamic_ncols=True)
    try:
        for step in range(start, len(plan)):
            groups = [[examples[i] for i in micro] for micro in plan[step]]
            batches = [collate(g, pad_id) for g in groups]
            target_tokens = sum(int((b[2][:, 1:] != IGNORE_INDEX).sum()) for b in batches)
            step_loss = 0.0
            for ids, mask, labels in batches:
                ids, mask, labels = ids.to(device), mask.to(device), labels.to(device)
                with torch.autocast(device_type="cuda", dtype=dtype, enabled=device.startswith("cuda") and dtype != torch.float32):
                    loss, _ = _token_loss(model, ids, mask, labels)
                loss = loss / max(target_tokens, 1)
                (scaler.scale(loss) if scaler else loss).backward()
                step_loss += float(loss.detach())
                tokens += int(mask.sum())
            if scaler:
                scaler.unscale_(optimizer)
            if args.max_grad_norm > 0:
                torch.nn.utils.clip_grad_norm_(params, args.max_grad_norm)
            if scaler:
                scaler.step(optimizer)
                scaler.update()
            else:
                optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            losses.append(step_loss)
            done = step + 1
            bar.update(1)
            bar.set_postfix(loss=f"{step_loss:.4f}", lr=f"{scheduler.get_last_lr()[0]:.2e}")
            log.write(json.dumps({"step": done, "loss": step_loss, "lr": scheduler.get_last_lr()[0]}) + "\n")
            if args.save_steps and done % args.save_steps == 0 and done < len(plan):
                _save_checkpoint(model, optimizer, scheduler, scaler, done, losses, args, lora)
            if on_step:
                on_step(done, step_loss)
    finally:
        bar.close()
        log.close()

    model.save_pretrained(str(output_dir))
    tokenizer.save_pretrained(str(output_dir))
    eval_loss = evaluate_loss(model, validation, pad_id, args.batch_size, device) if validation else None
    result = TrainResult(output_dir=str(output_dir), steps=len(plan), examples=len(examples), skipped=skipped,
                         losses=losses, eval_loss=eval_loss, seconds=time.perf_counter() - started, tokens=tokens,
                         model=model)
    if args.merge_to:
        merge_adapter(args.model, str(output_dir), args.merge_to, dtype=args.dtype if args.dtype != "auto" else None)
        result.merged_to = args.merge_to
    summary = {f.name: getattr(result, f.name) for f in fields(result) if f.name not in ("model", "losses")}
    summary.update(first_loss=losses[0] if losses else None, last_loss=losses[-1] if losses else None,
                   args=asdict(args), lora=asdict(lora))
    (output_dir / "train_result.json").write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    return result


def merge_adapter(base: str, adapter: str, out: str, dtype: str | None = None) -> Path:
    """Merge a LoRA adapter into its base model and save a plain `GlmForCausalLM` directory
    (with the tokenizer) that vLLM or transformers load without peft."""
    import torch
    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    torch_dtype = getattr(torch, dtype) if dtype else "auto"
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch_dtype)
    merged = PeftModel.from_pretrained(model, adapter).merge_and_unload()
    out_path = Path(out)
    merged.save_pretrained(str(out_path))
    load_tokenizer(base).save_pretrained(str(out_path))
    for extra in ("generation_config.json",):
        if (Path(base) / extra).exists():
            shutil.copy(Path(base) / extra, out_path / extra)
    return out_path
