"""Batch extraction: inputs, the journal's crash recovery, duplicates, resume, engines, SIGKILL."""

from __future__ import annotations

import csv
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import __version__
from pipeline.batch import Input, UsageError, discover, process, run_batch, run_local
from pipeline.manifest import COMPACT_MARKER, MANIFEST_COLUMNS, Journal, JournalError

ROOT = Path(__file__).resolve().parents[1]

# Fictional agencies, people and numbers; any resemblance is a template's.
AGENCIES = [
    ("UBND TỈNH BẮC NINH", "SỞ TÀI CHÍNH", "STC-QLG", "Bắc Ninh"),
    ("UBND THÀNH PHỐ HÀ NỘI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "SKHCN-TĐC", "Hà Nội"),
    ("BỘ GIÁO DỤC VÀ ĐÀO TẠO", "CỤC QUẢN LÝ CHẤT LƯỢNG", "QLCL-KĐCLGD", "Hà Nội"),
    ("UBND HUYỆN ĐÔNG ANH", "PHÒNG Y TẾ", "PYT", "Đông Anh"),
]
PEOPLE = ["Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Vũ Minh Đức"]


def letter(i: int) -> str:
    """A short fictional công văn; ``i`` varies the agency, number, dates and people."""
    parent, issuer, symbol, place = AGENCIES[i % len(AGENCIES)]
    day, month = 1 + i % 28, 1 + i % 12
    person, signer = PEOPLE[i % len(PEOPLE)], PEOPLE[(i + 2) % len(PEOPLE)]
    return (f"{parent}\n{issuer}\nSố: {100 + i}/{symbol}\nV/v báo cáo tình hình thực hiện "
            f"nhiệm vụ số {i}\n{place}, ngày {day:02d} tháng {month} năm 2024\n\n"
            f"Kính gửi: Các phòng, ban chuyên môn.\n\n"
            f"Đề nghị các đơn vị gửi báo cáo trước ngày {day:02d}/{month:02d}/2025.\n"
            f"Liên hệ: ông {person}, điện thoại 0912 345 {i % 1000:03d}.\n\n"
            f"Nơi nhận:\n- Như trên;\n- Lưu: VT.\n\nKT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC\n\n{signer}\n")


def write_letters(folder: Path, n: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + n):
        path = folder / f"cv_{i:04d}.txt"
        path.write_text(letter(i), encoding="utf-8")
        paths.append(path)
    return paths


def write_mixed(folder: Path) -> dict[str, str]:
    """Good letters with failing inputs mixed in; returns {path: expected manifest status}."""
    expected = {str(p): "ok|partial" for p in write_letters(folder, 4)}
    (folder / "empty.txt").write_bytes(b"")
    expected[str(folder / "empty.txt")] = "failed"
    (folder / "scan.xyz").write_bytes(b"not a letter")
    expected[str(folder / "scan.xyz")] = "unsupported"
    (folder / "garbled.txt").write_bytes(b"\x81\x8d\x8f\x90\x9d\xff\xfe\x00\x01")
    expected[str(folder / "garbled.txt")] = "ok|partial|failed"
    (folder / "named.txt").mkdir()                 # a folder named like a file
    (folder / "named.txt" / "inner.txt").write_text(letter(50), encoding="utf-8")
    expected[str(folder / "named.txt" / "inner.txt")] = "ok|partial"
    (folder / "copies").mkdir()
    (folder / "copies" / "same.txt").write_bytes((folder / "cv_0001.txt").read_bytes())
    expected[str(folder / "copies" / "same.txt")] = "duplicate"
    (folder / ".hidden.txt").write_text(letter(60), encoding="utf-8")   # skipped
    return expected


def read_records(out: Path) -> list[dict]:
    data = (out / "records.jsonl").read_bytes()
    assert not data or data.endswith(b"\n"), "records.jsonl ends in a torn line"
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def read_manifest(out: Path) -> list[dict]:
    with open(out / "manifest.csv", encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == MANIFEST_COLUMNS
        return list(reader)


def assert_consistent(out: Path, inputs: set[str]) -> None:
    """Exactly one record and one manifest row per input; records/ and tables agree."""
    records = read_records(out)
    paths = [r["source"]["path"] for r in records]
    assert len(paths) == len(set(paths)), "a path has two records"
    assert set(paths) == inputs
    rows = read_manifest(out)
    assert [r["path"] for r in rows] == paths, "manifest and records.jsonl not paired"
    for record, row in zip(records, rows):
        assert record["id"] == row["id"]
    files = sorted(p.name for p in (out / "records").iterdir())
    assert len(files) == len(inputs), "records/ holds other files than one per input"
    with open(out / "documents.csv", encoding="utf-8", newline="") as f:
        assert [r["path"] for r in csv.DictReader(f)] == paths


# --- inputs ---------------------------------------------------------------------------------

def test_discover_walks_folders_and_skips_hidden_names(tmp_path):
    (tmp_path / "a" / ".git").mkdir(parents=True)
    (tmp_path / "a" / ".git" / "x.txt").write_text("x")
    (tmp_path / "a" / ".h.txt").write_text("x")
    (tmp_path / "a" / "b.txt").write_text("x")
    (tmp_path / "a" / "c.md").write_text("x")
    (tmp_path / "a" / "d.xyz").write_text("x")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")     # a cycle: walked once
    (tmp_path / ".explicit.txt").write_text("x")
    found = discover([str(tmp_path / "a"), str(tmp_path / ".explicit.txt"),
                      str(tmp_path / "a" / "b.txt")])
    names = [os.path.relpath(p, tmp_path) for p in found]
    assert names == ["a/b.txt", "a/c.md", "a/d.xyz", ".explicit.txt"]


def test_an_output_folder_inside_the_input_is_not_read(tmp_path):
    write_letters(tmp_path, 2)
    for _ in range(2):
        summary = run_batch([str(tmp_path)], tmp_path / "out", jobs=1, progress="off")
        assert sum(summary.counts.values()) == 2 and summary.exit_status == 0


def test_discover_rejects_a_missing_path(tmp_path):
    with pytest.raises(UsageError, match="no such file"):
        discover([str(tmp_path / "missing.txt")])


# --- the journal: every state a kill can leave ----------------------------------------------

def _row(path: str, **kw) -> dict:
    row = dict.fromkeys(MANIFEST_COLUMNS, "")
    row.update(path=path, status="ok", id="i-" + path, pipeline_version=__version__, **kw)
    return row


def _journal_with(tmp_path: Path, n: int) -> Path:
    j = Journal(tmp_path)
    j.open()
    for i in range(n):
        j.append(json.dumps({"source": {"path": f"p{i}"}}), _row(f"p{i}"))
    j.commit()
    j.close()
    return tmp_path


def _reopen(folder: Path) -> Journal:
    j = Journal(folder)
    j.open()
    j.close()
    return j


def _line_count(path: Path) -> int:
    return path.read_bytes().count(b"\n")


@pytest.mark.parametrize("damage, committed", [
    ("none", 3),
    ("torn record line", 3),          # killed while writing a record
    ("record without manifest row", 3),  # killed between the fsyncs of a group commit
    ("torn manifest row", 2),         # killed while writing a row: its pair is dropped
    ("torn header", 0),               # killed while creating the manifest
    ("manifest row without record", 2),  # impossible by protocol; still repaired
])
def test_journal_recovers_from_a_kill(tmp_path, damage, committed):
    folder = _journal_with(tmp_path, 3)
    records, manifest = folder / "records.jsonl", folder / "manifest.csv"
    if damage == "torn record line":
        with open(records, "ab") as f:
            f.write(b'{"source": {"pa')
    elif damage == "record without manifest row":
        with open(records, "ab") as f:
            f.write(b'{"source": {"path": "p9"}}\n')
    elif damage == "torn manifest row":
        manifest.write_bytes(manifest.read_bytes()[:-5])
    elif damage == "torn header":     # only possible before the first record is written
        manifest.write_bytes(manifest.read_bytes()[:10])
        records.write_bytes(b"")
    elif damage == "manifest row without record":
        data = records.read_bytes()
        records.write_bytes(data[:data.rindex(b"\n", 0, len(data) - 1) + 1])
    j = _reopen(folder)
    assert sorted(j.index) == [f"p{i}" for i in range(committed)]
    assert _line_count(records) == committed
    assert _line_count(manifest) == committed + 1
    assert records.read_bytes().endswith(b"\n") or committed == 0


@pytest.mark.parametrize("marker", [True, False])
def test_journal_finishes_or_drops_an_interrupted_compaction(tmp_path, marker):
    folder = _journal_with(tmp_path, 3)
    j = Journal(folder)
    j.open()
    compactor = j.compactor()
    for entry in sorted(j.index.values(), key=lambda e: e.path)[:2]:
        compactor.add(j.read_line(entry), entry)
    for f in (compactor._records, compactor._manifest):
        f.close()
    if marker:      # killed after the marker, before or between the renames
        (folder / COMPACT_MARKER).write_bytes(b"")
        os.replace(folder / "records.jsonl.compact", folder / "records.jsonl")
    j.close()
    j = _reopen(folder)
    assert len(j.index) == (2 if marker else 3)
    assert _line_count(folder / "records.jsonl") == len(j.index)
    assert not list(folder.glob("*.compact")) and not (folder / COMPACT_MARKER).exists()


def test_journal_refuses_a_second_writer(tmp_path):
    j = Journal(tmp_path)
    j.open()
    try:
        with pytest.raises(JournalError, match="another congvan run"):
            Journal(tmp_path).open()
    finally:
        j.close()


def test_journal_never_truncates_a_records_file_it_did_not_write(tmp_path):
    (tmp_path / "records.jsonl").write_text('{"mine": 1}\n')
    with pytest.raises(JournalError, match="not a congvan output folder"):
        Journal(tmp_path).open()
    assert (tmp_path / "records.jsonl").read_text() == '{"mine": 1}\n'


def test_journal_refuses_a_foreign_manifest(tmp_path):
    (tmp_path / "manifest.csv").write_text("file,state\nx,ok\n")
    with pytest.raises(JournalError, match="not a manifest"):
        Journal(tmp_path).open()


# --- a batch --------------------------------------------------------------------------------

def _statuses(out: Path) -> dict[str, str]:
    return {r["path"]: r["status"] for r in read_manifest(out)}


def test_mixed_batch_gives_one_record_per_input(tmp_path):
    expected = write_mixed(tmp_path / "in")
    out = tmp_path / "out"
    summary = run_batch([str(tmp_path / "in")], out, jobs=2, progress="off")
    assert_consistent(out, set(expected))
    for path, status in _statuses(out).items():
        assert status in expected[path].split("|"), path
    assert summary.exit_status == 3
    records = {r["source"]["path"]: r for r in read_records(out)}
    empty = records[str(tmp_path / "in" / "empty.txt")]
    assert empty["status"] == "failed" and empty["warnings"][-1]["code"] == "input.empty"
    assert records[str(tmp_path / "in" / "scan.xyz")]["warnings"][-1]["code"] \
        == "input.unsupported"


def test_duplicates_are_extracted_once_and_copied(tmp_path):
    src = tmp_path / "in"
    first = write_letters(src, 1)[0]
    for name in ("x.txt", "y/z.txt"):     # discovered after the first: it is the original
        (src / name).parent.mkdir(exist_ok=True)
        (src / name).write_bytes(first.read_bytes())
    out = tmp_path / "out"
    summary = run_batch([str(src)], out, jobs=1, progress="off")
    assert summary.extracted == 1 and summary.exit_status == 0
    rows = {r["path"]: r for r in read_manifest(out)}
    for name in ("x.txt", "y/z.txt"):
        row = rows[str(src / name)]
        assert (row["status"], row["duplicate_of"]) == ("duplicate", str(first))
    records = read_records(out)
    assert len({r["id"] for r in records}) == 1
    stripped = [{**r, "source": {**r["source"], "path": None}} for r in records]
    assert stripped[0] == stripped[1] == stripped[2]
    # Item tables hold one set of rows per distinct document, not per path.
    with open(out / "recipients.csv", encoding="utf-8") as f:
        assert len(list(csv.DictReader(f))) == len(records[0]["recipients"])


def test_empty_files_are_not_duplicates_of_each_other(tmp_path):
    (tmp_path / "in").mkdir()
    for name in ("a.txt", "b.txt"):
        (tmp_path / "in" / name).write_bytes(b"")
    run_batch([str(tmp_path / "in")], tmp_path / "out", jobs=1, progress="off")
    assert set(_statuses(tmp_path / "out").values()) == {"failed"}


def test_resume_skips_done_documents_and_redoes_changed_ones(tmp_path):
    src, out = tmp_path / "in", tmp_path / "out"
    write_letters(src, 6)
    run_batch([str(src)], out, jobs=2, progress="off")
    before = (out / "records.jsonl").read_bytes()
    again = run_batch([str(src)], out, jobs=2, progress="off")
    assert (again.extracted, again.skipped) == (0, 6)
    assert (out / "records.jsonl").read_bytes() == before
    assert_consistent(out, {str(p) for p in src.iterdir()})      # a run with nothing to do
    (src / "cv_0002.txt").write_text(letter(99), encoding="utf-8")     # new bytes
    (src / "cv_0009.txt").write_text(letter(9), encoding="utf-8")      # a new input
    third = run_batch([str(src)], out, jobs=2, progress="off")
    assert (third.extracted, third.skipped) == (2, 5)
    assert_consistent(out, {str(p) for p in src.iterdir()})
    record = next(r for r in read_records(out) if r["source"]["path"].endswith("cv_0002.txt"))
    assert "199/" in record["text"]


def test_temporaries_of_a_killed_finalize_are_removed(tmp_path):
    write_letters(tmp_path / "in", 2)
    out = tmp_path / "out"
    run_batch([str(tmp_path / "in")], out, jobs=1, progress="off")
    (out / ".documents.csv.tmp-99999").write_text("id,pa")       # as a kill leaves them
    (out / "records" / ".cv_0000.json.tmp-99999").write_text("{")
    (out / "manifest.csv").touch()                               # so the tables are rebuilt
    run_batch([str(tmp_path / "in")], out, jobs=1, progress="off")
    assert not [p for p in out.rglob("*") if ".tmp-" in p.name]


def test_output_folder_keeps_inputs_of_earlier_runs(tmp_path):
    a, b = write_letters(tmp_path / "a", 2), write_letters(tmp_path / "b", 2, start=10)
    out = tmp_path / "out"
    run_batch([str(tmp_path / "a")], out, jobs=1, progress="off")
    summary = run_batch([str(tmp_path / "b")], out, jobs=1, progress="off")
    assert sum(summary.counts.values()) == 2      # the summary speaks of this run's inputs
    assert_consistent(out, {str(p) for p in a + b})


def test_a_fifo_and_a_broken_link_fail_without_blocking(tmp_path):
    (tmp_path / "in").mkdir()
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    (tmp_path / "in" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    run_batch([str(tmp_path / "in")], tmp_path / "out", jobs=1, progress="off")
    rows = read_manifest(tmp_path / "out")
    assert [(r["status"], r["error_code"]) for r in rows] == [("failed", "input.unreadable")] * 2


def crashing_task(path: str, stage: str | None = None):
    """A worker task that dies like a segfaulting library on files named *crash*."""
    if "crash" in Path(path).name:
        os.kill(os.getpid(), signal.SIGKILL)
    return process(path, stage)


def test_a_worker_that_dies_fails_its_document_only(tmp_path):
    paths = write_letters(tmp_path, 6)
    crash = tmp_path / "crash.txt"
    crash.write_text(letter(7), encoding="utf-8")
    items = [Input(str(p), "0" * 64, 1) for p in [*paths[:3], crash, *paths[3:]]]
    results = {r.path: r for r in run_local(items, 2, task=crashing_task)}
    assert set(results) == {i.path for i in items}
    assert results[str(crash)].error_code == "internal"
    assert "worker process died" in results[str(crash)].error_message
    assert all(results[str(p)].status != "failed" for p in paths)


def test_a_pool_whose_workers_cannot_start_stops_the_batch(tmp_path, monkeypatch):
    from pipeline import batch
    monkeypatch.setattr(batch, "_init_worker", _die_at_start)
    items = [Input(str(p), "0" * 64, 1) for p in write_letters(tmp_path, 3)]
    with pytest.raises(batch.WorkerStartError):
        list(run_local(items, 1))


def _die_at_start():
    os._exit(3)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")   # Ray's own, about its options
def test_ray_engine_gives_the_same_records(tmp_path):
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'congvan[ray]')")
    write_mixed(tmp_path / "in")
    local, ray_out = tmp_path / "local", tmp_path / "ray"
    run_batch([str(tmp_path / "in")], local, jobs=2, progress="off")
    run_batch([str(tmp_path / "in")], ray_out, jobs=2, engine="ray", progress="off")
    assert (ray_out / "records.jsonl").read_bytes() == (local / "records.jsonl").read_bytes()
    for table in ("documents.csv", "warnings.csv", "contacts.csv"):
        assert (ray_out / table).read_bytes() == (local / table).read_bytes()


# --- SIGKILL at any moment ------------------------------------------------------------------

N_LETTERS = 200


@pytest.fixture(scope="module")
def kill_inputs(tmp_path_factory):
    """200 letters, two copies and two failing files; and the output of an undisturbed run."""
    root = tmp_path_factory.mktemp("kill")
    src = root / "in"
    write_letters(src, N_LETTERS)
    (src / "copy_a.txt").write_bytes((src / "cv_0003.txt").read_bytes())
    (src / "copy_b.txt").write_bytes((src / "cv_0004.txt").read_bytes())
    (src / "empty.txt").write_bytes(b"")
    (src / "scan.xyz").write_bytes(b"x")
    baseline = root / "baseline"
    start = time.monotonic()
    proc = _cli(src, baseline)
    assert proc.wait(120) == 3
    return src, baseline, time.monotonic() - start


def _cli(src: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline.cli", "extract", str(src),
                             "--out", str(out), "--jobs", "2"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def _manifest_rows(out: Path) -> int:
    try:
        return max(0, (out / "manifest.csv").read_bytes().count(b"\n") - 1)
    except FileNotFoundError:
        return 0


def _kill(proc: subprocess.Popen, whole_group: bool) -> None:
    if whole_group:
        os.killpg(proc.pid, signal.SIGKILL)     # the machine-wide kill: parent and workers
    else:
        os.kill(proc.pid, signal.SIGKILL)       # the OOM killer's: the parent alone
    proc.wait()


def _tables(out: Path) -> dict[str, bytes]:
    names = [p.name for p in out.glob("*.csv") if p.name != "manifest.csv"]
    files = {n: (out / n).read_bytes() for n in names}
    files.update({f"records/{p.name}": p.read_bytes() for p in (out / "records").iterdir()})
    files["records.jsonl"] = (out / "records.jsonl").read_bytes()
    return files


def _stable(rows: list[dict]) -> list[tuple]:
    keep = ("path", "status", "duplicate_of", "id", "sha256", "error_code")
    return [tuple(r[k] for k in keep) for r in rows]


@pytest.mark.parametrize("when", [
    ("rows", 1), ("rows", 150),             # after N manifest rows are on disk
    ("fraction", 0.5), ("fraction", 0.9),   # after a share of an undisturbed run's time
    ("parent only", 60),                    # the workers live on, orphaned
    ("three kills", 0),                     # three random kills before the run that finishes
], ids=lambda w: f"{w[0]}-{w[1]}".replace(" ", "_"))
def test_sigkill_then_rerun_completes_the_batch(kill_inputs, tmp_path, when):
    src, baseline, duration = kill_inputs
    out = tmp_path / "out"
    kind, value = when
    rng = random.Random(f"{kind}{value}")
    rounds = 3 if kind == "three kills" else 1
    seen_rows = 0
    for _ in range(rounds):
        proc = _cli(src, out)
        if kind in ("rows", "parent only"):
            while _manifest_rows(out) < value and proc.poll() is None:
                time.sleep(0.002)
        else:
            fraction = value or rng.uniform(0.1, 0.9)
            try:
                proc.wait(duration * fraction)
            except subprocess.TimeoutExpired:
                pass
        seen_rows = _manifest_rows(out)
        if proc.poll() is None:
            _kill(proc, whole_group=kind != "parent only")
    rerun = _cli(src, out)
    _, err = rerun.communicate(timeout=120)
    assert rerun.returncode == 3, err.decode()
    done = int(err.decode().split(" already done")[0].rsplit(" ", 1)[-1])
    assert done >= min(seen_rows, N_LETTERS + 4)   # committed work is not redone
    inputs = {str(p) for p in src.iterdir()}
    assert_consistent(out, inputs)
    assert _stable(read_manifest(out)) == _stable(read_manifest(baseline))
    assert _tables(out) == _tables(baseline)
    leftovers = [p.name for p in out.iterdir() if ".tmp-" in p.name or p.suffix == ".compact"]
    assert not leftovers
