"""find_references: every other document a letter cites, never the letter itself."""

import pytest

from pipeline.extract.references import find_references

KEYS = ("kind", "number", "symbol", "date", "issuer", "title")


def _refs(text, **kwargs):
    return [c.value for c in find_references(text, **kwargs) if c.problem is None]


def _ref(kind, number=None, symbol=None, date=None, issuer=None, title=None):
    return dict(zip(KEYS, (kind, number, symbol, date, issuer, title)))


@pytest.mark.parametrize("text, expected", [
    ("Căn cứ Công văn số 215/BTC-NSNN ngày 12/01/2024 của Bộ Tài chính về việc lập dự toán,",
     [_ref("Công văn", "215", "BTC-NSNN", "2024-01-12", "Bộ Tài chính")]),
    ("theo văn bản số 31/TB-SGDĐT ngày 03/02/2025.",
     [_ref("văn bản", "31", "TB-SGDĐT", "2025-02-03")]),
    ("Ngày 14/5/2024, UBND tỉnh Nam Định ban hành Kế hoạch số 92/KH-UBND về chuyển đổi số.",
     [_ref("Kế hoạch", "92", "KH-UBND", "2024-05-14", "UBND tỉnh Nam Định")]),
    ("Phòng Nội vụ có văn bản số 8/PNV ngày 2/4/2024 đề nghị",
     [_ref("văn bản", "8", "PNV", "2024-04-02", "Phòng Nội vụ")]),
    ("Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;",
     [_ref("Nghị định", "30", "2020/NĐ-CP", "2020-03-05", "Chính phủ")]),
    ("Căn cứ Thông tư số 07/2019/TT-BKHCN ngày 26 tháng 7 năm 2019 của Bộ trưởng Bộ Khoa học"
     " và Công nghệ;",
     [_ref("Thông tư", "07", "2019/TT-BKHCN", "2019-07-26",
           "Bộ trưởng Bộ Khoa học và Công nghệ")]),
    ("theo Quyết định số 987/QĐ-TTg của Thủ tướng Chính phủ phê duyệt Đề án",
     [_ref("Quyết định", "987", "QĐ-TTg", None, "Thủ tướng Chính phủ")]),
    ("Thực hiện Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị,",
     [_ref("Nghị quyết", "57-NQ", "TW", "2024-12-22", "Bộ Chính trị")]),
    ("Thực hiện Chỉ thị số 12/CT-UBND của UBND TP. Cần Thơ về",
     [_ref("Chỉ thị", "12", "CT-UBND", None, "UBND TP. Cần Thơ")]),
    ("Thực hiện CÔNG VĂN SỐ 77/SYT-NVY", [_ref("Công văn", "77", "SYT-NVY")]),
    ("Căn cứ NĐ 13/2023/NĐ-CP;", [_ref("Nghị định", "13", "2023/NĐ-CP")]),
    # no "số", a colon, spaces inside the symbol
    ("Thực hiện Công văn 123/UBND-VX, Sở", [_ref("Công văn", "123", "UBND-VX")]),
    ("Thông báo số: 44/TB-VP", [_ref("Thông báo", "44", "TB-VP")]),
    ("Công văn số 2414 / VPCP - KGVX ngày 1/4/2024",
     [_ref("Công văn", "2414", "VPCP-KGVX", "2024-04-01")]),
    # lists
    ("Thực hiện Công văn số 51/BNV-CCVC ngày 3/1/2025 của Bộ Nội vụ; Công văn số 902/UBND-NC"
     " ngày 9/1/2025 của UBND tỉnh Hà Nam về việc tuyển dụng.",
     [_ref("Công văn", "51", "BNV-CCVC", "2025-01-03", "Bộ Nội vụ"),
      _ref("Công văn", "902", "UBND-NC", "2025-01-09", "UBND tỉnh Hà Nam")]),
    ("các Quyết định số 12/QĐ-UBND và số 15/QĐ-UBND của UBND huyện",
     [_ref("Quyết định", "12", "QĐ-UBND"),
      _ref("Quyết định", "15", "QĐ-UBND", None, "UBND huyện")]),
    ("Quyết định số 4/QĐ-SXD, 9/QĐ-SXD ngày 3/3/2024",
     [_ref("Quyết định", "4", "QĐ-SXD"), _ref("Quyết định", "9", "QĐ-SXD", "2024-03-03")]),
    # the issuer before: "của X tại …"; a name wrapped onto the next line
    ("Xét đề nghị của Phòng Tài chính - Kế hoạch tại Tờ trình số 45/TTr-TCKH ngày 6/8/2024,",
     [_ref("Tờ trình", "45", "TTr-TCKH", "2024-08-06", "Phòng Tài chính - Kế hoạch")]),
    ("Công văn số 9/SNN-TL ngày 2/1/2025 của\nSở Nông nghiệp và\nPhát triển nông thôn\nCăn cứ",
     [_ref("Công văn", "9", "SNN-TL", "2025-01-02", "Sở Nông nghiệp và Phát triển nông thôn")]),
    ("Nghị định số 8/2024/NĐ-CP ngày 1/2/2024 của Chính phủ\nquy định chi tiết",
     [_ref("Nghị định", "8", "2024/NĐ-CP", "2024-02-01", "Chính phủ")]),
    ("văn bản số 77/STC-NS ngày 5/9/2024 của Sở Tài chính báo cáo tình hình",
     [_ref("văn bản", "77", "STC-NS", "2024-09-05", "Sở Tài chính")]),
    # OCR read "/" as "l"
    ("Công văn số 168lSTC-QLG ngày 20/01/2025", [_ref("Công văn", "168", "STC-QLG", "2025-01-20")]),
])
def test_numbered_references(text, expected):
    assert _refs(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("được quy định trong Luật Chất lượng sản phẩm, hàng hóa năm 2007 và các Nghị định",
     [_ref("Luật", date="2007", title="Luật Chất lượng sản phẩm, hàng hóa")]),
    ("theo quy định tại Luật Chất lượng sản phẩm, hàng hoá và thuộc hệ thống giải thưởng",
     [_ref("Luật", title="Luật Chất lượng sản phẩm, hàng hoá")]),
    ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;",
     [_ref("Luật", date="2015-06-19", title="Luật Tổ chức chính quyền địa phương")]),
    ("Căn cứ Luật Đầu tư công số 58/2024/QH15;",
     [_ref("Luật", "58", "2024/QH15", title="Luật Đầu tư công")]),
    ("theo Bộ luật Lao động năm 2019 và Luật Việc làm",
     [_ref("Bộ luật", date="2019", title="Bộ luật Lao động"), _ref("Luật", title="Luật Việc làm")]),
    ("Căn cứ Luật sửa đổi, bổ sung một số điều của Luật Tổ chức Chính phủ và Luật Tổ chức chính"
     " quyền địa phương ngày 22 tháng 11 năm 2019;",
     [_ref("Luật", date="2019-11-22", title="Luật sửa đổi, bổ sung một số điều của Luật Tổ chức"
           " Chính phủ và Luật Tổ chức chính quyền địa phương")]),
    ("Luật Thủ đô năm 2024 quy định",                        # not in the list: the guess
     [_ref("Luật", date="2024", title="Luật Thủ đô")]),
    ("Luật Phòng thủ dân sự đã được thông qua",
     [_ref("Luật", title="Luật Phòng thủ dân sự")]),
])
def test_laws(text, expected):
    assert _refs(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Thực hiện Kế hoạch phát triển văn hóa đọc năm 2025, Sở Văn hóa đề nghị",
     [_ref("Kế hoạch", title="Kế hoạch phát triển văn hóa đọc năm 2025")]),
    ("Căn cứ Chương trình công tác năm 2024 của UBND tỉnh;",
     [_ref("Chương trình", issuer="UBND tỉnh", title="Chương trình công tác năm 2024")]),
    ("- Theo Đề án chuyển đổi số ngành Giáo dục;",
     [_ref("Đề án", title="Đề án chuyển đổi số ngành Giáo dục")]),
])
def test_named_references(text, expected):
    assert _refs(text) == expected


