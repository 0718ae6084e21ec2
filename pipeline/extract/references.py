"""Other documents a letter cites: by number and symbol, laws by title, plans by title.

"Công văn số 168/TĐC-TCCL ngày 20/01/2025 của Ủy ban … về việc …" gives kind, number,
symbol (split at the first "/", record-v1.md), date and issuer (the "của X" phrase); the
issuer and date may also come first ("Ngày 09/3/2023, UBND thành phố Hà Nội ban hành Kế
hoạch số 78/KH-UBND"). Laws are cited by title ("Luật Chất lượng sản phẩm, hàng hóa năm
2007", titles from ``law_titles.txt``), and plans and programmes by title after a citing
verb at the start of a clause ("Thực hiện Kế hoạch hoạt động … năm 2024, …").
Not references: the letter's own number (``own``), a generic mention without a number
("các Nghị định của Chính phủ về …"), "Phụ lục 1", "Điều 8". A symbol that breaks the form
of NĐ 30/2020/NĐ-CP, Phụ lục III (upper-case groups joined by "/" and "-") yields a
``number.malformed`` problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from pipeline.extract.base import Candidate
from pipeline.extract.dates import match_date, words
from pipeline.resources import alternation, load_lines, load_tsv

_ISSUER_MAX = 120  # characters: an issuer is a name, not a sentence
_TITLE_MAX_WORDS = 10  # a law title without a list entry, after "Luật"


@cache
def cues(role: str) -> str:
    """The alternation of the phrases of one role in ``reference_cues.tsv``."""
    return alternation(p for p, r in load_tsv("reference_cues.tsv") if r == role)


@cache
def _doc_types() -> tuple[tuple[str, str, str, str], ...]:
    return tuple(load_tsv("doc_types.tsv"))


@cache
def _canonical() -> dict[str, str]:
    """Kind as written (folded, or an abbreviation) -> kind as the record writes it."""
    names = {name.casefold(): name for name, *_ in _doc_types()}
    names.update({abbr: name for name, abbr, *_ in _doc_types() if abbr})
    return names


def _kind(written: str) -> str:
    written = " ".join(written.split())
    return _canonical().get(written) or _canonical()[written.casefold()]


# A symbol: upper-case groups (a year first, for legal documents) joined by "/" and "-";
# "TTg" keeps its lower-case tail. Spaced joins ("VPCP - KGVX") take upper-case groups only,
# so a name after " - " is not read as part of the symbol.
_NUMBER_SYMBOL = r"""
    (?P<number> \d{1,6} (?:-[A-ZĐ][A-ZĐa-z]*)? )
    (?: [ ]?/[ ]? | (?P<ocr>[l|]) )
    (?P<symbol>
        [0-9A-ZĐ](?:[0-9A-Za-zĐđ&]|\.(?=[A-ZĐ]))*                # "NgV.PSL": a dot inside
        (?: [/-][0-9A-ZĐ](?:[0-9A-Za-zĐđ&]|\.(?=[A-ZĐ]))* | [ ]?[/-][ ]?[0-9A-ZĐ][0-9A-ZĐ&]+(?![\w/]) )*
    )
    """


@cache
def _numbered_regex() -> re.Pattern[str]:
    names = alternation(name for name, *_ in _doc_types())
    abbreviations = alternation(abbr for _, abbr, *_ in _doc_types() if abbr)
    return re.compile(rf"""
        (?<!\w)
        (?P<kind> (?i:{names}) | {abbreviations} )
        (?: \s+ (?i:{cues("number")}) \s* :? \s* | \s+ )
        {_NUMBER_SYMBOL}
        """, re.VERBOSE)


@cache
def _more_regex() -> re.Pattern[str]:
    """Another number of the same kind: ", 15/QĐ-UBND", " và số 15/QĐ-UBND"."""
    return re.compile(rf"""
        \s* (?: , \s* (?:{cues("same")} \s+)? | \s+ {cues("same")} \s+ )
        (?: (?i:{cues("number")}) \s* :? \s* )?
        {_NUMBER_SYMBOL}
        """, re.VERBOSE)


@cache
def _tail_regexes() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """What may come between a symbol and its date, and between those and "của"."""
    before_date = re.compile(rf"[ \t]*,?[ \t]*(?:(?i:{cues('date')})[ \t]+)?")
    before_issuer = re.compile(rf"[ \t]*,?[ \t]*(?:{cues('of')})\s+")
    return before_date, before_issuer


@cache
def _issuer_end_regex() -> re.Pattern[str]:
    names = alternation(name for name, *_ in _doc_types())
    return re.compile(rf"""
        \s+ (?: {cues("issuer_stop")} (?!\w)
              | (?:{cues("same")}\s+)? (?i:{names}) \s+ (?i:{cues("number")}) )  # the next citation
        | [,;():] | (?<!TP)(?<!Tp)\. | (?P<wrap>\n)
        """, re.VERBOSE)


def _wraps(text: str, newline: int) -> bool:
    """Whether the line break at ``newline`` only wraps a name ("Bộ Nông nghiệp và\nPhát …")."""
    after = text[newline + 1:newline + 40].lstrip(" \t")
    before = text[max(0, newline - 4):newline].rstrip(" \t")
    return bool(after) and (after[0].islower() or before.endswith((" và", "-")))


def _issuer_at(text: str, pos: int, end: int) -> tuple[str | None, int]:
    """(issuer, its end) of the name starting at ``pos``; (None, pos) if there is none."""
    limit = min(end, pos + _ISSUER_MAX + 1)
    stop = _issuer_end_regex().search(text, pos, limit)
    while stop and stop["wrap"] and _wraps(text, stop.start()):
        stop = _issuer_end_regex().search(text, stop.end(), limit)
    if stop is None and end - pos > _ISSUER_MAX:  # no end in sight: a sentence, not a name
        return None, pos
    issuer_end = stop.start() if stop else end
    issuer = " ".join(text[pos:issuer_end].split())
    if not issuer or not issuer[0].isupper():
        return None, pos
    return issuer, pos + len(text[pos:issuer_end].rstrip())


def _tail(text: str, pos: int, end: int):
    """(date, issuer, end) of what follows a citation: "ngày 20/01/2025 của Bộ X"."""
    before_date, before_issuer = _tail_regexes()
    date = None
    m = before_date.match(text, pos, end)
    found = match_date(text, m.end()) if m else None
    if found and found[0] and found[2] <= end:
        date, pos = found[0], found[2]
    issuer = None
    m = before_issuer.match(text, pos, end)
    if m:
        issuer, issuer_end = _issuer_at(text, m.end(), end)
        pos = issuer_end if issuer else pos
    return date, issuer, pos


@cache
def _issued_by_regex() -> re.Pattern[str]:
    """The clause before a citation that names its issuer.

    ", Sở X có văn bản số …" (the issuer acts), or "đề nghị của Sở X tại Tờ trình số …" (the
    last "của X" before "tại").
    """
    return re.compile(rf"""
        \A \s* (?P<issuer> [^\W\d_][^,;.:()]*? ) \s+ (?:{cues("issue")}) \s*
           (?: (?i:{cues("plural")}) \s+ )? \Z
        | \A .* (?<!\w) (?:{cues("of")}) \s+ (?P<of> [^\W\d_][^,;.:()]*? ) \s+ (?:{cues("at")}) \s* \Z
        """, re.VERBOSE | re.DOTALL)


# Where the clause before a citation starts: punctuation, a blank line or a list item; a bare
# line break does not end a clause (letters arrive hard-wrapped).
_CLAUSE_END = re.compile(r"""
    [.!?](?=\s) | [,;(] | :(?!\d) | \n[ \t]*\n | \n(?=[ \t]*(?:[-+•*]|\d+[.)]|[a-zđ]\)))
    """, re.VERBOSE)


def _clause_bounds(text: str, pos: int, start: int) -> int:
    clause_start = start
    for m in _CLAUSE_END.finditer(text, max(start, pos - 400), pos):
        clause_start = m.end()
    return clause_start


def _issued_before(text: str, kind_start: int, start: int):
    """(date, issuer) stated before the citation: "Ngày 09/3/2023, UBND X ban hành …"."""
    clause_start = _clause_bounds(text, kind_start, start)
    m = _issued_by_regex().match(text[clause_start:kind_start])
    issuer = m and (m["issuer"] or m["of"])
    if not issuer or not issuer[0].isupper():
        return None, None
    issuer = " ".join(issuer.split())
    date = None
    if clause_start > start and text[clause_start - 1] == ",":
        prev_start = _clause_bounds(text, clause_start - 1, start)
        lead = len(text[prev_start:clause_start]) - len(text[prev_start:clause_start].lstrip())
        found = match_date(text, prev_start + lead)
        if found and found[0] and not text[found[2]:clause_start - 1].strip():
            date = found[0]
    return date, issuer


def _symbol(m: re.Match[str]) -> str:
    return _repair_type(re.sub(r"\s+", "", m["symbol"]))


@cache
def _abbreviations() -> frozenset[str]:
    return frozenset(abbr for _, abbr, *_ in _doc_types() if abbr)


def _repair_type(symbol: str) -> str:
    """OCR reads T as I in a symbol ("54/2015/TI-BYT"): a type abbreviation that is no
    abbreviation of Phụ lục III, but is one with I read as T, is repaired ("TT-BYT")."""
    parts = re.split(r"([/-])", symbol)
    for i, part in enumerate(parts):
        if part.isdigit() or part in "/-":
            continue
        if part not in _abbreviations() and "I" in part:
            fixed = part.replace("I", "T")
            if fixed in _abbreviations():
                parts[i] = fixed
        break  # only the first group after the year names the type
    return "".join(parts)


def _problem(text: str, m: re.Match[str]) -> tuple[str, str] | None:
    """A ``number.malformed`` problem when the symbol runs on into more than a symbol."""
    symbol = _symbol(m)
    cut = m.end("symbol") < len(text) and (text[m.end("symbol")].isalnum()
                                           or text[m.end("symbol")] in "/-_")
    if cut or not re.search(r"[A-ZĐ]", symbol):
        token = text[m.start("number"):m.end("symbol")]
        token += re.match(r"[^\s,;()]*", text[m.end("symbol"):]).group()
        return "number.malformed", f"'{token}' is not a document number and symbol"
    return None


def _score(value: dict) -> float:
    return round(0.5 + 0.1 * sum(value[k] is not None for k in
                                 ("number", "symbol", "date", "issuer", "title")), 2)


def _reference(kind, number, symbol, date=None, issuer=None, title=None) -> dict:
    return {"kind": kind, "number": number, "symbol": symbol, "date": date, "issuer": issuer,
            "title": title}


def _numbered(text: str, start: int, end: int, own: str | None) -> Iterator[Candidate]:
    own = re.sub(r"\s+", "", own) if own else None
    pos = start
    for m in _numbered_regex().finditer(text, start, end):
        if m.start() < pos:
            continue
        kind = _kind(m["kind"])
        pre_date, pre_issuer = _issued_before(text, m.start(), start)
        match, first = m, True
        while match:
            number, symbol = match["number"], _symbol(match)
            date, issuer, tail_end = _tail(text, match.end(), end)
            if first:
                date, issuer = date or pre_date, issuer or pre_issuer
            value = _reference(kind, number, symbol, date, issuer)
            rule = "reference.numbered" + (".ocr" if match["ocr"] else "")
            if f"{number}/{symbol}" != own:
                yield Candidate("reference", m.start() if first else match.start("number"),
                                tail_end, value, _score(value), rule, _problem(text, match))
            pos, first = tail_end, False
            match = _more_regex().match(text, tail_end, end)


def _tone_variants(title: str) -> str:
    """A regex for ``title`` that takes both tone placements ("hóa"/"hoá", "thủy"/"thuỷ")."""
    out = []
    for word in title.split():
        pattern = re.escape(word)
        for old, new in _TONE_PAIRS:
            pattern = re.sub(rf"(?:{old}|{new})(?!\w)", f"(?:{old}|{new})", pattern)
        out.append(pattern)
    return r"\s+".join(out)


def _tone_pairs() -> tuple[tuple[str, str], ...]:
    pairs = []
    for first, second, marks in (("o", "a", "òóỏõọ àáảãạ"), ("o", "e", "òóỏõọ èéẻẽẹ"),
                                 ("u", "y", "ùúủũụ ỳýỷỹỵ")):
        toned_first, toned_second = marks.split()
        pairs += [(a + second, first + b) for a, b in zip(toned_first, toned_second)]
    return tuple(pairs)


_TONE_PAIRS = _tone_pairs()


@cache
def _law_kinds() -> tuple[str, ...]:
    """Kinds that head a law title ("Luật", "Bộ luật", "Hiến pháp"), longest first."""
    titles = load_lines("law_titles.txt")
    kinds = (name for name, _, group, _ in _doc_types() if group == "legal")
    return tuple(sorted((k for k in kinds if any(t == k or t.startswith(k + " ") for t in titles)),
                        key=len, reverse=True))


@cache
def _law_regex() -> re.Pattern[str]:
    titles = sorted(load_lines("law_titles.txt"), key=len, reverse=True)
    title = rf"""(?i: {"|".join(_tone_variants(t) for t in titles)} ) (?!\w)"""
    # a title that is not in the list: a kind that takes one ("Luật", "Bộ luật"), then words
    titled = alternation(k for k in _law_kinds() if any(t.startswith(k + " ") for t in titles))
    return re.compile(rf"""
        (?<!\w)
        (?P<title>
            (?i:{cues("amends")}) \s+ {title} (?: \s+ {cues("same")} \s+ {title} )*
          | {title}
        )
        | (?P<guess_kind> {titled} ) [ ]+
          (?P<guess> [^\W\d_]\w* (?:[ ]+[^\W\d_]\w*){{0,{_TITLE_MAX_WORDS}}} )
        """, re.VERBOSE)


@cache
def _title_stop_regex() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:{cues('title_stop')})(?!\w)")


def _guessed_title(kind: str, words: str) -> str | None:
    """"Luật Xxx yyy zzz": a capitalised word, then lower-case ones up to a stop word."""
    first, *rest = words.split()
    if not first[0].isupper():
        return None
    tail = " " + " ".join(rest)
    stop = _title_stop_regex().search(tail)
    kept = [kind, first]
    for word in (tail[:stop.start()] if stop else tail).split():
        if word[0].isupper():
            break
        kept.append(word)
    return " ".join(kept)


@cache
def _law_tail_regex() -> re.Pattern[str]:
    return re.compile(rf"""
        (?: [ ]+ (?i:{cues("number")}) [ ]* {_NUMBER_SYMBOL} )?
        (?: [ ]+ (?i:{words("year")}) [ ]+ (?P<year>\d{{4}})(?!\d) )?
        """, re.VERBOSE)


def _laws(text: str, start: int, end: int) -> Iterator[Candidate]:
    for m in _law_regex().finditer(text, start, end):
        if m["title"]:
            title, title_end, rule = " ".join(m["title"].split()), m.end(), "reference.law"
        else:
            title = _guessed_title(m["guess_kind"], m["guess"])
            if not title:
                continue
            title_end, rule = m.start() + len(title), "reference.law.guess"
            if " ".join(text[m.start():title_end].split()) != title:
                continue
        kind = next(k for k in _law_kinds() if title.casefold().startswith(k.casefold()))
        tail = _law_tail_regex().match(text, title_end, end)
        number = symbol = None
        date = tail["year"] if tail and tail["year"] else None
        stop = tail.end() if tail else title_end
        if tail and tail["number"]:
            number, symbol = tail["number"], _symbol(tail)
        if not date:
            found = match_date(text, stop + len(text[stop:end]) - len(text[stop:end].lstrip(" ,")))
            if found and found[0] and text[stop:end][:1] in " ,":
                date, stop = found[0], found[2]
        value = _reference(kind, number, symbol, date, None, title)
        yield Candidate("reference", m.start(), stop, value, _score(value), rule)


@cache
def _named_regex() -> re.Pattern[str]:
    named = alternation(name for name, _, _, is_named in _doc_types() if is_named == "yes")
    return re.compile(rf"""
        (?: ^ | (?<=[.;:]) ) [ \t]* (?: [-+•*][ \t]* )?
        (?P<cite> {cues("cite")} ) [ \t]+
        (?P<title> (?P<kind>{named}) [ \t]+ (?!(?i:{cues("number")})\b|\d) [^\n,;.()]{{3,200}} )
        """, re.VERBOSE | re.MULTILINE)


@cache
def _named_end_regex() -> re.Pattern[str]:
    return re.compile(rf"\s+(?:{cues('of')}|(?i:{words('day')})\s+\d)(?!\w)")


@cache
def _numbered_in_title() -> re.Pattern[str]:
    return re.compile(rf"(?<!\w)(?i:{cues('number')})[ \t]*:?[ \t]*{_NUMBER_SYMBOL}", re.VERBOSE)


def _named(text: str, start: int, end: int) -> Iterator[Candidate]:
    for m in _named_regex().finditer(text, start, end):
        title = m["title"]
        cut = _named_end_regex().search(title)
        title = " ".join((title[:cut.start()] if cut else title).split())
        if len(title.split()) < len(m["kind"].split()) + 2:  # "Theo Kế hoạch này": no title
            continue
        title_end = m.start("title") + (cut.start() if cut else len(m["title"]))
        numbered = _numbered_in_title().search(text, m.start("title"), title_end)
        if numbered:
            # "Kế hoạch sản xuất chương trình số 15/KH-PTTH": cited by number after all.
            date, issuer, stop = _tail(text, numbered.end(), end)
            value = _reference(m["kind"], numbered["number"], _symbol(numbered), date, issuer)
            yield Candidate("reference", m.start("title"), stop, value, _score(value),
                            "reference.named.number")
            continue
        date, issuer, stop = _tail(text, title_end, end)
        value = _reference(m["kind"], None, None, date, issuer, title)
        yield Candidate("reference", m.start("title"), stop, value, _score(value),
                        "reference.named")


def find_references(text: str, start: int = 0, end: int | None = None,
                    own: str | None = None) -> Iterator[Candidate]:
    """Every document cited in ``text[start:end]`` except the letter itself (``own``).

    >>> [c.value["symbol"] for c in find_references(
    ...     "Thực hiện Công văn số 12/UBND-VX ngày 5/3/2024 của UBND tỉnh; Công văn số "
    ...     "7/SKHCN-QLCN.", own="7/SKHCN-QLCN")]
    ['UBND-VX']
    """
    end = len(text) if end is None else end
    yield from _numbered(text, start, end, own)
    yield from _laws(text, start, end)
    yield from _named(text, start, end)
