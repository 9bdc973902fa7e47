"""Bundled price tables and lookups: :class:`PriceBook` and :func:`default_book`."""

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
