"""The deterministic extractor (`--extractor rules`): spaCy's Chinese pipeline with a domain
lexicon, and a grammar of requirement sentences.

Pipeline: `spacy.blank("zh")` with the default character segmenter; a component that marks
numbers with their units (`VALUE`); an EntityRuler with the lexicon of extraction/lexicon.py
(`CMP` comparators with their modal word, `REQ` requirement verbs such as 应采用, `MODAL`, `OBJ`,
`ATTR`, `VERB`, and `WORD` for words that merely contain a modal character, like 应急).

Grammar, per line (a clause's lead-in, each item, each note), per segment (split at 。 and ；),
per part (split at ，):
  - 除…外 gives an exception; a part that starts with 当/如/若 or ends with 时 is a condition;
    对于X sets the topic; a part without a modal word is a topic (its comparators are conditions
    of the topic, as in 建筑高度大于54m的住宅建筑).
  - In a requirement part the subject is the text before the first modal word. Comparators in the
    subject are conditions; after it, every comparator with its value is a rule on the attribute
    written before it (`X的净宽度不应小于0.90m`), or, when the value is followed by 的, on the thing
    it modifies (`…不低于3.00h的隔墙` → 隔墙); `和2.00h的楼板` repeats the
    comparator for a second thing. 应采用/应为 X gives `==` X (不应/不得/严禁 give `!=`); 应设置 X
    gives attribute 设置; 设置N个X gives a count of X.
  - The object of a part is its subject (one rule per listed object: 户门和安全出口 → two), 其 …
    refers to the last topic (or to what a preceding 设置X时 introduced), and a part without a
    subject inherits the segment's or the line's topic.
Conventions are spelled out in docs/extraction.md; they are the ones the hand-annotated gold under
tests/gold/ follows.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from .lexicon import (
    attribute_dimension, ATTRIBUTES, BASE_PATTERN, COMPARATORS, COUNT_UNITS, MODALS, NOT_MODAL, OBJECT_TAILS, OBJECTS,
    RELATIONAL_ATTRIBUTES, REQUIREMENTS, UNIT_PATTERN,
)
from .models import Condition, ExtractedRule, ExtractionResult
from .text import count_digits, normalize

NAME = "rules"
VERSION = "1.5.2"

# --- spaCy pipeline ----------------------------------------------------------------------------


def _import_spacy() -> Any:
    """Import spaCy without letting thinc import torch (3+ s, and never used by a blank
    pipeline). A process that already imported torch keeps it."""
    blocked = "torch" not in sys.modules
    if blocked:
        sys.modules["torch"] = None  # type: ignore[assignment]
    try:
        import spacy
    finally:
        if blocked:
            sys.modules.pop("torch", None)
    return spacy


NUMBER_RE = re.compile(
    rf"(?<![A-Za-z\d./\-])(\d+(?:\.\d+)?(?:/\d+)?)(?![\d.])(?:\s*({UNIT_PATTERN}))?")
FOREIGN_NUMBER_TAIL = re.compile(r"(?:GB|GBJ|JGJ|CJJ|CECS|DN|GB/T)\s*$")


def _values_component(doc: Any) -> Any:
    spans = []
    text = doc.text  # built from the tokens on every access: read it once
    for match in NUMBER_RE.finditer(text):
        if FOREIGN_NUMBER_TAIL.search(text[max(0, match.start() - 6):match.start()]):
            continue
        span = doc.char_span(match.start(), match.end(), label="VALUE", alignment_mode="expand")
        if span is not None:
            spans.append(span)
    from spacy.util import filter_spans
    doc.ents = filter_spans(spans)
    return doc


def _patterns() -> list[dict[str, Any]]:
    patterns: list[dict[str, Any]] = []
    for word, (op, strength) in COMPARATORS.items():
        patterns.append({"label": "CMP", "pattern": word, "id": f"{op}|{strength or ''}"})
    for word, (verb, op, strength) in REQUIREMENTS.items():
        patterns.append({"label": "REQ", "pattern": word, "id": f"{verb}|{op}|{strength}"})
    for word, (strength, negative) in MODALS.items():
        patterns.append({"label": "MODAL", "pattern": word, "id": f"{strength}|{int(negative)}"})
    for word, dim in ATTRIBUTES.items():
        patterns.append({"label": "ATTR", "pattern": word, "id": dim})
    for word in OBJECTS:
        patterns.append({"label": "OBJ", "pattern": word})
    for word in ("设置", "采用"):
        patterns.append({"label": "VERB", "pattern": word, "id": word})
    for word in NOT_MODAL:
        patterns.append({"label": "WORD", "pattern": word})
    return patterns


def build_nlp() -> Any:
    spacy = _import_spacy()
    from spacy.language import Language

    if not Language.has_factory("firecheck_values"):
        Language.component("firecheck_values", func=_values_component)
    nlp = spacy.blank("zh")  # default segmenter: one token per character
    nlp.add_pipe("firecheck_values")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": False})
    ruler.add_patterns(_patterns())
    return nlp


# --- text helpers ------------------------------------------------------------------------------

Ent = tuple[int, int, str, str]          # start, end (chars, line-relative), label, id

SEGMENT_SPLIT = re.compile(r"[。；;]")
CLAUSE_PREFIX = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{1,3}[A-Z]?\s*")
ITEM_PREFIX = re.compile(r"^(?:\d{1,2}(?![\d.])\s*(?=[\u4e00-\u9fff“(])|\d{1,2}\)\s*|\(\d{1,2}\)\s*)")
NOTE_PREFIX = re.compile(r"^注\s*[：:]\s*")
TABLE_TITLE = re.compile(r"^表\s*\d+(?:\.\d+){1,2}")
INLINE_ITEM = re.compile(r"(?<=[：:；;。])\s*(?=\d{1,2}(?![\d.])\s*[\u4e00-\u9fff])")
LEAD_IN = re.compile(r"(?:下列|以下)(?:规定|要求|条件|条件之一|措施)(?:之一)?[的]?[^，。；]*[：:]\s*$|[：:]\s*$")

CONNECTORS = ("并且", "而且", "同时", "否则", "并应", "并宜", "但应", "且应", "并", "且", "但", "而", "另", "又", "或")
DETERMINERS = ("每个", "每间", "每层", "每座", "每部", "每樘", "每台", "每栋", "每一", "每", "其他", "其余", "各类",
               "下列", "上述", "该", "所有", "全部", "任一", "第一个", "两个", "一个", "各", "相邻",
               "其中", "同一", "多个", "若干", "相应")
SUBJECT_SUFFIXES = ("之间", "内外", "周围", "两侧", "单侧", "一侧", "下面", "上面", "下部", "上部", "四周", "周边",
                    "附近", "内部", "内", "外", "上", "中")
PSEUDO_HEADS = ("最近边缘", "防火设计", "设置", "敷设", "布置", "设计", "安全疏散距离", "四周", "周围", "附近",
                "适当位置", "明显位置", "范围", "上方", "下方", "顶部", "底部")
VALUE_STOP = re.compile(r"[，。；,;]|或具有[^，。；]*功能|或(?=[^，。；或]{1,12}(?:应|宜|必须|不应|不宜|不得))|或(?=采用|设置)|(?<=.)将(?=[^，。；]{1,20}(?:封堵|填塞|填实|分隔|隔开))|并|且|(?<=.)与(?!.{0,14}相适应)|(?<=..)在|进行|(?<=.)做|(?<=[^制操工动])作(?!用)|以便|用于")
CALCULATION_LEAD = re.compile(r"^(?:根据[^，]*?)?(?:按|以)(?:每\d+(?:人|m2))?的?|^根据[^，]*$")
PLACE_WORDS = set(SUBJECT_SUFFIXES + PSEUDO_HEADS) | {"外侧", "内侧", "两端", "端部", "周边", "侧面"}
VALUE_TRAILING = ("填塞密实", "填塞", "填实", "分隔", "制作", "保护", "封堵", "供暖", "处理", "隔开", "防护", "密封", "等措施", "供气")
NUMERIC_END = re.compile(r"^(?:$|[，。；、：:)）的且并和及或时处,;(（]|计算|确定|范围|以上|以下|以内|之内|之间|$)")
ORDINAL_RE = re.compile(r"^([一二三四]级|[甲乙丙丁]级|[A-D]\d?级|B[12](?!\d))")
COND_VERBS = re.compile(r"采用|设置|贴邻|与|设有|需|确需|位于|布置|穿越|敷设|通向|连接|利用|进行|仅符合|符合|为")
STOREY_WORD = re.compile(r"(?:首|顶|[一二三四五六七八九十\d]+|各|每|上部各)层$")
COUNT_ATTRS = {"层": "层数", "人": "人数"}
RATIO_RE = re.compile(r"^\d+(?:\.\d+)?[:：]\d+(?:\.\d+)?(?:[~～]\d+(?:\.\d+)?[:：]\d+(?:\.\d+)?)?")  # 1:8, 1:1~1:1.5
COMPARED_NUMBER = re.compile(rf"(?:{BASE_PATTERN}|不足)\d")   # 大于32m: a comparison, not a thing
# parts of a thing: a requirement on one (窗口的…，下沿距地面不宜大于…) does not change the topic
PART_WORDS = {"下沿", "上沿", "边缘", "外缘", "下檐", "底部", "顶部", "端部", "表面"}
COUNT_UNIT_PATTERN = "|".join(sorted(COUNT_UNITS, key=len, reverse=True))


def _strip_parenthetical(text: str) -> str:
    match = re.search(r"\(([^()]*)\)$", text)
    if match and len(match.group(1)) >= 3:
        return text[: match.start()]
    return text


def _last_de(text: str) -> int:
    """Index of the last 的 outside parentheses, or -1."""
    depth = 0
    for index in range(len(text) - 1, -1, -1):
        ch = text[index]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth = max(0, depth - 1)
        elif ch == "的" and depth == 0:
            return index
    return -1


def _split_top(text: str, separators: str) -> list[tuple[str, str]]:
    """Split at single-character separators outside parentheses → [(piece, separator before)]."""
    pieces: list[tuple[str, str]] = []
    depth, start, sep = 0, 0, ""
    index = 0
    while index < len(text):
        ch = text[index]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif depth == 0:
            if ch == "及" and text.startswith(("以上", "以下"), index + 1):
                index += 1
                continue
            if text.startswith("以及", index):
                pieces.append((text[start:index], sep))
                sep, start = "及", index + 2
                index += 2
                continue
            if ch in separators:
                pieces.append((text[start:index], sep))
                sep, start = ch, index + 1
        index += 1
    pieces.append((text[start:], sep))
    return pieces


def _cut(text: str, pattern: re.Pattern[str] | str) -> int:
    """Index of the first match of `pattern` outside parentheses, or len(text)."""
    regex = re.compile(pattern) if isinstance(pattern, str) else pattern
    depth = 0
    spans = []
    for index, ch in enumerate(text):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        spans.append(depth)
    for match in regex.finditer(text):
        if match.start() < len(spans) and spans[match.start()] == 0 and text[match.start()] not in "(（":
            return match.start()
    return len(text)


QUANTIFIER = re.compile(r"^(?:[一二两三四五六七八九十\d]+|单|每)(?:个|排|座|台|部|樘|栋|组|道|条|根|套|处|户)(?=.{2,}|[门窗墙梯]$)")


def _strip_determiners(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        match = QUANTIFIER.match(text)
        if match:
            text, changed = text[match.end():], True
            continue
        for word in DETERMINERS:
            if text.startswith(word) and (len(text) > len(word) + 1
                                          or (word == "每" and len(text) == 2 and text[1] in "组区层间座")):
                text, changed = text[len(word):], True
                break
    return text


def _clean_object(text: str) -> str:
    text = text.strip("，、,： ")
    if text.startswith("在"):
        text = text[1:]
    text = _strip_parenthetical(text)
    text = re.sub(r"^[\d.]+[A-Za-z]*及以[上下]", "", text)
    text = _strip_determiners(text)
    if text.startswith("其") and not text.startswith(("其他", "其余", "其中")) and len(text) > 2:
        text = text[1:]
    if text.startswith("独立") and len(text) >= 4 and _is_object_word(text[2:]):
        text = text[2:]  # 直通室外的独立安全出口 → 安全出口, 独立甲、乙类单层厂房 → 甲、乙类单层厂房
    if text.startswith("该") and len(text) == 2 and text[1] in OBJECT_TAILS:
        text = text[1:]  # 该门 → 门
    if text.endswith("任一点"):
        return "任一点"
    timed = re.match(r"^.{2,}时(.{2,})$", text)
    if timed and not text.startswith(("当", "如")):
        text = _strip_determiners(timed.group(1))   # 门扇同时开启时两道门 → 门
    if re.fullmatch(r"[^的]{1,3}[后前]", text):
        return ""   # 分隔后的耐火极限: a time, not a thing; the requirement is the topic's
    changed = True
    while changed:
        changed = False
        for suffix in SUBJECT_SUFFIXES:
            if text.endswith(suffix) and (len(text) - len(suffix) >= 2
                                          or (suffix == "之间" and text[0] in "组区")):
                text, changed = text[: -len(suffix)], True
                break
    # 住宅单元每层相邻两个安全出口 → 安全出口: a distributive scope inside the phrase, the thing after it
    inner = list(re.finditer(r"每个|每层|每间|每座|相邻|两个", text))
    if inner and inner[0].start() > 0 and len(text) - inner[-1].end() >= 2:
        text = _strip_determiners(text[inner[-1].end():])
    if text.endswith("最近边缘") and _is_object_word(text[:-4]):
        text = text[:-4]   # 安全出口最近边缘之间的水平距离: the distance between the exits
    if text.endswith("间") and len(text) >= 4 and text[-2] in "线物筑墙罐门窗口件":
        text = text[:-1]   # 道路中心线间的距离: 间 is "between"
    measured = re.sub(r"(?:周围|四周|两侧|周边)?\d+(?:\.\d+)?m(?:范围|以内|之内)?$", "", text)
    if measured != text and len(measured) >= 2:
        text = measured
    # 公共建筑内疏散门 → 疏散门: a location prefix `X内` / `X中` is scope, not the object.
    text = re.sub(r"(?<=..)从[^的]*$", "", text)   # 电梯从首层(到达…): the thing is 电梯
    match = re.match(r"^(.{2,}?|[组区])[内中](.{2,})$", text)   # also 组内储罐 → 储罐
    if match and "(" not in match.group(1) and match.group(1)[-1] in OBJECT_TAILS \
            and not match.group(1).endswith(("室", "井", "户")) \
            and not match.group(2).startswith(("侧", "墙", "院", "走", "间", "庭", "心", "部", "廊", "外", "天")):
        text = match.group(2)
    text = _strip_determiners(text)
    # 一、二级耐火等级老年人照料设施 → 老年人照料设施: a fire-resistance grade is scope (a bare 建筑 keeps it)
    graded = re.match(r"^[一二三四](?:[、和或][一二三四])*级耐火等级的?(.{2,})$", text)
    if graded and graded.group(1) != "建筑":
        text = graded.group(1)
    # 两车道 → 车道: a bare count before a lexicon thing is not part of its name
    counted = re.match(r"^(?:两|[二三四五六七八九十]+)(?:个|座|部|樘|条)?(.{2,})$", text)
    if counted and counted.group(1) in OBJECTS:
        text = counted.group(1)
    # 建筑外墙上门 → 门: a door or window in a wall or floor is the constrained thing
    placed = re.match(r"^(.{2,}[墙板])上的?(.+)$", text)
    if placed and (placed.group(2) in OBJECTS or placed.group(2)[-1] in OBJECT_TAILS):
        text = placed.group(2)
    # 隧道通向车行疏散通道入口 → 入口: a thing named by where it leads is the opening itself
    leading = re.match(r"^.{1,12}?(?:通向|通往|通至)(.{2,})$", text)
    if leading:
        tail = next((leading.group(1)[i:] for i in range(len(leading.group(1)) - 1)
                     if leading.group(1)[i:] in OBJECTS), None)
        if tail:
            text = tail
    # 避难走道防火隔墙 → 防火隔墙: a lexicon thing owned by another lexicon thing is the constrained one
    if text not in OBJECTS:
        for split in range(2, len(text) - 1):
            if text[:split] in OBJECTS and text[split:] in OBJECTS and text[split - 1] in "道间室厅":
                return text[split:]
    return text


def noun_objects(np: str, relational: bool = False) -> list[str]:
    """The objects a noun phrase names: the head after its last 的, one per listed object."""
    np = np.strip("，、,：: ")
    for word in CONNECTORS:
        if np.startswith(word) and len(np) > len(word):
            np = np[len(word):]
            break
    if np.startswith("其") and not np.startswith(("其他", "其余", "其中")):
        np = np[1:]
    if not np:
        return []
    relational = relational or (np.endswith("之间") and "与" in np)  # 场地与厂房、仓库之间不应设置…: the first party
    joined = re.search(r"与[^与的]{1,12}(?:邻接|相邻|连接|相连|连通|相通|交叉)$", np)
    if joined and joined.start() >= 2:
        np = np[: joined.start()]   # 建筑基地与城市道路邻接的总长度: the first party
    marker = re.search(r"至|到达|到|距(?!离)" + ("|与|和(?=.*之间$)" if relational else ""), np)
    if marker and marker.start() > 0 and not relational and "的" in np[marker.end():]:
        marker = None   # 首层至室外的汽车疏散出口: the head after 的 is the thing
    if marker and marker.start() > 0:
        np = np[: marker.start()]
    # `A的X和B的Y`: every conjunct has its own 的 → split first, then take each head
    conjuncts = [piece for piece, _ in _split_top(np, "和及")]
    if len(conjuncts) < 2 or not all(_last_de(c) >= 0 for c in conjuncts):
        conjuncts = [piece for piece, _ in _split_top(np, "和及或")]
    if len(conjuncts) > 1 and all(_last_de(c) >= 0 for c in conjuncts):
        out: list[str] = []
        for conjunct in conjuncts:
            out += [o for o in noun_objects(conjunct, relational) if o not in out]
        return out
    # 公共建筑、建筑高度大于54m的住宅建筑: a listed object before a relative clause keeps its place
    first_de = _last_de(np.split("的")[0] + "的") if "的" in np else -1
    listed = _split_top(np[:first_de], "、") if first_de > 0 else []
    relative_start = r"大于|小于|不超过|不低于|超过|低于|设置|[设充具含]有|用于|采用|储存|生产|使用|发生|仍需|需要"
    # A、B和储存…的C / A以及发生火灾时…的C: the last listed object comes before 和/以及
    last = re.match(r"^(.+?)(以及|和|及)(.*)$", listed[-1][0]) if listed else None
    if last and not (re.search(relative_start, last.group(3)) and not re.search(relative_start, last.group(1))):
        last = None
    if (len(listed) > 1 or last) and re.search(relative_start, listed[-1][0]):
        lead = "、".join(piece for piece, _ in listed[:-1])
        skip = len(lead) + 1
        if last:
            lead += ("、" if lead else "") + last.group(1)
            skip = len(lead) + len(last.group(2))
        lead_objects = noun_objects(lead)
        if lead_objects and all(_is_object_word(o) and len(o) >= 3 for o in lead_objects):
            rest = noun_objects(np[skip:], relational)
            return lead_objects + [o for o in rest if o not in lead_objects]
    de = _last_de(np)
    while de >= 0 and np[de + 1:] in PSEUDO_HEADS:
        np = np[:de]
        de = _last_de(np)
    if de >= 0 and de < len(np) - 1:
        np = np[de + 1:]
    for head in PSEUDO_HEADS:
        if np.endswith(head) and len(np) > len(head):
            np = np[: -len(head)]
    np = re.sub(r"等$", "", np)
    verb_phrase = re.search(r"(?<=..)(?:可供|用于)", np)
    if verb_phrase and _last_de(np) < 0:
        np = np[: verb_phrase.start()]
    etc = [m.end() for m in re.finditer(r"等(?![级于同效])", np)]
    if etc and len(np) - etc[-1] >= 2:
        np = np[etc[-1]:]
    np = _strip_parenthetical(np)
    pieces = _split_top(np, "和及与或、")
    # 甲、乙类厂房 / 露天、半露天堆场 / 地下或半地下建筑: a short piece modifies the next one
    merged: list[str] = []
    joiner = ""
    for piece, sep in reversed(pieces):
        if merged and joiner in "、或" and len(merged[0]) >= 3 and (
                (len(piece) == 1 and not (piece in OBJECTS and _clean_object(merged[0]) in OBJECTS))
                or (len(piece) <= 2 and piece in merged[0])
                or (joiner == "、" and piece[-1:] in "甲乙丙丁戊" and merged[0][0] in "甲乙丙丁戊")
                or (joiner == "、" and piece.endswith("单") and merged[0].startswith("多"))
                or (joiner == "或" and len(piece) <= 2 and piece[0] == merged[0][0])
                or (joiner in "、或" and _strip_determiners(piece) in ("单层", "地下")
                    and merged[0].startswith(("多层", "半地下")))
                # 可燃、难燃保温材料 / 明火或高温部位: a bare modifier shares the next piece's head
                or (joiner in "、或" and 2 <= len(piece) <= 3 and piece not in OBJECTS
                    and piece[-1] not in OBJECT_TAILS and (piece[-1] in merged[0][:len(piece) + 1]
                                                           or (joiner == "或" and len(piece) == 2)))) \
                and not (joiner == "或" and piece in OBJECTS and merged[0] in OBJECTS):
            merged[0] = piece + joiner + merged[0]
        else:
            merged.insert(0, piece)
        joiner = sep
    if len(merged) > 1:  # 湿式与干式储罐: a bare modifier in a list is not an object
        merged = [m for m in merged if len(m) > 2 or m in OBJECTS or (m and m[-1] in OBJECT_TAILS)]
    if relational and any("相邻" in m for m in merged):
        # 每个防火分区的每个楼层、…相邻两个安全出口之间的距离: the scopes are not the measured pair
        merged = [m for m in merged if "相邻" in m]
    objects = []
    for piece in merged:
        cleaned = _clean_object(piece)
        if cleaned in PLACE_WORDS or re.match(r"^(?:面向|朝向|靠近|沿)", cleaned):
            continue  # 四周应设置…, 靠墙的外侧可采用…: a place, the thing is the topic
        if cleaned and cleaned not in objects and len(cleaned) <= 30:
            objects.append(cleaned)
    return objects


_ATTRIBUTES_BY_LAST: dict[str, list[str]] = {}
for _word in sorted(ATTRIBUTES, key=len, reverse=True):
    _ATTRIBUTES_BY_LAST.setdefault(_word[-1], []).append(_word)


def attribute_suffix(text: str) -> tuple[int, str] | None:
    """The longest lexicon attribute that `text` ends with → (start index, word)."""
    if not text:
        return None
    for word in _ATTRIBUTES_BY_LAST.get(text[-1], ()):
        if text.endswith(word):
            return len(text) - len(word), word
    return None


def _is_object_word(text: str) -> bool:
    return text in OBJECTS or (len(text) >= 2 and text[-1] in OBJECT_TAILS)


def split_subject(region: str) -> tuple[str, str | None]:
    """`X的Y属性` → (X, attribute). The attribute is the text after the last 的 when it ends with
    a lexicon attribute; a leading thing (`疏散门数量`, `保护层厚度`) goes back to the noun phrase;
    coordinated attributes stay together (`耐火隔热性和耐火完整性`, split later)."""
    found = attribute_suffix(region)
    if not found:
        verb = re.search(r"距离?(?=[^的]{2,}$)", region)
        if verb and (verb.start() > 0 or verb.group(0) == "距离"):  # 场地的边缘距离建筑外墙 / 下沿距室内地面（不宜大于…）: 距(离) as a verb
            return region[: verb.start()], "距离"
        return region, None
    start, word = found
    direction = re.search(r"(?:垂直|水平|竖向|横向|纵向|通行)$", region[:start])
    if direction and direction.start() > 0:   # 栏板垂直净高: the direction belongs to the attribute
        start = direction.start()
        word = region[start:]
    repeated = re.search(rf"的{re.escape(word)}(?=[和及、])", region[:start])
    if repeated and region[start - 1] == "的":
        # 车行横通道的间隔和隧道通向…入口的间隔: one attribute, two owners
        region = region[:repeated.start()] + region[repeated.end():]
        start -= repeated.end() - repeated.start()
    # coordinated attributes: 耐火隔热性和耐火完整性
    while start > 1 and region[start - 1] in "和及、与或":
        before = attribute_suffix(region[: start - 1])
        if not before:
            break
        start = before[0]
    de = _last_de(region[:start]) if start > 0 else -1
    lead = region[de + 1:start]
    if re.match(r"^(?:单|每)[台个罐座层间]?$", lead):  # 单台容量, 每层建筑面积: one attribute
        return (region[:de] if de >= 0 else ""), region[de + 1:]
    verb = re.search(r"(?:采用|采取|具有|满足|设有|分隔为|分隔成|划分为)(?!.*(?:采用|采取|具有|满足|设有|分隔|划分))",
                     lead)
    if verb and de < 0:  # 防火隔墙在首层采用耐火极限不低于…: the verb's object is the attribute
        return re.sub(r"(?<=.)在.*$", "", region[:verb.start()]), region[start:]
    if lead and (len(lead) > 6 or _is_object_word(lead) or re.search(r"[其和及与或、]", lead)):
        return region[:start], region[start:]
    return (region[:de] if de >= 0 else ""), region[de + 1:]


def split_attributes(attribute: str) -> list[str]:
    pieces = [p for p in re.split(r"[和及、与或]", attribute) if p]
    if len(pieces) > 1 and all(attribute_suffix(p) for p in pieces):
        return pieces
    return [attribute]


@dataclass
class Part:
    start: int
    end: int
    text: str
    ents: list[Ent]


@dataclass
class SegmentState:
    topic: list[str]
    topic_attribute: str | None = None
    conditions: list[Condition] = field(default_factory=list)
    exceptions: list[Condition] = field(default_factory=list)
    cond_subject: list[str] = field(default_factory=list)
    introduced: list[str] = field(default_factory=list)       # by the part before (设置X时)
    introducing: list[str] = field(default_factory=list)      # by this part
    last_objects: list[str] = field(default_factory=list)
    last_attribute: str | None = None
    local_topic: bool = False
    last_strength: str | None = None      # of the last requirement part (for 或…/并… parts)
    pending_strength: str | None = None   # 应保证/应使…，X不小于…: the next part is required
    listed: list[str] = field(default_factory=list)  # 甲区，乙区，丙区和丁区，应…: the list so far
    start: int = 0                        # where the segment starts in the line
    scope_candidate: list[str] = field(default_factory=list)  # 对于X, read as a scope for now
    scope_condition: Condition | None = None                  # the condition that reading added
    attribute_topic: bool = False         # a part `X的Y，` set the topic and its attribute
    opening: list[str] = field(default_factory=list)        # 需要开设门、窗时: the openings
    opening_host: list[str] = field(default_factory=list)   # and the wall they are opened in
    scoped_kinds: bool = False            # a part named kinds of that topic (a scope, not a thing)


CONNECTOR_RE = re.compile(r"^(?:并且|而且|同时|否则|但|并(?![列联排])|且|而|另|又)")
ADVERBIAL_SUBJECT = re.compile(r"^(?:在|于).*(?:前|后|时|之前|之后|期间)$")


class _LineParser:
    """Parses one line (lead-in, item or note) of a clause."""

    def __init__(self, text: str, ents: list[Ent], topic: list[str],
                 conditions: list[Condition], exceptions: list[Condition],
                 topic_attribute: str | None = None, lead_scope: bool = False, standalone: bool = False,
                 item_scopes: bool = False):
        self.text = text
        # an item under `X应符合下列规定：` where X is a thing (no attribute): `对于Y，…` narrows the
        # scope of X, it does not change the object (绝热材料…：对于甲类厂房，应采用不燃材料)
        self.lead_scope = lead_scope
        self.ents = sorted(ents)
        self.topic = list(topic)
        self.topic_attribute = topic_attribute
        self.last_attribute: str | None = None
        self.subject_attribute: str | None = None   # of the line's last requirement subject
        self.base_conditions = list(conditions)
        self.base_exceptions = list(exceptions)
        self.rules: list[ExtractedRule] = []
        self.rule_starts: list[int] = []    # where the part that produced each rule starts
        self.current_start = 0
        self.prev_objects: list[str] = []   # the last objects of the segment before
        self.prev_scoped = False            # the segment before began with 对于X (a list of scopes)
        self.scope_carry: tuple[list[str], str] | None = None   # (thing, attribute) kinds are scopes of
        # the items of `X的Y应符合下列规定：` name kinds (高度大于50m的Z，不应小于2h): scopes of X
        self.item_kinds_are_scopes = item_scopes and bool(topic) and topic_attribute is not None
        # a sentence of its own (not an item, not a lead-in) without any modal word
        self.modal_free = standalone and not any(
            label in ("MODAL", "REQ") or (label == "CMP" and kid.split("|")[1]) for _, _, label, kid in ents)

    # -- structure --

    def parts(self, start: int, end: int) -> list[Part]:
        out = []
        depth, begin = 0, start
        for index in range(start, end + 1):
            ch = self.text[index] if index < end else "，"
            if ch in "(（":
                depth += 1
            elif ch in ")）":
                depth = max(0, depth - 1)
            ratio = ch in "：:" and 0 < index < end - 1 and self.text[index - 1].isdigit() \
                and self.text[index + 1].isdigit()   # 1:8 is a value
            if (ch in "，,：:" and depth == 0 and not ratio) or index == end:
                if index > begin:
                    out.append(self._part(begin, index))
                begin = index + 1
        return out

    def _part(self, start: int, end: int) -> Part:
        ents = [(s - start, e - start, label, kid) for s, e, label, kid in self.ents
                if s >= start and e <= end]
        return Part(start, end, self.text[start:end], ents)

    def run(self) -> list[ExtractedRule]:
        pos = 0
        for match in list(SEGMENT_SPLIT.finditer(self.text)) + [None]:
            end = match.start() if match else len(self.text)
            if end > pos:
                self.segment(pos, end)
            pos = match.end() if match else len(self.text)
        return self.rules

    # -- segments and parts --

    def segment(self, start: int, end: int) -> None:
        state = SegmentState(topic=list(self.topic), topic_attribute=self.topic_attribute,
                             last_attribute=self.last_attribute, start=start)
        if self.scope_carry is not None:   # X的Y：A，不应小于…；B，不应小于…: B is a scope of X too
            state.topic, state.topic_attribute = list(self.scope_carry[0]), self.scope_carry[1]
            state.local_topic = state.attribute_topic = True
        self.scope_carry = None
        for part in self.parts(start, end):
            state.introduced, state.introducing = state.introducing, []
            self.current_start = part.start
            self.part(part, state)
        if state.scoped_kinds and state.topic and state.topic_attribute:
            self.scope_carry = (list(state.topic), state.topic_attribute)
        if state.topic:
            self.topic = state.topic
        self.last_attribute = state.last_attribute
        self.prev_objects = state.last_objects
        self.prev_scoped = self.text[start:end].lstrip().startswith("对于")

    def part(self, part: Part, state: SegmentState) -> None:
        text = part.text
        offset = 0
        inner = re.match(r"^([^，除应宜不]{1,12}?)除(.+?)(?:以)?外$", text)
        if inner:
            # 井壁除设置…外，不应设置其他开口: the exception sits inside the subject; the thing is 井壁
            # (X除应符合本规范…外，尚应…: a reference, no exception, the thing is still X)
            if not re.search(r"本规范|另有规定|国家|现行", inner.group(2)):
                state.exceptions.append(Condition(attribute=inner.group(2), operator="==", value=True))
            part = self._part(part.start, part.start + len(inner.group(1)))
            text = part.text
        exc = re.match(r"^除(.+?)(?:以)?外", text)
        if exc:
            content = exc.group(1)
            if not re.search(r"本规范|另有规定|国家|现行", content):
                state.exceptions.append(Condition(attribute=content, operator="==", value=True))
            offset = exc.end()
            if offset >= len(text):
                return
        body = text[offset:]
        listed, state.listed = state.listed, []
        if body.startswith("对于") and self.lead_scope and not re.search(r"[应宜可]", body):
            state.conditions.append(Condition(attribute=body[2:], operator="==", value=True))
            return
        if body.startswith("对于"):
            scoped = noun_objects(body[2:])
            if offset == 0 and part.start == state.start and self.prev_objects and self.last_attribute \
                    and not self.prev_scoped:
                # X的面积不应小于…；对于高层建筑，不宜小于…: a scope of the requirement before,
                # unless the next part names its own subject
                state.scope_candidate = scoped
                state.scope_condition = Condition(attribute=body[2:], operator="==", value=True)
                state.conditions.append(state.scope_condition)
                state.topic, state.local_topic = list(self.prev_objects), True
                state.topic_attribute = self.last_attribute
                return
            state.topic = scoped or state.topic
            state.local_topic = True
            return
        if re.match(r"^(?:其他|其余)[^的，]{1,10}$", body) and state.topic and not self._has_modal(part, offset):
            # 一类X的Y不应小于1.5h；其他X，不应小于1.0h: a scope, the thing stays
            state.conditions.append(Condition(attribute=body, operator="==", value=True))
            return
        if (body.startswith(("当", "如", "若")) or re.search(r"时\)?$", body)) \
                and not re.search(r"时.*(?:应|宜|必须|不得|严禁)", body):
            self.condition(part, offset, state)
            return
        first_party = state.last_objects or self.prev_objects
        if body.startswith("与") and offset == 0 and first_party and not self._has_modal(part, offset) \
                and not any(e[2] == "CMP" for e in part.ents) and "的" not in body:
            # A与B的防火间距不宜小于50m；与C，不宜小于30m: C is the second party, the thing stays A
            state.topic, state.local_topic, state.last_objects = list(first_party), True, list(first_party)
            return
        if not self._has_modal(part, offset):
            inherited = state.pending_strength or (
                state.last_strength if re.match(r"^(?:或|并|且|但)", body) else None)
            if inherited is None and self.modal_free and self._ends_with_comparison(part, offset):
                inherited = "应"   # a line without any modal word: 其闪点不低于60℃ states a requirement
            has_comparator = any(e[2] == "CMP" and e[0] >= offset for e in part.ents)
            if inherited and has_comparator:
                self.requirement(part, offset, state, inherited=inherited)
                return
            self.topic_part(part, offset, state)
            if offset == 0 and not re.search(r"[为有在时了]|使用|设置|采用|采取|具有|满足", body) \
                    and split_subject(body)[1] is None:
                objects = noun_objects(body)
                if objects and all(_is_object_word(o) for o in objects) \
                        and not any(e[2] == "CMP" for e in part.ents):
                    state.listed = listed + objects
            return
        self.requirement(part, offset, state, listed=listed if offset == 0 else [])

    def _measured(self, part: Part, cmp_end: int) -> bool:
        """The comparator ending at `cmp_end` has a number with a unit of measure (not a count)."""
        parsed = self.parse_value(part.text, cmp_end)
        return bool(parsed) and isinstance(parsed[0], (int, float)) and parsed[1] is not None \
            and parsed[1] not in COUNT_UNITS

    def _ends_with_comparison(self, part: Part, offset: int) -> bool:
        """The part's last comparator has its value at the end of the part (not 大于24m的X)."""
        comparators = [e for e in part.ents if e[2] == "CMP" and e[0] >= offset]
        if not comparators:
            return False
        parsed = self.parse_value(part.text, comparators[-1][1])
        return bool(parsed) and not part.text[parsed[2]:].strip("，。；,; ")

    def _has_modal(self, part: Part, offset: int) -> bool:
        for s, _, label, kid in part.ents:
            if s < offset:
                continue
            if label in ("MODAL", "REQ") or (label == "CMP" and kid.split("|")[1]):
                return True
        return False

    def topic_part(self, part: Part, offset: int, state: SegmentState) -> None:
        """A part without a modal word: a topic (`…的防火间距，不应小于…`), with its conditions."""
        body = part.text[offset:]
        conds, _ = self.comparisons(part, offset, len(part.text), state)
        state.conditions.extend(conds)
        if body.startswith("在"):
            body = body[1:]
        if CONNECTOR_RE.match(body) or not body:
            return
        np, attr = split_subject(body)
        kinds_are_scopes = state.attribute_topic or (self.item_kinds_are_scopes and part.start == state.start)
        if attr is None and kinds_are_scopes and state.topic and offset == 0 \
                and not re.search(r"[为有在]|设置|采用|使用|对于", body):
            # 前室的使用面积：公共建筑、高层厂房，不应小于…: kinds of building, a scope of the thing
            state.conditions.append(Condition(attribute=body, operator="==", value=True))
            state.scoped_kinds = state.local_topic = True
            if state.topic_attribute is None:
                state.topic_attribute = self.topic_attribute
            return
        if attr is not None and not conds:
            objects = noun_objects(np, relational=attr.endswith(RELATIONAL_ATTRIBUTES))
            if objects:
                state.topic, state.local_topic = objects, True
            state.topic_attribute = attr
            state.last_attribute = attr
            state.last_objects = objects or state.last_objects
            state.attribute_topic = True
            return
        objects = noun_objects(body)
        if re.search(r"为|采取|设置|采用|无|有", body) and _last_de(body) < 0:
            return  # a statement, not a noun phrase
        if objects and (_last_de(body) >= 0 or _is_object_word(objects[-1]) or not conds):
            state.topic, state.local_topic = objects, True
            state.last_objects = objects

    # -- conditions --

    def condition(self, part: Part, offset: int, state: SegmentState) -> None:
        text = part.text
        body = text[offset:]
        inner_start = offset + (1 if body.startswith(("当", "如", "若")) else 0)
        inner_end = len(text) - (1 if text.endswith("时") else 2 if text.endswith("时)") else 0)
        conds, subjects = self.comparisons(part, inner_start, inner_end, state)
        inner = text[inner_start:inner_end]
        if conds:
            state.conditions.extend(conds)
        elif inner and not re.search(r"本规范|有困难", inner):
            state.conditions.append(Condition(attribute=inner, operator="==", value=True))
        verb = COND_VERBS.search(inner)
        if verb and verb.start() > 0:
            np, _ = split_subject(inner[:verb.start()])
            subject = noun_objects(np)
            if subject and len(subject[0]) <= 12:
                state.cond_subject = subject
        elif subjects:
            state.cond_subject = subjects
        opened = re.search(r"(开设|(?<![内外])开(?![向启敞放关])|设置)(?:[^，的]*的)?([^，的]{1,6})$", inner)
        opening = noun_objects(opened.group(2)) if opened else []
        if opening and re.fullmatch(r"[门窗](?:[、和或][门窗])+", opening[0]):
            opening = re.split(r"[、和或]", opening[0])
        if opening and (opened.group(1) != "设置" or all(o[-1] in "门窗" for o in opening)):
            walls = re.findall(r"防火隔墙|防火墙|隔墙|楼板", self.text[:part.start])
            state.opening_host = walls[-1:]   # the wall named last before the opening
            state.cond_subject = state.topic = state.opening = opening
            state.local_topic = True  # 隔墙上需开设相互连通的门时 / 在隔墙上设置门、窗时 → 门(、窗)
        introduced = re.search(r"(?:设置|采用|设有)(.+)$", inner)
        if introduced:
            state.introducing = noun_objects(introduced.group(1)[: _cut(introduced.group(1), r"[，、]")])

    # -- requirements --

    def requirement(self, part: Part, offset: int, state: SegmentState,
                    inherited: str | None = None, listed: list[str] | None = None) -> None:
        text = part.text
        anchors = [e for e in part.ents if e[0] >= offset and (
            e[2] in ("MODAL", "REQ") or (e[2] == "CMP" and (e[3].split("|")[1] or inherited)))]
        first = anchors[0][0]
        state.pending_strength = None
        raw_subject = text[offset:first]
        if state.scope_candidate:
            # 对于X，其…/对于X，Y应…: X was the topic after all (a bare comparator keeps the scope)
            if self._trim(raw_subject) or anchors[0][2] != "CMP":
                state.topic, state.topic_attribute = state.scope_candidate, self.topic_attribute
                if state.scope_condition in state.conditions:
                    state.conditions.remove(state.scope_condition)
            state.scope_candidate, state.scope_condition = [], None
        continuing = bool(CONNECTOR_RE.match(raw_subject))
        # comparators in the subject (without their own modal) are conditions of the subject
        subj_conds, _ = self.comparisons(part, offset, first, state)
        state.conditions.extend(subj_conds)
        region = raw_subject
        region = re.sub(r"除.+?外", "", self._trim(region))
        region = _strip_parenthetical(region)   # 平台的净深度(从…至…的距离): an explanation
        region = re.sub(r"(?<=.)在下列(?:部位|位置|场所)$", "", region)   # 风管在下列部位应设置…: 风管
        storey = re.search(r"(?:首层|顶层|其他层|其余层|各层|地上各层|地下各层)$", region)
        if storey and (storey.start() == 0 or attribute_suffix(region[: storey.start()])):
            region = region[: storey.start()]  # a storey scope, not the subject
        if ADVERBIAL_SUBJECT.match(region):
            region = ""
        objects, subject_attr = self._subject(region, state, continuing)
        if subject_attr is None and region and anchors[0][2] == "CMP" and self._measured(part, anchors[0][1]):
            guessed = guess_attribute(region)   # 放水旋塞的通径不应小于19mm: a word outside the lexicon
            if guessed:
                np, subject_attr = guessed
                objects = noun_objects(np) if np else self._inherit(state, continuing)
        if listed and not region and len(listed) > 1:
            objects = list(listed)  # A，B，C和D，应设置…
        elif listed and len(listed) > 1 and re.match(r"^其(?!他|余|中)", region) \
                and subject_attr is not None and not split_subject(region[1:])[0].strip():
            objects = list(listed)  # A，B，C和D，其耐火等级不应低于…
        elif listed and objects and not continuing and not region.startswith("其") \
                and all(_is_object_word(o) for o in objects) and (
                (subject_attr is None and _last_de(region) < 0)
                or (subject_attr is not None and subject_attr.endswith(RELATIONAL_ATTRIBUTES)
                    and "相邻" not in region)
                # 高层厂房，甲、乙类厂房的耐火等级…: listed things of the same kind share the attribute
                or (subject_attr is not None and all(o[-2:] == objects[0][-2:] for o in listed))):
            objects = listed + [o for o in objects if o not in listed]  # A，B，C和D，应设置…
        scope: Condition | None = None
        if subject_attr is None and objects and state.attribute_topic and state.topic \
                and anchors[0][2] == "CMP" and not continuing and _last_de(region) < 0 \
                and not region.startswith(("其", "该")):
            # X的净宽度，单向不应小于3m，双向不应小于6m: kinds of X, a scope of the topic
            scope = Condition(attribute=region, operator="==", value=True)
            state.conditions.append(scope)
            objects, subject_attr = list(state.topic), state.topic_attribute
        attr = subject_attr
        # `每个防火分区不应少于1台`: a distributive scope, the counted thing is the topic
        scope_objects = (self._inherit(state, True) if region.startswith("每") and attr is None
                         and _last_de(region) < 0 else None)
        if objects and region and not region.startswith(("其", "该")) \
                and not all(o in PART_WORDS for o in objects):  # 该X: an anaphor; 下沿: a part of the topic
            state.topic, state.local_topic = objects, True
        if not objects:
            objects = self._inherit(state, continuing)
        if attr is None and not region:
            attr = state.last_attribute if continuing else (state.topic_attribute or state.last_attribute)
        self.subject_attribute = subject_attr
        governing: str | None = inherited
        produced = len(self.rules)
        last_objects, last_attr = objects, attr
        prev_end = first
        consumed = first
        for s, e, label, kid in part.ents:
            if s < consumed or label not in ("CMP", "REQ", "MODAL"):
                continue
            if label == "MODAL":
                strength, negative = kid.split("|")
                governing = strength
                verb = re.match(r"^(?:(在|沿)(.{1,24}?))?(?:每隔\d+(?:\.\d+)?m)?(?:只|直接|分别|均|至少|最少)?(设置|采用)(?![在于])",
                                text[e:])
                if verb and negative == "0" and (verb.group(2) or verb.start(3) > 0):
                    targets = objects
                    if verb.group(1) == "在" and not region:
                        place = noun_objects(verb.group(2))
                        if place and not STOREY_WORD.search(place[0]) \
                                and not re.search(r"(?:位置|部位|范围|一端|两端|端部|一侧|两侧)$", place[0]):
                            targets = place
                    consumed = self._requirement_verb(part, e, e + verb.end(), verb.group(3), "==", strength,
                                                      targets, subject_attr, state)
                having = re.match(r"^(至少)?有(?=\d)", text[e:])
                if having and negative == "0":
                    least = having.group(1) or text[max(0, s - 2):s] in ("至少", "最少")
                    consumed = self._count(part, e + having.end(), ">=" if least else "==",
                                           strength, state, objects)
                prev_end = e
                continue
            if label == "REQ":
                verb_word, op, strength = kid.split("|")
                governing = strength
                consumed = self._requirement_verb(part, s, e, verb_word, op, strength, objects,
                                                  subject_attr, state)
                prev_end = e
                continue
            op, strength = kid.split("|")
            strength = strength or governing
            if not strength:
                continue
            governing = governing or strength
            is_first = s == first
            rules, end, found_objects, found_attr = self._comparison_rule(
                part, s, e, op, strength, offset if is_first else prev_end,
                objects if is_first else last_objects, attr if is_first else last_attr, state,
                is_first, scope_objects if is_first else None)
            for rule in rules:
                self._add(rule, state)
            if found_objects:
                last_objects = found_objects
            if found_attr:
                last_attr = found_attr
            prev_end = consumed = end
        state.last_objects = last_objects or state.last_objects
        state.last_attribute = last_attr or state.last_attribute
        state.last_strength = governing
        if scope is not None:
            state.conditions.remove(scope)
        if len(self.rules) == produced and re.search(r"(?:保证|确保|使)", text[first:]):
            state.pending_strength = governing

    def _trim(self, region: str) -> str:
        region = region.strip("，、,： ")
        region = re.sub(r"^(?:竖向|横向|水平方向|竖直方向)(?=.)", "", region)
        if region in ("竖向", "横向"):
            return ""
        changed = True
        while changed:
            changed = False
            match = CONNECTOR_RE.match(region)
            if match and match.end() > 0:
                region, changed = region[match.end():], True
            for adverb in ("均", "分别", "各", "仍", "也", "都", "亦", "尚", "还", "至少", "最少", "则"):
                if region.endswith(adverb):
                    region, changed = region[: -len(adverb)], True
        return region

    def _subject(self, region: str, state: SegmentState, continuing: bool
                 ) -> tuple[list[str], str | None]:
        if not region:
            return [], None
        if region.startswith("其中"):
            np, attr = split_subject(region[2:])
            return self._inherit(state, True), attr
        pronoun = region.startswith("其") and not region.startswith(("其他", "其余"))
        rest = region[1:] if pronoun else region
        np, attr = split_subject(rest)
        relational = attr is not None and attr.endswith(RELATIONAL_ATTRIBUTES)
        if relational and np.startswith("与"):
            np = ""
        if re.fullmatch(rf"[\u4e00-\u9fff]{{1,8}}(?:{BASE_PATTERN})\d+(?:\.\d+)?[A-Za-z\d%]*", np):
            np = ""   # 局部净高低于2.60m的面积不应大于…: a scope of the topic, not a thing
        objects = noun_objects(np, relational=relational) if np.strip() else []
        if not objects and (pronoun or attr is not None):
            same = attr is not None and state.last_attribute is not None and state.last_objects \
                and state.last_attribute.endswith(attr)
            if pronoun and same:
                objects = list(state.last_objects)   # …的疏散距离不应大于45m，当…时，其距离不应大于60m
            elif pronoun and state.introduced and not (attr or "").endswith("防火间距"):
                objects = list(state.introduced)     # 设置X时，其Y…: X (a fire separation is never a device's)
            else:
                objects = self._inherit(state, continuing)
        if not objects and attr is not None:
            objects, attr = _lead_as_object(attr)
        return objects, attr

    def _inherit(self, state: SegmentState, continuing: bool) -> list[str]:
        """The objects of a part that names none: the previous part's (after 且/并/但), the
        segment's topic, what its condition is about, or the line's topic."""
        if continuing and state.last_objects:
            return list(state.last_objects)
        if state.local_topic and state.topic:
            return list(state.topic)
        if state.cond_subject:
            return list(state.cond_subject)
        if state.last_objects:
            return list(state.last_objects)
        return list(state.topic)

    def _requirement_verb(self, part: Part, s: int, e: int, verb: str, op: str, strength: str,
                          objects: list[str], attr: str | None, state: SegmentState) -> int:
        text = part.text
        after = text[e:]
        if after.startswith(("在", "于")) or (verb == "设置" and after.startswith(("成", "为"))):
            return e  # 设置在: a location requirement, not extracted
        if verb == "设置" and state.opening and list(objects) == state.opening and state.opening_host:
            objects = state.opening_host   # X墙…，需要开设门、窗时，应设置甲级防火门、窗: X gets the doors
        if re.match(rf"^\d+(?:{COUNT_UNIT_PATTERN})", after) and verb in ("设置", "采用"):
            least = text[max(0, s - 3):s].endswith(("至少", "最少")) or bool(re.search(r"至少|最少", text[s:e]))
            return self._count(part, e, ">=" if least else op, strength, state, objects)
        self._equality(part, e, verb, op, strength, objects, attr, state)
        return e

    def _count(self, part: Part, position: int, op: str, strength: str, state: SegmentState,
               subject: list[str] | None = None) -> int:
        """设置N个X (或M部Y): a count of each thing named after its number; 至少应有两处与…连通:
        a count of the subject itself when a verb phrase follows the number."""
        text = part.text
        count = re.match(rf"^(\d+)({COUNT_UNIT_PATTERN})", text[position:])
        end = position
        while count:
            np_start = position + count.end()
            above = re.match(r"(?:及)?以[上下]", text[np_start:])   # 2个及以上满足…
            if above:
                np_start += above.end()
            np_end = np_start + _cut(text[np_start:], r"[，。；,;]|(?:或|和|及)(?=\d)|并|且|满足|符合|采用|具有|应")
            noun = text[np_start:np_end]
            counted = (subject or []) if re.match(r"^(?:与|和)", noun) else noun_objects(noun)
            if not noun.strip():   # …出口不应少于2个；…时，可设置1个: the thing counted before
                before = [r.object for r in self.rules if r.attribute == "数量"]
                counted = before[-1:] or list(subject or [])
            for obj in counted:
                self._add(ExtractedRule(object=obj, attribute="数量", operator=op, value=int(count.group(1)),
                                        unit=count.group(2), strength=strength, confidence=0.8), state)
            end = np_end
            nxt = re.match(rf"^(?:或|和|及)(?=\d+(?:{COUNT_UNIT_PATTERN}))", text[np_end:])
            if not nxt:
                break
            position = np_end + nxt.end()
            count = re.match(rf"^(\d+)({COUNT_UNIT_PATTERN})", text[position:])
        return end

    def _equality(self, part: Part, e: int, verb: str, op: str, strength: str, objects: list[str],
                  attr: str | None, state: SegmentState) -> None:
        text = part.text
        after = text[e:]
        value = after[: _cut(after, VALUE_STOP)]
        changed = True
        while changed:
            changed = False
            for tail in VALUE_TRAILING:
                if value.endswith(tail) and len(value) > len(tail):
                    value, changed = value[: -len(tail)], True
        value = _strip_parenthetical(value).strip()
        if not value or len(value) > 40:
            return
        # a value holding a comparator (应采用耐火极限不低于…的X) gives comparator rules only
        if any(label == "CMP" for s, _, label, _ in part.ents if e <= s < e + len(value)):
            return
        ranged = re.match(rf"^\d+(?:\.\d+)?(?:{UNIT_PATTERN})?[~～]\d+(?:\.\d+)?(?:{UNIT_PATTERN})?", value) \
            or RATIO_RE.match(value)
        if ranged and verb == "为":  # 宜为1000m~1500m: a range, one value as written
            for obj in objects:
                self._add(ExtractedRule(object=obj, attribute=attr or verb, operator=op, value=ranged.group(0),
                                        strength=strength, confidence=0.7), state)
            return
        if re.match(r"^\d", value):
            if verb == "为":  # 宜为1.1m / 可分别为10L/s和20L/s
                for number in re.finditer(rf"(\d+(?:\.\d+)?)({UNIT_PATTERN})?(?:[和及、]|$)", value):
                    raw = number.group(1)
                    for obj in objects:
                        self._add(ExtractedRule(object=obj, attribute=attr or verb, operator=op,
                                                value=float(raw) if "." in raw else int(raw),
                                                unit=number.group(2), strength=strength, confidence=0.7), state)
            return
        if value.startswith(("本规范", "符合")) and re.search(r"(?:规定|要求)$", value):
            return
        attribute = attr if (attr and verb in ("为", "采用")) else verb
        for obj in objects:
            self._add(ExtractedRule(object=obj, attribute=attribute, operator=op, value=value,
                                    strength=strength, confidence=0.7), state)
        if verb == "设置":
            state.introducing = noun_objects(value)
        alternative = re.match(r"或(采用|设置)", after[len(value):].lstrip()) if after.startswith(value) else None
        if alternative:   # 应设置X或采用Y: the alternative is required the same way
            position = e + after.index(alternative.group(0), len(value)) + alternative.end()
            self._equality(part, position, alternative.group(1), op, strength, objects, attr, state)

    # -- comparisons --

    def parse_value(self, text: str, start: int) -> tuple[Any, str | None, int] | None:
        after = text[start:]
        ratio = RATIO_RE.match(after)
        if ratio:   # 坡度不宜大于1:8: a ratio, as written
            return ratio.group(0), None, start + ratio.end()
        number = NUMBER_RE.match(after)
        if number and NUMERIC_END.match(after[number.end():]):
            raw, unit = number.group(1), number.group(2)
            if "/" in raw:
                a, b = raw.split("/")
                value: Any = round(float(a) / float(b), 6) if float(b) else raw
            elif "." in raw:
                value = float(raw)
            else:
                value = int(raw)
            return value, unit, start + number.end()
        if number and unit_follows_noun(after[number.end():]) and number.group(2) in COUNT_UNITS:
            raw = number.group(1)
            return (float(raw) if "." in raw else int(raw)), number.group(2), start + number.end()
        ordinal = ORDINAL_RE.match(after)
        if ordinal:
            return ordinal.group(1), None, start + ordinal.end()
        phrase = after[: _cut(after, r"[，。；,;]|且|并|时$")].strip()
        phrase = re.sub(r"(?<=规定)(?:计算确定|计算|确定)$", "", phrase)
        if not phrase or len(phrase) > 60:
            return None
        return phrase, None, start + len(phrase)

    def comparisons(self, part: Part, start: int, end: int, state: SegmentState
                    ) -> tuple[list[Condition], list[str]]:
        """Comparators in part.text[start:end], read as conditions."""
        conds: list[Condition] = []
        subjects: list[str] = []
        prev = start
        last_attr: str | None = None
        for s, e, label, kid in part.ents:
            if label != "CMP" or s < start or e > end:
                continue
            parsed = self.parse_value(part.text[:end], e)
            if not parsed:
                continue
            value, unit, vend = parsed
            region = self._trim(part.text[prev:s])
            region = re.sub(r"^(?:当|如|若|对于)", "", region)
            np, attr = split_subject(region.lstrip("其"))
            if last_attr and unit in COUNT_UNITS and attribute_dimension(last_attr) not in ("count", None):
                last_attr = None  # 每层建筑面积小于200m2且…人数不超过25人: 人 is not an area
            attr = attr or last_attr or (COUNT_ATTRS.get(unit or "", "数量") if unit in COUNT_UNITS else None)
            prev = vend
            if attr is None:
                continue
            objects = noun_objects(np) if np else []
            if not objects and part.text[vend:end].startswith("的"):
                # 建筑高度不大于18m的住宅中…的疏散楼梯: the condition is on the next noun (住宅)
                head = part.text[vend + 1:end]
                head = head[: _cut(head, r"[，、和及与的]|(?<=.)[中内](?!.{0,1}$)")]
                objects = [o for o in [_clean_object(head)] if o]
            for name in split_attributes(attr):
                conds.append(Condition(object=objects[0] if objects else "", attribute=name,
                                       operator=kid.split("|")[0], value=value, unit=unit))
            subjects = subjects or objects
            last_attr = attr
        return conds, subjects

    def _comparison_rule(self, part: Part, s: int, e: int, op: str, strength: str, region_start: int,
                         objects: list[str], attr: str | None, state: SegmentState, first: bool,
                         scope_objects: list[str] | None = None
                         ) -> tuple[list[ExtractedRule], int, list[str], str | None]:
        """One comparator after the modal word → its rules. `objects`/`attr` are the subject's
        (first comparator) or the previous comparator's (later ones)."""
        text = part.text
        parsed = self.parse_value(text, e)
        if not parsed:
            return [], e, [], None
        value, unit, vend = parsed
        if isinstance(value, str):
            cut = _relative_value_end(value)
            if cut is not None and self._modified(part, e + cut)[0]:
                value, vend = value[:cut], e + cut   # 不低于楼板耐火极限的不燃材料: 楼板耐火极限, on 不燃材料
        confidence = 0.9
        region = "" if first else text[region_start:s]
        region = re.sub(r"^(?:应|宜|可|必须|不应|不宜|不得|严禁)", "", region)
        if attr and re.match(r"^(?:按|根据)[^，的]{1,12}$", region) and re.match(r"^(?:计算)?确定", text[vend:]):
            region = ""  # X的通风量应按换气次数不少于3次/h确定: the basis is not the attribute
        # after 且/并 a new predicate begins: 应经计算确定且不应少于2个 / …内且保护层厚度
        cut = [m.end() for m in re.finditer(r"并且|而且|且|并", region)]
        if cut:
            region = region[cut[-1]:]
        region = re.sub(r"^(?:使(?!用)|保证|确保|满足|将)", "", self._trim(region))
        region = self._trim(re.sub(r"(?:按每\d+(?:人|m2)|按)$", "", region))
        region = self._trim(CALCULATION_LEAD.sub("", region))
        found_objects: list[str] = []
        if region:
            pronoun = region.startswith("其") and not region.startswith(("其他", "其余"))
            np, region_attr = split_subject(region[1:] if pronoun else region)
            if region_attr is None and not np.startswith("与") and isinstance(value, (int, float)) \
                    and unit is not None and unit not in COUNT_UNITS:
                guessed = guess_attribute(region[1:] if pronoun else region)
                if guessed:   # 立杆横距不宜大于1.05m、纵距不宜大于1.5m: words outside the lexicon
                    np, region_attr = guessed
            if region_attr is None:
                attr = None  # words stand between: an attribute from before does not reach here
            if region_attr is not None:
                attr = region_attr
                if np.strip() and not np.startswith("与"):
                    found_objects = noun_objects(np, relational=attr.endswith(RELATIONAL_ATTRIBUTES))
                if found_objects:
                    objects = found_objects
        modified, extra = self._modified(part, vend)
        if modified and len(modified) == 1 and modified[0] in ATTRIBUTES and not extra:
            # 应与X保持不小于15m的安全距离 / 留有净宽不小于7m的…: the modified word is the attribute
            attr, modified = modified[0], None
        if modified:
            objects = modified
        respective = []
        if "分别" in text[max(0, s - 4):s]:  # 分别不应低于1.50h和1.00h: one rule per value
            position = vend
            while True:
                more = re.match(rf"^(?:和|及|、)(\d+(?:\.\d+)?)({UNIT_PATTERN})?(?![\d的])", text[position:])
                if not more:
                    break
                raw = more.group(1)
                respective.append((float(raw) if "." in raw else int(raw), more.group(2) or unit))
                position += more.end()
            vend = position
        if first and unit in COUNT_UNITS and attr and not region \
                and attribute_dimension(attr) not in ("count", None):
            attr = None  # an attribute carried from before does not count storeys
        if scope_objects is not None and unit in COUNT_UNITS and not modified:
            objects = scope_objects
        if unit in COUNT_UNITS and not modified and not (region and attr):
            follows = text[vend:]
            noun = follows[: _cut(follows, r"[，。；,;]|并|且|时")]
            if noun and not noun.startswith(("的", "以", "及", "或", "和")):
                objects = noun_objects(noun) or objects
                attr = None
        if attr is None and isinstance(value, str) and re.search(r"(?:采用|采取|选用)$", region):
            relative = attribute_suffix(value)   # 采用不低于楼板耐火极限的不燃材料: the value's attribute
            if relative:
                attr = relative[1]
        if attr is None or (region and not found_objects and region_attr_missing(region) and unit in COUNT_UNITS):
            if unit in COUNT_UNITS:
                attr = COUNT_ATTRS.get(unit, "数量")
                confidence -= 0.1
            elif region:
                place = re.search(r"(?:设置在|设在|布置在|位于|在)(.+)$", region)
                if place:
                    attr = place.group(1)
                    objects = noun_objects(region[: place.start()]) or objects
                    confidence -= 0.3
        if attr is not None and not objects:
            objects, attr = _lead_as_object(attr)
        if attr is None or not objects:
            return [], vend, [], None
        rules = []
        names = split_attributes(attr)
        if respective and len(names) == len(respective) + 1:
            pairs = [(value, unit)] + respective
            for name, (pair_value, pair_unit) in zip(names, pairs):
                for obj in objects:
                    rules.append(ExtractedRule(object=obj, attribute=name, operator=op, value=pair_value,
                                               unit=pair_unit, strength=strength, confidence=0.8))
            return rules, vend, ([] if modified else objects), attr
        for name in names:
            for obj in objects:
                conf = confidence if _is_object_word(obj) else confidence - 0.2
                rules.append(ExtractedRule(object=obj, attribute=name, operator=op, value=value,
                                           unit=unit, strength=strength,
                                           confidence=max(0.3, min(1.0, conf))))
            for extra_value, extra_unit, extra_objects in extra:
                for obj in extra_objects:
                    rules.append(ExtractedRule(object=obj, attribute=name, operator=op,
                                               value=extra_value, unit=extra_unit,
                                               strength=strength, confidence=0.7))
            for extra_value, extra_unit in respective:
                for obj in objects:
                    rules.append(ExtractedRule(object=obj, attribute=name, operator=op, value=extra_value,
                                               unit=extra_unit, strength=strength, confidence=0.8))
        return rules, vend, ([] if modified else objects), attr

    def _modified(self, part: Part, vend: int
                  ) -> tuple[list[str] | None, list[tuple[Any, str | None, list[str]]]]:
        """If the value at `vend` modifies a thing (`…的隔墙`), the thing and any elliptic
        siblings (`和2.00h的楼板`)."""
        text = part.text
        position = vend
        while position < len(text) and text[position] in "、和及且":
            nxt = [c for c in part.ents if c[2] == "CMP" and position < c[0] <= position + 12]
            if not nxt or re.search(r"[，的]", text[position:nxt[0][0]]):
                break
            parsed = self.parse_value(text, nxt[0][1])
            if not parsed:
                break
            position = parsed[2]
            if isinstance(parsed[0], str):   # 长度不小于开口宽度的…挑檐: a relative value ends at its 的
                cut = _relative_value_end(parsed[0])
                if cut is None:
                    break
                position = nxt[0][1] + cut
        # 不低于3.00h且不开洞的隔墙: a second modifier joined by 且 before the same 的
        joined = re.match(r"且[^，。；,;的应宜]{1,12}(?=的)", text[position:])
        if joined and not any(c[2] in ("CMP", "MODAL", "REQ") and position < c[0] < position + joined.end()
                              for c in part.ents):
            position += joined.end()
        if not text.startswith("的", position):
            return None, []
        head_start = position + 1
        stop = r"[，。；,;、]|和|及|与|或|并|且|进行|完全分隔|相互|分隔(?![体墙物带])|作为|通至|通向|(?<=.)在"
        head = text[head_start: head_start + _cut(text[head_start:], stop)]
        for tail in VALUE_TRAILING:   # …的不燃材料制作: the verb is not part of the thing
            if head.endswith(tail) and len(head) > len(tail) + 1:
                head = head[: -len(tail)]
        objects = noun_objects(head)
        extras: list[tuple[Any, str | None, list[str]]] = []
        rest = head_start + len(head)
        while True:
            ellipsis = re.match(r"^(?:和|及|、)(\d+(?:\.\d+)?)(" + UNIT_PATTERN + r")的", text[rest:])
            if not ellipsis:
                break
            raw = ellipsis.group(1)
            number: Any = float(raw) if "." in raw else int(raw)
            sub_start = rest + ellipsis.end()
            sub = text[sub_start: sub_start + _cut(text[sub_start:], stop)]
            extras.append((number, ellipsis.group(2), noun_objects(sub)))
            rest = sub_start + len(sub)
        return (objects or None), extras

    # -- output --

    def _add(self, rule: ExtractedRule, state: SegmentState) -> None:
        rule = rule.model_copy(update={
            "conditions": _dedupe(self.base_conditions + state.conditions),
            "exceptions": _dedupe(self.base_exceptions + state.exceptions)})
        self.rules.append(rule)
        self.rule_starts.append(self.current_start)


