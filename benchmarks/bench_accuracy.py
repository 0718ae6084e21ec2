"""Field accuracy on every gold set the project has, by the rules of record-v1.md.

    python benchmarks/bench_accuracy.py [--show-errors]

Sets:
  seeds     ../shared/seeds (five real letters; skipped when ../shared is not beside us)
  dev       data/raw with tests/gold (the fictional letters the extractors were built on)
  heldout   benchmarks/heldout (written apart from the code; its misses were then fixed)
  heldout2  benchmarks/heldout2 (written apart; measured once untouched: micro F1 0.9789)
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from pipeline import extract_file
from pipeline.evaluate import evaluate, format_table, load_gold

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "seeds": (ROOT.parent / "shared" / "seeds", ROOT.parent / "shared" / "seeds" / "gold"),
    "dev": (ROOT / "data" / "raw", ROOT / "tests" / "gold"),
    "heldout": (ROOT / "benchmarks" / "heldout" / "letters", ROOT / "benchmarks" / "heldout" / "gold"),
    "heldout2": (ROOT / "benchmarks" / "heldout2" / "letters",
                 ROOT / "benchmarks" / "heldout2" / "gold"),
}


def score_set(letters: Path, gold_dir: Path):
    gold = load_gold(gold_dir)
    records = {p.stem: json.loads(extract_file(p).model_dump_json())
               for p in sorted(letters.iterdir()) if p.is_file() and p.stem in gold}
    return evaluate(gold, records)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--show-errors", action="store_true", help="list every miss")
    ap.add_argument("--table", action="store_true", help="print the per-field table of each set")
    args = ap.parse_args()
    print(f"{'set':<10} {'letters':>7} {'tp':>5} {'fp':>4} {'fn':>4} {'micro F1':>9}")
    for name, (letters, gold_dir) in SETS.items():
        if not gold_dir.is_dir():
            continue
        score = score_set(letters, gold_dir)
        m = score.micro
        n = len(load_gold(gold_dir))
        print(f"{name:<10} {n:>7} {m.tp:>5} {m.fp:>4} {m.fn:>4} {m.prf()[2]:>9.4f}")
        if args.table:
            print(format_table(score))
        if args.show_errors:
            for e in score.errors:
                print(f"  {e['doc']}\t{e['field']}\tgold: {e['gold']}\tpred: {e['pred']}")


if __name__ == "__main__":
    main()
