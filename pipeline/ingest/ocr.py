"""Tesseract OCR of page images: clean-up, recognition, and lines that keep their columns.

Tesseract is found on first use (``engine()``), never at import. It runs as a subprocess
with ``OMP_THREAD_LIMIT=1``: documents are spread over a process pool, so one page must not
claim every core. The page goes to it as an uncompressed BMP file (no PNG encoding here,
no decoding there; a file is also read faster than stdin) and comes back as TSV: words
with their boxes and confidences. Page segmentation mode 6 (one block) reads each line
across both columns of the header and of the "Nơi nhận"/signature block.

Clean-up (``clean_page``) keeps the steps that measured better on rendered letters
(``benchmarks/bench_ocr.py``, 13 pages clean, scanned and photocopied):

- 0°/180° orientation, from the balance of ink above and below the text lines, with a
  second reading upside down when Tesseract is unsure (scanned CER 0.27 -> 0.02);
- deskew, by the sharpest horizontal projection (0.017 -> 0.010);
- dark borders of a photocopy whitened (0.07 -> 0.01 on such pages);
- ``reread``: unsure numbers, symbols and addresses read again on their own.

All measures come from one half-scale ink mask, so the clean-up costs a small part of the
recognition. Measured and left out, though kept as steps: Otsu binarization (no better),
a 3x3 median filter (slightly better on photocopies, +60 % time), and ``thicken`` for
sharp digital renderings (fixes "VT," read "VI," in 11-pt lists, but blots the
diacritics of 13-pt text: "năm" read "nắm"; field F1 0.950 -> 0.936).

Lines are rebuilt from the word boxes (``rows_to_lines``): words far apart on one visual
line are joined by a run of spaces (``COLUMN_GAP``), a line of the right column alone is
indented, and a wide vertical space becomes a blank line, the text shape that
``pipeline.layout`` reads.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Iterable

from pipeline.errors import CongvanError

if TYPE_CHECKING:
    from PIL import Image

LANG = "vie"
PSM = 6                    # one uniform block: lines read across both columns of the header
                           # and the signature block; fewer errors than 3 (automatic), and faster
LOW_CONFIDENCE = 80.0      # mean word confidence below which a page is flagged (measured:
                           # clean and scanned pages 88-96, pages read wrong below 60)
RETRY_BELOW = 70.0         # below this, the page is also tried upside down
PAGE_TIMEOUT = 300         # seconds for one page, then the page fails
INSTALL_HINT = "install the Debian packages tesseract-ocr and tesseract-ocr-vie"
COLUMN_GAP = "    "        # what separates two columns of one visual line
GAP_FACTOR = 1.5           # a gap wider than this many line heights separates columns
BLANK_GAP = 0.9           # a line further below the last than this many line heights
                           # follows a blank line (paragraphs, the blocks of a letter)
RIGHT_COLUMN = 0.45        # a line starting past this share of the text width is indented
MIN_INDENT = 24            # ... by as many spaces as characters would fit, at least this many
STEPS = ("orient", "deskew", "borders", "reread")   # measured in benchmarks/bench_ocr.py
DESKEW_MIN = 0.3           # degrees; a smaller tilt is left to Tesseract
ALL_STEPS = ("orient", "deskew", "borders", "thicken", "reread", "denoise", "binarize")
THIN_GREY = 0.4            # grey pixels per dark one below which a page is a sharp rendering
JUNK_BELOW = 65.0          # below this confidence, a "word" of no letter or digit, or
SPECK_HEIGHT = 0.4         # ... less tall than this share of the usual word, is dropped
REREAD_LANG = "eng"        # numbers, symbols and addresses: the English model reads them better
REREAD_BELOW = 75.0        # words below this confidence are read again on their own
REREAD_MARGIN = 5.0        # ... and replaced when the new reading is surer by this much
REREAD_MAX = 40            # at most this many words a page (a bad page is not saved so)
# Letters Tesseract's Vietnamese model knows that are not Vietnamese ("gov" read "øov")
BLACKLIST = "ÄŸÐÏŠƑÖˆŒØƒöïðÿšäøœ‡⁄„¬¡®¿†£›‹©"


# --- the engine --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Engine:
    command: str
    version: str           # "5.3.0"
    langs: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return f"tesseract {self.version}"


_ENGINES: dict[str, Engine] = {}


def engine(path: str | None = None) -> Engine:
    """The installed Tesseract with its ``vie`` model; raises ``ocr.unavailable`` (naming
    ``path``, the document that needed it) when either is missing."""
    command = shutil.which("tesseract")
    if command is None:
        raise CongvanError("ocr.unavailable",
                           f"OCR is needed but Tesseract is not installed: {INSTALL_HINT}", path)
    if command not in _ENGINES:
        _ENGINES[command] = _probe(command, path)
    return _ENGINES[command]


def _probe(command: str, path: str | None) -> Engine:
    """Version and models through pytesseract, once per process; the pages themselves go
    to the ``tesseract`` subprocess directly (``tesseract_tsv``): an uncompressed BMP and
    OMP_THREAD_LIMIT=1 for that process alone measured faster than pytesseract's PNG."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = command
    try:
        version = str(pytesseract.get_tesseract_version())
        langs = set(pytesseract.get_languages(config=""))
    except (OSError, RuntimeError, pytesseract.TesseractError,
            pytesseract.TesseractNotFoundError) as exc:
        raise CongvanError("ocr.unavailable",
                           f"Tesseract at {command} does not run ({exc}): {INSTALL_HINT}",
                           path) from exc
    if LANG not in langs:
        raise CongvanError("ocr.unavailable",
                           f"Tesseract has no Vietnamese model ('{LANG}'): {INSTALL_HINT}", path)
    return Engine(command, version.split()[0] if version.strip() else "unknown",
                  frozenset(langs))


