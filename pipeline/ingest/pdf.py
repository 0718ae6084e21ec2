"""PDF files: the text layer where it can be trusted, OCR where it cannot.

The text layer is read word by word with positions (pdfplumber) and rebuilt into lines top
to bottom; words far apart on one visual line, as in the two-column header and the
"Nơi nhận"/signature block of NĐ 30/2020/NĐ-CP (Phụ lục I), are joined by a run of
spaces so that ``pipeline.layout`` can split the columns again.

Each page's layer is checked before it is believed (:func:`layer_problem`):

- empty while the page has ink (a scan, or text drawn as curves);
- garbage: ``(cid:NN)`` glyphs with no Unicode mapping, replacement characters, or words
  that are not Vietnamese syllables (a legacy TCVN3/VNI font without a ToUnicode map;
  such a layer is first converted as legacy text, and only OCR'd if that fails);
- far shorter than the ink on the rendered page suggests (a scan with a few typed words).

Such a page is OCR'd (``pipeline.ingest.ocr``) and, if it had a layer, gets the warning
``ocr.layer_replaced``. A PDF whose pages were all OCR'd is of kind ``pdf-scan``.
"""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from pipeline.errors import CongvanError
from pipeline.ingest import SourceText

RENDER_DPI = 300           # pages rendered for OCR
INK_DPI = 50               # pages rendered to measure their ink
INK_PER_CHAR = 6.5         # dark pixels at INK_DPI per character of 11-14 pt Times (measured
                           # 4.6-7.7 on rendered letters, tests/render.py)
MIN_LAYER_SHARE = 0.3      # a layer with fewer characters than this share of the ink's is short
MIN_INK_CHARS = 40         # below this much ink (a line of text), a layer is never short
BLANK_INK = 30             # dark pixels at INK_DPI below which a page is blank
GARBAGE_SHARE = 0.05       # (cid:NN) or U+FFFD characters over all characters
X_TOLERANCE_RATIO = 0.15   # a gap wider than this share of the font size separates words


def read_pdf(path: Path, data: bytes) -> SourceText:
    shown = str(path)
    pdf, doc = _open(data, shown)
    try:
        if not pdf.pages:
            raise CongvanError("input.unreadable", "the PDF has no pages", shown)
        plans = [_plan(page, doc[i], shown) for i, page in enumerate(pdf.pages)]
        return _read_pages(plans, doc, shown)
    finally:
        pdf.close()
        doc.close()


def _plan(page, pdfium_page, shown: str) -> tuple[str, str | None, str | None]:
    """(text layer, problem or None, legacy encoding it was converted from or None)."""
    text = _layer_text(page, shown)
    problem = layer_problem(text, _ink(pdfium_page))
    if problem == "garbage" and (fixed := _legacy_layer(text)) is not None:
        return fixed[0], None, fixed[1]
    return text, problem, None


def _read_pages(plans, doc, shown: str) -> SourceText:
    pages: list[str] = []
    warnings: list[tuple[str, str]] = []
    results = []
    for legacy in sorted({x for _, _, x in plans if x}):
        warnings.append(("encoding.legacy", f"the text layer uses a legacy {legacy.upper()} "
                                            f"font and was converted to Unicode"))
    # An empty layer on a page of a scanned PDF is no loss; beside real layers it is.
    has_layer = any(problem is None and text.strip() for text, problem, _ in plans)
    for i, (text, problem, _) in enumerate(plans):
        if problem in (None, "blank"):
            pages.append(text)
            continue
        from pipeline.ingest import ocr

        result = ocr.recognize(page_image(doc[i]), path=shown)
        pages.append(result.text)
        results.append(result)
        if problem != "empty" or has_layer:
            warnings.append(("ocr.layer_replaced", f"page {i + 1}: the text layer is "
                                                   f"{_REASONS[problem]}; the page was OCR'd"))
        if result.words and (w := ocr.low_confidence_warning(result, i + 1)):
            warnings.append(w)
    if not results:
        return SourceText(kind="pdf", pages=pages, warnings=warnings)
    from pipeline.ingest import ocr

    scanned = all(problem not in (None, "blank") or not text.strip()
                  for text, problem, _ in plans)
    return SourceText(kind="pdf-scan" if scanned else "pdf", pages=pages,
                      ocr=ocr.ocr_info(ocr.engine(shown), results), warnings=warnings)


_REASONS = {
    "empty": "empty",
    "garbage": "garbage (unmapped glyphs or broken characters)",
    "short": "far shorter than the ink on the page",
}


def _open(data: bytes, shown: str):
    import pdfplumber
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = "it is password-protected" if "password" in str(exc).lower() else str(exc)
        raise CongvanError("input.unreadable", f"not a readable PDF: {reason}", shown) from exc
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # parses the page tree: a broken file fails here, not later
    except Exception as exc:  # pdfminer raises many unrelated types for a broken file
        doc.close()
        raise CongvanError("input.unreadable",
                           f"not a readable PDF: {type(exc).__name__}: {exc}", shown) from exc
    return pdf, doc


# --- the text layer ----------------------------------------------------------------------------

def _layer_text(page, shown: str) -> str:
    from pipeline.ingest.ocr import Box, rows_to_lines

    try:
        words = page.extract_words(x_tolerance_ratio=X_TOLERANCE_RATIO, y_tolerance=2,
                                   keep_blank_chars=False, use_text_flow=False)
    except Exception as exc:  # a broken content stream
        raise CongvanError("input.unreadable",
                           f"page {page.page_number}: cannot read the text layer: {exc}",
                           shown) from exc
    units = [[Box(w["x0"], w["top"], w["x1"], w["bottom"], w["text"])] for w in words
             if w["text"].strip()]
    return "\n".join(repair_line(line) for line in rows_to_lines(units))


