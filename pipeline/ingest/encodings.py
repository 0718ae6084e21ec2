"""Bytes of a Vietnamese text file -> Unicode (NFC), whatever encoding the archive used.

Archives of official letters hold text in the encodings of three decades:

* UTF-8 (with or without BOM) and UTF-16 (with a BOM, or recognised by its NUL bytes);
* Windows-1258, which spells tones with combining marks (NFC afterwards);
* TCVN3 ("ABC", fonts .VnTime/.VnTimeH): one byte per letter, lower case only for toned
  letters (capital fonts draw those bytes as capitals; we decode them as lower case);
* VNI (fonts VNI-Times): a base letter followed by a diacritic byte, "Vieät" = "Việt";
* VIQR, plain ASCII with marks after the vowel: "Vie^.t Nam";
* and TCVN3/VNI/Windows-1258 bytes that some tool read as Windows-1252 (or Latin-1) and
  saved again as UTF-8 -- the usual mojibake, "Céng hoµ x· héi chñ nghÜa ViÖt Nam".

The single-byte encodings cannot be told apart by their bytes, so detection is by result:
decode under every candidate and keep the one that reads most like Vietnamese, i.e. has
most words that are valid Vietnamese syllables with diacritics and fewest non-ASCII
words that are not (see :func:`_score`). Genuine Unicode text is only ever "repaired" when
a repair strictly beats it, and VIQR is only converted when unambiguous.

The TCVN3 and VNI tables are data, ``pipeline/resources/encodings/{tcvn3,vni}.tsv``,
read once on first use. Packaging note: pyproject must ship ``pipeline/resources/**``
as package data (``[tool.setuptools.package-data] pipeline = ["resources/**/*"]``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

__all__ = ["Decoded", "decode_text"]


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded text (NFC), the encoding it was found in, and (code, message) warnings."""

    text: str
    encoding: str  # utf-8 | utf-8-sig | utf-16 | windows-1258 | tcvn3 | vni | viqr
    warnings: tuple[tuple[str, str], ...] = ()


_LABELS = {"windows-1258": "Windows-1258", "tcvn3": "TCVN3 (ABC)", "vni": "VNI",
           "viqr": "VIQR"}
# Scoring a prefix is enough to tell encodings apart and keeps large files cheap.
_SAMPLE = 64 * 1024


def decode_text(data: bytes) -> Decoded:
    """Decode ``data`` (a whole text file) to NFC Unicode, detecting the encoding.

    >>> decode_text("Việt Nam".encode()).encoding
    'utf-8'
    >>> decode_text(b"Vie\\xe4t Nam").text
    'Việt Nam'
    """
    container = _decode_unicode_container(data)
    if container is None:
        return _decode_legacy_bytes(data)
    text, encoding, warnings = container
    return _check_unicode_text(text, encoding, warnings)


# --------------------------------------------------------------------------------------
# Unicode containers: BOMs, BOM-less UTF-16, strict UTF-8.

_BOMS = ((b"\xef\xbb\xbf", "utf-8", "utf-8-sig", None),
         (b"\xff\xfe", "utf-16-le", "utf-16", "LE"),
         (b"\xfe\xff", "utf-16-be", "utf-16", "BE"))


def _decode_unicode_container(data: bytes) -> tuple[str, str, list] | None:
    """(text, encoding, warnings) if ``data`` is Unicode, else None (legacy bytes)."""
    for bom, codec, name, order in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(codec, errors="replace")
            warnings = [] if order is None else [
                ("encoding.legacy", f"decoded from UTF-16 {order} (byte-order mark)")]
            return text, name, warnings + _lossy(text)
    order = _utf16_byte_order(data)
    if order is not None:
        text = data.decode(f"utf-16-{order.lower()}", errors="replace")
        warning = ("encoding.legacy", f"decoded from UTF-16 {order} (no byte-order mark; "
                   "recognised by its NUL bytes)")
        return text, "utf-16", [warning] + _lossy(text)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        return None