@pytest.mark.parametrize("text", [
    "các Nghị định của Chính phủ về giải thưởng",               # generic, no number
    "Sở đã ban hành Kế hoạch hoạt động năm 2024, theo đó",      # not after a citing verb
    "Theo Kế hoạch, các đơn vị",                                # no title
    "Thực hiện Kế hoạch này, các đơn vị",
    "Phụ lục 1, Điều 8, khoản 2 Điều 5",
    "theo bài viết trên báo Lao động số 123 ngày 5/3/2024",     # a newspaper
    "Luật sư Nguyễn Văn A tham gia",
    "theo quy định của pháp luật",
    "Quyết định 5 năm 2024",
])
def test_not_references(text):
    assert list(find_references(text)) == []


def test_own_number_is_skipped():
    text = "Công văn số 650/SKHCN-TĐC ngày 4/4/2023 thay thế Công văn số 601/SKHCN-TĐC."
    assert [r["number"] for r in _refs(text, own="650/SKHCN-TĐC")] == ["601"]
    assert [r["number"] for r in _refs(text, own="650 / SKHCN - TĐC")] == ["601"]
    assert [r["number"] for r in _refs(text)] == ["650", "601"]


def test_cited_twice_gives_both_the_fuller_scoring_higher():
    text = ("Thực hiện Công văn số 40/VP-KT ngày 2/5/2025 của Văn phòng UBND tỉnh, …"
            " (gửi kèm Công văn số 40/VP-KT ngày 2/5/2025).")
    first, second = find_references(text)
    assert first.value["symbol"] == second.value["symbol"] == "VP-KT"
    assert first.score > second.score


