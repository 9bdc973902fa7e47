"""User text made safe for where it lands: one escaper per output format, applied where a renderer puts text it
did not write itself (names, reasons, policy strings, regions, engine names, price-book labels).

* **CSV cells** a spreadsheet would evaluate (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return)
  get a leading apostrophe, as the OWASP "CSV Injection" page recommends; cells that are plain numbers
  (``-4``, ``+1.5e3``) are left alone, so numbers stay numbers.
* **Markdown** (:func:`markdown_text`: table cells, headings and prose of the reports): one line, HTML special
  characters as entities, and ``\\``, ``|``, backticks and brackets backslash-escaped, so a name cannot break
  the table or a fence, open a code span, or make a link or an image.
* **Mermaid labels** (:func:`mermaid_text`): one line, every character that could close the quoted label or
  the block, or read as HTML, as a Mermaid entity code (``#34;``).
* **The terminal** (:func:`terminal_text`): control characters (C0, DEL, C1: ESC, CSI and OSC sequences) and
  bidirectional or invisible format characters shown as visible escapes (``\\x1b``), never sent raw.
* **Dashboard Markdown** (``st.error`` and friends render Markdown): every Markdown control character is
  backslash-escaped, so a file name or a shared link cannot render a link or an image.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

from planner.base.controls import visible_controls

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")
_MARKDOWN_INLINE = re.compile(r"([\\`\[\]|])")
# what could end a quoted Mermaid label or the Markdown fence around it, or read as HTML or an entity (a quoted
# label is one token to Mermaid's parser: parentheses, pipes and semicolons inside it are text)
_MERMAID_SPECIAL = re.compile(r"[\"`<>\[\]{}#&\\]")


def spreadsheet_cell(value: object) -> object:
    """``value`` with a leading apostrophe when a spreadsheet would evaluate it; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _PLAIN_NUMBER.match(value):
        return "'" + value
    return value


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` whose text cells cannot run as formulas; numeric columns untouched."""
    import pandas as pd

    out = df.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.where(values.map(type) == str) if values.dtype == object else values
        # a first-character test over the column, the full rule only on the few cells it flags
        flagged = text.str[:1].isin(FORMULA_TRIGGERS).to_numpy(dtype=bool)
        if flagged.any():
            fixed = values.to_numpy(dtype=object).copy()
            fixed[flagged] = [spreadsheet_cell(v) for v in fixed[flagged]]
            out[col] = pd.Series(fixed, index=values.index, dtype=values.dtype)
    safe_names = [spreadsheet_cell(str(c)) for c in out.columns]
    return out.set_axis(safe_names, axis=1)


def spreadsheet_safe_table(table: pa.Table) -> pa.Table:
    """:func:`spreadsheet_safe` for an Arrow table: a first-character test over each text column, the full rule
    (:func:`spreadsheet_cell`) only on the cells it flags."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    triggers = pa.array(FORMULA_TRIGGERS)
    columns = []
    for column in table.columns:
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            flagged = pc.fill_null(pc.is_in(pc.utf8_slice_codeunits(column, 0, 1), value_set=triggers), False)
            if pc.any(flagged).as_py():
                values = column.to_pylist()
                for i in np.flatnonzero(flagged.to_numpy(zero_copy_only=False)):
                    values[i] = spreadsheet_cell(values[i])
                column = pa.chunked_array([pa.array(values, type=column.type)])
        columns.append(column)
    return pa.table(columns, names=[str(spreadsheet_cell(name)) for name in table.column_names])


terminal_text = visible_controls  # what a terminal is given: control characters shown, never obeyed


def markdown_text(text: object) -> str:
    """Text for a Markdown table cell, a heading or a line of prose: one line; control characters as visible
    escapes; HTML as entities; backslashes, pipes, backticks and brackets backslash-escaped (no table break,
    code span, fence, link or image can start in it). Emphasis marks are left: they cannot inject anything."""
    one_line = _LINE_BREAKS.sub(" ", str(text))
    return _MARKDOWN_INLINE.sub(r"\\\1", html.escape(terminal_text(one_line), quote=False))


# Markdown table cells and inline text share one rule (the name older callers use)
markdown_cell = markdown_text


def mermaid_text(text: object) -> str:
    """Text for one line of a quoted Mermaid label: one line; control characters as visible escapes; double
    quotes, backticks, angle brackets, brackets, braces, ``#``, ``&`` and backslashes as Mermaid entity codes
    (``#34;``), which render as the character and cannot end the label, the statement or the block (Mermaid
    docs, "Entity codes to escape characters")."""
    one_line = _LINE_BREAKS.sub(" ", str(text))
    return _MERMAID_SPECIAL.sub(lambda m: f"#{ord(m.group())};", terminal_text(one_line))


def markdown_literal(text: object) -> str:
    """Text shown verbatim through a Markdown renderer: every control character escaped; its lines kept as
    Markdown line breaks."""
    return "  \n".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in _LINE_BREAKS.split(str(text)))
