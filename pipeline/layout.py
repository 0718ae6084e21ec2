"""Zones of a letter, from the format of Nghị định 30/2020/NĐ-CP (Điều 8, Phụ lục I).

A letter is, top to bottom: the header (cơ quan chủ quản and cơ quan ban hành at the left,
Quốc hiệu and Tiêu ngữ at the right), the number line ("Số: 650/SKHCN-TĐC") and the place
and date at its right, the type name and trích yếu (or "V/v ..." under the number of a
công văn), the "Kính gửi" block, the body, then "Nơi nhận" at the bottom left beside the
signature block at the right.

Text arrives in two shapes: one zone after another (Word, markdown), or with the two
columns flattened onto shared lines, as PDF extraction and OCR produce them. A run of three
or more spaces separates columns; where a flattened header has no such gap, the Quốc hiệu
and Tiêu ngữ are cut out by their fixed wording. Every zone is a list of :class:`Piece`
keeping offsets into the normalized text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from pipeline.normalize import fold
from pipeline.resources import load_lines, load_tsv


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of one line: a whole line, or one column of it."""

    start: int
    end: int
    text: str
    col: int = 0  # column of ``start`` within its line

    def strip(self) -> Piece:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        if right <= left:
            return Piece(self.start + left, self.start + left, "", self.col + left)
        return Piece(self.start + left, self.start + right, self.text[left:right],
                     self.col + left)

    def cut(self, i: int, j: int | None = None) -> Piece:
        j = len(self.text) if j is None else j
        return Piece(self.start + i, self.start + j, self.text[i:j], self.col + i).strip()


@dataclass
class Layout:
    text: str
    lines: list[Piece]
    header: list[Piece] = field(default_factory=list)       # issuer column, motto removed
    number: Piece | None = None                             # the "Số: ..." line (or column)
    place_date: Piece | None = None
    type_heading: Piece | None = None
    subject: list[Piece] = field(default_factory=list)
    recipients: list[Piece] = field(default_factory=list)   # first has "Kính gửi:" cut off
    body: tuple[int, int] = (0, 0)
    distribution: list[Piece] = field(default_factory=list)  # after "Nơi nhận:"
    signature: list[Piece] = field(default_factory=list)


# --- patterns built from resources ----------------------------------------------------

# Character classes of Vietnamese capitals and small letters ("[À-Ỹ]" also spans small
# letters, so the classes are listed from the code points themselves).
_LATIN = [chr(c) for c in range(0x41, 0x1EFA) if chr(c).isalpha()]
UPPER = "[%s]" % "".join(c for c in _LATIN if c.isupper())
LOWER = "[%s]" % "".join(c for c in _LATIN if c.islower())

COLUMN_GAP = re.compile(r"\S(?: {3,}|\t+)(?=\S)")
NUMBER_LINE = re.compile(r"""
    (?<![^\W\d_])                # not inside a word
    (?:S[ốôoóòồỗổộ6]|5[ốô6])     # "Số", as OCR also reads it ("S6", "Sô", "5ố")
    \s*[:;.]?\s*
    (?=[\dOoIl]*(?:-[A-ZĐ]\w*)*\s*/|\s*/)  # a number (maybe blank) then "/"
    """, re.VERBOSE)
# The addressee block: "Kính gửi:", and "... điện:" of a Công điện (its addressees follow),
# "... trân trọng kính mời:" of a Giấy mời.
KINH_GUI = re.compile(r"^\W*(?:Dong\s+)?Kinh\s+gui\b\s*[:;.]?"
                      r"|^[^\n]*\s(?:dien|kinh\s+moi)\s*:\s*$", re.IGNORECASE)
DONG_KINH_GUI = re.compile(r"^\W*Dong\s+kinh\s+gui\b", re.IGNORECASE)
# Lines that open the body: the trích yếu has ended before them.
BODY_OPENERS = re.compile(r"^\s*(?:Căn\s+cứ|Thực\s+hiện|Theo\s+đề\s+nghị|Xét\s+đề\s+nghị|Theo\s+"
                          r"chỉ\s+đạo|Để\s|Nhằm\s|Ngày\s+\d|[IVX]+\.\s|1\.\s)")
NOI_NHAN = re.compile(r"^\W*Noi\s+nhan\s*[:;.]?", re.IGNORECASE)
SUBJECT_PREFIX = re.compile(r"^\s*(?:V/v|V/V|v/v|Vv|V\.v|Về\s+việc|Về)\b\s*[:.]?\s*")
PLACE_DATE = re.compile(r"""
    (?<![\w/-])(?P<place>(?:(?:TP|Tp)\.[ ]?)?[^\W\d_]+\.?(?:[ ][^\W\d_]+){0,5})  # not across a column gap
    \s*,\s*
    (?P<date>ngay\b[\s.…_\d]*thang\b[\s.…_\d]*nam\b\s*[\d.…_]*)
    """, re.VERBOSE | re.IGNORECASE)
