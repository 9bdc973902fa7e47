"""What a quantity of a cloud role costs a month, priced the way the bill of materials prices it: for the
sizing rules that weigh one architecture against another before anything is billed (a CDN against the egress
it saves, a key-value store against the relational database)."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from planner.base.codes import grouped
from planner.base.errors import UnknownNameError
from planner.clouds.catalog import CloudCatalog
from planner.pricing.book import PriceBook


def role_cost_usd(book: PriceBook, catalog: CloudCatalog, role: str, region: np.ndarray, quantity: np.ndarray,
                  fill: Mapping[str, np.ndarray] | None = None, free_units: float = 0.0) -> np.ndarray:
    """Monthly cost of ``quantity`` of a catalog role per scenario, as :meth:`BomBuilder.priced` bills it (the
    reference's unit conversion, tiers and free allowance); NaN where the book has no price, inf where the
    cloud does not bill the role at all."""
    ref = catalog.price(role)
    if ref is None:
        return np.full(len(quantity), np.inf)
    out = np.full(len(quantity), np.nan)
    names = list((fill or {}).keys())
    codes, keys = grouped([region, *(fill or {}).values()])
    for i, key in enumerate(keys):
        sel = codes == i
        r = ref.formatted(**dict(zip(names, map(str, key[1:])))) if names else ref
        try:
            tiers = book.tiers(catalog.name, str(key[0]), r.service, r.item, r.dimension)
        except UnknownNameError:  # a missing price stays NaN here; the bill names it
            continue
        units = np.maximum(quantity[sel] * r.per_unit - free_units, 0.0)
        out[sel] = tiers.cost_usd(units)
    return out
