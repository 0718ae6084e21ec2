"""Plain-text letters (.txt, .md), in UTF-8 or a legacy Vietnamese encoding."""

from __future__ import annotations

from pathlib import Path

from pipeline.ingest import SourceText


def read_text(path: Path, data: bytes) -> SourceText:
    try:
        from pipeline.ingest.encodings import decode_text
    except ImportError:  # the legacy-encoding module is optional while it is being built
        decode_text = None
    if decode_text is None:
        text = data.decode("utf-8-sig", errors="replace")
        warnings = [("encoding.lossy", "bytes that are not UTF-8 were replaced")] \
            if "\ufffd" in text else []
        return SourceText(kind="text", pages=[text], encoding="utf-8", warnings=warnings)
    decoded = decode_text(data)
    return SourceText(kind="text", pages=[decoded.text], encoding=decoded.encoding,
                      warnings=list(decoded.warnings))
