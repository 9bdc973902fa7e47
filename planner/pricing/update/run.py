"""One price refresh end to end: fetch a provider's list, convert it, build the refreshed book on the book in use
(the cache when there is a valid one, else the bundled tables), validate, install."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.update.fetch import GetJson, UpdateError

GCP_KEY_ENV = "PLANNER_GCP_API_KEY"
MIN_SHARE = 0.5  # an answer pricing under half the sizes a region had is taken for a partial one
SUPPORTED = {"aws": ("ec2", "rds", "elasticache"), "azure": ("vm",), "gcp": ("compute",)}  # cloud -> instance services refreshed
# Which purchase options replace one another: a refresh replaces a group's rows only when it brought that group
OPTION_GROUPS = {"on_demand": ("on_demand", "sustained_use"), "reserved": ("reserved_1yr", "reserved_3yr"),
                 "savings": ("savings_1yr", "savings_3yr"), "committed": ("committed_1yr", "committed_3yr"),
                 "spot": ("spot",)}


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


def update(cloud: str, regions: Sequence[str] | None = None, *, get: GetJson | None = None,
           progress: Callable[..., None] | None = None, api: str | None = None,
           min_share: float = MIN_SHARE) -> UpdateResult:
    """Refresh ``cloud``'s on-demand instance prices (AWS: EC2, RDS, ElastiCache) for ``regions`` (default: every region of the book) and install
    the result. A region whose answer prices fewer than ``min_share`` of the sizes the book has there is
    refused (a partial answer or a changed format would otherwise delete prices)."""
    from planner.pricing.book import PriceBook
    from planner.pricing.loader import bundled_folder
    from planner.pricing.update.install import build_and_install
    from planner.pricing.user_cache import current_folder, prices_root

    if cloud == "gcp" and not os.environ.get(GCP_KEY_ENV):
        raise UpdateError(f"Cloud Billing Catalog API: needs an API key in ${GCP_KEY_ENV} (a Google Cloud API key "
                          "with the Cloud Billing API enabled); the price cache is unchanged")
    if cloud not in SUPPORTED:
        raise UpdateError(f"planner prices update --cloud {cloud}: unknown; use aws, azure or gcp")
    base = current_folder()
    base_label = f"price cache {base}" if base else "bundled pricing_data"
    book = PriceBook.load(base if base else bundled_folder(), clouds=[cloud])
    known_regions = set(book.regions(cloud).region)
    regions = tuple(regions or sorted(known_regions))
    bad = [r for r in regions if r not in known_regions]
    if bad:
        from planner.errors import unknown_name

        raise unknown_name("region", bad[0], sorted(known_regions), context=f"for {cloud}")
    specs = book.specs
    known = {service: set(specs.sku[(specs.cloud == cloud) & (specs.service == service)])
             for service in SUPPORTED[cloud]}
    retrieved = dt.datetime.now(dt.UTC)
    downloads = prices_root() / "downloads"
    if cloud == "azure":
        parts = {"vm": _azure(regions, known["vm"], retrieved, get, progress, api)}
    elif cloud == "gcp":
        parts = {"compute": _gcp(regions, book, retrieved, get, progress, api)}
    else:
        files: dict[tuple[str, str], Path] = {}  # (offer, region) -> the downloaded file, read again for services
        parts = {service: _aws(offer, service, regions, known[service], retrieved, downloads, progress, api, files)
                 for service, offer in (("ec2", "AmazonEC2"), ("rds", "AmazonRDS"),
                                        ("elasticache", "AmazonElastiCache"))}
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
        services, notes = _aws_services(regions, book, retrieved, downloads, progress, api, files, min_share)
        refreshes += done + [services]
        kept += left + notes
    folder = build_and_install(base if base else bundled_folder(), refreshes, base_label, kept)
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
    if "on_demand" in fetched.scope and "on_demand" not in groups:
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
        short = [(r, int(fresh[r]), int(held[r])) for r in regions if r in held and fresh[r] < min_share * held[r]]
        if short:
            r, got, had = short[0]
            raise UpdateError(f"{fetched.source}: the answer for {r} prices {got:,} {service} sizes "
                              f"({group.replace('_', ' ')}) where the book has {had:,} (a partial answer or a changed format?); nothing installed. "
                              "--allow-shrink takes it anyway")
        done.append(Refresh(
            cloud=cloud, kind="instance_prices", rows=fresh_rows.reset_index(drop=True), regions=regions,
            source_row=fetched.source_row,
            provenance={"source": fetched.source, "service": service, "options": group, "url": fetched.url,
                        "retrieved_at": retrieved.isoformat(timespec="seconds"), "items": fetched.items,
                        "rows": len(fresh_rows), "unknown_skus": fetched.unknown, "sha256": fetched.digest},
            match={"service": service, "option": options},
            # Compute Engine rates price the types without GPUs or shared cores; the others stay
            only_priced=("region", "sku") if cloud == "gcp" else ()))
    return done, kept


def _azure(regions: Sequence[str], known: set[str], retrieved: dt.datetime, get: GetJson | None,
           progress: Callable[..., None] | None, api: str | None) -> _Fetched:
    from planner.pricing.update import azure

    items = azure.fetch_vm_items(regions, get=get, progress=progress, **({"api": api} if api else {}))
    rows, unknown = azure.vm_rows(items, known, retrieved.date())
    digest = hashlib.sha256(json.dumps(items, sort_keys=True).encode("utf-8")).hexdigest()
    return _Fetched(rows, unknown, azure.SOURCE, api or azure.API, azure.source_row(retrieved, regions), digest,
                    len(items))


def _gcp(regions: Sequence[str], book: Any, retrieved: dt.datetime, get: GetJson | None,
         progress: Callable[..., None] | None, api: str | None) -> _Fetched:
    from planner.pricing.update import gcp

    key = os.environ[GCP_KEY_ENV]
    skus = gcp.fetch_skus(key, get=get, progress=progress, **({"api": api} if api else {}))
    rates = gcp.unit_rates(skus, regions)
    specs = book.specs[(book.specs.cloud == "gcp") & (book.specs.service == "compute")]
    bundled = book.instance_prices[(book.instance_prices.cloud == "gcp") & (book.instance_prices.service == "compute")]
    rows, unknown = gcp.machine_rows(rates, specs, bundled, retrieved.date())
    digest = hashlib.sha256(json.dumps(skus, sort_keys=True).encode("utf-8")).hexdigest()
    return _Fetched(rows, unknown, gcp.SOURCE, gcp.redact(gcp.skus_url(key, api=api or gcp.API)),
                    gcp.source_row(retrieved, regions), digest, len(skus))


def _aws(offer: str, service: str, regions: Sequence[str], known: set[str], retrieved: dt.datetime,
         downloads: Path, progress: Callable[..., None] | None, api: str | None,
         fetched: dict[tuple[str, str], Path]) -> _Fetched:
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


def _offer_files(offer: str, regions: Sequence[str], downloads: Path, progress: Callable[..., None] | None,
                 api: str | None, fetched: dict[tuple[str, str], Path]) -> dict[str, Path]:
    """Each region's ``offer`` file, downloaded once per update (``fetched`` remembers them)."""
    from planner.pricing.update import aws

    missing = [r for r in regions if (offer, r) not in fetched]
    if missing:
        got = aws.fetch_offers(offer, missing, downloads, progress=progress, **({"api": api} if api else {}))
        fetched.update({(offer, r): path for r, path in got.items()})
    return {r: fetched[offer, r] for r in regions}


