"""Render letters into the files the ingest readers take, at test time (no binaries in git).

A :class:`Letter` holds the parts of a công văn; :func:`layout` places them on A4 pages in
the layout of NĐ 30/2020/NĐ-CP, Phụ lục I (two-column header: cơ quan chủ quản and issuer
centred at left, Quốc hiệu and Tiêu ngữ centred at right; "Số:" at left and the place-date
at right on one line; body; "Nơi nhận" at left beside the signature block at right). The
same layout is then written as:

- ``page_images``: 300-dpi grayscale page images (the clean "scan");
- ``degrade``: a scanner's damage (rotation 1-3°, blur, noise, JPEG artefacts, a page
  upside down);
- ``save_image_pdf`` / ``save_png`` / ``save_tiff``: image-only PDF, PNG, multi-page TIFF;
- ``save_text_pdf``: a PDF with a real text layer (fpdf2), one word per text object as
  word processors do with justified lines;
- ``save_docx``: a Word file whose header and signature block are 2-column tables.

``truth_pages`` gives the text a perfect reader would produce for each page (the layout's
lines top to bottom), the reference for a character error rate. ``parse_letter`` splits a
plain-text letter (data/raw/*.txt) into a :class:`Letter`.

Run as a script to write every format of the built-in letters into a folder:
``python tests/render.py OUT_DIR``.
"""

from __future__ import annotations

import io
import random
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

try:
    import pytest
except ImportError:  # the renderer also runs as a script, without pytest
    pytest = None

DPI = 300
PAGE_W, PAGE_H = 210.0, 297.0                      # A4, mm
MARGIN_L, MARGIN_R, MARGIN_T, MARGIN_B = 30.0, 15.0, 20.0, 20.0   # NĐ 30/2020, Phụ lục I
TEXT_W = PAGE_W - MARGIN_L - MARGIN_R
PT = 25.4 / 72                                     # mm per point
LEFT_COL = (MARGIN_L - 8.0, MARGIN_L + 72.0)       # header / Nơi nhận column, mm
RIGHT_COL = (MARGIN_L + 70.0, PAGE_W - MARGIN_R + 3.0)  # Quốc hiệu / signature column

QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"


@dataclass
class Letter:
    """The parts of a letter, as written (fictional content)."""

    stem: str
    issuer: list[str]              # e.g. ["UBND TỈNH LÂM SƠN", "SỞ Y TẾ"]: parent, then issuer
    number: str                    # "Số: 125/SYT-NVY"
    place_date: str                # "Lâm Sơn, ngày 12 tháng 3 năm 2024"
    subject: list[str]             # "V/v ..." (công văn) or the trích yếu, as wrapped lines
    doc_type: str | None = None    # None for a công văn; "KẾ HOẠCH", "THÔNG BÁO", ...
    recipients: list[str] = field(default_factory=list)   # Kính gửi: one item per line
    body: list[str] = field(default_factory=list)          # paragraphs
    distribution: list[str] = field(default_factory=list)  # lines under "Nơi nhận:"
    signer: list[str] = field(default_factory=list)        # ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Name"]

    def text(self) -> str:
        """The letter as a plain-text file, in the style of data/raw."""
        out = [*self.issuer, QUOC_HIEU, TIEU_NGU, "", self.number, ""]
        if self.doc_type is None:
            out += [*self.subject, "", self.place_date, ""]
        else:
            out += [self.place_date, "", self.doc_type, *self.subject, ""]
        if len(self.recipients) == 1:
            out += [f"Kính gửi: {self.recipients[0]}", ""]
        elif self.recipients:
            out += ["Kính gửi:", *self.recipients, ""]
        for para in self.body:
            out += [para, ""]
        out += ["Nơi nhận:", *self.distribution, "", *self.signer[:-1], "", "", self.signer[-1]]
        return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Run:
    """A piece of text placed on a page: left x and baseline y in mm."""

    x: float
    y: float
    text: str
    style: str = ""                # "", "B", "I", "BI" (fpdf2's names)
    size: float = 13.0             # points


