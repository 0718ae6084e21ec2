"""Legacy Vietnamese encodings: every form round-trips through decode_text.

The legacy forms are made here by independent encoders (the TSV tables inverted, Python's
cp1258 codec, a small VIQR writer), never by the module under test. All sentences are
fictional administrative text.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from pathlib import Path

import pytest

from pipeline.ingest.encodings import Decoded, decode_text

TABLES = Path(__file__).resolve().parents[2] / "pipeline" / "resources" / "encodings"

# Upper-case letters are ASCII or Ă Â Ê Ô Ơ Ư Đ only, so TCVN3 can spell them too.
SENTENCES = [
    "Sở Giáo dục và Đào tạo tỉnh Nghệ An đề nghị các trường báo cáo trước ngày 15 tháng 6 "
    "năm 2024.",
    "Đề nghị các đơn vị sẵn sàng triển khai thẳng thắn, đặc biệt là những nội dung "
    "hằng năm về số liệu, thời hạn và kết quả.",
    "Công ty cổ phần Thủy lợi Bắc Hưng Hải xin gửi tới quý cơ quan lời chào trân trọng.",
    "Ông Nguyễn Văn Hưởng, Trưởng phòng Tài chính – Kế hoạch, được giao kiểm tra việc sử "
    "dụng ngân sách năm 2023.",
    "Nơi nhận: như trên; lưu VT, TCCB. Quyết định này có hiệu lực kể từ ngày ký.",
    "Số: 127/SGDĐT-VP\nVề việc: tổ chức hội nghị tổng kết năm học 2023 – 2024",
]
# Capitals with tone marks: fine in Unicode, VNI and Windows-1258, absent from TCVN3.
UPPER_SENTENCES = [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN TỈNH QUẢNG TRỊ yêu cầu Ủy ban các xã rà soát hồ sơ đất đai.",
]
DOCUMENT = "\n".join(SENTENCES)


# ---------------------------------------------------------------------------------------
# Independent encoders.

def read_table(name: str) -> list[tuple[str, str]]:
    rows = []
    for line in (TABLES / f"{name}.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(tuple(line.split("\t")))
    return rows


def table_encoder(name: str):
    inverse = {char: bytes.fromhex(hex_bytes) for hex_bytes, char in read_table(name)}

    def encode(text: str) -> bytes:
        out = bytearray()
        for char in unicodedata.normalize("NFC", text):
            if char.isascii():
                out += char.encode("ascii")
            elif char == "–":  # en dash: Windows-1252 0x96 in both encodings' fonts
                out += b"\x96"
            else:
                out += inverse[char]  # KeyError: the sentence is not encodable
        return bytes(out)

    return encode


TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def encode_cp1258(text: str) -> bytes:
    """Windows-1258: precomposed where the code page has it, else base + tone mark."""
    out = bytearray()
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                    if c not in TONE_MARKS))
        tones = "".join(c for c in decomposed if c in TONE_MARKS)
        out += base.encode("cp1258") + tones.encode("cp1258")
    return bytes(out)


VIQR_MARKS = {"\u0306": "(", "\u0302": "^", "\u031b": "+", "\u0301": "'", "\u0300": "`",
              "\u0309": "?", "\u0303": "~", "\u0323": "."}


def encode_viqr(text: str) -> bytes:
    out = []
    for char in unicodedata.normalize("NFC", text):
        if char in "đĐ":
            out.append("dd" if char == "đ" else "DD")
            continue
        decomposed = unicodedata.normalize("NFD", char)
        base, marks = decomposed[0], decomposed[1:]
        # shape mark (breve, circumflex, horn) before the tone mark, as RFC 1456 writes it
        ordered = sorted(marks, key=lambda m: m in TONE_MARKS)
        out.append(base + "".join(VIQR_MARKS[m] for m in ordered))
    return "".join(out).encode("ascii")


ENCODERS = {
    "tcvn3": table_encoder("tcvn3"),
    "vni": table_encoder("vni"),
    "windows-1258": encode_cp1258,
}
LEGACY_LABELS = {"tcvn3": "TCVN3", "vni": "VNI", "windows-1258": "Windows-1258"}


def assert_legacy_warning(decoded: Decoded, encoding: str) -> None:
    assert [code for code, _ in decoded.warnings] == ["encoding.legacy"]
    assert LEGACY_LABELS.get(encoding, encoding.upper()) in decoded.warnings[0][1]


# ---------------------------------------------------------------------------------------
# Raw legacy bytes.

@pytest.mark.parametrize("text", SENTENCES + [DOCUMENT])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "windows-1258"])
def test_legacy_bytes_round_trip(encoding, text):
    data = ENCODERS[encoding](text)
    assert not data.isascii()
    decoded = decode_text(data)
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert_legacy_warning(decoded, encoding)


@pytest.mark.parametrize("text", UPPER_SENTENCES)
@pytest.mark.parametrize("encoding", ["vni", "windows-1258"])
def test_toned_capitals_round_trip(encoding, text):
    decoded = decode_text(ENCODERS[encoding](text))
    assert (decoded.text, decoded.encoding) == (text, encoding)


def test_tcvn3_has_no_toned_capitals():
    with pytest.raises(KeyError):
        ENCODERS["tcvn3"]("CỘNG HÒA")


def test_tcvn3_capital_font_bytes_decode_as_lower_case():
    # A heading in .VnTimeH uses the lower-case byte positions; we cannot see the font.
    decoded = decode_text(b"C\xe9NG HO\xb5 X\xb7 H\xe9I CH\xf1 NGH\xdcA VI\xd6T NAM")
    assert decoded.encoding == "tcvn3"
    assert decoded.text == "CộNG HOà Xã HộI CHủ NGHĩA VIệT NAM"


def test_tcvn3_keeps_its_capital_base_letters():
    decoded = decode_text(b"\xa4ng \xa7\xc6ng V\xa8n \xa5n, \xa2u \xa1n \xa3m \xa6ng")
    assert decoded.text == "Ông Đặng Văn Ơn, Âu Ăn Êm Ưng"
    assert decoded.encoding == "tcvn3"


@pytest.mark.parametrize("data, expected", [
    (b"Vie\xe4t Nam", "Việt Nam"),
    (b"C\xe9ng ho\xb5 x\xb7 h\xe9i ch\xf1 ngh\xdca Vi\xd6t Nam",
     "Cộng hoà xã hội chủ nghĩa Việt Nam"),
])
def test_well_known_examples_as_bytes(data, expected):
    assert decode_text(data).text == expected


# ---------------------------------------------------------------------------------------
# Mojibake: legacy bytes read as Windows-1252 / Latin-1 and saved as UTF-8.

@pytest.mark.parametrize("text", SENTENCES + [DOCUMENT])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "windows-1258"])
@pytest.mark.parametrize("misread_as", ["cp1252", "latin-1"])
def test_mojibake_repaired(encoding, misread_as, text):
    mojibake = ENCODERS[encoding](text).decode(misread_as)
    decoded = decode_text(mojibake.encode("utf-8"))
    assert decoded.text == text
    assert decoded.encoding == encoding
    assert_legacy_warning(decoded, encoding)
    assert "Windows-1252" in decoded.warnings[0][1]


@pytest.mark.parametrize("text", SENTENCES)
def test_mojibake_with_bom_and_in_utf16(text):
    mojibake = ENCODERS["tcvn3"](text).decode("cp1252")
    for data in (mojibake.encode("utf-8-sig"), mojibake.encode("utf-16")):
        decoded = decode_text(data)
        assert (decoded.text, decoded.encoding) == (text, "tcvn3")


@pytest.mark.parametrize("stored, expected", [
    ("Vieät Nam", "Việt Nam"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
])
def test_well_known_examples_as_mojibake(stored, expected):
    decoded = decode_text(stored.encode("utf-8"))
    assert decoded.text == expected
    assert decoded.encoding in ("tcvn3", "vni")


# ---------------------------------------------------------------------------------------
# Unicode stays as it is.

@pytest.mark.parametrize("text", SENTENCES + UPPER_SENTENCES + [
    "Tôi là Hà",  # only Latin-1 letters: could pass for mojibake, must not be touched
    "Chào bà, cô có khỏe không?",
    "Le café est très bon, à bientôt.",
    "Müller Straße 5, São Paulo",
])
def test_genuine_utf8_untouched(text):
    decoded = decode_text(text.encode("utf-8"))
    assert decoded == Decoded(text, "utf-8", ())
    decoded = decode_text(text.encode("utf-8-sig"))
    assert decoded == Decoded(text, "utf-8-sig", ())


@pytest.mark.parametrize("text", [
    # Stray Latin-1 symbols and Nordic/German letters in English text and code: each
    # could be read as a TCVN3 letter ("»" -> "ằ", "å" -> "ồ"), none of it is mojibake.
    "Copyright © 2024 Ørsted A/S. All rights reserved.",
    "Rendered as «quoted» text, price 5 × 3 ÷ 2 = 7.5 €; see § 4.",
    "Tokens: {'på': 'on', 'Bemærk': 'note', 'Resumé': 'summary'}",
    'df = pd.DataFrame({"ä": [1, 2], "xäa": [3, 4]})  # column names with umlauts',
    "The author, José Núñez, lives in São Paulo and likes crème brûlée.",
])
def test_western_utf8_untouched(text):
    assert decode_text(text.encode("utf-8")) == Decoded(text, "utf-8", ())


def test_western_single_byte_text_decodes_as_windows_1258_guess():
    decoded = decode_text("Le café est très bon, à bientôt.".encode("cp1252"))
    assert decoded.text == "Le café est très bon, à bientôt."
    assert decoded.encoding == "windows-1258"
    assert "best guess" in decoded.warnings[0][1]


def test_decomposed_utf8_comes_back_nfc():
    text = SENTENCES[0]
    decoded = decode_text(unicodedata.normalize("NFD", text).encode("utf-8"))
    assert decoded == Decoded(text, "utf-8", ())


@pytest.mark.parametrize("text", [
    "Hello world",
    "Version 2.0 (beta)?",
    "Is it OK? Yes. No.",
    "Who? Me? No.",
    "See e.g. the README.md file, or run ./setup.py --help.",
    "x^2 + y^2 = z^2; C++ and C# (v2.0); a^b",
    "It's the users' choice: don't go.",
    "Nguyen Van A, Ha Noi, 2024",
])
def test_ascii_untouched(text):
    assert decode_text(text.encode("ascii")) == Decoded(text, "utf-8", ())


@pytest.mark.parametrize("codec, order", [("utf-16", None), ("utf-16-le", "LE"),
                                          ("utf-16-be", "BE")])
def test_utf16(codec, order):
    data = DOCUMENT.encode(codec)
    if codec == "utf-16":
        assert data[:2] in (b"\xff\xfe", b"\xfe\xff")
    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding) == (DOCUMENT, "utf-16")
    assert [code for code, _ in decoded.warnings] == ["encoding.legacy"]
    assert "UTF-16" in decoded.warnings[0][1]


def test_utf16_big_endian_with_bom():
    decoded = decode_text(b"\xfe\xff" + DOCUMENT.encode("utf-16-be"))
    assert (decoded.text, decoded.encoding) == (DOCUMENT, "utf-16")


def test_utf8_with_a_broken_byte_stays_utf8():
    data = DOCUMENT.encode("utf-8")
    data = data[:40] + b"\xff" + data[40:]
    decoded = decode_text(data)
    assert decoded.encoding == "utf-8"
    assert decoded.text.replace("\ufffd", "") == DOCUMENT
    assert [code for code, _ in decoded.warnings] == ["encoding.lossy"]


# ---------------------------------------------------------------------------------------
# VIQR.

@pytest.mark.parametrize("viqr, expected", [
    ("Vie^.t Nam", "Việt Nam"),
    ("Co^ng va(n", "Công văn"),
    ("Ha` No^.i, nga`y 5 tha'ng 6 na(m 2024. DDo^`ng y'.",
     "Hà Nội, ngày 5 tháng 6 năm 2024. Đồng ý."),
    ("Tru+o+`ng ho.c ba'o ca'o ke^'t qua? tru+o+'c nga`y 15\\.",
     "Trường học báo cáo kết quả trước ngày 15."),
])
def test_viqr_samples(viqr, expected):
    decoded = decode_text(viqr.encode("ascii"))
    assert (decoded.text, decoded.encoding) == (expected, "viqr")
    assert_legacy_warning(decoded, "viqr")


@pytest.mark.parametrize("text", SENTENCES + UPPER_SENTENCES + [DOCUMENT])
def test_viqr_round_trip(text):
    text = text.replace("–", "-")  # VIQR is ASCII
    decoded = decode_text(encode_viqr(text))
    assert (decoded.text, decoded.encoding) == (text, "viqr")


@pytest.mark.parametrize("viqr, expected", [
    # Acronyms spell Đ as DD; it is paired from the right ("GD-ĐT", not "GĐ-DT").
    ("So^': 127/SGDDDT-VP, 15/QDD-UBND", "Số: 127/SGDĐT-VP, 15/QĐ-UBND"),
    # Trailing "." and "'" are tones only where that makes a valid syllable.
    ("Ho^`i dda^'t dda(.c bie^.t, ngu+o+`i nha^.n: o^ng Nguye^~n Va(n A.",
     "Hồi đất đặc biệt, người nhận: ông Nguyễn Văn A."),
    ("Nhu+~ng y' kie^'n ve^` dda^'t dai.", "Những ý kiến về đất dai."),
    ("Chau A' va` chau Y' ddo^`ng y' vo+'i Le^nin va` Caribe^.",
     "Chau Á và chau Ý đồng ý với Lênin và Caribê."),
])
def test_viqr_ambiguities(viqr, expected):
    assert decode_text(viqr.encode("ascii")).text == expected


def test_viqr_with_typographic_punctuation():
    viqr = "“Co^ng va(n so^' 15” – ve^` vie^.c ba'o ca'o…"
    decoded = decode_text(viqr.encode("utf-8"))
    assert decoded.encoding == "viqr"
    assert decoded.text == "“Công văn số 15” – về việc báo cáo…"


def test_viqr_marks_in_text_with_diacritics_left_alone():
    text = "Việt Nam (Vie^.t Nam) là tên nước."
    assert decode_text(text.encode("utf-8")) == Decoded(text, "utf-8", ())


def test_sparse_viqr_in_english_left_alone():
    text = ("The report covers the Vie^.t Nam office and several other regional "
            "offices across the country for the fiscal year.")
    assert decode_text(text.encode("ascii")) == Decoded(text, "utf-8", ())


# ---------------------------------------------------------------------------------------
# API and data files.

def test_decoded_is_frozen():
    decoded = decode_text(b"abc")
    with pytest.raises(dataclasses.FrozenInstanceError):
        decoded.text = "x"  # type: ignore[misc]


@pytest.mark.parametrize("name, count, max_len", [("tcvn3", 74, 1), ("vni", 134, 2)])
def test_table_integrity(name, count, max_len):
    seen_keys, seen_chars = set(), set()
    lines = (TABLES / f"{name}.tsv").read_text(encoding="utf-8").splitlines()
    rows = [line for line in lines if line and not line.startswith("#")]
    assert len(rows) == count
    for line in rows:
        columns = line.split("\t")
        assert len(columns) == 2, line
        hex_bytes, char = columns
        assert hex_bytes == hex_bytes.upper() and len(hex_bytes) % 2 == 0, line
        key = bytes.fromhex(hex_bytes)  # ValueError on bad hex
        assert 1 <= len(key) <= max_len, line
        assert key[-1] >= 0x80, line  # every entry involves a non-ASCII byte
        assert key not in seen_keys, f"duplicate key {hex_bytes}"
        seen_keys.add(key)
        assert len(char) == 1 and unicodedata.is_normalized("NFC", char), line
        assert char.isalpha() and not char.isascii(), line
        assert char not in seen_chars, f"duplicate target {char}"
        seen_chars.add(char)


# Spot values, confirmed in glibc iconv (TCVN5712-1), UniKey's VnConv tables and xvnkb.
@pytest.mark.parametrize("char, tcvn3, vni", [
    ("ắ", "BE", "61E9"), ("ằ", "BB", "61E8"), ("ẳ", "BC", "61FA"), ("ẵ", "BD", "61FC"),
    ("ặ", "C6", "61EB"), ("ế", "D5", "65E1"), ("ố", "E8", "6FE1"), ("ờ", "EA", "F4F8"),
    ("ữ", "F7", "F6F5"), ("đ", "AE", "F1"), ("Đ", "A7", "D1"), ("ệ", "D6", "65E4"),
    ("ư", "AD", "F6"), ("ơ", "AC", "F4"), ("ỵ", "FE", "EE"), ("ị", "DE", "F2"),
])
def test_table_spot_values(char, tcvn3, vni):
    assert dict(read_table("tcvn3"))[tcvn3] == char
    assert dict(read_table("vni"))[vni] == char
