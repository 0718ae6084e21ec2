"""Path -> pages of text. One reader per kind of file, chosen by suffix, loaded lazily.

Every reader returns a :class:`SourceText`; a file that cannot be read at all raises
:class:`pipeline.errors.CongvanError` naming the file and the problem.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import CongvanError


@dataclass
class SourceText:
    """What a reader got out of one file."""

    kind: str                      # text | pdf | pdf-scan | image | docx | doc
    pages: list[str]
    ocr: dict | None = None        # {"engine", "lang", "mean_confidence"}
    encoding: str | None = None
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (code, message)

    @property
    def text(self) -> str:
        # A form feed marks a page break; normalization turns it into a line break.
        return "\f".join(self.pages)


# suffix -> "module:function"; the module is imported on first use (heavy dependencies).
READERS: dict[str, str] = {
    ".txt": "pipeline.ingest.text:read_text",
    ".md": "pipeline.ingest.text:read_text",
    ".pdf": "pipeline.ingest.pdf:read_pdf",
    ".png": "pipeline.ingest.images:read_image",
    ".jpg": "pipeline.ingest.images:read_image",
    ".jpeg": "pipeline.ingest.images:read_image",
    ".tif": "pipeline.ingest.images:read_image",
    ".tiff": "pipeline.ingest.images:read_image",
    ".docx": "pipeline.ingest.docx:read_docx",
    ".doc": "pipeline.ingest.docx:read_doc",
}


def is_supported(path: Path) -> bool:
    return path.suffix.lower() in READERS


def read_source(path: Path, data: bytes | None = None) -> SourceText:
    """Read ``path`` (or its already-read bytes ``data``) into pages of text."""
    target = READERS.get(path.suffix.lower())
    if target is None:
        raise CongvanError("input.unsupported",
                           f"unsupported file type {path.suffix or '(none)'!r}; "
                           f"supported: {', '.join(sorted(READERS))}", str(path))
    module_name, func_name = target.split(":")
    try:
        reader = getattr(importlib.import_module(module_name), func_name)
    except ImportError as exc:
        raise CongvanError("input.unsupported",
                           f"no reader for {path.suffix} files is installed ({exc})",
                           str(path)) from exc
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CongvanError("input.unreadable", f"cannot read the file: {exc.strerror}",
                               str(path)) from exc
    if not data:
        raise CongvanError("input.empty", "the file is empty (0 bytes)", str(path))
    return reader(path, data)
