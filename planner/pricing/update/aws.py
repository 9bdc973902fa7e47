"""AWS Price List bulk offer files -> the price book's ``instance_prices`` rows of EC2 (Linux, shared tenancy),
RDS / Aurora instances (license-free engines) and ElastiCache nodes, on demand and reserved; and spot prices from
the Spot Instance Advisor feed.

An offer file (https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.json,
public) holds ``products`` (SKU -> ``attributes``: instanceType, operatingSystem, tenancy, preInstalledSw,
capacitystatus, licenseModel) and then ``terms.OnDemand`` (SKU -> offer -> ``priceDimensions`` ->
``pricePerUnit.USD`` per ``unit`` Hrs) and ``terms.Reserved``. The EC2 files run to hundreds of MB: they are
downloaded to disk (resumable) and read as a stream (ijson), the products first, then the terms of the SKUs kept,
so memory holds only those."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from planner.pricing.schema import KINDS
from planner.pricing.update.fetch import NotPublished, UpdateError, download
from planner.pricing.update.install import retrieval_source

SOURCE = "AWS Price List bulk API"
SOURCE_ID = "aws-price-list-bulk"
API = "https://pricing.us-east-1.amazonaws.com"
WANT = {"operatingSystem": "Linux", "tenancy": "Shared", "preInstalledSw": "NA", "capacitystatus": "Used"}


# RDS offer files: engines and deployments as the book names them (AWS Price List attributes databaseEngine,
# deploymentOption; Aurora's I/O-Optimized instances differ only in their usagetype, InstanceUsageIOOptimized)
RDS_ENGINES = {"PostgreSQL": "postgresql", "MySQL": "mysql", "MariaDB": "mariadb",
               "Aurora PostgreSQL": "aurora-postgresql", "Aurora MySQL": "aurora-mysql"}
CACHE_ENGINES = {"Redis": "redis", "Valkey": "valkey", "Memcached": "memcached"}
RDS_DEPLOYMENTS = {"Single-AZ": "single-az", "Multi-AZ": "multi-az", "Multi-AZ (readable standbys)": "multi-az-cluster"}

# Reserved terms (``terms.Reserved``: termAttributes OfferingClass, LeaseContractLength, PurchaseOption; an
# ``Hrs`` recurring and a ``Quantity`` upfront dimension) -> the book's options. EC2's convertible RIs stand in
# for Compute Savings Plans, as in the bundled tables; RDS and ElastiCache have standard reservations only.
COMMITMENTS = {"ec2": {"standard": "reserved", "convertible": "savings"}, "rds": {"standard": "reserved"},
               "elasticache": {"standard": "reserved"}}
COMMITMENT_NOTES = {("ec2", "reserved"): "Standard RI", ("ec2", "savings"): "Convertible RI rate (Savings Plan proxy)"}
PAYMENTS = {"No Upfront": "no-upfront", "Partial Upfront": "partial-upfront", "All Upfront": "all-upfront"}
PAYMENT_PREFERENCE = ("no-upfront", "partial-upfront", "all-upfront")  # the least money up front first
HOURS_PER_YEAR = 8760
ROW_COLUMNS = KINDS["instance_prices"].column_names

REGION_PREFIX = re.compile(r"^[A-Z]{2,4}[0-9]?-")  # of usage types: USE1-, EUW2-, APN1-, EU-; us-east-1 has none

# Compute Savings Plans: a region index naming each region's file; ``products`` (a list: sku, productFamily
# ComputeSavingsPlans, attributes purchaseOption / purchaseTerm) and ``terms.savingsPlan`` (a list: sku, rates of
# discountedServiceCode, discountedUsageType, discountedOperation, discountedRate.price)
SAVINGS_PLANS_INDEX = "/savingsPlan/v1.0/aws/AWSComputeSavingsPlan/current/region_index.json"
SAVINGS_PLAN_NOTE = "Compute Savings Plan rate, no upfront"

SPOT_SOURCE = "AWS Spot Instance Advisor"
SPOT_SOURCE_ID = "aws-spot-advisor"
SPOT_ADVISOR = "https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json"


def offer_url(offer: str, region: str, api: str = API) -> str:
    return f"{api}/offers/v1.0/aws/{offer}/current/{region}/index.json"


def fetch_offers(offer: str, regions: Sequence[str], folder: Path, *, api: str = API,
                 progress: Callable[[int, int | None], None] | None = None, missing_ok: bool = False
                 ) -> dict[str, Path]:
    """Each region's ``offer`` file (AmazonEC2, AmazonRDS) downloaded into ``folder`` (resumed where an earlier
    run stopped); with ``missing_ok``, a region whose file is not published (404: the service is not offered
    there) is left out rather than failing the update."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for r in regions:
        try:
            files[r] = download(offer_url(offer, r, api), folder / f"{offer}-{r}.json", source=SOURCE,
                                progress=progress)
        except NotPublished:
            if not missing_ok:
                raise
    return files


