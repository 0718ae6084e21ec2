"""pipeline.ingest.pdf: text layers, their checks, scanned pages, broken files."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from tests import render
from tests.render import requires_tesseract
from pipeline.core import extract_file
from pipeline.errors import CongvanError
from pipeline.ingest import read_source
from pipeline.ingest.pdf import layer_problem, repair_line

GAP = re.compile(r"\S {3,}\S")


def read(path: Path):
    return read_source(path)


# --- the text layer ----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def text_pdf(long_letter):
    return render.save_text_pdf(long_letter.pages, long_letter.path(".text.pdf"))


def test_text_layer_is_read_without_ocr(text_pdf, long_letter):
    source = read(text_pdf)
    assert source.kind == "pdf"
    assert source.ocr is None
    assert source.warnings == []
    assert len(source.pages) == 2
    for got, truth in zip(source.pages, long_letter.truth):
        assert render.cer(got, truth) == 0.0
        assert got == unicodedata.normalize("NFC", got)


def test_text_layer_keeps_columns_apart(text_pdf):
    lines = [x for x in read(text_pdf).pages[0].splitlines() if x]
    # header: issuer at the left, Quốc hiệu at the right, on one line with a gap between
    assert re.fullmatch(r"UBND TỈNH HÒA NAM {3,}CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", lines[0])
    assert re.fullmatch(r"Số: 2093/SNNMT-KHTC {3,}Hòa Nam, ngày 03 tháng 9 năm 2025",
                        next(x for x in lines if x.startswith("Số:")))
    # body lines are justified (wide spaces) but stay one column
    body = [x for x in lines if x.startswith("Thực hiện Công văn")]
    assert body and not GAP.search(body[0])
    page2 = [x for x in read(text_pdf).pages[1].splitlines() if x]
    assert re.fullmatch(r"Nơi nhận: {3,}KT\. GIÁM ĐỐC", page2[1])
    assert re.fullmatch(r"- Như trên; {3,}PHÓ GIÁM ĐỐC", page2[2])


@pytest.mark.parametrize("raw, repaired", [
    ("ĐIỀ U 5. Nghị đị nh", "ĐIỀU 5. Nghị định"),
    ("thự c hiệ n", "thực hiện"),
    ("Vi ệt Nam", "Việt Nam"),
    ("Tr ường", "Trường"),
    ("Hà No\u0302\u0323i", "Hà Nội"),                  # decomposed marks: NFC
    ("đie\u0302 \u0300u", "điều"),                       # a mark cut off by a space
    ("UBND TỈNH    CỘNG HÒA", "UBND TỈNH    CỘNG HÒA"),  # column gaps kept
    # negatives: real words, abbreviations and letters stay apart
    ("Y tế", "Y tế"),
    ("khu ở", "khu ở"),
    ("điểm a khoản 2", "điểm a khoản 2"),
    ("Phụ lục I", "Phụ lục I"),
    ("UBND TP HCM", "UBND TP HCM"),
    ("Global Performance", "Global Performance"),
    ("Hà Nội", "Hà Nội"),
    ("ông ấy", "ông ấy"),
    ("bình ổn giá, cho ít", "bình ổn giá, cho ít"),
])
def test_repair_line(raw, repaired):
    assert repair_line(raw) == unicodedata.normalize("NFC", repaired)


TCVN3_MOJIBAKE = "Céng hoµ x· héi chñ nghÜa ViÖt Nam \u00a7éc lËp - Tù do - H¹nh phóc " * 3
BODY = "Sở Y tế đề nghị các đơn vị triển khai thực hiện kế hoạch phòng, chống dịch bệnh. " * 4


@pytest.mark.parametrize("text, ink, problem", [
    ("", 0, "blank"),
    ("", 20, "blank"),                        # a speck of dust is not a page
    ("", 5000, "empty"),                      # ink but no layer: a scan
    ("(cid:3)(cid:17)(cid:42) " * 20, 5000, "garbage"),
    ("\ufffd\ufffd ab" * 40, 5000, "garbage"),
    (TCVN3_MOJIBAKE, 3000, "garbage"),
    (BODY, 40 * len(BODY), "short"),           # ink for far more text than the layer has
    (BODY, 7 * len(BODY), None),
    ("2", 800, "short"),                       # a scanned page with a typed page number
    ("2", 200, None),                          # a page number alone on the page
    (BODY, 0, None),                           # vector text pdfium draws faintly: trust it
    ("Annex 2: budget table, in English only, for the donor report. " * 4, 4000, None),
])
def test_layer_problem(text, ink, problem):
    assert layer_problem(text, ink) == problem


def _tcvn3_pdf(path: Path) -> Path:
    """A letter typed in a .VnTime font with no Unicode map: the layer reads as
    Windows-1252 mojibake of TCVN3 bytes, as archives of the 2000s hold."""
    from fpdf import FPDF

    from pipeline.ingest.encodings import _tcvn3_translation

    to_byte = {ch: b for b, ch in _tcvn3_translation().items() if b >= 0x80}
    pdf = FPDF(unit="mm", format="A4")
    pdf.add_page()
    pdf.set_font("Times", size=13)
    y = 30
    for line in ["UBND TỈNH HÒA NAM    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM".lower(),
                 "Số: 12/UBND-VP    Hòa Nam, ngày 5 tháng 3 năm 2024",
                 *[BODY[i:i + 80] for i in range(0, 240, 80)]]:
        data = bytes(to_byte.get(ch, ord(ch) if ord(ch) < 0x80 else 0x3F) for ch in line)
        pdf.text(20, y, data.decode("latin-1"))
        y += 8
    pdf.output(str(path))
    return path


def test_legacy_font_layer_is_converted_not_ocrd(tmp_path):
    source = read(_tcvn3_pdf(tmp_path / "tcvn3.pdf"))
    assert source.ocr is None
    assert [c for c, _ in source.warnings] == ["encoding.legacy"]
    assert "cộng hòa xã hội chủ nghĩa việt nam" in source.text.lower().replace("hoà", "hòa")
    assert "Sở Y tế đề nghị các đơn vị" in source.text


def test_blank_pdf_gives_empty_text_without_ocr(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.output(str(tmp_path / "blank.pdf"))
    source = read(tmp_path / "blank.pdf")
    assert (source.kind, source.pages, source.ocr, source.warnings) == ("pdf", [""], None, [])


# --- pages that need OCR -------------------------------------------------------------------

@requires_tesseract
def test_scanned_pdf_is_ocrd(long_letter):
    path = render.save_image_pdf(long_letter.scanned, long_letter.path(".scan.pdf"))
    source = read(path)
    assert source.kind == "pdf-scan"
    assert source.ocr["engine"].startswith("tesseract ")
    assert source.ocr["lang"] == "vie"
    assert source.ocr["mean_confidence"] > 85
    assert [c for c, _ in source.warnings] == []    # no layer was there to replace
    assert len(source.pages) == 2
    for got, truth in zip(source.pages, long_letter.truth):   # page 2 was upside down
        assert render.cer(got, truth) < 0.03
    assert re.search(r"SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG {3,}Độc lập - Tự do - Hạnh phúc",
                     source.pages[0])
    assert re.search(r"Nơi nhận: {3,}KT\. GIÁM ĐỐC", source.pages[1])


@requires_tesseract
def test_scanned_page_behind_a_page_number_is_ocrd(long_letter):
    """Page 2 is a scan whose text layer holds only its typed page number: too short for
    its ink, so it is OCR'd; page 1 keeps its text layer."""
    path = render.save_mixed_pdf(long_letter.pages, long_letter.clean,
                                 long_letter.path(".mixed.pdf"), scanned={1})
    source = read(path)
    assert source.kind == "pdf"
    assert source.ocr is not None and source.ocr["lang"] == "vie"
    assert [c for c, _ in source.warnings] == ["ocr.layer_replaced"]
    assert "page 2" in source.warnings[0][1]
    assert render.cer(source.pages[0], long_letter.truth[0]) == 0.0
    # the OCR also reads the typed page number at the foot of the page
    assert render.cer(source.pages[1], long_letter.truth[1] + "\n2") < 0.03


