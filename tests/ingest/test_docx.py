"""pipeline.ingest.docx: Word letters, their tables in document order, legacy .doc."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml import parse_xml

from tests import render
from pipeline.errors import CongvanError
from pipeline.ingest import read_source
from pipeline.ingest.docx import read_doc


@pytest.fixture(scope="module")
def docx_path(short_letter):
    return render.save_docx(short_letter.letter, short_letter.path(".docx"))


def groups(text: str) -> list[list[str]]:
    """Blocks of lines separated by blank lines."""
    return [block.splitlines() for block in text.split("\n\n")]


def test_word_letter_reads_in_document_order(docx_path):
    source = read_source(docx_path)
    assert source.kind == "docx" and source.ocr is None and source.warnings == []
    blocks = groups(source.text)
    # header table, row 1: issuer cell then Quốc hiệu cell; row 2: number cell, date cell
    assert blocks[0] == ["UBND TỈNH LÂM SƠN", "SỞ Y TẾ"]
    assert blocks[1] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert blocks[2] == ["Số: 1254/SYT-NVY", "V/v tăng cường phòng, chống",
                         "dịch sốt xuất huyết năm 2024"]
    assert blocks[3] == ["Lâm Sơn, ngày 12 tháng 3 năm 2024"]
    # then the paragraphs, in order
    assert blocks[4][0] == "Kính gửi:"
    assert blocks[4][3].startswith("Thực hiện Công văn số 318/BYT-DP")
    assert blocks[4][-1] == "Đề nghị các đơn vị nghiêm túc triển khai thực hiện./."
    # signature table: Nơi nhận and the signature block as separate groups
    assert blocks[5] == ["Nơi nhận:", "- Như trên;", "- UBND tỉnh (để báo cáo);",
                         "- Giám đốc Sở;", "- Lưu: VT, NVY."]
    assert blocks[6] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    assert blocks[7] == ["Trần Văn Khánh"]
    assert len(blocks) == 8


def _table_doc(path: Path) -> Path:
    doc = Document()
    doc.add_paragraph("Trước bảng")
    table = doc.add_table(rows=2, cols=3)
    merged = table.cell(0, 0).merge(table.cell(0, 1))        # a cell spanning two columns
    merged.text = "Ô gộp"
    table.cell(0, 2).text = "Phải"
    table.cell(1, 0).text = "Dưới trái"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)       # a table inside a cell
    inner.cell(0, 0).text = "Trong 1"
    inner.cell(0, 1).text = "Trong 2"
    doc.add_paragraph("UBND XÃ AN BÌNH\t\tCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    doc.add_paragraph("\tThụt đầu dòng bằng tab")
    doc.add_paragraph("Dòng một").add_run().add_break()
    doc.paragraphs[-1].add_run("dòng hai")
    doc.save(str(path))
    return path


def test_tables_cells_tabs_and_breaks(tmp_path):
    text = read_source(_table_doc(tmp_path / "bảng.docx")).text
    assert groups(text) == [
        ["Trước bảng"],
        ["Ô gộp"],                      # once, though it spans two grid columns
        ["Phải"],
        ["Dưới trái"],
        ["Trong 1"],                    # the nested table, cell by cell
        ["Trong 2"],
        ["UBND XÃ AN BÌNH    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",   # tabs: a column gap
         "Thụt đầu dòng bằng tab",
         "Dòng một", "dòng hai"],
    ]


TEXTBOX = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>BỘ Y TẾ</w:t></w:r></w:p>
      <w:p><w:r><w:t>Số: 15/BYT-KH</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>BỘ Y TẾ</w:t></w:r></w:p>
      <w:p><w:r><w:t>Số: 15/BYT-KH</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>"""


def test_text_box_is_read_once(tmp_path):
    doc = Document()
    para = doc.add_paragraph("Đầu trang")
    para._p.append(parse_xml(TEXTBOX))
    doc.add_paragraph("Kính gửi: Sở Tài chính")
    doc.save(str(tmp_path / "hộp.docx"))
    assert groups(read_source(tmp_path / "hộp.docx").text) == [
        ["Đầu trang"], ["BỘ Y TẾ", "Số: 15/BYT-KH", "Kính gửi: Sở Tài chính"]]


@pytest.mark.parametrize("data", [
    b"PK\x03\x04" + b"\x00" * 100,                           # a zip header and nothing
    "Đây không phải là tệp Word".encode(),
    None,                                                    # a zip without Word parts
])
def test_corrupt_docx_is_unreadable(tmp_path, data):
    path = tmp_path / "hỏng.docx"
    if data is None:
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("readme.txt", "không có gì")
    else:
        path.write_bytes(data)
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "input.unreadable" and err.value.path == str(path)


# --- legacy .doc ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def doc_path(docx_path, tmp_path_factory):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("making a .doc needs LibreOffice (Debian: libreoffice-writer-nogui)")
    out = tmp_path_factory.mktemp("doc")
    profile = (out / "profile").as_uri()
    subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless",
                    "--convert-to", "doc", "--outdir", str(out), str(docx_path)],
                   check=True, capture_output=True, timeout=180)
    return out / (docx_path.stem + ".doc")


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_legacy_doc_with_antiword(doc_path):
    source = read_source(doc_path)
    assert source.kind == "doc"
    lines = source.text.splitlines()
    # antiword gives table rows: the columns of a row apart by a gap, as PDF text
    assert "UBND TỈNH LÂM SƠN    CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Nơi nhận:    KT. GIÁM ĐỐC" in lines
    assert "Trần Văn Khánh" in lines
    assert any(x.startswith("Thực hiện Công văn số 318/BYT-DP") for x in lines)


def test_legacy_doc_with_libreoffice_only(doc_path, monkeypatch):
    which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name: None if name == "antiword" else which(name))
    blocks = groups(read_doc(doc_path, doc_path.read_bytes()).text)
    assert ["Nơi nhận:", "- Như trên;", "- UBND tỉnh (để báo cáo);", "- Giám đốc Sở;",
            "- Lưu: VT, NVY."] in blocks


def test_doc_without_a_converter_is_unsupported(tmp_path, monkeypatch):
    path = tmp_path / "cũ.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "input.unsupported"
    assert "antiword" in err.value.message and "libreoffice-writer-nogui" in err.value.message


@pytest.mark.skipif(shutil.which("antiword") is None, reason="antiword is not installed")
def test_broken_doc_is_unreadable(tmp_path):
    path = tmp_path / "hỏng.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "input.unreadable" and err.value.path == str(path)


def test_not_a_doc_is_unreadable(tmp_path):
    path = tmp_path / "giả.doc"
    path.write_bytes("chỉ là văn bản".encode())
    with pytest.raises(CongvanError) as err:
        read_source(path)
    assert err.value.code == "input.unreadable"


def test_docx_named_doc_is_read_as_docx(docx_path, tmp_path):
    path = tmp_path / "đổi-tên.doc"
    path.write_bytes(docx_path.read_bytes())
    source = read_source(path)
    assert source.kind == "docx" and "Trần Văn Khánh" in source.text
