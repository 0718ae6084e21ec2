"""The dispatch record, version 1: the project's one public contract.

These pydantic models are the source of truth for ``record-v1.md``; ``congvan schema``
prints their JSON Schema. Fields may be added; none may be renamed or dropped without
bumping ``SCHEMA_VERSION``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1"

Span = tuple[int, int]
SourceKind = Literal["text", "pdf", "pdf-scan", "image", "docx", "doc", "unknown"]
Status = Literal["ok", "partial", "failed"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OcrInfo(_Model):
    engine: str = Field(description="OCR engine and version, e.g. 'tesseract 5.3.0'")
    lang: str = Field(description="Tesseract language model, e.g. 'vie'")
    mean_confidence: float | None = Field(None, description="mean word confidence, 0-100")


class Source(_Model):
    path: str
    kind: SourceKind
    pages: int = 0
    ocr: OcrInfo | None = None
    encoding: str | None = Field(None, description="text encoding the input was decoded from")


class RecordWarning(_Model):
    """A value that was read but left out or doubted; see ``pipeline.errors`` for codes."""

    code: str
    message: str
    span: Span | None = None


class _Item(_Model):
    raw: str | None = Field(None, description="the text the value came from, as written")
    span: Span | None = Field(None, description="[start, end) offsets into `text`")


class DocumentNumber(_Item):
    number: str | None = Field(None, description="'650' of 'Số: 650/SKHCN-TĐC'; null when blank")
    symbol: str | None = Field(None, description="'SKHCN-TĐC'; spaces removed")


class Issuer(_Item):
    name: str | None = None
    parent: str | None = Field(None, description="the cơ quan chủ quản above the issuer")


class IssuedDate(_Item):
    date: str | None = Field(None, description="ISO 8601, reduced when parts are blank")


class Recipient(_Item):
    name: str


class Reference(_Item):
    kind: str | None = Field(None, description="Công văn, Kế hoạch, Nghị định, Luật, văn bản, …")
    number: str | None = None
    symbol: str | None = None
    date: str | None = None
    issuer: str | None = None
    title: str | None = Field(None, description="for documents cited by name (laws)")


class Deadline(_Item):
    due: str = Field(description="ISO date")
    time: str | None = Field(None, description="HH:MM")
    action: str | None = None


class Contact(_Item):
    name: str
    title: str | None = None
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)


class DistributionItem(_Item):
    name: str
    purpose: str | None = None


class Signer(_Item):
    name: str | None = None
    position: str | None = None
    on_behalf: str | None = Field(None, description="'KT. GIÁM ĐỐC'; two levels joined by a space")


class DispatchRecord(_Model):
    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str = Field(description="sha256 of the input bytes")
    pipeline_version: str | None = None
    source: Source
    status: Status = "ok"
    warnings: list[RecordWarning] = Field(default_factory=list)
    text: str = ""

    document_type: str | None = None
    number: DocumentNumber | None = None
    issuer: Issuer | None = None
    place: str | None = None
    issued: IssuedDate | None = None
    subject: str | None = None
    recipients: list[Recipient] = Field(default_factory=list)
    references: list[Reference] = Field(default_factory=list)
    deadlines: list[Deadline] = Field(default_factory=list)
    contacts: list[Contact] = Field(default_factory=list)
    phones: list[str] = Field(default_factory=list)
    emails: list[str] = Field(default_factory=list)
    urls: list[str] = Field(default_factory=list)
    distribution: list[DistributionItem] = Field(default_factory=list)
    signer: Signer | None = None


def json_schema() -> dict:
    """The JSON Schema of a record, as downstream systems validate it."""
    schema = DispatchRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"congvan dispatch record v{SCHEMA_VERSION}"
    return schema