class _OnFolded:
    """A pattern of fixed words matched on the folded text (OCR drops and confuses
    Vietnamese marks: "Nơỉ nhặn", "Kính gủi", "ngảy"); positions hold for the original."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def match(self, s: str, pos: int = 0):
        return self.pattern.match(fold(s), pos)

    def search(self, s: str, pos: int = 0):
        return self.pattern.search(fold(s), pos)

    def finditer(self, s: str):
        return self.pattern.finditer(fold(s))


KINH_GUI, DONG_KINH_GUI, NOI_NHAN, PLACE_DATE = map(
    _OnFolded, (KINH_GUI, DONG_KINH_GUI, NOI_NHAN, PLACE_DATE))
SEPARATOR = re.compile(r"^[\s\-–—_=*.~]+$")
BULLET = re.compile(r"^\s*(?:[-–—+•·▪●*]|\d{1,2}[.)]|[a-zđ][.)])\s+")


@lru_cache(maxsize=1)
def _motto() -> re.Pattern:
    return re.compile("|".join(f"(?:{p})" for p in load_lines("layout/motto.txt")),
                      re.IGNORECASE)


@lru_cache(maxsize=1)
def _marks() -> re.Pattern:
    words = sorted(load_lines("layout/marks.txt"), key=len, reverse=True)
    return re.compile(r"^(?:%s)$" % "|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def _type_headings() -> dict[str, str]:
    # A type heading is the type's name in capitals (NĐ 30/2020, Phụ lục I): "THÔNG BÁO".
    return {row[0].upper(): row[0] for row in load_tsv("doc_types.tsv") if row[0][0].isupper()}


@lru_cache(maxsize=1)
def _prefix_pattern() -> re.Pattern:
    written = sorted((row[0] for row in load_tsv("layout/authority_prefixes.tsv")),
                     key=len, reverse=True)
    return re.compile(r"^(?:%s)\s*(?=\S)" % "|".join(map(re.escape, written)))


# --- lines and columns ----------------------------------------------------------------

def split_lines(text: str) -> list[Piece]:
    lines, start = [], 0
    for part in text.split("\n"):
        lines.append(Piece(start, start + len(part), part))
        start += len(part) + 1
    return lines


def columns(line: Piece) -> list[Piece]:
    """The line's column pieces, split at runs of 3+ spaces (leading indent kept out)."""
    pieces, begin = [], 0
    for m in COLUMN_GAP.finditer(line.text):
        pieces.append(line.cut(begin, m.start() + 1))
        begin = m.end()
    pieces.append(line.cut(begin))
    return [p for p in pieces if p.text]


def is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= 0.8 * len(letters)


def type_heading_of(s: str) -> str | None:
    """'THÔNG BÁO' -> 'Thông báo', 'THÔNG BÁO KẾT LUẬN' -> 'Thông báo'; None for a line
    that is not a type heading (it must be in capitals, the type name first)."""
    text = " ".join(s.replace("*", " ").split()).rstrip(".:")
    if not is_upper_line(text):
        return None
    words = text.upper().split()
    for n in range(min(4, len(words)), 0, -1):  # the longest type name that opens the line
        name = _type_headings().get(" ".join(words[:n]))
        if name and len(words) - n <= 3:
            return name
    return None


def _strip_motto(piece: Piece) -> list[Piece]:
    """Cut the Quốc hiệu / Tiêu ngữ and urgency marks out of a header piece."""
    out, begin = [], 0
    for m in _motto().finditer(piece.text):
        out.append(piece.cut(begin, m.start()))
        begin = m.end()
    out.append(piece.cut(begin))
    return [p for p in out if p.text and not SEPARATOR.match(p.text)
            and not _marks().match(p.text.upper())]


# --- zoning ---------------------------------------------------------------------------

def _find_number(lines: list[Piece], limit: int) -> tuple[int, Piece] | None:
    for i, line in enumerate(lines[:limit]):
        m = NUMBER_LINE.search(line.text)
        if m and (m.start() == 0 or not line.text[:m.start()].strip()
                  or line.text[m.start() - 1] == " "):
            return i, line.cut(m.start())
    return None


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(p.casefold() for p in load_lines("layout/provinces.txt"))


def is_place(name: str) -> bool:
    """'Hà Nội', 'Nghệ An': a province or city (before and after the 2025 merger)."""
    return name.casefold() in _places()


def place_words(place: str) -> int:
    """Offset where the place name starts: its words are capitalised ("Hà Nội",
    "TP. Hồ Chí Minh", "Thành phố Huế"), words before them belong to something else."""
    words = list(re.finditer(r"\S+", place))
    i = len(words)
    while i > 0 and (words[i - 1].group()[0].isupper() or words[i - 1].group() in ("phố",)):
        i -= 1
    return words[i].start() if i < len(words) else len(place)


