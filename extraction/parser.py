"""Parse the text of a code as users have it into Standard → Chapter → Section → Clause → Item,
with the clause's tables (title, rows, markdown), notes (注) and references.

The input is plain text, one clause per line with its numbered items on the following lines, in
the variety real copies show: full-width digits (`5．5．18`), clause numbers with or without a
space, optional chapter and section headings, table titles (`表5.5.18 …`), table bodies as pipe
rows after a `===== 表格：… =====` marker, notes (`注：1 …` then `2 …`), duplicated blocks. A
clause number that appears twice with the same text is kept once; with different text the whole
file is refused (`ParseError`), so that no half-right standard reaches the graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import normalize

CLAUSE_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{1,3}[A-Z]?)(?![\d.])\s*(.*)$")
SECTION_RE = re.compile(r"^(\d{1,2})\.(\d{1,2})(?![\d.])\s*([^\d\s.].*)$")
CHAPTER_RE = re.compile(r"^(\d{1,2})(?![\d.])\s*([^\d\s.()（）%a-zA-Z].*)$")
ITEM_RE = re.compile(r"^(\d{1,2})(?![\d.])\s*(?=[\u4e00-\u9fff(“])(.*)$")
SUBITEM_RE = re.compile(r"^(\d{1,2})\)\s*(.*)$")
NOTE_RE = re.compile(r"^注\s*[：:]\s*(.*)$")
TABLE_TITLE_RE = re.compile(r"^表\s*(\d+(?:\.\d+){1,2}[A-Z]?(?:-\d+)?)\s*(.*)$")
TABLE_BODY_RE = re.compile(r"^=+\s*表格\s*[：:]\s*(.*?)\s*=+$")
TABLE_ROW_RE = re.compile(r"\|")
TABLE_RULE_RE = re.compile(r"^[\s|:-]+$")
HEADER_RE = re.compile(r"《([^》]+)》\s*((?:GB|GB/T|JGJ|CJJ)\s*\d+(?:-\d{4})?)")
SENTENCE_PUNCT = re.compile(r"[，。；：,;]")

# References in clause text.
CLAUSE_REF_RE = re.compile(r"第((?:\d+\.\d+\.\d+[A-Z]?)(?:\s*[、，,和及与或至~]\s*第?\d+\.\d+\.\d+[A-Z]?)*)\s*条")
CLAUSE_NUM_RE = re.compile(r"\d+\.\d+\.\d+[A-Z]?")
TABLE_REF_RE = re.compile(r"表(\d+\.\d+\.\d+[A-Z]?(?:-\d+)?)")
STANDARD_REF_RE = re.compile(
    r"《([^》]{2,60})》\s*((?:GB|GBJ|JGJ|CJJ|CECS|SH|SY|DL|TSG|GA|XF)(?:/T)?)\s*(\d+(?:\.\d+)?)(?:\s*-\s*(\d{4}))?")
FOREIGN_CODE_TAIL = re.compile(r"(?:GB|GBJ|JGJ|CJJ|CECS|SH|SY|DL|TSG|GA|XF)(?:/T)?\s*\d+(?:-\d{4})?\s*(?:中|的)?\s*$")


class ParseError(ValueError):
    """Text that cannot become a standard; the message says where."""


@dataclass
class ParsedTable:
    number: str                      # '5.5.18', '5.5.20-1'
    title: str = ""
    rows: list[list[str]] = field(default_factory=list)
    line: int = 0

    @property
    def markdown(self) -> str:
        if not self.rows:
            return ""
        width = max(len(r) for r in self.rows)
        rows = [r + [""] * (width - len(r)) for r in self.rows]
        out = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
        out += ["| " + " | ".join(r) + " |" for r in rows[1:]]
        return "\n".join(out)


@dataclass
class ParsedNote:
    number: str                      # '1', '2' … or '' for a single unnumbered note
    text: str
    table: str | None = None         # the table it belongs to, or None for the clause


@dataclass
class ParsedItem:
    number: str
    text: str


@dataclass
class References:
    clauses: list[str] = field(default_factory=list)
    tables: list[str] = field(default_factory=list)
    standards: list[tuple[str, str]] = field(default_factory=list)   # (id 'GB 50084', title)


@dataclass
class ParsedClause:
    number: str
    chapter: str
    section: str
    line: int
    body: list[str] = field(default_factory=list)
    items: list[ParsedItem] = field(default_factory=list)
    notes: list[ParsedNote] = field(default_factory=list)
    tables: list[ParsedTable] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)     # every text line in order (no table rows)
    references: References = field(default_factory=References)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def extraction_text(self) -> str:
        """What the extractor reads: the clause's lines without table titles."""
        return "\n".join(line for line in self.lines if not TABLE_TITLE_RE.match(line))

    def signature(self) -> str:
        rows = [";".join("|".join(r) for r in t.rows) for t in self.tables]
        return re.sub(r"\s+", "", self.text + "\x00" + "\x00".join(rows))


