import pytest

from pipeline.extract.issuer import _initials, _issuer_code, find_issuer
from tests.conftest import layout_of


@pytest.mark.parametrize("header,name,parent", [
    ("UBND TỈNH THÁI NGUYÊN\nSỞ KHOA HỌC VÀ CÔNG NGHỆ", "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
     "UBND TỈNH THÁI NGUYÊN"),
    ("BỘ TÀI CHÍNH", "BỘ TÀI CHÍNH", None),
    ("ỦY BAN NHÂN DÂN\nTỈNH NGHỆ AN", "ỦY BAN NHÂN DÂN TỈNH NGHỆ AN", None),
    ("BỘ Y TẾ\nCỤC QUẢN LÝ DƯỢC\n-------", "CỤC QUẢN LÝ DƯỢC", "BỘ Y TẾ"),
])
def test_issuer_from_header(header, name, parent):
    layout = layout_of(header + "\nSố: 1/X-Y\nHà Nội, ngày 01 tháng 01 năm 2024\n")
    (c,) = find_issuer(layout, "X-Y")
    assert c.value == {"name": name, "parent": parent}


@pytest.mark.parametrize("symbol,body,name", [
    ("SKHCN-TĐC", "Sở Khoa học và Công nghệ đề nghị các đơn vị. Sở Khoa học và Công nghệ "
                  "thành phố Hà Nội trân trọng cảm ơn.", "Sở Khoa học và Công nghệ"),
    ("GM-SNV", "Sở Nội vụ tổ chức hội nghị.", "Sở Nội vụ"),
    ("BQL-VP", "Ban Quản lý Khu kinh tế Vân Đồn thông báo.", "Ban Quản lý Khu kinh tế Vân Đồn"),
])
def test_issuer_from_body_and_symbol(symbol, body, name):
    layout = layout_of(f"Số: /{symbol}\n\nKính gửi: Các đơn vị.\n\n{body}\n")
    assert [c.value["name"] for c in find_issuer(layout, symbol)] == [name]


def test_no_issuer_when_no_mention_matches_the_symbol():
    layout = layout_of("Số: /SYT-VP\n\nKính gửi: Các đơn vị.\n\nSở Tài chính đề nghị.\n")
    assert list(find_issuer(layout, "SYT-VP")) == []


@pytest.mark.parametrize("symbol,code", [
    ("SKHCN-TĐC", "SKHCN"), ("GM-SNV", "SNV"), ("2024/QĐ-UBND", "UBND"), ("", ""),
])
def test_issuer_code(symbol, code):
    assert _issuer_code(symbol) == code


def test_initials():
    assert _initials("Sở Khoa học và Công nghệ") == "SKHCN"


@pytest.mark.parametrize("symbol,body,name", [
    ("TĐTN-PT", "Tỉnh đoàn Cà Mau tổ chức cuộc thi.", "Tỉnh đoàn Cà Mau"),
    ("KGI-TTGS", "Ngân hàng Nhà nước chi nhánh tỉnh Kiên Giang đề nghị các tổ chức.",
     "Ngân hàng Nhà nước chi nhánh tỉnh Kiên Giang"),
])
def test_issuer_that_speaks_when_no_name_fits_the_symbol(symbol, body, name):
    layout = layout_of(f"Số: 5/{symbol}\n\nKính gửi: Các đơn vị.\n\n{body}\n")
    assert [c.value["name"] for c in find_issuer(layout, symbol)] == [name]


def test_issuer_inside_a_longer_name():
    layout = layout_of("Số: 5/LĐLĐ\n\nKính gửi: Các đơn vị.\n\nThực hiện kế hoạch của Tổng "
                       "Liên đoàn Lao động Việt Nam, Ban Thường vụ Liên đoàn Lao động tỉnh "
                       "Nghệ An đề nghị các công đoàn.\n")
    assert [c.value["name"] for c in find_issuer(layout, "LĐLĐ")] == [
        "Liên đoàn Lao động tỉnh Nghệ An"]


@pytest.mark.parametrize("symbol,body,name", [
    ("SGDĐT-QLT", "Sở GD&ĐT đề nghị các trường.", "Sở Giáo dục và Đào tạo"),
    ("TTBVTV-BVTV", "Cục Trồng trọt và Bảo vệ thực vật trước đây đã hướng dẫn.",
     "Cục Trồng trọt và Bảo vệ thực vật"),
    ("TTCNTT-HTKT", "Trung tâm Công nghệ thông tin và Truyền thông đề nghị các đơn vị.",
     "Trung tâm Công nghệ thông tin và Truyền thông"),
    ("UBND-KT", "UBND tỉnh Nghệ An phê duyệt Kế hoạch. UBND tỉnh Nghệ An yêu cầu các sở.",
     "UBND tỉnh Nghệ An"),
])
def test_issuer_names_cut_short_or_written_short(symbol, body, name):
    layout = layout_of(f"Số: 5/{symbol}\n\nKính gửi: Các đơn vị.\n\n{body}\n")
    assert [c.value["name"] for c in find_issuer(layout, symbol)] == [name]
