"""Records out: JSON, JSON Lines and the analysts' CSV tables, every file written atomically.

The tables flatten records for pandas, DuckDB and spreadsheets; ``docs/tables.md`` documents
each column. Column orders are part of that contract: add columns at the end, never reorder.
A value missing from the record is an empty cell; a list inside a cell (a contact's phones)
is joined by ``LIST_SEPARATOR``, which no value of those fields can contain.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from pathlib import Path, PurePath
from typing import Any

from pipeline.schema import (Contact, Deadline, DispatchRecord, DistributionItem, Recipient,
                             RecordWarning, Reference)

LIST_SEPARATOR = " | "
# Values are written as UTF-8; a file name that is not valid UTF-8 (surrogate-escaped by
# Python) is written as a backslash escape rather than breaking the file's encoding.
ENCODING_ERRORS = "backslashreplace"


# --- JSON -----------------------------------------------------------------------------------

def record_line(record: DispatchRecord | dict) -> str:
    """One record as one line of JSON (no newline): the ``records.jsonl`` form."""
    data = record.model_dump(mode="json") if isinstance(record, DispatchRecord) else record
    return json.dumps(data, ensure_ascii=False)


def record_pretty(record: DispatchRecord | dict) -> str:
    """One record as indented JSON with a final newline: ``records/<name>.json`` and stdout."""
    data = record.model_dump(mode="json") if isinstance(record, DispatchRecord) else record
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- atomic files ---------------------------------------------------------------------------

def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (a no-op where directories can't sync)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextmanager
def atomic_open(path: Path, *, sync: bool = True):
    """Open ``path`` for writing text; it appears, complete, only when the block succeeds.

    Written to a temporary file in the same folder, then flushed, fsynced and renamed over
    ``path`` (rename is atomic on POSIX), so a reader or a crash never sees half a file.
    """
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    f = open(tmp, "w", encoding="utf-8", errors=ENCODING_ERRORS, newline="")
    try:
        yield f
        f.flush()
        if sync:
            os.fsync(f.fileno())
        f.close()
        os.replace(tmp, path)
    except BaseException:
        f.close()
        tmp.unlink(missing_ok=True)
        raise


def remove_temporaries(folder: Path) -> None:
    """Delete what ``atomic_open`` left in ``folder`` when a process died mid-write.

    Only call it while holding the folder's lock: then no temporary file is in use.
    """
    for path in folder.glob(".*.tmp-*"):
        path.unlink(missing_ok=True)


# --- per-document JSON files ----------------------------------------------------------------

def record_file_names(paths: Iterable[str]) -> dict[str, str]:
    """``records/`` file name for each input path: its stem, or stem plus a path hash on a clash.

    A stem shared by several inputs (compared case-insensitively, for case-insensitive file
    systems) gets ``-`` and 8 hex digits of the path's SHA-1, so a clashing path's name does
    not depend on which, or how many, other paths clash with it:
    ``a/12.txt`` and ``b/12.txt`` -> ``12-3f2a91c0.json`` and ``12-b71e0d44.json``.
    """
    paths = list(paths)
    by_stem: dict[str, list[str]] = {}
    for p in paths:
        by_stem.setdefault(PurePath(p).stem.casefold(), []).append(p)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for group in by_stem.values():
        if len(group) == 1:
            names[group[0]] = PurePath(group[0]).stem + ".json"
            taken.add(names[group[0]].casefold())
    for group in by_stem.values():
        if len(group) > 1:
            for p in group:
                digest = hashlib.sha1(p.encode("utf-8", "surrogateescape")).hexdigest()
                for width in (8, 16, 40):
                    name = f"{PurePath(p).stem}-{digest[:width]}.json"
                    if name.casefold() not in taken:
                        break
                names[p] = name
                taken.add(name.casefold())
    return names


class RecordFiles:
    """Writes ``records/<name>.json``; files not written in this pass are removed at ``finish``.

    A file whose content is already right is left alone, so a re-run rewrites only what changed.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self._written: set[str] = set()

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def keep(self, name: str) -> None:
        """Leave ``name`` as it is (known to be current) and do not remove it at ``finish``."""
        self._written.add(name)

    def put(self, name: str, text: str) -> None:
        self._written.add(name)
        path = self.folder / name
        data = text.encode("utf-8", ENCODING_ERRORS)
        try:
            if path.stat().st_size == len(data) and path.read_bytes() == data:
                return
        except OSError:
            pass
        # No fsync per file: records.jsonl is the durable copy and a re-run rewrites any file
        # that a power cut left wrong; the rename still keeps every file whole.
        with atomic_open(path, sync=False) as f:
            f.write(text)

    def finish(self) -> None:
        for entry in os.scandir(self.folder):
            if entry.name not in self._written and entry.is_file(follow_symlinks=False):
                os.unlink(entry.path)
        fsync_dir(self.folder)


# --- CSV tables -----------------------------------------------------------------------------

def _cell(value: Any) -> str | int | float:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(v) for v in value)
    return value


def _at(record: dict, *keys: str) -> Any:
    value: Any = record
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


