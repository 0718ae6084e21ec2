"""Letters per second on one core: the whole text path vs underthesea's tokenization alone.

    python benchmarks/bench_text.py [--repeat N] [PATH ...]

The whole path is ``pipeline.extract_text`` (normalization, zoning, every extractor, the
spaCy Doc over underthesea's tokens and the NER, validation into a record). Tokenization
alone is ``underthesea.word_tokenize`` over the same letters, line by line as the pipeline
calls it. Target (foundation issue): the whole path costs at most 2x tokenization alone.
Models are loaded and warmed up before timing.
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]


def _letters(paths: list[str]) -> list[str]:
    files: list[Path] = []
    for p in map(Path, paths or [str(ROOT / "data" / "raw")]):
        files.extend(sorted(p.rglob("*")) if p.is_dir() else [p])
    return [f.read_text(encoding="utf-8") for f in files if f.suffix in (".txt", ".md")]


def _time(fn, texts: list[str], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for text in texts:
            fn(text)
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="*", help="letters (default: data/raw)")
    ap.add_argument("--repeat", type=int, default=3, help="runs; the best is kept")
    args = ap.parse_args()

    from underthesea import word_tokenize

    from pipeline import extract_text
    from pipeline.normalize import normalize

    texts = _letters(args.paths)
    normalized = [normalize(t).text for t in texts]

    def tokenize_only(text: str) -> None:
        for line in text.split("\n"):
            if line.strip():
                word_tokenize(line)

    extract_text(texts[0])  # load models and data once, outside the timing
    tokenize_only(normalized[0])

    t_tok = _time(tokenize_only, normalized, args.repeat)
    t_all = _time(extract_text, texts, args.repeat)
    n = len(texts)
    chars = sum(map(len, texts))
    print(f"letters: {n}  characters: {chars}  (best of {args.repeat})")
    print(f"{'path':<34} {'seconds':>8} {'letters/s':>10}")
    print(f"{'underthesea word_tokenize alone':<34} {t_tok:>8.3f} {n / t_tok:>10.1f}")
    print(f"{'whole text pipeline':<34} {t_all:>8.3f} {n / t_all:>10.1f}")
    print(f"ratio whole / tokenization: {t_all / t_tok:.2f}  (target <= 2.00)")


if __name__ == "__main__":
    main()
