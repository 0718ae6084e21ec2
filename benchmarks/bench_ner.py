"""NER on the project's letters: the congvan model against underthesea's shipped NER.

    python benchmarks/bench_ner.py                 # test letters, both systems, speed
    python benchmarks/bench_ner.py --split dev
    python benchmarks/bench_ner.py --seeds ../shared/seeds   # a last sanity check only

Scores are exact-span precision, recall and F1 per label on the zones of
``pipeline/resources/ner/letters.jsonl`` (headers, contact sentences, citations, Nơi nhận
and signature blocks; every person and organisation annotated). underthesea's ``ner`` tags
words B-/I- PER, ORG, LOC, MISC; its PER and ORG spans are mapped back to character
offsets and scored the same way (its LOC is not scored: a place is not an entity here).
Speed is zones per second of CPU time, each system on the same texts, after a warm-up.
The last table times ``make_doc`` against ``underthesea.word_tokenize`` on whole letters.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipeline import nlp as nlp_mod  # noqa: E402
from pipeline.normalize import normalize  # noqa: E402
from pipeline.resources.ner import letters  # noqa: E402
from pipeline.train import prf  # noqa: E402

LABELS = ("PER", "ORG")


def underthesea_spans(text: str, ner) -> set[tuple[int, int, str]]:
    """underthesea's PER/ORG entities as character spans of ``text``."""
    rows = ner(text)
    words = [r[0] for r in rows]
    pieces = nlp_mod._align(text, words)
    # _align gives one piece per syllable; fold them back into underthesea's words.
    bounds: list[list[int]] = []
    for start, end, begins in pieces:
        if begins or not bounds:
            bounds.append([start, end])
        else:
            bounds[-1][1] = end
    spans, current = set(), None
    for (start, end), row in zip(bounds, rows):
        tag = row[-1]
        if tag.startswith("B-") or (tag.startswith("I-") and (current is None or current[2] != tag[2:])):
            if current:
                spans.add(tuple(current))
            current = [start, end, tag[2:]]
        elif tag.startswith("I-"):
            current[1] = end
        else:
            if current:
                spans.add(tuple(current))
            current = None
    if current:
        spans.add(tuple(current))
    return {s for s in spans if s[2] in LABELS}


def underthesea_lines(text: str, ner) -> set[tuple[int, int, str]]:
    """The same, run on each line alone (as ``make_doc`` tokenizes): underthesea joins
    words across line breaks, which runs a signer's name into the title above it."""
    spans = set()
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            spans |= {(s + m.start(), e + m.start(), label)
                      for s, e, label in underthesea_spans(m.group(), ner)}
    return spans


def congvan_spans(text: str) -> set[tuple[int, int, str]]:
    return {(c.start, c.end, c.field) for c in nlp_mod.find_entities(text)}


def timed(fn, texts: list, repeat: int = 3) -> tuple[list, float]:
    """Results and the best CPU time of ``repeat`` runs. CPU time, not wall time: both
    systems run in this one thread, and a busy machine then delays them without skewing
    the ratio."""
    fn(texts[0])  # warm-up: loads models
    best = float("inf")
    for _ in range(repeat):
        t = time.process_time()
        out = [fn(x) for x in texts]
        best = min(best, time.process_time() - t)
    return out, best


def table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def score_rows(name: str, s: dict, speed: str = "") -> list[list[str]]:
    rows = []
    for label in LABELS:
        t = s["ents_per_type"][label]
        rows.append([name, label, f"{t['p']:.3f}", f"{t['r']:.3f}", f"{t['f']:.3f}",
                     str(t["support"]), speed])
    rows.append([name, "all", f"{s['ents_p']:.3f}", f"{s['ents_r']:.3f}", f"{s['ents_f']:.3f}",
                 str(sum(s["ents_per_type"][x]["support"] for x in LABELS)), speed])
    return rows