@dataclass(frozen=True)
class Rule:
    """A horizontal line (the short rules under the issuer and the Tiêu ngữ)."""

    x0: float
    x1: float
    y: float


@dataclass
class Page:
    runs: list[Run] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)


def _has_tesseract() -> bool:
    import shutil
    return shutil.which("tesseract") is not None


if pytest is not None:
    requires_tesseract = pytest.mark.skipif(
        not _has_tesseract(),
        reason="Tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-vie)")


# --- fonts -----------------------------------------------------------------------------------

_FONT_DIRS = ("/usr/share/fonts/truetype/liberation2", "/usr/share/fonts/truetype/liberation",
              "/usr/share/fonts/truetype/dejavu")
_FONT_FILES = {  # Times-like Liberation Serif first; DejaVu Serif has the glyphs too
    "": ("LiberationSerif-Regular.ttf", "DejaVuSerif.ttf"),
    "B": ("LiberationSerif-Bold.ttf", "DejaVuSerif-Bold.ttf"),
    "I": ("LiberationSerif-Italic.ttf", "DejaVuSerif-Italic.ttf"),
    "BI": ("LiberationSerif-BoldItalic.ttf", "DejaVuSerif-BoldItalic.ttf"),
}


@cache
def font_path(style: str = "") -> Path:
    for name in _FONT_FILES[style]:
        for folder in _FONT_DIRS:
            if (path := Path(folder) / name).exists():
                return path
    raise FileNotFoundError("no font with Vietnamese glyphs: install the Debian package "
                            "fonts-liberation2 (or fonts-dejavu-core)")


@cache
def _pil_font(style: str, px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(font_path(style)), px)


@cache
def _advance(ch: str, style: str) -> float:
    return _pil_font(style, 1000).getlength(ch)


def text_width(text: str, style: str = "", size: float = 13.0) -> float:
    """Advance width of ``text`` in mm, without kerning (as fpdf2 places text)."""
    return sum(_advance(ch, style) for ch in text) * size / 1000 * PT


# --- layout ----------------------------------------------------------------------------------

def _wrap(text: str, width: float, style: str, size: float, indent: float = 0.0) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        room = width - (indent if not lines else 0.0)
        if line and text_width(trial, style, size) > room:
            lines.append(line)
            line = word
        else:
            line = trial
    return lines + [line] if line else lines


class _Flow:
    """Places lines top to bottom, starting a new page when one is full."""

    def __init__(self) -> None:
        self.pages = [Page()]
        self.y = MARGIN_T

    @property
    def page(self) -> Page:
        return self.pages[-1]

    def need(self, height: float) -> None:
        if self.y + height > PAGE_H - MARGIN_B:
            self.pages.append(Page())
            # NĐ 30/2020: page numbers from page 2, centred in the top margin
            number = str(len(self.pages))
            self.page.runs.append(Run(PAGE_W / 2 - text_width(number) / 2, 12.0, number))
            self.y = MARGIN_T

    def centred(self, text: str, col: tuple[float, float], y: float, style="", size=13.0) -> Run:
        run = Run((col[0] + col[1]) / 2 - text_width(text, style, size) / 2, y, text, style, size)
        self.page.runs.append(run)
        return run

    def justified(self, words: list[str], x: float, width: float, y: float, size: float) -> None:
        natural = sum(text_width(w, "", size) for w in words)
        gap = (width - natural) / (len(words) - 1) if len(words) > 1 else 0.0
        for word in words:
            self.page.runs.append(Run(x, y, word, "", size))
            x += text_width(word, "", size) + gap


