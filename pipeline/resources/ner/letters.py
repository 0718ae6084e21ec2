"""NER examples cut from the project's letters, to evaluate on (never to train on).

``letters.jsonl`` holds zones of the letters in ``data/raw`` (the header, the contact
sentences, the reference citations, the Nơi nhận list with the signature block), the zones
``find_entities`` is meant to run on, with every person and organisation annotated by the
rules in ``templates.txt``. A letter is in the dev split (choosing a model) when its number
is divisible by 3, else in the test split (the reported scores).

``draft`` proposes those examples for new letters: gold names (contacts, signer, issuer,
cited issuers) plus organisation names found by their head words. Its output is a draft for
a person to correct, not a gold annotation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from pipeline.resources.ner.generate import lexicon

HERE = Path(__file__).parent
LETTERS = HERE / "letters.jsonl"


def split_of(letter: str) -> str:
    number = int(re.match(r"\d+", letter).group())  # type: ignore[union-attr]
    return "dev" if number % 3 == 0 else "test"


def load(split: str | None = None, path: Path = LETTERS) -> list[dict]:
    """The reviewed examples of one split (``"dev"``, ``"test"``) or of all letters."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [r for r in rows if split is None or split_of(r["letter"]) == split]


# --- drafting -------------------------------------------------------------------------

_NUMBER_LINE = re.compile(r"(?m)^[ *]*Số\s*:")
_CITATION = re.compile(r"(?m)^[-\s]*(Căn cứ|Thực hiện|Theo|Phúc đáp|Tiếp theo)\b")
_ORG_HEADS = ("Ủy ban nhân dân", "Uỷ ban nhân dân", "UBND", "Hội đồng nhân dân", "HĐND",
              "Bộ Chỉ huy Quân sự", "Ban Chỉ huy", "Ban Chỉ đạo", "Ban Quản lý", "Bộ", "Sở",
              "Chi cục", "Tổng cục", "Cục", "Vụ", "Văn phòng", "Thanh tra", "Trung tâm",
              "Phòng", "Trường", "Viện", "Bệnh viện", "Kho bạc Nhà nước", "Bảo hiểm xã hội",
              "Công an", "Ban", "Chính phủ", "Thủ tướng Chính phủ", "Quốc hội", "Công ty",
              "Báo", "Đài", "Hiệp hội", "Liên đoàn", "Tỉnh ủy", "Thành ủy", "Huyện ủy",
              "Kiểm toán nhà nước")
_LEVELS = r"(?:tỉnh|thành\ phố|Thành\ phố|TP\.?|quận|huyện|thị\ xã|xã|phường|thị\ trấn)"
_NAME = r"(?:[A-ZĐÀ-Ỹ][\w'&.-]*(?:\ [A-ZĐÀ-Ỹ][\w'&.-]*)*)"


def _org_pattern() -> re.Pattern:
    lex = lexicon("train")
    dev = lexicon("dev")
    tails = {name for name, *_ in lex.sectors} | {n for _, n in lex.units} | {n for _, n in dev.units}
    alts = "|".join(re.escape(t) for t in sorted(tails, key=len, reverse=True))
    heads = "|".join(re.escape(h) for h in sorted(_ORG_HEADS, key=len, reverse=True))
    central = "|".join(re.escape(c) for c in sorted(lex.central, key=len, reverse=True))
    return re.compile(rf"""
        (?<!\w)(?:{central}
        |(?:{heads})(?:\ (?:{alts}))?(?:\ {_LEVELS}(?:\ {_NAME})?|\ {_NAME})?
        )(?!\w)""", re.VERBOSE)


def _paragraphs(text: str):
    """Blocks of lines: a block ends at a blank line or at a line ending a sentence or a
    clause (". ; :"), so a body hard-wrapped like PDF text still splits into sentences."""
    start = None
    for m in re.finditer(r"[^\n]*\n?", text):
        line = m.group().rstrip()
        if not line.strip():
            if start is not None:
                yield start, m.start()
                start = None
            continue
        if start is None:
            start = m.start()
        if line.endswith((".", ";", ":")):
            yield start, m.end()
            start = None
    if start is not None:
        yield start, len(text)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _zones(text: str, gold: dict) -> list[tuple[str, int, int]]:
    zones = []
    m = _NUMBER_LINE.search(text)
    if m and text[:m.start()].strip():
        zones.append(("header", *_trim(text, 0, m.start())))
    names = [c["name"] for c in gold.get("contacts", [])]
    cited = 0
    for start, end in _paragraphs(text):
        para = text[start:end]
        if any(n in para for n in names) and "Nơi nhận" not in para:
            zones.append(("contact", *_trim(text, start, end)))
        elif _CITATION.match(para) and " của " in para and cited < 2:
            zones.append(("reference", *_trim(text, start, end)))
            cited += 1
    i = text.find("Nơi nhận")
    if i >= 0:
        zones.append(("signature", *_trim(text, text.rfind("\n", 0, i) + 1, len(text))))
    return zones


def draft(raw_dir: Path, gold_dir: Path) -> list[dict]:
    """Proposed examples for every letter with a gold record, for review."""
    from pipeline.normalize import normalize
    pattern = _org_pattern()
    out = []
    for gold_path in sorted(gold_dir.glob("*.json")):
        raws = [p for p in raw_dir.glob(gold_path.stem + ".*")]
        if not raws:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = normalize(raws[0].read_text(encoding="utf-8")).text
        people = [c["name"] for c in gold.get("contacts", [])]
        if (gold.get("signer") or {}).get("name"):
            people.append(gold["signer"]["name"])
        for kind, start, end in _zones(text, gold):
            zone = text[start:end]
            ents: list[list] = []
            for name in people:
                ents += [[m.start(), m.end(), "PER"] for m in re.finditer(re.escape(name), zone)]
            for m in pattern.finditer(zone):
                if not any(s < m.end() and m.start() < e for s, e, _ in ents):
                    ents.append([m.start(), m.end(), "ORG"])
            out.append({"letter": gold_path.stem, "kind": kind, "text": zone,
                        "entities": sorted(ents)})
    return out