def _run(args: list[str], timeout: float):
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout,
                          env=env, check=True)


# --- words and lines ---------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Box:
    """A word (or a run of words) and where it is on the page."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str
    conf: float = -1.0

    @property
    def height(self) -> float:
        return self.bottom - self.top


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return min(a1, b1) - max(a0, b0)


def _split_at_gaps(unit: list[Box], gap_factor: float) -> list[list[Box]]:
    unit = sorted(unit, key=lambda b: b.x0)
    height = median(b.height for b in unit)
    parts = [[unit[0]]]
    for prev, word in zip(unit, unit[1:]):
        if word.x0 - prev.x1 > gap_factor * height:
            parts.append([])
        parts[-1].append(word)
    return parts


def rows_to_lines(units: Iterable[list[Box]], gap_factor: float = GAP_FACTOR,
                  skew: float = 0.0) -> list[str]:
    """Lines of text, top to bottom, from ``units``: runs of words that are known to lie on
    one line (a Tesseract line, or the words of a PDF at one baseline).

    Units that share a visual line (their boxes overlap vertically by half the smaller
    height) become one line, left to right; where the horizontal gap between two words is
    wider than ``gap_factor`` times the line's height, the line is split into columns by
    :data:`COLUMN_GAP`. ``skew``: the tilt (degrees, counter-clockwise) of a page that was
    not rotated straight; boxes are levelled by it before they are compared.

    >>> rows_to_lines([[Box(0, 0, 40, 10, "Số:"), Box(45, 0, 90, 10, "12/UBND")],
    ...                [Box(300, 1, 400, 11, "Hà"), Box(405, 1, 440, 11, "Nội")]])
    ['Số: 12/UBND    Hà Nội']
    """
    if skew:
        t = math.tan(math.radians(skew))
        units = [[Box(b.x0, b.top + b.x0 * t, b.x1, b.bottom + b.x0 * t, b.text, b.conf)
                  for b in u] for u in units]
    # a unit that spans a column gap (psm 6 reads across columns) is placed column by
    # column: each part finds its own line
    units = sorted((part for u in units if u for part in _split_at_gaps(u, gap_factor)),
                   key=lambda u: min(b.top for b in u))
    rows: list[list[list[Box]]] = []
    spans: list[tuple[float, float]] = []
    for unit in units:
        top = median(b.top for b in unit)
        bottom = median(b.bottom for b in unit)
        for i in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            r0, r1 = spans[i]
            if _overlap(top, bottom, r0, r1) >= 0.5 * min(bottom - top, r1 - r0) and not any(
                    _overlap(unit[0].x0, unit[-1].x1, u[0].x0, u[-1].x1) > 0 for u in rows[i]):
                rows[i].append(unit)
                break
        else:
            rows.append([unit])
            spans.append((top, bottom))
    if not rows:
        return []
    words = [b for row in rows for unit in row for b in unit]
    left = min(b.x0 for b in words)
    right = max(b.x1 for b in words)
    char = median((b.x1 - b.x0) / max(len(b.text), 1) for b in words)
    lines = []
    for k, row in enumerate(rows):
        if k and spans[k][0] - spans[k - 1][1] > BLANK_GAP * max(
                spans[k][1] - spans[k][0], spans[k - 1][1] - spans[k - 1][0]):
            lines.append("")     # a paragraph break, the space before a block
        ordered = sorted((b for unit in row for b in unit), key=lambda b: b.x0)
        height = median(b.height for b in ordered)
        parts = [ordered[0].text]
        for prev, word in zip(ordered, ordered[1:]):
            parts.append(COLUMN_GAP if word.x0 - prev.x1 > gap_factor * height else " ")
            parts.append(word.text)
        # A line whose text starts in the right half holds only the right column (the
        # signature block beside a longer "Nơi nhận" list): it is indented, as in a text
        # file, so that it is not read as the left column.
        indent = ""
        if ordered[0].x0 - left > RIGHT_COLUMN * (right - left):
            indent = " " * max(round((ordered[0].x0 - left) / max(char, 1.0)), MIN_INDENT)
        lines.append(indent + "".join(parts))
    return lines


# --- recognition -------------------------------------------------------------------------------

@dataclass(slots=True)
class OcrPage:
    text: str
    confidence: float      # mean word confidence, 0-100 (0 when no word was found)
    words: int
    rotated: int = 0       # degrees the page was turned before recognition
    skew: float = 0.0      # degrees of skew corrected
    boxes: list[Box] = field(default_factory=list, repr=False)


def tesseract_tsv(image: Image.Image, psm: int = PSM, path: str | None = None,
                  lang: str = LANG) -> list[list[Box]]:
    """Run Tesseract on ``image``; the words of each of its lines, with boxes."""
    eng = engine(path)
    try:
        with tempfile.TemporaryDirectory(prefix="congvan-ocr-") as tmp:
            # An uncompressed BMP file: no encoding here, no decoding there, and Tesseract
            # reads a file faster than the same bytes on stdin (measured).
            page = os.path.join(tmp, "page.bmp")
            image.save(page, "BMP")
            args = [eng.command, page, "stdout", "-l", lang, "--psm", str(psm),
                    "-c", f"tessedit_char_blacklist={BLACKLIST}", "tsv"]
            out = _run(args, PAGE_TIMEOUT).stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as exc:
        raise CongvanError("input.unreadable",
                           f"OCR of a page took longer than {PAGE_TIMEOUT} s", path) from exc
    except subprocess.CalledProcessError as exc:
        err = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CongvanError("input.unreadable",
                           f"Tesseract failed on a page: {err[-1] if err else exc}", path) from exc
    lines: dict[tuple[str, str, str], list[Box]] = {}
    for row in out.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5" or not cols[11].strip():
            continue
        x, y, w, h = (int(c) for c in cols[6:10])
        lines.setdefault((cols[2], cols[3], cols[4]), []).append(
            Box(x, y, x + w, y + h, cols[11].strip(), float(cols[10])))
    return _without_specks(list(lines.values()))


def _without_specks(lines: list[list[Box]]) -> list[list[Box]]:
    """Drop unsure "words" that are specks, or diacritics cut off their letter and read on
    their own ("-" for a tilde, "Ai hệ" for the marks of "(Đã ký)"): no letter or digit,
    or far smaller than the page's words."""
    heights = [b.height for line in lines for b in line]
    if not heights:
        return lines
    small = SPECK_HEIGHT * median(heights)
    kept = [[b for b in line if b.conf >= JUNK_BELOW
             or (any(c.isalnum() for c in b.text) and b.height >= small)] for line in lines]
    # a line of marks alone (a rule under the header, a stroke of the signature) is no text
    return [line for line in kept if any(c.isalnum() for b in line for c in b.text)]


