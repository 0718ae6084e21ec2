import pytest

from pipeline.extract.heading import (find_document_type, find_number, find_place_date,
                                      find_subject)
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
    ("Số: 512-CV/TĐTN-PT", "512-CV", "TĐTN-PT"),         # Party and Đoàn style
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


@pytest.mark.parametrize("line", ["Số: 12/UBND-VP#3", "Số: 12/UBND-V(P)", "Số: 12/UBND-VP?"])
def test_malformed_symbol_is_a_problem(line):
    (c,) = find_number(layout_of(line + "\n"))
    assert c.problem[0] == "number.malformed"


@pytest.mark.parametrize("line,place,iso", [
    ("Hà Nội, ngày 04 tháng 4 năm 2023", "Hà Nội", "2023-04-04"),
    ("Thành phố Hồ Chí Minh, ngày 12 tháng 7 năm 2024", "Thành phố Hồ Chí Minh", "2024-07-12"),
    ("TP. Hồ Chí Minh, ngày 12 tháng 7 năm 2024", "TP. Hồ Chí Minh", "2024-07-12"),
    ("Số: 9/BTC-NSNN   Đà Nẵng, ngày  tháng 3 năm 2025", "Đà Nẵng", "2025-03"),
])
def test_place_date(line, place, iso):
    found = {c.field: c.value for c in find_place_date(layout_of(line + "\n"))}
    assert found == {"place": place, "issued": iso}


@pytest.mark.parametrize("line", ["Hà Nội, ngày 31 tháng 02 năm 2024",
                                  "Hà Nội, ngày 12 tháng 13 năm 2024"])
def test_impossible_issue_date_is_a_problem(line):
    (place, issued) = find_place_date(layout_of(line + "\n"))
    assert issued.value is None and issued.problem[0] == "date.invalid"


def test_cong_dien_states_its_date_where_it_was_sent():
    layout = layout_of("Số: 9/CĐ-UBND\n\nCÔNG ĐIỆN\nVề việc ứng phó bão\n\nNội dung.\n"
                       "Điện phát hồi 14 giờ 30 phút, ngày 24 tháng 4 năm 2024./.\n")
    assert [(c.field, c.value) for c in find_place_date(layout)] == [("issued", "2024-04-24")]


def test_no_place_date_in_a_sentence_about_dates():
    text = "Kính gửi: Sở Y tế.\nBáo cáo gửi trước ngày 15 tháng 6 năm 2024.\n"
    assert list(find_place_date(layout_of(text))) == []


@pytest.mark.parametrize("text,doc_type,subject", [
    ("Số: 1/UBND-VP\nHuế, ngày 01 tháng 2 năm 2024\nV/v tăng cường\nphòng chống dịch.\n\n"
     "Kính gửi: Sở Y tế.", "Công văn", "tăng cường phòng chống dịch"),
    ("Số: 1/UBND-VP\nV/v: báo cáo tháng\nHuế, ngày 01 tháng 2 năm 2024\n", "Công văn",
     "báo cáo tháng"),
    ("Số: 1/UBND-VP\nHuế, ngày 01 tháng 2 năm 2024\nVề việc góp ý dự thảo\n\nKính gửi: Sở Y tế.",
     "Công văn", "góp ý dự thảo"),
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
