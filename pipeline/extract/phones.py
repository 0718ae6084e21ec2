"""Phone and fax numbers, to E.164 ("+84982634968"), validated with ``phonenumbers``.

Forms: "0982634968", "098.694.6190", "0912 345 678", "(024) 3825 1234", "024-3825-1234",
"+84 24 3825 1234", and runs of several ("024.38237029 / 034.978.4766").
A number of the pre-2017 plan ("04 3943 4100", "0511 3821 234", "0122 345 6789") is a phone
of its time: it is kept as written, in E.164 (record-v1.md, conventions), and marked by
its rule ``phone.legacy`` only; no warning, so a legacy letter is not made ``partial``. A number after a label such as
"Mã số thuế" or "CCCD" is some other code and is skipped; a digit string labelled as a phone
that cannot be a Vietnamese number yields a ``phone.invalid`` problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from pipeline.extract.base import Candidate
from pipeline.resources import alternation, load_tsv

_LABEL_WINDOW = 150  # characters before a number searched for its label
_SERVICE_PREFIXES = ("1800", "1900")  # toll-free and premium numbers, read only when labelled


@cache
def _phonenumbers():
    import phonenumbers  # loaded on first use (STYLE: heavy dependencies load lazily)

    return phonenumbers


@cache
def _chain_regex() -> re.Pattern[str]:
    """A run of digit groups that may be one or more phone numbers."""
    return re.compile(r"""
        (?<![\w+/.,-])
        (?: (?P<country> \+[ ]?84 | \(\+?84\) ) [ ]? )?
        (?P<chain>
            (?: \(0\d{1,3}\) [ ]? )?            # an area code in brackets: "(024) 3825 1234"
            \d{1,5} (?: (?:[ ]?[.-][ ]?|[ ])? \d{1,5} ){0,7}   # "0945 - 713 - 662" too
        )
        (?! \w | [.,-]?\d | /\d )
        """, re.VERBOSE)


@cache
def _label_regex() -> re.Pattern[str]:
    labels = load_tsv("phone_labels.tsv")
    return re.compile(rf"""
        (?<!\w)
        (?: (?P<phone>{alternation(l for l, r in labels if r == "phone")})
          | (?P<other>{alternation(l for l, r in labels if r == "not")}) )
        (?!\w)
        """, re.VERBOSE | re.IGNORECASE)


@cache
def _legacy_plan() -> tuple[tuple[str, int], ...]:
    """(old prefix with trunk 0, total digits) of every code of the pre-2017 plan."""
    return tuple((old, len(old) + int(n)) for old, _new, n, _where in load_tsv("phone_plan.tsv"))


def _label(text: str, pos: int) -> str | None:
    """"phone", "other" or None: the kind of the last label before ``pos`` on its line."""
    window_start = max(text.rfind("\n", 0, pos) + 1, pos - _LABEL_WINDOW)
    last = None
    for m in _label_regex().finditer(text, window_start, pos):
        last = "phone" if m["phone"] else "other"
    return last


def classify(digits: str) -> tuple[str | None, str]:
    """(E.164, kind) of a national digit string: kind is current, legacy, service or invalid.

    >>> classify("0982634968"), classify("0439434100")
    (('+84982634968', 'current'), ('+84439434100', 'legacy'))
    """
    pn = _phonenumbers()
    if digits.startswith(_SERVICE_PREFIXES):
        if len(digits) not in (8, 10):
            return None, "invalid"
        number = pn.parse(digits, "VN")
        return (pn.format_number(number, pn.PhoneNumberFormat.E164), "service") \
            if pn.is_valid_number(number) else (None, "invalid")
    if not digits.startswith("0") or not 10 <= len(digits) <= 11:
        return None, "invalid"
    number = pn.parse(digits, "VN")
    if pn.is_valid_number(number):
        return pn.format_number(number, pn.PhoneNumberFormat.E164), "current"
    if any(digits.startswith(old) and len(digits) == size for old, size in _legacy_plan()):
        return "+84" + digits[1:], "legacy"
    if any(digits.startswith(p) and len(digits) == int(n)
           for p, n, _where in load_tsv("phone_networks.tsv")):
        return "+84" + digits[1:], "current"
    return None, "invalid"


def _national(country: str | None, digits: str) -> str:
    """The digits with the trunk "0" a Vietnamese reader dials ("+84 24 …" -> "024 …")."""
    if country:
        return digits if digits.startswith("0") else "0" + digits
    if digits.startswith("84") and len(digits) in (11, 12):  # "84912345678"
        return "0" + digits[2:]
    return digits


def _numbers(m: re.Match[str]):
    """(start, end, national digits) of each number in a run: the longest valid groups first."""
    groups = [(g.start() + m.start("chain"), g.end() + m.start("chain"), g.group())
              for g in re.finditer(r"\d+", m["chain"])]
    i = 0
    while i < len(groups):
        for j in range(len(groups), i, -1):
            digits = _national(m["country"] if i == 0 else None,
                               "".join(g[2] for g in groups[i:j]))
            if classify(digits)[1] != "invalid":
                start = m.start() if i == 0 else groups[i][0]
                yield start, groups[j - 1][1], digits
                i = j
                break
        else:
            i += 1


def find_phones(text: str, start: int = 0, end: int | None = None) -> Iterator[Candidate]:
    """Every phone and fax number in ``text[start:end]``, in E.164.

    >>> [c.value for c in find_phones("Điện thoại: 024.38237029 / 034.978.4766.")]
    ['+842438237029', '+84349784766']
    """
    end = len(text) if end is None else end
    for m in _chain_regex().finditer(text, start, end):
        label = _label(text, m.start())
        if label == "other":
            continue
        found = False
        for n_start, n_end, digits in _numbers(m):
            value, kind = classify(digits)
            if kind == "service" and label != "phone":
                continue
            found = True
            score = 1.0 if label == "phone" else 0.8
            yield Candidate("phone", n_start, n_end, value, score, f"phone.{kind}")
        digit_count = sum(c.isdigit() for c in m.group())
        if not found and label == "phone" and digit_count >= 8:
            raw = m.group().strip()
            yield Candidate("phone", m.start(), m.end(), None, 1.0, "phone.labelled",
                            ("phone.invalid", f"'{raw}' cannot be a Vietnamese phone number"))
