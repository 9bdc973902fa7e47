"""The prices layer: bundled price tables and lookups, :class:`PriceBook` and :func:`default_book`; the user's
refreshed tables (:mod:`update`, :mod:`user_cache`), a loaded book packed into a file that runs no code
(:mod:`packed`), read from the package or the on-disk cache (:mod:`cache`), negotiated discounts
(:mod:`overlay`) and display currencies (:mod:`currency`).

May import: :mod:`planner.clouds`, :mod:`planner.workload` and :mod:`planner.base`; never the model that uses the
prices. Sizing rules read prices through the book's queries only (an import-linter contract).
"""

from planner.pricing.book import DEFAULT_VARIANT, InstancePrice, PriceBook, ServicePrice, default_book
from planner.pricing.tiers import Tiers, tiered_cost_usd
from planner.pricing.units import HOURS_PER_MONTH, PURCHASE_OPTIONS, UNITS

__all__ = [
    "DEFAULT_VARIANT",
    "HOURS_PER_MONTH",
    "PURCHASE_OPTIONS",
    "UNITS",
    "InstancePrice",
    "PriceBook",
    "ServicePrice",
    "Tiers",
    "default_book",
    "tiered_cost_usd",
]