def ec2_rows(path: Path, region: str, known_skus: set[str], retrieved: dt.date) -> tuple[pd.DataFrame, int]:
    """Linux shared-tenancy on-demand hourly prices of instance types the book has specs for, as
    ``instance_prices`` rows; and how many priced types were left out for want of a spec."""
    return _rows(path, region, known_skus, retrieved, "ec2", _ec2_key, "Linux shared-tenancy EC2")


def rds_rows(path: Path, region: str, known_skus: set[str], retrieved: dt.date) -> tuple[pd.DataFrame, int]:
    """On-demand hourly prices of RDS and Aurora instance classes (license-free engines; single-AZ, Multi-AZ,
    Multi-AZ DB cluster; Aurora standard and I/O-Optimized) the book has specs for."""
    return _rows(path, region, known_skus, retrieved, "rds", _rds_key, "license-free RDS instance")


def cache_rows(path: Path, region: str, known_skus: set[str], retrieved: dt.date) -> tuple[pd.DataFrame, int]:
    """On-demand hourly prices of ElastiCache nodes (Redis, Valkey, Memcached) the book has specs for."""
    return _rows(path, region, known_skus, retrieved, "elasticache", _cache_key, "ElastiCache node")


def _cache_key(product: dict[str, Any]) -> tuple[str, str, str] | None:
    a = product.get("attributes", {})
    engine = CACHE_ENGINES.get(a.get("cacheEngine", ""))
    if (product.get("productFamily") != "Cache Instance" or engine is None or "instanceType" not in a
            or a.get("locationType", "AWS Region") != "AWS Region"):
        return None
    return a["instanceType"], engine, ""


def _ec2_key(product: dict[str, Any]) -> tuple[str, str, str] | None:
    return (product["attributes"]["instanceType"], "", "") if _wanted(product) else None


def _rds_key(product: dict[str, Any]) -> tuple[str, str, str] | None:
    """(class, engine, deployment) of a priced RDS instance product, None for anything else."""
    a = product.get("attributes", {})
    engine = RDS_ENGINES.get(a.get("databaseEngine", ""))
    if (product.get("productFamily") != "Database Instance" or engine is None or "instanceType" not in a
            or a.get("licenseModel", "No license required").lower() != "no license required"
            or a.get("locationType", "AWS Region") != "AWS Region"):
        return None
    if engine.startswith("aurora"):
        if a.get("deploymentOption", "Single-AZ") != "Single-AZ":
            return None
        deployment = "aurora-io-optimized" if "IOOptimized" in a.get("usagetype", "") else "aurora-standard"
    else:
        deployment = RDS_DEPLOYMENTS.get(a.get("deploymentOption", ""))
        if deployment is None:
            return None
    return a["instanceType"], engine, deployment


def _rows(path: Path, region: str, known_skus: set[str], retrieved: dt.date, service: str,
          key: Callable[[dict[str, Any]], tuple[str, str, str] | None], what: str) -> tuple[pd.DataFrame, int]:
    """On-demand and reserved rows of the products ``key`` keeps; three streaming passes (products, then the
    on-demand and reserved terms of the SKUs kept) so memory holds only those."""
    import ijson

    try:
        with open(path, "rb") as fh:
            kept = {}
            for sku, product in ijson.kvitems(fh, "products"):
                k = key(product)
                if k is not None:
                    kept[sku] = k
        if not kept:
            raise UpdateError(f"{SOURCE}: {path.name} has no {what} products (the format changed?)")
        prices: dict[tuple[str, str], tuple[float, float, str]] = {}
        with open(path, "rb") as fh:
            for sku, offers in ijson.kvitems(fh, "terms.OnDemand", use_float=True):
                if sku in kept:
                    usd = _hourly(offers)
                    if usd is not None:
                        prices[sku, "on_demand"] = (usd, 0.0, "")
        with open(path, "rb") as fh:
            for sku, offers in ijson.kvitems(fh, "terms.Reserved", use_float=True):
                if sku in kept:
                    for option, price in _reserved(offers, COMMITMENTS[service]).items():
                        prices[sku, option] = price
    except ijson.JSONError as e:
        raise UpdateError(f"{SOURCE}: {path.name} is not a whole offer file ({e}); rerun to download it "
                          "again") from None
    rows, unknown = [], set()
    for (sku, option), (usd, upfront, payment) in prices.items():
        instance_type, engine, deployment = kept[sku]
        if instance_type not in known_skus:
            unknown.add(instance_type)
            continue
        rows.append({"region": region, "service": service, "sku": instance_type, "engine": engine,
                     "deployment": deployment, "option": option, "hourly_usd": round(usd, 6),
                     "upfront_usd": upfront, "payment": payment, "interruption": "",
                     "prices_as_of": retrieved.isoformat(), "source_id": SOURCE_ID,
                     "notes": COMMITMENT_NOTES.get((service, option.split("_")[0]), "")})
    frame = pd.DataFrame(rows)
    if len(frame):
        # several SKUs can map to one key (e.g. an engine's editions); the cheapest is the list price
        frame = (frame.sort_values("hourly_usd").drop_duplicates(["region", "sku", "engine", "deployment", "option"])
                 .sort_values(["sku", "engine", "deployment", "option"]))
    return frame.reset_index(drop=True), len(unknown)