@pytest.mark.parametrize("text", ["Công văn số 12/UBND-Sở Y tế", "Quyết định số 12/2024 của UBND",
                                  "Công văn số 5/KH-ubnd"])
def test_malformed_symbol_is_a_problem(text):
    (candidate,) = find_references(text)
    assert candidate.problem[0] == "number.malformed"


def test_spans_and_rules():
    text = "Căn cứ Luật Giá năm 2023 và Công văn số 7/STC-QLG ngày 1/2/2024 của Sở Tài chính."
    found = sorted(find_references(text), key=lambda c: c.start)
    assert [text[c.start:c.end] for c in found] == [
        "Luật Giá năm 2023", "Công văn số 7/STC-QLG ngày 1/2/2024 của Sở Tài chính"]
    assert [c.rule for c in found] == ["reference.law", "reference.numbered"]


@pytest.mark.parametrize("text,number,symbol", [
    ("Thực hiện Công văn số 142/NgV.PSL ngày 02/3/2024 của Sở Ngoại vụ.", "142", "NgV.PSL"),
    ("Căn cứ Kế hoạch sản xuất chương trình số 15/KH-PTTH ngày 28/6/2024 của Đài, ...",
     "15", "KH-PTTH"),
])
def test_symbols_with_dots_and_titles_with_numbers(text, number, symbol):
    """A title that holds a number is a numbered citation, not a document cited by name."""
    refs = [c.value for c in find_references(text)]
    assert {(r["number"], r["symbol"]) for r in refs} == {(number, symbol)}
    assert all(r["title"] is None for r in refs)


@pytest.mark.parametrize("text,symbol", [
    ("Căn cứ Thông tư số 54/2015/TI-BYT ngày 28/12/2015 của Bộ Y tế;", "2015/TT-BYT"),
    ("Thực hiện Công văn số 12/TIr-STC của Sở Tài chính;", "TTr-STC"),
    ("Theo Công văn số 12/VIN-KT của Vingroup;", "VIN-KT"),       # not a type: left alone
])
def test_ocr_t_read_as_i_in_a_type_abbreviation(text, symbol):
    assert [c.value["symbol"] for c in find_references(text)] == [symbol]
