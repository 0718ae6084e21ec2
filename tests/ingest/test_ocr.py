"""pipeline.ingest.ocr: the engine check, page clean-up, recognition, lines with columns."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import numpy as np
import pytest

from tests import render
from tests.render import requires_tesseract
from pipeline.errors import CongvanError
from pipeline.ingest import ocr
from pipeline.ingest.ocr import Box, rows_to_lines


# --- lines from word boxes (no Tesseract needed) -------------------------------------------

def words(y: float, *spans: tuple[float, float, str], h: float = 40) -> list[Box]:
    return [Box(x0, y, x1, y + h, text) for x0, x1, text in spans]


@pytest.mark.parametrize("units, lines", [
    # one line, ordinary spaces
    ([words(0, (0, 100, "Kính"), (115, 200, "gửi:"))], ["Kính gửi:"]),
    # two columns read as two Tesseract lines at the same height: one line, a gap
    ([words(0, (300, 500, "UBND"), (515, 700, "TỈNH")),
      words(4, (1200, 1400, "CỘNG"), (1415, 1600, "HÒA"))],
     ["UBND TỈNH    CỘNG HÒA"]),
    # a wide gap inside one Tesseract line (psm 6 reads across columns)
    ([words(0, (0, 200, "Nơi"), (215, 400, "nhận:"), (1300, 1500, "KT."), (1515, 1800, "GIÁM"))],
     ["Nơi nhận:    KT. GIÁM"]),
    # justified body text: gaps up to ~1.5 line heights stay single spaces
    ([words(0, (0, 100, "đề"), (150, 300, "nghị"), (350, 500, "các"))], ["đề nghị các"]),
    # lines below each other stay apart, top to bottom, whatever the input order
    ([words(60, (0, 100, "dưới")), words(0, (0, 100, "trên"))], ["trên", "dưới"]),
    # a space taller than a line between them: a blank line (a paragraph, a block)
    ([words(100, (0, 100, "dưới")), words(0, (0, 100, "trên"))], ["trên", "", "dưới"]),
    # a smaller line beside a larger one still pairs when they overlap enough
    ([words(0, (0, 150, "-"), (160, 300, "Như"), h=34), words(8, (1300, 1600, "PHÓ"))],
     ["- Như    PHÓ"]),
    # boxes that overlap horizontally are not one line (a line just below, drifted up)
    ([words(0, (0, 800, "trên")), words(25, (400, 900, "dưới"))], ["trên", "dưới"]),
    ([], []),
])
def test_rows_to_lines(units, lines):
    assert rows_to_lines(units) == lines


def test_rows_to_lines_levels_a_tilted_page():
    # a page tilted 2° counter-clockwise: the right column sits 42 px higher at x=1200
    drop = 1200 * np.tan(np.radians(2.0))
    left = words(500, (0, 300, "Số:"), (320, 700, "12/UBND-VP"))
    right = words(500 - drop, (1200, 1400, "Hà"), (1420, 1600, "Nội"))
    assert [x.strip() for x in rows_to_lines([left, right])] == ["Hà Nội", "Số: 12/UBND-VP"]
    assert rows_to_lines([left, right], skew=2.0) == ["Số: 12/UBND-VP    Hà Nội"]


def test_rows_to_lines_marks_blocks_and_right_column_lines():
    units = [words(0, (0, 400, "Nơi"), (1400, 1800, "KT.")),
             words(60, (0, 400, "Như"), (1400, 1800, "PHÓ")),
             words(120, (0, 400, "Lưu:")),
             words(300, (1500, 1800, "Nguyễn"))]       # below the signing space
    lines = rows_to_lines(units)
    assert lines[:3] == ["Nơi    KT.", "Như    PHÓ", "Lưu:"]
    assert lines[3] == ""                              # the wide space becomes a blank line
    # a line of the right column only keeps its place: indented as in a text file
    assert lines[4].strip() == "Nguyễn" and len(lines[4]) - len("Nguyễn") >= 20


# --- clean-up measures (numpy only) --------------------------------------------------------

@pytest.fixture(scope="module")
def page(short_letter):
    return short_letter.clean[0]


def _ink_points(image):
    a = np.asarray(image)[::2, ::2]
    return np.nonzero(a < ocr.otsu_threshold(a))


@pytest.mark.parametrize("angle", [-2.6, -1.0, 0.0, 1.4, 3.0])
def test_estimate_skew(page, angle):
    from PIL import Image

    tilted = page.rotate(angle, resample=Image.Resampling.BILINEAR, fillcolor=255)
    assert ocr.estimate_skew(*_ink_points(tilted)) == pytest.approx(angle, abs=0.15)


@pytest.mark.parametrize("turn, expected", [(0, False), (180, True)])
@pytest.mark.parametrize("which", ["clean", "scanned"])
def test_upside_down(long_letter, turn, expected, which):
    # page 1, a page of body text (a sparse page is left to recognize()'s retry)
    image = (long_letter.clean if which == "clean" else long_letter.scanned)[0]
    ys, xs = _ink_points(image.rotate(turn))
    assert ocr.upside_down(ys, xs, ocr.estimate_skew(ys, xs)) == expected


def test_upside_down_never_turns_an_upright_sparse_page(long_letter):
    for image in (long_letter.clean[1], long_letter.scanned[1].rotate(180)):
        ys, xs = _ink_points(image)
        assert not ocr.upside_down(ys, xs, ocr.estimate_skew(ys, xs))


def test_otsu_threshold_splits_ink_from_paper():
    rng = np.random.default_rng(0)
    pixels = np.concatenate([rng.normal(40, 10, 2000), rng.normal(220, 10, 8000)])
    assert 90 < ocr.otsu_threshold(np.clip(pixels, 0, 255).astype(np.uint8)) < 170


def test_border_is_found_and_whitened(short_letter):
    bordered = render.degrade(short_letter.clean, seed=5, flip=(), border=True)[0]
    a = np.asarray(bordered)
    assert a[:, :20].mean() < 80                                 # a dark band at the left
    cleaned = ocr.clean_page(bordered, ("borders",)).image
    assert np.asarray(cleaned)[:, :20].mean() > 240
    # the text is left alone: as much ink away from the edges as before
    inner = (slice(300, -300), slice(300, -300))
    assert (np.asarray(cleaned)[inner] < 128).sum() == (a[inner] < 128).sum()
    assert ocr.border_mask(np.asarray(short_letter.clean[0])[::8, ::8] < 128) is None


def test_thin_strokes_tells_renderings_from_scans(long_letter):
    assert ocr.thin_strokes(long_letter.clean[0])
    assert not ocr.thin_strokes(long_letter.scanned[0])
    assert not ocr.thin_strokes(long_letter.clean[0].convert("1").convert("L"))  # bi-level
    thick = np.asarray(ocr.thicken(long_letter.clean[0]))
    assert (thick < 128).sum() > 1.3 * (np.asarray(long_letter.clean[0]) < 128).sum()


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "P", "1", "I;16", "L"])
def test_to_gray_takes_every_mode(page, mode):
    small = page.resize((page.width // 8, page.height // 8))
    converted = small.convert(mode) if mode != "I;16" else small.convert("I").convert("I;16")
    gray = ocr.to_gray(converted)
    assert gray.mode == "L" and gray.size == small.size
    assert np.asarray(gray).min() < 100 and np.asarray(gray).max() > 200


# --- the engine ----------------------------------------------------------------------------

def _fake_tesseract(folder: Path, langs: str, tsv_word: str = "$OMP_THREAD_LIMIT") -> Path:
    """A stand-in ``tesseract`` that lists ``langs`` and answers every page with one word
    (by default the OMP_THREAD_LIMIT it was started with)."""
    script = folder / "tesseract"
    script.write_text(f"""#!/bin/sh
