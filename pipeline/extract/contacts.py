"""People to contact, with their titles, phones and e-mails.

Letters close the body with a contact line: "Chi tiết xin liên hệ: Ông Nguyễn Văn An,
chuyên viên Phòng Kế hoạch, điện thoại: 0912 345 678", "... xin gọi số 024.3825.1234
(đ/c Trần Thị Bình)". A contact is a person named in a sentence that gives a phone or an
e-mail or says "liên hệ"; each phone and e-mail goes to the nearest person named before it
in the sentence, or, with none before, the first named after it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache

from pipeline.extract.base import Candidate
from pipeline.extract.signer import (is_person_name, looks_like_name, starts_with_title,
                                     strip_name_prefix)
from pipeline.layout import UPPER, Layout, is_place
from pipeline.resources import load_lines

CUE = re.compile(r"liên\s+hệ|liên\s+lạc|đầu\s+mối|điện\s+thoại|email|e-mail|\bĐT\b|\bSĐT\b"
                 r"|gọi\s+(?:số|theo|đến|cho)|\bFax\b|di\s+động",
                 re.IGNORECASE)
NAME = r"{u}(?:[^\W\d_]|['’](?=\w))*['’]?(?:\s+{u}(?:[^\W\d_]|['’](?=\w))*){{1,5}}".format(
    u=UPPER)
TITLE_END = re.compile(r"(?:[;(]|\b(?:điện\s+thoại|Điện\s+thoại|ĐT|Đt|SĐT|Tel|Fax|[Ee]-?mail|"
                       r"di\s+động|số\s+điện\s+thoại)\b|\)|$|\.\s)")


@lru_cache(maxsize=1)
def _honorific_pattern() -> re.Pattern:
    """'ông Nguyễn Văn An', 'đ/c Trần Thị Bình', 'Thượng úy Vi Văn Thắng', 'ThS. Lê Hà'."""
    words = sorted(load_lines("layout/honorifics.txt") + load_lines("layout/name_prefixes.txt"),
                   key=len, reverse=True)
    return re.compile(r"(?<![^\W\d_])(?:(?:%s)(?:\.\s*|\s+))+(?P<name>%s)" % (
        "|".join(map(re.escape, words)), NAME))


# "Cán bộ đầu mối: Giàng A Sủ - chuyên viên ...": a name right after a contact cue and a
# colon, closed by a dash, comma or parenthesis, needs no honorific.
CUED_NAME = re.compile(r"(?:[Ll]iên\s+hệ|[Ll]iên\s+lạc|[Đđ]ầu\s+mối|[Pp]hụ\s+trách)[^:\n]{0,25}:\s*"
                       r"(?P<name>%s)(?=\s*[-–,(;])" % NAME)  # case matters: names are capitalised


@lru_cache(maxsize=1)
def _titled_name_pattern() -> re.Pattern:
    """'Phó Trưởng phòng Quản lý thương mại Kră Jăn Ha Đào, ...': a position, the unit,
    then a name closed by punctuation or a phone label."""
    titles = sorted(load_lines("layout/contact_titles.txt"), key=len, reverse=True)
    return re.compile(r"(?<![^\W\d_])(?:%s)\s+(?:[^,;()\n]{0,60}?\s)??(?P<name>%s)"
                      r"(?=\s*[,(;:]|\s+[-–]|\s+(?:điện\s+thoại|ĐT|SĐT|số|email)\b)" % (
                          "|".join(map(re.escape, titles)), NAME))



def _plausible_titled_name(name: str) -> bool:
    """A name found after a position alone: not a place, and 3+ words or a known family
    name first ("Hà Nội" is a place; "Y Đhăm Êban" and "Cầm Thị Ngọc Ánh" are people)."""
    if is_place(name):
        return False
    return len(name.split()) >= 3 or is_person_name(name)


def _is_title(text: str, start: int, end: int) -> bool:
    """'đồng chí Phó Giám đốc Sở': the capitals after the honorific open a position."""
    after = re.match(r"\s+([^\W\d_]+)", text[end:end + 30])
    phrase = text[start:end] + (" " + after.group(1) if after else "")
    return starts_with_title(phrase)


def _sentences(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Paragraph-sized stretches: a contact sentence rarely spans a blank line."""
    for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", text[start:end]):
        yield start + m.start(), start + m.end()


