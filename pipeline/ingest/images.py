"""Scanned pages as image files (PNG, JPEG, TIFF with one or many pages), read by OCR."""

from __future__ import annotations

import io
from pathlib import Path

from pipeline.errors import CongvanError
from pipeline.ingest import SourceText

MIN_DPI = 200              # pages scanned coarser than this are enlarged to TARGET_DPI
TARGET_DPI = 300
A4_WIDTH_IN = 8.27         # to guess the resolution of a page that does not say it


def read_image(path: Path, data: bytes) -> SourceText:
    from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

    from pipeline.ingest import ocr

    shown = str(path)
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise CongvanError("input.unreadable", f"not a readable image: {exc}", shown) from exc
    eng = ocr.engine(shown)   # fail before any work when Tesseract is missing
    pages, results, warnings = [], [], []
    try:
        for i, frame in enumerate(ImageSequence.Iterator(image)):
            frame = _upright(frame.copy(), ImageOps)
            result = ocr.recognize(_enlarged(frame), path=shown)
            pages.append(result.text)
            results.append(result)
            if result.words and (w := ocr.low_confidence_warning(result, i + 1)):
                warnings.append(w)
    except (OSError, SyntaxError, ValueError) as exc:   # a truncated later page
        raise CongvanError("input.unreadable",
                           f"page {len(pages) + 1} of the image cannot be read: {exc}",
                           shown) from exc
    return SourceText(kind="image", pages=pages, ocr=ocr.ocr_info(eng, results),
                      warnings=warnings)


def _upright(frame, image_ops):
    """Apply the camera's EXIF orientation (phone photos of a letter)."""
    try:
        return image_ops.exif_transpose(frame)
    except Exception:  # a broken EXIF block is no reason to lose the page
        return frame


def _enlarged(frame):
    """A coarse scan enlarged to TARGET_DPI: Tesseract misreads diacritics on small text."""
    from PIL import Image

    dpi = frame.info.get("dpi", (0, 0))[0] or frame.width / A4_WIDTH_IN
    try:
        dpi = float(dpi)
    except (TypeError, ValueError):
        dpi = frame.width / A4_WIDTH_IN
    if dpi <= 0 or dpi >= MIN_DPI:
        return frame
    scale = min(TARGET_DPI / dpi, 4.0)
    if frame.mode == "1":
        frame = frame.convert("L")
    size = (round(frame.width * scale), round(frame.height * scale))
    return frame.resize(size, Image.Resampling.LANCZOS)
