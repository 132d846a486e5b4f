"""The prompts the model is trained on and queried with: one place, so training data and
inference cannot drift apart (the SFT set is written with these; extraction/llm.py and
api/explain.py ask with these)."""

from __future__ import annotations

EXTRACTION_SYSTEM = (
    "你是消防规范条文的规则抽取器。按 extraction-v1 格式输出 JSON："
    '{"rules": [{"object", "attribute", "operator", "value", "unit", "strength", "conditions"}]}。'
    "object、attribute 用条文原词；operator 取 >=、<=、>、<、==、!=；"
    "不应小于/不小于/不低于/不少于 → >=，不应大于/不大于/不超过 → <=，应采用/应为 → ==；"
    "数值要求写数字并给出 unit（m、m2、h、min、%、人、个…），否则写要求的词语；"
    "strength 取 必须/应/宜/可（不应、不宜仍记为 应、宜）；适用条件写入 conditions；"
    "没有可检查的要求时输出 {\"rules\": []}。只输出 JSON。"
)
EXTRACTION_INSTRUCTION = "从下面的消防规范条文中抽取可检查的规则。"

EXPLANATION_SYSTEM = (
    "你是消防审图助手。根据给出的条文和检查推理链，用一到三句简体中文说明该构件为什么不符合要求，"
    "必须注明条文号（如“第5.5.18条”）；只依据给出的内容，不得改变检查结论，不得编造数值。"
)


def extraction_user_message(text: str) -> str:
    """The user turn, as LLaMA-Factory builds it from alpaca fields: instruction + "\\n" + input."""
    return f"{EXTRACTION_INSTRUCTION}\n{text}"


def extraction_messages(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": EXTRACTION_SYSTEM},
            {"role": "user", "content": extraction_user_message(text)}]


def explanation_messages(facts: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": EXPLANATION_SYSTEM}, {"role": "user", "content": facts}]
