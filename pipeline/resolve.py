"""Candidates from every extractor -> one value per field -> the record's fields.

The extractors run in a fixed order because some read what an earlier one found: the
letter's own number (so a reference never cites it) and its date (a deadline before it
is a mistake). A candidate with a ``problem`` becomes a warning, never a value.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from pipeline import nlp, schema
from pipeline.extract import contacts, heading, issuer, lists, signer
from pipeline.extract.base import Candidate
from pipeline.layout import Layout, zone


def _first(cands: Iterable[Candidate], warnings: list) -> Candidate | None:
    best = None
    for c in cands:
        if _keep(c, warnings) and (best is None or c.score > best.score):
            best = c
    return best


def _keep(c: Candidate, warnings: list) -> bool:
    if c.problem:
        code, message = c.problem
        warnings.append(schema.RecordWarning(code=code, message=message, span=(c.start, c.end)))
        return False
    return c.value is not None


def _item(model: type, c: Candidate, text: str, **extra: Any):
    value = c.value if isinstance(c.value, dict) else {}
    return model(**value, **extra, raw=text[c.start:c.end] or None,
                 span=(c.start, c.end) if c.end > c.start else None)


def _unique(values: Iterable[Any]) -> list:
    seen, out = set(), []
    for v in values:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def _merge_references(cands: list[Candidate]) -> list[Candidate]:
    """One item per cited document; sub-fields filled from every citation of it."""
    merged: dict[tuple, Candidate] = {}
    order: list[tuple] = []
    for c in cands:
        v = c.value
        key = (v.get("number"), v.get("symbol")) if (v.get("number") or v.get("symbol")) \
            else (v.get("kind"), (v.get("title") or "").casefold())
        if key not in merged:
            merged[key] = c
            order.append(key)
            continue
        old = merged[key]
        keep, other = (c, old) if c.score > old.score else (old, c)
        value = dict(keep.value)
        for k, val in other.value.items():
            if value.get(k) is None and val is not None:
                value[k] = val
        merged[key] = Candidate(keep.field, keep.start, keep.end, value, keep.score, keep.rule)
    # "Luật Dược số 105/2016/QH13 ... Luật Dược": the bare title is the same law again.
    numbered_titles = {(c.value.get("kind"), (c.value.get("title") or "").casefold())
                       for c in merged.values() if c.value.get("number") or c.value.get("symbol")}
    return [merged[k] for k in order if not (k[0] is not None and k in numbered_titles
                                             and not (merged[k].value.get("number")
                                                      or merged[k].value.get("symbol")))]


def _joined_lines(text: str) -> str:
    """``text`` with each single line break inside a paragraph turned into a space."""
    return re.sub(r"(?<=\S)[ \t]*\n(?=[ \t]*[^\s\-–+•])", lambda m: " " * len(m.group()), text)


def build_fields(text: str) -> tuple[dict[str, Any], list[schema.RecordWarning]]:
    """All record fields of one normalized letter, and the warnings raised on the way."""
    from pipeline.extract import dates, deadlines, phones, references, web

    layout: Layout = zone(text)
    warnings: list[schema.RecordWarning] = []
    out: dict[str, Any] = {}

    number = _first(heading.find_number(layout), warnings)
    if number:
        out["number"] = _item(schema.DocumentNumber, number, text)
    elif layout.number is None:
        pass  # a copy with no "Số:" line at all has number null (record-v1.md)

    doc_type = _first(heading.find_document_type(layout), warnings)
    out["document_type"] = doc_type.value if doc_type else None

    issued_iso = None
    for c in heading.find_place_date(layout):
        if not _keep(c, warnings):
            continue
        if c.field == "place":
            out["place"] = c.value
        else:
            issued_iso = c.value
            out["issued"] = schema.IssuedDate(date=c.value, raw=text[c.start:c.end],
                                              span=(c.start, c.end))

    subject = _first(heading.find_subject(layout), warnings)
    out["subject"] = subject.value if subject else None

    symbol = number.value["symbol"] if number else None
    who = _first(issuer.find_issuer(layout, symbol), warnings)
    if who:
        out["issuer"] = _item(schema.Issuer, who, text)

    out["recipients"] = [_item(schema.Recipient, c, text)
                         for c in lists.find_recipients(layout) if _keep(c, warnings)]
    out["distribution"] = [_item(schema.DistributionItem, c, text)
                           for c in lists.find_distribution(layout) if _keep(c, warnings)]
    sig = _first(signer.find_signer(layout, nlp.find_entities), warnings)
    if sig:
        out["signer"] = _item(schema.Signer, sig, text)

    # Running text wraps inside a date, a number or a citation ("trước ngày\n15/7/2025"),
    # always so in PDF and OCR text: the body extractors read lines joined by a space. One
    # character for one, so every span still indexes ``text``.
    flat = _joined_lines(text)
    own = f"{number.value['number'] or ''}/{symbol}" if number else None
    body_start, body_end = layout.body
    refs = [c for c in references.find_references(flat, 0, len(flat), own=own)
            if _keep(c, warnings)]
    out["references"] = [_item(schema.Reference, c, text) for c in _merge_references(refs)]

    dls = [c for c in deadlines.find_deadlines(flat, body_start, body_end, issued=issued_iso)
           if _keep(c, warnings)]
    seen_due: set = set()
    out["deadlines"] = []
    for c in dls:
        key = (c.value["due"], c.value.get("time"))
        if key not in seen_due:
            seen_due.add(key)
            out["deadlines"].append(_item(schema.Deadline, c, text))

    # An impossible date anywhere (a cited document's "31/02/2024") is worth a warning.
    reported = {w.span for w in warnings}
    for c in dates.find_dates(flat, 0, len(flat)):
        if c.problem and (c.start, c.end) not in reported:
            _keep(c, warnings)

    out["phones"] = _unique(c.value for c in phones.find_phones(flat, 0, len(flat))
                            if _keep(c, warnings))
    out["emails"] = _unique(c.value for c in web.find_emails(text, 0, len(text))
                            if _keep(c, warnings))
    out["urls"] = _unique(c.value for c in web.find_urls(text, 0, len(text))
                          if _keep(c, warnings))

    people: dict[str, schema.Contact] = {}
    quiet: list = []  # phone/e-mail problems were already reported above
    for c in contacts.find_contacts(
            layout,
            lambda t, s, e: (p for p in phones.find_phones(t, s, e) if _keep(p, quiet)),
            lambda t, s, e: (m for m in web.find_emails(t, s, e) if _keep(m, quiet)),
            nlp.find_entities):
        known = people.get(c.value["name"])
        if known is None:
            people[c.value["name"]] = _item(schema.Contact, c, text)
        else:
            known.phones = _unique(known.phones + c.value["phones"])
            known.emails = _unique(known.emails + c.value["emails"])
            known.title = known.title or c.value["title"]
    out["contacts"] = list(people.values())
    return out, warnings
