"""Deadlines: dates by which someone must act ("trước ngày 31/3/2024", "chậm nhất là ngày …").

A deadline is a cue from ``deadline_cues.tsv`` followed by an optional time and a date
("trước 17h ngày 15/3/2025"), or a heading that names one ("Thời hạn tiếp nhận hồ sơ:
ngày 01/7/2025"). Periods ("từ ngày 01/6 đến hết ngày 15/6"), meeting times, quarters,
"ngay" and the dates of cited documents carry no cue, or a cancelling one, and are not
deadlines (record-v1.md, conventions). Only the due date is scored, so a doubtful match is
left out rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from pipeline.extract.base import Candidate
from pipeline.extract.dates import find_dates, match_date, time_regex, time_value, words
from pipeline.resources import alternation, load_tsv

_LOOKBACK = 40  # characters before a cue searched for a cancelling word


@cache
def cues(role: str) -> str:
    """The alternation of the phrases of one role in ``deadline_cues.tsv``."""
    return alternation(p for p, r in load_tsv("deadline_cues.tsv") if r == role)


def _lead_in() -> str:
    """What may stand between a cue and its date: a filler word, a time, a weekday."""
    return rf"""
        (?: (?i:{cues("filler")}) \s+ )*
        (?: (?P<time>{time_regex().pattern}) \s* ,? \s* )?
        (?: (?i:{cues("filler")}) \s+ )*
        (?: (?i:{words("weekday")}) \s* ,? \s* )?
        """


@cache
def _cue_regex() -> re.Pattern[str]:
    return re.compile(rf"""
        (?<!\w)
        (?: (?P<before>(?i:{cues("before")}|{cues("label")}))
          | (?P<until>(?i:{cues("until")})) )
        \s* :? \s*
        {_lead_in()}
        """, re.VERBOSE)


@cache
def _label_regex() -> re.Pattern[str]:
    return re.compile(rf"""
        (?<!\w)
        (?P<head> (?i:{cues("label")}) [^:\n]{{0,80}}? )
        \s* (?: : | \s (?i:{cues("filler")}) (?=\s) ) \s*
        {_lead_in()}
        """, re.VERBOSE)


@cache
def _heading_regex() -> re.Pattern[str]:
    """A line that heads its deadline: "3. Thời hạn tiếp nhận đề xuất: " before the cue."""
    return re.compile(r"""
        ^ [ \t]* (?: [-+•*] | \d+(?:\.\d+)*[.)]? | [a-zđ][.)] | [IVXLC]+\. )? [ \t]*
        (?P<head> [^\s:][^:\n]{1,80}? ) [ \t]* : [ \t]* \Z
        """, re.VERBOSE | re.MULTILINE)


@cache
def _verb_regex() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?i:{cues('verb')})(?!\w)")


@cache
def _trailer_regex() -> re.Pattern[str]:
    return re.compile(rf"\s+(?i:{cues('trailer')})(?!\w).*\Z", re.DOTALL)


@cache
def _tail_regex(role: str) -> re.Pattern[str]:
    """A phrase of ``role`` ending the text before a cue ("… ban hành trước ngày")."""
    return re.compile(rf"(?<!\w)(?i:{cues(role)})\s*\Z")


@cache
def _recurring_regex() -> re.Pattern[str]:
    return re.compile(rf"[ \t,]*(?i:{cues('recurring')})(?!\w)")


@cache
def _period_regex() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?i:{cues('period')})(?!\w)")


# Where a clause ends: sentence punctuation, ";", ":", a blank line, or a line that starts a
# list item. A bare line break does not: letters arrive hard-wrapped.
_CLAUSE_END = re.compile(r"""
    [.!?](?=\s) | ; | :(?![\d/]) | \n[ \t]*\n | \n(?=[ \t]*(?:[-+•*]|\d+[.)]|[a-zđ]\)))
    """, re.VERBOSE)


_LIST_MARK = re.compile(r"(?m)(?:^|(?<=\s))[a-zđ\d]{1,2}\)")


def _clause_start(text: str, pos: int) -> int:
    """Start of the clause that ends at ``pos``; a parenthesis ("(…, điện thoại: …)") is inside."""
    start = 0
    for m in _CLAUSE_END.finditer(text, max(0, pos - 600), pos):
        start = m.end()
    inside = _LIST_MARK.sub("", text[start:pos])  # "c) Rà soát …" opens no parenthesis
    if inside.count(")") > inside.count("("):
        opening = text.rfind("(", 0, start)
        return _clause_start(text, opening) if opening >= 0 else start
    return start


def _action(text: str, cue_start: int) -> str | None:
    """What is due: the heading before a colon, else the clause from its first action verb."""
    line_start = text.rfind("\n", 0, cue_start) + 1
    heading = _heading_regex().search(text[line_start:cue_start])
    if heading:
        return " ".join(heading["head"].split())
    clause = text[_clause_start(text, cue_start):cue_start]
    dates = list(find_dates(clause))  # the action follows a period stated before it
    verb = _verb_regex().search(clause, dates[-1].end if dates else 0)
    if not verb:
        return None
    action = _trailer_regex().sub("", clause[verb.start():])
    return " ".join(action.split()).strip(" ,-") or None


def _before(due: str, issued: str | None) -> bool:
    """Whether ``due`` falls before the (possibly reduced) ISO date ``issued``."""
    return bool(issued) and due[:len(issued)] < issued


def find_deadlines(text: str, start: int = 0, end: int | None = None,
                   issued: str | None = None) -> Iterator[Candidate]:
    """Deadlines in ``text[start:end]``; ``issued`` (ISO, possibly reduced) dates "15/6".

    >>> [c.value for c in find_deadlines("đề nghị Quý cơ quan gửi báo cáo trước ngày 31/3/2024.")]
    [{'due': '2024-03-31', 'time': None, 'action': 'gửi báo cáo'}]
    """
    end = len(text) if end is None else end
    year = int(issued[:4]) if issued and issued[:4].isdigit() else None
    seen: set[int] = set()
    matches = [(m, "deadline.cue", 0.9) for m in _cue_regex().finditer(text, start, end)]
    matches += [(m, "deadline.label", 0.8) for m in _label_regex().finditer(text, start, end)]
    for m, rule, score in sorted(matches, key=lambda x: x[0].start()):
        date = match_date(text, m.end(), year)
        if date is None or date[2] > end or date[2] in seen:
            continue
        if date[0] and _before(date[0], issued) and match_date(text, m.end()) is None:
            date = match_date(text, m.end(), year + 1)  # "trước ngày 15/01" in a December letter
        due, problem, date_end = date
        if due is not None and len(due) < 10:  # "trước tháng 6/2024": no day, no deadline
            continue
        groups = m.groupdict()
        lookback = max(start, m.start() - _LOOKBACK)
        if groups.get("before") and _tail_regex("negator").search(text, lookback, m.start()):
            continue  # "ban hành trước ngày …": a cut-off in the past
        clause = text[_clause_start(text, m.start()):m.start()]
        if groups.get("until") and (_period_regex().search(clause) or
                                    _tail_regex("lasting").search(text, lookback, m.start())):
            continue  # "từ ngày … đến hết ngày …", "hoạt động đến hết ngày …": a period
        if _recurring_regex().match(text, date_end):
            continue  # "trước ngày 15/6 hằng năm": a yearly date, not this letter's deadline
        seen.add(date_end)
        time = time_value(m) if m["time"] else None
        if rule == "deadline.label":
            action = " ".join(m["head"].split())
        else:
            action = _action(text, m.start())
        if problem is None and _before(due, issued):
            problem = ("deadline.before_issued",
                       f"deadline {due} is before the issue date {issued}")
        yield Candidate("deadline", m.start(), date_end,
                        {"due": due, "time": time, "action": action}, score, rule, problem)