def _utf16_byte_order(data: bytes) -> str | None:
    """'LE' or 'BE' when NUL bytes fall on one parity only, as in mostly-Latin UTF-16."""
    sample = data[:4096]
    sample = sample[:len(sample) - len(sample) % 2]
    half = len(sample) // 2
    if half < 2:
        return None
    nul_even, nul_odd = sample[0::2].count(0), sample[1::2].count(0)
    # Vietnamese keeps many ASCII letters and spaces, whose high byte is 0.
    if nul_odd >= 0.3 * half and nul_even <= 0.02 * half:
        return "LE"
    if nul_even >= 0.3 * half and nul_odd <= 0.02 * half:
        return "BE"
    return None


def _lossy(text: str) -> list[tuple[str, str]]:
    if "\ufffd" in text:
        return [("encoding.lossy", "bytes that could not be decoded were replaced")]
    return []


def _legacy_warning(encoding: str, note: str = "") -> tuple[str, str]:
    return "encoding.legacy", f"converted from {_LABELS[encoding]} to Unicode{note}"


# --------------------------------------------------------------------------------------
# Unicode text: keep it, unless it is mojibake of a legacy encoding or VIQR.

def _check_unicode_text(text: str, encoding: str, warnings: list) -> Decoded:
    if not _NON_ASCII_LETTER.search(text):  # VIQR only where no letter has diacritics
        viqr = _convert_viqr_if_unambiguous(text)
        if viqr is not None:
            return Decoded(viqr, "viqr", (*warnings, _legacy_warning("viqr")))
    if text.isascii():
        return Decoded(text, encoding, tuple(warnings))
    repaired = _repair_mojibake(text)
    if repaired is not None:
        fixed, legacy = repaired
        note = (" (its bytes had been read as Windows-1252 and saved as "
                f"{'UTF-16' if encoding == 'utf-16' else 'UTF-8'})")
        return Decoded(fixed, legacy, (*warnings, _legacy_warning(legacy, note)))
    return Decoded(unicodedata.normalize("NFC", text), encoding, tuple(warnings))


def _repair_mojibake(text: str) -> tuple[str, str] | None:
    """(repaired text, legacy encoding) if ``text`` reads better as legacy bytes."""
    view = _byte_view_of_text(text)
    if view is None:  # has characters no single-byte decode produces: genuine Unicode
        return None
    sample = view[:_SAMPLE]
    original = _score(unicodedata.normalize("NFC", text[:_SAMPLE]))
    scores = {name: _score(_DECODERS[name](sample))
              for name in ("tcvn3", "vni", "windows-1258")}
    name = max(scores, key=lambda n: scores[n].rank)
    best = scores[name]
    # Repair only when the result reads as Vietnamese and beats the text as it is, with
    # less garbage. Text that already reads as Vietnamese has no garbage to remove, so
    # it is never "converted"; nor is English or Danish text with a stray "©", "»" or
    # "på" (too few words, or one-letter words, or invalid syllables).
    if (not best.reads_as_vietnamese
            or best.value <= original.value or best.bad >= original.bad):
        return None
    return _DECODERS[name](view), name


_NON_ASCII_LETTER = re.compile(r"(?![\x00-\x7f])[^\W\d_]")
# Windows-1252 characters of bytes 0x80-0x9F; Latin-1 covers 0xA0-0xFF and, for tools
# that decoded as Latin-1, the C1 controls 0x80-0x9F themselves.
_CP1252_HIGH = {ch: b for b in range(0x80, 0xA0)
                if (ch := bytes([b]).decode("cp1252", errors="ignore"))}
_NOT_FROM_BYTES = re.compile("[^\x00-\xff" + "".join(_CP1252_HIGH) + "]")
_TO_BYTE_VIEW = {ord(ch): chr(b) for ch, b in _CP1252_HIGH.items()}


