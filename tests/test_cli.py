"""The command line: help for every command, exit statuses, stdout formats, progress lines."""

from __future__ import annotations

import argparse
import json

import pytest

from pipeline import batch
from pipeline.cli import build_parser, main
from tests.test_batch import letter, write_letters, write_mixed


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _help_of(name: str) -> str:
    action = next(a for a in build_parser()._actions
                  if isinstance(a, argparse._SubParsersAction))
    return next(c.help for c in action._choices_actions if c.dest == name)


@pytest.mark.parametrize("name", sorted(_subcommands()))
def test_every_command_has_help(name):
    """As sqlite-utils' test_docs: a command nobody explained is a command nobody can use."""
    sub = _subcommands()[name]
    assert _help_of(name), f"'congvan {name}' has no one-line help"
    assert sub.description, f"'congvan {name}' has no description"
    for action in sub._actions:
        if not isinstance(action, argparse._HelpAction):
            assert action.help, f"'congvan {name}': {action.option_strings or action.dest} " \
                                "has no help"


def test_extract_help_explains_inputs_outputs_and_exit_statuses(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["extract", "--help"])
    assert exit_.value.code == 0
    text = capsys.readouterr().out
    for words in ('start with "."', "unsupported", "manifest.csv", "docs/tables.md",
                  "0  every input", "3  some inputs failed", "--engine", "--jobs"):
        assert words in text, words


@pytest.mark.parametrize("argv, message", [
    (["extract", "{src}"], "one of the arguments --out --format is required"),
    (["extract", "{src}", "--out", "{out}", "--format", "jsonl"], "not allowed with"),
    (["extract", "{src}/missing.txt", "--out", "{out}"], "no such file or folder"),
    (["extract", "{src}", "--format", "json"], "--format json prints one record"),
    (["extract", "{src}", "--out", "{out}", "--jobs", "-1"], "must be 0"),
    (["extract", "{src}", "--out", "{out}", "--address", "ray://x:10001"],
     "--address is for --engine ray"),
    (["extract", "{src}", "--out", "{out}", "--engine", "spark"], "invalid choice"),
])
def test_usage_errors_exit_2(tmp_path, capsys, argv, message):
    write_letters(tmp_path / "in", 2)
    argv = [a.format(src=tmp_path / "in", out=tmp_path / "out") for a in argv]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_exit_0_when_every_input_is_extracted(tmp_path, capsys):
    write_letters(tmp_path / "in", 3)
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "2"]) == 0
    err = capsys.readouterr().err
    assert "3 inputs: 3 ok" in err or "partial" in err
    assert f"manifest: {tmp_path / 'out' / 'manifest.csv'}" in err


def test_exit_3_when_some_inputs_fail(tmp_path, capsys):
    write_mixed(tmp_path / "in")
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"]) == 3
    err = capsys.readouterr().err
    assert "1 unsupported" in err and "1 duplicate" in err
    # Run again: nothing left to do, and the status says the batch still has failures.
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"]) == 3
    assert "0 done now (0 extracted), 9 already done" in capsys.readouterr().err


def test_unsupported_files_are_recorded_but_do_not_fail_the_batch(tmp_path, capsys):
    """A folder of letters with other files beside them (gold JSON, sidecars) exits 0."""
    write_letters(tmp_path / "in", 2)
    (tmp_path / "in" / "notes.json").write_text("{}", encoding="utf-8")
    assert main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-q"]) == 0
    assert "2 ok, 1 unsupported" in capsys.readouterr().err
    statuses = (tmp_path / "out" / "manifest.csv").read_text(encoding="utf-8")
    assert ",unsupported," in statuses


def test_format_json_prints_one_pretty_record(tmp_path, capsys):
    path = tmp_path / "cv.txt"
    path.write_text(letter(3), encoding="utf-8")
    assert main(["extract", str(path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("{\n  ") and out.endswith("}\n")
    record = json.loads(out)
    assert record["source"]["path"] == str(path) and record["number"]["symbol"]


def test_format_json_fails_with_3_for_an_empty_file(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    assert main(["extract", str(tmp_path / "empty.txt"), "--format", "json"]) == 3
    assert json.loads(capsys.readouterr().out)["status"] == "failed"


def test_format_jsonl_prints_one_line_per_input(tmp_path, capsys):
    expected = write_mixed(tmp_path / "in")
    assert main(["extract", str(tmp_path / "in"), "--format", "jsonl", "-j", "2"]) == 3
    lines = capsys.readouterr().out.splitlines()
    assert sorted(json.loads(line)["source"]["path"] for line in lines) == sorted(expected)
    assert not (tmp_path / "in" / "records.jsonl").exists()


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(batch, "LOG_EVERY", 0.0)
    write_letters(tmp_path / "in", 4)
    main(["extract", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "-j", "1"])
    err = capsys.readouterr().err
    assert "congvan: 4 inputs: 4 to extract, 0 already done" in err
    assert "4/4 documents (100%)" in err and "doc/s" in err and "ETA" in err
    assert "0 failed" in err
