"""The signature block: who signs, in what position, on whose behalf.

NĐ 30/2020/NĐ-CP, Điều 8 khoản 7 and Phụ lục I: the authority line ("TM. ỦY BAN NHÂN
DÂN", "KT. GIÁM ĐỐC", "TL. BỘ TRƯỞNG", "TUQ. CHỦ TỊCH", "Q. GIÁM ĐỐC"; two levels are
possible: "TL. CHỦ TỊCH" over "KT. CHÁNH VĂN PHÒNG"), then the signer's position in
capitals, the signature and seal, and the full name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from pipeline.extract.base import Candidate
from pipeline.layout import Layout, Piece, _prefix_pattern, is_upper_line
from pipeline.normalize import fold
from pipeline.resources import load_lines

# Lines inside the block that are neither position nor name.
NOISE = re.compile(r"^\(?\s*(?:đã\s+ký|ký|ky|chữ\s+ký|đóng\s+dấu|\[?\s*daky)\b.*$|^\(.*\)$",
                   re.IGNORECASE)
# A word of a name: capitalised letters, with the apostrophes and hyphens of the names of
# ethnic minorities ("H'Yên Niê", "Rơ Mah", "Giàng A Sủ").
NAME_WORD = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*['’]?$")  # "H' Ly"


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(s.casefold() for s in load_lines("layout/surnames.txt"))


@lru_cache(maxsize=1)
def _title_starts() -> tuple[str, ...]:
    return tuple(sorted(load_lines("layout/titles.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _folded_titles() -> tuple[str, ...]:
    # OCR drops marks in capitals ("PHÓ VU TRƯỞNG"); only titles of two words and more are
    # matched without marks, as one word alone is too alike a name ("TRƯỞNG", "Trương").
    return tuple(fold(t) for t in _title_starts() if " " in t)


def starts_with_title(text: str) -> bool:
    up = re.sub(r"^Q\.\s*", "", text.upper())  # "Q. GIÁM ĐỐC": an acting director
    if any(up == t or up.startswith(t + " ") for t in _title_starts()):
        return True
    up = fold(up)
    return any(up == t or up.startswith(t + " ") for t in _folded_titles())


def _with_marks(position: str) -> str:
    """'PHÓ VU TRƯỞNG' -> 'PHÓ VỤ TRƯỞNG': a title OCR read without some of its marks is
    written as the titles list writes it; the rest of the position stays as read."""
    folded = fold(position)
    for title in _title_starts():
        if " " in title and (folded == fold(title) or folded.startswith(fold(title) + " ")):
            return title + position[len(title):]
    return position


def looks_like_name(text: str) -> bool:
    """The shape of a person's name: 2-6 capitalised words, no digits, not a title."""
    words = text.split()
    if not 2 <= len(words) <= 6 or not all(NAME_WORD.match(w) for w in words):
        return False
    return all(w[0].isupper() for w in words) and not starts_with_title(text)


def is_person_name(text: str) -> bool:
    """'Phạm Việt Hùng' or 'PHẠM VIỆT HÙNG': a name's shape and a known family name."""
    return looks_like_name(text) and text.split()[0].casefold() in _surnames()


@lru_cache(maxsize=1)
def _name_prefix() -> re.Pattern:
    words = sorted(load_lines("layout/name_prefixes.txt"), key=len, reverse=True)
    return re.compile(r"^(?:(?:%s)(?:\.\s*|\s+))+" % "|".join(map(re.escape, words)))


def strip_name_prefix(text: str) -> str:
    """'PGS.TS. Trần Thanh Bình' -> 'Trần Thanh Bình'."""
    return _name_prefix().sub("", text.strip(" .*")).strip()


def find_signer(layout: Layout, people=None) -> Iterator[Candidate]:
    """The signer; ``people`` (the NER's PER names) is asked only when no line of the block
    has the shape of a name."""
    pieces = [p for p in layout.signature if p.text and not NOISE.match(p.text)]
    if not pieces:
        return
    name_i = None
    for i in range(len(pieces) - 1, -1, -1):
        text = strip_name_prefix(pieces[i].text)
        if looks_like_name(text) and not is_upper_line(text) or is_person_name(text):
            name_i = i
            break
    model_name = None
    if name_i is None and people is not None:
        for i in range(len(pieces) - 1, -1, -1):
            found = [c for c in people(layout.text, pieces[i].start, pieces[i].end)
                     if c.field == "PER"]
            if found:
                name_i, model_name = i, strip_name_prefix(found[-1].value)
                break
    block_end = name_i if name_i is not None else len(pieces)
    # The last run of capital lines before the name (a non-capital line ends a run).
    runs: list[list[Piece]] = [[]]
    for p in pieces[:block_end]:
        if is_upper_line(p.text):
            runs[-1].append(p)
        elif runs[-1]:
            runs.append([])
    upper = next((run for run in reversed(runs) if run), [])
    name = model_name or (strip_name_prefix(pieces[name_i].text) if name_i is not None else None)
    if not upper and name is None:
        return
    prefix = _prefix_pattern()
    # The position starts at the last line that opens with a title and is not itself
    # an authority line; the lines above it are the authority (joined by a space).
    pos_i = None
    for i in range(len(upper) - 1, -1, -1):
        if not prefix.match(upper[i].text) and starts_with_title(upper[i].text):
            pos_i = i
            break
    if pos_i is None:
        first_prefixed = [i for i, p in enumerate(upper) if prefix.match(p.text)]
        pos_i = len(upper) if first_prefixed else 0
    on_behalf = " ".join(" ".join(p.text.split()) for p in upper[:pos_i]) or None
    position = _with_marks(" ".join(" ".join(p.text.split()) for p in upper[pos_i:])) or None
    if on_behalf and not prefix.match(on_behalf):
        # Capitals above the position without TM./KT./TL.: part of the position.
        position = " ".join(filter(None, [on_behalf, position]))
        on_behalf = None
    spans = upper + ([pieces[name_i]] if name_i is not None else [])
    yield Candidate("signer", spans[0].start, spans[-1].end,
                    {"name": name, "position": position, "on_behalf": on_behalf},
                    1.0 if name else 0.6, "signer.block")