def _confidence(lines: list[list[Box]]) -> tuple[float, int]:
    words = [b for line in lines for b in line if b.conf >= 0]
    if not words:
        return 0.0, 0
    # weighted by length: a misread long word matters more than a stray mark
    total = sum(len(b.text) for b in words)
    return sum(b.conf * len(b.text) for b in words) / total, len(words)


_CODE_LIKE = re.compile(r"[@/\d:&]|\w[.\-_]\w")


def reread(image: Image.Image, lines: list[list[Box]], path: str | None = None
           ) -> list[list[Box]]:
    """Read again, each cut out on its own, the unsure words that are not plain words:
    numbers, symbols, e-mail and web addresses.

    In a full line, Tesseract's Vietnamese model garbles them ("54/2015/TT-BYT" read
    "TT1-BYTT", "@" read "(", "Lưu: VT," read "1ưu:VI,"); cut out on white paper and read
    with the English model as well, they come out right. The words of a page go into one
    image and one call. A new reading replaces the old where it is surer by
    REREAD_MARGIN; the Vietnamese letters the English model cannot read ("QĐ" read "QD")
    are kept from the first reading where the two agree but for the marks."""
    from PIL import Image as PILImage

    weak = [b for line in lines for b in line
            if 0 <= b.conf < REREAD_BELOW and _CODE_LIKE.search(b.text)][:REREAD_MAX]
    if not weak or not set(REREAD_LANG.split("+")) <= engine(path).langs:
        return lines   # no English model (Debian: tesseract-ocr-eng): keep the first reading
    pad, tight = 10, 2
    crops, slots, y = [], [], pad
    for box in weak:
        crop = image.crop((max(box.x0 - tight, 0), max(box.top - tight, 0),
                           min(box.x1 + tight, image.width), min(box.bottom + tight, image.height)))
        crops.append((crop, y))
        slots.append((y, y + crop.height, box))
        y += crop.height + 2 * pad
    canvas = PILImage.new("L", (max(c.width for c, _ in crops) + 2 * pad, y), 255)
    for crop, top in crops:
        canvas.paste(crop.convert("L"), (pad, top))
    words = [b for line in tesseract_tsv(canvas, 6, path, REREAD_LANG) for b in line]
    better: dict[int, Box] = {}
    for top, bottom, box in slots:
        mine = sorted((w for w in words if top <= (w.top + w.bottom) / 2 < bottom),
                      key=lambda w: w.x0)
        if not mine:
            continue
        conf = min(w.conf for w in mine)
        text = _keep_marks(box.text, " ".join(w.text for w in mine))
        if conf >= box.conf + REREAD_MARGIN and text != box.text:
            better[id(box)] = Box(box.x0, box.top, box.x1, box.bottom, text, conf)
    return [[better.get(id(b), b) for b in line] for line in lines]


