"""Regenerate ``pricing_data/`` from the shared source tables.

Usage (from the repository root)::

    python scripts/build_pricing_data.py [--sources ../shared/pricing-sources] [--out pricing_data]

The sources are CSVs derived from public price lists (see their ``SOURCES.md``).
This script turns them into the project's own schema (documented in
``planner/pricing/schema.py`` and ``docs/pricing_data.md``), fills the few
regional gaps the planner cannot do without by explicit, flagged estimates,
and writes ``MANIFEST.csv`` with each table's sources, dates and checksum.

The output is deterministic: the same sources give byte-identical tables, so a
price refresh is this one command plus a reviewed ``git diff pricing_data/``.
A summary of what was kept, dropped and estimated is printed at the end.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import pricing_azure  # noqa: E402
import pricing_gcp  # noqa: E402

from planner.pricing.manifest import write_manifest  # noqa: E402
from planner.pricing.schema import KINDS  # noqa: E402

HOURS_PER_YEAR = 8760
REFERENCE_REGION = "us-east-1"

# Which purchase-option record becomes which of our options. One payment per
# option: the one with the least money up front that the source has.
EC2_RESERVED = {
    ("reserved-standard", "1yr"): "reserved_1yr",
    ("reserved-standard", "3yr"): "reserved_3yr",
    ("reserved-convertible", "1yr"): "savings_1yr",
    ("reserved-convertible", "3yr"): "savings_3yr",
}
PAYMENT_PREFERENCE = ["no-upfront", "partial-upfront", "all-upfront"]
# Savings Plan rates track Convertible RI rates; the sources hold no per-instance
# Savings Plan rates, so the Convertible RI rate stands in (see units.PURCHASE_OPTIONS).
SAVINGS_PROXY_NOTE = "Convertible RI rate (Savings Plan proxy)"

# Region facts typed from AWS's public region list. az_count is the number of
# Availability Zones a new account can use (us-west-1 offers two).
AWS_REGIONS = [
    ("af-south-1", "Africa (Cape Town)", "Africa", 3),
    ("ap-east-1", "Asia Pacific (Hong Kong)", "Asia Pacific", 3),
    ("ap-northeast-1", "Asia Pacific (Tokyo)", "Asia Pacific", 3),
    ("ap-northeast-2", "Asia Pacific (Seoul)", "Asia Pacific", 4),
    ("ap-northeast-3", "Asia Pacific (Osaka)", "Asia Pacific", 3),
    ("ap-south-1", "Asia Pacific (Mumbai)", "Asia Pacific", 3),
    ("ap-south-2", "Asia Pacific (Hyderabad)", "Asia Pacific", 3),
    ("ap-southeast-1", "Asia Pacific (Singapore)", "Asia Pacific", 3),
    ("ap-southeast-2", "Asia Pacific (Sydney)", "Asia Pacific", 3),
    ("ap-southeast-3", "Asia Pacific (Jakarta)", "Asia Pacific", 3),
    ("ap-southeast-4", "Asia Pacific (Melbourne)", "Asia Pacific", 3),
    ("ap-southeast-5", "Asia Pacific (Malaysia)", "Asia Pacific", 3),
    ("ap-southeast-7", "Asia Pacific (Thailand)", "Asia Pacific", 3),
    ("ca-central-1", "Canada (Central)", "North America", 3),
    ("ca-west-1", "Canada West (Calgary)", "North America", 3),
    ("eu-central-1", "Europe (Frankfurt)", "Europe", 3),
    ("eu-central-2", "Europe (Zurich)", "Europe", 3),
    ("eu-north-1", "Europe (Stockholm)", "Europe", 3),
    ("eu-south-1", "Europe (Milan)", "Europe", 3),
    ("eu-south-2", "Europe (Spain)", "Europe", 3),
    ("eu-west-1", "Europe (Ireland)", "Europe", 3),
    ("eu-west-2", "Europe (London)", "Europe", 3),
    ("eu-west-3", "Europe (Paris)", "Europe", 3),
    ("il-central-1", "Israel (Tel Aviv)", "Middle East", 3),
    ("me-central-1", "Middle East (UAE)", "Middle East", 3),
    ("me-south-1", "Middle East (Bahrain)", "Middle East", 3),
    ("mx-central-1", "Mexico (Central)", "North America", 3),
    ("sa-east-1", "South America (Sao Paulo)", "South America", 3),
    ("us-east-1", "US East (N. Virginia)", "North America", 6),
    ("us-east-2", "US East (Ohio)", "North America", 3),
    ("us-gov-east-1", "AWS GovCloud (US-East)", "North America", 3),
    ("us-gov-west-1", "AWS GovCloud (US-West)", "North America", 3),
    ("us-west-1", "US West (N. California)", "North America", 2),
    ("us-west-2", "US West (Oregon)", "North America", 4),
]

# Our own source ids, beside those of the source folder's sources.csv.
OWN_SOURCES = [
    {
        "source_id": "manual-unverified",
        "repo": "",
        "commit": "",
        "path": "manual_us_east_1.csv",
        "data_date_min": "",
        "data_date_max": "",
        "notes": "well-known public list price, unverified: free allowances and included baselines "
        "typed from memory of AWS's public pricing pages; treated as global rules",
    },
    {
        "source_id": "aws-region-list",
        "repo": "",
        "commit": "",
        "path": "",
        "data_date_min": "",
        "data_date_max": "",
        "notes": "region names and usable Availability Zone counts typed from AWS's public region list; unverified",
    },
    {
        "source_id": "estimate-scaled-by-alb",
        "repo": "",
        "commit": "",
        "path": "",
        "data_date_min": "",
        "data_date_max": "",
        "notes": "ESTIMATE: no regional price in any source; the us-east-1 price scaled by the region's "
        "ALB-hour price / the us-east-1 ALB-hour price (checked on sa-east-1 NAT: estimate 0.068 vs "
        "list 0.093, so estimates may run low)",
    },
    {
        "source_id": "estimate-same-as-us-east-1",
        "repo": "",
        "commit": "",
        "path": "",
        "data_date_min": "",
        "data_date_max": "",
        "notes": "ESTIMATE: no regional price in any source; the us-east-1 price is used unchanged "
        "(the item has one price in every region the sources cover)",
    },
]

# Service items the planner needs in every region, and how a region missing
# from the sources gets a flagged estimate: scaled by the regional ALB price
# where the item's price varies by region, copied where it does not.
GAP_FILLS = [
    ("nat_gateway", "gateway_hour", "estimate-scaled-by-alb"),
    ("nat_gateway", "data_processed", "estimate-scaled-by-alb"),
    ("data_transfer", "inter_az", "estimate-same-as-us-east-1"),
    ("ebs", "storage", "estimate-scaled-by-alb"),
    ("ebs", "snapshot_storage", "estimate-scaled-by-alb"),
    ("ebs", "provisioned_iops", "estimate-scaled-by-alb"),
    ("ebs", "provisioned_throughput", "estimate-scaled-by-alb"),
    # the calculator files of these services leave GovCloud (US-West) out
    *((service, item, "estimate-same-as-us-east-1") for service, item in (
        ("dynamodb", "read_request_units"), ("dynamodb", "write_request_units"),
        ("dynamodb", "replicated_write_request_units"), ("dynamodb", "read_capacity_unit_hour"),
        ("dynamodb", "write_capacity_unit_hour"), ("dynamodb", "replicated_write_capacity_unit_hour"),
        ("dynamodb", "storage"), ("dynamodb", "pitr_backup_storage"), ("dynamodb", "backup_storage"),
        ("sqs", "requests"), ("sns", "publish_requests"), ("sns", "deliveries"), ("kinesis", "shard_hour"),
        ("kinesis", "put_payload_units"), ("waf", "web_acl"), ("waf", "rule"), ("waf", "requests"))),
]

# DynamoDB, SQS, SNS, Kinesis, WAF and RDS Proxy: extracted from aws-price-watcher by scripts/extract_aws_extra_services.py
EXTRA_SERVICES = Path(__file__).resolve().parent / "sources" / "aws-extra-services.csv"
EXTRA_SOURCES = [
    {"source_id": f"pricewatcher-{name}", "repo": "iann0036/aws-price-watcher",
     "commit": "d65c44f0cbfbfc8bf647809576a504ecf1587e8d", "path": f"processed/{file}.json (dates: raw/{file}.json)",
     "data_date_min": date, "data_date_max": date,
     "notes": "AWS pricing-calculator file; extracted by scripts/extract_aws_extra_services.py into "
              "scripts/sources/aws-extra-services.csv"}
    for name, file, date in (("dynamodb", "dynamodb", "2025-03-12"), ("sqs", "queueservice", "2025-04-02"),
                             ("sns", "sns", "2025-03-18"), ("kinesis", "kinesis", "2025-03-11"),
                             ("waf", "waf", "2025-05-14"), ("rds-proxy", "rds-proxy", "2025-05-23"))
]

# Prices no stored source has, typed from AWS's public pricing pages (us-east-1),
# applied in every region and flagged unverified. Tier bounds are in the unit:
# 300 units of "1M requests" = the first 300 million requests.
OWN_MANUAL_ROWS = [
    {"service": "apigateway", "region": "global", "item": "http_api_requests", "dimension": "",
     "unit": "1M requests", "usd_per_unit": 1.0, "tier_start": 0.0, "tier_end": 300.0,
     "notes": "HTTP API: first 300 million requests/month (us-east-1 list price; other regions cost more)"},
    {"service": "apigateway", "region": "global", "item": "http_api_requests", "dimension": "",
     "unit": "1M requests", "usd_per_unit": 0.9, "tier_start": 300.0, "tier_end": float("nan"),
     "notes": "HTTP API: over 300 million requests/month (us-east-1 list price)"},
    # always-free allowances (tier_end, in the price's unit) and rules of the services issue 14 added
    {"service": "sqs", "region": "global", "item": "free_tier_requests", "dimension": "", "unit": "1M requests",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 1.0,
     "notes": "always-free tier: the first 1 million SQS requests a month (standard and FIFO together)"},
    {"service": "sns", "region": "global", "item": "free_tier_publishes", "dimension": "", "unit": "1M requests",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 1.0,
     "notes": "always-free tier: the first 1 million SNS publishes a month"},
    {"service": "dynamodb", "region": "global", "item": "free_tier_storage", "dimension": "", "unit": "GB-month",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 25.0,
     "notes": "always-free tier: the first 25 GB-month of DynamoDB Standard table storage"},
    {"service": "cloudfront", "region": "global", "item": "free_tier_data_out", "dimension": "", "unit": "GB",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 1024.0,
     "notes": "always-free tier: the first 1 TB a month of CloudFront data out to the internet"},
    {"service": "cloudfront", "region": "global", "item": "free_tier_requests", "dimension": "",
     "unit": "10k requests", "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 1000.0,
     "notes": "always-free tier: the first 10 million CloudFront HTTP(S) requests a month"},
    {"service": "kms", "region": "global", "item": "free_tier_requests", "dimension": "", "unit": "10k requests",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 2.0,
     "notes": "always-free tier: the first 20,000 KMS requests a month"},
    {"service": "dynamodb", "region": "global", "item": "capacity_unit_bytes", "dimension": "read", "unit": "KB",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 4.0,
     "notes": "one read (capacity or request) unit reads up to 4 KB strongly consistent; eventually "
              "consistent reads take half a unit"},
    {"service": "dynamodb", "region": "global", "item": "capacity_unit_bytes", "dimension": "write", "unit": "KB",
     "usd_per_unit": 0.0, "tier_start": 0.0, "tier_end": 1.0, "notes": "one write unit writes up to 1 KB"},
]

# Manual rows that are rules (allowances, included baselines) rather than
# prices stay; headline marketing figures and notes do not.
MANUAL_UNITS_DROPPED = {"fraction", "note", "days"}


def read_source(path: Path) -> pd.DataFrame:
    """A source table, empty cells as NaN, date column named as in our schema."""
    df = pd.read_csv(path, keep_default_na=False, na_values=[""], low_memory=False)
    return df.rename(columns={"price_as_of": "prices_as_of"})


class Report:
    """Counts of what the build kept, dropped and estimated, printed at the end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, line: str) -> None:
        self.lines.append(line)

    def print(self) -> None:
        print("\n".join(self.lines))