def guess_attribute(region: str) -> tuple[str, str] | None:
    """The attribute of a measured requirement whose word is not in the lexicon: the head after
    the last 的 when it does not name a thing (`放水旋塞的通径`), else the words after a leading
    thing (`立杆横距`), else a short region on its own (`纵距`). → (noun phrase, attribute)."""
    region = region.strip("，、,： ")
    if re.search(r"[，；。]|采用|设置|为|有|在|按|时", region):
        return None
    de = _last_de(region)
    if de >= 0:
        head = region[de + 1:]
        if 2 <= len(head) <= 8 and not _is_object_word(head) and head not in PLACE_WORDS:
            return region[:de], head
        return None
    for split in range(len(region) - 2, 1, -1):
        lead, rest = region[:split], region[split:]
        if _is_object_word(lead) and 2 <= len(rest) <= 6 and not _is_object_word(rest):
            return lead, rest
    if 2 <= len(region) <= 4 and not _is_object_word(region):
        return "", region
    return None


def _relative_value_end(phrase: str) -> int | None:
    """In a phrase value followed by a thing (`开口宽度的不燃性防火挑檐`), the index of the 的
    that ends the value: the last one whose text before ends with an attribute word."""
    for match in reversed(list(re.finditer("的", phrase))):
        after = phrase[match.end():]
        if match.start() >= 2 and attribute_suffix(phrase[: match.start()]) \
                and re.match(r"[\u4e00-\u9fff]", after) and not re.match(r"(?:一半|较大|较小|[倍%])", after) \
                and not re.search(r"[的与]", after):
            return match.start()   # not 相邻较大罐直径的1/2, …间距的较大值: those are the value
    return None