@dataclass
class ParsedStandard:
    title: str = ""
    code: str = ""                   # as the header writes it, e.g. 'GB50016-2014'
    chapters: dict[str, str] = field(default_factory=dict)     # number → title
    sections: dict[str, str] = field(default_factory=dict)
    clauses: list[ParsedClause] = field(default_factory=list)
    duplicates_dropped: int = 0

    def clause(self, number: str) -> ParsedClause | None:
        for clause in self.clauses:
            if clause.number == number:
                return clause
        return None

    @property
    def tables(self) -> list[ParsedTable]:
        return [t for c in self.clauses for t in c.tables]


def _next_nonblank(lines: list[str], index: int) -> str:
    for line in lines[index + 1:]:
        if line.strip():
            return line
    return ""


def _is_heading_text(text: str, limit: int) -> bool:
    return 0 < len(text) <= limit and not SENTENCE_PUNCT.search(text)


class _ClauseBuilder:
    def __init__(self, number: str, line: int):
        chapter = number.split(".")[0]
        self.clause = ParsedClause(number=number, chapter=chapter,
                                   section=".".join(number.split(".")[:2]), line=line)
        self.mode = "body"               # body | item | note | table
        self.note_number = 0
        self.current_table: ParsedTable | None = None
        self.last_table_for_notes: ParsedTable | None = None
        self.table_in_rows = False

    @property
    def items(self) -> list[ParsedItem]:
        return self.clause.items

    def add_line(self, line: str) -> None:
        self.clause.lines.append(line)

    def add_body(self, text: str) -> None:
        if text:
            self.clause.body.append(text)
        self.last_table_for_notes = None

    def add_item(self, number: str, text: str) -> None:
        self.items.append(ParsedItem(number=number, text=text))
        self.mode = "item"
        self.last_table_for_notes = None

    def continue_text(self, text: str) -> None:
        if self.mode == "note" and self.clause.notes:
            self.clause.notes[-1].text += "\n" + text
        elif self.items:
            self.items[-1].text += "\n" + text
        else:
            self.clause.body.append(text)

    def table(self, number: str, title: str, line: int) -> ParsedTable:
        for table in self.clause.tables:
            if table.number == number:
                if title and not table.title:
                    table.title = title
                return table
        table = ParsedTable(number=number, title=title, line=line)
        self.clause.tables.append(table)
        return table


