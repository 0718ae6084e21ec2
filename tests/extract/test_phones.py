"""find_phones: every phone and fax number, in E.164; other codes left alone."""

import pytest

from pipeline.extract.phones import classify, find_phones


def _values(text):
    return [c.value for c in find_phones(text) if c.problem is None]


@pytest.mark.parametrize("text, expected", [
    ("điện thoại: 0987654321.", ["+84987654321"]),
    ("điện thoại di động: 091.234.5678", ["+84912345678"]),
    ("ĐT: 0912 345 678", ["+84912345678"]),
    ("Đt: 024.38001234", ["+842438001234"]),
    ("Điện thoại: (024) 3825 6789", ["+842438256789"]),
    ("Tel: 024-3825-6789", ["+842438256789"]),
    ("Tel.: +84 24 3825 6789", ["+842438256789"]),
    ("(+84) 912 345 678", ["+84912345678"]),
    ("SĐT 84912345678", ["+84912345678"]),
    ("Fax: 0236.3821.999", ["+842363821999"]),
    ("0912345678", ["+84912345678"]),            # unlabelled, but valid
    ("Hotline: 1900 1234", ["+8419001234"]),
    # several in one run
    ("số điện thoại: 024.38001234 / 035.678.1234", ["+842438001234", "+84356781234"]),
    ("ĐT: 024.3825.6789 - 0983.456.789", ["+842438256789", "+84983456789"]),
    ("Điện thoại: 0912345678, 0987654321", ["+84912345678", "+84987654321"]),
    ("Đt: 0912345678-0987654321", ["+84912345678", "+84987654321"]),
    # the pre-2017 plan, kept as written (record-v1.md)
    ("Điện thoại: 04 3943 4100", ["+84439434100"]),
    ("Fax: 08.3829.1234", ["+84838291234"]),
    ("ĐT: 0511 3821 234", ["+845113821234"]),
    ("Di động: 0168 123 4567", ["+841681234567"]),
])
def test_phones(text, expected):
    assert _values(text) == expected


@pytest.mark.parametrize("text", [
    "Số: 0123/QĐ-UBND",                       # a document number
    "ngày 04-4-2023", "ngày 04.4.2023",        # dates
    "Kinh phí 1.500.000 đồng",                  # money
    "Kinh phí 1.500.000.000 đồng",
    "giai đoạn 2021-2025",                     # years
    "Mã số thuế: 0101234567",                  # a tax code: 10 digits starting with 0
    "MST 0301234567",                          # …that would be an old Ninh Bình number
    "Công ty X, mã số doanh nghiệp 0201234567",
    "Số tài khoản: 0011004123456 tại ngân hàng",
    "CCCD số 001099012345",
    "CMND: 012345678",
    "Số 89 phố Hàng Bài, quận Hoàn Kiếm",      # an address
    "mã bưu chính 100000",
    "năm 1900 1234",                           # a service number needs its label
    "0101234567",                              # unlabelled and invalid: silently left
])
def test_not_phones(text):
    assert list(find_phones(text)) == []


@pytest.mark.parametrize("text", [
    "Điện thoại: 0123 456 78",
    "Tel: 0101234567",
    "Fax: 0000 000 000",
])
def test_labelled_number_that_cannot_be_a_phone(text):
    (candidate,) = find_phones(text)
    assert candidate.value is None and candidate.problem[0] == "phone.invalid"


def test_spans_rules_and_scores():
    text = "ĐT: (024) 3825 6789; Fax: 04 3943 4100\nGặp anh Tú 0912345678"
    found = list(find_phones(text))
    assert [text[c.start:c.end] for c in found] == ["(024) 3825 6789", "04 3943 4100", "0912345678"]
    assert [c.rule for c in found] == ["phone.current", "phone.legacy", "phone.current"]
    assert found[0].score > found[2].score  # a label makes a number surer


@pytest.mark.parametrize("digits, expected", [
    ("0912345678", ("+84912345678", "current")),
    ("02438256789", ("+842438256789", "current")),
    ("0439434100", ("+84439434100", "legacy")),
    ("01223456789", ("+841223456789", "legacy")),
    ("19001234", ("+8419001234", "service")),
    ("0101234567", (None, "invalid")),
    ("912345678", (None, "invalid")),
])
def test_classify(digits, expected):
    assert classify(digits) == expected


@pytest.mark.parametrize("text,expected", [
    ("SĐT: 069.2.834.167", ["+84692834167"]),          # police network, not in libphonenumber
    ("Tổng đài hỗ trợ: 1900 0368", ["+8419000368"]),
    ("không muộn hơn 069", []),
    ("ĐT: 0945 - 713 - 662.", ["+84945713662"]),           # spaced hyphens inside a number
    ("giai đoạn 2021 - 2025", []),
])
def test_networks_and_switchboards(text, expected):
    assert [c.value for c in find_phones(text, 0, len(text)) if c.value] == expected