def _arch_from_name(family: str) -> str:
    """Graviton families carry a 'g' after the generation digit (m6g, r7gd, t4g, x2gd)."""
    import re

    return "arm64" if re.match(r"^[a-z]+\d+g", family) else "x86_64"


def ec2_tables(src: Path, report: Report) -> tuple[pd.DataFrame, pd.DataFrame]:
    ec2 = read_source(src / "ec2.csv")
    specs = (
        ec2.sort_values("region")
        .drop_duplicates("instance_type")
        .assign(service="ec2")
        .rename(columns={"instance_type": "sku"})
    )
    specs = specs[
        ["service", "sku", "family", "generation", "category", "vcpu", "memory_gib", "arch", "gpu_count"]
    ]
    prices = pd.DataFrame(
        {
            "region": ec2["region"],
            "service": "ec2",
            "sku": ec2["instance_type"],
            "engine": "",
            "deployment": "",
            "option": "on_demand",
            "hourly_usd": ec2["on_demand_usd_per_hour"],
            "upfront_usd": 0.0,
            "payment": "",
            "interruption": "",
            "prices_as_of": ec2["prices_as_of"],
            "source_id": ec2["source_id"],
            "notes": ec2["notes"].fillna(""),
        }
    )
    report.add(f"ec2: {len(specs)} instance types, {len(prices)} on-demand prices in {ec2.region.nunique()} regions")
    return specs, prices


