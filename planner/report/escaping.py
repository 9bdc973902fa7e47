"""User text made safe for where it lands: spreadsheets, Markdown tables and the dashboard's Markdown.

* **CSV cells** a spreadsheet would evaluate (a leading ``=``, ``+``, ``-``, ``@``, tab or carriage return)
  get a leading apostrophe, as the OWASP "CSV Injection" page recommends; cells that are plain numbers
  (``-4``, ``+1.5e3``) are left alone, so numbers stay numbers.
* **Markdown table cells and headings**: ``|`` escaped, HTML special characters as entities, line breaks
  as spaces, so a name cannot break the table or inject markup.
* **Dashboard Markdown** (``st.error`` and friends render Markdown): every Markdown control character is
  backslash-escaped, so a file name or a shared link cannot render a link or an image.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$])")


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


def markdown_cell(text: object) -> str:
    """Text for a Markdown table cell or heading: pipes escaped, HTML as entities, one line."""
    return html.escape(_LINE_BREAKS.sub(" ", str(text)), quote=False).replace("|", "\\|")


def markdown_literal(text: object) -> str:
    """Text shown verbatim through a Markdown renderer: every control character escaped; its lines kept as
    Markdown line breaks."""
    return "  \n".join(_MARKDOWN_SPECIAL.sub(r"\\\1", line) for line in _LINE_BREAKS.split(str(text)))
