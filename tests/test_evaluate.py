"""`congvan eval` must agree with ../shared/eval/score.py on the same inputs."""

import json
import subprocess
import sys

import pytest

from pipeline.cli import main
from pipeline.evaluate import evaluate, norm_url
from tests.conftest import SHARED

GOLD = {
    "a": {"document_type": "Công văn", "number": {"number": "12", "symbol": "UBND-VP"},
          "issued": {"date": "2024-03"}, "subject": "tổ chức hội nghị",
          "recipients": [{"name": "Sở Y tế"}, {"name": "Sở Tài chính"}],
          "references": [{"kind": "Luật", "number": None, "symbol": None,
                          "title": "Luật Đầu tư công"},
                         {"kind": "Công văn", "number": "5", "symbol": "BYT-KCB"}],
          "deadlines": [{"due": "2024-04-01"}], "phones": ["+84912345678"],
          "urls": ["http://a.gov.vn"], "signer": {"name": "Lê Văn A", "position": "GIÁM ĐỐC"}},
    "b": {"document_type": "Thông báo", "place": "Huế", "emails": ["x@y.vn"]},
}
PRED = [
    {"source": {"path": "in/a.txt"}, "document_type": "công văn.",
     "number": {"number": "12", "symbol": "UBND-VP"}, "issued": {"date": "2024-03-01"},
     "subject": "Tổ chức  hội nghị", "recipients": [{"name": "Sở Y tế;"}, {"name": "Sở Nội vụ"}],
     "references": [{"kind": "Luật", "title": "luật đầu tư công"},
                    {"kind": "Công văn", "number": "5", "symbol": "BYT-KCB"}],
     "deadlines": [{"due": "2024-04-01"}, {"due": "2024-05-01"}], "phones": ["+84912345678"],
     "urls": ["a.gov.vn/"], "signer": {"name": "Lê Văn A", "position": "PHÓ GIÁM ĐỐC"}},
]


@pytest.fixture
def files(tmp_path):
    gold = tmp_path / "gold"
    gold.mkdir()
    for stem, record in GOLD.items():
        (gold / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    pred = tmp_path / "records.jsonl"
    pred.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in PRED) + "\n", "utf-8")
    return gold, pred


def test_counts(files):
    score = evaluate(GOLD, {"a": PRED[0]})
    f = score.fields
    assert (f["document_type"].tp, f["document_type"].fn) == (1, 1)   # b has no record
    assert (f["issued.date"].fp, f["issued.date"].fn) == (1, 1)       # exact ISO only
    assert (f["recipients"].tp, f["recipients"].fp, f["recipients"].fn) == (1, 1, 1)
    assert f["references"].tp == 2 and f["urls"].tp == 1
    assert (f["deadlines"].tp, f["deadlines"].fp) == (1, 1)
    assert f["signer.position"].fp == 1 and f["emails"].fn == 1


@pytest.mark.parametrize("url,expected", [("https://a.vn/", "a.vn"), ("a.vn.", "a.vn"),
                                          ("http://a.vn/x/", "a.vn/x")])
def test_norm_url(url, expected):
    assert norm_url(url) == expected


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="no ../shared/eval")
def test_agrees_with_the_shared_scorer(files, capsys):
    gold, pred = files
    assert main(["eval", "--gold", str(gold), str(pred), "--json"]) == 0
    ours = json.loads(capsys.readouterr().out)
    theirs = json.loads(subprocess.run(
        [sys.executable, str(SHARED / "eval" / "score.py"), "--gold", str(gold), "--pred",
         str(pred), "--json"], capture_output=True, text=True, check=True).stdout)
    assert ours["micro_f1"] == theirs["micro_f1"]
    for name, c in theirs["fields"].items():
        assert {k: ours["fields"][name][k] for k in ("tp", "fp", "fn")} == \
               {k: c[k] for k in ("tp", "fp", "fn")}, name


def test_usage_errors(tmp_path, files):
    gold, pred = files
    assert main(["eval", "--gold", str(tmp_path / "none"), str(pred)]) == 2
    assert main(["eval", "--gold", str(gold), str(tmp_path / "none.jsonl")]) == 2
