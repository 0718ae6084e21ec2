"""Fields of the top of a letter: number and symbol, type, place and date, trích yếu.

Formats from Nghị định 30/2020/NĐ-CP, Điều 8 and Phụ lục I: "Số: 650/SKHCN-TĐC" (the
symbol is upper case, parts joined by "-" and "/"), "Hà Nội, ngày 04 tháng 4 năm 2023"
(day and month may be left blank in an unsigned copy), the type name in capitals with
the trích yếu under it, or "V/v ..." under the number of a công văn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.extract.base import Candidate
from pipeline.extract.dates import parse_date
from pipeline.normalize import fold
from pipeline.layout import SUBJECT_PREFIX, Layout, type_heading_of

NUMBER = re.compile(r"""
    (?:S[ốôoóòồỗổộ6]|5[ốô6])\s*[:;.]?\s*
    (?P<number>[0-9OoIl]*[0-9][0-9OoIl]*[a-zA-Z]?   # blank in unsigned copies;
       (?:-[A-ZĐ][A-ZĐa-z]*)*|)                    # Party style: "512-CV/TĐTN-PT"
    \s*/\s*
    (?P<symbol>[0-9A-ZĐ][\w&.]*(?:\s*[-/]\s*[0-9A-ZĐ][\w&.]*)*)
    """, re.VERBOSE)
# What NĐ 30/2020 allows in a symbol; a few abbreviations carry lower case (TTr, QyĐ, GDTrH).
SYMBOL_OK = re.compile(r"^[0-9A-Za-zĐđ&.]+(?:[-/][0-9A-Za-zĐđ&.]+)*$")
_OCR_DIGITS = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1"})


def find_number(layout: Layout) -> Iterator[Candidate]:
    piece = layout.number
    if piece is None:
        return
    m = NUMBER.search(piece.text)
    if not m:
        return
    number = m.group("number").translate(_OCR_DIGITS) or None
    symbol = re.sub(r"\s+", "", m.group("symbol")).rstrip(".")
    problem = None
    after = piece.text[m.end():m.end() + 1]
    if after and not after.isspace() and after not in ".,;":
        # "12/UBND-VP#3": the symbol runs on with characters NĐ 30/2020 does not allow.
        symbol += piece.text[m.end():].split()[0]
    if not SYMBOL_OK.match(symbol):
        problem = ("number.malformed", f"symbol {symbol!r} does not follow NĐ 30/2020 Phụ lục III")
    yield Candidate("number", piece.start + m.start(), piece.start + m.end(),
                    {"number": number, "symbol": symbol}, 1.0, "number.so_line", problem)


def find_document_type(layout: Layout) -> Iterator[Candidate]:
    piece = layout.type_heading
    if piece is not None:
        yield Candidate("document_type", piece.start, piece.end,
                        type_heading_of(piece.text), 1.0, "type.heading")
    else:
        # NĐ 30/2020, Điều 8: a công văn carries no type name; "V/v" marks its trích yếu.
        yield Candidate("document_type", 0, 0, "Công văn", 0.8, "type.default_cong_van")


# A Công điện has no place line; it states its own date where it was sent:
# "Điện phát hồi 14 giờ 30 phút, ngày 24 tháng 4 năm 2024".
SENT_AT = re.compile(r"""
    (?:phát|gửi|chuyển)\s+hồi\b[^\n]{0,40}?
    (?P<date>ng[àa]y\s+\d{1,2}\s+th[áa]ng\s+\d{1,2}\s+n[ăa]m\s+\d{4}
       |\d{1,2}/\d{1,2}/\d{4})
    """, re.VERBOSE | re.IGNORECASE)


_DATE_WORDS = {"ngay": "ngày", "thang": "tháng", "nam": "năm"}


def find_place_date(layout: Layout) -> Iterator[Candidate]:
    from pipeline.layout import PLACE_DATE
    piece = layout.place_date
    if piece is None:
        m = SENT_AT.search(layout.text)
        if m:
            iso, problem = parse_date(m.group("date"))
            yield Candidate("issued", m.start("date"), m.end("date"), iso, 0.8,
                            "date.sent_at", problem)
        return
    m = PLACE_DATE.search(piece.text)
    place = re.sub(r"^\W+", "", piece.text[m.start("place"):m.end("place")]).strip()
    yield Candidate("place", piece.start + m.start("place"), piece.start + m.end("place"),
                    place, 1.0, "place.date_line")
    # m matched the folded text: read the date in the decree's words, whatever OCR made of
    # their marks ("ngảy 05 thảng 6 năm 2025").
    written = re.sub(r"(?i)\b(?:ngay|thang|nam)\b", lambda w: _DATE_WORDS[w.group().lower()],
                     fold(piece.text[m.start("date"):m.end("date")]))
    iso, problem = parse_date(written)
    yield Candidate("issued", piece.start + m.start("date"), piece.start + m.end("date"),
                    iso, 1.0, "date.date_line", problem)


def find_subject(layout: Layout) -> Iterator[Candidate]:
    pieces = [p for p in layout.subject if p.text]
    if not pieces:
        return
    text = " ".join(" ".join(p.text.split()) for p in pieces)
    text = SUBJECT_PREFIX.sub("", text, count=1) if SUBJECT_PREFIX.match(text) else text
    text = text.strip().rstrip(".;:").strip()
    if text:
        yield Candidate("subject", pieces[0].start, pieces[-1].end, text, 1.0, "subject.zone")
