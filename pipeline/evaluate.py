"""Score records against gold records, field by field, by the rules of record-v1.md.

Text compares after NFC, case folding, collapsed white space and trailing " .,;:" removed;
dates compare as exact ISO strings; lists compare as sets (recipients, distribution and
contacts by name; references by (number, symbol), or by (kind, title) for a law cited by
name; deadlines by due; phones, e-mails and URLs by value, URLs without scheme and
trailing "/"). A record is matched to the gold file named like its source file's stem.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

SCALARS: dict[str, tuple[str, ...]] = {
    "document_type": ("document_type",),
    "number.number": ("number", "number"),
    "number.symbol": ("number", "symbol"),
    "issuer.name": ("issuer", "name"),
    "place": ("place",),
    "issued.date": ("issued", "date"),
    "subject": ("subject",),
    "signer.name": ("signer", "name"),
    "signer.position": ("signer", "position"),
    "signer.on_behalf": ("signer", "on_behalf"),
}
LISTS = ("recipients", "references", "deadlines", "contacts", "phones", "emails", "urls",
         "distribution")
FIELDS = (*SCALARS, *LISTS)


def norm_text(value: Any) -> str | None:
    if value is None:
        return None
    s = " ".join(unicodedata.normalize("NFC", str(value)).casefold().split()).rstrip(" .,;:")
    return s or None


def norm_iso(value: Any) -> str | None:
    return (str(value).strip() or None) if value is not None else None


def norm_url(value: Any) -> str | None:
    s = norm_text(value)
    if s is None:
        return None
    s = s.removeprefix("http://") if s.startswith("http://") else s.removeprefix("https://")
    return s.rstrip("/").rstrip(" .,;:").rstrip("/") or None


def _get(obj: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


def _name(item: Any, key: str) -> Any:
    if isinstance(item, dict):
        return item.get(key)
    return item if isinstance(item, str) and key in ("name", "due") else None


def _ref_key(item: Any):
    if not isinstance(item, dict):
        return None
    number, symbol = norm_text(item.get("number")), norm_text(item.get("symbol"))
    if number is not None or symbol is not None:
        return ("number/symbol", number, symbol)
    kind = norm_text(item.get("kind"))
    title = norm_text(item.get("title")) or kind
    return None if kind is None and title is None else ("kind/title", kind, title)


def list_keys(record: dict, name: str) -> dict:
    """{comparison key: value as shown} for one list field."""
    out: dict = {}
    items = record.get(name) if isinstance(record.get(name), list) else []
    for item in items:
        if name in ("recipients", "distribution", "contacts"):
            key, shown = norm_text(_name(item, "name")), _name(item, "name")
        elif name == "references":
            key = _ref_key(item)
            shown = item
        elif name == "deadlines":
            key, shown = norm_iso(_name(item, "due")), _name(item, "due")
        elif name == "urls":
            key, shown = norm_url(item), item
        else:
            key, shown = norm_text(item), item
        if key is not None:
            out.setdefault(key, shown)
    return out


@dataclass
class Count:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def prf(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else (1.0 if not self.fn else 0.0)
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else (1.0 if not self.fp else 0.0)
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Score:
    fields: dict[str, Count] = field(default_factory=lambda: {f: Count() for f in FIELDS})
    errors: list[dict] = field(default_factory=list)

    @property
    def micro(self) -> Count:
        return Count(*(sum(getattr(c, k) for c in self.fields.values())
                       for k in ("tp", "fp", "fn")))


def score_document(doc: str, gold: dict, pred: dict, score: Score) -> None:
    for name, path in SCALARS.items():
        norm = norm_iso if name == "issued.date" else norm_text
        g, p = norm(_get(gold, path)), norm(_get(pred, path))
        c = score.fields[name]
        if g is not None and g == p:
            c.tp += 1
            continue
        c.fp += p is not None
        c.fn += g is not None
        if g is not None or p is not None:
            score.errors.append({"doc": doc, "field": name, "gold": _get(gold, path),
                                 "pred": _get(pred, path)})
    for name in LISTS:
        g, p = list_keys(gold, name), list_keys(pred, name)
        c = score.fields[name]
        c.tp += len(g.keys() & p.keys())
        for key in g.keys() - p.keys():
            c.fn += 1
            score.errors.append({"doc": doc, "field": name, "gold": g[key], "pred": None})
        for key in p.keys() - g.keys():
            c.fp += 1
            score.errors.append({"doc": doc, "field": name, "gold": None, "pred": p[key]})


def load_gold(folder: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8"))
            for p in sorted(folder.glob("*.json"))}


def load_records(path: Path) -> tuple[dict[str, dict], list[str]]:
    records, notes = {}, []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            notes.append(f"{path}:{lineno}: not JSON ({exc.msg}); skipped")
            continue
        src = _get(record, ("source", "path"))
        if not isinstance(src, str) or not src.strip():
            notes.append(f"{path}:{lineno}: no source.path; skipped")
            continue
        stem = PurePosixPath(src.strip().replace("\\", "/")).stem
        if stem in records:
            notes.append(f"{path}:{lineno}: second record for {stem}; the first is kept")
        else:
            records[stem] = record
    return records, notes


def evaluate(gold: dict[str, dict], records: dict[str, dict]) -> Score:
    score = Score()
    for doc in sorted(gold):
        score_document(doc, gold[doc], records.get(doc, {}), score)
    return score


def format_table(score: Score) -> str:
    rows = [f"{'field':<18} {'tp':>5} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7} {'f1':>7}"]
    for name, c in [*score.fields.items(), ("micro", score.micro)]:
        p, r, f1 = c.prf()
        rows.append(f"{name:<18} {c.tp:>5} {c.fp:>5} {c.fn:>5} {p:>9.4f} {r:>7.4f} {f1:>7.4f}")
    rows.append(f"micro_f1 {score.micro.prf()[2]:.4f}")
    return "\n".join(rows)


def run_eval(args) -> int:
    gold_dir, pred = Path(args.gold), Path(args.pred)
    if not gold_dir.is_dir():
        print(f"congvan eval: --gold {gold_dir}: not a folder", file=sys.stderr)
        return 2
    gold = load_gold(gold_dir)
    if not gold:
        print(f"congvan eval: --gold {gold_dir}: no *.json gold records", file=sys.stderr)
        return 2
    if not pred.is_file():
        print(f"congvan eval: {pred}: no such file", file=sys.stderr)
        return 2
    records, notes = load_records(pred)
    missing = sorted(set(gold) - set(records))
    if missing:
        notes.append(f"{len(missing)} gold document(s) without a record: {', '.join(missing)}")
    for note in notes:
        print(f"congvan eval: {note}", file=sys.stderr)
    score = evaluate(gold, records)
    if args.json:
        out = {"documents": len(gold), "missing": missing,
               "fields": {k: dict(zip(("precision", "recall", "f1"), c.prf()), tp=c.tp,
                                  fp=c.fp, fn=c.fn) for k, c in score.fields.items()},
               "micro_f1": round(score.micro.prf()[2], 4)}
        if args.show_errors:
            out["errors"] = score.errors
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return 0
    if args.show_errors:
        for e in score.errors:
            print(f"{e['doc']}\t{e['field']}\tgold: {json.dumps(e['gold'], ensure_ascii=False)}"
                  f"\tpred: {json.dumps(e['pred'], ensure_ascii=False)}")
        print()
    print(format_table(score))
    return 0