def _byte_view_of_text(text: str) -> str | None:
    """The bytes a Windows-1252/Latin-1 decode turned into ``text``, one char per byte
    (i.e. ``bytes.decode('latin-1')``), or None if ``text`` cannot have come from that."""
    if _NOT_FROM_BYTES.search(text):
        return None
    return text.translate(_TO_BYTE_VIEW)


# --------------------------------------------------------------------------------------
# Legacy bytes: decode under each candidate, keep the best-scoring result.

def _decode_legacy_bytes(data: bytes) -> Decoded:
    view = data.decode("latin-1")  # one char per byte; the decoders work on this
    sample_view = view[:_SAMPLE]
    # Order breaks ties: TCVN3, the national standard, was the most used; Windows-1258
    # the least (it stays the fallback for text that is not Vietnamese at all).
    candidates = {name: _score(_DECODERS[name](sample_view))
                  for name in ("tcvn3", "vni", "windows-1258")}
    # UTF-8 with a few broken bytes is better kept as UTF-8 than read as a code page.
    candidates["utf-8"] = _score(data[:_SAMPLE].decode("utf-8", errors="replace"))
    # TCVN3 and VNI only when convincing; otherwise Windows-1258 (a superset of the
    # Western letters of Windows-1252) is the safer reading of unknown bytes.
    eligible = [n for n in candidates
                if n not in ("tcvn3", "vni") or candidates[n].reads_as_vietnamese]
    name = max(eligible, key=lambda n: candidates[n].rank)
    if name == "utf-8":
        text = unicodedata.normalize("NFC", data.decode("utf-8", errors="replace"))
        return Decoded(text, "utf-8", tuple(_lossy(text)))
    text = _DECODERS[name](view)
    note = "" if candidates[name].good else " (no Vietnamese recognised; a best guess)"
    return Decoded(text, name, (_legacy_warning(name, note), *_lossy(text)))


@cache
def _load_table(name: str) -> dict[str, str]:
    """Legacy byte sequence (as a Latin-1 string) -> Unicode character, from the TSV."""
    path = resources.files("pipeline").joinpath("resources", "encodings", f"{name}.tsv")
    table: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        hex_bytes, char = line.split("\t")
        table[bytes.fromhex(hex_bytes).decode("latin-1")] = char
    return table


def _single_byte_fallback(codec: str) -> dict[int, str]:
    """Byte view char -> what ``codec`` says, for bytes a legacy table does not list.

    Bytes undefined in the codec keep their Latin-1 meaning, so nothing is lost.
    """
    table = {}
    for b in range(0x80, 0x100):
        try:
            table[b] = bytes([b]).decode(codec)
        except UnicodeDecodeError:
            table[b] = chr(b)
    return table


@cache
def _tcvn3_translation() -> dict[int, str]:
    table = _single_byte_fallback("cp1252")  # .VnTime fonts keep 0x80-0x9F as in cp1252
    table.update({ord(k): v for k, v in _load_table("tcvn3").items()})
    return table


@cache
def _cp1258_translation() -> dict[int, str]:
    return _single_byte_fallback("cp1258")


@cache
def _vni_pattern() -> tuple[re.Pattern, dict[str, str]]:
    """One regex for VNI: every two-byte sequence, then single bytes, in one pass.

    One pass matters: a two-byte result such as "oø" -> "ò" (0xF2) must not then be
    read again as the single byte 0xF2 (ị).
    """
    table = dict(_load_table("vni"))
    table.update({chr(b): ch for b, ch in _single_byte_fallback("cp1252").items()
                  if b < 0xA0})
    by_base: dict[str, list[str]] = {}
    for key in table:
        if len(key) == 2:
            by_base.setdefault(key[0], []).append(key[1])
    pairs = "|".join(re.escape(base) + "[" + re.escape("".join(marks)) + "]"
                     for base, marks in by_base.items())
    singles = "".join(re.escape(k) for k in table if len(k) == 1)
    return re.compile(f"{pairs}|[{singles}]"), table


def _decode_tcvn3(view: str) -> str:
    return unicodedata.normalize("NFC", view.translate(_tcvn3_translation()))


