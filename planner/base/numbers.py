"""One spelling of a number for every input: workload files, scenario CSV cells, policy columns and price
overlays read numbers written as text through this module, so every path accepts exactly the same spellings.

Accepted: ASCII digits with an optional sign, decimal point and exponent, ``_`` between digits as a group
separator, and spaces or tabs around it: ``1000``, ``-2.5``, ``.5``, ``5.``, ``1e3``, ``1.5E-3``, ``1_000``,
``" 5 "``. Refused: thousands commas (``1,000``: a comma groups thousands in some locales and is the decimal
point in others, so its meaning is a guess), any other character (``0x10``, ``12%``, ``５`` and other non-ASCII
digits), values that are not finite (``nan``, ``inf``, ``1e400``, which overflows to infinity) and values that
are not zero but round to it (``1e-400``).

:func:`parse_number` reads one cell (the row check, pydantic's validators); :func:`parse_numbers` reads a
column at once through Arrow (the batch's fast path): the same grammar, matched by the same pattern, and the
digits it keeps are converted by correctly rounded parsers on both paths, so the two agree cell for cell.
"""

from __future__ import annotations

import math
import re

import numpy as np

# Only constructs both Python's re and Arrow's RE2 read alike: ASCII classes, no \d or \s (Unicode in re).
_DIGITS = r"[0-9](?:_?[0-9])*"
_CORE = rf"[ \t]*[+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})(?:[eE][+-]?{_DIGITS})?[ \t]*"
NUMBER_PATTERN = re.compile(_CORE)  # used with fullmatch
_ARROW_PATTERN = f"^(?:{_CORE})$"  # RE2: $ is the end of the text, never before a final newline
_NOISE = re.compile(r"[ \t_]")  # dropped before conversion: padding and digit-group underscores
_ARROW_NOISE = r"[ \t_]"

SPELLINGS = "digits with an optional sign, decimal point and exponent, _ between digits (1000, 1_000, 2.5, 1e3)"
NOT_FINITE = "must be a finite number, not NaN or infinity"
UNDERFLOW = "is too small to tell from 0 (a float rounds it to 0): write 0, or a number above 1e-300"
_NONZERO_MANTISSA = r"^[^eE]*[1-9]"  # a digit other than 0 before any exponent (Python re and RE2 alike)


class NotANumber(ValueError):
    """Text that is not a number as every planner input spells one; the message says why."""


def number_problem(text: str) -> str:
    """Why ``text`` is not a number (for a message that also names the field and the value)."""
    if NUMBER_PATTERN.fullmatch(text):
        if float(_NOISE.sub("", text)) == 0:
            return UNDERFLOW  # 1e-400: well spelled, not zero, but below the smallest float
        return NOT_FINITE  # well spelled, but too large to be finite
    if text.strip().lower().lstrip("+-") in ("nan", "inf", "infinity", ".nan", ".inf"):
        return NOT_FINITE
    if "," in text:
        return f"must be a finite number written as {SPELLINGS}; commas are not read (a thousands separator in " \
               "some locales, a decimal point in others)"
    return f"must be a finite number written as {SPELLINGS}"


def parse_number(text: str) -> float:
    """The finite number ``text`` spells, or :class:`NotANumber` saying why not."""
    if not NUMBER_PATTERN.fullmatch(text):
        raise NotANumber(number_problem(text))
    value = float(_NOISE.sub("", text))
    if not math.isfinite(value):
        raise NotANumber(NOT_FINITE)
    if value == 0 and re.match(_NONZERO_MANTISSA, text):
        raise NotANumber(UNDERFLOW)  # 1e-400 was priced as 0 without a word
    return value


def parse_numbers(cells: np.ndarray, empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A column of text cells as floats (NaN where ``empty``) and a mask of the cells that are not numbers (not
    empty, and not spelled as :func:`parse_number` accepts, or not finite). Vectorised through Arrow: the
    pattern is matched by RE2 and the cleaned digits cast to float64 in C."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array(np.where(empty, None, cells), type=pa.string())
    spelled = pc.fill_null(pc.match_substring_regex(text, _ARROW_PATTERN), False).to_numpy(zero_copy_only=False)
    digits = pc.replace_substring_regex(pc.if_else(pa.array(spelled), text, pa.scalar(None, pa.string())),
                                        _ARROW_NOISE, "")
    values = digits.cast(pa.float64()).to_numpy(zero_copy_only=False)  # null (not spelled) -> NaN
    nonzero = pc.fill_null(pc.match_substring_regex(text, _NONZERO_MANTISSA), False).to_numpy(zero_copy_only=False)
    bad = ~np.asarray(empty, dtype=bool) & ~(spelled & np.isfinite(values) & ~((values == 0) & nonzero))
    return np.where(bad, np.nan, values), bad