def parse_standard(text: str) -> ParsedStandard:
    """Parse the text of one standard. Raises ParseError for repeated clause numbers with
    different text, and for text without any clause."""
    raw_lines = normalize(text).split("\n")
    result = ParsedStandard()
    built: list[_ClauseBuilder] = []
    current: _ClauseBuilder | None = None
    chapter, section = "", ""

    for index, line in enumerate(raw_lines):
        number = index + 1
        if not line:
            if current and current.table_in_rows:
                current.table_in_rows = False
            continue
        if not result.title and not built:
            header = HEADER_RE.search(line)
            if header:
                result.title, result.code = header.group(1), re.sub(r"\s+", "", header.group(2))
                continue

        # Table body rows belong to the table that is open.
        if current and current.table_in_rows:
            if TABLE_ROW_RE.search(line) and not CLAUSE_RE.match(line):
                if not TABLE_RULE_RE.match(line):
                    assert current.current_table is not None
                    current.current_table.rows.append([c.strip() for c in line.strip().strip("|").split("|")])
                continue
            current.table_in_rows = False

        body_marker = TABLE_BODY_RE.match(line)
        if body_marker and current:
            label = body_marker.group(1)
            titled = TABLE_TITLE_RE.match(label)
            if titled:
                table = current.table(titled.group(1), label, number)
            elif current.clause.tables and not current.clause.tables[-1].rows:
                table = current.clause.tables[-1]
            else:
                n = len(current.clause.tables) + 1
                table = current.table(f"{current.clause.number}-{n}" if n > 1 else current.clause.number,
                                      label, number)
            current.current_table = table
            current.last_table_for_notes = table
            current.table_in_rows = True
            current.mode = "table"
            continue

        clause_match = CLAUSE_RE.match(line)
        if clause_match:
            clause_number = ".".join(clause_match.group(1, 2, 3))
            chapter = clause_match.group(1)
            section = f"{clause_match.group(1)}.{clause_match.group(2)}"
            current = _ClauseBuilder(clause_number, number)
            built.append(current)
            rest = clause_match.group(4)
            current.add_line(f"{clause_number} {rest}".strip())
            current.add_body(rest)
            continue

        section_match = SECTION_RE.match(line)
        if section_match and _is_heading_text(section_match.group(3), 40):
            nxt = _next_nonblank(raw_lines, index)
            key = f"{section_match.group(1)}.{section_match.group(2)}"
            if nxt.startswith(key + ".") or nxt == "" or not current:
                result.sections[key] = section_match.group(3).strip()
                section = key
                current = None
                continue

        chapter_match = CHAPTER_RE.match(line)
        if chapter_match and _is_heading_text(chapter_match.group(2), 30):
            nxt = _next_nonblank(raw_lines, index)
            key = chapter_match.group(1)
            if nxt.startswith(key + ".") and (not chapter or int(key) > int(chapter)):
                result.chapters[key] = chapter_match.group(2).strip()
                chapter = key
                current = None
                continue

        if current is None:
            continue  # front matter, headings we do not keep

        current.add_line(line)
        title = TABLE_TITLE_RE.match(line)
        if title:
            table = current.table(title.group(1), line, number)
            current.current_table = table
            current.last_table_for_notes = table
            current.mode = "table"
            continue

        note = NOTE_RE.match(line)
        if note:
            content = note.group(1)
            item = ITEM_RE.match(content)
            owner = current.last_table_for_notes
            if item:
                current.note_number = int(item.group(1))
                current.clause.notes.append(ParsedNote(item.group(1), item.group(2).strip(),
                                                       owner.number if owner else None))
            else:
                current.note_number = 0
                current.clause.notes.append(ParsedNote("", content.strip(), owner.number if owner else None))
            current.mode = "note"
            continue

        item = ITEM_RE.match(line)
        if item:
            n = int(item.group(1))
            if current.mode == "note" and current.note_number and n == current.note_number + 1:
                owner = current.clause.notes[-1].table
                current.note_number = n
                current.clause.notes.append(ParsedNote(str(n), item.group(2).strip(), owner))
                continue
            expected = int(current.items[-1].number) + 1 if current.items else 1
            if n == expected:
                current.add_item(str(n), item.group(2).strip())
                continue

        sub = SUBITEM_RE.match(line)
        if sub and current.items:
            current.items[-1].text += "\n" + line
            continue
        if current.mode == "table":
            current.mode = "item" if current.items else "body"
        current.continue_text(line)

    clauses: dict[str, ParsedClause] = {}
    first_line: dict[str, int] = {}
    for builder in built:
        clause = builder.clause
        if clause.number in clauses:
            if clauses[clause.number].signature() != clause.signature():
                raise ParseError(f"条文 {clause.number} 重复出现且内容不同（第 {first_line[clause.number]} 行、"
                                 f"第 {clause.line} 行）")
            result.duplicates_dropped += 1
            continue
        clauses[clause.number] = clause
        first_line[clause.number] = clause.line
    if not clauses:
        raise ParseError("未找到条文（应有形如 5.5.18 的条文编号开头的行）")
    for clause in clauses.values():
        clause.references = find_references(clause, result.code)
    result.clauses = list(clauses.values())
    return result


def find_references(clause: ParsedClause, own_code: str = "") -> References:
    refs = References()
    own_digits = re.sub(r"\D", "", own_code.split("-")[0]) if own_code else ""
    text = "\n".join(line for line in clause.lines if not TABLE_TITLE_RE.match(line))
    text = CLAUSE_RE.sub(lambda m: m.group(4), text, count=1)  # not the clause's own number
    for match in CLAUSE_REF_RE.finditer(text):
        if FOREIGN_CODE_TAIL.search(text[max(0, match.start() - 30):match.start()]):
            continue
        for number in CLAUSE_NUM_RE.findall(match.group(1)):
            if number != clause.number and number not in refs.clauses:
                refs.clauses.append(number)
    for match in TABLE_REF_RE.finditer(text):
        if FOREIGN_CODE_TAIL.search(text[max(0, match.start() - 30):match.start()]):
            continue
        if match.group(1) not in refs.tables:
            refs.tables.append(match.group(1))
    for match in STANDARD_REF_RE.finditer(text):
        prefix, digits, year = match.group(2), match.group(3), match.group(4)
        if own_digits and digits == own_digits:
            continue
        ident = f"{prefix} {digits}" + (f"-{year}" if year else "")
        if ident not in [s for s, _ in refs.standards]:
            refs.standards.append((ident, match.group(1)))
    return refs
