"""Questions people ask of the price book: filtered catalogs, region coverage, one price with its source.

The CLI's ``planner prices`` commands and the dashboard's price page are thin
shells over these functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd

from planner.base.errors import PlannerError, unknown_name
from planner.pricing.book import PriceBook
from planner.pricing.units import HOURS_PER_MONTH, PURCHASE_OPTIONS

CATALOG_COLUMNS = [
    "sku", "family", "generation", "vcpu", "memory_gib", "arch", "gpu_count",
    "option", "hourly_usd", "monthly_usd", "prices_as_of", "source_id",
]


def select_instances(
    catalog: pd.DataFrame,
    *,
    families: Sequence[str] = (),
    min_vcpu: float = 0,
    min_memory_gib: float = 0,
    arch: str | None = None,
    generation: str | None = None,
) -> pd.DataFrame:
    """Filter a :meth:`PriceBook.catalog` result; unknown family or arch names raise with close matches."""
    out = catalog
    if families:
        known = set(catalog.family)
        for f in families:
            if f not in known:
                raise unknown_name("instance family", f, known)
        out = out[out.family.isin(families)]
    if arch is not None:
        if arch not in {"x86_64", "arm64"}:
            raise unknown_name("architecture", arch, ["x86_64", "arm64"])
        out = out[out.arch == arch]
    if generation is not None:
        if generation not in {"current", "previous"}:
            raise unknown_name("generation", generation, ["current", "previous"])
        out = out[out.generation == generation]
    out = out[(out.vcpu >= min_vcpu) & (out.memory_gib >= min_memory_gib)]
    return out[CATALOG_COLUMNS].reset_index(drop=True)


def region_summary(book: PriceBook, cloud: str = "aws") -> pd.DataFrame:
    """Regions with the number of instance SKUs priced per service and estimated service prices."""
    regions = book.regions(cloud)
    p = book.instance_prices
    counts = (
        p[(p.cloud == cloud) & (p.option == "on_demand")]
        .groupby(["region", "service"]).sku.nunique().unstack(fill_value=0)
        .add_suffix("_skus")
    )
    s = book.service_prices
    estimated = (
        s[(s.cloud == cloud) & s.source_id.str.startswith("estimate")].groupby("region").size().rename("estimated_prices")
    )
    out = regions.join(counts, on="region").join(estimated, on="region")
    count_cols = [*counts.columns, "estimated_prices"]
    out[count_cols] = out[count_cols].fillna(0).astype(int)
    return out


def lookup(
    book: PriceBook,
    cloud: str,
    region: str,
    service: str,
    name: str,
    *,
    option: str = "on_demand",
    engine: str | None = None,
    deployment: str | None = None,
    dimension: str = "",
) -> dict[str, object]:
    """One price as a JSON-ready record with its provenance.

    ``service`` is an instance service (``ec2``, ``rds``, ``elasticache``; then
    ``name`` is the SKU) or a priced service (``nat_gateway``, ``s3``, ...;
    then ``name`` is the item, e.g. ``gateway_hour``); ``rds storage --dimension
    rds/multi-az/gp3`` reaches RDS's own service items. Hourly prices also get
    ``monthly_usd`` at 730 hours a month.
    """
    # rds prices both classes (db.m6g.large) and service items (storage, provisioned_iops); item names never
    # look like SKUs, so a name that is an item of the service is a service price
    items = set(book.service_prices.loc[(book.service_prices.cloud == cloud)
                                        & (book.service_prices.service == service), "item"])
    if service in book.instance_services(cloud) and name not in items:
        price = book.instance_price(cloud, region, service, name, option, engine=engine, deployment=deployment)
        record = price.as_dict()
    else:
        if option != "on_demand":
            raise PlannerError(f"--option applies to instance services only ({', '.join(book.instance_services(cloud))})")
        tiers = book.tiers(cloud, region, service, name, dimension)
        first = book.service_rows(cloud, region, service, name, dimension).iloc[0]
        record = {
            "cloud": cloud, "region": region, "service": service, "item": name, "dimension": dimension,
            "unit": tiers.unit, "usd_per_unit": float(tiers.usd_per_unit[0]),
            "tiers": [
                {"tier_start": float(a), "tier_end": None if b == float("inf") else float(b), "usd_per_unit": float(c)}
                for a, b, c in zip(tiers.tier_start, tiers.tier_end, tiers.usd_per_unit)
            ] if len(tiers.usd_per_unit) > 1 else [],
            "prices_as_of": tiers.prices_as_of, "source_id": tiers.source_id, "notes": first.notes,
        }
        if tiers.unit == "hour":
            record["hourly_usd"] = record["usd_per_unit"]
            record["monthly_usd"] = record["usd_per_unit"] * HOURS_PER_MONTH
            record["hours_per_month"] = HOURS_PER_MONTH
    record["source"] = source_of(book, cloud, str(record["source_id"]))
    return record


def source_of(book: PriceBook, cloud: str, source_ids: str) -> list[dict[str, str]]:
    """The ``sources`` rows for a ``;``-separated list of source ids."""
    s = book.sources[(book.sources.cloud == cloud) & book.sources.source_id.isin(source_ids.split(";"))]
    return s.drop(columns="cloud").to_dict(orient="records")


def table_ages(book: PriceBook, today: dt.date | None = None) -> pd.DataFrame:
    """The manifest with the age in days of each table's oldest price, for staleness warnings."""
    today = today or dt.date.today()
    out = book.provenance().copy()
    oldest = pd.to_datetime(out.oldest_prices_as_of.replace("", None), format="%Y-%m-%d")
    out["oldest_age_days"] = (pd.Timestamp(today) - oldest).dt.days.astype("Int64")
    return out