def layout(letter: Letter, size: float = 13.0) -> list[Page]:
    """Place ``letter`` on A4 pages (NĐ 30/2020/NĐ-CP, Phụ lục I, mẫu 1.4 công văn)."""
    f = _Flow()
    lead = size * PT * 1.25
    y0 = MARGIN_T + size * PT
    # Header, left: cơ quan chủ quản (regular) then the issuer (bold), a short rule under.
    y = y0
    *parents, issuer = letter.issuer
    for line in parents:
        f.centred(line, LEFT_COL, y, "", 12.5)
        y += lead
    run = f.centred(issuer, LEFT_COL, y, "B", 12.5)
    rule_w = min(text_width(issuer, "B", 12.5), 30.0)
    centre = (LEFT_COL[0] + LEFT_COL[1]) / 2
    f.page.rules.append(Rule(centre - rule_w / 2, centre + rule_w / 2, y + 1.8))
    y_left = y + lead * 1.6
    # Header, right: Quốc hiệu, Tiêu ngữ (bold) with a rule as long as the Tiêu ngữ.
    f.centred(QUOC_HIEU, RIGHT_COL, y0, "B", 12.0)
    run = f.centred(TIEU_NGU, RIGHT_COL, y0 + lead, "B", 13.0)
    f.page.rules.append(Rule(run.x, run.x + text_width(TIEU_NGU, "B", 13.0), y0 + lead + 1.8))
    y = max(y_left, y0 + lead * 2.6)
    # "Số:" at left and the place-date at right, on one line.
    f.centred(letter.number, LEFT_COL, y, "", 13.0)
    f.centred(letter.place_date, RIGHT_COL, y, "I", 13.0)
    y += lead
    if letter.doc_type is None:   # công văn: "V/v ..." under the number, centred, 12 pt
        for line in letter.subject:
            for part in _wrap(line, LEFT_COL[1] - LEFT_COL[0], "", 12.0):
                f.centred(part, LEFT_COL, y, "", 12.0)
                y += 12.0 * PT * 1.2
        y += lead * 0.8
    else:                         # other types: the type name and the trích yếu, centred
        y += lead * 0.8
        body_col = (MARGIN_L, PAGE_W - MARGIN_R)
        f.centred(letter.doc_type, body_col, y, "B", 14.0)
        y += lead
        for line in letter.subject:
            f.centred(line, body_col, y, "B", 13.0)
            y += lead
        f.page.rules.append(Rule(PAGE_W / 2 - 15, PAGE_W / 2 + 15, y - lead + 2.0))
        y += lead * 0.5
    f.y = y
    # Kính gửi
    if len(letter.recipients) == 1:
        f.centred(f"Kính gửi: {letter.recipients[0]}", (MARGIN_L, PAGE_W - MARGIN_R), f.y)
        f.y += lead * 1.5
    elif letter.recipients:
        x = MARGIN_L + 35.0
        f.page.runs.append(Run(x, f.y, "Kính gửi:", "", size))
        for item in letter.recipients:
            for line in _wrap(item, PAGE_W - MARGIN_R - x - 22.0, "", size):
                f.page.runs.append(Run(x + 22.0, f.y, line, "", size))
                f.y += lead
        f.y += lead * 0.5
    # Body: first-line indent 1.27 cm, justified, 6 pt after each paragraph.
    indent = 12.7
    for para in letter.body:
        lines = _wrap(para, TEXT_W, "", size, indent)
        for i, line in enumerate(lines):
            f.need(lead)
            x = MARGIN_L + (indent if i == 0 else 0.0)
            width = TEXT_W - (indent if i == 0 else 0.0)
            if i == len(lines) - 1:
                f.page.runs.append(Run(x, f.y, line, "", size))
            else:
                f.justified(line.split(), x, width, f.y, size)
            f.y += lead
        f.y += 6 * PT
    # Nơi nhận (left, 12/11 pt) beside the signature block (right, bold, centred).
    small = 11.0 * PT * 1.2
    left_h = 12 * PT * 1.3 + small * len(letter.distribution)
    right_h = lead * (len(letter.signer) + 3)
    f.need(max(left_h, right_h) + lead)
    top = f.y + lead * 0.5
    y = top
    f.page.runs.append(Run(MARGIN_L, y, "Nơi nhận:", "BI", 12.0))
    y += 12 * PT * 1.3
    for line in letter.distribution:
        f.page.runs.append(Run(MARGIN_L, y, line, "", 11.0))
        y += small
    y = top
    *titles, name = letter.signer
    notes = [t for t in titles if t.startswith("(")]     # "(Đã ký)", "(Đã ký và đóng dấu)"
    for line in titles:
        if line not in notes:
            f.centred(line, RIGHT_COL, y, "B", 13.0)
            y += lead
    for k, line in enumerate(notes):
        f.centred(line, RIGHT_COL, y + lead * (1 + k), "I", 13.0)
    f.centred(name, RIGHT_COL, y + lead * 3, "B", 13.0)
    return f.pages


