"""Reading code text as users have it: bytes → str, and the normalisation every later step uses.

Decoding tries UTF-8 (with or without BOM), UTF-16 with a BOM, then GB18030 (a superset of GBK
and GB2312). A file that is empty, binary, undecodable or holds an absurdly long line is refused
with an `InputError` whose message names the file; nothing is half-read.

Normalisation (`normalize`) turns the typographic variety of the corpus into one form without
touching the Chinese punctuation the grammar reads: full-width digits, letters and `．（）／％～`
become ASCII, `㎡ m²` become `m2`, `㎥ m³` become `m3`, exotic spaces (U+2002 …) become spaces, and
whitespace next to a CJK character is dropped (it carries no meaning in Chinese text; between
ASCII words, as in `GB 50084`, it is kept).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

MAX_LINE_CHARS = 100_000
MAX_FILE_BYTES = 64 * 1024 * 1024


class InputError(ValueError):
    """Input that cannot be read as code text; the message names the file."""


def read_text_file(path: Path) -> str:
    """The decoded text of `path`, or InputError naming the file."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path}: 文件不存在") from None
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror}）") from None
    if path.is_dir():
        raise InputError(f"{path}: 是目录，不是文件")
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: 文件过大（{size} 字节，上限 {MAX_FILE_BYTES} 字节）")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: 无法读取（{exc.strerror}）") from None
    return decode_bytes(data, str(path))


def decode_bytes(data: bytes, name: str) -> str:
    if not data.strip():
        raise InputError(f"{name}: 文件为空")
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    elif b"\x00" in data:
        raise InputError(f"{name}: 不是文本文件（含有二进制数据）")
    if text is None:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        raise InputError(f"{name}: 无法识别文件编码（已尝试 UTF-8、GB18030）")
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v")
    if controls > max(2, len(text) // 1000):
        raise InputError(f"{name}: 不是文本文件（含有二进制数据）")
    for number, line in enumerate(text.splitlines(), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError(f"{name}: 第 {number} 行过长（{len(line)} 个字符，上限 {MAX_LINE_CHARS}）")
    return text


# --- normalisation -----------------------------------------------------------------------------

_FULLWIDTH = {chr(0xFF10 + i): str(i) for i in range(10)}
_FULLWIDTH.update({chr(0xFF21 + i): chr(0x41 + i) for i in range(26)})
_FULLWIDTH.update({chr(0xFF41 + i): chr(0x61 + i) for i in range(26)})
_FULLWIDTH.update({
    "．": ".", "（": "(", "）": ")", "／": "/", "％": "%", "～": "~", "＋": "+", "－": "-",
    "＜": "<", "＞": ">", "＝": "=", "　": " ", "∶": "：", "﹪": "%", "ｍ": "m",
    "\u2002": " ", "\u2003": " ", "\u2009": " ", "\u200a": " ", "\u00a0": " ", "\u3000": " ",
    "\u200b": "", "\ufeff": "", "\t": " ",
})
_TRANS = str.maketrans(_FULLWIDTH)

_UNIT_FIXES = [
    ("㎡", "m2"), ("m²", "m2"), ("M²", "m2"), ("㎥", "m3"), ("m³", "m3"), ("㎜", "mm"),
    ("㎞", "km"), ("㎏", "kg"),
]
_CJK = r"\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’、"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ ]+|[ ]+(?=[{_CJK}])")
_SPACE_BEFORE_UNIT = re.compile(r"(?<=\d) +(?=(?:m2|m3|mm|cm|km|min|kg|kV|MPa|lx|m|h|s|t|L|%)(?![A-Za-z]))")
_SPACE_IN_NUMBER = re.compile(r"(?<=\d)[ ]*\.[ ]*(?=\d)")
# `l00m2` (a lower-case L typed for the digit one) in a number after a comparator word.
_L_FOR_ONE = re.compile(r"(?<=[于过为])l(?=\d)")


def normalize(text: str) -> str:
    """One normalised form of code text; keeps line breaks and Chinese punctuation."""
    text = text.translate(_TRANS)
    for old, new in _UNIT_FIXES:
        text = text.replace(old, new)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _L_FOR_ONE.sub("1", text)
    text = _SPACE_IN_NUMBER.sub(".", text)
    lines = []
    for line in text.split("\n"):
        line = _SPACE_NEAR_CJK.sub("", line)
        line = _SPACE_BEFORE_UNIT.sub("", line)
        lines.append(re.sub(r" {2,}", " ", line).strip())
    return "\n".join(lines)


def compact(text: str) -> str:
    """For comparing answers: normalised, without any whitespace."""
    return re.sub(r"\s+", "", normalize(text))


# 至少应有两处 / 不应少于两个: a count written in Chinese numerals reads as digits. One character for
# one, so offsets into the text stay valid (十 and larger are left alone).
_CHINESE_DIGITS = str.maketrans("一二两三四五六七八九", "1223456789")
_COUNT_NUMERAL = re.compile(
    r"(?<=少于|多于|超过|不足|至少|应有|宜有|应设|宜设|设置|均有)([一二两三四五六七八九])"
    r"(?=[处个部座台樘条道具支组根只套扇辆])")


def count_digits(text: str) -> str:
    """`text` with counts in Chinese numerals after a comparator or 有/设置 written as digits."""
    return _COUNT_NUMERAL.sub(lambda m: m.group(1).translate(_CHINESE_DIGITS), text)