def instance_candidates(
    book: PriceBook,
    cloud: str,
    service: str,
    family_pattern: str,
    engine: str = "",
    deployment: str = "",
    *,
    allow_arm64: bool = True,
    min_vcpu: float = 0,
    max_vcpu: float = float("inf"),
) -> pd.DataFrame:
    """Current-generation, GPU-free SKUs of a service whose family matches ``family_pattern``,
    on-demand, every region, with specs: the candidates the sizing model chooses from."""
    def build() -> pd.DataFrame:
        p = book.instance_rows(cloud, service)
        p = p[(p.engine == engine) & (p.deployment == deployment)]
        specs = book.specs[(book.specs.cloud == cloud) & (book.specs.service == service)
                           & (book.specs.generation == "current") & (book.specs.gpu_count == 0)
                           & book.specs.family.str.match(family_pattern)
                           & book.specs.vcpu.between(min_vcpu, max_vcpu)]
        if not allow_arm64:
            specs = specs[specs.arch != "arm64"]
        out = p[p.option == "on_demand"][["region", "sku", "hourly_usd", "prices_as_of", "source_id"]].merge(
            specs[["sku", "family", "vcpu", "memory_gib", "arch"]], on="sku")
        key = pd.MultiIndex.from_frame(out[["region", "sku"]])
        for option in PURCHASE_OPTIONS:
            if option == "on_demand":
                continue
            rows = p[p.option == option]
            rate = pd.Series(rows.hourly_usd.to_numpy(), index=pd.MultiIndex.from_frame(rows[["region", "sku"]]))
            # no commitment price: the on-demand price applies (as the bill of materials does)
            out[f"hourly_{option}_usd"] = rate.reindex(key).fillna(pd.Series(out.hourly_usd.to_numpy(),
                                                                               index=key)).to_numpy()
            if option == "spot":  # how often spot capacity of the type is reclaimed (a bucket such as 5-10%)
                bucket = pd.Series(rows.interruption.to_numpy(), index=rate.index)
                out["spot_interruption"] = bucket.reindex(key).fillna("").to_numpy(dtype=object)
        return out.sort_values(["region", "hourly_usd", "sku"]).reset_index(drop=True)

    key = ("instance_candidates", cloud, service, family_pattern, engine, deployment, allow_arm64, min_vcpu, max_vcpu)
    return book.memo(key, build)
