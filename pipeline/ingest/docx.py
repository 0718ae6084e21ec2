"""Word letters: .docx with python-docx; legacy .doc through a converter (antiword or
LibreOffice, Debian packages).

A Word letter lays out its header (issuer at the left, Quốc hiệu and Tiêu ngữ at the
right; NĐ 30/2020/NĐ-CP, Phụ lục I) and its "Nơi nhận"/signature block as borderless
tables. Body paragraphs and tables are read in document order; a table row gives each
cell's lines in turn, left to right, with a blank line between cells, so "Nơi nhận:"
and the signature block arrive as separate groups of lines. Tabs, which Word letters also
use to set two columns side by side, become a column gap (a run of spaces) as in PDF
text.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

from pipeline.errors import CongvanError
from pipeline.ingest import SourceText

COLUMN_GAP = "    "
CONVERT_TIMEOUT = 120      # seconds for one legacy .doc
DOC_INSTALL_HINT = ("install the Debian package antiword (or libreoffice-writer-nogui, "
                    "which also reads RTF and Word 6/95 files)")

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


def read_docx(path: Path, data: bytes) -> SourceText:
    return SourceText(kind="docx", pages=[docx_text(data, str(path))])


def docx_text(data: bytes, shown: str) -> str:
    from docx import Document
    from docx.opc.exceptions import PackageNotFoundError

    try:
        doc = Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise CongvanError("input.unreadable", f"not a readable Word file: {exc}", shown) from exc
    except Exception as exc:  # zipfile and lxml raise their own types for broken files
        raise CongvanError("input.unreadable",
                           f"not a readable Word file: {type(exc).__name__}: {exc}",
                           shown) from exc
    lines = _squeeze(_blocks(doc.element.body))
    return "\n".join(lines).strip("\n")


def _squeeze(lines) -> list[str]:
    """At most one blank line in a row."""
    out: list[str] = []
    for line in lines:
        if line.strip() or (out and out[-1].strip()):
            out.append(line.rstrip() if line.strip() else "")
    return out


def _blocks(parent):
    """Lines of the paragraphs and tables under ``parent``, in document order."""
    for child in parent.iterchildren():
        tag = child.tag
        if tag == f"{_W}p":
            yield from _paragraph(child)
        elif tag == f"{_W}tbl":
            yield ""
            yield from _table(child)
            yield ""
        elif tag == f"{_W}sdt":  # a content control wraps ordinary blocks
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _blocks(content)


def _paragraph(p):
    from docx.text.paragraph import Paragraph

    text = Paragraph(p, None).text.replace("\r", "\n")
    for line in text.split("\n"):
        yield _tabs(line)
    # text boxes anchored in this paragraph (a header drawn in boxes); each box's
    # content appears twice in the file, the second time as a fallback for old readers
    for box in p.iter(f"{_W}txbxContent"):
        if not any(a.tag == _MC_FALLBACK for a in box.iterancestors()):
            yield ""
            yield from _blocks(box)


def _tabs(line: str) -> str:
    """A tab that sets two columns apart becomes a column gap; a leading tab an indent."""
    head = line.lstrip("\t")
    parts = [p.strip() for p in head.split("\t")]
    return COLUMN_GAP.join(p for p in parts if p) if len(parts) > 1 else head


def _table(tbl):
    # Raw rows and cells: a cell spanning columns is one w:tc, and the cells under a
    # vertically merged one are empty w:tc that add nothing.
    for tr in tbl.iterchildren(f"{_W}tr"):
        for tc in tr.iterchildren(f"{_W}tc"):
            lines = list(_blocks(tc))
            if any(line.strip() for line in lines):
                yield from lines
                yield ""


# --- legacy .doc -------------------------------------------------------------------------------

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_doc(path: Path, data: bytes) -> SourceText:
    """A Word 97-2003 file, read by antiword (fast; tables come out row by row, cells
    apart by a column gap) or, where antiword is missing or fails (RTF, Word 6/95),
    converted to .docx by LibreOffice. A .doc that is really a .docx is read as one."""
    shown = str(path)
    if data[:4] == b"PK\x03\x04":
        return SourceText(kind="docx", pages=[docx_text(data, shown)])
    rtf = data.lstrip()[:5] == b"{\\rtf"
    if not (data.startswith(_OLE) or rtf):
        raise CongvanError("input.unreadable", "not a Word document (no .doc signature)", shown)
    antiword = None if rtf else shutil.which("antiword")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None and antiword is None:
        raise CongvanError("input.unsupported",
                           f"reading legacy .doc files needs a converter: {DOC_INSTALL_HINT}",
                           shown)
    with tempfile.TemporaryDirectory(prefix="congvan-doc-") as tmp:
        source = Path(tmp) / "in.doc"
        source.write_bytes(data)
        if antiword is not None:
            try:
                return SourceText(kind="doc", pages=[_via_antiword(antiword, source, shown)])
            except CongvanError:
                if soffice is None:
                    raise
        return SourceText(kind="doc", pages=[_via_libreoffice(soffice, source, Path(tmp), shown)])


def _via_libreoffice(soffice: str, source: Path, tmp: Path, shown: str) -> str:
    # A profile of its own: parallel workers would otherwise lock each other out.
    args = [soffice, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
            "--norestore", "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp),
            str(source)]
    try:
        subprocess.run(args, capture_output=True, timeout=CONVERT_TIMEOUT, check=True)
    except subprocess.TimeoutExpired as exc:
        raise CongvanError("input.unreadable",
                           f"LibreOffice did not convert the file in {CONVERT_TIMEOUT} s",
                           shown) from exc
    except subprocess.CalledProcessError as exc:
        err = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CongvanError("input.unreadable", "LibreOffice cannot convert the file: "
                           f"{err[-1] if err else f'exit status {exc.returncode}'}",
                           shown) from exc
    except OSError as exc:
        raise CongvanError("input.unreadable", f"LibreOffice cannot be run: {exc}",
                           shown) from exc
    out = tmp / "in.docx"
    if not out.exists():
        raise CongvanError("input.unreadable", "LibreOffice cannot read the file as a Word "
                           "document", shown)
    return docx_text(out.read_bytes(), shown)


def _via_antiword(antiword: str, source: Path, shown: str) -> str:
    try:
        done = subprocess.run([antiword, "-m", "UTF-8.txt", "-w", "0", str(source)],
                              capture_output=True, timeout=CONVERT_TIMEOUT)
    except (subprocess.TimeoutExpired, OSError) as exc:
        raise CongvanError("input.unreadable", f"antiword cannot read the file: {exc}",
                           shown) from exc
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip()
        raise CongvanError("input.unreadable", f"antiword cannot read the file: {err}", shown)
    # antiword draws table cells between "|" characters: make them column gaps
    lines = [COLUMN_GAP.join(c.strip() for c in line.strip("|").split("|") if c.strip())
             if line.startswith("|") else line
             for line in done.stdout.decode("utf-8", "replace").splitlines()]
    return "\n".join(_squeeze(lines)).strip("\n")
