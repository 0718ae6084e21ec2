"""OCR benchmark: speed and character error rate of the scanned-letter path, and accuracy.

The project's letters that have a full header (data/raw, with gold records in tests/gold)
are rendered by tests/render.py into 300-dpi A4 pages in the layout of NĐ 30/2020, once
clean and once "scanned" (rotation 1-3°, blur, noise, JPEG artefacts, every other letter's
last page upside down), and saved as image-only PDFs and page PNGs. Then:

- speed: seconds per page of ``extract_file`` on the scanned PDF (the whole pipeline:
  render, clean-up, Tesseract, field extraction) against the bare command
  ``tesseract page.png - -l vie`` on the same page images; CPU seconds (this process and
  its children) are the headline, being steadier than wall time on a shared machine;
- CER: edit distance of the OCR text against the text the layout put on the page, white
  space collapsed, for the bare command, for the pipeline without clean-up
  (``recognize(steps=())``) and with it;
- with ``--f1``: micro F1 of ``congvan extract`` on the text files, the clean PDFs and the
  scanned PDFs of the same letters, scored by shared/eval/score.py against their gold.

Tesseract runs with OMP_THREAD_LIMIT=1 everywhere, as the pipeline runs it.

    python benchmarks/bench_ocr.py [--letters N] [--f1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pypdfium2 as pdfium  # noqa: E402

from tests import render  # noqa: E402

from pipeline.core import extract_file  # noqa: E402
from pipeline.nlp import find_entities  # noqa: E402
from pipeline.ingest import ocr, read_source  # noqa: E402
from pipeline.ingest.pdf import page_image  # noqa: E402


def cpu_seconds() -> float:
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


class Clock:
    def __init__(self) -> None:
        self.cpu = self.wall = 0.0

    def __enter__(self):
        self._cpu, self._wall = cpu_seconds(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.cpu += cpu_seconds() - self._cpu
        self.wall += time.perf_counter() - self._wall


def letters_with_gold(limit: int) -> list[render.Letter]:
    gold = ROOT / "tests" / "gold"
    found = [x for x in render.raw_letters(ROOT / "data" / "raw")
             if (gold / f"{x.stem}.json").exists()]
    return found[:limit] if limit else found


def bare_tesseract(png: Path) -> tuple[str, Clock]:
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    with Clock() as clock:
        out = subprocess.run(["tesseract", str(png), "-", "-l", "vie"], capture_output=True,
                             env=env, check=True).stdout.decode("utf-8", "replace")
    return out, clock


def micro_f1(folder: Path, out: Path, gold: Path) -> float:
    subprocess.run([str(Path(sys.executable).parent / "congvan"), "extract", str(folder),
                    "--out", str(out)], check=True, capture_output=True)
    score = ROOT.parent / "shared" / "eval" / "score.py"
    if score.exists():
        args = [sys.executable, str(score), "--gold", str(gold), "--pred",
                str(out / "records.jsonl")]
    else:  # the same rules, from the package
        args = [str(Path(sys.executable).parent / "congvan"), "eval", "--gold", str(gold),
                str(out / "records.jsonl")]
    text = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return float(re.search(r"micro_f1\s+([\d.]+)", text).group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=6,
                        help="how many letters with gold to use (0: all; default 6)")
    parser.add_argument("--f1", action="store_true", help="also measure micro F1 (slow)")
    parser.add_argument("--keep", metavar="DIR", help="write the rendered files here")
    args = parser.parse_args(argv)
    if shutil.which("tesseract") is None:
        print("tesseract is not installed (Debian: tesseract-ocr tesseract-ocr-vie)")
        return 1
    work = Path(args.keep or tempfile.mkdtemp(prefix="bench-ocr-"))
    letters = letters_with_gold(args.letters)
    print(f"{len(letters)} letters; files in {work}; {ocr.engine().name}, psm {ocr.PSM}, "
          f"clean-up {'+'.join(ocr.STEPS)}")
    kinds = {"clean": {}, "scan": {}}
    (work / "png").mkdir(parents=True, exist_ok=True)
    (work / "text").mkdir(exist_ok=True)
    for i, letter in enumerate(letters):
        pages = render.layout(letter)
        clean = render.page_images(pages)
        scanned = render.degrade(clean, seed=i, flip=(-1,) if i % 2 else ())
        truth = render.truth_pages(pages)
        for kind, images in (("clean", clean), ("scan", scanned)):
            folder = work / kind
            folder.mkdir(parents=True, exist_ok=True)
            pdf = render.save_image_pdf(images, folder / f"{letter.stem}.pdf")
            pngs = [render.save_png(im, work / "png" / f"{kind}-{letter.stem}-{k + 1}.png")
                    for k, im in enumerate(images)]
            kinds[kind][letter.stem] = (pdf, pngs, truth)
        shutil.copy(next((ROOT / "data" / "raw").glob(f"{letter.stem}.*")), work / "text")

    # load the extractors' data and models before anything is timed (the NER model too: the
    # extractors call it only where the rules see no name, which OCR'd text makes likelier)
    extract_file(next((work / "text").iterdir()))
    list(find_entities("Liên hệ Nguyễn Văn An, điện thoại 0912345678."))
    print()
    print(f"{'':6} {'pages':>5} | {'CER bare':>8} {'no clean-up':>11} {'pipeline':>8} | "
          f"{'bare s/page':>11} {'pipeline s/page':>15} {'read s/page':>11} "
          f"{'ratio':>5} | wall: {'bare':>5} {'pipeline':>8}")
    for kind, docs in kinds.items():
        n = 0
        errors = {"bare": 0.0, "none": 0.0, "pipeline": 0.0}
        chars = 0
        bare_t, pipe_t, read_t = Clock(), Clock(), Clock()
        for stem, (pdf, pngs, truth) in docs.items():
            n += len(pngs)
            reference = "\n".join(truth)
            size = len(" ".join(reference.split()))
            chars += size
            bare_text = []
            for png in pngs:
                text, clock = bare_tesseract(png)
                bare_t.cpu += clock.cpu
                bare_t.wall += clock.wall
                bare_text.append(text)
            with pipe_t:
                record = extract_file(pdf)
            doc = pdfium.PdfDocument(str(pdf))
            none_text = [ocr.recognize(page_image(doc[k]), steps=()).text
                         for k in range(len(doc))]
            doc.close()
            with read_t:
                read_source(pdf)
            errors["bare"] += render.cer("\n".join(bare_text), reference) * size
            errors["none"] += render.cer("\n".join(none_text), reference) * size
            errors["pipeline"] += render.cer(record.text, reference) * size
        print(f"{kind:6} {n:>5} | {errors['bare'] / chars:>8.4f} {errors['none'] / chars:>11.4f} "
              f"{errors['pipeline'] / chars:>8.4f} | {bare_t.cpu / n:>11.2f} "
              f"{pipe_t.cpu / n:>15.2f} {read_t.cpu / n:>11.2f} "
              f"{pipe_t.cpu / bare_t.cpu:>5.2f} | {bare_t.wall / n:>11.2f} "
              f"{pipe_t.wall / n:>8.2f}")
    print("\nCER: character error rate, white space collapsed; s/page: CPU seconds per page "
          "(ratio = pipeline / bare);\npipeline = extract_file (OCR + field extraction), "
          "read = read_source (OCR only).")
    if args.f1:
        gold = work / "gold"
        gold.mkdir(exist_ok=True)
        for letter in letters:
            shutil.copy(ROOT / "tests" / "gold" / f"{letter.stem}.json", gold)
        print()
        for kind in ("text", "clean", "scan"):
            f1 = micro_f1(work / kind, work / f"out-{kind}", gold)
            print(f"micro F1 {kind:6} {f1:.4f}")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