def truth_pages(pages: list[Page]) -> list[str]:
    """Each page's text as lines top to bottom, runs of a line left to right."""
    out = []
    for page in pages:
        rows: list[list[Run]] = []
        for run in sorted(page.runs, key=lambda r: (r.y, r.x)):
            if rows and abs(rows[-1][0].y - run.y) < 1.5:
                rows[-1].append(run)
            else:
                rows.append([run])
        out.append("\n".join(" ".join(r.text for r in sorted(row, key=lambda r: r.x))
                             for row in rows))
    return out


# --- writers ---------------------------------------------------------------------------------

def _px(mm: float) -> float:
    return mm * DPI / 25.4


def page_images(pages: list[Page]) -> list[Image.Image]:
    """300-dpi grayscale A4 images of the pages."""
    images = []
    for page in pages:
        image = Image.new("L", (round(_px(PAGE_W)), round(_px(PAGE_H))), 255)
        draw = ImageDraw.Draw(image)
        for run in page.runs:
            font = _pil_font(run.style, round(run.size * DPI / 72))
            draw.text((_px(run.x), _px(run.y)), run.text, font=font, fill=0, anchor="ls")
        for rule in page.rules:
            draw.line([(_px(rule.x0), _px(rule.y)), (_px(rule.x1), _px(rule.y))], fill=0,
                      width=3)
        image.info["dpi"] = (DPI, DPI)
        images.append(image)
    return images


def degrade(images: list[Image.Image], seed: int = 0, flip: tuple[int, ...] = (-1,),
            angle: float | None = None, noise: float = 14.0, blur: float = 0.9,
            quality: int = 45, border: bool = False) -> list[Image.Image]:
    """A scanner's damage: rotation of 1-3°, blur, Gaussian noise, JPEG artefacts; the pages
    whose indexes are in ``flip`` (default: the last) are fed upside down. ``border``: the
    dark margins of a photocopy (a band down one side, dark corners where the page turned)."""
    import numpy as np

    rng = random.Random(seed)
    noise_rng = np.random.default_rng(seed)
    flips = {i % len(images) for i in flip}
    out = []
    for i, image in enumerate(images):
        a = angle if angle is not None else rng.choice((-1, 1)) * rng.uniform(1.0, 3.0)
        page = image.rotate(a, resample=Image.Resampling.BICUBIC,
                            fillcolor=40 if border else 255)
        if border:
            ImageDraw.Draw(page).rectangle([0, 0, rng.randint(40, 90), page.height], fill=35)
        if i in flips:
            page = page.rotate(180)
        page = page.filter(ImageFilter.GaussianBlur(blur))
        pixels = np.asarray(page, dtype=np.float32)
        pixels = pixels * 0.92 + 12 + noise_rng.normal(0.0, noise, pixels.shape)  # grey paper
        page = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "L")
        buf = io.BytesIO()
        page.save(buf, "JPEG", quality=quality)
        page = Image.open(io.BytesIO(buf.getvalue()))
        page.load()
        page.info["dpi"] = (DPI, DPI)
        out.append(page)
    return out


def save_image_pdf(images: list[Image.Image], path: Path) -> Path:
    """An image-only PDF (no text layer), 300 dpi, as a scanner writes it."""
    first, *rest = [im.convert("L") for im in images]
    first.save(path, "PDF", save_all=True, append_images=rest, resolution=DPI)
    return path


