"""pipeline.ingest.images: PNG, JPEG and (multi-page) TIFF scans."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests import render
from tests.render import requires_tesseract
from pipeline.core import extract_file
from pipeline.errors import CongvanError
from pipeline.ingest import read_source
from pipeline.ingest.images import _enlarged


@requires_tesseract
def test_png_scan(short_letter):
    path = render.save_png(short_letter.scanned[0], short_letter.path(".scan.png"))
    source = read_source(path)
    assert source.kind == "image"
    assert source.ocr["engine"].startswith("tesseract ") and source.ocr["lang"] == "vie"
    assert source.ocr["mean_confidence"] > 85
    assert source.warnings == []
    assert render.cer(source.pages[0], short_letter.truth[0]) < 0.03   # it was upside down
    assert re.search(r"Số: 1254/SYT-NVY {3,}Lâm Sơn, ngày 12 tháng 3 năm 2024", source.text)


@requires_tesseract
def test_multipage_tiff_gives_one_page_each(long_letter):
    path = render.save_tiff(long_letter.scanned, long_letter.path(".scan.tiff"))
    source = read_source(path)
    assert source.kind == "image"
    assert len(source.pages) == 2
    for got, truth in zip(source.pages, long_letter.truth):
        assert render.cer(got, truth) < 0.03
    assert "Nơi nhận:" in source.pages[1] and "Nơi nhận:" not in source.pages[0]


@requires_tesseract
def test_jpeg_photo_turned_by_exif(short_letter, tmp_path):
    """A phone stores the photo sideways and says so in EXIF (Orientation 6: turn 90°
    clockwise to view)."""
    upright = short_letter.clean[0].resize((1654, 2339))       # a 200-dpi photo
    sideways = upright.rotate(90, expand=True)                 # as the sensor saw it
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "ảnh.jpg"
    sideways.save(path, "JPEG", quality=85, exif=exif.tobytes())
    source = read_source(path)
    assert render.cer(source.pages[0], short_letter.truth[0]) < 0.03


@pytest.mark.parametrize("size, dpi, enlarged", [
    ((1240, 1754), (150, 150), (2480, 3508)),   # a 150-dpi scan: doubled
    ((2480, 3508), (300, 300), (2480, 3508)),   # 300 dpi: left alone
    ((827, 1170), None, (2481, 3510)),          # no dpi: guessed from an A4 width (100)
    ((3000, 4000), None, (3000, 4000)),         # a large photo without dpi: left alone
    ((300, 400), (40, 40), (1200, 1600)),       # at most 4x
])
def test_coarse_scans_are_enlarged(size, dpi, enlarged):
    image = Image.new("L", size, 255)
    if dpi:
        image.info["dpi"] = dpi
    assert _enlarged(image).size == enlarged


@pytest.mark.parametrize("name, data", [
    ("trang.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64),             # a header and nothing
    ("trang.jpg", "Đây không phải là ảnh".encode()),
    ("trang.tiff", b"II*\x00" + b"\xff" * 32),
])
def test_corrupt_image_is_unreadable(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "input.unreadable"
    assert err.value.path == str(path)
    assert extract_file(path).warnings[0].code == "input.unreadable"


def test_truncated_png_is_unreadable(short_letter, tmp_path):
    buf = io.BytesIO()
    short_letter.clean[0].save(buf, "PNG")
    path = tmp_path / "cut.png"
    path.write_bytes(buf.getvalue()[: len(buf.getvalue()) // 2])
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "input.unreadable"


def test_image_without_tesseract_is_ocr_unavailable(short_letter, tmp_path, monkeypatch):
    path = render.save_png(short_letter.clean[0].resize((620, 877)), tmp_path / "p.png")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "ocr.unavailable"
    assert "tesseract-ocr-vie" in err.value.message
    record = extract_file(path)
    assert record.status == "failed" and record.warnings[0].code == "ocr.unavailable"


@requires_tesseract
def test_unreadable_scan_is_flagged_low_confidence(short_letter, tmp_path):
    """A scan too blurred to read: whatever comes out is flagged, naming the page."""
    from PIL import ImageFilter

    smudged = short_letter.clean[0].resize((620, 877)).filter(ImageFilter.GaussianBlur(2.2))
    smudged.info["dpi"] = (300, 300)     # claims 300 dpi: not enlarged, really 75
    path = render.save_png(smudged, tmp_path / "nhoè.png")
    source = read_source(path)
    assert source.ocr["mean_confidence"] < 80
    assert [c for c, _ in source.warnings] == ["ocr.low_confidence"]
    assert "page 1" in source.warnings[0][1]
