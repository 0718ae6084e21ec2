"""``records.jsonl`` + ``manifest.csv``: the batch's journal, safe against a kill at any moment.

The protocol (each step is something a crash can interrupt; recovery is in ``Journal.open``):

1. **Pairing.** Line *i* of ``records.jsonl`` and data row *i* of ``manifest.csv`` describe
   the same input. A record line and a manifest row are each one physical line (JSON escapes
   newlines; manifest values are made single-line), so a line is whole iff it ends in "\\n".
2. **Commit.** Results are committed in groups: the group's record lines are written, flushed
   and fsynced, *then* its manifest rows are written, flushed and fsynced. So on disk the
   manifest never has more whole rows than ``records.jsonl`` has whole lines, and an input is
   committed exactly when its manifest row is whole.
3. **Recovery.** On open, both files are cut back to their committed prefix: n = min(whole
   manifest rows, whole record lines); a torn last line, and records written after the last
   committed row, are truncated away. Nothing committed is ever rewritten in place.
4. **Re-runs.** An input processed again (its bytes or the pipeline version changed) is
   appended again; the last row for a path wins, earlier ones are *superseded*.
5. **Compaction** (at the end of a run) writes both files anew, in path order and without
   superseded pairs, to ``*.compact`` files, fsyncs them, creates the marker ``.compact-ready``,
   then renames each over its original and deletes the marker. Recovery with the marker
   present finishes the renames (roll forward); without it, it deletes the ``*.compact`` files
   (roll back). Either way the two files always form a pair.

A lock file (``.lock``, ``flock``) keeps two runs from writing the same folder at once; the
kernel releases it when the process dies, however it dies.
"""

from __future__ import annotations

import csv
import dataclasses
import fcntl
import io
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.export import ENCODING_ERRORS, fsync_dir

RECORDS = "records.jsonl"
MANIFEST = "manifest.csv"
LOCK = ".lock"
COMPACT_MARKER = ".compact-ready"
COMPACT_SUFFIX = ".compact"

# Stable order: add columns at the end only (docs/tables.md documents each).
MANIFEST_COLUMNS = (
    "path", "status", "duplicate_of", "id", "sha256", "bytes", "kind", "pages",
    "warning_count", "error_code", "error_message", "seconds", "pipeline_version", "finished_at",
)
MANIFEST_STATUSES = ("ok", "partial", "failed", "unsupported", "duplicate")
_HEADER = (",".join(MANIFEST_COLUMNS) + "\n").encode("ascii")


class JournalError(Exception):
    """The output folder cannot be used (locked by another run, or not a congvan folder)."""


def one_line(value: object) -> str:
    """A manifest cell: one physical line, so a torn row is always recognisable."""
    text = "" if value is None else str(value)
    if "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\r", "\\r").replace("\n", "\\n")
    return text


def _csv_line(row: dict) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow([one_line(row.get(c)) for c in MANIFEST_COLUMNS])
    return buf.getvalue()


@dataclasses.dataclass(slots=True)
class Entry:
    """One committed input: what planning needs, and where its two lines are.

    Kept small (one per input, tens of thousands in memory): the whole manifest row is read
    back from the file by ``Journal.read_row`` when it is needed.
    """

    path: str
    status: str
    duplicate_of: str
    sha256: str
    empty: bool               # a 0-byte file: never a reference for duplicates
    error_code: str
    pipeline_version: str
    offset: int               # the record line in records.jsonl (newline included)
    length: int
    row_offset: int           # the row in manifest.csv (newline included)
    row_length: int

    @classmethod
    def of(cls, row: dict[str, str], offset: int, length: int, row_offset: int,
           row_length: int) -> Entry:
        intern = sys.intern   # a handful of distinct values, shared by every entry
        return cls(row["path"], intern(row["status"]), row["duplicate_of"], row["sha256"],
                   row["bytes"] == "0", intern(row["error_code"]),
                   intern(row["pipeline_version"]), offset, length, row_offset, row_length)


