"""The two addressee lists of a letter: "Kính gửi" (recipients) and "Nơi nhận" (distribution).

NĐ 30/2020/NĐ-CP, Phụ lục I: "Kính gửi" names one addressee on its line, or lists them as
bullets; "Nơi nhận" lists one receiver per bullet ("- Như trên;", "- UBND tỉnh (để b/c);",
"- Lưu: VT, TĐC."), a purpose in "(để …)" after the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.extract.base import Candidate
from pipeline.layout import BULLET, Layout, Piece, _bullet_items

# "(để b/c)", "(để báo cáo)", and a bare "(báo cáo)" / "(b/c)" give the purpose;
# record-v1.md: any other parenthesis stays in the name.
PURPOSE = re.compile(r"\(\s*(?:(?:để|đế|de)\s+(?P<goal>[^()]+?)|(?P<bare>báo\s+cáo|b/c))\s*\)"
                     r"\s*[;.,]*\s*$", re.IGNORECASE)
TRAILING = " ;,.:"


def _clean(piece: Piece) -> Piece:
    """Drop the bullet and the trailing separators of one list item."""
    m = BULLET.match(piece.text)
    piece = piece.cut(m.end()) if m else piece
    text = piece.text.rstrip(TRAILING)
    if text.endswith("/") and piece.text.rstrip().endswith("./."):
        text = text.rstrip("./")
    return piece.cut(0, len(text))


def _items(pieces: list[Piece]) -> list[Piece]:
    pieces = [p for p in pieces if p.text.strip()]
    return [_clean(p) for p in _bullet_items(pieces)] if pieces else []


def find_recipients(layout: Layout) -> Iterator[Candidate]:
    pieces = [p for p in layout.recipients if p.text.strip()]
    if not pieces:
        return
    if len(pieces) == 1 and not BULLET.match(pieces[0].text):
        # One line: "Kính gửi: Sở Y tế; Sở Tài chính." names one or several addressees.
        piece = pieces[0]
        begin = 0
        for part in re.split(r"(;)", piece.text):
            if part == ";":
                begin += 1
                continue
            item = _clean(piece.cut(begin, begin + len(part)))
            begin += len(part)
            if item.text:
                yield Candidate("recipient", item.start, item.end, {"name": item.text},
                                1.0, "recipients.inline")
        return
    for item in _items(pieces):
        if item.text:
            yield Candidate("recipient", item.start, item.end, {"name": item.text},
                            1.0, "recipients.list")


# OCR confusions the fixed forms of a Nơi nhận list let us undo: "Lưu: VI, KHTC" is the
# decree's "Lưu: VT, ..." (văn thư), and a ";" inside an item before a small word was a ",".
ARCHIVE_VT = re.compile(r"^(Lưu\s*:\s*)(?:VT|VI|V1|VF|VE|VTF|YT)(?:(?=\s*[,;.]|\s*$)|\s+(?=[A-ZĐ]))")
INNER_SEMICOLON = re.compile(r";,?(?=\s+[a-zđà-ỹ])")


def _undo_ocr(name: str) -> str:
    name = ARCHIVE_VT.sub(lambda m: m.group(1) + ("VT, " if m.group(0)[-1:].isspace() else "VT"),
                          name)
    if name.startswith("Lưu"):
        return name.replace(";", ",")
    return INNER_SEMICOLON.sub(",", name)


def find_distribution(layout: Layout) -> Iterator[Candidate]:
    for item in _items(layout.distribution):
        if not item.text:
            continue
        name, purpose = _undo_ocr(item.text), None
        m = PURPOSE.search(name)
        if m:
            purpose = " ".join((m.group("goal") or m.group("bare")).split())
            name = name[: m.start()].rstrip(TRAILING)
        if name:
            yield Candidate("distribution", item.start, item.end,
                            {"name": " ".join(name.split()), "purpose": purpose},
                            1.0, "distribution.list")
