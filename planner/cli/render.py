"""Render tables and records for the terminal (rich), CSV or JSON.

The terminal boundary: every console the commands print through is an :class:`InertConsole`, which reads no
markup or emoji codes and shows control characters as visible escapes
(:func:`planner.report.escaping.terminal_text`) in every string it renders: table cells, titles, lines. Styled
lines are built with :func:`styled`, which escapes its parts the same way.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Mapping
from enum import Enum
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from planner.report.escaping import spreadsheet_safe, terminal_text

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


def _cell(value: Any) -> Text:
    """A table cell: one line, its control characters (a newline in a name too) shown escaped, so no cell can
    draw what looks like another row."""
    value = _plain(value)
    if value is None:
        return Text("")
    if isinstance(value, float):
        return Text(f"{value:,.6g}" if abs(value) < 1000 else f"{value:,.2f}")
    return Text(terminal_text(str(value)))


class InertConsole(Console):
    """A rich console that prints text as text: no markup (``[link=...]`` in a name stays those characters), no
    emoji codes, and control characters (ESC, CSI, OSC, C1, bidirectional overrides) as visible escapes. Line
    breaks the program lays out are kept."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(markup=False, emoji=False, **kwargs)

    def render_str(self, text: str, **kwargs: Any) -> Text:  # every str a renderable holds passes here
        return super().render_str(terminal_text(text, keep_newlines=True), **kwargs)


def styled(*parts: str | tuple[str, str]) -> Text:
    """A line of plain parts and ``(text, style)`` pairs, each part's control characters escaped (a
    :class:`~rich.text.Text` is printed as it is, without :meth:`InertConsole.render_str`)."""
    text = Text()
    for part in parts:
        content, style = (part, "") if isinstance(part, str) else part
        text.append(terminal_text(content), style=style)
    return text


def _console() -> Console:
    """The terminal's width on a terminal; wide enough not to truncate when piped."""
    console = InertConsole()
    return console if console.is_terminal else InertConsole(width=200)


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