def _reserved(offers: dict[str, Any], classes: dict[str, str]) -> dict[str, tuple[float, float, str]]:
    """Option -> (effective hourly USD, upfront USD, payment) of a SKU's reserved offers: the recurring hourly
    charge plus the upfront fee spread over the term's hours (AWS's own effective-rate convention), for the
    payment with the least money up front (as the bundled tables choose)."""
    best: dict[str, tuple[int, tuple[float, float, str]]] = {}
    for offer in offers.values():
        terms = offer.get("termAttributes", {})
        prefix = classes.get(terms.get("OfferingClass", "standard"))
        payment = PAYMENTS.get(terms.get("PurchaseOption", ""))
        years = {"1yr": 1, "3yr": 3}.get(terms.get("LeaseContractLength", ""))
        if prefix is None or payment is None or years is None:
            continue
        hourly = upfront = 0.0
        for dim in offer.get("priceDimensions", {}).values():
            usd = float(dim.get("pricePerUnit", {}).get("USD", 0.0))
            if dim.get("unit") == "Hrs":
                hourly += usd
            elif dim.get("unit") == "Quantity":
                upfront += usd
        option = f"{prefix}_{years}yr"
        rank = PAYMENT_PREFERENCE.index(payment)
        if option not in best or rank < best[option][0]:
            best[option] = (rank, (hourly + upfront / (HOURS_PER_YEAR * years), upfront, payment))
    return {option: price for option, (_, price) in best.items()}


def savings_plan_urls(index: Any, regions: Sequence[str], api: str = API) -> dict[str, str]:
    """Each wanted region's Compute Savings Plans file, from the region index (``regions``: a list or a map of
    ``regionCode`` / ``versionUrl``)."""
    entries = index.get("regions") if isinstance(index, dict) else None
    entries = list(entries.values()) if isinstance(entries, dict) else entries
    if not isinstance(entries, list):
        raise UpdateError(f"{SOURCE}: the Savings Plans region index has no 'regions' (the format changed?)")
    wanted = set(regions)
    return {e["regionCode"]: (api + e["versionUrl"] if e["versionUrl"].startswith("/") else e["versionUrl"])
            for e in entries if isinstance(e, dict) and e.get("regionCode") in wanted and e.get("versionUrl")}


def savings_plan_rows(path: Path, region: str, known_skus: set[str], retrieved: dt.date) -> pd.DataFrame:
    """``savings_1yr`` / ``savings_3yr`` rows: the no-upfront Compute Savings Plan rate of each Linux
    shared-tenancy instance type the book has (``BoxUsage:<type>``, operation ``RunInstances``), read as a
    stream: the plans first, then their rates."""
    import ijson

    try:
        plans: dict[str, int] = {}
        with open(path, "rb") as fh:
            for product in ijson.items(fh, "products.item"):
                a = product.get("attributes", {})
                years = {"1yr": 1, "3yr": 3}.get(a.get("purchaseTerm", ""))
                if (product.get("productFamily") == "ComputeSavingsPlans" and a.get("purchaseOption") == "No Upfront"
                        and years):
                    plans[product.get("sku", "")] = years
        if not plans:
            raise UpdateError(f"{SOURCE}: {path.name} has no no-upfront Compute Savings Plans (the format changed?)")
        rates: dict[tuple[str, int], float] = {}
        with open(path, "rb") as fh:
            for term in ijson.items(fh, "terms.savingsPlan.item"):
                years = plans.get(term.get("sku", ""))
                for rate in term.get("rates", []) if years else ():
                    usage = REGION_PREFIX.sub("", rate.get("discountedUsageType", ""), count=1)
                    if (rate.get("discountedServiceCode") != "AmazonEC2"
                            or rate.get("discountedOperation") != "RunInstances" or not usage.startswith("BoxUsage:")):
                        continue
                    sku = usage.split(":", 1)[1]
                    if sku in known_skus:
                        rates[sku, years] = float(rate["discountedRate"]["price"])
    except ijson.JSONError as e:
        raise UpdateError(f"{SOURCE}: {path.name} is not a whole Savings Plans file ({e}); rerun to download it "
                          "again") from None
    return pd.DataFrame([{"region": region, "service": "ec2", "sku": sku, "engine": "", "deployment": "",
                          "option": f"savings_{years}yr", "hourly_usd": round(usd, 6), "upfront_usd": 0.0,
                          "payment": "no-upfront", "interruption": "", "prices_as_of": retrieved.isoformat(),
                          "source_id": SOURCE_ID, "notes": SAVINGS_PLAN_NOTE}
                         for (sku, years), usd in sorted(rates.items())], columns=ROW_COLUMNS)