def save_png(image: Image.Image, path: Path) -> Path:
    image.save(path, "PNG", dpi=(DPI, DPI))
    return path


def save_tiff(images: list[Image.Image], path: Path) -> Path:
    first, *rest = images
    first.save(path, "TIFF", save_all=True, append_images=rest, compression="tiff_lzw",
               dpi=(DPI, DPI))
    return path


def save_text_pdf(pages: list[Page], path: Path) -> Path:
    """A PDF with a text layer, every run a separate text object (needs fpdf2)."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    for style in _FONT_FILES:
        pdf.add_font("Serif", style, str(font_path(style)))
    for page in pages:
        pdf.add_page()
        for run in page.runs:
            pdf.set_font("Serif", run.style, run.size)
            pdf.text(run.x, run.y, run.text)
        pdf.set_line_width(0.25)
        for rule in page.rules:
            pdf.line(rule.x0, rule.y, rule.x1, rule.y)
    pdf.output(str(path))
    return path


def save_mixed_pdf(pages: list[Page], images: list[Image.Image], path: Path,
                   scanned: set[int]) -> Path:
    """A PDF whose pages in ``scanned`` (indexes) are page images carrying only a typed
    page number in their text layer, the others real text: a letter whose later pages
    were scanned and appended."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    for style in _FONT_FILES:
        pdf.add_font("Serif", style, str(font_path(style)))
    for i, page in enumerate(pages):
        pdf.add_page()
        if i in scanned:
            buf = io.BytesIO()
            images[i].convert("L").save(buf, "PNG")
            pdf.image(buf, x=0, y=0, w=PAGE_W, h=PAGE_H)
            pdf.set_font("Serif", "", 11)
            pdf.text(PAGE_W / 2, PAGE_H - 8, str(i + 1))
            continue
        for run in page.runs:
            pdf.set_font("Serif", run.style, run.size)
            pdf.text(run.x, run.y, run.text)
    pdf.output(str(path))
    return path