case "$1" in
  --version) echo "tesseract 9.9.9"; exit 0;;
  --list-langs) printf 'List of available languages (2):\\n{langs}\\nosd\\n'; exit 0;;
esac
printf 'level\\tpage_num\\tblock_num\\tpar_num\\tline_num\\tword_num\\tleft\\ttop\\twidth\\theight\\tconf\\ttext\\n'
printf '5\\t1\\t1\\t1\\t1\\t1\\t10\\t10\\t50\\t20\\t96\\t%s\\n' "{tsv_word}"
""")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return script


def test_missing_tesseract_is_ocr_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CongvanError) as err:
        ocr.engine("thư.png")
    assert err.value.code == "ocr.unavailable"
    assert "tesseract-ocr" in err.value.message and "tesseract-ocr-vie" in err.value.message
    assert err.value.path == "thư.png"


def test_tesseract_without_vietnamese_is_ocr_unavailable(tmp_path, monkeypatch):
    _fake_tesseract(tmp_path, "eng")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CongvanError) as err:
        ocr.engine()
    assert err.value.code == "ocr.unavailable"
    assert "Vietnamese" in err.value.message and "tesseract-ocr-vie" in err.value.message


def test_tesseract_runs_single_threaded(tmp_path, monkeypatch, page):
    _fake_tesseract(tmp_path, "vie")
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("OMP_THREAD_LIMIT", "8")
    assert ocr.engine().name == "tesseract 9.9.9"
    result = ocr.recognize(page.resize((400, 560)), steps=())
    assert result.text == "1"                  # the limit the subprocess saw
    assert result.confidence == 96.0


# --- recognition ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def turned_scan(short_letter):
    """The short letter scanned upside down (degrade turns its last, only, page)."""
    return short_letter.scanned[0]


@requires_tesseract
def test_recognize_scanned_upside_down_page(short_letter, turned_scan):
    result = ocr.recognize(turned_scan)
    assert result.rotated == 180
    assert 1.0 <= abs(result.skew) <= 3.1
    assert result.confidence > ocr.LOW_CONFIDENCE
    assert render.cer(result.text, short_letter.truth[0]) < 0.03
    lines = result.text.splitlines()
    assert re.fullmatch(r"UBND TỈNH LÂM SƠN {3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", lines[0])
    assert any(re.fullmatch(r"Số: 1254/SYT-NVY {3,}Lâm Sơn, ngày 12 tháng 3 năm 2024", x)
               for x in lines)
    assert any(re.fullmatch(r"Nơi nhận: {3,}KT\. GIÁM ĐỐC", x) for x in lines)
    assert ocr.low_confidence_warning(result, 1) is None


@requires_tesseract
def test_clean_up_is_what_makes_the_scan_readable(short_letter, turned_scan):
    bare = ocr.recognize(turned_scan, steps=())
    assert bare.rotated == 0
    assert render.cer(bare.text, short_letter.truth[0]) > 0.3
    assert bare.confidence < ocr.LOW_CONFIDENCE
    warning = ocr.low_confidence_warning(bare, 3)
    assert warning[0] == "ocr.low_confidence" and "page 3" in warning[1]


@requires_tesseract
def test_recognize_blank_page():
    from PIL import Image

    result = ocr.recognize(Image.new("L", (2480, 3508), 255))
    assert (result.text, result.words, result.confidence) == ("", 0, 0.0)


def test_ocr_info_weights_pages_by_words():
    pages = [ocr.OcrPage("a", 90.0, 300), ocr.OcrPage("b", 60.0, 100), ocr.OcrPage("", 0.0, 0)]
    info = ocr.ocr_info(ocr.Engine("/usr/bin/tesseract", "5.3.0"), pages)
    assert info == {"engine": "tesseract 5.3.0", "lang": "vie", "mean_confidence": 82.5}


def _typed(text: str, x: int = 200, y: int = 300):
    """``text`` typed at 13 pt on a white 300-dpi strip; its box."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (2000, 600), 255)
    draw = ImageDraw.Draw(image)
    font = render._pil_font("", 54)
    draw.text((x, y), text, font=font, fill=0, anchor="ls")
    x0, top, x1, bottom = draw.textbbox((x, y), text, font=font, anchor="ls")
    return image, (x0, top, x1, bottom)