def _find_place_date(lines: list[Piece], begin: int, limit: int) -> tuple[int, Piece] | None:
    for i in range(begin, min(limit, len(lines))):
        for m in PLACE_DATE.finditer(lines[i].text):
            if not re.search(r"\d{4}|nam\s*$|nam\s*[.…_]", m.group("date"), re.I):
                continue
            place = lines[i].text[m.start("place"):m.end("place")]
            cut = place_words(place)
            if cut < len(place):
                return i, lines[i].cut(m.start() + cut, m.end())
    return None


def _top_limit(lines: list[Piece]) -> int:
    """Index of the first line of the Kính gửi block or the body, bounding the top zones."""
    for i, line in enumerate(lines):
        if KINH_GUI.match(line.text):
            return i
    return min(len(lines), 40)


def _subject_lines(lines: list[Piece], i: int, stop: int, first: Piece) -> list[Piece]:
    out = [first] if first.text else []
    j = i + 1
    while j < stop:
        text = lines[j].text.strip()
        if not text:
            if out:
                break
            j += 1
            continue
        if (SEPARATOR.match(text) or KINH_GUI.match(text) or PLACE_DATE.search(text)
                or NUMBER_LINE.match(text) or BODY_OPENERS.match(text)
                or (out and is_upper_line(text) and not is_upper_line(out[-1].text))):
            break
        piece = columns(lines[j])[0] if columns(lines[j]) else lines[j].strip()
        out.append(piece)
        j += 1
    return out


def _bullet_items(pieces: list[Piece]) -> list[Piece]:
    """Group lines of a list into items: one per bullet, continuation lines joined."""
    items: list[list[Piece]] = []
    for piece in pieces:
        text = piece.text
        starts_item = bool(BULLET.match(text)) or not items
        if not starts_item:
            prev = items[-1][-1].text.rstrip()
            starts_item = prev.endswith((";", ".")) and not text[:1].islower()
        if starts_item:
            items.append([piece])
        else:
            items[-1].append(piece)
    out = []
    for group in items:
        first, last = group[0], group[-1]
        out.append(Piece(first.start, last.end, " ".join(p.text for p in group), first.col))
    return out


def zone(text: str) -> Layout:
    """Split a normalized letter into its zones."""
    lines = split_lines(text)
    layout = Layout(text=text, lines=lines)
    top = _top_limit(lines)

    number = _find_number(lines, max(top, 1))
    head_end = number[0] if number else None
    if number:
        layout.number = number[1]
    near = (number[0] + 10) if number else 15
    place = _find_place_date(lines, 0, min(max(top, 1) + 1, near))
    if place:
        layout.place_date = place[1]
        if head_end is None or place[0] < head_end:
            head_end = place[0] if head_end is None else min(head_end, place[0])

    # Type heading and trích yếu: between the number/place lines and Kính gửi.
    after = max(i for i in (number[0] if number else -1, place[0] if place else -1, -1))
    subject_found = False
    for i in range(0, top):
        if i == (number[0] if number else -1) or i == (place[0] if place else -1):
            continue
        for col in columns(lines[i]):
            m = SUBJECT_PREFIX.match(col.text)
            if m and not subject_found and (
                    col.text.lower().startswith(("v/v", "vv", "v.v"))
                    or (layout.type_heading is None and i > after)):  # "Về việc ..." of a công văn
                layout.subject = _subject_lines(lines, i, top, col.cut(m.end()))
                subject_found = True
                break
            if i > after - 1 and type_heading_of(col.text) and layout.type_heading is None:
                layout.type_heading = col
                if not subject_found:
                    nxt = _subject_lines(lines, i, top, Piece(col.end, col.end, ""))
                    if nxt:
                        m2 = SUBJECT_PREFIX.match(nxt[0].text)
                        if m2:
                            nxt[0] = nxt[0].cut(m2.end())
                        layout.subject = nxt
                        subject_found = True
                break
        if head_end is None and (layout.type_heading or subject_found):
            head_end = i

    # Header: everything above the number (or place, type, subject) line.
    if head_end is None:
        head_end = 0
    header_lines = list(lines[:head_end])
    if number:
        before = lines[number[0]].text[: number[1].start - lines[number[0]].start]
        if before.strip():
            header_lines.append(lines[number[0]].cut(0, len(before)))
    for line in header_lines:
        for col in columns(line):
            if PLACE_DATE.search(col.text):
                continue
            layout.header.extend(_strip_motto(col))

    _zone_bottom(layout, lines, top)
    return layout


