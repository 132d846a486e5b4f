"""`firecheck finetune …`: convert ChatGLM3, build the SFT set, train LoRA, merge, serve.

Importing this module is cheap (no torch); each command imports what it needs. Commands that
need the optional `llm` dependencies say how to install them when they are missing. Exit codes
as the rest of the CLI: 0 done, 2 an input or option error (the message names the file or
option), 70 an internal error (shown by api.cli.main without a traceback).
"""

from __future__ import annotations

import inspect
import json
from dataclasses import fields
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

EXIT_INPUT = 2
LLM_EXTRA_HINT = "需要可选依赖：pip install 'firecheck[llm]'（torch、transformers、peft、xgrammar 等）"

finetune_app = typer.Typer(
    help="ChatGLM3 微调：转换权重、构建数据集、LoRA 训练、合并导出、本地服务（见 docs/llm.md）。",
    no_args_is_help=True,
)


def _die(message: str, code: int = EXIT_INPUT) -> NoReturn:
    typer.echo(f"firecheck: {message}", err=True)
    raise typer.Exit(code)


def require_llm_extra() -> None:
    """Exit 2 with the install hint when the `llm` extra is missing."""
    import importlib.util

    missing = [m for m in ("torch", "transformers", "peft", "safetensors", "xgrammar")
               if importlib.util.find_spec(m) is None]
    if missing:
        _die(f"缺少 {', '.join(missing)}。{LLM_EXTRA_HINT}")


@finetune_app.command("convert")
def convert_command(
    src: Annotated[Path, typer.Argument(help="ChatGLM3-6B 的 Hugging Face 目录（config.json、tokenizer.model、权重分片）")],
    dst: Annotated[Path, typer.Argument(help="输出目录：transformers 原生 GlmForCausalLM 与分词器")],
    dtype: Annotated[str | None, typer.Option(help="权重类型 float16/bfloat16/float32；默认保持原样")] = None,
) -> None:
    """把 ChatGLM3 权重转换为 transformers 原生 GlmForCausalLM（无需 trust_remote_code）。"""
    require_llm_extra()
    from .convert import ConversionError, convert_checkpoint

    try:
        report = convert_checkpoint(src, dst, dtype=dtype,
                                    progress=lambda a, b: typer.echo(f"  {a} → {b}", err=True))
    except ConversionError as exc:
        _die(str(exc))
    typer.echo(f"已转换 {report.tensors} 个张量、{report.parameters / 1e9:.2f} B 参数 → {dst}；"
               f"词表 {report.vocab_pieces} + 9 个特殊词元（[gMASK]={report.special_ids['[gMASK]']}，"
               f"<|user|>={report.special_ids['<|user|>']}）")


@finetune_app.command("dataset")
def dataset_command(
    out: Annotated[Path, typer.Option("--out", help="输出目录（train/validation/test 与 LLaMA-Factory 格式）")],
    corpus: Annotated[Path | None, typer.Option(help="条文语料：clauses JSONL（clause_id、text、standard）或每行一条的规范文本；配合内置规则包生成样本")] = None,
    corpus_standard: Annotated[str, typer.Option(help="文本语料所属的标准（JSONL 自带 standard 时不用）")] = "GB 50016-2014(2018)",
    zhouyc98: Annotated[Path | None, typer.Option(help="zhouyc98 标注数据目录（sentences.txt、tags.txt），经 extraction 的转换器转成 extraction-v1")] = None,
    gold: Annotated[Path | None, typer.Option(help="项目的标注条文目录（*.jsonl 与 split.json，dev → 验证集、heldout → 测试集）；默认 tests/gold（若存在，读不到条文文本时跳过）")] = None,
    pack: Annotated[bool, typer.Option("--pack/--no-pack", help="用内置规则包的规则（需要 --corpus 提供条文文本）")] = True,
    validation_ratio: Annotated[float, typer.Option(help="未被 split.json 指定的文档中划入验证集的比例")] = 0.1,
    seed: Annotated[int, typer.Option(help="划分用的随机种子")] = 42,
) -> None:
    """构建 SFT 数据集（指令、条文、extraction-v1 JSON），按文档划分，导出 LLaMA-Factory 格式。"""
    from extraction.llm import canonical_rules

    from .dataset import DatasetError, build_dataset, read_corpus

    gold_dir = gold if gold is not None else (Path("tests/gold") if Path("tests/gold").is_dir() else None)
    if gold is not None and not gold.is_dir():
        _die(f"--gold {gold}: 目录不存在")
    try:
        corpus_map = read_corpus(corpus, standard=corpus_standard) if corpus else None
        records = zhouyc98_records(zhouyc98) if zhouyc98 else None
        rule_set = None
        if pack and corpus_map:
            from graph.pack import load_builtin_pack

            rule_set = load_builtin_pack()
        # The gold files name clauses only; their text comes from --corpus when it is the text of
        # the standard, else from each file's own text_source.
        gold_text = corpus if corpus is not None and corpus.suffix != ".jsonl" else None
        stats = build_dataset(out, zhouyc98=records, gold_dir=gold_dir, gold_text=gold_text,
                              gold_strict=gold is not None, rule_set=rule_set, corpus=corpus_map,
                              validation_ratio=validation_ratio, seed=seed, canonical=canonical_rules)
    except DatasetError as exc:
        _die(str(exc))
    typer.echo(json.dumps(stats, ensure_ascii=False, indent=2))
    typer.echo(f"已写出 {out}/train.jsonl、validation.jsonl、test.jsonl 与 dataset_info.json")


