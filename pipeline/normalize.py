"""The only place where text changes. Everything downstream indexes the text made here.

Steps, each recorded in an offset map back to the input: Unicode NFC (PDF and OCR text
often arrive decomposed), line endings to "\\n", no-break and exotic spaces to " ",
zero-width characters and soft hyphens dropped, markdown emphasis ("**", "***", paired "*")
and heading marks ("### ") dropped, the bars of a markdown table turned into column gaps. Runs of
spaces are kept: they separate the columns of a flattened two-column layout.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_SPACES = dict.fromkeys(map(ord, "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
                            "\u2008\u2009\u200a\u202f\u205f\u3000\t"), " ")
_DROPPED = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Markdown marks that converters (docx -> md) leave around bold/italic runs and headings.
_MARKUP = re.compile(r"\*{2,3}|(?m:^[ \t]*#{1,6}[ \t]+)|\\(?=[.\-*_#()\[\]])")
# A Word header converted to a markdown table: "| ỦY BAN NHÂN DÂN | CỘNG HÒA ... |". Cells
# become columns (a run of spaces, as in PDF text); the "|---|---|" row goes.
_TABLE_ROW = re.compile(r"(?m)^[ \t]*\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"^[\s|:\-]+$")
CELL_GAP = "   "
# "*(Đã ký)*": italic marks come in pairs on one line; a lone "* " is a bullet.
_ITALIC = re.compile(r"(?<![*\w])\*[^\s*](?:[^*\n]*[^\s*])?\*(?![*\w])")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Normalized text and, for each of its characters, the offset in the input."""

    text: str
    offsets: tuple[int, ...]  # where each character starts in the input; + len(input)
    ends: tuple[int, ...] = ()  # where each character's input ends

    def to_input(self, start: int, end: int) -> tuple[int, int]:
        """The input span of ``text[start:end]``."""
        if end <= start:
            return self.offsets[start], self.offsets[start]
        return self.offsets[start], self.ends[end - 1]


def _clusters(raw: str):
    """Yield (input offset, base character plus its combining marks)."""
    start = 0
    for i in range(1, len(raw) + 1):
        if i == len(raw) or not unicodedata.combining(raw[i]):
            yield start, raw[start:i]
            start = i


def normalize(raw: str) -> Normalized:
    """Normalize ``raw``; see the module docstring for what changes.

    >>> normalize("Hà Noi\\u0323\\r\\n").text
    'Hà Nội\\n'
    """
    masked = set()
    for m in _MARKUP.finditer(raw):
        masked.update(range(m.start(), m.end()))
    for m in _ITALIC.finditer(raw):
        masked.update((m.start(), m.end() - 1))
    gaps: set[int] = set()
    for m in _TABLE_ROW.finditer(raw):
        if _TABLE_RULE.match(m.group()):
            masked.update(range(m.start(), m.end()))
            continue
        row, base = m.group(), m.start()
        bars = [i for i, ch in enumerate(row) if ch == "|"]
        for i in bars:  # the bar and the padding around it
            lo, hi = i, i + 1
            while lo > 0 and row[lo - 1] in " \t":
                lo -= 1
            while hi < len(row) and row[hi] in " \t":
                hi += 1
            masked.update(range(base + lo, base + hi))
        gaps.update(base + i for i in bars[1:-1])
    out: list[str] = []
    offsets: list[int] = []
    ends: list[int] = []
    for start, cluster in _clusters(raw):
        if start in gaps:
            cluster = CELL_GAP
        elif start in masked or cluster[0] in _DROPPED:
            continue
        end = start + len(cluster)
        if cluster == "\r":
            if raw[start + 1:start + 2] == "\n":
                continue
            cluster = "\n"
        elif cluster == "\n" and raw[start - 1:start] == "\r":
            start -= 1
        elif cluster in ("\f", "\v", "\u2028", "\u2029", "\x85"):
            cluster = "\n"
        composed = unicodedata.normalize("NFC", cluster.translate(_SPACES))
        out.append(composed)
        offsets.extend([start] * len(composed))
        ends.extend([end] * len(composed))
    offsets.append(len(raw))
    return Normalized("".join(out), tuple(offsets), tuple(ends))


def _fold_table() -> dict[int, str]:
    table = {ord("đ"): "d", ord("Đ"): "D"}
    for code in range(0xC0, 0x1EFA):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha():
            table[code] = base
    return table


_FOLD = _fold_table()


def fold(text: str) -> str:
    """``text`` without its diacritics, one character for one: a key for matching the fixed
    words of a letter as OCR misreads them ("Nơỉ nhặn" -> "Noi nhan"), never a value.

    >>> fold("Kính gửi: Sở Y tế")
    'Kinh gui: So Y te'
    """
    return text.translate(_FOLD)
