"""The issuing body (cơ quan ban hành) and the body above it (cơ quan chủ quản).

NĐ 30/2020/NĐ-CP, Điều 8 khoản 2 and Phụ lục I: the header's left column names the
cơ quan chủ quản on its first line(s) and the issuer below it, in capitals. A copy without
its header still says who writes it: the issuer's abbreviation begins the symbol
("SKHCN-TĐC" for Sở Khoa học và Công nghệ) and the issuer speaks in the body ("Sở Khoa
học và Công nghệ đề nghị ..."). Both are used.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

from pipeline.extract.base import Candidate
from pipeline.layout import LOWER, UPPER, Layout, Piece, is_place
from pipeline.resources import load_lines, load_tsv

CONNECTORS = {"và", "các", "tại", "thuộc"}


@lru_cache(maxsize=1)
def _heads() -> tuple[str, ...]:
    return tuple(sorted(load_lines("layout/agency_heads.txt"), key=len, reverse=True))


@lru_cache(maxsize=1)
def _name_parts() -> tuple[str, str]:
    """(tail, locality): the patterns of what may follow the head of a body's name."""
    # A name goes on while words are capitalised (a lower-case syllable may finish a
    # capitalised word: "Quản lý", "Khu kinh tế"); a known sector is taken whole.
    word = r"(?:[A-ZĐ]{2,}[\w&-]*|%s[^\W\d_]*)" % UPPER  # "GD&ĐT" before "Giáo"
    lower = r"(?!%s)%s[^\W\d_]*" % (_breaker_source(), LOWER)
    tail = r"(?:\s+(?:%s\s+){0,3}(?:-\s+)?%s)" % (lower, word)
    # The territory of a body is part of its name, after a few small words: "Ban Chỉ huy
    # Phòng thủ dân sự tỉnh", "Văn phòng UBND thành phố".
    locality = (r"(?:(?:\s+%s){0,3}\s+(?:tỉnh|thành\s+phố|huyện|quận|thị\s+xã|thị\s+trấn|xã|"
                r"phường)(?:\s+%s)*)?" % (lower, word))
    return tail, locality


@lru_cache(maxsize=1)
def _agency_pattern() -> re.Pattern:
    """'Sở Khoa học và Công nghệ', 'Ban Quản lý Khu kinh tế Hải Phòng', 'UBND tỉnh X'."""
    sectors = sorted(load_lines("layout/sectors.txt"), key=len, reverse=True)
    heads = "|".join(map(re.escape, _heads()))
    sector = "|".join(map(re.escape, sectors))
    tail, locality = _name_parts()
    return re.compile(r"""
        (?<![^\W\d_])
        (?P<head>%s)
        (?P<rest>\s+(?:%s)(?P<sector_place>%s)|%s{0,8}%s)
        """ % (heads, sector, locality, tail, locality), re.VERBOSE)


@lru_cache(maxsize=1)
def _continuation() -> re.Pattern:
    """The rest of a name after a stretch grown to fit the symbol ("... và Truyền thông")."""
    tail, locality = _name_parts()
    lower = r"(?!%s)%s[^\W\d_]*" % (_breaker_source(), LOWER)
    # A last small syllable may close a word ("Truyền thông").
    return re.compile(r"(?:%s){0,6}(?:\s+%s(?![^\W\d_]))?%s" % (tail, lower, locality))


def _initials(name: str) -> str:
    """'Sở Khoa học và Công nghệ' -> 'SKHCN' (the letters a symbol is made of)."""
    out = []
    for w in name.replace("-", " ").replace("&", "").split():
        if w.lower() in CONNECTORS:
            continue
        out.append(w if w.isupper() and len(w) > 1 else w[0].upper())
    # Symbols drop tone marks but keep Đ: "Ủy ban nhân dân" -> "UBND", "Đào tạo" -> "ĐT".
    plain = unicodedata.normalize("NFD", "".join(out).replace("Đ", "\0"))
    return "".join(c for c in plain if not unicodedata.combining(c)).replace("\0", "Đ")


def _from_header(pieces: list[Piece]) -> tuple[str | None, str | None, Piece | None]:
    lines = [p for p in pieces if p.text.strip(" -_*")]
    if not lines:
        return None, None, None
    heads = tuple(h.upper() for h in _heads())
    issuer_i = 0
    for i, p in enumerate(lines):
        if i and p.text.upper().startswith(heads):
            issuer_i = i
    name = " ".join(" ".join(p.text.split()) for p in lines[issuer_i:])
    parent = " ".join(" ".join(p.text.split()) for p in lines[:issuer_i]) or None
    return name, parent, lines[issuer_i]