def zhouyc98_records(directory: Path) -> list[dict[str, Any]]:
    """The zhouyc98 sentences as extraction-v1 records, by the extraction package's converter."""
    from .dataset import DatasetError

    try:
        from extraction.zhouyc98 import load_records  # the other half of the extraction package
    except ImportError:
        raise DatasetError("--zhouyc98: extraction 包中还没有 zhouyc98 转换器（extraction.zhouyc98.load_records）") from None
    try:
        return [r if isinstance(r, dict) else r.to_json_dict() for r in load_records(directory)]
    except (OSError, ValueError) as exc:
        raise DatasetError(f"--zhouyc98 {directory}: {exc}") from None


def _option_type(annotation: str):
    return {"int": int, "float": float, "str": str, "bool": bool}[annotation]


def _dataclass_parameters(*classes) -> list[inspect.Parameter]:
    """CLI options from the argument dataclasses: `--lora-rank` from `lora_rank`, help from the
    field's metadata, required when the metadata says so."""
    params = []
    for cls in classes:
        for f in fields(cls):
            from .train import option_name

            kind = _option_type(f.type if isinstance(f.type, str) else f.type.__name__)
            flag = option_name(f.name)
            names = [f"{flag}/--no-{flag[2:]}"] if kind is bool else [flag]
            option = typer.Option(*names, help=f.metadata["help"], show_default=not f.metadata.get("required"))
            default = ... if f.metadata.get("required") else f.default
            params.append(inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                            annotation=Annotated[kind, option]))
    return params


def train_command(**options: Any) -> None:
    """LoRA 微调（peft）。默认值针对一张 24 GB 显卡上的 ChatGLM3-6B；进度条显示 loss。"""
    require_llm_extra()
    from .train import ArgumentError, LoraArguments, TrainingArguments, train

    names = {f.name for f in fields(TrainingArguments)}
    args = TrainingArguments(**{k: v for k, v in options.items() if k in names})
    lora = LoraArguments(**{k: v for k, v in options.items() if k not in names})
    try:
        result = train(args, lora)
    except ArgumentError as exc:
        _die(str(exc))
    typer.echo(f"训练完成：{result.steps} 步，{result.examples} 条样本（跳过超长 {result.skipped} 条），"
               f"loss {result.losses[0]:.4f} → {result.losses[-1]:.4f}"
               + (f"，验证 loss {result.eval_loss:.4f}" if result.eval_loss is not None else "")
               + f"，{result.seconds:.0f} s；适配器在 {result.output_dir}"
               + (f"；合并模型在 {result.merged_to}" if result.merged_to else ""))


def _register_train() -> None:
    from .train import LoraArguments, TrainingArguments

    train_command.__signature__ = inspect.Signature(_dataclass_parameters(TrainingArguments, LoraArguments))
    finetune_app.command("train")(train_command)


_register_train()


@finetune_app.command("merge")
def merge_command(
    model: Annotated[Path, typer.Option(help="转换后的基座模型目录")],
    adapter: Annotated[Path, typer.Option(help="LoRA 适配器目录（finetune train 的输出）")],
    out: Annotated[Path, typer.Option(help="合并后的模型输出目录")],
    dtype: Annotated[str | None, typer.Option(help="导出类型 float16/bfloat16/float32；默认与基座相同")] = None,
) -> None:
    """把 LoRA 适配器合并进基座，导出普通的 GlmForCausalLM 目录（可直接用 vLLM 服务）。"""
    require_llm_extra()
    from .train import merge_adapter

    for option, path in (("--model", model), ("--adapter", adapter)):
        if not path.is_dir():
            _die(f"{option} {path}: 目录不存在")
    merge_adapter(str(model), str(adapter), str(out), dtype=dtype)
    typer.echo(f"已合并并导出到 {out}")


@finetune_app.command("serve")
def serve_command(
    model: Annotated[Path, typer.Option(help="转换后的模型目录")],
    adapter: Annotated[Path | None, typer.Option(help="LoRA 适配器目录")] = None,
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="监听端口")] = 8001,
    name: Annotated[str, typer.Option(help="对外的模型名")] = "chatglm3-6b",
    device: Annotated[str, typer.Option(help="auto、cpu、cuda")] = "auto",
) -> None:
    """本地 OpenAI 兼容服务（/v1/chat/completions，一次一个请求；生产环境请用 vLLM）。"""
    require_llm_extra()
    from .backends import LocalBackend
    from .serve import backend_responder, make_server

    backend = LocalBackend(model, adapter=adapter, device=device)
    server = make_server(backend_responder(backend), host=host, port=port, model_name=name)
    typer.echo(f"OpenAI 兼容接口：http://{host}:{server.server_address[1]}/v1（Ctrl-C 结束）")
    try:
        server.serve_forever()
    finally:
        server.server_close()
