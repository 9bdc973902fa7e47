"""Number formats that sentences need wherever they are written (a rule's rationale, a plan's explanation, a
report): percent with enough decimals to tell the nines apart."""

from __future__ import annotations


def pct(x: float) -> str:
    """Percent with enough decimals to tell the nines apart (99.92%, 99.9997%); a dash when unknown."""
    if x is None or x != x:
        return "—"
    digits = 4 if x >= 99.99 else 3
    while x < 100 and round(x, digits) >= 100 and digits < 12:  # 99.99999 is not 100%
        digits += 1
    return f"{x:.{digits}f}".rstrip("0").rstrip(".") + "%"
