"""The project's own gold set: every fictional letter in data/raw/ against its
hand-checked record in tests/gold/, scored by the rules of record-v1.md."""

import json
from pathlib import Path

import pytest

from pipeline import extract_file
from pipeline.evaluate import evaluate, format_table, load_gold
from tests.conftest import ROOT

GOLD_DIR = ROOT / "tests" / "gold"
RAW = ROOT / "data" / "raw"
FLOOR = 0.95


def _letters():
    gold = load_gold(GOLD_DIR)
    return gold, {p.stem: p for p in sorted(RAW.iterdir()) if p.stem in gold}


def test_every_gold_record_has_its_letter():
    gold, letters = _letters()
    assert len(gold) >= 20
    assert set(gold) == set(letters)


def test_gold_set_micro_f1(capsys):
    gold, letters = _letters()
    records = {stem: json.loads(extract_file(path).model_dump_json())
               for stem, path in letters.items()}
    score = evaluate(gold, records)
    with capsys.disabled():
        print("\n" + format_table(score))
    assert score.micro.prf()[2] >= FLOOR, [e for e in score.errors][:40]


@pytest.mark.parametrize("stem", sorted(load_gold(GOLD_DIR)))
def test_gold_file_shape(stem):
    record = json.loads((GOLD_DIR / f"{stem}.json").read_text("utf-8"))
    for key in ("document_type", "number", "issuer", "place", "issued", "subject",
                "recipients", "references", "deadlines", "contacts", "phones", "emails",
                "urls", "distribution", "signer"):
        assert key in record, key
    assert all(p.startswith("+84") for p in record["phones"])
