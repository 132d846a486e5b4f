"""ChatGLM3's chat format, built as token ids (never by tokenizing rendered template text).

ChatGLM3 (SPTokenizer in THUDM's tokenization_chatglm.py) numbers its nine special tokens after
the SentencePiece vocabulary: with 64,789 pieces, `[MASK]` is 64789 … `<|observation|>` 64797.
A prompt is `[gMASK] sop`, then for each message `<|role|>` + encode("{metadata}\\n") +
encode(content), then `<|assistant|>`. Each piece of text is encoded on its own (so each gets
SentencePiece's dummy-prefix space): rendering the template to one string and tokenizing it gives
other ids. Generation stops at eos (2), `<|user|>` or `<|observation|>`.

Everything here works with any tokenizer object that has `encode(text, add_special_tokens=False)`
and `convert_tokens_to_ids` (the converted `PreTrainedTokenizerFast`, or a test tokenizer).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

SPECIAL_TOKENS: tuple[str, ...] = (
    "[MASK]", "[gMASK]", "[sMASK]", "sop", "eop",
    "<|system|>", "<|user|>", "<|assistant|>", "<|observation|>",
)
ROLES = ("system", "user", "assistant", "observation")
CHATGLM3_SP_PIECES = 64_789
EOS_ID = 2
IGNORE_INDEX = -100


def special_token_ids(n_pieces: int = CHATGLM3_SP_PIECES) -> dict[str, int]:
    """The special tokens' ids for a SentencePiece model of `n_pieces` pieces (ChatGLM3's rule)."""
    return {token: n_pieces + index for index, token in enumerate(SPECIAL_TOKENS)}


@dataclass(frozen=True)
class ChatFormat:
    """Builds ChatGLM3 prompts and SFT examples as ids with a given tokenizer."""

    tokenizer: Any

    def _text(self, text: str) -> list[int]:
        return list(self.tokenizer.encode(text, add_special_tokens=False)) if text else []

    def special(self, token: str) -> int:
        token_id = self.tokenizer.convert_tokens_to_ids(token)
        if token_id is None or token_id == getattr(self.tokenizer, "unk_token_id", None):
            raise ValueError(f"tokenizer has no special token {token!r}")
        return int(token_id)

    @property
    def prefix(self) -> list[int]:
        return [self.special("[gMASK]"), self.special("sop")]

    @property
    def eos_id(self) -> int:
        eos = getattr(self.tokenizer, "eos_token_id", None)
        return EOS_ID if eos is None else int(eos)

    @property
    def stop_ids(self) -> list[int]:
        return [self.eos_id, self.special("<|user|>"), self.special("<|observation|>")]

    def message(self, role: str, content: str, metadata: str = "") -> list[int]:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}; one of {', '.join(ROLES)}")
        return [self.special(f"<|{role}|>"), *self._text(f"{metadata}\n"), *self._text(content)]

    def prompt(self, messages: Sequence[dict[str, str]], add_generation_prompt: bool = True) -> list[int]:
        """`build_chat_input`: prefix, each message, then `<|assistant|>` to generate."""
        ids = list(self.prefix)
        for message in messages:
            ids += self.message(message["role"], message.get("content", ""), message.get("metadata", ""))
        if add_generation_prompt:
            ids.append(self.special("<|assistant|>"))
        return ids

    def sft_example(self, messages: Sequence[dict[str, str]], response: str,
                    cutoff_len: int | None = None) -> dict[str, list[int]] | None:
        """LLaMA-Factory's `chatglm3` template: prompt … `<|assistant|>`, then `\\n{response}` +
        eos; labels are -100 on the prompt. An example longer than `cutoff_len` gives None: a
        truncated JSON answer would teach the model to stop mid-object, so it is skipped (and
        counted by the caller) rather than cut."""
        prompt = self.prompt(messages)
        answer = [*self._text("\n"), *self._text(response), self.eos_id]
        if cutoff_len is not None and len(prompt) + len(answer) > cutoff_len:
            return None
        return {
            "input_ids": prompt + answer,
            "attention_mask": [1] * (len(prompt) + len(answer)),
            "labels": [IGNORE_INDEX] * len(prompt) + answer,
        }


# The chat template saved with a converted tokenizer, for servers (vLLM `--chat-template`) that
# need one. Rendering then tokenizing merges "\n" with the content, so a few ids differ from
# `ChatFormat.prompt`; firecheck itself always builds ids with ChatFormat.
CHAT_TEMPLATE = (
    "[gMASK]sop"
    "{% for message in messages %}"
    "<|{{ message['role'] }}|>{{ message.get('metadata', '') }}\n{{ message['content'] }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)
