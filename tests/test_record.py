"""Whole records: validation warnings, spans, statuses and the JSON Schema."""

import json

import pytest

from pipeline import extract_file, extract_text
from pipeline.cli import main
from pipeline.schema import DispatchRecord, json_schema
from tests.ingest.test_encodings import encode_cp1258

# A fictional letter with one bad value of each kind the contract names.
FLAWED = """\
Số: 77/UBND-VP#
Huế, ngày 10 tháng 3 năm 2024

V/v rà soát số liệu

Kính gửi: Các phòng chuyên môn.

Thực hiện Kế hoạch số 5/KH-UBND ngày 31/02/2024 của UBND thành phố, đề nghị các phòng
gửi báo cáo trước ngày 01/3/2024 và hoàn thành rà soát trước ngày 20/3/2024.
Liên hệ: ông Trần Văn Tâm, điện thoại: 0123 456 78, email: tam@@hue.gov.vn.

Nơi nhận:
- Như trên;
- Lưu: VT.

CHỦ TỊCH

Lê Quang Huy
"""


@pytest.fixture(scope="module")
def flawed():
    return extract_text(FLAWED, path="flawed.txt")


def test_bad_values_become_warnings_not_values(flawed):
    codes = {w.code for w in flawed.warnings}
    assert {"date.invalid", "deadline.before_issued", "phone.invalid", "email.invalid",
            "number.malformed"} <= codes
    assert flawed.status == "partial"
    assert flawed.number is None
    assert [d.due for d in flawed.deadlines] == ["2024-03-20"]
    assert flawed.emails == [] and flawed.phones == []
    (ref,) = flawed.references
    assert (ref.number, ref.symbol, ref.date) == ("5", "KH-UBND", None)


def test_warnings_carry_spans_into_the_text(flawed):
    for w in flawed.warnings:
        assert w.span is not None
        assert 0 <= w.span[0] < w.span[1] <= len(flawed.text)
    (bad_date,) = [w for w in flawed.warnings if w.code == "date.invalid"]
    assert "31/02/2024" in flawed.text[bad_date.span[0]:bad_date.span[1]]


def test_every_item_points_at_its_raw_text(flawed):
    items = [flawed.number, flawed.issued, flawed.signer, *flawed.recipients,
             *flawed.references, *flawed.deadlines, *flawed.contacts, *flawed.distribution]
    for item in filter(None, items):
        start, end = item.span
        assert flawed.text[start:end] == item.raw


def test_clean_letter_is_ok():
    record = extract_text(FLAWED.replace("#", "").replace("31/02", "28/02")
                          .replace("trước ngày 01/3/2024 và ", "")
                          .replace("0123 456 78", "0234 3822 406").replace("@@", "@"))
    assert record.status == "ok", record.warnings
    assert record.number.symbol == "UBND-VP"
    assert record.phones == ["+842343822406"]


@pytest.mark.parametrize("content,code", [
    (b"", "input.empty"),
    (b"%PDF-1.4 broken", "input.unreadable"),
])
def test_unreadable_files_give_failed_records(tmp_path, content, code):
    path = tmp_path / ("bad.txt" if not content else "bad.pdf")
    path.write_bytes(content)
    record = extract_file(path)
    assert record.status == "failed"
    assert record.warnings[0].code == code
    assert str(path) in record.warnings[0].message


def test_unsupported_file_is_recorded(tmp_path):
    path = tmp_path / "letter.xyz"
    path.write_text("Số: 1/UBND-VP", encoding="utf-8")
    record = extract_file(path)
    assert (record.status, record.warnings[0].code) == ("failed", "input.unsupported")


def test_schema_command_prints_the_models_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["schema_version"]["const"] == "1"
    for name in ("number", "issuer", "issued", "subject", "recipients", "references",
                 "deadlines", "contacts", "phones", "emails", "urls", "distribution", "signer"):
        assert name in schema["properties"], name


def test_records_validate_against_the_schema(flawed):
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(json.loads(flawed.model_dump_json()), json_schema())


def test_record_round_trips(flawed):
    assert DispatchRecord.model_validate_json(flawed.model_dump_json()) == flawed


def test_legacy_encoded_letter_reads_the_same(tmp_path):
    """A Windows-1258 file gives the record of its Unicode text, with a warning naming the
    encoding (archives hold such files)."""
    text = FLAWED.replace("#", "").replace("31/02", "28/02")
    path = tmp_path / "cp1258.txt"
    path.write_bytes(encode_cp1258(text))
    record = extract_file(path)
    assert record.source.encoding == "windows-1258"
    assert any(w.code == "encoding.legacy" for w in record.warnings)
    assert (record.number.symbol, record.place, record.signer.name) == (
        "UBND-VP", "Huế", "Lê Quang Huy")


def test_values_wrapped_over_a_line_break():
    """PDF and OCR text wraps anywhere: a deadline, a phone, a citation broken by a line
    break are still read, with spans into the text as it is."""
    record = extract_text("Số: 3/UBND-VP\nHuế, ngày 02 tháng 7 năm 2025\n\nKính gửi: Các phòng.\n\n"
                          "Thực hiện Nghị định số\n30/2020/NĐ-CP, đề nghị gửi báo cáo trước ngày\n"
                          "15/7/2025. Liên hệ: ông Lê Văn Bình, điện thoại +84 24\n3825 1234.\n")
    assert [d.due for d in record.deadlines] == ["2025-07-15"]
    assert record.phones == ["+842438251234"]
    assert [(r.number, r.symbol) for r in record.references] == [("30", "2020/NĐ-CP")]
    (d,) = record.deadlines
    assert record.text[d.span[0]:d.span[1]] == d.raw and "\n" in d.raw
