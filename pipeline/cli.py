"""The ``congvan`` command: argument parsing only; every command calls the library."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline import __version__


def _add_extract_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files and folders (searched recursively) to extract")
    p.add_argument("--out", metavar="DIR",
                   help="output folder: records.jsonl, records/, the CSV tables, manifest.csv")
    p.add_argument("--format", choices=["json", "jsonl"],
                   help="print records to stdout instead of writing --out "
                        "(json: one FILE, pretty; jsonl: one line per record)")
    p.add_argument("--jobs", "-j", type=int, default=0,
                   help="worker processes (default: all cores)")


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.batch import run_extract
    return run_extract(args)


def cmd_schema(args: argparse.Namespace) -> int:
    from pipeline.schema import json_schema
    print(json.dumps(json_schema(), ensure_ascii=False, indent=2))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from pipeline.evaluate import run_eval
    return run_eval(args)


def cmd_train(args: argparse.Namespace) -> int:
    from pipeline.train import run_train
    return run_train(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="congvan",
        description="Vietnamese official letters (công văn) -> validated dispatch records.")
    parser.add_argument("--version", action="version", version=f"congvan {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("extract", help="extract records from letters",
                       description="Extract one dispatch record per input file.")
    _add_extract_args(p)
    p.set_defaults(func=cmd_extract)

    p = sub.add_parser("schema", help="print the record's JSON Schema",
                       description="Print the JSON Schema of the dispatch record (v1).")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("eval", help="score records against gold records",
                       description="Per-field precision, recall and F1 and the micro F1, "
                                   "by the rules of record-v1.md.")
    p.add_argument("--gold", required=True, metavar="DIR", help="folder of NAME.json gold records")
    p.add_argument("pred", metavar="PRED.jsonl", help="records.jsonl to score")
    p.add_argument("--json", action="store_true", help="print a JSON dict")
    p.add_argument("--show-errors", action="store_true", help="list every mismatch")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("train", help="train the spaCy NER model into models/",
                       description="Train the person/organisation NER on the project's "
                                   "annotated letters and write it to models/.")
    p.add_argument("--out", metavar="DIR", help="model folder (default: models/ner)")
    p.add_argument("--seed", type=int, default=0, help="random seed")
    p.set_defaults(func=cmd_train)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
