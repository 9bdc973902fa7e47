"""Render tables and records for the terminal (rich), CSV or JSON."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table

from planner.report.escaping import spreadsheet_safe

if TYPE_CHECKING:  # pandas is imported by the commands that print tables, not by `planner --version`
    import pandas as pd


class OutputFormat(str, Enum):
    table = "table"
    csv = "csv"
    json = "json"


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _cell(value: Any) -> str:
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.6g}" if abs(value) < 1000 else f"{value:,.2f}"
    return str(value)


def _console() -> Console:
    """The terminal's width on a terminal; wide enough not to truncate when piped."""
    console = Console()
    return console if console.is_terminal else Console(width=200)


def print_frame(df: pd.DataFrame, fmt: OutputFormat, *, title: str = "", caption: str = "") -> None:
    """Print a DataFrame as a rich table, CSV or a JSON list of records."""
    import pandas as pd

    if fmt is OutputFormat.csv:
        spreadsheet_safe(df).to_csv(sys.stdout, index=False, lineterminator="\n")
    elif fmt is OutputFormat.json:
        records = [{k: _plain(v) for k, v in row.items()} for row in df.to_dict(orient="records")]
        print(json.dumps(records, indent=2))
    else:
        table = Table(title=title or None, caption=caption or None, header_style="bold")
        for col in df.columns:
            numeric = pd.api.types.is_numeric_dtype(df[col])
            table.add_column(col, justify="right" if numeric else "left")
        for row in df.itertuples(index=False):
            table.add_row(*(_cell(v) for v in row))
        _console().print(table)


def print_record(record: Mapping[str, Any], fmt: OutputFormat, *, title: str = "") -> None:
    """Print one record as a two-column table, a one-row CSV or a JSON object."""
    clean = {k: _plain(v) for k, v in record.items()}
    if fmt is OutputFormat.json:
        print(json.dumps(clean, indent=2))
    elif fmt is OutputFormat.csv:
        import pandas as pd

        spreadsheet_safe(pd.DataFrame([clean])).to_csv(sys.stdout, index=False, lineterminator="\n")
    else:
        table = Table(title=title or None, show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value")
        for k, v in clean.items():
            table.add_row(k, _cell(v))
        _console().print(table)