def _decode_vni(view: str) -> str:
    pattern, table = _vni_pattern()
    return unicodedata.normalize("NFC", pattern.sub(lambda m: table[m.group()], view))


def _decode_cp1258(view: str) -> str:
    # cp1258 spells most tones as combining marks; NFC makes them precomposed.
    return unicodedata.normalize("NFC", view.translate(_cp1258_translation()))


_DECODERS = {"tcvn3": _decode_tcvn3, "vni": _decode_vni, "windows-1258": _decode_cp1258}


# --------------------------------------------------------------------------------------
# Scoring: how Vietnamese does a decoded text look?

@dataclass(frozen=True, slots=True)
class _Score:
    good: int   # words of 2+ letters that are Vietnamese syllables with a diacritic
    bad: int    # non-ASCII words that are not Vietnamese syllables, and stray symbols
    words: int  # all words, ASCII ones included
    common: int = 0  # words among the frequent syllables below: breaks ties

    @property
    def rank(self) -> tuple[int, int, int]:
        return self.value, self.common, -self.bad

    @property
    def value(self) -> int:
        return self.good - self.bad

    @property
    def reads_as_vietnamese(self) -> bool:
        """Mostly valid syllables, and enough of them for a Vietnamese text.

        The share of all words matters: in Vietnamese most syllables carry a diacritic,
        while an English file with one "på" or "»" has a handful among thousands.
        """
        return self.good > 0 and self.bad <= self.good and self.good >= 0.2 * self.words


_WORD = re.compile(r"[^\W\d_]+")
# Symbols that show up when legacy letters are decoded wrongly ("x·", "Tæng"), plus
# C1 controls and replacement characters; rare in genuine Vietnamese letters.
_STRAY = re.compile("[\x80-\x9f\xa1-\xaf\xb1-\xbf\xd7\xf7\ufffd]")


# Frequent syllables of administrative Vietnamese that carry a diacritic. Short texts
# can be valid Vietnamese under two encodings ("dân" in Windows-1258 reads "dõn" as
# TCVN3); the reading with more of these wins such ties.
_COMMON_SYLLABLES = frozenset("""
    và của các có là được cho không người này những một đã với trong để về năm tại đến
    từ ngày số công việc nhà nước văn bản quyết định thông tư hành chính phủ tỉnh huyện
    xã ủy uỷ nhân dân sở phòng đề nghị báo cáo thực hiện quản lý cơ đơn vị tổ chức kế
    hoạch tháng giáo dục đào tạo trường học hội đồng tế phát triển nội kết quả trên
    dưới sau trước khi cũng như đó nào còn đều mà vì nên hoặc bị bằng đối lại làm thể
    cần phải yêu cầu trách nhiệm điều khoản luật pháp quy chế độ chức năng vụ thời hạn
    kiểm giám sát đảm hướng dẫn khai tổng hợp gửi nhận trình ký hiệu lực ông bà anh
    chị tên địa chỉ điện thoại tiền mức giá tài sản đất đai xây dựng dự án đầu môi
    y tướng bộ trưởng đốc chủ tịch phó cấp lập tự hạnh phúc cộng hòa hoà nghĩa việt
""".split())


def _score(text: str) -> _Score:
    words = _WORD.findall(text)
    good = bad = common = 0
    for word, n in Counter(words).items():
        if word.isascii():
            continue  # identical under every candidate: no evidence either way
        is_good, is_bad, is_common = _classify_word(word)
        good += n * is_good
        bad += n * is_bad
        common += n * is_common
    return _Score(good, bad + len(_STRAY.findall(text)), len(words), common)


@lru_cache(maxsize=65536)
def _classify_word(word: str) -> tuple[bool, bool, bool]:
    """(good, bad, common) for a non-ASCII word; see :class:`_Score`."""
    lower = word.lower()
    if _capital_inside(word) or not _is_vietnamese_syllable(lower):
        return False, True, False
    # One-letter words ("ở", "ý") prove little: a stray "«" or "©" decodes to one.
    return len(word) > 1, False, lower in _COMMON_SYLLABLES


