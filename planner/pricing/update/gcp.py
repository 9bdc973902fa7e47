"""Cloud Billing Catalog API -> the price book's ``instance_prices`` rows of Compute Engine machine types (on
demand with the full-month sustained-use rate beside it, spot, and 1- and 3-year resource-based commitments).

The API (https://cloudbilling.googleapis.com/v1/services/6F81-5844-456A/skus, an API key with the Cloud Billing
API enabled, ``$PLANNER_GCP_API_KEY``) lists SKUs page by page (``skus``, ``nextPageToken``). Machine types are
not SKUs: each family bills a vCPU-hour (``<Family> Instance Core running in <place>``) and a GiB-hour of memory
(``... Instance Ram ...``) in every region of ``serviceRegions``, so a type costs vCPU x core + GiB x RAM
(Compute Engine pricing page; n2-standard-2 in us-central1: 2 x 0.031611 + 8 x 0.004237 = 0.097118). Types with
GPUs (priced with their accelerator) and shared-core types keep the bundled prices. The sustained-use rate keeps
the bundled book's ratio to on demand for the type (the family's automatic discount)."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from planner.pricing.update.fetch import GetJson, UpdateError, get_json
from planner.pricing.update.install import retrieval_source

SOURCE = "Cloud Billing Catalog API"
SOURCE_ID = "gcp-cloud-billing-catalog"
API = "https://cloudbilling.googleapis.com"
COMPUTE_ENGINE = "6F81-5844-456A"
MAX_PAGES = 1_000
# "<family> Instance Core running in <place>" (spot: "Spot Preemptible <family> ..."); a few families are named in
# words. Resource-based commitments: "Commitment v1: <family> Cpu in <place> for 1 Year" (N1 names no family).
_RESOURCE = re.compile(r"^(?:Spot Preemptible |Preemptible )?(?P<family>.+?) (?:Instance )?(?P<kind>Core|Ram) "
                       r"running in ")
_COMMITMENT = re.compile(r"^Commitment v1: (?:(?P<family>.+?) )?(?P<kind>Cpu|Ram) in .+ for (?P<years>[13]) Years?$")
USAGE_OPTION = {"OnDemand": "on_demand", "Preemptible": "spot", "Commit1Yr": "reserved_1yr",
                "Commit3Yr": "reserved_3yr"}
OPTION_NOTES = {"on_demand": "list rate", "spot": "Spot VM", "reserved_1yr": "1-year resource-based committed use",
                "reserved_3yr": "3-year resource-based committed use"}
_NAMED = {"n1 predefined": "n1", "compute optimized": "c2", "memory-optimized": "m1", "n2d amd": "n2d",
          "t2d amd": "t2d", "c2d amd": "c2d", "c3d amd": "c3d", "c4d amd": "c4d", "n4d amd": "n4d"}
_SKIP = ("Sole Tenancy", "Custom", "Extended", "Reserved", "Premium", "Local SSD")
SHARED_CORE = re.compile(r"^(e2-(micro|small|medium)|f1-micro|g1-small)$")


def skus_url(key: str, token: str = "", api: str = API, service: str = COMPUTE_ENGINE) -> str:
    query = {"key": key, "currencyCode": "USD", "pageSize": "5000", **({"pageToken": token} if token else {})}
    return f"{api}/v1/services/{service}/skus?{urllib.parse.urlencode(query)}"


def redact(url: str) -> str:
    """A catalog URL without its API key (for messages and provenance)."""
    return re.sub(r"([?&]key=)[^&]+", r"\1***", url)


def fetch_skus(key: str, *, get: GetJson | None = None, api: str = API,
               progress: Callable[[int], None] | None = None, service: str = COMPUTE_ENGINE) -> list[dict[str, Any]]:
    """Every SKU of the catalog ``service`` (Compute Engine unless told), page by page."""
    get = get or (lambda url: get_json(url, source=SOURCE))
    skus: list[dict[str, Any]] = []
    token, pages = "", 0
    while True:
        doc = get(skus_url(key, token, api, service))
        if not isinstance(doc, dict) or not isinstance(doc.get("skus"), list):
            raise UpdateError(f"{SOURCE}: a page without 'skus' (the API's format changed, or the key is refused?)")
        skus.extend(doc["skus"])
        token = doc.get("nextPageToken") or ""
        pages += 1
        if progress:
            progress(pages)
        if not token:
            return skus
        if pages >= MAX_PAGES:
            raise UpdateError(f"{SOURCE}: more than {MAX_PAGES:,} pages; stopped")


def unit_rates(skus: Iterable[dict[str, Any]], regions: Sequence[str]) -> pd.DataFrame:
    """(family, region, option) -> USD per vCPU-hour (``core``) and per GiB-hour (``ram``): on demand, spot
    (``Preemptible``) and 1- and 3-year resource-based commitments (``Commit1Yr``, ``Commit3Yr``)."""
    wanted, rows = set(regions), []
    for sku in skus:
        desc, usage, places, usd = read_sku(sku)
        option = USAGE_OPTION.get(usage)
        match = _COMMITMENT.match(desc) if option and option.startswith("reserved") else _RESOURCE.match(desc)
        if option is None or not match or any(s in desc for s in _SKIP):
            continue
        family = (match["family"] or "n1").lower()
        family = _NAMED.get(family, family.split()[0])
        kind = "core" if match["kind"] in ("Core", "Cpu") else "ram"
        rows += [{"family": family, "region": r, "option": option, "kind": kind, "usd": usd}
                 for r in places if r in wanted]
    frame = pd.DataFrame(rows, columns=["family", "region", "option", "kind", "usd"])
    out = frame.pivot_table(index=["family", "region", "option"], columns="kind", values="usd", aggfunc="min")
    return out.reindex(columns=["core", "ram"]).reset_index()


def read_sku(sku: dict[str, Any]) -> tuple[str, str, list[str], float]:
    """(description, usage type, service regions, USD per usage unit at the last tier) of a catalog SKU."""
    try:
        rate = sku["pricingInfo"][0]["pricingExpression"]["tieredRates"][-1]["unitPrice"]
        return (sku["description"], sku["category"]["usageType"], list(sku["serviceRegions"]),
                int(rate.get("units") or 0) + int(rate.get("nanos") or 0) / 1e9)
    except (KeyError, IndexError, TypeError):
        raise UpdateError(f"{SOURCE}: a SKU lacks description, category, serviceRegions or pricingInfo (the "
                          "API's format changed?)") from None


def machine_rows(rates: pd.DataFrame, specs: pd.DataFrame, bundled: pd.DataFrame, retrieved: dt.date
                 ) -> tuple[pd.DataFrame, int]:
    """Rows of every machine type whose family has both rates of an option in a region (on demand with the
    sustained-use rate beside it, spot, committed use); and how many types of the specs had no on-demand rate
    (kept as bundled)."""
    types = specs[(specs.gpu_count == 0) & ~specs.sku.str.match(SHARED_CORE)][["sku", "family", "vcpu", "memory_gib"]]
    priced = types.merge(rates.dropna(subset=["core", "ram"]), on="family")
    priced["hourly_usd"] = (priced.vcpu * priced.core + priced.memory_gib * priced.ram).round(6)
    base = {"service": "compute", "engine": "", "deployment": "", "upfront_usd": 0.0, "prices_as_of":
            retrieved.isoformat(), "source_id": SOURCE_ID}
    rows = priced[["region", "sku", "option", "hourly_usd"]].assign(
        notes=priced.option.map(OPTION_NOTES), payment=np.where(priced.option.str.startswith("reserved"),
                                                                 "no-upfront", ""),
        interruption=np.where(priced.option == "spot", "may be preempted", ""), **base)
    on_demand = rows[rows.option == "on_demand"]
    od = bundled[bundled.option == "on_demand"].set_index(["region", "sku"]).hourly_usd
    sud = bundled[bundled.option == "sustained_use"].set_index(["region", "sku"]).hourly_usd
    ratio = (sud / od).reindex(pd.MultiIndex.from_frame(on_demand[["region", "sku"]])).fillna(1.0).to_numpy()
    sustained = on_demand.assign(option="sustained_use", hourly_usd=(on_demand.hourly_usd.to_numpy() * ratio).round(6),
                                 notes="full-month sustained-use rate: the bundled ratio to on demand")
    out = pd.concat([rows, sustained], ignore_index=True).sort_values(["region", "sku", "option"])
    listed = set(rates.family[rates.option == "on_demand"])
    return out.reset_index(drop=True), int((~types.family.isin(listed)).sum())


def source_row(retrieved: dt.datetime, regions: Sequence[str]) -> dict[str, str]:
    return retrieval_source(SOURCE_ID, f"{API}/v1/services/{COMPUTE_ENGINE}/skus", retrieved, regions,
                            "Compute Engine vCPU and memory on-demand rates, machine types composed from them; Cloud "
                            "SQL (9662-B51E-5089) vCPU, memory, storage and backup rates")
