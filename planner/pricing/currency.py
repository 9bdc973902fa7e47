"""Showing bills in another currency: the bundled, dated reference rates and the currency reports display in.

Prices stay in USD everywhere inside planner and in the JSON contract; renderers show amounts in the display
currency (:func:`displayed_in`), and every report that converts names the rate, its date and its source. The
rates are the European Central Bank's reference rates, crossed through the euro
(``pricing_data/exchange_rates.csv``, built by ``scripts/build_exchange_rates.py``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from planner.base.errors import PlannerError, PriceTableError, unknown_name

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩"}
RATES_FILE = "exchange_rates.csv"


@dataclass(frozen=True)
class Currency:
    """A display currency: its code and symbol, and how many units one USD buys on ``rate_date``."""

    code: str
    units_per_usd: float
    rate_date: str = ""
    source: str = ""

    @property
    def symbol(self) -> str:
        return SYMBOLS.get(self.code, "")

    def amount(self, usd: float) -> float:
        return usd * self.units_per_usd

    def statement(self) -> str:
        """The conversion as a report states it (empty for USD)."""
        if self.code == "USD":
            return ""
        return (f"amounts in {self.code} at {self.units_per_usd:,.4f} {self.code} per USD (reference rate of "
                f"{self.rate_date}: {self.source}); prices are USD list prices")


USD = Currency("USD", 1.0)
_DISPLAY: ContextVar[Currency] = ContextVar("display_currency", default=USD)


@functools.cache
def rates() -> dict[str, Currency]:
    """Every bundled currency (USD included), validated: three-letter codes, positive rates, one date."""
    import pandas as pd

    from planner.pricing.loader import bundled_folder

    entry = bundled_folder().joinpath(RATES_FILE)
    where = f"pricing_data/{RATES_FILE}"
    try:
        table = pd.read_csv(io.BytesIO(entry.read_bytes()), dtype={"currency": str, "rate_date": str, "source": str})
    except (OSError, ValueError) as exc:
        raise PriceTableError([f"{where}: not readable ({exc})"]) from None
    problems = []
    for line, row in enumerate(table.itertuples(), start=2):
        if not (isinstance(row.currency, str) and len(row.currency) == 3 and row.currency.isupper()):
            problems.append(f"{where}, line {line}, column currency: '{row.currency}' is not a 3-letter code")
        if not row.units_per_usd > 0:
            problems.append(f"{where}, line {line}, column units_per_usd: {row.units_per_usd} is not a positive rate")
    if table.rate_date.nunique() != 1:
        problems.append(f"{where}: rates of several dates ({', '.join(sorted(table.rate_date.unique()))})")
    if problems:
        raise PriceTableError(problems)
    out = {r.currency: Currency(r.currency, float(r.units_per_usd), r.rate_date, r.source)
           for r in table.itertuples()}
    if abs(out.get("USD", USD).units_per_usd - 1) > 1e-9:
        raise PriceTableError([f"{where}: USD must be 1 unit per USD"])
    return out


def currency(code: str) -> Currency:
    """The bundled currency ``code`` (any case); an unknown code is named with close matches."""
    known = rates()
    if code.upper() not in known:
        raise unknown_name("currency", code, known)
    return known[code.upper()]


def display_currency() -> Currency:
    return _DISPLAY.get()


@contextmanager
def displayed_in(cur: Currency | str) -> Iterator[Currency]:
    """Within the block, formatted money is shown in ``cur`` (a :class:`Currency` or a code)."""
    cur = currency(cur) if isinstance(cur, str) else cur
    token = _DISPLAY.set(cur)
    try:
        yield cur
    finally:
        _DISPLAY.reset(token)


def check_code(code: str) -> Currency:
    """``--currency`` as given on a command line: a known code, or a one-line error."""
    if not code.strip():
        raise PlannerError("--currency needs a code, e.g. EUR")
    return currency(code.strip())
