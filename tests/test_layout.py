"""Zones of a letter: both the sequential shape and the flattened two-column shape."""

import pytest

from pipeline.layout import columns, split_lines, type_heading_of
from tests.conftest import layout_of


def test_interleaved_header_keeps_only_the_issuer_column(interleaved):
    assert [p.text for p in interleaved.header] == ["UBND TỈNH QUẢNG NINH",
                                                   "SỞ GIÁO DỤC VÀ ĐÀO TẠO"]


def test_interleaved_number_and_place_share_a_line(interleaved):
    assert interleaved.number.text.startswith("Số: 1207/SGDĐT-KHTC")
    assert interleaved.place_date.text == "Quảng Ninh, ngày 09 tháng 9 năm 2024"


def test_side_by_side_distribution_and_signature_are_split(interleaved):
    assert [p.text for p in interleaved.distribution] == [
        "- Như trên;", "- Giám đốc Sở (để b/c);", "- Lưu: VT, KHTC."]
    assert [p.text for p in interleaved.signature] == ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                                                       "Đoàn Minh Quân"]


def test_spans_point_into_the_text(interleaved):
    for piece in [*interleaved.header, *interleaved.distribution, *interleaved.signature,
                  interleaved.number, interleaved.place_date]:
        assert interleaved.text[piece.start:piece.end] == piece.text


def test_body_lies_between_kinh_gui_and_noi_nhan(interleaved):
    body = interleaved.text[slice(*interleaved.body)]
    assert body.lstrip().startswith("Thực hiện Công văn")
    assert "Nơi nhận" not in body


@pytest.mark.parametrize("flattened", [
    "UBND TỈNH QUẢNG NINH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "UBND TỈNH QUẢNG NINH CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM",
])
def test_motto_cut_out_without_a_column_gap(flattened):
    layout = layout_of(flattened + "\nSỞ Y TẾ Độc lập - Tự do - Hạnh phúc\n"
                       "Số: 12/SYT-VP\nHạ Long, ngày 02 tháng 5 năm 2024\n")
    assert [p.text for p in layout.header] == ["UBND TỈNH QUẢNG NINH", "SỞ Y TẾ"]


def test_sequential_letter_without_header():
    layout = layout_of("Số: /UBND-VP\n\nĐà Nẵng, ngày   tháng 3 năm 2025\n\n"
                       "V/v tổ chức hội nghị\nsơ kết quý I\n\nKính gửi: Sở Tài chính.\n\n"
                       "Nội dung.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nCHỦ TỊCH\n\nHồ Văn Lâm\n")
    assert layout.header == []
    assert [p.text for p in layout.subject] == ["tổ chức hội nghị", "sơ kết quý I"]
    assert [p.text for p in layout.recipients] == ["Sở Tài chính."]
    assert [p.text for p in layout.signature] == ["CHỦ TỊCH", "Hồ Văn Lâm"]


def test_type_heading_then_subject():
    layout = layout_of("Số: 15/TB-UBND\nHuế, ngày 01 tháng 2 năm 2024\n\nTHÔNG BÁO\n"
                       "Kết luận của Chủ tịch UBND tỉnh\n\nNội dung thông báo.\n")
    assert layout.type_heading.text == "THÔNG BÁO"
    assert [p.text for p in layout.subject] == ["Kết luận của Chủ tịch UBND tỉnh"]


@pytest.mark.parametrize("line,expected", [
    ("THÔNG BÁO", "Thông báo"), ("KẾ HOẠCH", "Kế hoạch"), ("GIẤY MỜI", "Giấy mời"),
    ("THÔNG BÁO KẾT LUẬN", "Thông báo"), ("KẾ HOẠCH LIÊN TỊCH", "Kế hoạch"),
    ("Quyết định", None), ("SỞ Y TẾ", None), ("BÁO CÁO TÌNH HÌNH THỰC HIỆN NHIỆM VỤ NĂM", None),
])
def test_type_heading_of(line, expected):
    assert type_heading_of(line) == expected


def test_columns_split_at_three_spaces_only():
    line = split_lines("  Nơi nhận:      KT. GIÁM ĐỐC")[0]
    assert [(p.text, p.col) for p in columns(line)] == [("Nơi nhận:", 2), ("KT. GIÁM ĐỐC", 17)]
    assert [p.text for p in columns(split_lines("Sở Y tế  Hà Nội")[0])] == ["Sở Y tế  Hà Nội"]


@pytest.mark.parametrize("noi,kinh,date", [
    ("Nơi nhận:", "Kính gửi:", "ngày 05 tháng 6 năm 2025"),
    ("Nơỉ nhặn:", "Kính gủi:", "ngảy 05 thảng 6 năm 2025"),   # marks misread by OCR
    ("Noi nhan:", "Kinh gui:", "ngay 05 thang 6 nam 2025"),     # marks lost
])
def test_fixed_words_survive_ocr(noi, kinh, date):
    from pipeline.extract.heading import find_place_date
    layout = layout_of(f"Số: 7/UBND-VP\nHuế, {date}\n\nV/v họp\n\n{kinh}\n- Sở Y tế;\n"
                       f"- Sở Tư pháp.\n\nNội dung.\n\n{noi}\n- Như trên;\n- Lưu: VT.\n\n"
                       "CHỦ TỊCH\n\nLê Văn Tám\n")
    assert len(layout.recipients) == 2 and len(layout.distribution) == 2
    assert [c.value for c in find_place_date(layout)] == ["Huế", "2025-06-05"]


def test_noi_nhan_items_whose_bullets_were_lost():
    layout = layout_of("Kính gửi: Sở Y tế.\n\nNội dung.\n\nNơi nhận:\n- Như trên;\n"
                       "UBND tỉnh (báo cáo);\nGiám đốc, các PGĐ Sở;\nLưu: VT, ĐĐ.\n\n"
                       "GIÁM ĐỐC\n\nTrịnh Văn Khoa\n")
    assert [p.text for p in layout.distribution] == [
        "- Như trên;", "UBND tỉnh (báo cáo);", "Giám đốc, các PGĐ Sở;", "Lưu: VT, ĐĐ."]
    assert [p.text for p in layout.signature] == ["GIÁM ĐỐC", "Trịnh Văn Khoa"]
