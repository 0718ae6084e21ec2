"""Tesseract OCR of page images: clean-up, recognition, and lines that keep their columns.

Tesseract is found on first use (``engine()``), never at import. It runs as a subprocess
with ``OMP_THREAD_LIMIT=1``: documents are spread over a process pool, so one page must not
claim every core. The page image goes to it on stdin as uncompressed PGM/PBM (no temporary
files, no PNG encoding) and comes back as TSV: words with boxes and confidences.

Clean-up (``clean_page``) keeps only the steps that measured better on rendered letters
(``benchmarks/bench_ocr.py``): grayscale, 0°/180° orientation, deskew, and the removal of
dark scanner borders. Otsu binarization and a median filter were measured and left out
of the default: Tesseract binarizes by itself, and the median filter cost more time than
it saved errors (see ``STEPS``).

Lines are rebuilt from word boxes (``rows_to_lines``), because the downstream layout
parser needs the columns of a letter's header and of its "Nơi nhận"/signature block
kept apart on each line: words far apart on one visual line are joined by a run of spaces
(``COLUMN_GAP``), as ``pipeline.layout`` expects.
"""

from __future__ import annotations

import io
import math
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from statistics import median
from typing import TYPE_CHECKING, Iterable

from pipeline.errors import CongvanError

if TYPE_CHECKING:
    from PIL import Image

LANG = "vie"
DPI = 300
PSM = 3                    # fully automatic segmentation; measured against 4 and 6
LOW_CONFIDENCE = 80.0      # mean word confidence below which a page is flagged
RETRY_BELOW = 70.0         # below this, the page is also tried upside down
PAGE_TIMEOUT = 300         # seconds for one page, then the page fails
INSTALL_HINT = "install the Debian packages tesseract-ocr and tesseract-ocr-vie"
COLUMN_GAP = "    "        # what separates two columns of one visual line
GAP_FACTOR = 1.5           # a gap wider than this many line heights separates columns
STEPS = ("orient", "deskew", "borders")   # measured in benchmarks/bench_ocr.py
DESKEW_MIN = 0.3           # degrees; a smaller tilt is left to Tesseract
ALL_STEPS = ("orient", "deskew", "borders", "denoise", "binarize")


# --- the engine --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Engine:
    command: str
    version: str           # "5.3.0"

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
    try:
        version = _run([command, "--version"], timeout=30).stdout.decode("utf-8", "replace")
        langs = _run([command, "--list-langs"], timeout=30).stdout.decode("utf-8", "replace")
    except (OSError, subprocess.SubprocessError) as exc:
        raise CongvanError("ocr.unavailable",
                           f"Tesseract at {command} does not run ({exc}): {INSTALL_HINT}",
                           path) from exc
    if LANG not in langs.split():
        raise CongvanError("ocr.unavailable",
                           f"Tesseract has no Vietnamese model ('{LANG}'): {INSTALL_HINT}", path)
    first = version.split("\n", 1)[0].split()
    return Engine(command, first[1] if len(first) > 1 else "unknown")


def _run(args: list[str], timeout: float, data: bytes | None = None):
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    return subprocess.run(args, input=data, capture_output=True, timeout=timeout, env=env,
                          check=True)


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
    units = sorted((sorted(u, key=lambda b: b.x0) for u in units if u),
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
    lines = []
    for row in rows:
        words = sorted((b for unit in row for b in unit), key=lambda b: b.x0)
        height = median(b.height for b in words)
        parts = [words[0].text]
        for prev, word in zip(words, words[1:]):
            parts.append(COLUMN_GAP if word.x0 - prev.x1 > gap_factor * height else " ")
            parts.append(word.text)
        lines.append("".join(parts))
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


def _image_bytes(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PPM")     # PGM for "L", PBM for "1": read by Leptonica at once
    return buf.getvalue()


def tesseract_tsv(image: Image.Image, psm: int = PSM, path: str | None = None
                  ) -> list[list[Box]]:
    """Run Tesseract on ``image``; the words of each of its lines, with boxes."""
    eng = engine(path)
    args = [eng.command, "stdin", "stdout", "-l", LANG, "--psm", str(psm), "--dpi", str(DPI),
            "tsv"]
    try:
        out = _run(args, PAGE_TIMEOUT, _image_bytes(image)).stdout.decode("utf-8", "replace")
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
    return list(lines.values())


def _confidence(lines: list[list[Box]]) -> tuple[float, int]:
    words = [b for line in lines for b in line if b.conf >= 0]
    if not words:
        return 0.0, 0
    # weighted by length: a misread long word matters more than a stray mark
    total = sum(len(b.text) for b in words)
    return sum(b.conf * len(b.text) for b in words) / total, len(words)


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


def clean_page(image: Image.Image, steps: Iterable[str] = STEPS) -> Cleaned:
    """The page ready for Tesseract. Everything is measured on one half-scale ink mask, so
    the clean-up costs a fraction of the recognition; the full image is only touched to
    whiten a border, to turn the page, or (step "deskew") to rotate it."""
    import numpy as np
    from PIL import Image as PILImage, ImageFilter

    steps = frozenset(steps)
    gray = to_gray(image)
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
    if "denoise" in steps:
        gray = gray.filter(ImageFilter.MedianFilter(3))
    if "binarize" in steps:
        b = np.asarray(gray)
        gray = PILImage.fromarray(b > otsu_threshold(b)).convert("1")
    return Cleaned(gray, skew, rotated, deskewed)
