import pytest

from pipeline.extract.heading import (find_document_type, find_number, find_place_date,
                                      find_subject, parse_header_date)
from tests.conftest import layout_of


@pytest.mark.parametrize("line,number,symbol", [
    ("Số: 650/SKHCN-TĐC", "650", "SKHCN-TĐC"),
    ("Số: /UBND-KT", None, "UBND-KT"),
    ("Số:    /SGDĐT-GDTrH", None, "SGDĐT-GDTrH"),
    ("Số: 22/2021/TT-BGDĐT", "22", "2021/TT-BGDĐT"),
    ("Số: 2414 / VPCP - KGVX", "2414", "VPCP-KGVX"),
    ("Số: 45/SYT-NVY      Thái Nguyên, ngày 12 tháng 5 năm 2024", "45", "SYT-NVY"),
    ("Số: 45/SYT-NVY Thái Nguyên, ngày 12 tháng 5 năm 2024", "45", "SYT-NVY"),
    ("S6: 1O5/UBND-VX", "105", "UBND-VX"),              # OCR: "Số" -> "S6", "0" -> "O"
    ("Số 315/TTr-SNV", "315", "TTr-SNV"),
])
def test_number_line(line, number, symbol):
    cands = list(find_number(layout_of(line + "\nHà Nội, ngày 01 tháng 01 năm 2024\n")))
    assert [(c.value["number"], c.value["symbol"]) for c in cands] == [(number, symbol)]
    assert cands[0].problem is None


@pytest.mark.parametrize("text", [
    "Số tiền hỗ trợ 15/người",          # "Số" in a sentence, not at a line start
    "Kính gửi: Sở Y tế.\nSố lượng: 12/15 đơn vị",
])
def test_no_number_line(text):
    assert list(find_number(layout_of(text))) == []


def test_malformed_symbol_is_a_problem():
    (c,) = find_number(layout_of("Số: 12/UBND-VP#3\n"))
    assert c.problem is None or c.problem[0] == "number.malformed"
    (c,) = find_number(layout_of("Số: 12/UBND-V(P)\n"))
    assert c.value["symbol"] == "UBND-V"


@pytest.mark.parametrize("text,iso", [
    ("ngày 04 tháng 4 năm 2023", "2023-04-04"),
    ("ngày 5 tháng 10 năm 2024", "2024-10-05"),
    ("ngày   tháng 02 năm 2024", "2024-02"),
    ("ngày  tháng  năm 2025", "2025"),
    ("ngày … tháng … năm 2025", "2025"),
    ("ngày ... tháng 6 năm 2026", "2026-06"),
    ("ngày  tháng  năm 20", None),
])
def test_parse_header_date(text, iso):
    assert parse_header_date(text) == (iso, None)


@pytest.mark.parametrize("text", ["ngày 31 tháng 02 năm 2024", "ngày 12 tháng 13 năm 2024"])
def test_impossible_header_date_is_a_problem(text):
    iso, problem = parse_header_date(text)
    assert iso is None and problem[0] == "date.invalid"


@pytest.mark.parametrize("line,place,iso", [
    ("Hà Nội, ngày 04 tháng 4 năm 2023", "Hà Nội", "2023-04-04"),
    ("Thành phố Hồ Chí Minh, ngày 12 tháng 7 năm 2024", "Thành phố Hồ Chí Minh", "2024-07-12"),
    ("TP. Hồ Chí Minh, ngày 12 tháng 7 năm 2024", "TP. Hồ Chí Minh", "2024-07-12"),
    ("Số: 9/BTC-NSNN   Đà Nẵng, ngày  tháng 3 năm 2025", "Đà Nẵng", "2025-03"),
])
def test_place_date(line, place, iso):
    found = {c.field: c.value for c in find_place_date(layout_of(line + "\n"))}
    assert found == {"place": place, "issued": iso}


def test_no_place_date_in_a_sentence_about_dates():
    text = "Kính gửi: Sở Y tế.\nBáo cáo gửi trước ngày 15 tháng 6 năm 2024.\n"
    assert list(find_place_date(layout_of(text))) == []


@pytest.mark.parametrize("text,doc_type,subject", [
    ("Số: 1/UBND-VP\nHuế, ngày 01 tháng 2 năm 2024\nV/v tăng cường\nphòng chống dịch.\n\n"
     "Kính gửi: Sở Y tế.", "Công văn", "tăng cường phòng chống dịch"),
    ("Số: 1/UBND-VP\nV/v: báo cáo tháng\nHuế, ngày 01 tháng 2 năm 2024\n", "Công văn",
     "báo cáo tháng"),
    ("Số: 2/KH-UBND\nHuế, ngày 01 tháng 2 năm 2024\n\nKẾ HOẠCH\nTổ chức Ngày hội\n"
     "đọc sách năm 2024\n\nI. MỤC ĐÍCH", "Kế hoạch", "Tổ chức Ngày hội đọc sách năm 2024"),
    ("Số: 3/QĐ-UBND\nHuế, ngày 01 tháng 2 năm 2024\n\nQUYẾT ĐỊNH\nVề việc thành lập Tổ công tác"
     "\n-----------\nCHỦ TỊCH", "Quyết định", "thành lập Tổ công tác"),
])
def test_type_and_subject(text, doc_type, subject):
    layout = layout_of(text)
    assert [c.value for c in find_document_type(layout)] == [doc_type]
    assert [c.value for c in find_subject(layout)] == [subject]


def test_no_subject_without_v_v_or_heading():
    assert list(find_subject(layout_of("Số: 1/UBND-VP\n\nKính gửi: Sở Y tế.\n"))) == []