def _keep_marks(old: str, new: str) -> str:
    """``new`` (read by the English model), with the Vietnamese letters of ``old`` put
    back where the two agree but for the marks: "BGDĐI" + "BGDDT" -> "BGDĐT"."""
    from difflib import SequenceMatcher

    if len(_bare(old)) != len(old):       # a letter with two marks or more: no alignment
        return new
    bare = _bare(old)
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, bare, new, autojunk=False).get_opcodes():
        out.append(old[i1:i2] if op == "equal" else new[j1:j2])
    return "".join(out)


def _bare(text: str) -> str:
    """``text`` without diacritics, đ as d, one character for one (NFC in, NFC out)."""
    return "".join(unicodedata.normalize("NFD", c.replace("đ", "d").replace("Đ", "D"))[0]
                   for c in unicodedata.normalize("NFC", text))


def recognize(image: Image.Image, steps: Iterable[str] = STEPS, path: str | None = None,
              psm: int = PSM) -> OcrPage:
    """OCR one page image: clean it up, recognize, rebuild the lines with their columns."""
    steps = tuple(steps)
    page = clean_page(image, steps)
    # boxes of a page left tilted are levelled before lines are rebuilt
    skew = 0.0 if page.deskewed else page.skew
    lines = tesseract_tsv(page.image, psm, path)
    conf, n = _confidence(lines)
    rotated = page.rotated
    if "orient" in steps and conf < RETRY_BELOW:
        # the cheap orientation test can be wrong: keep whichever reading is surer
        flipped = tesseract_tsv(page.image.rotate(180), psm, path)
        conf2, n2 = _confidence(flipped)
        if conf2 > conf:
            lines, conf, n, rotated = flipped, conf2, n2, (rotated + 180) % 360
            page.image = page.image.rotate(180)
    if "reread" in steps:
        lines = reread(page.image, lines, path)
        conf, n = _confidence(lines)
    return OcrPage(text="\n".join(rows_to_lines(lines, skew=skew)), confidence=round(conf, 2),
                   words=n, rotated=rotated, skew=page.skew,
                   boxes=[b for line in lines for b in line])