def save_docx(letter: Letter, path: Path) -> Path:
    """A Word letter: header and signature block as borderless 2-column tables."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    centre = WD_ALIGN_PARAGRAPH.CENTER

    def cell_lines(cell, lines: list[tuple[str, bool, bool]], align=centre) -> None:
        cell.paragraphs[0].text = ""
        for i, (text, bold, italic) in enumerate(lines):
            para = cell.paragraphs[0] if i == 0 else cell.add_paragraph()
            para.alignment = align
            run = para.add_run(text)
            run.bold, run.italic = bold, italic

    header = doc.add_table(rows=2, cols=2)
    *parents, issuer = letter.issuer
    cell_lines(header.cell(0, 0), [(p, False, False) for p in parents] + [(issuer, True, False)])
    cell_lines(header.cell(0, 1), [(QUOC_HIEU, True, False), (TIEU_NGU, True, False)])
    number = [(letter.number, False, False)]
    if letter.doc_type is None:
        number += [(line, False, False) for line in letter.subject]
    cell_lines(header.cell(1, 0), number)
    cell_lines(header.cell(1, 1), [(letter.place_date, False, True)])
    if letter.doc_type is not None:
        for text in (letter.doc_type, *letter.subject):
            para = doc.add_paragraph()
            para.alignment = centre
            para.add_run(text).bold = True
    if len(letter.recipients) == 1:
        doc.add_paragraph(f"Kính gửi: {letter.recipients[0]}").alignment = centre
    elif letter.recipients:
        doc.add_paragraph("Kính gửi:")
        for item in letter.recipients:
            doc.add_paragraph(item)
    for para in letter.body:
        doc.add_paragraph(para).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    footer = doc.add_table(rows=1, cols=2)
    left = [("Nơi nhận:", True, True)] + [(line, False, False) for line in letter.distribution]
    cell_lines(footer.cell(0, 0), left, WD_ALIGN_PARAGRAPH.LEFT)
    *titles, name = letter.signer
    cell_lines(footer.cell(0, 1), [(t, True, False) for t in titles] + [("", False, False)] * 3
               + [(name, True, False)])
    doc.add_paragraph()   # Word always ends a document with a paragraph, never a table
    doc.save(str(path))
    return path


# --- plain-text letters ----------------------------------------------------------------------

_COLUMNS = re.compile(r" {3,}|\t+")
_BULLET = re.compile(r"^\s*(?:[-–•+]|\d{1,2}[.)]|[a-zđ]\))\s*")
_NUMBER = re.compile(r"^\s*Số\s*:", re.IGNORECASE)
_PLACE_DATE = re.compile(r",\s*ngày\b.*\btháng\b.*\bnăm\b", re.IGNORECASE)
_NATIONAL = re.compile(r"CỘNG\s+H(?:ÒA|OÀ)\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|"
                       r"Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc", re.IGNORECASE)
_URGENCY = re.compile(r"^(?:HỎA TỐC|HOẢ TỐC|THƯỢNG KHẨN|KHẨN|MẬT|TỐI MẬT)$")
_MARKUP = re.compile(r"\*{1,3}|^#+\s*|\\(?=[.\-])", re.MULTILINE)
_SENTENCE_END = (".", ":", ";", "!", "?")


def _clean(line: str) -> str:
    return _MARKUP.sub("", unicodedata.normalize("NFC", line)).rstrip()


def _split_place_date(line: str) -> tuple[str, str]:
    """"Số: 12/UBND-VP Hà Nội, ngày 4 tháng 4 năm 2023" -> number part, place-date part."""
    m = _PLACE_DATE.search(line)
    if not m:
        return line.strip(), ""
    words = line[:m.start()].split(" ")
    i = len(words)
    while i > 1 and (words[i - 1][:1].isupper() and any(c.islower() for c in words[i - 1])
                     or words[i - 1] in ("TP.", "phố")):
        i -= 1
    return " ".join(words[:i]).strip(), line[len(" ".join(words[:i])):].strip()


def _all_caps(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def _is_heading(line: str) -> bool:
    return _all_caps(line) and len(line.split()) <= 5


def parse_letter(text: str, stem: str) -> Letter | None:
    """Split a plain-text letter (data/raw) into its parts; ``None`` when it has no full
    header (issuer lines before the "Số:" line) or no "Nơi nhận"/signature block.

    Columns flattened onto one line are split at runs of 3+ spaces, or where no such gap
    is left, at the fixed wording of the Quốc hiệu, the Tiêu ngữ and the place-date."""
    lines = [_clean(x) for x in text.splitlines()]
    try:
        i_num = next(i for i, x in enumerate(lines) if _NUMBER.match(x))
        i_nn = next(i for i, x in enumerate(lines) if x.strip().lower().startswith("nơi nhận"))
    except StopIteration:
        return None
    issuer: list[str] = []
    place_date = ""
    for line in lines[:i_num]:
        for part in _COLUMNS.split(_NATIONAL.sub("   ", line)):
            part = part.strip()
            if not part or set(part) <= set("-_=. ") or _URGENCY.match(part):
                continue
            if _PLACE_DATE.search(part):
                place_date = part
            else:
                issuer.append(part)
    if not issuer:
        return None
    number, rest = _split_place_date(_COLUMNS.split(lines[i_num].strip())[0])
    if not rest and len(_COLUMNS.split(lines[i_num].strip())) > 1:
        rest = _COLUMNS.split(lines[i_num].strip())[1]
    place_date = rest or place_date
    doc_type = None
    subject: list[str] = []
    i = i_num + 1
    # the place-date, the type name, the trích yếu: up to "Kính gửi" or the body
    while i < i_nn:
        line = lines[i].strip()
        if not line:
            i += 1
            # a blank line ends the trích yếu, unless the place-date follows it
            if subject and i < i_nn and lines[i].strip() and not _PLACE_DATE.search(lines[i]):
                break
            continue
        if line.lower().startswith("kính gửi"):
            break
        if _PLACE_DATE.search(line) and not place_date:
            place_date = line
        elif line.lower().startswith("v/v") and not subject:
            subject.append(line)
        elif _is_heading(line) and doc_type is None and not subject:
            doc_type = line
        elif subject or doc_type is not None:
            if (subject and subject[-1].endswith(_SENTENCE_END)) or _all_caps(line) \
                    or line.startswith(("Căn cứ", "Thực hiện")):
                break
            subject.append(line)
        else:
            break
        i += 1
    if not place_date or not subject:
        return None
    recipients: list[str] = []
    while i < i_nn and not lines[i].strip():
        i += 1
    if i < i_nn and lines[i].strip().lower().startswith("kính gửi"):
        inline = lines[i].split(":", 1)[1].strip() if ":" in lines[i] else ""
        if inline:
            recipients.append(inline)
        i += 1
        while i < i_nn and _BULLET.match(lines[i]) and lines[i].strip():
            recipients.append(lines[i].strip())
            i += 1
    body: list[str] = []
    for line in lines[i:i_nn]:
        line = line.strip()
        if not line:
            if body and body[-1]:
                body.append("")
            continue
        if body and body[-1] and not body[-1].endswith(_SENTENCE_END) \
                and not _BULLET.match(line) and not _all_caps(body[-1]):
            body[-1] += " " + line
        else:
            body.append(line)
    body = [p for p in body if p]
    distribution: list[str] = []
    signer: list[str] = []
    first = _COLUMNS.split(lines[i_nn].strip())
    if len(first) > 1:
        signer.append(first[1])
    in_list = True
    for line in lines[i_nn + 1:]:
        parts = [p.strip() for p in _COLUMNS.split(line.strip())] if line.strip() else [""]
        left, right = parts[0], parts[1:] if len(parts) > 1 else []
        if line.startswith(" " * 20):          # only the right column on this line
            left, right = "", [line.strip()]
        if in_list and left:
            if _BULLET.match(left) or (distribution and not distribution[-1].endswith(".")
                                       and not _is_heading(left)):
                distribution.append(left)
            else:
                in_list = False
                signer.append(left)
        elif not in_list and left:
            signer.append(left)
        elif not left and distribution and not right:
            in_list = False
        signer.extend(right)
    if not signer or not body:
        return None
    return Letter(stem=stem, issuer=issuer, number=number, place_date=place_date,
                  subject=subject, doc_type=doc_type, recipients=recipients, body=body,
                  distribution=distribution, signer=signer)


def raw_letters(folder: Path) -> list[Letter]:
    """The letters of ``folder`` (data/raw) that have a full header, parsed."""
    out = []
    for path in sorted(folder.glob("*")):
        if path.suffix in (".txt", ".md"):
            letter = parse_letter(path.read_text(encoding="utf-8"), path.stem)
            if letter is not None:
                out.append(letter)
    return out


# --- the built-in letters (fictional) --------------------------------------------------------

LETTERS = [
    Letter(
        stem="cv-lamson-syt",
        issuer=["UBND TỈNH LÂM SƠN", "SỞ Y TẾ"],
        number="Số: 1254/SYT-NVY",
        place_date="Lâm Sơn, ngày 12 tháng 3 năm 2024",
        subject=["V/v tăng cường phòng, chống", "dịch sốt xuất huyết năm 2024"],
        recipients=["- Các bệnh viện đa khoa tuyến tỉnh;",
                    "- Trung tâm Y tế các huyện, thành phố."],
        body=[
            "Thực hiện Công văn số 318/BYT-DP ngày 05/3/2024 của Bộ Y tế về việc chủ động "
            "phòng, chống dịch bệnh mùa mưa, Sở Y tế đề nghị các đơn vị triển khai ngay "
            "các nội dung sau:",
            "1. Rà soát, bổ sung kế hoạch phòng, chống dịch; bảo đảm đủ thuốc, hóa chất, "
            "vật tư và trang thiết bị phục vụ công tác điều trị người bệnh.",
            "2. Tổ chức tập huấn chuyên môn cho cán bộ y tế tuyến xã về chẩn đoán, điều trị "
            "và phân loại người bệnh; báo cáo kết quả về Sở Y tế trước ngày 29/3/2024.",
            "Thông tin chi tiết liên hệ bà Hoàng Thị Mai, chuyên viên Phòng Nghiệp vụ Y, "
            "điện thoại 0912 345 678, thư điện tử nghiepvuy.syt@lamson.gov.vn.",
            "Đề nghị các đơn vị nghiêm túc triển khai thực hiện./.",
        ],
        distribution=["- Như trên;", "- UBND tỉnh (để báo cáo);", "- Giám đốc Sở;",
                      "- Lưu: VT, NVY."],
        signer=["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Trần Văn Khánh"],
    ),
    Letter(
        stem="tb-hoabinh-stc",
        issuer=["UBND TỈNH HÒA NAM", "SỞ TÀI CHÍNH"],
        number="Số: 87/TB-STC",
        place_date="Hòa Nam, ngày 20 tháng 5 năm 2025",
        doc_type="THÔNG BÁO",
        subject=["Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 5"],
        body=[
            "Ngày 16/5/2025, Giám đốc Sở Tài chính chủ trì cuộc họp giao ban với các phòng, "
            "đơn vị trực thuộc. Sau khi nghe báo cáo, Giám đốc Sở kết luận như sau:",
            "1. Văn phòng Sở tổng hợp kết quả thực hiện nhiệm vụ, gửi Ban Giám đốc trước "
            "ngày 30/5/2025.",
            "2. Phòng Quản lý ngân sách hoàn thiện dự thảo báo cáo quyết toán theo Thông tư "
            "số 56/2024/TT-BTC ngày 10/8/2024 của Bộ Tài chính.",
            "Sở Tài chính thông báo để các phòng, đơn vị biết, thực hiện./.",
        ],
        distribution=["- Ban Giám đốc Sở;", "- Các phòng, đơn vị thuộc Sở;",
                      "- Lưu: VT, VP."],
        signer=["TL. GIÁM ĐỐC", "CHÁNH VĂN PHÒNG", "Lê Thị Hồng Nhung"],
    ),
]


def write_all(letter: Letter, out: Path, seed: int = 0) -> dict[str, Path]:
    """Every format of ``letter`` in ``out``, named ``<stem>.<kind>.<suffix>``."""
    out.mkdir(parents=True, exist_ok=True)
    pages = layout(letter)
    clean = page_images(pages)
    scanned = degrade(clean, seed=seed)
    s = letter.stem
    return {
        "txt": _write_text(out / f"{s}.txt", letter.text()),
        "text_pdf": save_text_pdf(pages, out / f"{s}.text.pdf"),
        "clean_pdf": save_image_pdf(clean, out / f"{s}.clean.pdf"),
        "scan_pdf": save_image_pdf(scanned, out / f"{s}.scan.pdf"),
        "scan_png": save_png(scanned[0], out / f"{s}.scan.png"),
        "scan_tiff": save_tiff(scanned, out / f"{s}.scan.tiff"),
        "docx": save_docx(letter, out / f"{s}.docx"),
    }


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "rendered")
    for letter in LETTERS:
        for kind, path in write_all(letter, target).items():
            print(kind, path)


# --- measures --------------------------------------------------------------------------------

def levenshtein(a: str, b: str) -> int:
    """Edit distance by Myers' bit-parallel algorithm (Hyyrö's form): linear in len(b)."""
    if not a or not b:
        return len(a) + len(b)
    full = (1 << len(a)) - 1
    last = 1 << (len(a) - 1)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    pv, mv, score = full, 0, len(a)
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & last:
            score += 1
        elif mh & last:
            score -= 1
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate of ``hypothesis`` against ``reference``, both NFC with white
    space collapsed to single spaces (the layout's spacing is not counted)."""
    def norm(s: str) -> str:
        return " ".join(unicodedata.normalize("NFC", s).split())
    ref = norm(reference)
    return levenshtein(ref, norm(hypothesis)) / max(len(ref), 1)