def compare(split: str | None) -> dict:
    from underthesea import ner

    examples = letters.load(split)
    texts = [e["text"] for e in examples]
    gold = [{tuple(x) for x in e["entities"]} for e in examples]
    ours, t_ours = timed(congvan_spans, texts)
    theirs, t_theirs = timed(lambda x: underthesea_spans(x, ner), texts)
    lines, t_lines = timed(lambda x: underthesea_lines(x, ner), texts)
    union = [a | {x for x in b if x[2] == "PER"} for a, b in zip(ours, lines)]
    results = {
        "congvan": (prf(ours, gold, LABELS), len(texts) / t_ours),
        "underthesea.ner (zone)": (prf(theirs, gold, LABELS), len(texts) / t_theirs),
        "underthesea.ner (line by line)": (prf(lines, gold, LABELS), len(texts) / t_lines),
        "congvan + underthesea PER (lines)": (prf(union, gold, LABELS), None),
    }
    header = [["system", "label", "P", "R", "F1", "n", "zones/s"]]
    body = []
    for name, (s, speed) in results.items():
        body += score_rows(name, s, f"{speed:.0f}" if speed else "")
    print(f"\nNER on {len(texts)} letter zones ({split or 'all'} split), exact spans\n")
    print(table(header + body))
    return {k: {"scores": v[0], "zones_per_second": v[1]} for k, v in results.items()}


def _letters_with_zones() -> list[tuple[str, list[tuple[int, int]]]]:
    out = []
    for gold_path in sorted((REPO / "tests" / "gold").glob("*.json")):
        raw = next((REPO / "data" / "raw").glob(gold_path.stem + ".*"), None)
        if raw is None:
            continue
        text = normalize(raw.read_text(encoding="utf-8")).text
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        zones = [(s, e) for kind, s, e in letters._zones(text, gold)
                 if kind in ("signature", "contact")]
        out.append((text, zones))
    return out


def tokenize_speed() -> dict:
    from underthesea import word_tokenize

    items = _letters_with_zones()
    texts = [t for t, _ in items]

    def ner_zones(item, with_doc: bool):
        text, zones = item
        if with_doc:
            nlp_mod.make_doc(text)
        else:
            nlp_mod._state.pop("last_doc", None)
        return [list(nlp_mod.find_entities(text, s, e)) for s, e in zones]

    _, t_ut = timed(word_tokenize, texts, repeat=5)
    _, t_doc = timed(nlp_mod.make_doc, texts, repeat=5)
    _, t_both = timed(lambda item: ner_zones(item, True), items, repeat=5)
    _, t_zones = timed(lambda item: ner_zones(item, False), items, repeat=5)
    n = len(texts)
    print(f"\nTokenization of {n} whole letters ({sum(map(len, texts))} characters), "
          f"NER on their signature and contact zones\n")
    rows = [["step", "ms/letter", "x word_tokenize"],
            ["underthesea.word_tokenize(text)", f"{t_ut / n * 1000:.2f}", "1.00"]]
    for name, t in [("make_doc(text): line by line, offsets kept", t_doc),
                    ("make_doc(text) + find_entities on the zones", t_both),
                    ("find_entities on the zones alone", t_zones)]:
        rows.append([name, f"{t / n * 1000:.2f}", f"{t / t_ut:.2f}"])
    print(table(rows))
    return {"letters": n, "word_tokenize_ms": t_ut / n * 1000, "make_doc_ms": t_doc / n * 1000,
            "make_doc_and_ner_ms": t_both / n * 1000, "ner_zones_ms": t_zones / n * 1000}


def seeds_check(seed_dir: Path) -> None:
    """Recall of the gold contact and signer names in the seeds' zones (no other use)."""
    found = total = 0
    extra: list[str] = []
    for gold_path in sorted((seed_dir / "gold").glob("*.json")):
        raw = next(seed_dir.glob(gold_path.stem + ".*"), None)
        if raw is None:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text = normalize(raw.read_text(encoding="utf-8")).text
        names = {c["name"] for c in gold.get("contacts", [])}
        if (gold.get("signer") or {}).get("name"):
            names.add(gold["signer"]["name"])
        predicted = set()
        for kind, start, end in letters._zones(text, gold):
            predicted |= {c.value for c in nlp_mod.find_entities(text, start, end)
                          if c.field == "PER"}
        total += len(names)
        found += len(names & predicted)
        extra += sorted(predicted - names)
    print(f"\nSeeds sanity check: {found}/{total} gold contact and signer names found as PER; "
          f"other PER predicted: {extra}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--split", choices=["dev", "test", "all"], default="test")
    ap.add_argument("--seeds", type=Path, help="folder of seed letters with gold/ (sanity check)")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = ap.parse_args(argv)
    results = {"ner": compare(None if args.split == "all" else args.split),
               "speed": tokenize_speed()}
    if args.seeds:
        seeds_check(args.seeds)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
