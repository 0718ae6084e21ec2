import pytest

from pipeline.normalize import normalize


@pytest.mark.parametrize("raw,expected", [
    ("Ha\u0300 No\u0323\u0302i", "Hà Nội"),                 # decomposed (PDF, OCR)
    ("ĐIỀU\u00a08", "ĐIỀU 8"),                             # no-break space
    ("Số:\u200b 12", "Số: 12"),                            # zero-width space dropped
    ("a\r\nb\rc", "a\nb\nc"),                              # line endings
    ("**KT. GIÁM ĐỐC**", "KT. GIÁM ĐỐC"),                  # markdown bold
    ("### 3. Thời hạn", "3. Thời hạn"),                    # markdown heading
    ("Nơi nhận:      KT. GIÁM ĐỐC", "Nơi nhận:      KT. GIÁM ĐỐC"),  # column gap kept
    ("- mục một", "- mục một"),                            # a bullet is not markup
    ("*(Đã ký)*", "(Đã ký)"),                              # italic pair
    ("* mục hai", "* mục hai"),                            # a lone star is a bullet
    ("2 * 3 = 6", "2 * 3 = 6"),
    ("| SỞ Y TẾ | CỘNG HÒA |\n|---|:---:|\n| Số: 1/SYT | Huế |",  # a header table
     "SỞ Y TẾ   CỘNG HÒA\n\nSố: 1/SYT   Huế"),
    ("a | b", "a | b"),
])
def test_normalize_text(raw, expected):
    assert normalize(raw).text == expected


def test_offsets_map_back_to_the_input():
    raw = "**Số:** 12/UBND\r\nHa\u0300 Nội"
    norm = normalize(raw)
    assert len(norm.offsets) == len(norm.text) + 1
    i = norm.text.index("12/UBND")
    s, e = norm.to_input(i, i + len("12/UBND"))
    assert raw[s:e] == "12/UBND"
    j = norm.text.index("Hà")
    assert raw[norm.offsets[j]:norm.offsets[j + 2]] == "Ha\u0300"