def ocr_info(eng: Engine, pages: list[OcrPage]) -> dict:
    """``source.ocr`` of a record: engine, language, mean confidence over the words."""
    words = sum(p.words for p in pages)
    mean = sum(p.confidence * p.words for p in pages) / words if words else 0.0
    return {"engine": eng.name, "lang": LANG, "mean_confidence": round(mean, 1)}


def low_confidence_warning(page: OcrPage, number: int) -> tuple[str, str] | None:
    if page.confidence >= LOW_CONFIDENCE:
        return None
    return ("ocr.low_confidence",
            f"page {number}: OCR mean confidence {page.confidence:.0f} is below "
            f"{LOW_CONFIDENCE:.0f}; values read from it may be wrong")


# --- clean-up ----------------------------------------------------------------------------------

@dataclass(slots=True)
class Cleaned:
    image: Image.Image     # what goes to Tesseract
    skew: float            # degrees (counter-clockwise) the text lines were tilted
    rotated: int           # 0, or 180 when the page was turned
    deskewed: bool         # the image itself was rotated by -skew


def to_gray(image: Image.Image) -> Image.Image:
    """8-bit grayscale; transparency is laid on white paper."""
    from PIL import Image as PILImage

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        paper = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = PILImage.alpha_composite(paper, rgba)
    if image.mode.startswith("I") or image.mode == "F":   # 16-bit and float scans
        import numpy as np
        a = np.asarray(image, dtype=np.float64)
        span = max(float(a.max() - a.min()), 1.0)
        return PILImage.fromarray(((a - a.min()) * 255.0 / span).astype(np.uint8), "L")
    return image if image.mode == "L" else image.convert("L")


def otsu_threshold(gray) -> int:
    """Otsu's threshold of an 8-bit array."""
    import numpy as np

    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    total = hist.sum()
    w0 = np.cumsum(hist)
    m0 = np.cumsum(hist * np.arange(256))
    w1 = total - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = np.nan_to_num((m0[-1] * w0 / total - m0) ** 2 / (w0 * w1))
    # levels no pixel has make a plateau of equal scores: take its middle
    best = np.flatnonzero(between >= between.max() * (1 - 1e-9))
    return int(round(best.mean()))


def _grow(mask):
    out = mask.copy()
    out[1:, :] |= mask[:-1, :]
    out[:-1, :] |= mask[1:, :]
    out[:, 1:] |= mask[:, :-1]
    out[:, :-1] |= mask[:, 1:]
    return out


def border_mask(ink):
    """Ink connected to the edge of the page (a scanner lid, photocopy margins), or
    ``None``. A region must be large to count: text does not touch the edge."""
    import numpy as np

    region = np.zeros_like(ink)
    region[0, :], region[-1, :] = ink[0, :], ink[-1, :]
    region[:, 0], region[:, -1] = ink[:, 0], ink[:, -1]
    if region.sum() < 8:
        return None
    for _ in range(sum(ink.shape)):
        grown = _grow(region) & ink
        if np.array_equal(grown, region):
            break
        region = grown
    if region.sum() < 0.002 * region.size:
        return None
    return _grow(region)   # and the anti-aliased rim


def estimate_skew(ys, xs, limit: float = 5.0) -> float:
    """Tilt of the text lines in degrees (counter-clockwise positive): the angle at which
    the horizontal projection of the ink points (``ys``, ``xs``) is sharpest."""
    import numpy as np

    if len(xs) < 200:
        return 0.0
    if len(xs) > 30000:  # a sample is as good and keeps this cheap
        keep = np.random.default_rng(0).choice(len(xs), 30000, replace=False)
        ys, xs = ys[keep], xs[keep]
    xs = xs - xs.mean()

    def sharpness(angle: float) -> float:
        rows = np.round(ys + xs * math.tan(math.radians(angle))).astype(np.int64)
        counts = np.bincount(rows - rows.min()).astype(np.float64)
        return float((counts ** 2).sum())

    best = max(np.arange(-limit, limit + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.05), key=sharpness)
    return round(float(best), 2)