def _capital_inside(word: str) -> bool:
    """A non-ASCII capital after a small letter: "ViÖt", "thÓ" are TCVN3 small letters
    seen as Windows-1252 capitals. (ASCII capitals may follow: a .VnTimeH heading
    decodes as "CộNG HOà", since its toned capitals are stored as small letters.)"""
    return any(a.islower() and b.isupper() and not b.isascii()
               for a, b in zip(word, word[1:]))


_TONES = {"\u0301": "acute", "\u0300": "grave", "\u0309": "hook", "\u0303": "tilde",
          "\u0323": "dot"}


@cache
def _toned_letters() -> dict[str, tuple[str, str]]:
    """Lower-case letter with a tone mark -> (the letter without it, tone name)."""
    table = {}
    for code in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00)]:  # the Latin blocks
        decomposed = unicodedata.normalize("NFD", chr(code))
        marks = [m for m in decomposed if m in _TONES]
        if len(marks) == 1 and chr(code).islower():
            base = unicodedata.normalize("NFC", decomposed.replace(marks[0], ""))
            table[chr(code)] = (base, _TONES[marks[0]])
    return table


_ONSETS = "ngh ng nh ch gh gi kh ph qu th tr b c d đ g h k l m n p r s t v x".split()
# Vowel nuclei by what may follow them: a coda must / may / cannot (they end in a glide).
_NUCLEI_CLOSED = "ă â oă uâ iê yê uô ươ uyê".split()
_NUCLEI_EITHER = "a e ê i o ô ơ u ư y oa oe uê uy".split()
_NUCLEI_OPEN = ("ai ao au ay âu ây eo êu ia iu oi ôi ơi ua ui uơ ưa ưi ưu iêu yêu oai oao "
                "oay oeo uây uôi ươi ươu uya uyu").split()
_CODAS = "ch ng nh c m n p t".split()
_FRONT_VOWELS = "ieêy"


def _alternation(items: list[str]) -> str:
    return "|".join(sorted(items, key=len, reverse=True))


# onset? + vowel nucleus + coda?, on a lower-case syllable with its tone mark removed
_SYLLABLE = re.compile(
    f"(?P<onset>{_alternation(_ONSETS)})?"
    f"(?:(?P<open>{_alternation(_NUCLEI_OPEN)})"
    f"|(?P<nucleus>{_alternation(_NUCLEI_CLOSED + _NUCLEI_EITHER)})"
    f"(?P<coda>{_alternation(_CODAS)})?)")
_SHAPED_VOWELS = "ăâêôơư"


@lru_cache(maxsize=65536)
def _is_vietnamese_syllable(word: str) -> bool:
    """Is lower-case NFC ``word`` a possible Vietnamese syllable?

    Checks the letters (onset, nucleus, coda, and the spelling rules that tie them),
    that there is at most one tone mark, that it sits on a vowel that can carry it, and
    that a stop coda has a fitting tone. Loanwords ("ôtô", "xoong") fail; that is fine,
    a score only needs most words of real Vietnamese to pass.
    """
    toned = _toned_letters()
    tones = [(i, toned[c]) for i, c in enumerate(word) if c in toned]
    if len(tones) > 1:
        return False
    bare = word
    if tones:
        tone_at, (base, tone) = tones[0]
        bare = word[:tone_at] + base + word[tone_at + 1:]
    match = _SYLLABLE.fullmatch(bare)
    if match is None:
        return False
    onset, coda = match["onset"] or "", match["coda"] or ""
    nucleus = match["open"] or match["nucleus"]
    if not (_onset_fits(onset, nucleus) and _coda_fits(nucleus, coda)):
        return False
    stop = coda in ("c", "ch", "p", "t")
    if not tones:
        return not stop  # syllables closed by a stop always carry acute or dot below
    if stop and tone not in ("acute", "dot"):
        return False
    start = match.start("open") if match["open"] else match.start("nucleus")
    return tone_at - start in _tone_positions(nucleus, bool(coda))


