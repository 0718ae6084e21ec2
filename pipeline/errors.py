"""Every warning and error code of the pipeline, in one place (as spaCy's ``errors.py``).

A code names what went wrong; the message says it about the value at hand. Codes are part
of the record contract (``warnings[].code``) and of ``manifest.csv``: never reuse one for a
different meaning.
"""

from __future__ import annotations

WARNING_CODES: dict[str, str] = {
    "encoding.legacy": "text was converted from a legacy Vietnamese encoding",
    "encoding.lossy": "some bytes could not be decoded and were replaced",
    "ocr.low_confidence": "OCR confidence on a page is low; values may be misread",
    "ocr.layer_replaced": "a PDF text layer was unusable and the page was OCR'd",
    "text.empty": "no text could be read from the document",
    "number.malformed": "the document symbol does not follow NĐ 30/2020 Phụ lục III",
    "date.invalid": "a date that cannot exist (e.g. 31/02) was left out",
    "deadline.before_issued": "a deadline earlier than the issue date was left out",
    "phone.invalid": "a string that cannot be a Vietnamese phone number was left out",
    "email.invalid": "an invalid e-mail address was left out",
}


class CongvanError(Exception):
    """An input that cannot be processed at all; carries the file and a code."""

    def __init__(self, code: str, message: str, path: str | None = None):
        self.code = code
        self.message = message
        self.path = path
        where = f"{path}: " if path else ""
        super().__init__(f"{where}{message} [{code}]")


ERROR_CODES: dict[str, str] = {
    "input.unsupported": "the file type is not supported",
    "input.unreadable": "the file could not be opened or parsed",
    "input.empty": "the file is empty",
    "ocr.unavailable": "Tesseract or its Vietnamese model is not installed",
    "internal": "an unexpected error in the pipeline (a bug: please report it)",
}