# documents.csv: one row per record, i.e. per input path. (column, value from the record dict)
DOCUMENT_COLUMNS: tuple[tuple[str, Callable[[dict], Any]], ...] = (
    ("id", lambda r: r["id"]),
    ("path", lambda r: _at(r, "source", "path")),
    ("kind", lambda r: _at(r, "source", "kind")),
    ("pages", lambda r: _at(r, "source", "pages")),
    ("status", lambda r: r.get("status")),
    ("warning_count", lambda r: len(r.get("warnings") or [])),
    ("document_type", lambda r: r.get("document_type")),
    ("number", lambda r: _at(r, "number", "number")),
    ("symbol", lambda r: _at(r, "number", "symbol")),
    ("issuer", lambda r: _at(r, "issuer", "name")),
    ("issuer_parent", lambda r: _at(r, "issuer", "parent")),
    ("place", lambda r: r.get("place")),
    ("issued_date", lambda r: _at(r, "issued", "date")),
    ("subject", lambda r: r.get("subject")),
    ("signer_name", lambda r: _at(r, "signer", "name")),
    ("signer_position", lambda r: _at(r, "signer", "position")),
    ("signer_on_behalf", lambda r: _at(r, "signer", "on_behalf")),
    ("phones", lambda r: r.get("phones")),
    ("emails", lambda r: r.get("emails")),
    ("urls", lambda r: r.get("urls")),
    ("recipient_count", lambda r: len(r.get("recipients") or [])),
    ("reference_count", lambda r: len(r.get("references") or [])),
    ("deadline_count", lambda r: len(r.get("deadlines") or [])),
    ("encoding", lambda r: _at(r, "source", "encoding")),
    ("ocr_confidence", lambda r: _at(r, "source", "ocr", "mean_confidence")),
    ("pipeline_version", lambda r: r.get("pipeline_version")),
)
# Record fields that documents.csv leaves out on purpose (the full text is in records.jsonl).
DOCUMENT_OMITTED = frozenset({"schema_version", "text"})

# Item tables: file stem -> (record list field, its item model, the item's columns in order).
# Every item table starts with doc_id, idx (0-based, the item's index in the record's list)
# and ends with raw, span_start, span_end where the model has them.
ITEM_TABLES: dict[str, tuple[str, type, tuple[str, ...]]] = {
    "recipients": ("recipients", Recipient, ("name",)),
    "references": ("references", Reference,
                   ("kind", "number", "symbol", "date", "issuer", "title")),
    "deadlines": ("deadlines", Deadline, ("due", "time", "action")),
    "contacts": ("contacts", Contact, ("name", "title", "phones", "emails")),
    "distribution": ("distribution", DistributionItem, ("name", "purpose")),
    "warnings": ("warnings", RecordWarning, ("code", "message")),
}


def item_columns(model: type, fields: tuple[str, ...]) -> tuple[str, ...]:
    """The columns of an item table; model fields not listed are appended, so none is lost."""
    known = set(fields) | {"raw", "span"}
    extra = tuple(f for f in model.model_fields if f not in known)
    tail = (("raw",) if "raw" in model.model_fields else ()) + ("span_start", "span_end")
    return ("doc_id", "idx") + fields + tail + extra


def table_columns() -> dict[str, tuple[str, ...]]:
    """Every table's columns, in file order: ``{"documents": (...), "recipients": (...), ...}``."""
    columns = {"documents": tuple(c for c, _ in DOCUMENT_COLUMNS) + ("record_file",)}
    for name, (_, model, fields) in ITEM_TABLES.items():
        columns[name] = item_columns(model, fields)
    return columns


def _item_row(doc_id: str, idx: int, item: dict, columns: tuple[str, ...]) -> list:
    span = item.get("span") or (None, None)
    row = []
    for col in columns:
        if col == "doc_id":
            row.append(doc_id)
        elif col == "idx":
            row.append(idx)
        elif col == "span_start":
            row.append(_cell(span[0]))
        elif col == "span_end":
            row.append(_cell(span[1]))
        else:
            row.append(_cell(item.get(col)))
    return row


class TableWriter:
    """Streams records into ``documents.csv`` and the item tables; files appear at ``commit``.

    ``add(record, record_file, items=False)`` writes the document row only: the batch passes
    ``items=False`` for a second path of identical bytes, so item tables hold one set of rows
    per distinct ``doc_id``.
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.columns = table_columns()
        self._opened = []
        self._writers = {}
        try:
            for name, cols in self.columns.items():
                cm = atomic_open(folder / f"{name}.csv")
                f = cm.__enter__()
                self._opened.append(cm)
                writer = csv.writer(f, lineterminator="\n")
                writer.writerow(cols)
                self._writers[name] = writer
        except BaseException:
            self.abort()
            raise

    def add(self, record: dict, record_file: str | None = None, items: bool = True) -> None:
        row = [_cell(get(record)) for _, get in DOCUMENT_COLUMNS] + [_cell(record_file)]
        self._writers["documents"].writerow(row)
        if not items:
            return
        doc_id = record["id"]
        for name, (field, _, _) in ITEM_TABLES.items():
            cols = self.columns[name]
            writer = self._writers[name]
            for idx, item in enumerate(record.get(field) or []):
                writer.writerow(_item_row(doc_id, idx, item, cols))

    def commit(self) -> None:
        for cm in self._opened:
            cm.__exit__(None, None, None)
        self._opened = []
        fsync_dir(self.folder)

    def abort(self) -> None:
        for cm in self._opened:
            try:
                cm.__exit__(RuntimeError, RuntimeError("aborted"), None)
            except RuntimeError:
                pass
        self._opened = []