def _onset_fits(onset: str, nucleus: str) -> bool:
    """Spelling: k/gh/ngh before i e ê y, c/ng/g elsewhere ("gì" is g + i)."""
    front = nucleus[0] in _FRONT_VOWELS
    if onset in ("k", "gh", "ngh"):
        return front
    if onset in ("c", "ng"):
        return not front
    if onset == "g":
        return nucleus[0] not in "eêy"
    return True


def _coda_fits(nucleus: str, coda: str) -> bool:
    if not coda:
        return nucleus not in _NUCLEI_CLOSED  # "ăn", "tiên" need their coda
    if coda in ("ch", "nh"):  # "sách", "bệnh", "kính", "hoạch", "huỳnh", "khuếch"
        return nucleus in ("a", "ê", "i", "oa", "uy", "uê")
    if coda in ("c", "ng"):  # never after i, ê ("ích", "ênh" are spelled with ch/nh)
        return nucleus not in ("i", "ê", "y", "uy", "uê")
    return True


def _tone_positions(nucleus: str, closed: bool) -> set[int]:
    """Where in ``nucleus`` the tone mark may sit; old ("hoà") and new ("hòa") styles."""
    shaped = [i for i, c in enumerate(nucleus) if c in _SHAPED_VOWELS]
    if shaped:  # "trường", "việt", "giữa": on the (last) vowel with a diacritic
        return {shaped[-1]}
    if len(nucleus) == 1 or closed:  # "toán", "huỳnh": on the last vowel
        return {len(nucleus) - 1}
    if nucleus in ("oa", "oe", "uy"):  # "hòa"/"hoà", "thủy"/"thuỷ"
        return {0, 1}
    if nucleus == "uya":  # "khuya" carries no tone
        return set()
    if len(nucleus) == 3:  # "ngoài", "khuỷu"
        return {1}
    return {0}  # "tại", "màu", "của", "kìa"


# --------------------------------------------------------------------------------------
# VIQR (RFC 1456): ASCII marks after the vowel. "Vie^.t Nam", "Co^ng va(n", "ddu+o+`ng".

_VIQR_SHAPES = {"(": "\u0306", "^": "\u0302", "+": "\u031b"}
_VIQR_TONES = {"'": "\u0301", "`": "\u0300", "?": "\u0309", "~": "\u0303", ".": "\u0323"}
_VIQR_SHAPE_OK = {"a": "(^", "e": "^", "o": "^+", "u": "+"}
_VIQR_MARKS = "".join(_VIQR_SHAPES) + "".join(_VIQR_TONES)
_VIQR_TOKEN = re.compile(r"[A-Za-z][A-Za-z" + re.escape(_VIQR_MARKS) + "]*")
_VIQR_UNIT = re.compile(r"(?P<dd>^[dD][dD])|(?P<vowel>[aeiouyAEIOUY])(?P<shape>[(^+]?)"
                        r"(?P<tone>['`?~.]?)|(?P<letter>[A-Za-zđĐ])|(?P<stray>.)")
# Tone marks that are also everyday punctuation after a word.
_PUNCTUATION_MARKS = ".?'"
_VIQR_ESCAPE = re.compile(r"\\([" + re.escape(_VIQR_MARKS) + "])")


@dataclass(frozen=True, slots=True)
class _ViqrWord:
    text: str
    marked: bool = False  # converted into a valid syllable with a diacritic
    strong: bool = False  # used a mark that ordinary ASCII text hardly ever has
    failed: bool = False  # had marks inside the word but is no syllable


