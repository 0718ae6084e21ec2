"""Writers: JSON forms, atomic files, records/ names, and CSV tables that pandas and DuckDB read."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from pipeline.export import (DOCUMENT_COLUMNS, DOCUMENT_OMITTED, ITEM_TABLES, LIST_SEPARATOR,
                             TableWriter, atomic_open, record_file_names, record_line,
                             record_pretty, table_columns)
from pipeline.manifest import MANIFEST_COLUMNS, Journal
from pipeline.schema import DispatchRecord

ROOT = Path(__file__).resolve().parents[1]
TABLES_DOC = ROOT / "docs" / "tables.md"


def tricky_record(i: int = 0, **extra) -> DispatchRecord:
    """A fictional record whose values try every CSV hazard: commas, quotes, line breaks."""
    data = {
        "id": f"{i:064x}",
        "pipeline_version": "0.1.0",
        "source": {"path": f"thư mục/cv, số {i}.txt", "kind": "text", "pages": 1},
        "status": "partial",
        "warnings": [{"code": "date.invalid", "message": 'ngày "31/02"\nbị bỏ', "span": [3, 9]},
                     {"code": "signer.missing", "message": "no signature block"}],
        "text": "Số: 12/UBND-VP\n...",
        "document_type": "Công văn",
        "number": {"number": "012", "symbol": "UBND-VP", "raw": "Số: 012/UBND-VP", "span": [0, 15]},
        "issuer": {"name": "Sở Tài chính", "parent": "UBND tỉnh Bắc Ninh"},
        "place": "Bắc Ninh",
        "issued": {"date": "2024-03", "raw": "ngày tháng 3 năm 2024"},
        "subject": "báo cáo, tổng hợp \"số liệu\"",
        "recipients": [{"name": "Các Sở, ban, ngành"}, {"name": "UBND các huyện"}],
        "references": [{"kind": "Công văn", "number": "168", "symbol": "TĐC-TCCL",
                        "date": "2025-01-20"}],
        "deadlines": [{"due": "2025-03-15", "time": "17:00", "action": "gửi báo cáo"}],
        "contacts": [{"name": "Trần Thị Bình", "phones": ["+84912345678", "+842438251234"],
                      "emails": ["ttbinh@example.vn"]}],
        "phones": ["+84912345678", "+842438251234"],
        "emails": ["ttbinh@example.vn"],
        "urls": ["example.vn/cv"],
        "distribution": [{"name": "Như trên"}, {"name": "UBND tỉnh", "purpose": "báo cáo"}],
        "signer": {"name": "Lê Hoàng Cường", "position": "PHÓ GIÁM ĐỐC",
                   "on_behalf": "KT. GIÁM ĐỐC"},
    }
    data.update(extra)
    return DispatchRecord.model_validate(data)


# --- JSON -----------------------------------------------------------------------------------

def test_json_forms_keep_vietnamese_and_round_trip():
    record = tricky_record()
    line = record_line(record)
    assert "\n" not in line and "Sở Tài chính" in line
    assert json.loads(line) == record.model_dump(mode="json")
    pretty = record_pretty(record)
    assert pretty.endswith("}\n") and json.loads(pretty) == json.loads(line)
    assert DispatchRecord.model_validate_json(line) == record


def test_atomic_open_leaves_nothing_behind_on_error(tmp_path):
    target = tmp_path / "t.csv"
    target.write_text("old")
    with pytest.raises(ZeroDivisionError):
        with atomic_open(target) as f:
            f.write("half")
            1 / 0
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.csv"]


# --- records/ names -------------------------------------------------------------------------

@pytest.mark.parametrize("paths, expected", [
    (["a/12.txt", "b/13.txt"], ["12.json", "13.json"]),
    (["12.txt", "12.md"], ["12-*.json", "12-*.json"]),          # same stem, other suffix
    (["a/CV.txt", "b/cv.txt"], ["CV-*.json", "cv-*.json"]),     # case-insensitive systems
    (["a/x.tar.gz"], ["x.tar.json"]),
    (["noext"], ["noext.json"]),
])
def test_record_file_names(paths, expected):
    names = record_file_names(paths)
    assert len({n.casefold() for n in names.values()}) == len(paths)
    for path, pattern in zip(paths, expected):
        assert re.fullmatch(pattern.replace(".", r"\.").replace("*", "[0-9a-f]{8}"),
                            names[path]), names[path]


def test_a_clashing_name_does_not_depend_on_the_other_paths():
    two = record_file_names(["a/12.txt", "b/12.txt"])
    three = record_file_names(["a/12.txt", "b/12.txt", "c/12.txt"])
    assert two["a/12.txt"] == three["a/12.txt"]


def test_a_hashed_name_never_takes_an_existing_name():
    first = record_file_names(["a/12.txt", "b/12.txt"])["a/12.txt"]
    names = record_file_names(["a/12.txt", "b/12.txt", f"c/{first[:-5]}.txt"])
    assert len({n.casefold() for n in names.values()}) == 3


# --- tables: the columns are the schema's, and documented -----------------------------------

def test_every_record_field_has_a_place_in_the_tables():
    from pipeline.schema import Source
    covered = {name for name, _ in DOCUMENT_COLUMNS}
    tabled = {field for field, _, _ in ITEM_TABLES.values()}
    mapped = {"source", "number", "issuer", "issued", "signer", "warnings"}
    for field in DispatchRecord.model_fields:
        assert field in covered | tabled | mapped | DOCUMENT_OMITTED, \
            f"record field {field!r} is in no table: add a column (and document it)"
    # source.* -> path, kind, pages, encoding; source.ocr -> ocr_confidence
    assert set(Source.model_fields) <= covered | {"ocr"}


def test_every_item_field_is_a_column():
    for name, (_, model, _) in ITEM_TABLES.items():
        columns = table_columns()[name]
        for field in model.model_fields:
            assert field in columns or (field == "span" and "span_start" in columns), (name, field)


def documented_columns() -> dict[str, list[str]]:
    """``{table: [column, ...]}`` from the markdown tables in docs/tables.md."""
    tables: dict[str, list[str]] = {}
    current = None
    for line in TABLES_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            heading = re.match(r"^##\s+`?([a-z_]+)\.csv`?\s*$", line)
            current = tables.setdefault(heading.group(1), []) if heading else None
            continue
        cell = re.match(r"^\|\s*`([a-z0-9_]+)`\s*\|", line)
        if cell and current is not None:
            current.append(cell.group(1))
    return tables


def test_docs_list_every_column_in_file_order():
    documented = documented_columns()
    for name, columns in {**table_columns(), "manifest": MANIFEST_COLUMNS}.items():
        assert documented.get(name) == list(columns), f"docs/tables.md, {name}.csv"


# --- tables: they load straight into pandas and DuckDB --------------------------------------

@pytest.fixture
def tables(tmp_path):
    """The tables of three records: two tricky ones, one with every optional value absent."""
    records = [tricky_record(0), tricky_record(1),
               DispatchRecord(id="f" * 64, source={"path": "empty.txt", "kind": "unknown"},
                              status="failed",
                              warnings=[{"code": "input.empty", "message": "empty"}])]
    writer = TableWriter(tmp_path)
    for record in records:
        writer.add(record.model_dump(mode="json"), "records/x.json")
    writer.commit()
    return tmp_path, records


def read_all(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_table_rows_hold_the_record_values(tables):
    folder, records = tables
    docs = read_all(folder / "documents.csv")
    assert len(docs) == 3
    assert docs[0]["path"] == "thư mục/cv, số 0.txt"
    assert docs[0]["number"] == "012"                  # as written, leading zero kept
    assert docs[0]["phones"] == LIST_SEPARATOR.join(["+84912345678", "+842438251234"])
    assert docs[0]["subject"] == 'báo cáo, tổng hợp "số liệu"'
    assert docs[2]["issuer"] == "" and docs[2]["warning_count"] == "1"
    warnings = read_all(folder / "warnings.csv")
    assert [(w["idx"], w["code"]) for w in warnings[:2]] == [("0", "date.invalid"),
                                                             ("1", "signer.missing")]
    assert warnings[0]["message"] == 'ngày "31/02"\nbị bỏ'
    assert (warnings[0]["span_start"], warnings[0]["span_end"]) == ("3", "9")
    contacts = read_all(folder / "contacts.csv")
    assert contacts[0]["phones"] == "+84912345678 | +842438251234"


def test_tables_load_in_pandas(tables):
    pd = pytest.importorskip("pandas")
    folder, records = tables
    for name, columns in table_columns().items():
        frame = pd.read_csv(folder / f"{name}.csv")            # straight, with type inference
        assert list(frame.columns) == list(columns)
        exact = pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False)
        assert exact.to_dict("records") == read_all(folder / f"{name}.csv")
    docs = pd.read_csv(folder / "documents.csv")
    assert len(docs) == 3 and docs["pages"].tolist() == [1, 1, 0]
    refs = pd.read_csv(folder / "references.csv")
    assert refs["doc_id"].nunique() == 2


def test_tables_load_in_duckdb(tables):
    duckdb = pytest.importorskip("duckdb")
    folder, records = tables
    con = duckdb.connect()
    for name, columns in table_columns().items():
        path = str(folder / f"{name}.csv")
        rel = con.sql(f"SELECT * FROM read_csv_auto('{path}')")
        assert rel.columns == list(columns)
        exact = con.sql(f"SELECT * FROM read_csv_auto('{path}', all_varchar=true)").fetchall()
        expected = [tuple(row.values()) for row in read_all(folder / f"{name}.csv")]
        assert [tuple("" if v is None else v for v in row) for row in exact] == expected
    joined = con.sql(
        f"SELECT d.path, count(*) FROM read_csv_auto('{folder}/documents.csv') d "
        f"JOIN read_csv_auto('{folder}/recipients.csv') r ON r.doc_id = d.id "
        "GROUP BY d.path ORDER BY d.path").fetchall()
    assert joined == [("thư mục/cv, số 0.txt", 2), ("thư mục/cv, số 1.txt", 2)]


def test_manifest_loads_in_pandas_and_duckdb(tmp_path):
    pd = pytest.importorskip("pandas")
    duckdb = pytest.importorskip("duckdb")
    journal = Journal(tmp_path)
    journal.open()
    for i, message in enumerate(["", "dòng 1\ndòng 2, có \"ngoặc\""]):
        row = dict.fromkeys(MANIFEST_COLUMNS, "")
        row.update(path=f"a/{i}.txt", status="failed", error_message=message, pages=1)
        journal.append("{}", row)
    journal.commit()
    journal.close()
    frame = pd.read_csv(tmp_path / "manifest.csv", dtype=str, keep_default_na=False)
    assert list(frame.columns) == list(MANIFEST_COLUMNS)
    assert frame["error_message"].tolist() == ["", 'dòng 1\\ndòng 2, có "ngoặc"']
    rows = duckdb.sql(f"SELECT path FROM read_csv_auto('{tmp_path}/manifest.csv')").fetchall()
    assert rows == [("a/0.txt",), ("a/1.txt",)]