@requires_tesseract
@pytest.mark.parametrize("typed, misread, conf, expected", [
    ("54/2015/TT-BYT", "54/2015/TT1-BYTT", 43.0, "54/2015/TT-BYT"),      # corrected
    ("ngocntb.syt@thainguyen.gov.vn;", "ngocntb.syt(thainguyen.gov.vn;", 0.0,
     "ngocntb.syt@thainguyen.gov.vn;"),
    ("06/QĐ-TTg", "06/QĐ-TTg", 60.0, "06/QĐ-TTg"),   # English reads "QD": not taken
    ("54/2015/TT-BYT", "54/2015/TT1-BYTT", 90.0, "54/2015/TT1-BYTT"),   # sure: left
    ("Nguyễn", "Nguyền", 40.0, "Nguyền"),            # a plain word: not read again
])
def test_reread_unsure_codes(typed, misread, conf, expected):
    image, (x0, top, x1, bottom) = _typed(typed)
    before = [[Box(x0, top, x1, bottom, misread, conf)]]
    assert ocr.reread(image, before)[0][0].text == expected


def test_reread_needs_the_english_model(tmp_path, monkeypatch):
    _fake_tesseract(tmp_path, "vie")                   # no eng: reread must not run
    monkeypatch.setenv("PATH", str(tmp_path))
    image, (x0, top, x1, bottom) = _typed("54/2015/TT-BYT")
    lines = [[Box(x0, top, x1, bottom, "54/2015/TT1-BYTT", 40.0)]]
    assert ocr.reread(image, lines) == lines
    tmp2 = tmp_path / "with-eng"                       # with it, the stand-in answers "1"
    tmp2.mkdir()
    _fake_tesseract(tmp2, "vie\\neng")
    monkeypatch.setenv("PATH", str(tmp2))
    assert ocr.reread(image, lines)[0][0].text == "1"
