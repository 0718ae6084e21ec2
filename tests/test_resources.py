"""Integrity of every data file under pipeline/resources (as dateparser checks its data)."""

import re
import unicodedata
from importlib import resources

import pytest

from pipeline.resources import alternation, load_lines, load_tsv

ROOT = resources.files("pipeline.resources")


def _data_files(root=ROOT, prefix=""):
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir() and not entry.name.startswith(("_", ".")):
            yield from _data_files(entry, f"{prefix}{entry.name}/")
        elif entry.name.endswith((".tsv", ".txt")):
            yield prefix + entry.name


FILES = list(_data_files())
TSV = [name for name in FILES if name.endswith(".tsv")]
TXT = [name for name in FILES if name.endswith(".txt")]


def test_there_are_data_files():
    assert {"doc_types.tsv", "deadline_cues.tsv", "law_titles.txt"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
def test_utf8_nfc_and_clean_lines(name):
    text = ROOT.joinpath(name).read_bytes().decode("utf-8")
    assert unicodedata.is_normalized("NFC", text), f"{name} is not NFC"
    assert text.endswith("\n"), f"{name} has no final newline"
    for number, line in enumerate(text.splitlines(), 1):
        assert line == line.rstrip(" "), f"{name}:{number} ends with spaces"
        assert "\r" not in line


@pytest.mark.parametrize("name", TSV)
def test_tsv_columns(name):
    rows = load_tsv(name)
    assert rows, f"{name} is empty"
    widths = {len(row) for row in rows}
    assert len(widths) == 1, f"{name} has rows of {sorted(widths)} columns"
    assert all(row[0] for row in rows), f"{name} has a row with an empty first column"


@pytest.mark.parametrize("name", FILES)
def test_no_duplicates(name):
    rows = load_tsv(name) if name.endswith(".tsv") else load_lines(name)
    seen = set()
    duplicates = [row for row in rows if row in seen or seen.add(row)]
    assert not duplicates, f"{name} repeats {duplicates}"


# What each of the extractors' files may hold.
ROLES = {
    "date_words.tsv": {"day", "month", "year", "hour", "minute", "morning", "noon",
                       "afternoon", "evening", "weekday"},
    "deadline_cues.tsv": {"before", "until", "label", "verb", "negator", "trailer", "period",
                          "lasting", "recurring", "filler"},
    "reference_cues.tsv": {"cite", "issue", "plural", "of", "at", "date", "number", "amends",
                           "same", "issuer_stop", "title_stop"},
    "phone_labels.tsv": {"phone", "not"},
}


@pytest.mark.parametrize("name", sorted(ROLES))
def test_roles(name):
    rows = load_tsv(name)
    assert {role for _, role in rows} == ROLES[name]


def test_doc_types():
    rows = load_tsv("doc_types.tsv")
    names = [name for name, *_ in rows]
    abbreviations = [abbr for _, abbr, *_ in rows if abbr]
    assert len(set(map(str.casefold, names))) == len(names)
    assert len(set(abbreviations)) == len(abbreviations)
    assert {group for _, _, group, _ in rows} == {"legal", "administrative", "generic"}
    assert {named for *_, named in rows} == {"yes", "no"}
    # NĐ 30/2020/NĐ-CP, Phụ lục III
    table = {name: abbr for name, abbr, *_ in rows}
    assert table["Quy định"] == "QyĐ" and table["Chương trình"] == "CTr"
    assert table["Tờ trình"] == "TTr" and table["Công điện"] == "CĐ"
    assert all(re.fullmatch(r"[A-ZĐ][A-Za-zĐđ]*", abbr) for abbr in abbreviations)


def test_law_titles():
    titles = load_lines("law_titles.txt")
    assert len(titles) >= 100
    assert all(re.match(r"(Luật|Bộ luật|Hiến pháp)( |$)", t) for t in titles)
    assert len({t.casefold() for t in titles}) == len(titles)
    assert "Luật Chất lượng sản phẩm, hàng hóa" in titles


def test_phone_plan():
    rows = load_tsv("phone_plan.tsv")
    olds = [old for old, *_ in rows]
    assert len(set(olds)) == len(olds)
    for old, new, digits, where in rows:
        assert re.fullmatch(r"0\d{1,3}", old) and re.fullmatch(r"0\d{2,3}", new)
        assert digits in {"7", "8"} and where
    assert ("04", "024", "8", "Hà Nội") in rows


def test_web_tlds():
    assert all(re.fullmatch(r"[a-z]{2,}", tld) for tld in load_lines("web_tlds.txt"))


@pytest.mark.parametrize("phrases, expected", [
    (["a", "a b"], r"(?:a\s+b|a)"),
    (["Tel.", "x"], r"(?:Tel\.|x)"),
    (["b", "b"], r"(?:b)"),
])
def test_alternation(phrases, expected):
    assert alternation(phrases) == expected