def _lead_as_object(attribute: str) -> tuple[list[str], str]:
    """`阳台栏杆净高` with nothing else to go on → object 阳台栏杆, attribute 净高."""
    found = attribute_suffix(attribute)
    if found and found[0] >= 2:
        lead = _clean_object(attribute[: found[0]])
        if lead:
            return [lead], found[1]
    return [], attribute


def region_attr_missing(region: str) -> bool:
    return attribute_suffix(region) is None


def unit_follows_noun(rest: str) -> bool:
    return bool(rest) and "\u4e00" <= rest[0] <= "\u9fff"


def _dedupe(conditions: list[Condition]) -> list[Condition]:
    seen, out = set(), []
    for condition in conditions:
        key = condition.model_dump_json()
        if key not in seen:
            seen.add(key)
            out.append(condition)
    return out


# --- the extractor -------------------------------------------------------------------------------


def prepare_lines(text: str) -> list[tuple[str, str]]:
    """A clause's text → [(kind, line)]: kind is lead, item or note; item and note numbers,
    the clause number and table titles are removed."""
    text = count_digits(normalize(text))
    out: list[tuple[str, str]] = []
    raw_lines = [line for line in text.split("\n") if line.strip()]
    expanded: list[str] = []
    for line in raw_lines:
        expanded.extend(piece for piece in INLINE_ITEM.split(line) if piece.strip())
    for index, line in enumerate(expanded):
        line = CLAUSE_PREFIX.sub("", line.strip()) if index == 0 else line.strip()
        if TABLE_TITLE.match(line):
            continue
        kind = "lead" if index == 0 else "para"
        if NOTE_PREFIX.match(line):
            line, kind = NOTE_PREFIX.sub("", line), "note"
            line = ITEM_PREFIX.sub("", line)
        elif index > 0 and ITEM_PREFIX.match(line):
            line, kind = ITEM_PREFIX.sub("", line), "item"
        if line:
            out.append((kind, line))
    return out


