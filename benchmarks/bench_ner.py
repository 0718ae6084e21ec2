"""NER on the project's letters: the congvan model against underthesea's shipped NER.

    python benchmarks/bench_ner.py                 # test letters, both systems, speed
    python benchmarks/bench_ner.py --split dev
    python benchmarks/bench_ner.py --seeds ../shared/seeds   # a last sanity check only

Scores are exact-span precision, recall and F1 per label on the zones of
``pipeline/resources/ner/letters.jsonl`` (headers, contact sentences, citations, Nơi nhận
and signature blocks; every person and organisation annotated). underthesea's ``ner`` tags
words B-/I- PER, ORG, LOC, MISC; its PER and ORG spans are mapped back to character
offsets and scored the same way (its LOC is not scored: a place is not an entity here).
Speed is zones per second, each system on the same texts, after a warm-up. The last table
times ``make_doc`` against ``underthesea.word_tokenize`` on whole letters.
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


def congvan_spans(text: str) -> set[tuple[int, int, str]]:
    return {(c.start, c.end, c.field) for c in nlp_mod.find_entities(text)}


def timed(fn, texts: list[str], repeat: int = 3) -> tuple[list, float]:
    fn(texts[0])  # warm-up: loads models
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = [fn(x) for x in texts]
        best = min(best, time.perf_counter() - t)
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
    union = [a | {x for x in b if x[2] == "PER"} for a, b in zip(ours, theirs)]
    results = {
        "congvan": (prf(ours, gold, LABELS), len(texts) / t_ours),
        "underthesea": (prf(theirs, gold, LABELS), len(texts) / t_theirs),
        "congvan + underthesea PER": (prf(union, gold, LABELS), None),
    }
    header = [["system", "label", "P", "R", "F1", "n", "zones/s"]]
    body = []
    for name, (s, speed) in results.items():
        body += score_rows(name, s, f"{speed:.0f}" if speed else "")
    print(f"\nNER on {len(texts)} letter zones ({split or 'all'} split), exact spans\n")
    print(table(header + body))
    return {k: {"scores": v[0], "zones_per_second": v[1]} for k, v in results.items()}


def tokenize_speed() -> dict:
    from underthesea import word_tokenize

    texts = [normalize(p.read_text(encoding="utf-8")).text
             for p in sorted((REPO / "data" / "raw").glob("*")) if p.suffix in (".txt", ".md")]
    _, t_ut = timed(word_tokenize, texts, repeat=5)
    _, t_doc = timed(nlp_mod.make_doc, texts, repeat=5)
    zones = [e["text"] for e in letters.load() if e["kind"] in ("signature", "contact")]
    _, t_ner = timed(nlp_mod.parse, zones, repeat=3)
    n = len(texts)
    print(f"\nTokenization of {n} whole letters ({sum(map(len, texts))} characters)\n")
    rows = [["step", "ms/letter", "x word_tokenize"],
            ["underthesea.word_tokenize(text)", f"{t_ut / n * 1000:.2f}", "1.00"],
            ["nlp.make_doc(text) (line by line, offsets)", f"{t_doc / n * 1000:.2f}",
             f"{t_doc / t_ut:.2f}"],
            ["nlp.parse on signature + contact zones", f"{t_ner / n * 1000:.2f}",
             f"{t_ner / t_ut:.2f}"]]
    print(table(rows))
    return {"letters": n, "word_tokenize_ms": t_ut / n * 1000, "make_doc_ms": t_doc / n * 1000,
            "ner_zones_ms": t_ner / n * 1000}


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
