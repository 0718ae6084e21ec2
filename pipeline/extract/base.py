"""What every extractor yields: a candidate value with its span, score and rule."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Candidate:
    """One value found in the normalized text.

    ``start``/``end`` index the normalized text; ``value`` is already normalized (an ISO
    date, an E.164 phone, a dict of sub-fields); ``rule`` names the pattern or model that
    fired. A candidate with ``problem`` set carries a value that failed validation: the
    resolver turns it into a record warning instead of a value.
    """

    field: str
    start: int
    end: int
    value: Any
    score: float = 1.0
    rule: str = ""
    problem: tuple[str, str] | None = field(default=None)
