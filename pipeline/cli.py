"""The ``congvan`` command: argument parsing only; every command calls the library."""

from __future__ import annotations

import argparse
import json
import sys

from pipeline import __version__


_EXTRACT_EPILOG = """\
inputs:
  Folders are searched recursively. Files and folders whose names start with "." are
  skipped inside folders (a path given explicitly is always read); links to folders are
  followed. Files of a type congvan cannot read are not skipped: they get a failed record
  (code input.unsupported) and the status "unsupported" in the manifest.

output folder (--out DIR):
  records.jsonl      one record per input (record v1)
  records/NAME.json  the same records, one indented file each
  manifest.csv       one row per input: status, sha256, pages, error, seconds, version
  documents.csv, recipients.csv, references.csv, deadlines.csv, contacts.csv,
  distribution.csv, warnings.csv
                     the tables for analysts (columns: docs/tables.md)
  Re-running the same command skips inputs already done with the same bytes and pipeline
  version, and finishes a batch that was interrupted, even by a kill. Identical files are
  extracted once; the other paths are "duplicate" in the manifest, with a copy of the record.

exit status:
  0  every input was extracted (ok or partial), or is a file type congvan does not read
     (recorded as "unsupported" in the manifest and the summary)
  2  usage error
  3  some inputs failed (unreadable, empty, corrupt, ...): see manifest.csv
"""


def _jobs(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 (all cores) or more")
    return value


def _add_extract_args(p: argparse.ArgumentParser) -> None:
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.epilog = _EXTRACT_EPILOG
    p.add_argument("paths", nargs="+", metavar="PATH",
                   help="files and folders (searched recursively; hidden names skipped)")
    where = p.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", metavar="DIR",
                       help="output folder: records.jsonl, records/, the CSV tables, "
                            "manifest.csv (resumable)")
    where.add_argument("--format", choices=["json", "jsonl"],
                       help="print records to stdout instead of writing --out "
                            "(json: one FILE, pretty; jsonl: one line per record, in the "
                            "order they finish)")
    p.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                   help="worker processes, one document per task (default 0: all cores)")
    p.add_argument("--engine", choices=["local", "ray"], default="local",
                   help="local: a process pool (default); ray: Ray Data "
                        "(pip install 'congvan[ray]')")
    p.add_argument("--address", metavar="ADDR",
                   help="with --engine ray: the Ray cluster to use (default: start a local "
                        "Ray with --jobs CPUs)")
    p.add_argument("--retry-failed", action="store_true",
                   help="extract again the inputs that failed in an earlier run")
    p.add_argument("--quiet", "-q", action="store_true",
                   help="no progress bar or progress lines (the summary is still printed)")
    p.set_defaults(extract_parser=p)


def cmd_extract(args: argparse.Namespace) -> int:
    from pipeline.batch import UsageError, run_extract
    try:
        return run_extract(args)
    except UsageError as exc:
        args.extract_parser.error(str(exc))  # exits with status 2


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
