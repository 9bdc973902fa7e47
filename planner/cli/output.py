"""What the CLI's commands share to put their results out: the ``--format`` choices, the ``--prices`` and
``--currency`` options, and writing text to standard output or to a file (atomically). Imported by the commands
(plan, diff, scenarios), never importing them."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path

import typer

from planner.base.errors import PlannerError

PRICES = typer.Option(None, "--prices", help="Negotiated prices: a CSV of discounts and contract rates laid over "
                                            "the list prices (columns cloud, service, family, sku, discount_pct, "
                                            "hourly_usd; see README).")
CURRENCY = typer.Option("USD", "--currency", help="Show amounts in this currency (EUR, GBP, JPY, ...: the bundled "
                                                  "ECB reference rates, dated in the report); JSON keeps USD.")


class PlanFormat(str, Enum):
    md = "md"
    json = "json"
    table = "table"


def terminal_only(out: Path | None) -> None:
    """Refuse ``--output`` with ``--format table`` (a table is for the terminal)."""
    if out is not None:
        raise PlannerError("--format table prints to the terminal; use md or json with --output")


def emit(text: str, out: Path | None) -> None:
    """Standard output, or the file written atomically (never half-written)."""
    if out is None:
        sys.stdout.write(text)
    else:
        from planner.base.atomic import write_text_atomic

        write_text_atomic(out, text)