def _issuer_code(symbol: str | None) -> str:
    """The issuer's abbreviation in a symbol (NĐ 30/2020, Phụ lục III): "SKHCN" of a công
    văn's "SKHCN-TĐC", but "SNV" of "GM-SNV" and "UBND" of "2024/QĐ-UBND", where the type
    abbreviation comes first."""
    parts = [p for p in re.split(r"[-/]", symbol or "") if p and not p.isdigit()]
    types = {row[1].upper() for row in load_tsv("doc_types.tsv") if len(row) > 1 and row[1]}
    if len(parts) > 1 and parts[0].upper() in types:
        parts = parts[1:]
    return parts[0].upper() if parts else ""


def agency_mentions(text: str, start: int = 0, end: int | None = None) -> Iterator[re.Match]:
    yield from _agency_pattern().finditer(text, start, len(text) if end is None else end)


def find_issuer(layout: Layout, symbol: str | None = None) -> Iterator[Candidate]:
    name, parent, piece = _from_header(layout.header)
    if name:
        yield Candidate("issuer", piece.start, piece.end, {"name": name, "parent": parent},
                        1.0, "issuer.header")
        return
    # No header: the body mention whose initials open the symbol; failing that, the body
    # that speaks in the letter ("Tỉnh đoàn Cà Mau tổ chức ...").
    code = _issuer_code(symbol)
    votes = list(_votes(layout, code))
    fitting = [v for v in votes if v[1] > 0]
    # A body whose initials contradict the code ("Sở Tài chính" under "SYT") is someone
    # else speaking; a code of other letters (a province's "KGI") says nothing against it.
    speaking = [v for v in votes if v[2] >= 5 and not _contradicts(code, _initials(v[0]))]
    chosen, rule = (fitting, "issuer.symbol_initials") if fitting else \
        (speaking, "issuer.speaking")
    if not chosen:
        return
    scores: Counter[str] = Counter()
    first: dict[str, tuple[int, int]] = {}
    for form, fit, weight, span in chosen:
        scores[form] += weight * (fit or 1)
        first.setdefault(form, span)
    # "Ủy ban nhân dân thành phố" and "Ủy ban nhân dân thành phố Cần Thơ" are one body:
    # the fuller form takes the votes of the forms it extends.
    total = {f: sum(v for g, v in scores.items()
                    if _same(f, g) or _same(f[:len(_long(g)) + 1], _long(g) + " "))
             for f in scores}
    best = max(total, key=lambda f: (total[f], scores[f]))
    start, end = first[best]
    yield Candidate("issuer", start, end, {"name": best, "parent": None},
                    0.7 if fitting else 0.5, rule)


def _votes(layout: Layout, code: str) -> Iterator[tuple[str, float, float, tuple[int, int]]]:
    """(form, fit to the symbol's code, weight, span) of each body named in the body."""
    body_start, body_end = layout.body
    speaks = _speaking_pattern()
    text = layout.text
    for m in _nested_mentions(text, body_start, body_end, code):
        start, end = m.span()
        if re.search(r"%s[^\W\d_]*\s+$" % UPPER, text[max(0, start - 12):start]):
            continue  # inside a longer name: "Tổng Liên đoàn ...", "Ban Thường vụ Tỉnh đoàn"
        if m.group("sector_place") and m.group("head") in ("Sở", "Bộ"):
            # A Sở or Bộ is named without its province ("Sở Y tế", under "UBND tỉnh X");
            # other bodies carry their territory ("Trung tâm Y tế huyện Mường Lát").
            end = m.start("sector_place")
        # A name runs until the body speaks: "Sở Y tế Hà Nội đề nghị" -> "Sở Y tế Hà Nội".
        verb = speaks.search(text, start + len(m.group("head")), end)
        if verb:
            end = verb.start()
        end = _trim(text, m.start("rest") if m.group("rest") else end, end)
        end = _grow(text, start, end, body_end, code)
        form = _expand(" ".join(text[start:end].split()))
        # The body that speaks ("... đề nghị") outweighs one merely mentioned, and one
        # named as the author of a cited document ("... của UBND tỉnh") counts least.
        weight = 5 if (verb or speaks.match(text, end)) else 1
        if re.search(r"\bcủa\s+$", text[max(0, start - 6):start]):
            weight = 0.5
        yield form, _code_fit(code, _initials(form)) if code else 0.0, weight, (start, end)