class Journal:
    """The append-only pair ``records.jsonl`` / ``manifest.csv`` in ``folder``.

    ``open()`` (locks and recovers), then ``append(line, row)`` per result, ``commit()`` at
    the end (and ``tick()`` while waiting), ``close()``. ``index`` maps each committed path to
    its :class:`Entry`.
    """

    commit_every = 0.5     # seconds: results at risk from a kill are at most this old
    commit_rows = 512      # or this many results, whichever comes first

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.records_path = self.folder / RECORDS
        self.manifest_path = self.folder / MANIFEST
        self.index: dict[str, Entry] = {}   # path -> its last committed pair
        # Called with the rows of each group just committed (after their fsync).
        self.after_commit: Callable[[list[dict]], None] | None = None
        self._lock_fd: int | None = None
        self._records = None
        self._manifest = None
        self._pending: list[tuple[dict, int, int]] = []
        self._end = 0            # byte size of records.jsonl including unflushed writes
        self._last_commit = time.monotonic()

    # -- opening and recovery ----------------------------------------------------------------

    def open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        self._lock()
        self._finish_compaction()
        self._recover()
        self._records = open(self.records_path, "ab")
        self._manifest = open(self.manifest_path, "ab")
        if self._manifest.tell() == 0:
            self._manifest.write(_HEADER)
            self._manifest.flush()
            os.fsync(self._manifest.fileno())
        fsync_dir(self.folder)
        self._end = self._records.tell()
        self._row_end = self._manifest.tell()

    def _lock(self) -> None:
        fd = os.open(self.folder / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise JournalError(f"{self.folder} is being written by another congvan run") from None
        self._lock_fd = fd

    def _compact_pairs(self) -> list[tuple[Path, Path]]:
        return [(p.with_name(p.name + COMPACT_SUFFIX), p)
                for p in (self.records_path, self.manifest_path)]

    def _finish_compaction(self) -> None:
        marker = self.folder / COMPACT_MARKER
        if marker.exists():            # roll forward: both new files are complete
            for tmp, final in self._compact_pairs():
                if tmp.exists():
                    os.replace(tmp, final)
            fsync_dir(self.folder)
            marker.unlink()
        else:                          # roll back: a compaction died before its marker
            for tmp, _ in self._compact_pairs():
                tmp.unlink(missing_ok=True)
        fsync_dir(self.folder)

    def _read_manifest(self) -> tuple[list[dict[str, str]], list[int], bool]:
        """Whole, well-formed manifest rows, the byte length of each, and whether the header is."""
        try:
            data = self.manifest_path.read_bytes()
        except FileNotFoundError:
            return [], [], False
        if not data.startswith(_HEADER):
            if _HEADER.startswith(data):   # torn header: nothing was committed
                return [], [], False
            raise JournalError(
                f"{self.manifest_path} is not a manifest of this congvan version (its columns "
                f"differ from {', '.join(MANIFEST_COLUMNS)}); write to a new --out folder")
        rows, sizes = [], []
        lines = data[len(_HEADER):].split(b"\n")
        for line in lines[:-1]:            # the last piece has no newline: torn or empty
            try:
                cells = next(csv.reader([line.decode("utf-8", ENCODING_ERRORS)]))
            except (csv.Error, StopIteration):
                break
            if len(cells) != len(MANIFEST_COLUMNS):
                break
            rows.append(dict(zip(MANIFEST_COLUMNS, cells)))
            sizes.append(len(line) + 1)
        return rows, sizes, True

    def _record_offsets(self) -> list[int]:
        """Start offset of each whole line of records.jsonl, then the end of the last one."""
        offsets = [0]
        try:
            f = open(self.records_path, "rb")
        except FileNotFoundError:
            return offsets
        with f:
            pos = 0
            for line in f:
                if not line.endswith(b"\n"):
                    break
                pos += len(line)
                offsets.append(pos)
        return offsets

    def _recover(self) -> None:
        rows, sizes, has_header = self._read_manifest()
        offsets = self._record_offsets()
        if not has_header and self.records_path.exists() and self.records_path.stat().st_size:
            # open() writes the header before any record, so this is no state of ours: a
            # foreign records.jsonl, or a deleted manifest. Refuse rather than truncate it.
            raise JournalError(f"{self.records_path} exists but {self.manifest_path.name} does "
                               "not: not a congvan output folder; write to a new --out folder")
        n = min(len(rows), len(offsets) - 1)
        self._truncate(self.records_path, offsets[n])
        # Without a whole header nothing was committed; open() writes the header anew.
        self._truncate(self.manifest_path, len(_HEADER) + sum(sizes[:n]) if has_header else 0)
        self.index = {}
        row_offset = len(_HEADER)
        for i in range(n):
            self.index[rows[i]["path"]] = Entry.of(rows[i], offsets[i], offsets[i + 1] - offsets[i],
                                                   row_offset, sizes[i])
            row_offset += sizes[i]

    @staticmethod
    def _truncate(path: Path, size: int) -> None:
        if not path.exists() or path.stat().st_size == size:
            return
        with open(path, "r+b") as f:
            f.truncate(size)
            f.flush()
            os.fsync(f.fileno())

    # -- appending ---------------------------------------------------------------------------

    def append(self, line: str, row: dict) -> None:
        """Add one record line and its manifest row; committed by a later ``commit``."""
        data = line.encode("utf-8", ENCODING_ERRORS) + b"\n"
        self._records.write(data)
        self._pending.append((row, self._end, len(data)))
        self._end += len(data)
        if (len(self._pending) >= self.commit_rows
                or time.monotonic() - self._last_commit >= self.commit_every):
            self.commit()

    def commit(self) -> None:
        """Make every appended pair durable: records first, then their manifest rows."""
        self._last_commit = time.monotonic()
        if not self._pending:
            return
        self._records.flush()
        os.fsync(self._records.fileno())
        lines = [_csv_line(row).encode("utf-8", ENCODING_ERRORS) for row, _, _ in self._pending]
        self._manifest.write(b"".join(lines))
        self._manifest.flush()
        os.fsync(self._manifest.fileno())
        for (row, offset, length), line in zip(self._pending, lines):
            row = {c: one_line(row.get(c)) for c in MANIFEST_COLUMNS}
            self.index[row["path"]] = Entry.of(row, offset, length, self._row_end, len(line))
            self._row_end += len(line)
        committed, self._pending = self._pending, []
        if self.after_commit is not None:
            self.after_commit([row for row, _, _ in committed])

    def tick(self) -> None:
        """Commit if the last commit is older than ``commit_every`` (call while waiting)."""
        if self._pending and time.monotonic() - self._last_commit >= self.commit_every:
            self.commit()

    def read_line(self, entry: Entry) -> str:
        """The record line (without newline) of a committed entry."""
        return self._pread(self.records_path, entry.offset, entry.length)[:-1] \
            .decode("utf-8", ENCODING_ERRORS)

    def read_row(self, entry: Entry) -> dict[str, str]:
        """The manifest row of a committed entry."""
        line = self._pread(self.manifest_path, entry.row_offset, entry.row_length)
        return dict(zip(MANIFEST_COLUMNS, next(csv.reader([line.decode("utf-8",
                                                                      ENCODING_ERRORS)]))))

    @staticmethod
    def _pread(path: Path, offset: int, length: int) -> bytes:
        fd = os.open(path, os.O_RDONLY)
        try:
            return os.pread(fd, length, offset)
        finally:
            os.close(fd)

    # -- compaction --------------------------------------------------------------------------

    def compactor(self) -> "Compactor":
        """Rewrite both files from ``add`` calls; see step 5 in the module docstring."""
        self.commit()
        return Compactor(self)

    def close(self) -> None:
        for f in (self._records, self._manifest):
            if f is not None:
                f.close()
        self._records = self._manifest = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None


class Compactor:
    """New ``records.jsonl`` and ``manifest.csv`` written side by side, swapped in at ``commit``."""

    def __init__(self, journal: Journal):
        self.journal = journal
        (self._rtmp, _), (self._mtmp, _) = journal._compact_pairs()
        self._records = open(self._rtmp, "wb")
        self._manifest = open(self._mtmp, "wb")
        self._manifest.write(_HEADER)
        self._index: dict[str, Entry] = {}
        self._end = 0
        self._row_end = len(_HEADER)

    def add(self, line: str, entry: Entry) -> None:
        """Copy one committed pair: ``line`` is its record, read with ``read_line``."""
        data = line.encode("utf-8", ENCODING_ERRORS) + b"\n"
        row = Journal._pread(self.journal.manifest_path, entry.row_offset, entry.row_length)
        self._records.write(data)
        self._manifest.write(row)
        self._index[entry.path] = dataclasses.replace(
            entry, offset=self._end, length=len(data), row_offset=self._row_end)
        self._end += len(data)
        self._row_end += len(row)

    def commit(self) -> None:
        j = self.journal
        for f in (self._records, self._manifest):
            f.flush()
            os.fsync(f.fileno())
            f.close()
        for f in (j._records, j._manifest):
            f.close()
        marker = j.folder / COMPACT_MARKER
        with open(marker, "wb") as f:
            os.fsync(f.fileno())
        fsync_dir(j.folder)
        j._finish_compaction()
        j.index = self._index
        j._records = open(j.records_path, "ab")
        j._manifest = open(j.manifest_path, "ab")
        j._end = j._records.tell()
        j._row_end = j._manifest.tell()

    def abort(self) -> None:
        for f in (self._records, self._manifest):
            f.close()
        self._rtmp.unlink(missing_ok=True)
        self._mtmp.unlink(missing_ok=True)