def ec2_purchase_options(src: Path, on_demand: pd.DataFrame, report: Report) -> pd.DataFrame:
    po = read_source(src / "purchase_options.csv")
    po = po[po.service == "ec2"]
    od = on_demand.set_index(["region", "sku"])["hourly_usd"]
    key = pd.MultiIndex.from_arrays([po.region, po.instance_type])
    po = po.assign(our_on_demand=od.reindex(key).to_numpy())
    frames = []

    ri = po[po.kind.str.startswith("reserved")].copy()
    ri["option"] = [EC2_RESERVED[(k, t)] for k, t in zip(ri.kind, ri.term)]
    stale = ri.effective_usd_per_hour >= ri.our_on_demand
    no_od = ri.our_on_demand.isna()
    report.add(
        f"ec2 reservations: {len(ri)} rows; dropped {int(no_od.sum())} without an on-demand price in our table, "
        f"{int((stale & ~no_od).sum())} not cheaper than the current on-demand price (RI record predates a price cut)"
    )
    ri = ri[~stale & ~no_od]
    frames.append(
        pd.DataFrame(
            {
                "region": ri.region,
                "service": "ec2",
                "sku": ri.instance_type,
                "engine": "",
                "deployment": "",
                "option": ri.option,
                "hourly_usd": ri.effective_usd_per_hour,
                "upfront_usd": ri.upfront_usd,
                "payment": ri.payment,
                "interruption": "",
                "prices_as_of": ri.prices_as_of,
                "source_id": ri.source_id,
                "notes": ["Standard RI" if k == "reserved-standard" else SAVINGS_PROXY_NOTE for k in ri.kind],
            }
        )
    )

    spot = po[po.kind == "spot"].copy()
    bad = spot.discount_vs_on_demand <= 0
    no_od = spot.our_on_demand.isna()
    report.add(
        f"ec2 spot: {len(spot)} rows; dropped {int(bad.sum())} with zero or negative savings (Spot Advisor fault), "
        f"{int((no_od & ~bad).sum())} without an on-demand price in our table"
    )
    spot = spot[~bad & ~no_od]
    frames.append(
        pd.DataFrame(
            {
                "region": spot.region,
                "service": "ec2",
                "sku": spot.instance_type,
                "engine": "",
                "deployment": "",
                "option": "spot",
                "hourly_usd": (spot.our_on_demand * (1 - spot.discount_vs_on_demand)).round(6),
                "upfront_usd": 0.0,
                "payment": "",
                "interruption": spot.interruption_frequency,
                "prices_as_of": spot.prices_as_of,
                "source_id": spot.source_id,
                "notes": [f"on-demand x (1 - Spot Advisor savings {d:g})" for d in spot.discount_vs_on_demand],
            }
        )
    )
    return pd.concat(frames, ignore_index=True)