class RuleExtractor:
    """`--extractor rules`: deterministic, spaCy + lexicon + grammar. Thread-unsafe (one nlp)."""

    name = NAME
    version = VERSION

    def __init__(self) -> None:
        self._nlp: Any = None

    @property
    def nlp(self) -> Any:
        if self._nlp is None:
            self._nlp = build_nlp()
        return self._nlp

    def extract(self, text: str, *, id: str | None = None) -> ExtractionResult:
        return self.extract_many([(id, text)])[0]

    def extract_many(self, items: list[tuple[str | None, str]]) -> list[ExtractionResult]:
        prepared = [prepare_lines(text) for _, text in items]
        flat = [line for lines in prepared for _, line in lines]
        docs = iter(self.nlp.pipe(flat, batch_size=256))
        results = []
        for (ident, text), lines in zip(items, prepared):
            annotated = [(kind, line, next(docs)) for kind, line in lines]
            rules = self._clause(annotated)
            results.append(ExtractionResult(id=ident, text=text, rules=rules))
        return results

    def _clause(self, lines: list[tuple[str, str, Any]]) -> list[ExtractedRule]:
        rules: list[ExtractedRule] = []
        clause_topic: list[str] = []
        lead_conditions: list[Condition] = []
        lead_exceptions: list[Condition] = []
        clause_attribute: str | None = None
        lead_scope = False
        distributed: list[ExtractedRule] = []   # `下列X应设置Y：` then noun-phrase items
        clause_items_used = False
        for index, (kind, line, doc) in enumerate(lines):
            ents = [(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents]
            is_lead = index == 0 and len(lines) > 1 and bool(LEAD_IN.search(line))
            inherits = kind in ("item", "para")
            if kind == "para":
                distributed = []   # a new paragraph ends the lead-in's items
            if distributed and kind == "item" and not _line_has_modal(ents):
                objects = _item_objects(line)
                if objects:
                    if not clause_items_used:   # the items replace the lead-in's X
                        rules = [r for r in rules if not any(_same_but_object(r, d) for d in distributed)]
                        clause_items_used = True
                    rules.extend(r.model_copy(update={"object": o}) for o in objects for r in distributed)
                    continue
            parser = _LineParser(line, ents, clause_topic if inherits else [],
                                 lead_conditions if inherits else [], lead_exceptions if inherits else [],
                                 clause_attribute if inherits else None, lead_scope and inherits,
                                 standalone=kind == "lead" and len(lines) == 1,
                                 item_scopes=kind == "item")
            produced = parser.run()
            rules.extend(produced)
            if is_lead and DISTRIBUTING_LEAD.search(line) and not re.search(r"在下列(?:部位|位置)", line):
                # (Y在下列部位应设置X：: the items are places of Y's X, the thing stays Y)
                # one copy per requirement stated after 下列 (…宜设置1台X，但下列建筑可不设置X：), whatever
                # the lead-in's objects
                listed_at = line.rfind("下列")
                part_start = max((m.end() for m in re.finditer(r"[，。；,;]", line[:listed_at])), default=0)
                for rule, start in zip(produced, parser.rule_starts):
                    if start >= part_start and not any(_same_but_object(rule, d) for d in distributed):
                        distributed.append(rule)
            if index == 0:
                clause_topic = parser.topic
                if is_lead:
                    lead_conditions, lead_exceptions = _lead_conditions(parser)
                    clause_attribute = parser.subject_attribute
                    kept = re.search(r"保持一定的?(距离|间距)", line)   # X与Y之间应保持一定距离，并应符合下列规定：
                    if clause_attribute is None and kept:
                        clause_attribute = kept.group(1)
                    lead_scope = bool(clause_topic) and clause_attribute is None \
                        and bool(re.search(r"应符合下列", line))
        return rules


DISTRIBUTING_LEAD = re.compile(
    r"下列[^，。；：应宜可]{0,12}，?(?:应|宜|可不|必须|严禁|不应|不宜|不得)(?!符合)[^：]*[：:]\s*$")


def _line_has_modal(ents: list[Ent]) -> bool:
    return any(label in ("MODAL", "REQ") or (label == "CMP" and kid.split("|")[1])
               for _, _, label, kid in ents)


def _same_but_object(a: ExtractedRule, b: ExtractedRule) -> bool:
    return (a.attribute, a.operator, a.value, a.unit, a.strength) == \
        (b.attribute, b.operator, b.value, b.unit, b.strength)


def _item_objects(line: str) -> list[str]:
    """The things an item of `下列X应…：` names (`每座占地面积大于600m2的火柴仓库；` → 火柴仓库)."""
    out: list[str] = []
    for piece in re.split(r"[，；;。]", line):
        piece = piece.strip()
        if not piece:
            continue
        # a piece without 的 that states a verb or a comparison is a condition (局部建筑高度大于32m /
        # 室内无生产、生活给水管道), not a thing; with a 的, the head after it is the thing (耐火等级为…的X)
        if "的" not in piece and (re.search(r"为|采取|设置|采用|符合|按|具有|满足|要求|条件|无|有|取自", piece)
                                  or COMPARED_NUMBER.search(piece)):
            continue
        pieces = [piece]
        own = re.match(r"^([^的]+?)及其([^的]+)$", piece)   # 一类高层公共建筑及其地下、半地下室
        if own:
            pieces = [own.group(1), own.group(2)]
        for obj in [o for p in pieces for o in ([p] if "、" in p and len(pieces) > 1 and _is_object_word(p.split("、")[-1]) else noun_objects(p))]:
            if obj not in out:
                out.append(obj)
    return out


def _lead_conditions(parser: _LineParser) -> tuple[list[Condition], list[Condition]]:
    """Conditions of a lead-in (`…设置X时，应符合下列规定：`) hold for its items."""
    state = SegmentState(topic=[])
    text = parser.text
    last = list(SEGMENT_SPLIT.finditer(text))
    start = last[-1].end() if last else 0
    for part in parser.parts(start, len(text)):
        body = part.text
        if body.startswith(("当", "如", "若")) or body.endswith("时"):
            parser.condition(part, 0, state)
        elif body.startswith("除") and "外" in body:
            parser.part(part, state)
    return state.conditions, state.exceptions
