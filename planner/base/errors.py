"""One error hierarchy for everything a user can get wrong.

Every error a user can cause derives from :class:`PlannerError` (a
``ValueError``), so the CLI and the dashboard catch one type and show its
message, never a traceback.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


class PlannerError(ValueError):
    """Base class of every error caused by input (workload, price table, CLI argument)."""


class PriceTableError(PlannerError):
    """A price table failed validation. ``problems`` holds one message per fault found."""

    def __init__(self, problems: list[str], *, limit: int = 25, what: str = "the price tables") -> None:
        self.problems = problems
        shown = problems[:limit]
        more = len(problems) - len(shown)
        text = f"{len(problems)} problem(s) in {what}:\n" + "\n".join(f"  - {p}" for p in shown)
        if more:
            text += f"\n  ... and {more} more"
        super().__init__(text)


class UnreadableBookError(PlannerError):
    """The price book itself cannot be read (a packed table that does not decode): every scenario's plan would
    fail alike, so a batch stops on it instead of reporting it row by row."""


class UnknownNameError(PlannerError):
    """A cloud, region, service, SKU or option that the price book does not hold."""


def unknown_name(kind: str, value: str, known: Iterable[str], *, context: str = "") -> UnknownNameError:
    """Build an :class:`UnknownNameError` that lists close matches (or the valid names if few)."""
    known = sorted(set(known))
    where = f" {context}" if context else ""
    close = difflib.get_close_matches(value, known, n=5, cutoff=0.6)
    if close:
        hint = "did you mean " + ", ".join(close) + "?"
    elif len(known) <= 12:
        hint = "known: " + ", ".join(known) if known else "none are available"
    else:
        hint = f"{len(known)} are available, e.g. " + ", ".join(known[:6])
    return UnknownNameError(f"unknown {kind} '{value}'{where}; {hint}")
