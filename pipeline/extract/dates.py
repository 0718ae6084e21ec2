"""Dates and times as Vietnamese letters write them, to ISO 8601.

Forms (NĐ 30/2020/NĐ-CP, Phụ lục I, mục 5 for the place-and-date line):
"ngày 04 tháng 4 năm 2023", "04/4/2023", "04-4-2023", "04.4.2023", "tháng 6/2024".
An unsigned copy leaves the day or month blank ("ngày   tháng 02 năm 2024",
"ngày … tháng … năm 2025"): the value is reduced to what is given ("2024-02", "2025").
OCR confusions inside digit groups ("2O24", "l5/3/2025") are read as digits.
A date that cannot exist (31/02/2024, month 13) yields a candidate with value None and a
``date.invalid`` problem, so the record can say why it was left out.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from functools import cache

from pipeline.extract.base import Candidate
from pipeline.resources import alternation, load_tsv

_OCR_DIGITS = str.maketrans("OoIl", "0011")
_DIGIT = "[0-9OoIl]"  # a digit, or a letter OCR confuses with one
_GAP = r"[ \t]*(?:\n[ \t]*)?"  # spaces, and at most one line break of a wrapped line
_BLANK = r"[ \t.…_]*(?:\n[ \t.…_]*)?"  # what an unsigned copy leaves for the day or month
_MIN_YEAR, _MAX_YEAR = 1900, 2100


@cache
def words(role: str) -> str:
    """The alternation of the date words of one role in ``date_words.tsv``."""
    return alternation(word for word, r in load_tsv("date_words.tsv") if r == role)


@cache
def _date_regex() -> re.Pattern[str]:
    d = _DIGIT
    return re.compile(rf"""
        (?<![\w/.-])
        (?:
            # ngày 04 tháng 4 năm 2023 | ngày … tháng 6 năm 2026 | ngày tháng năm 2025
            (?i:{words("day")}) (?:{_GAP}(?P<long_day>{d}{{1,2}})(?!\w))? {_BLANK}
            (?i:{words("month")}) (?:{_GAP}(?P<long_month>{d}{{1,2}})(?!\w))? {_BLANK}
            (?:(?i:{words("year")})|/) {_GAP} (?P<long_year>{d}{{4}})
          |
            # [ngày] 04/4/2023 | 04-4-2023 | 04.4.2023 (one separator throughout)
            (?:(?i:{words("day")})[ ]+)?
            (?P<num_day>{d}{{1,2}}) (?P<sep>[/.-]) (?P<num_month>{d}{{1,2}}) (?P=sep)
            (?P<num_year>{d}{{4}})
          |
            # tháng 6/2024 | tháng 6 năm 2024 (no day: the month is the precision)
            (?i:{words("month")}) {_GAP} (?P<month_month>{d}{{1,2}})
            {_GAP} (?:/|-|(?i:{words("year")})) {_GAP} (?P<month_year>{d}{{4}})
        )
        (?![\w/]|[.-]\d)
        """, re.VERBOSE)


@cache
def _day_month_regex() -> re.Pattern[str]:
    """A date without its year ("15/6", "ngày 15 tháng 6"): only read when the year is known."""
    d = _DIGIT
    return re.compile(rf"""
        (?:(?i:{words("day")})[ ]+)?
        (?:
            (?P<num_day>{d}{{1,2}}) [/.-] (?P<num_month>{d}{{1,2}})
          | (?P<long_day>{d}{{1,2}}) [ ]+ (?i:{words("month")}) [ ]+ (?P<long_month>{d}{{1,2}})
        )
        (?![\w/]|[.-]\d)
        """, re.VERBOSE)


def _number(group: str | None) -> int | None:
    """A digit group read through OCR confusions; None when blank or holding no real digit."""
    if not group or not any(c.isdigit() for c in group):
        return None
    return int(group.translate(_OCR_DIGITS))


def _iso(year: int | None, month: int | None, day: int | None, raw: str):
    """(ISO value reduced to what is given, problem) for date parts."""
    problem = ("date.invalid", f"'{raw}' is not a date that can exist")
    if year is None or not _MIN_YEAR <= year <= _MAX_YEAR:
        return None, problem
    if month is None:
        return f"{year:04d}", None
    if not 1 <= month <= 12:
        return None, problem
    if day is None:
        return f"{year:04d}-{month:02d}", None
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None, problem
    return f"{year:04d}-{month:02d}-{day:02d}", None


_GROUPS = ("year", "month", "day")


def _parts(m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    g = m.groupdict()
    for form in ("long", "num", "month"):
        if g.get(f"{form}_year") is not None:
            return tuple(_number(g.get(f"{form}_{part}")) for part in _GROUPS)
    return None, None, None


def _plausible(m: re.Match[str]) -> bool:
    """Whether digit groups are a date at all (a wrong one is invalid; "45/12/2024" is none).

    A group of OCR look-alikes only ("IO/II/IIII") is letters, not digits.
    """
    if any(g and not any(c.isdigit() for c in g)
           for k, g in m.groupdict().items() if k.endswith(_GROUPS)):
        return False
    _year, month, day = _parts(m)
    return (day is None or day <= 39) and (month is None or month <= 19)


def _value(m: re.Match[str]) -> tuple[str | None, tuple[str, str] | None]:
    year, month, day = _parts(m)
    if day is not None and month is None:  # "ngày 15 tháng … năm 2025": only the year holds
        day = None
    return _iso(year, month, day, " ".join(m.group().split()))


def _ocr_read(m: re.Match[str]) -> bool:
    """Whether a digit group was read through an OCR confusion ("2O24")."""
    return any(c in "OoIl" for k, g in m.groupdict().items()
               if g and k.endswith(_GROUPS) for c in g)


def parse_date(s: str) -> tuple[str | None, tuple[str, str] | None]:
    """(ISO date, problem) of the first date expression in ``s``; (None, None) if there is none.

    >>> parse_date("Hà Nội, ngày 04 tháng 4 năm 2023")
    ('2023-04-04', None)
    >>> parse_date("ngày   tháng 02 năm 2024")
    ('2024-02', None)
    >>> parse_date("31/02/2024")[1][0]
    'date.invalid'
    """
    for m in _date_regex().finditer(s):
        if _plausible(m):
            return _value(m)
    return None, None


def match_date(text: str, pos: int, year: int | None = None):
    """The date expression starting exactly at ``pos``: (value, problem, end), or None.

    With ``year`` given, a date written without its year ("15/6") takes that year.
    """
    m = _date_regex().match(text, pos)
    if m and _plausible(m):
        return (*_value(m), m.end())
    if year is None:
        return None
    m = _day_month_regex().match(text, pos)
    if not m:
        return None
    day = _number(m["num_day"] or m["long_day"])
    month = _number(m["num_month"] or m["long_month"])
    if day is None or month is None or day > 39 or month > 19:
        return None
    return (*_iso(year, month, day, m.group()), m.end())


def find_dates(text: str, start: int = 0, end: int | None = None) -> Iterator[Candidate]:
    """Every date expression in ``text[start:end]``.

    >>> [c.value for c in find_dates("từ 01/6/2024 đến ngày 15 tháng 6 năm 2024")]
    ['2024-06-01', '2024-06-15']
    """
    end = len(text) if end is None else end
    for m in _date_regex().finditer(text, start, end):
        if not _plausible(m):
            continue
        value, problem = _value(m)
        rule = "date.long" if m["long_year"] else "date.numeric" if m["num_year"] else "date.month"
        ocr = _ocr_read(m)
        yield Candidate("date", m.start(), m.end(), value, 0.8 if ocr else 1.0,
                        rule + (".ocr" if ocr else ""), problem)


@cache
def _time_regex() -> re.Pattern[str]:
    return re.compile(rf"""
        (?<![\w:])
        (?P<hour>[0-2]?\d) [ ]*
        (?: (?i:{words("hour")}) (?![^\W\d]) | : (?=\d{{2}}) )
        (?: [ ]* (?P<minute>[0-5]\d) (?: [ ]* (?:(?i:{words("minute")})|'))? )?
        (?: [ ]* (?:
            (?P<morning>(?i:{words("morning")}))
          | (?P<noon>(?i:{words("noon")}))
          | (?P<pm>(?i:{words("afternoon")})|(?i:{words("evening")}))
        )(?!\w) )?
        """, re.VERBOSE)


def time_regex() -> re.Pattern[str]:
    """The compiled time pattern, for extractors that find a time next to a date."""
    return _time_regex()


def time_value(m: re.Match[str]) -> str | None:
    """"HH:MM" of a match of :func:`time_regex`, or None for an impossible time."""
    hour, minute = int(m["hour"]), int(m["minute"] or 0)
    if m["pm"] and hour < 12 or m["noon"] and hour < 6:  # "2 giờ chiều", "1 giờ trưa"
        hour += 12
    if hour > 23:  # "24h" is a duration ("trong 24h"), not a time of day
        return None
    return f"{hour:02d}:{minute:02d}"


def parse_time(s: str) -> str | None:
    """"HH:MM" of the first time expression in ``s``, or None.

    >>> parse_time("trước 17h ngày 15/3/2025"), parse_time("2 giờ 30 phút chiều")
    ('17:00', '14:30')
    """
    m = _time_regex().search(s)
    return time_value(m) if m else None