_SPLIT_MARK = re.compile(r"(?<=\S) +(?=[\u0300-\u036f])")
_COLUMN = re.compile(r"( {3,})")
_LETTERS = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aăâeêioôơuưy")


def _base(ch: str) -> str:
    return unicodedata.normalize("NFD", ch.lower())[0]


def repair_line(line: str) -> str:
    """NFC, and syllables that PDF extraction split at a diacritic joined again.

    >>> repair_line("ĐIỀ U 5.   Nghị đị nh")
    'ĐIỀU 5.   Nghị định'
    >>> repair_line("Vi ệt Nam, khu ở, Y tế")
    'Việt Nam, khu ở, Y tế'
    """
    line = unicodedata.normalize("NFC", _SPLIT_MARK.sub("", unicodedata.normalize("NFD", line)))
    return "".join(part if part.startswith("   ") else _join_fragments(part)
                   for part in _COLUMN.split(line))


def _join_fragments(text: str) -> str:
    from pipeline.ingest.encodings import _is_vietnamese_syllable as syllable

    tokens = text.split(" ")
    out = [tokens[0]]
    for token in tokens[1:]:
        prev = out[-1]
        if (_LETTERS.fullmatch(prev) and _LETTERS.fullmatch(token.rstrip(".,;:)"))
                and _same_case(prev, token) and syllable((prev + token.rstrip(".,;:)")).lower())
                and (not syllable(prev.lower()) or not syllable(token.rstrip(".,;:)").lower())
                     or _cut_at_mark(prev, token.rstrip(".,;:)")))):
            out[-1] = prev + token
        else:
            out.append(token)
    return " ".join(out)


_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_CODA = re.compile(r"(?:c|ch|m|n|ng|nh|p|t)$")


def _cut_at_mark(prev: str, token: str) -> bool:
    """Two valid syllables that are one word cut before its marked vowel: "Vi ệt",
    "thi ết". Only a toneless head and a tail that starts with a marked vowel and ends in
    a consonant qualify, so that words like "khu ở" or "bình ổn" stay apart."""
    first = unicodedata.normalize("NFD", token[0].lower())
    return (first[0] in _VOWELS and len(first) > 1 and _base(prev[-1]) in _VOWELS
            and not _TONE_MARKS & set(unicodedata.normalize("NFD", prev))
            and bool(_CODA.search(token.lower())))


def _same_case(a: str, b: str) -> bool:
    return b.islower() or (a.isupper() and b.isupper())


_CID = re.compile(r"\(cid:\d+\)")


def layer_problem(text: str, ink: int) -> str | None:
    """Why a page's text layer cannot be used, or ``None``: "blank" (no layer, no ink),
    "empty", "garbage" or "short". ``ink``: dark pixels of the page at INK_DPI."""
    from pipeline.ingest.encodings import _score

    chars = len("".join(text.split()))
    if chars == 0:
        return "blank" if ink < BLANK_INK else "empty"
    broken = sum(len(m) for m in _CID.findall(text)) + text.count("\ufffd")
    if broken > GARBAGE_SHARE * chars:
        return "garbage"
    score = _score(text)
    if score.bad >= 5 and score.bad > score.good:
        return "garbage"
    expected = ink / INK_PER_CHAR
    if expected >= MIN_INK_CHARS and chars < MIN_LAYER_SHARE * expected:
        return "short"
    return None


def _legacy_layer(text: str) -> tuple[str, str] | None:
    """A layer in a legacy font (TCVN3, VNI) read as Windows-1252, converted to Unicode."""
    from pipeline.ingest.encodings import _repair_mojibake

    fixed = _repair_mojibake(text)
    if fixed is None or layer_problem(fixed[0], 0) is not None:
        return None
    return "\n".join(repair_line(line) for line in fixed[0].split("\n")), fixed[1]


# --- page images -------------------------------------------------------------------------------

def _ink(page) -> int:
    """Dark pixels of ``page`` rendered at INK_DPI: how much text is drawn on it. Only
    neutral dark pixels count (dark in every channel): a red seal or a blue signature
    on the last page is not text that the layer is missing."""
    import numpy as np

    a = page.render(scale=INK_DPI / 72).to_numpy()
    return int(np.count_nonzero(a[..., :3].max(axis=-1) < 128)) if a.ndim == 3 else \
        int(np.count_nonzero(a < 128))


def page_image(page):
    """The page as an image for OCR: a full-page scan's own pixels when they are 8-bit
    and upright (no resampling, ~7x faster), otherwise the page rendered at RENDER_DPI."""
    image = _scan_image(page)
    if image is not None:
        return image
    return page.render(scale=RENDER_DPI / 72, grayscale=True).to_pil()


def _scan_image(page):
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    if page.get_rotation():
        return None
    objects = list(page.get_objects(max_depth=1))
    images = [o for o in objects if o.type == pdfium_c.FPDF_PAGEOBJ_IMAGE]
    if len(images) != 1 or len(objects) != 1:
        return None
    width, height = page.get_size()
    m = images[0].get_matrix()
    if m.b or m.c or m.a < 0.9 * width or m.d < 0.9 * height:
        return None
    try:
        image = images[0].get_bitmap(render=False).to_pil()
    except pdfium.PdfiumError:
        return None
    dpi = image.width / (m.a / 72)
    if image.mode not in ("L", "RGB") or dpi < 200:
        return None
    return image
