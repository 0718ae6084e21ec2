"""Vietnamese language data shipped with the package, loaded lazily and once.

Data files are UTF-8 (NFC); lines starting with "#" are comments. ``.txt`` files hold one
item a line, ``.tsv`` files tab-separated columns.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources


def _lines(name: str) -> list[str]:
    text = resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    return [line.rstrip("\n") for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


@lru_cache(maxsize=None)
def load_lines(name: str) -> tuple[str, ...]:
    """Items of a one-per-line data file, e.g. ``load_lines("layout/titles.txt")``."""
    return tuple(line.strip() for line in _lines(name))


@lru_cache(maxsize=None)
def load_tsv(name: str) -> tuple[tuple[str, ...], ...]:
    """Rows of a tab-separated data file (comment lines skipped)."""
    return tuple(tuple(cell.strip() for cell in line.split("\t")) for line in _lines(name))


def alternation(phrases) -> str:
    """A regex alternation of ``phrases``, longest first, white space inside matching any run.

    >>> alternation(["chậm nhất", "trước"])
    '(?:chậm\\\\s+nhất|trước)'
    """
    import re

    escaped = (r"\s+".join(map(re.escape, p.split())) for p in
               sorted(set(phrases), key=lambda p: (-len(p), p)))
    return "(?:" + "|".join(escaped) + ")"
