"""One price refresh end to end: fetch a provider's lists, convert them, build the refreshed book on the book in use
(the cache when there is a valid one, else the bundled tables), validate, install."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.update.fetch import GetJson, UpdateError

GCP_KEY_ENV = "PLANNER_GCP_API_KEY"
MIN_SHARE = 0.5  # an answer pricing under half the sizes a region had is taken for a partial one
# cloud -> the instance services a refresh prices
SUPPORTED = {"aws": ("ec2", "rds", "elasticache"), "azure": ("vm", "postgresql_flexible"),
             "gcp": ("compute", "cloudsql")}
# Which purchase options replace one another: a refresh replaces a group's rows only when it brought that group
OPTION_GROUPS = {"on_demand": ("on_demand", "sustained_use"), "reserved": ("reserved_1yr", "reserved_3yr"),
                 "savings": ("savings_1yr", "savings_3yr"), "spot": ("spot",)}


def refreshed_source_ids() -> frozenset[str]:
    """The ``source_id`` of every price a refresh writes (bundled rows cite the shared sources instead)."""
    from planner.pricing.update import aws, aws_services, azure, gcp

    return frozenset({aws.SOURCE_ID, aws.SPOT_SOURCE_ID, aws_services.SOURCE_ID, azure.SOURCE_ID, gcp.SOURCE_ID})


@dataclass(frozen=True)
class UpdateResult:
    """What a refresh installed: where, from which source, how many rows, what was left out."""

    folder: Path
    source: str
    regions: tuple[str, ...]
    rows: int
    unknown_skus: int
    kept: tuple[str, ...] = ()  # what the answer did not bring, left as it was (one line each)


@dataclass(frozen=True)
class _Fetched:
    rows: pd.DataFrame
    unknown: int
    source: str
    url: str
    source_row: dict[str, str]
    digest: str
    items: int
    scope: tuple[str, ...] = ("on_demand",)  # the option groups this source prices
    required: bool = True  # an answer without any on-demand price is an error (else the book's rows are kept)


@dataclass(frozen=True)
class _Services:
    """Fresh service prices of the mapped items ``keys`` (service, item, dimension) and where they came from."""

    rows: pd.DataFrame
    keys: set[tuple[str, str, str]]
    source: str
    source_row: dict[str, str]
    url: str
    digest: str


def update(cloud: str, regions: Sequence[str] | None = None, *, get: GetJson | None = None,
           progress: Callable[..., None] | None = None, api: str | None = None,
           min_share: float = MIN_SHARE, prepare: Callable[[Path], None] | None = None) -> UpdateResult:
    """Refresh ``cloud``'s prices for ``regions`` (default: every region of the book) and install the result:
    the instance services of :data:`SUPPORTED` in each purchase option the source prices, and the service prices
    of the cloud's map. A region whose answer prices fewer than ``min_share`` of what the book has there is
    refused (a partial answer or a changed format would otherwise delete prices); what an answer does not price
    keeps the book's rows and is listed in the result's ``kept``."""
    from planner.pricing.book import PriceBook
    from planner.pricing.loader import bundled_folder
    from planner.pricing.update.install import build_and_install
    from planner.pricing.user_cache import cache_label, current_folder, prices_root

    if cloud == "gcp" and not os.environ.get(GCP_KEY_ENV):
        raise UpdateError(f"Cloud Billing Catalog API: needs an API key in ${GCP_KEY_ENV} (a Google Cloud API key "
                          "with the Cloud Billing API enabled); the price cache is unchanged")
    if cloud not in SUPPORTED:
        raise UpdateError(f"planner prices update --cloud {cloud}: unknown; use aws, azure or gcp")
    base = current_folder()
    # the book this refresh is built on, named as reports name it (the folder is about to become "previous")
    base_label = cache_label(base) if base else "bundled pricing_data"
    book = PriceBook.load(base if base else bundled_folder(), clouds=[cloud])
    known_regions = set(book.regions(cloud).region)
    regions = tuple(regions or sorted(known_regions))
    bad = [r for r in regions if r not in known_regions]
    if bad:
        from planner.base.errors import unknown_name

        raise unknown_name("region", bad[0], sorted(known_regions), context=f"for {cloud}")
    specs = book.specs
    known = {service: set(specs.sku[(specs.cloud == cloud) & (specs.service == service)])
             for service in SUPPORTED[cloud]}
    retrieved = dt.datetime.now(dt.UTC)
    downloads = prices_root() / "downloads"
    services: _Services | None = None
    if cloud == "azure":
        parts, services = _azure(regions, known, retrieved, get, progress, api)
    elif cloud == "gcp":
        parts, services = _gcp(regions, book, retrieved, get, progress, api)
    else:
        from planner.pricing.update.aws import with_savings_plans

        files: dict[tuple[str, str], Path | None] = {}  # (offer, region) -> the file (None: not published)
        parts = {service: _aws(offer, service, regions, known[service], retrieved, downloads, progress, api, files)
                 for service, offer in (("ec2", "AmazonEC2"), ("rds", "AmazonRDS"),
                                        ("elasticache", "AmazonElastiCache"))}
        plans = _aws_savings_plans(regions, known["ec2"], retrieved, downloads, progress, api, get)
        # Savings Plan rates where published, the convertible-RI proxy where not
        parts["ec2"] = replace(parts["ec2"], rows=with_savings_plans(parts["ec2"].rows, plans))
    refreshes: list[Any] = []
    kept: list[str] = []
    for service, fetched in parts.items():
        done, left = _refreshes(cloud, service, fetched, book, regions, retrieved, min_share)
        refreshes += done
        kept += left
    if cloud == "aws":
        on_demand = next(r.rows for r in refreshes if r.provenance["service"] == "ec2"
                         and r.provenance["options"] == "on_demand")
        spot = _aws_spot(on_demand, regions, retrieved, get, api)
        done, left = _refreshes(cloud, "ec2", spot, book, regions, retrieved, min_share)
        refreshes += done
        kept += left
        services = _aws_services(regions, retrieved, downloads, progress, api, files)
    if services is not None:
        from planner.pricing.update.service_refresh import service_refresh

        refresh, notes = service_refresh(cloud, services.rows, services.keys, book, regions, retrieved,
                                         source=services.source, source_row=services.source_row, url=services.url,
                                         digest=services.digest)
        refreshes.append(refresh)
        kept += notes
    folder = build_and_install(base if base else bundled_folder(), refreshes, base_label, kept, prepare)
    shutil.rmtree(downloads, ignore_errors=True)  # kept only to resume an interrupted download
    first = next(iter(parts.values()))
    return UpdateResult(folder=folder, source=first.source, regions=regions,
                        rows=sum(len(r.rows) for r in refreshes),
                        unknown_skus=sum(f.unknown for f in parts.values()), kept=tuple(kept))


def _refreshes(cloud: str, service: str, fetched: _Fetched, book: Any, regions: Sequence[str],
               retrieved: dt.datetime, min_share: float) -> tuple[list[Any], list[str]]:
    """The fresh rows of one service as one :class:`Refresh` per purchase-option group the answer brought (the
    groups it did not bring stay as they were, and a line says so); refused when a region's answer for a group
    looks partial, or when it has no on-demand prices at all."""
    from planner.pricing.update.install import Refresh

    rows = fetched.rows
    group_of = {option: group for group, options in OPTION_GROUPS.items() for option in options}
    groups = set(rows.option.map(group_of)) if len(rows) else set()
    prices = book.instance_prices
    mine = prices[(prices.cloud == cloud) & (prices.service == service) & prices.region.isin(list(regions))]
    held_groups = set(mine.option.map(group_of))
    if fetched.required and "on_demand" in fetched.scope and "on_demand" not in groups:
        raise UpdateError(f"{fetched.source}: no {service} on-demand prices in the answer for {', '.join(regions)}; "
                          "the price cache is unchanged")
    kept = [f"{cloud} {service} {group}: not in the answer from {fetched.source}; the book's rows kept"
            for group in sorted((held_groups & set(fetched.scope)) - groups)]
    done = []
    for group in sorted(groups, key=list(OPTION_GROUPS).index):
        options = OPTION_GROUPS[group]
        fresh_rows = rows[rows.option.isin(options)]
        held = mine[mine.option.isin(options)].groupby("region").size()
        fresh = fresh_rows.groupby("region").size().reindex(held.index, fill_value=0)
        # a region the answer says nothing of keeps its rows (the service is not offered there, or not yet
        # listed); one it prices only in part is refused below
        answered = [r for r in regions if r not in held or fresh[r] > 0]
        silent = [r for r in regions if r not in answered]
        if silent:
            kept.append(f"{cloud} {service} {group}: nothing in the answer for {len(silent)} region(s) "
                        f"({', '.join(silent[:5])}{', ...' if len(silent) > 5 else ''}); the book's rows kept")
        # Google's rows replace only the rows they price, so a thin answer loses nothing; elsewhere a group's
        # rows are replaced whole, and a thin answer would delete prices
        only_priced = ("region", "sku", "engine", "deployment", "option") if cloud == "gcp" else ()
        short = [(r, int(fresh[r]), int(held[r])) for r in answered
                 if not only_priced and r in held and fresh[r] < min_share * held[r]]
        if short:
            r, got, had = short[0]
            raise UpdateError(f"{fetched.source}: the answer for {r} prices {got:,} {service} sizes "
                              f"({group.replace('_', ' ')}) where the book has {had:,} (a partial answer or a "
                              "changed format?); nothing installed. --allow-shrink takes it anyway")
        done.append(Refresh(
            cloud=cloud, kind="instance_prices", rows=fresh_rows.reset_index(drop=True), regions=tuple(answered),
            source_row=fetched.source_row,
            provenance={"source": fetched.source, "service": service, "options": group, "url": fetched.url,
                        "retrieved_at": retrieved.isoformat(timespec="seconds"), "items": fetched.items,
                        "rows": len(fresh_rows), "unknown_skus": fetched.unknown, "sha256": fetched.digest},
            match={"service": service, "option": options}, only_priced=only_priced))
    return done, kept


def _azure(regions: Sequence[str], known: dict[str, set[str]], retrieved: dt.datetime, get: GetJson | None,
           progress: Callable[..., None] | None, api: str | None) -> tuple[dict[str, _Fetched], _Services]:
    """VMs, flexible-server classes and the mapped service meters: the VM meters by one query per region,
    the rest by another (every product it needs at once)."""
    from planner.pricing.update import azure, azure_services

    base = api or azure.API
    vm_items = azure.fetch_vm_items(regions, get=get, progress=progress, api=base)
    meters = azure_services.load_map()
    products = azure_services.wanted_products(meters)
    other = azure.fetch_items([azure_services.products_url(r, products, base) for r in regions], get=get,
                              progress=progress)
    source_row = azure_services.source_row(retrieved, regions)
    digest = hashlib.sha256(json.dumps([vm_items, other], sort_keys=True).encode("utf-8")).hexdigest()
    vm_rows, vm_unknown = azure.vm_rows(vm_items, known["vm"], retrieved.date())
    flex_rows, flex_unknown = azure_services.flexible_rows(other, known["postgresql_flexible"], retrieved.date())
    parts = {"vm": _Fetched(vm_rows, vm_unknown, azure.SOURCE, base, source_row, digest, len(vm_items)),
             "postgresql_flexible": _Fetched(flex_rows, flex_unknown, azure.SOURCE, base, source_row, digest,
                                             len(other), required=False)}
    return parts, _Services(azure_services.service_rows(other, meters, retrieved.date()), {m.key for m in meters},
                            azure.SOURCE, source_row, base, digest)


def _gcp(regions: Sequence[str], book: Any, retrieved: dt.datetime, get: GetJson | None,
         progress: Callable[..., None] | None, api: str | None) -> tuple[dict[str, _Fetched], _Services]:
    """Compute Engine machine types and Cloud SQL classes from their catalog services, and the service prices
    of ``gcp_service_map.csv`` from the same SKUs."""
    from planner.pricing.update import gcp, gcp_cloudsql, gcp_services

    key = os.environ[GCP_KEY_ENV]
    base = api or gcp.API
    skus = gcp.fetch_skus(key, get=get, progress=progress, api=base)
    sql_skus = gcp.fetch_skus(key, get=get, progress=progress, api=base, service=gcp_cloudsql.CLOUD_SQL)
    rates = gcp.unit_rates(skus, regions)
    specs = book.specs[book.specs.cloud == "gcp"]
    prices = book.instance_prices[book.instance_prices.cloud == "gcp"]
    rows, unknown = gcp.machine_rows(rates, specs[specs.service == "compute"],
                                     prices[prices.service == "compute"], retrieved.date())
    digest = hashlib.sha256(json.dumps([skus, sql_skus], sort_keys=True).encode("utf-8")).hexdigest()
    source_row = gcp.source_row(retrieved, regions)
    url = gcp.redact(gcp.skus_url(key, api=base))
    sql = gcp_cloudsql.rates(sql_skus, regions)
    parts = {"compute": _Fetched(rows, unknown, gcp.SOURCE, url, source_row, digest, len(skus),
                                 scope=("on_demand", "reserved", "spot")),
             "cloudsql": _Fetched(gcp_cloudsql.instance_rows(sql, specs[specs.service == "cloudsql"],
                                                             retrieved.date()),
                                  0, gcp.SOURCE, url, source_row, digest, len(sql_skus), required=False)}
    entries = gcp_services.load_map()
    services = gcp_services.service_rows({gcp.COMPUTE_ENGINE: skus, gcp_cloudsql.CLOUD_SQL: sql_skus}, entries,
                                         regions, retrieved.date())
    return parts, _Services(services, {e.key for e in entries}, gcp.SOURCE, source_row, url, digest)


def _aws(offer: str, service: str, regions: Sequence[str], known: set[str], retrieved: dt.datetime,
         downloads: Path, progress: Callable[..., None] | None, api: str | None,
         fetched: dict[tuple[str, str], Path | None]) -> _Fetched:
    from planner.pricing.update import aws

    files = _offer_files(offer, regions, downloads, progress, api, fetched)
    convert = {"ec2": aws.ec2_rows, "rds": aws.rds_rows, "elasticache": aws.cache_rows}[service]
    parts: list[pd.DataFrame] = []
    unknown = 0
    digest = hashlib.sha256()
    for region, path in files.items():
        rows, missing = convert(path, region, known, retrieved.date())
        parts.append(rows)
        unknown += missing
        digest.update(_file_sha256(path).encode())
    rows = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return _Fetched(rows, unknown, aws.SOURCE, aws.offer_url(offer, "<region>", api or aws.API),
                    aws.source_row(retrieved, regions), digest.hexdigest(), len(files),
                    scope=("on_demand", *sorted(set(aws.COMMITMENTS[service].values()))))


def _aws_spot(on_demand: pd.DataFrame, regions: Sequence[str], retrieved: dt.datetime, get: GetJson | None,
              api: str | None) -> _Fetched:
    from planner.pricing.update import aws
    from planner.pricing.update.fetch import get_json

    url = f"{api}/spot-advisor-data.json" if api else aws.SPOT_ADVISOR
    advisor = (get or (lambda u: get_json(u, source=aws.SPOT_SOURCE)))(url)
    rows = aws.spot_rows(advisor, on_demand, retrieved.date())
    digest = hashlib.sha256(json.dumps(advisor, sort_keys=True).encode("utf-8")).hexdigest()
    return _Fetched(rows, 0, aws.SPOT_SOURCE, url, aws.spot_source_row(retrieved, regions), digest, len(rows),
                    scope=("spot",))


def _aws_savings_plans(regions: Sequence[str], known: set[str], retrieved: dt.datetime, downloads: Path,
                       progress: Callable[..., None] | None, api: str | None, get: GetJson | None) -> pd.DataFrame:
    """The Compute Savings Plan rates of ``regions`` (a region without a published file keeps the proxy)."""
    from planner.pricing.update import aws
    from planner.pricing.update.fetch import NotPublished, download, get_json

    base = api or aws.API
    index = (get or (lambda u: get_json(u, source=aws.SOURCE)))(base + aws.SAVINGS_PLANS_INDEX)
    parts = []
    for region, url in aws.savings_plan_urls(index, regions, base).items():
        try:
            path = download(url, downloads / f"AWSComputeSavingsPlan-{region}.json", source=aws.SOURCE,
                            progress=progress)
        except NotPublished:
            continue
        parts.append(aws.savings_plan_rows(path, region, known, retrieved.date()))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=aws.ROW_COLUMNS)


def _offer_files(offer: str, regions: Sequence[str], downloads: Path, progress: Callable[..., None] | None,
                 api: str | None, fetched: dict[tuple[str, str], Path | None], missing_ok: bool = False
                 ) -> dict[str, Path]:
    """Each region's ``offer`` file, downloaded once per update (``fetched`` remembers them, and the regions
    that publish none: ``missing_ok`` leaves those out, else a 404 fails the update)."""
    from planner.pricing.update import aws

    missing = [r for r in regions if (offer, r) not in fetched]
    if missing:
        got = aws.fetch_offers(offer, missing, downloads, progress=progress, missing_ok=missing_ok,
                               **({"api": api} if api else {}))
        fetched.update({(offer, r): got.get(r) for r in missing})
    return {r: path for r in regions if (path := fetched[offer, r]) is not None}


def _aws_services(regions: Sequence[str], retrieved: dt.datetime, downloads: Path,
                  progress: Callable[..., None] | None, api: str | None,
                  fetched: dict[tuple[str, str], Path | None]) -> _Services:
    """The service prices of ``aws_service_map.csv`` from each offer file it names (those already downloaded for
    the instances are read again, not fetched again)."""
    from planner.pricing.update import aws, aws_services

    mappings = aws_services.load_map()
    parts, digest = [], hashlib.sha256()
    for offer in aws_services.offers(mappings):
        mine = [m for m in mappings if m.offer == offer]
        # a service not offered in a region publishes no file there: its items keep the book's rows (and say so)
        for region, path in _offer_files(offer, regions, downloads, progress, api, fetched, missing_ok=True).items():
            parts.append(aws_services.service_rows(path, region, mine, retrieved.date()))
            digest.update(_file_sha256(path).encode())
    fresh = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=aws_services.COLUMNS)
    return _Services(fresh, {m.key for m in mappings}, aws_services.SOURCE,
                     aws_services.source_row(retrieved, regions, aws_services.offers(mappings)),
                     aws.offer_url("<offer>", "<region>", api or aws.API), digest.hexdigest())


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


__all__ = ["GCP_KEY_ENV", "MIN_SHARE", "UpdateResult", "update"]