def _pick_payment(ri: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One reservation per key: the payment with the least money up front."""
    rank = ri.payment.map({p: i for i, p in enumerate(PAYMENT_PREFERENCE)})
    return ri.assign(_rank=rank).sort_values(keys + ["_rank"]).drop_duplicates(keys).drop(columns="_rank")


def database_tables(
    src: Path, ec2_specs: pd.DataFrame, report: Report
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """RDS (incl. Aurora) and ElastiCache specs and prices in our schema."""
    ec2_by_sku = ec2_specs.set_index("sku")
    rds = read_source(src / "rds.csv")
    cache = read_source(src / "elasticache.csv")

    def specs_for(df: pd.DataFrame, service: str, sku_col: str, prefix: str) -> pd.DataFrame:
        s = df.drop_duplicates(sku_col)[[sku_col, "vcpu", "memory_gib"] + (["generation"] if "generation" in df else [])]
        s = s.rename(columns={sku_col: "sku"})
        bare = s.sku.str.removeprefix(prefix)
        twin = ec2_by_sku.reindex(bare)
        family = s.sku.str.rsplit(".", n=1).str[0]
        out = pd.DataFrame(
            {
                "service": service,
                "sku": s.sku.to_numpy(),
                "family": family.to_numpy(),
                "generation": (s["generation"] if "generation" in s else twin["generation"].fillna("current")).to_numpy(),
                "category": twin["category"].fillna("").to_numpy(),
                "vcpu": s.vcpu.to_numpy(),
                "memory_gib": s.memory_gib.to_numpy(),
                "arch": twin["arch"].fillna(pd.Series(family.str.removeprefix(prefix).map(_arch_from_name).to_numpy(),
                                                      index=twin.index)).to_numpy(),
                "gpu_count": 0,
            }
        )
        out.loc[out.category == "", "category"] = out.loc[out.category == "", "family"].map(_db_category)
        return out

    specs = pd.concat(
        [specs_for(rds, "rds", "instance_class", "db."), specs_for(cache, "elasticache", "node_type", "cache.")],
        ignore_index=True,
    )

    rds_deployment = rds.storage_config.where(rds.deployment == "aurora-instance", rds.deployment)
    rds_prices = pd.DataFrame(
        {
            "region": rds.region,
            "service": "rds",
            "sku": rds.instance_class,
            "engine": rds.engine,
            "deployment": rds_deployment,
            "option": "on_demand",
            "hourly_usd": rds.usd_per_hour,
            "upfront_usd": 0.0,
            "payment": "",
            "interruption": "",
            "prices_as_of": rds.prices_as_of,
            "source_id": rds.source_id,
            "notes": "",
        }
    )
    cache_prices = pd.DataFrame(
        {
            "region": cache.region,
            "service": "elasticache",
            "sku": cache.node_type,
            "engine": cache.engine,
            "deployment": "",
            "option": "on_demand",
            "hourly_usd": cache.usd_per_hour,
            "upfront_usd": 0.0,
            "payment": "",
            "interruption": "",
            "prices_as_of": cache.prices_as_of,
            "source_id": cache.source_id,
            "notes": "",
        }
    )

    po = read_source(src / "purchase_options.csv")
    ri = po[po.service.isin(["rds", "elasticache"]) & (po.kind == "reserved")].copy()
    ri["deployment"] = ri.deployment.fillna("")
    # ElastiCache reservations are not split by engine in the price list; they apply to Redis and Memcached.
    ri["engine"] = ri.engine.replace({"redis/memcached": "redis,memcached"}).str.split(",")
    ri = ri.explode("engine")
    ri["option"] = ri.term.map({"1yr": "reserved_1yr", "3yr": "reserved_3yr"})
    ri = _pick_payment(ri, ["service", "region", "instance_type", "engine", "deployment", "option"])
    od = pd.concat([rds_prices, cache_prices]).set_index(["service", "region", "sku", "engine", "deployment"])["hourly_usd"]
    ref = od.reindex(pd.MultiIndex.from_arrays([ri.service, ri.region, ri.instance_type, ri.engine, ri.deployment]))
    ri = ri.assign(our_on_demand=ref.to_numpy())
    no_od = ri.our_on_demand.isna()
    stale = ri.effective_usd_per_hour >= ri.our_on_demand
    report.add(
        f"rds/elasticache reservations: {len(ri)} rows after choosing one payment per term; dropped "
        f"{int(no_od.sum())} without an on-demand price, {int((stale & ~no_od).sum())} not cheaper than current on-demand"
    )
    ri = ri[~no_od & ~stale]
    ri_prices = pd.DataFrame(
        {
            "region": ri.region,
            "service": ri.service,
            "sku": ri.instance_type,
            "engine": ri.engine,
            "deployment": ri.deployment,
            "option": ri.option,
            "hourly_usd": ri.effective_usd_per_hour.round(6),
            "upfront_usd": ri.upfront_usd,
            "payment": ri.payment,
            "interruption": "",
            "prices_as_of": ri.prices_as_of,
            "source_id": ri.source_id,
            "notes": "",
        }
    )
    prices_rds = pd.concat([rds_prices, ri_prices[ri_prices.service == "rds"]], ignore_index=True)
    prices_cache = pd.concat([cache_prices, ri_prices[ri_prices.service == "elasticache"]], ignore_index=True)
    report.add(f"rds: {len(rds_prices)} on-demand prices; elasticache: {len(cache_prices)} on-demand prices")
    return specs, prices_rds, prices_cache


def _db_category(family: str) -> str:
    letter = family.split(".", 1)[1][:1]
    return {
        "t": "General purpose",
        "m": "General purpose",
        "r": "Memory optimized",
        "x": "Memory optimized",
        "z": "Memory optimized",
        "c": "Compute optimized",
    }.get(letter, "")


def service_tables(src: Path, report: Report) -> tuple[pd.DataFrame, pd.DataFrame]:
    """services.csv + rds_storage.csv -> service_prices; manual rules -> their own table."""
    cols = KINDS["service_prices"].column_names
    svc = read_source(src / "services.csv")
    svc["dimension"] = svc.dimension.fillna("")
    svc["notes"] = svc.notes.fillna("")

    st = read_source(src / "rds_storage.csv")
    st = pd.DataFrame(
        {
            "service": "rds",
            "region": st.region,
            "item": st["item"],
            "dimension": st.engine_scope + "/" + st.deployment + "/" + st.storage_type,
            "unit": st.unit,
            "usd_per_unit": st.usd_per_unit,
            "tier_start": float("nan"),
            "tier_end": float("nan"),
            "notes": st.notes.fillna(""),
            "prices_as_of": st.prices_as_of,
            "source_id": st.source_id,
        }
    )
    extra = read_source(EXTRA_SERVICES)
    extra["dimension"] = extra.dimension.fillna("")
    report.add(f"extra services (DynamoDB, SQS, SNS, Kinesis, WAF, RDS Proxy): {len(extra)} rows")
    svc = pd.concat([svc, st, extra], ignore_index=True)
    svc = fill_gaps(svc, report)

    manual = read_source(src / "manual_us_east_1.csv")
    dropped = manual.unit.isin(MANUAL_UNITS_DROPPED)
    report.add(f"manual rules: kept {int((~dropped).sum())}, dropped {int(dropped.sum())} (headlines, notes, durations)")
    manual = pd.concat([manual[~dropped], pd.DataFrame(OWN_MANUAL_ROWS)], ignore_index=True).assign(
        region="global", prices_as_of="", source_id="manual-unverified", dimension=lambda d: d.dimension.fillna("")
    )
    return svc[cols], manual[cols]


def fill_gaps(svc: pd.DataFrame, report: Report) -> pd.DataFrame:
    """Give every region the items the planner needs, as flagged estimates where sources lack them."""
    regions = sorted(r for r in svc.region.unique() if r != "global")
    alb = svc[(svc.service == "elb") & (svc["item"] == "alb_hour")].set_index("region")["usd_per_unit"]
    added = []
    for service, item, rule in GAP_FILLS:
        rows = svc[(svc.service == service) & (svc["item"] == item)]
        ref = rows[rows.region == REFERENCE_REGION]
        for region in sorted(set(regions) - set(rows.region)):
            scale = alb[region] / alb[REFERENCE_REGION] if rule == "estimate-scaled-by-alb" else 1.0
            est = ref.assign(
                region=region,
                usd_per_unit=(ref.usd_per_unit * scale).round(6),
                source_id=rule,
                prices_as_of=ref.prices_as_of,
                notes=f"ESTIMATE from {REFERENCE_REGION} x {scale:.4f}; no regional price in the sources",
            )
            added.append(est)
    if added:
        est = pd.concat(added, ignore_index=True)
        report.add(f"estimates: {len(est)} service rows filled for regions the sources miss: "
                   + ", ".join(f"{s}.{i}" for s, i, _ in GAP_FILLS))
        svc = pd.concat([svc, est], ignore_index=True)
    return svc


def region_table() -> pd.DataFrame:
    return pd.DataFrame(AWS_REGIONS, columns=["region", "name", "geography", "az_count"]).assign(
        source_id="aws-region-list"
    )


def sources_table(src: Path) -> pd.DataFrame:
    s = pd.read_csv(src / "sources.csv", keep_default_na=False, dtype=str)
    return pd.concat([s, pd.DataFrame(OWN_SOURCES), pd.DataFrame(EXTRA_SOURCES)], ignore_index=True)


def write_table(df: pd.DataFrame, kind: str, path: Path) -> None:
    schema = KINDS[kind]
    df = df[schema.column_names].sort_values(list(schema.key)).reset_index(drop=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, index=False, lineterminator="\n")


def build(src_root: Path, out: Path) -> Report:
    report = Report()
    src = src_root / "aws"
    ec2_specs, ec2_od = ec2_tables(src, report)
    ec2_po = ec2_purchase_options(src, ec2_od, report)
    db_specs, rds_prices, cache_prices = database_tables(src, ec2_specs, report)
    svc, manual = service_tables(src, report)

    aws = out / "aws"
    tables = {
        "instance_specs.csv": ("instance_specs", pd.concat([ec2_specs, db_specs], ignore_index=True)),
        "ec2_on_demand.csv": ("instance_prices", ec2_od),
        "ec2_reserved.csv": ("instance_prices", ec2_po[ec2_po.option.str.startswith("reserved")]),
        "ec2_savings.csv": ("instance_prices", ec2_po[ec2_po.option.str.startswith("savings")]),
        "ec2_spot.csv": ("instance_prices", ec2_po[ec2_po.option == "spot"]),
        "rds_on_demand.csv": ("instance_prices", rds_prices[rds_prices.option == "on_demand"]),
        "rds_reserved.csv": ("instance_prices", rds_prices[rds_prices.option != "on_demand"]),
        "elasticache.csv": ("instance_prices", cache_prices),
        "service_prices.csv": ("service_prices", svc),
        "service_rules.csv": ("service_prices", manual),
        "regions.csv": ("regions", region_table()),
        "sources.csv": ("sources", sources_table(src)),
    }
    for name, (kind, df) in tables.items():
        write_table(df, kind, aws / name)
    listed = {f"aws/{name}": ("aws", kind) for name, (kind, _) in tables.items()}
    for cloud, module in (("gcp", pricing_gcp), ("azure", pricing_azure)):
        for name, (kind, df) in module.build(src_root / cloud).items():
            write_table(df, kind, out / cloud / name)
            listed[f"{cloud}/{name}"] = (cloud, kind)
            report.add(f"{cloud}/{name}: {len(df):,} rows")
    write_manifest(out, listed)
    report.add(f"wrote {len(listed)} tables and MANIFEST.csv to {out}")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=Path, default=REPO.parent / "shared" / "pricing-sources")
    parser.add_argument("--out", type=Path, default=REPO / "pricing_data")
    args = parser.parse_args()
    if not (args.sources / "aws" / "ec2.csv").exists():
        sys.exit(f"error: no AWS source tables under {args.sources} (expected {args.sources}/aws/ec2.csv)")
    build(args.sources, args.out).print()


if __name__ == "__main__":
    main()