def _zone_bottom(layout: Layout, lines: list[Piece], top: int) -> None:
    """Kính gửi, body, Nơi nhận and the signature block."""
    n = len(lines)
    # Kính gửi: inline text, then list lines until a blank line after some items.
    body_start = top
    if top < n and KINH_GUI.match(lines[top].text):
        m = KINH_GUI.match(lines[top].text)
        first = lines[top].cut(m.end())
        raw = [first] if first.text else []
        j = top + 1
        while j < n:
            text = lines[j].text.strip()
            if not text:
                if raw and not _next_is_bullet(lines, j):
                    break
                j += 1
                continue
            if raw and not BULLET.match(text) and not lines[j].text[:1].isspace() \
                    and raw[-1].text.rstrip().endswith("."):
                break
            if raw and not BULLET.match(text) and len(text) > 160:
                break
            raw.append(lines[j].strip())
            j += 1
        # "Đồng kính gửi:" (copied to) names more addressees right after the block.
        k = j
        while k < n and not lines[k].text.strip():
            k += 1
        if k < n and DONG_KINH_GUI.match(lines[k].text):
            more = lines[k].cut(KINH_GUI.match(lines[k].text).end())
            raw.extend([more] if more.text else [])
            j = k + 1
        layout.recipients = raw
        body_start = j
    else:
        last_top = max([p.start for p in (layout.number, layout.place_date, layout.type_heading)
                        if p] + [p.end for p in layout.subject] + [0])
        body_start = next((i for i, line in enumerate(lines) if line.start > last_top), n)

    # Nơi nhận: the last line that starts it (in any column).
    noi = None
    for i in range(n - 1, body_start - 1, -1):
        for col in columns(lines[i]):
            if NOI_NHAN.match(col.text):
                noi = (i, col)
                break
        if noi:
            break

    sig_start = _find_signature_start(lines, body_start, noi[0] if noi else n)
    body_end_line = min(x for x in (noi[0] if noi else n, sig_start if sig_start is not None
                                    else n))
    layout.body = (lines[body_start].start if body_start < n else len(layout.text),
                   lines[body_end_line].start if body_end_line < n else len(layout.text))

    dist: list[Piece] = []
    sig: list[Piece] = []
    if sig_start is not None and (noi is None or sig_start < noi[0]):
        stop = noi[0] if noi else n
        sig.extend(p for line in lines[sig_start:stop] for p in columns(line))
    if noi:
        i, col = noi
        split_col = None
        right = [c for c in columns(lines[i]) if c.col > col.col]
        if right:
            split_col = right[0].col
            sig.extend(right)
        rest = col.cut(NOI_NHAN.match(col.text).end())
        if rest.text:
            dist.append(rest)
        in_list = True
        for line in lines[i + 1:]:
            cols = columns(line)
            if not cols:
                continue
            # Two columns on a line: Nơi nhận at the left, the signature block at the right
            # (a centred position line can start left of where the block began).
            if len(cols) >= 2 and in_list:
                dist.append(cols[0])
                sig.extend(cols[1:])
                continue
            c = cols[0]
            if in_list and BULLET.match(c.text):
                dist.append(c)
            elif split_col is not None and c.col >= 20:
                sig.append(c)
            elif in_list and (not dist or _continues(dist[-1].text, c.text)
                              or _ends_item(c.text)):
                dist.append(c)  # a wrapped item, or an item whose bullet OCR dropped
            else:
                in_list = False
                sig.extend(cols)
    layout.distribution = dist
    layout.signature = sig


def _ends_item(text: str) -> bool:
    """'UBND tỉnh (báo cáo);': an item of a list, even without its bullet."""
    return text.rstrip().endswith((";", ".")) and not is_upper_line(text)


def _continues(prev: str, text: str) -> bool:
    """A wrapped list item: the previous line did not end the item."""
    prev = prev.rstrip()
    return not prev.endswith((";", ".", ":")) and not is_upper_line(text)


def _next_is_bullet(lines: list[Piece], j: int) -> bool:
    for line in lines[j + 1:]:
        if line.text.strip():
            return bool(BULLET.match(line.text))
    return False


def _find_signature_start(lines: list[Piece], begin: int, end: int) -> int | None:
    """First line of a signature block placed before "Nơi nhận" (or with none)."""
    prefix = _prefix_pattern()
    for i in range(begin, end):
        for col in columns(lines[i]):
            text = col.text
            if prefix.match(text) and is_upper_line(text):
                return i
    if end == len(lines):
        # No Nơi nhận: the block is the trailing run of upper-case lines and a name.
        i = end - 1
        while i > begin and not lines[i].text.strip():
            i -= 1
        j = i - 1
        while j > begin and (not lines[j].text.strip() or is_upper_line(lines[j].text)
                             or lines[j].text.strip().startswith("(")):
            j -= 1
        if j + 1 < i and any(is_upper_line(lines[k].text) for k in range(j + 1, i)):
            return j + 1
    return None

