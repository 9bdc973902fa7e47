"""Cloud catalogs: each cloud's services, price references, SLAs and region facts (see :mod:`.catalog`).

May import: :mod:`planner.workload` (the policy a catalog adapts to its cloud) and :mod:`planner.base`.
"""

from __future__ import annotations

from planner.base.errors import unknown_name
from planner.clouds.catalog import CloudCatalog, DatabaseVariant, PriceRef


def catalogs() -> dict[str, CloudCatalog]:
    """Every cloud the planner knows, by name (imported on first use)."""
    from planner.clouds import aws, azure, gcp

    return {c.name: c for c in (aws.CATALOG, gcp.CATALOG, azure.CATALOG)}


def catalog_for(cloud: str) -> CloudCatalog:
    """The catalog of ``cloud``; an unknown name raises with close matches."""
    known = catalogs()
    if cloud not in known:
        raise unknown_name("cloud", cloud, known)
    return known[cloud]


__all__ = ["CloudCatalog", "DatabaseVariant", "PriceRef", "catalog_for", "catalogs"]