def with_savings_plans(ec2: pd.DataFrame, plans: pd.DataFrame) -> pd.DataFrame:
    """EC2 rows whose ``savings_*`` options are the Savings Plan rates where the plans price the type, the
    convertible-RI proxy elsewhere."""
    if plans.empty:
        return ec2
    priced = set(zip(plans.region, plans.sku, plans.option))
    proxy = [(r, s, o) not in priced for r, s, o in zip(ec2.region, ec2.sku, ec2.option)]
    return pd.concat([ec2[proxy], plans], ignore_index=True)


def spot_rows(advisor: dict[str, Any], on_demand: pd.DataFrame, retrieved: dt.date) -> pd.DataFrame:
    """Linux spot prices as the bundled tables derive them: the on-demand price in ``on_demand`` (fresh EC2 rows)
    x (1 - the Spot Instance Advisor's average savings), with its interruption-frequency band.

    Source: https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json, the feed behind
    https://aws.amazon.com/ec2/spot/instance-advisor/ (``spot_advisor`` -> region -> ``Linux`` -> type ->
    ``s`` savings %, ``r`` index into ``ranges``)."""
    try:
        bands = {int(r["index"]): str(r["label"]) for r in advisor["ranges"]}
        by_region = advisor["spot_advisor"]
    except (KeyError, TypeError, ValueError):
        raise UpdateError(f"{SPOT_SOURCE}: no spot_advisor / ranges in the answer (the format changed?)") from None
    rows = []
    for region, sku, usd in zip(on_demand.region, on_demand.sku, on_demand.hourly_usd):
        advice = by_region.get(region, {}).get("Linux", {}).get(sku)
        if not isinstance(advice, dict) or not 0 < float(advice.get("s", 0)) < 100:
            continue  # no advice, or zero / negative savings (an advisor fault the bundled build drops too)
        saving = float(advice["s"]) / 100
        rows.append({"region": region, "service": "ec2", "sku": sku, "engine": "", "deployment": "",
                     "option": "spot", "hourly_usd": round(float(usd) * (1 - saving), 6), "upfront_usd": 0.0,
                     "payment": "", "interruption": bands.get(int(advice.get("r", -1)), ""),
                     "prices_as_of": retrieved.isoformat(), "source_id": SPOT_SOURCE_ID,
                     "notes": f"on-demand x (1 - Spot Advisor savings {saving:g})"})
    return pd.DataFrame(rows, columns=ROW_COLUMNS)


def _wanted(product: dict[str, Any]) -> bool:
    a = product.get("attributes", {})
    return "instanceType" in a and all(a.get(k) == v for k, v in WANT.items()) and a.get(
        "licenseModel", "No License required") == "No License required"


def _hourly(offers: dict[str, Any]) -> float | None:
    """The hourly USD price of an on-demand offer (None when it has no hourly dimension)."""
    for offer in offers.values():
        for dim in offer.get("priceDimensions", {}).values():
            if dim.get("unit") == "Hrs" and "USD" in dim.get("pricePerUnit", {}):
                return float(dim["pricePerUnit"]["USD"])
    return None


def source_row(retrieved: dt.datetime, regions: Sequence[str]) -> dict[str, str]:
    return retrieval_source(SOURCE_ID, f"{API}/offers/v1.0/aws/<offer>/current", retrieved, regions,
                            "EC2 Linux shared-tenancy, RDS/Aurora license-free and ElastiCache instances, on demand "
                            "and reserved (AmazonEC2, AmazonRDS, AmazonElastiCache offer files); EC2 Compute Savings "
                            "Plans (AWSComputeSavingsPlan)")


def spot_source_row(retrieved: dt.datetime, regions: Sequence[str]) -> dict[str, str]:
    return retrieval_source(SPOT_SOURCE_ID, SPOT_ADVISOR, retrieved, regions, "Linux savings vs on demand and "
                            "interruption band per instance type; spot price = refreshed on-demand x (1 - savings)")
