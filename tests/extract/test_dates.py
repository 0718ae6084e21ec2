"""find_dates, parse_date and parse_time: text -> ISO values, negatives included."""

import pytest

from pipeline.extract.dates import find_dates, match_date, parse_date, parse_time


@pytest.mark.parametrize("text, expected", [
    ("Đà Nẵng, ngày 04 tháng 4 năm 2023", "2023-04-04"),
    ("Ngày 4 tháng 11 năm 2022", "2022-11-04"),
    ("04/4/2023", "2023-04-04"),
    ("8/8/2024", "2024-08-08"),
    ("04-4-2023", "2023-04-04"),
    ("04.4.2023", "2023-04-04"),
    ("ngày 5/10/2024", "2024-10-05"),
    ("ngày   tháng 02 năm 2024", "2024-02"),
    ("ngày  tháng  năm 2025", "2025"),
    ("ngày … tháng … năm 2025", "2025"),
    ("ngày .... tháng 6 năm 2026", "2026-06"),
    ("ngày ___ tháng ___ năm 2027", "2027"),
    ("tháng 6/2024", "2024-06"),
    ("trong tháng 9 năm 2023", "2023-09"),
    ("ngày 29/02/2024", "2024-02-29"),
    ("ngày 5/3/2O24", "2024-03-05"),      # OCR: letter O for zero
    ("l5/3/2025", "2025-03-15"),          # OCR: letter l for one
    ("ngày 1O tháng 1I năm 2023", "2023-11-10"),
    ("ngày 19 tháng 6\nnăm 2015", "2015-06-19"),   # a wrapped line
])
def test_parse_date(text, expected):
    assert parse_date(text) == (expected, None)


@pytest.mark.parametrize("text", [
    "31/02/2024", "32/1/2024", "1/13/2024", "ngày 29/02/2023", "tháng 13 năm 2024",
    "ngày 30 tháng 2 năm 2025", "05/3/3024",
])
def test_impossible_dates_are_problems(text):
    value, problem = parse_date(text)
    assert value is None
    assert problem[0] == "date.invalid" and text.split()[-1] in problem[1]


@pytest.mark.parametrize("text", [
    "giai đoạn 2021-2025",             # a range of years
    "Nghị định số 30/2020/NĐ-CP",      # a document number
    "điện thoại 024.3823.7029",         # a phone
    "Số tiền 1.500.000 đồng",           # money
    "năm 2025",                         # a year alone is no date
    "45/12/2024",                       # not a date at all
    "mục 1.2.3",
    "ngày 15/6",                        # no year
    "04/4/23",                          # two-digit years are not read
    "IO/II/IIII",                       # letters only
    "ngày 19 tháng 6\n\nnăm 2015",        # a paragraph apart
])
def test_not_dates(text):
    assert parse_date(text) == (None, None)
    assert list(find_dates(text)) == []


def test_find_dates_spans_and_rules():
    text = "Từ ngày 01/6/2024 đến ngày 15 tháng 6 năm 2024; hạn 31/02/2024; năm 2O25."
    found = list(find_dates(text))
    assert [c.value for c in found] == ["2024-06-01", "2024-06-15", None]
    assert [text[c.start:c.end] for c in found] == [
        "ngày 01/6/2024", "ngày 15 tháng 6 năm 2024", "31/02/2024"]
    assert [c.rule for c in found] == ["date.numeric", "date.long", "date.numeric"]
    assert found[2].problem[0] == "date.invalid"
    assert all(c.field == "date" for c in found)


def test_find_dates_window_and_ocr_score():
    text = "ngày 01/6/2024 và ngày 2/6/2O24"
    found = list(find_dates(text, start=15))
    assert [c.value for c in found] == ["2024-06-02"]
    assert found[0].rule == "date.numeric.ocr" and found[0].score < 1
    assert list(find_dates(text, 0, 10)) == []


@pytest.mark.parametrize("text, year, expected", [
    ("ngày 15/6", 2024, "2024-06-15"),
    ("15 tháng 6", 2024, "2024-06-15"),
    ("ngày 15/6", None, None),
    ("ngày 31/6", 2024, None),
    ("ngày 15/6/2025", 2024, "2025-06-15"),
])
def test_match_date_takes_the_year_when_missing(text, year, expected):
    found = match_date(text, 0, year)
    assert (found[0] if found else None) == expected


@pytest.mark.parametrize("text, expected", [
    ("17h", "17:00"),
    ("17h00", "17:00"),
    ("17H30", "17:30"),
    ("17 giờ", "17:00"),
    ("17 giờ 00", "17:00"),
    ("17 giờ 30 phút", "17:30"),
    ("16h30", "16:30"),
    ("8h30'", "08:30"),
    ("8g30", "08:30"),
    ("17:45", "17:45"),
    ("9 giờ sáng", "09:00"),
    ("14 giờ chiều", "14:00"),
    ("2 giờ 30 chiều", "14:30"),
    ("8 giờ tối", "20:00"),
    ("trước 17h ngày 15/3/2025", "17:00"),
    ("trong 24h", None),                # a duration
    ("5 gói", None),
    ("25h", None),
    ("Điều 5", None),
])
def test_parse_time(text, expected):
    assert parse_time(text) == expected