def _names(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    found: dict[int, tuple[int, int, str]] = {}
    for pattern in (_honorific_pattern(), CUED_NAME, _titled_name_pattern()):
        titled = pattern is _titled_name_pattern()
        for m in pattern.finditer(text, start, end):
            if titled and not _plausible_titled_name(m.group("name")):
                continue
            words = m.group("name").split()
            # Capitalised words may follow the name ("Nguyễn Văn An Phó Trưởng phòng"):
            # keep the longest prefix of the shape of a name.
            for n in range(len(words), 1, -1):
                name = " ".join(words[:n])
                if looks_like_name(name):
                    s = m.start("name")
                    if not _is_title(text, s, s + len(name)):
                        found.setdefault(s, (s, s + len(name), name))
                    break
    # "Ông Lưu Quang Vinh" after a cue is read by both patterns: keep the inner name.
    spans = sorted(found.values())
    return [a for a in spans
            if not any(b is not a and a[0] <= b[0] and b[1] <= a[1] for b in spans)]


# Words before a person's name that make it a street: "số 258 Trần Hưng Đạo", "phố Lê Lợi".
ADDRESS_BEFORE = re.compile(r"(?:\d[\w/]*|[Đđ]ường|[Pp]hố|[Ss]ố|[Nn]gõ|[Hh]ẻm|[Kk]iệt)\s*$")


def _with_model_names(text: str, names: list[tuple[int, int, str]],
                      found: Iterator[Candidate]) -> list[tuple[int, int, str]]:
    """The rules' names, and the model's that none of them overlaps and that are not a
    place or a street named after a person."""
    out = list(names)
    for c in found:
        name = strip_name_prefix(c.value)
        if c.field != "PER" or not looks_like_name(name) or is_place(name):
            continue
        if ADDRESS_BEFORE.search(text, max(0, c.start - 12), c.start):
            continue
        if any(a < c.end and c.start < b for a, b, _ in names):
            continue
        start = c.start + text_offset(c.value, name)
        out.append((start, start + len(name), name))
    return sorted(out)


def text_offset(whole: str, part: str) -> int:
    i = whole.find(part)
    return max(i, 0)


def _title_after(text: str, end: int, stop: int) -> str | None:
    rest = text[end:stop]
    m = re.match(r"[\s,\-–:]*", rest)
    body = rest[m.end():]
    t = TITLE_END.search(body)
    title = body[: t.start()] if t else body
    title = title.strip(" ,.-–:").strip()
    if not title or not title[0].isalpha() or len(title) > 200:
        return None
    return " ".join(title.split())


Finder = Callable[[str, int, int], Iterator[Candidate]]


def find_contacts(layout: Layout, phones: Finder, emails: Finder,
                  people: Finder | None = None) -> Iterator[Candidate]:
    """Contacts of the body. ``people`` (the NER's PER names) adds the names the rules
    cannot see: no honorific, no position, no cue before them."""
    text = layout.text
    body_start, body_end = layout.body
    for s, e in _sentences(text, body_start, body_end):
        if not CUE.search(text, s, e):
            continue
        details = [(c.start, "phones", c.value) for c in phones(text, s, e) if c.value] + \
                  [(c.start, "emails", c.value) for c in emails(text, s, e) if c.value]
        names = _names(text, s, e)
        if people is not None and details and not names:
            # The model is the fallback: a contact sentence where no rule saw a name.
            names = _with_model_names(text, names, people(text, s, e))
        if not names:
            continue
        persons = [{"name": n, "title": _title_after(text, ne, e), "phones": [], "emails": [],
                    "_span": (ns, ne)} for ns, ne, n in names]
        for pos, kind, value in sorted(details):
            before = [p for p in persons if p["_span"][0] < pos]
            owner = before[-1] if before else persons[0]
            if value not in owner[kind]:
                owner[kind].append(value)
        for p in persons:
            ns, ne = p.pop("_span")
            yield Candidate("contact", ns, ne, p, 1.0, "contact.honorific")