def _convert_viqr_if_unambiguous(text: str) -> str | None:
    """Text converted from VIQR, or None unless VIQR is clearly what ``text`` is.

    Trailing "?", "." and "'" are everyday punctuation, so they only count once the
    text has shown marks that English does not use -- a circumflex, breve or horn, "dd",
    or a mark inside a word -- and syllables with marks are a large share of the words.
    """
    # Acronyms ("UBND", "VP") say nothing about the encoding: leave them out.
    words = [_convert_viqr_word(token) for token in _VIQR_TOKEN.findall(text)
             if not (len(token) > 1 and token.isupper() and token.isalpha())]
    if not words:
        return None
    marked = sum(w.marked for w in words)
    strong = sum(w.strong for w in words)
    failed = sum(w.failed for w in words)
    if strong == 0 or marked < 0.3 * len(words) or failed * 4 > marked:
        return None
    converted = _VIQR_TOKEN.sub(lambda m: _convert_viqr_word(m.group()).text, text)
    return unicodedata.normalize("NFC", _VIQR_ESCAPE.sub(r"\1", converted))


@lru_cache(maxsize=65536)
def _convert_viqr_word(token: str) -> _ViqrWord:
    if token.isupper() and "DD" in token and not any(c in _VIQR_MARKS for c in token):
        return _ViqrWord(_viqr_acronym(token))
    # A mark char at the end may be punctuation ("Nam.", "No^.i."): try the whole token,
    # then without its trailing mark chars, and keep the first valid syllable.
    for end in range(len(token), 0, -1):
        head, tail = token[:end], token[end:]
        if any(c.isalpha() for c in tail) or not _has_viqr_marks(head):
            break
        if end == 2 and head[0].isupper() and head[1] in ".?":
            continue  # "Nguyễn Văn A.", "B. Nội dung": an initial, not "Ạ"
        applied = _apply_viqr_marks(head)
        if applied is not None and _is_vietnamese_syllable(applied[0].lower()):
            return _ViqrWord(applied[0] + tail, marked=True, strong=applied[1])
    # Not a syllable: a loanword or name ("Le^nin", "Caribe^."). Convert it as written,
    # keeping trailing marks that double as punctuation; it counts for nothing. When it
    # has VIQR marks, "dd" inside it is đ too ("Mo^nddavia"); English words have no marks.
    head = token.rstrip(_PUNCTUATION_MARKS)
    if any(c in _VIQR_MARKS for c in head):
        head_dd = head.replace("dd", "đ").replace("DD", "Đ").replace("Dd", "Đ")
    else:
        head_dd = head
    applied = _apply_viqr_marks(head_dd) if head else None
    if applied is not None:
        return _ViqrWord(applied[0] + token[len(head):])
    inner_marks = any(c in _VIQR_MARKS for c in token.rstrip(_VIQR_MARKS))
    return _ViqrWord(token, failed=inner_marks)


def _has_viqr_marks(head: str) -> bool:
    return head[:2] in ("dd", "DD", "Dd") or any(c in _VIQR_MARKS for c in head)


def _viqr_acronym(token: str) -> str:
    """"QDD" -> "QĐ", "SGDDDT" -> "SGDĐT": acronyms spell Đ as DD; pair from the right,
    since the Đ of a Vietnamese acronym is usually a later initial ("ĐT" of "GDĐT")."""
    return token[::-1].replace("DD", "Đ")[::-1]


def _apply_viqr_marks(head: str) -> tuple[str, bool] | None:
    """(head with VIQR marks applied, used a strong mark) or None if a mark is misplaced."""
    out, strong = [], False
    for m in _VIQR_UNIT.finditer(head):
        if m["dd"]:
            out.append("Đ" if m["dd"][0] == "D" else "đ")
            strong = True
        elif m["vowel"]:
            vowel, shape, tone = m["vowel"], m["shape"], m["tone"]
            if shape and shape not in _VIQR_SHAPE_OK.get(vowel.lower(), ""):
                return None
            out.append(vowel + _VIQR_SHAPES.get(shape, "") + _VIQR_TONES.get(tone, ""))
            strong |= bool(shape) or bool(tone and m.end() < len(head))
        elif m["letter"]:
            out.append(m["letter"])
        else:
            return None  # a mark after a consonant: not VIQR
    return unicodedata.normalize("NFC", "".join(out)), strong
