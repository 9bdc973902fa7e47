"""The schema of the bundled price tables: one *kind* per table shape.

A price-table folder holds ``MANIFEST.csv`` and one folder per cloud. Each
file named in the manifest has a kind; every file of a kind has exactly the
columns listed here. Adding a cloud is adding files of these kinds, not code.

Kinds
-----
instance_specs
    One row per (service, SKU): the hardware of an EC2 instance type, RDS
    instance class or ElastiCache node type. Region-independent.
instance_prices
    One row per (region, service, SKU, engine, deployment, purchase option):
    an hourly price [USD/hour]. Commitments carry their effective hourly rate
    (recurring + upfront / term hours) and the upfront payment.
service_prices
    One row per (region, service, item, dimension, tier): a unit price
    [USD per ``unit``]. Tiered items have one row per tier with
    ``tier_start``/``tier_end`` in the unit's base (``tier_end`` empty = open).
regions
    One row per region: display name, geography and usable AZ count.
sources
    One row per ``source_id``: where a price came from (repository, commit,
    path) and the dates of the data.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from planner.pricing.units import PURCHASE_OPTIONS, UNITS

ColumnType = Literal["str", "float", "int", "date"]


@dataclass(frozen=True)
class Column:
    """One column of a table kind and the rules its values must follow."""

    name: str
    dtype: ColumnType
    required: bool = True
    nonnegative: bool = False
    positive: bool = False
    allowed: frozenset[str] | None = None


@dataclass(frozen=True)
class TableKind:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _s(name: str, required: bool = True, allowed: set[str] | None = None) -> Column:
    return Column(name, "str", required=required, allowed=frozenset(allowed) if allowed else None)


def _usd(name: str, required: bool = True) -> Column:
    return Column(name, "float", required=required, nonnegative=True)


INSTANCE_SERVICES = frozenset({"ec2", "rds", "elasticache", "compute", "cloudsql", "memorystore", "vm",
                               "postgresql_flexible", "redis_cache"})

KINDS: dict[str, TableKind] = {
    k.name: k
    for k in [
        TableKind(
            "instance_specs",
            (
                _s("service"),
                _s("sku"),
                _s("family"),
                _s("generation", allowed={"current", "previous"}),
                _s("category", required=False),
                Column("vcpu", "float", positive=True),
                Column("memory_gib", "float", positive=True),
                _s("arch", allowed={"x86_64", "arm64"}),
                Column("gpu_count", "int", nonnegative=True),
            ),
            key=("service", "sku"),
        ),
        TableKind(
            "instance_prices",
            (
                _s("region"),
                _s("service"),
                _s("sku"),
                _s("engine", required=False),
                _s("deployment", required=False),
                _s("option", allowed=set(PURCHASE_OPTIONS)),
                _usd("hourly_usd"),
                _usd("upfront_usd"),
                _s("payment", required=False, allowed={"", "no-upfront", "partial-upfront", "all-upfront"}),
                _s("interruption", required=False),
                Column("prices_as_of", "date"),
                _s("source_id"),
                _s("notes", required=False),
            ),
            key=("region", "service", "sku", "engine", "deployment", "option"),
        ),
        TableKind(
            "service_prices",
            (
                _s("service"),
                _s("region"),
                _s("item"),
                _s("dimension", required=False),
                _s("unit", allowed=set(UNITS)),
                _usd("usd_per_unit"),
                Column("tier_start", "float", required=False, nonnegative=True),
                Column("tier_end", "float", required=False, nonnegative=True),
                _s("notes", required=False),
                Column("prices_as_of", "date", required=False),
                _s("source_id"),
            ),
            key=("region", "service", "item", "dimension", "tier_start"),
        ),
        TableKind(
            "regions",
            (
                _s("region"),
                _s("name"),
                _s("geography"),
                Column("az_count", "int", positive=True),
                _s("source_id"),
            ),
            key=("region",),
        ),
        TableKind(
            "sources",
            (
                _s("source_id"),
                _s("repo", required=False),
                _s("commit", required=False),
                _s("path", required=False),
                Column("data_date_min", "date", required=False),
                Column("data_date_max", "date", required=False),
                _s("notes", required=False),
            ),
            key=("source_id",),
        ),
    ]
}