@requires_tesseract
def test_layer_of_unmapped_glyphs_is_replaced(short_letter, tmp_path):
    """A layer whose glyphs have no Unicode map reads as (cid:NN): the page is OCR'd."""
    good = render.save_text_pdf(short_letter.pages, tmp_path / "good.pdf").read_bytes()
    broken = good.replace(b"/ToUnicode", b"/NoUnicode")
    assert broken != good
    path = tmp_path / "cid.pdf"
    path.write_bytes(broken)
    source = read(path)
    assert source.kind == "pdf-scan"
    assert [c for c, _ in source.warnings] == ["ocr.layer_replaced"]
    assert "garbage" in source.warnings[0][1] and "page 1" in source.warnings[0][1]
    assert render.cer(source.pages[0], short_letter.truth[0]) < 0.03


# --- files that cannot be read -------------------------------------------------------------

def _truncated(tmp_path: Path) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Times", size=12)
    pdf.text(20, 20, "Trang 1")
    pdf.output(str(tmp_path / "whole.pdf"))
    return (tmp_path / "whole.pdf").read_bytes()[:300]


@pytest.mark.parametrize("make", [
    lambda tmp: _truncated(tmp),
    lambda tmp: b"%PDF-1.7\n" + bytes(range(256)) * 8,
    lambda tmp: "Đây không phải là tệp PDF".encode(),
])
def test_corrupt_pdf_is_unreadable(tmp_path, make):
    path = tmp_path / "hỏng.pdf"
    path.write_bytes(make(tmp_path))
    with pytest.raises(CongvanError) as err:
        read(path)
    assert err.value.code == "input.unreadable"
    assert err.value.path == str(path) and str(path) in str(err.value)
    record = extract_file(path)                    # a batch gets a failed record instead
    assert record.status == "failed"
    assert record.warnings[0].code == "input.unreadable"