def _long(form: str) -> str:
    """The form with its abbreviations written out, for telling forms of one body apart."""
    return re.sub(r"\bUBND\b", "Ủy ban nhân dân", form)


def _same(a: str, b: str) -> bool:
    return _long(a) == _long(b)


LOCALITY_WORDS = ("tỉnh", "thành", "huyện", "quận", "thị", "xã", "phường")


def _trim(text: str, start: int, end: int) -> int:
    """Cut a name where small words follow a place in it: "UBND tỉnh Nghệ An phê duyệt Kế"
    -> "UBND tỉnh Nghệ An" ("Khu kinh tế Hải Phòng" keeps its small words)."""
    words = list(re.finditer(r"\S+", text[start:end]))
    for i in range(2, len(words)):
        word = words[i].group()
        if word[0].isupper() or word in LOCALITY_WORDS:
            continue
        for n in (2, 3, 4):
            if i >= n and is_place(" ".join(w.group() for w in words[i - n:i])):
                return start + words[i - 1].end()
    return end



def _grow(text: str, start: int, end: int, limit: int, code: str) -> int:
    """Extend a name cut short by a small word until its initials cover the code:
    "Cục Trồng trọt và Bảo" + "vệ thực vật" for "TTBVTV", "Trường Đại học Kinh tế" +
    "- Kỹ thuật" for "ĐHKTKT"."""
    if not code or _code_fit(code, _initials(text[start:end])) == 1.0:
        return end
    best = end
    for m in re.finditer(r"\s+(-|[^\W\d_]+)", text[end:min(limit, end + 80)]):
        if "\n" in m.group(0) or _breaker_re().match(text, end + m.start(1)):
            break
        candidate = end + m.end()
        initials = _initials(text[start:candidate])
        if _code_fit(code, initials) == 1.0:
            return _continuation().match(text, candidate, limit).end()
        if not (code.startswith(initials) or code.startswith(initials[1:])):
            break
    return best


def _breaker_source() -> str:
    phrases = sorted(load_lines("layout/name_breakers.txt"), key=len, reverse=True)
    return r"(?:%s)(?!\w)" % "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)


@lru_cache(maxsize=1)
def _breaker_re() -> re.Pattern:
    return re.compile(_breaker_source(), re.IGNORECASE)


@lru_cache(maxsize=1)
def _sector_abbreviations() -> dict[str, str]:
    return dict(load_tsv("layout/sector_abbreviations.tsv"))


def _expand(form: str) -> str:
    """'Sở GD&ĐT' -> 'Sở Giáo dục và Đào tạo': a sector written short is written out."""
    head, _, rest = form.partition(" ")
    if head in ("Sở", "Bộ") and rest in _sector_abbreviations():
        return f"{head} {_sector_abbreviations()[rest]}"
    return form


def _contradicts(code: str, initials: str) -> bool:
    return len(code) >= 2 and len(initials) >= 2 and code[0] == initials[0] \
        and code[1] != initials[1]


def _nested_mentions(text: str, start: int, end: int, code: str) -> Iterator[re.Match]:
    """Mentions of bodies; inside one that does not fit the code, the bodies it names
    ("Ban Thường vụ Liên đoàn Lao động tỉnh X" names "Liên đoàn Lao động tỉnh X")."""
    pattern = _agency_pattern()
    pos = start
    while (m := pattern.search(text, pos, end)) is not None:
        yield m
        fits = _code_fit(code, _initials(m.group(0))) > 0
        pos = m.end() if fits else m.start() + len(m.group("head"))


def _code_fit(code: str, initials: str) -> float:
    """How well a body's initials fit the issuer code of the symbol: 1 when they open it
    ("SKHCN", or "KHCN" without the head's letter), less when the code skips words
    ("BVH" for Bệnh viện Trung ương Huế), 0 when they do not fit."""
    if len(initials) < 2:
        return 0.0
    if initials.startswith(code) or initials[1:].startswith(code):
        return 1.0
    rest = iter(initials[1:])
    if initials[0] == code[0] and all(ch in rest for ch in code[1:]):
        return 0.5
    return 0.0


@lru_cache(maxsize=1)
def _speaking_pattern() -> re.Pattern:
    verbs = sorted(load_lines("layout/speaking_verbs.txt"), key=len, reverse=True)
    return re.compile(r"\s*(?:\([^)]*\)\s*)?(?<!\S)(?:%s)\b" % "|".join(map(re.escape, verbs)))