def upside_down(ys, xs, skew: float) -> bool:
    """Is the page upside down? Vietnamese text has far more ink above its x-height band
    (diacritics, capitals, b d đ h k l t) than below its baseline (g p q y): summed over
    the text lines of the page, a reversed balance means the page is turned.

    Sure on a page of body text; on a sparse page (a signature block alone) the balance
    can be even, and ``recognize`` then finds the turn by Tesseract's confidence."""
    import numpy as np

    if len(ys) < 200:
        return False
    rows = np.round(ys + (xs - xs.mean()) * math.tan(math.radians(skew))).astype(np.int64)
    profile = np.bincount(rows - rows.min()).astype(np.float64)
    on = profile > 0.02 * profile.max()
    on[1:-1] |= on[:-2] & on[2:]       # a diacritic one row apart still belongs to its line
    filled = np.flatnonzero(on)
    above = below = 0.0
    for line in np.split(filled, np.flatnonzero(np.diff(filled) > 1) + 1):
        if len(line) < 6:
            continue
        p = profile[line[0]:line[-1] + 1]
        core = np.flatnonzero(p >= 0.5 * p.max())      # the x-height band
        above += p[:core[0]].sum()
        below += p[core[-1] + 1:].sum()
    return below > 1.25 * above


def thin_strokes(gray) -> bool:
    """Is this a digital rendering (a page drawn by pdfium, a PDF "printed" as images)
    rather than a scan? Its text is sharp: around the dark pixels of its strokes, few grey
    ones (antialiasing only), where a scanner's blur leaves many (measured: rendered pages
    0.16-0.18 grey per dark pixel, scanned 0.77-0.84). A bi-level scan has none at all
    and is left alone."""
    import numpy as np

    a = np.asarray(gray)[::2, ::2]
    dark = np.count_nonzero(a < 96)
    grey = np.count_nonzero((a >= 96) & (a < 192))
    return dark > 1000 and 0.05 < grey / dark < THIN_GREY


def thicken(gray):
    """Strokes one pixel bolder (a 3x3 minimum): Tesseract misreads the hairlines of a
    sharp 11-pt serif ("VT," read "VI;"), not those of a scan."""
    import numpy as np
    from PIL import Image as PILImage

    a = np.asarray(gray)
    rows = a.copy()
    np.minimum(rows[1:], a[:-1], out=rows[1:])
    np.minimum(rows[:-1], a[1:], out=rows[:-1])
    out = rows.copy()
    np.minimum(out[:, 1:], rows[:, :-1], out=out[:, 1:])
    np.minimum(out[:, :-1], rows[:, 1:], out=out[:, :-1])
    return PILImage.fromarray(out, "L")


def clean_page(image: Image.Image, steps: Iterable[str] = STEPS) -> Cleaned:
    """The page ready for Tesseract. Everything is measured on one half-scale ink mask, so
    the clean-up costs a fraction of the recognition; the full image is only touched to
    whiten a border, to turn the page, or (step "deskew") to rotate it."""
    import numpy as np
    from PIL import Image as PILImage, ImageFilter

    steps = frozenset(steps)
    gray = to_gray(image)
    if not steps & {"borders", "deskew", "orient"}:
        ink = None
    else:
        a = np.asarray(gray)
        half = a[::2, ::2]
        ink = half < min(otsu_threshold(half[::2, ::2]), 200)
    if "borders" in steps and (mask := border_mask(ink[::2, ::2])) is not None:
        full = np.kron(mask, np.ones((4, 4), dtype=bool))[:a.shape[0], :a.shape[1]]
        a = a.copy()
        a[:full.shape[0], :full.shape[1]][full] = 255
        gray = PILImage.fromarray(a, "L")
        ink &= ~np.kron(mask, np.ones((2, 2), dtype=bool))[:ink.shape[0], :ink.shape[1]]
    skew, rotated, deskewed = 0.0, 0, False
    if steps & {"deskew", "orient"}:
        ys, xs = np.nonzero(ink)
        skew = estimate_skew(ys, xs)
        if "orient" in steps and upside_down(ys, xs, skew):
            gray, rotated, skew = gray.rotate(180), 180, skew
    if "deskew" in steps and abs(skew) >= DESKEW_MIN:
        gray = gray.rotate(-skew, resample=PILImage.Resampling.BILINEAR, fillcolor=255)
        deskewed = True
    if "thicken" in steps and thin_strokes(gray):
        gray = thicken(gray)
    if "denoise" in steps:
        gray = gray.filter(ImageFilter.MedianFilter(3))
    if "binarize" in steps:
        b = np.asarray(gray)
        gray = PILImage.fromarray(b > otsu_threshold(b)).convert("1")
    return Cleaned(gray, skew, rotated, deskewed)