def test_password_protected_pdf_is_unreadable(tmp_path):
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="chu", user_password="bi-mat")
    pdf.add_page()
    pdf.set_font("Times", size=12)
    pdf.text(20, 20, "Trang 1")
    pdf.output(str(tmp_path / "locked.pdf"))
    with pytest.raises(CongvanError) as err:
        read(tmp_path / "locked.pdf")
    assert err.value.code == "input.unreadable"
    assert "password" in err.value.message


def test_scanned_pdf_without_tesseract_is_ocr_unavailable(long_letter, tmp_path, monkeypatch):
    path = render.save_image_pdf(long_letter.clean[:1], tmp_path / "scan.pdf")
    monkeypatch.setenv("PATH", str(tmp_path))          # no tesseract on it
    with pytest.raises(CongvanError) as err:
        read(path)
    assert err.value.code == "ocr.unavailable"
    assert "tesseract-ocr" in err.value.message and "tesseract-ocr-vie" in err.value.message
    assert err.value.path == str(path)


def _seal(size: int = 560):
    """A red round seal with its wording, as the image an e-signing tool stamps."""
    from PIL import Image, ImageDraw

    seal = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(seal)
    red = (200, 25, 30, 255)
    draw.ellipse([8, 8, size - 8, size - 8], outline=red, width=22)
    draw.ellipse([70, 70, size - 70, size - 70], outline=red, width=10)
    font = render._pil_font("B", 46)
    for k, line in enumerate(["SỞ Y TẾ", "TỈNH LÂM SƠN", "★ ★ ★"]):
        draw.text((size / 2, 200 + 80 * k), line, font=font, fill=red, anchor="mm")
    return seal


def test_red_seal_is_not_missing_text(short_letter, tmp_path):
    """The last page of an e-signed letter: the signature block's text with a red seal
    stamped over it. The seal's ink is not text that the layer lacks: no OCR."""
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    for style in ("", "B", "I", "BI"):
        pdf.add_font("Serif", style, str(render.font_path(style)))
    pdf.add_page()
    for run in short_letter.pages[0].runs[-4:]:              # the signature block
        pdf.set_font("Serif", run.style, run.size)
        pdf.text(run.x, run.y, run.text)
    seal = _seal()
    for k in range(2):                                       # the seal, and a page seal
        pdf.image(seal, x=100 + 50 * k, y=190, w=48, h=48)
    pdf.output(str(tmp_path / "seal.pdf"))
    source = read(tmp_path / "seal.pdf")
    assert source.ocr is None and source.warnings == []
    assert "Trần Văn Khánh" in source.text
