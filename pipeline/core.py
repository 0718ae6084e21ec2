"""One document in, one validated record out. Never raises for a bad document."""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from pipeline import __version__
from pipeline.errors import CongvanError
from pipeline.ingest import SourceText, read_source
from pipeline.normalize import normalize
from pipeline.schema import DispatchRecord, OcrInfo, RecordWarning, Source

log = logging.getLogger(__name__)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _fill(record: DispatchRecord, raw_text: str) -> DispatchRecord:
    """Normalize, zone and extract into ``record``."""
    from pipeline.resolve import build_fields  # the extractors load their data lazily

    norm = normalize(raw_text)
    record.text = norm.text
    if not norm.text.strip():
        record.warnings.append(RecordWarning(code="text.empty",
                                             message="no text could be read from the document"))
        record.status = "failed"
        return record
    fields, warnings = build_fields(norm.text)
    for name, value in fields.items():
        setattr(record, name, value)
    record.warnings.extend(warnings)
    if record.warnings and record.status == "ok":
        record.status = "partial"
    return record


def extract_text(text: str, path: str = "<text>") -> DispatchRecord:
    """Extract a record from a letter's text.

    >>> extract_text("Số: 12/UBND-VP\\nHà Nội, ngày 04 tháng 4 năm 2023").number.symbol
    'UBND-VP'
    """
    record = DispatchRecord(id=_sha256(text.encode("utf-8")), pipeline_version=__version__,
                            source=Source(path=path, kind="text", pages=1))
    return _fill(record, text)


def failed_record(path: str, data: bytes | None, code: str, message: str,
                  kind: str = "unknown") -> DispatchRecord:
    """The record of a document that could not be read: status failed, the error kept."""
    return DispatchRecord(
        id=_sha256(data) if data is not None else _sha256(path.encode("utf-8")),
        pipeline_version=__version__, source=Source(path=path, kind=kind),
        status="failed", warnings=[RecordWarning(code=code, message=message)])


def record_from_source(path: str, data: bytes, source: SourceText) -> DispatchRecord:
    ocr = OcrInfo(**source.ocr) if source.ocr else None
    record = DispatchRecord(
        id=_sha256(data), pipeline_version=__version__,
        source=Source(path=path, kind=source.kind, pages=len(source.pages), ocr=ocr,
                      encoding=source.encoding),
        warnings=[RecordWarning(code=c, message=m) for c, m in source.warnings])
    return _fill(record, source.text)


def extract_file(path: str | Path) -> DispatchRecord:
    """Read and extract one file. A file that cannot be read gives a ``failed`` record."""
    path = Path(path)
    shown = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed_record(shown, None, "input.unreadable",
                             f"{shown}: cannot read the file: {exc.strerror}")
    try:
        source = read_source(path, data)
        return record_from_source(shown, data, source)
    except CongvanError as exc:
        return failed_record(shown, data, exc.code, str(exc))
    except Exception as exc:  # one bad document never stops a batch
        log.exception("internal error on %s", shown)
        return failed_record(shown, data, "internal",
                             f"{shown}: internal error {type(exc).__name__}: {exc}")