def _aws_services(regions: Sequence[str], book: Any, retrieved: dt.datetime, downloads: Path,
                  progress: Callable[..., None] | None, api: str | None, fetched: dict[tuple[str, str], Path],
                  min_share: float) -> tuple[Any, list[str]]:
    """The service prices of ``aws_service_map.csv`` as one :class:`Refresh` replacing only the items priced
    (the others keep their rows, one line each says so); refused when a region's answer covers under
    ``min_share`` of the mapped items the book has there."""
    from planner.pricing.update import aws, aws_services
    from planner.pricing.update.install import Refresh

    mappings = aws_services.load_map()
    parts, digest = [], hashlib.sha256()
    for offer in aws_services.offers(mappings):
        mine = [m for m in mappings if m.offer == offer]
        for region, path in _offer_files(offer, regions, downloads, progress, api, fetched).items():
            parts.append(aws_services.service_rows(path, region, mine, retrieved.date()))
            digest.update(_file_sha256(path).encode())
    fresh = pd.concat(parts, ignore_index=True)
    keys = {m.key for m in mappings}
    s = book.service_prices
    held = s[(s.cloud == "aws") & s.region.isin(list(regions))]
    held = held[[k in keys for k in zip(held.service, held["item"], held.dimension.fillna(""))]]
    fresh, notes = aws_services.plausible(fresh, held)
    have = lambda t: t.assign(dimension=t.dimension.fillna("")).drop_duplicates(  # noqa: E731
        ["region", "service", "item", "dimension"])
    got, had = have(fresh), have(held)
    for r in regions:
        n_got, n_had = int((got.region == r).sum()), int((had.region == r).sum())
        if n_had and n_got < min_share * n_had:
            raise UpdateError(f"{aws_services.SOURCE}: the answer for {r} prices {n_got:,} of the {n_had:,} service "
                              "items the book has there (a partial answer or a changed format?); nothing installed. "
                              "--allow-shrink takes it anyway")
    priced = set(zip(got.region, got.service, got["item"], got.dimension))
    missing = had[[k not in priced for k in zip(had.region, had.service, had["item"], had.dimension)]]
    for (service, item, dimension), where in missing.groupby(["service", "item", "dimension"]).region:
        notes.append(f"aws {service} {item}{'/' + dimension if dimension else ''}: not in the answer for "
                     f"{len(where)} region(s); the book's rows kept")
    names = aws_services.offers(mappings)
    return Refresh(
        cloud="aws", kind="service_prices", rows=fresh, regions=regions,
        source_row=aws_services.source_row(retrieved, regions, names),
        provenance={"source": aws_services.SOURCE, "service": "services", "options": "on_demand",
                    "url": aws.offer_url("<offer>", "<region>", api or aws.API),
                    "retrieved_at": retrieved.isoformat(timespec="seconds"), "items": len(priced),
                    "rows": len(fresh), "unknown_skus": 0, "sha256": digest.hexdigest()},
        match={"service": tuple(sorted({m.service for m in mappings}))},
        only_priced=("region", "service", "item", "dimension")), notes


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


__all__ = ["GCP_KEY_ENV", "MIN_SHARE", "UpdateResult", "update"]
