"""Google Cloud price tables in the project's schema, from ``pricing-sources/gcp`` (see its ``SOURCES.md``).

Compute Engine machine types are priced in every region the source has (on demand, spot, 1- and 3-year
resource-based committed-use discounts). Cloud SQL and Memorystore are priced in us-central1 only: Cloud SQL
classes are built from the per-vCPU and per-GiB unit prices (the way Google prices custom machine types), and
other regions get flagged ESTIMATE rows scaled by the region's Compute Engine price level. Items no
repository source has are typed from Google's public price pages and flagged unverified.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from pricing_common import price_level, sources_table

HOURS_PER_MONTH = 730
REFERENCE = "us-central1"
CYCLENERD_DATE = "2026-07-30"

# Region facts typed from Google's public region list (name, geography, zones); unverified.
REGIONS = [
    ("africa-south1", "Johannesburg", "Africa", 3), ("asia-east1", "Taiwan", "Asia Pacific", 3),
    ("asia-east2", "Hong Kong", "Asia Pacific", 3), ("asia-northeast1", "Tokyo", "Asia Pacific", 3),
    ("asia-northeast2", "Osaka", "Asia Pacific", 3), ("asia-northeast3", "Seoul", "Asia Pacific", 3),
    ("asia-south1", "Mumbai", "Asia Pacific", 3), ("asia-south2", "Delhi", "Asia Pacific", 3),
    ("asia-southeast1", "Singapore", "Asia Pacific", 3), ("asia-southeast2", "Jakarta", "Asia Pacific", 3),
    ("asia-southeast3", "Bangkok", "Asia Pacific", 3), ("australia-southeast1", "Sydney", "Oceania", 3),
    ("australia-southeast2", "Melbourne", "Oceania", 3), ("europe-central2", "Warsaw", "Europe", 3),
    ("europe-north1", "Finland", "Europe", 3), ("europe-north2", "Stockholm", "Europe", 3),
    ("europe-southwest1", "Madrid", "Europe", 3), ("europe-west1", "Belgium", "Europe", 3),
    ("europe-west10", "Berlin", "Europe", 3), ("europe-west12", "Turin", "Europe", 3),
    ("europe-west2", "London", "Europe", 3), ("europe-west3", "Frankfurt", "Europe", 3),
    ("europe-west4", "Netherlands", "Europe", 3), ("europe-west6", "Zurich", "Europe", 3),
    ("europe-west8", "Milan", "Europe", 3), ("europe-west9", "Paris", "Europe", 3),
    ("me-central1", "Doha", "Middle East", 3), ("me-central2", "Dammam", "Middle East", 3),
    ("me-west1", "Tel Aviv", "Middle East", 3), ("northamerica-northeast1", "Montreal", "North America", 3),
    ("northamerica-northeast2", "Toronto", "North America", 3),
    ("northamerica-south1", "Queretaro", "North America", 3), ("southamerica-east1", "Sao Paulo", "South America", 3),
    ("southamerica-west1", "Santiago", "South America", 3), ("us-central1", "Iowa", "North America", 4),
    ("us-east1", "South Carolina", "North America", 3), ("us-east4", "Northern Virginia", "North America", 3),
    ("us-east5", "Columbus", "North America", 3), ("us-south1", "Dallas", "North America", 3),
    ("us-west1", "Oregon", "North America", 3), ("us-west2", "Los Angeles", "North America", 3),
    ("us-west3", "Salt Lake City", "North America", 3), ("us-west4", "Las Vegas", "North America", 3),
]

# Families Google lists as previous generation, and the Arm ones (Tau T2A, Axion C4A / N4A).
PREVIOUS = {"n1", "n1-custom", "f1", "g1", "m1", "c2", "e2-custom"}
ARM = {"t2a", "c4a", "n4a"}

# Cloud SQL Enterprise machine shapes built from unit prices: vCPUs x GiB per vCPU (Google's Cloud SQL
# "Machine series" page: custom machines of 1 or an even number of vCPUs, 0.9-6.5 GiB per vCPU).
CLOUDSQL_VCPUS = (1, 2, 4, 8, 16, 32, 48, 64, 80, 96)
CLOUDSQL_GIB_PER_VCPU = {"standard": 3.75, "highmem": 6.5}
CLOUDSQL_ENGINES = {"POSTGRES_15": "postgresql", "MYSQL_8_0": "mysql"}
CLOUDSQL_DEPLOYMENT = {"zonal": "single-az", "regional": "multi-az"}

# Memorystore for Redis Cluster node types: memory and vCPU typed from Google's "Cluster and node
# specification" page (unverified); prices are the source's node-hour rows.
MEMORYSTORE_NODES = {
    "shared core nano": ("redis-shared-core-nano", 1.4, 0.5),
    "standard small": ("redis-standard-small", 6.5, 2.0),
    "highmem medium": ("redis-highmem-medium", 13.0, 2.0),
    "highmem xlarge": ("redis-highmem-xlarge", 58.0, 8.0),
}

# Service rows kept from services.csv: (source service, source item) -> (service, item, dimension).
SERVICE_MAP = {
    ("compute_engine_disk", "pd-balanced"): ("persistent_disk", "pd_balanced", ""),
    ("compute_engine_disk", "pd-ssd"): ("persistent_disk", "pd_ssd", ""),
    ("compute_engine_disk", "pd-standard"): ("persistent_disk", "pd_standard", ""),
    ("compute_engine_disk", "pd-balanced-regional"): ("persistent_disk", "pd_balanced_regional", ""),
    ("compute_engine_disk", "pd-ssd-regional"): ("persistent_disk", "pd_ssd_regional", ""),
    ("compute_engine_disk", "pd-snapshot"): ("persistent_disk", "snapshot", ""),
    ("vpc_network", "external IPv4 address in use (standard VM)"): ("vpc", "external_ipv4_in_use", ""),
    ("vpc_network", "external IPv4 address reserved but unused"): ("vpc", "external_ipv4_unused", ""),
    ("cloud_nat", "NAT data processing"): ("cloud_nat", "data_processed", ""),
    ("cloud_nat", "NAT gateway uptime (max charge, 32+ VMs)"): ("cloud_nat", "gateway_hour_max", ""),
    ("cloud_vpn", "HA/Classic VPN tunnel"): ("cloud_vpn", "tunnel_hour", ""),
    ("internet_egress_premium_tier", "internet egress to worldwide (excl. China, Australia)"):
        ("network", "internet_egress", "worldwide"),
    ("internet_egress_premium_tier", "internet egress to China"): ("network", "internet_egress", "china"),
    ("internet_egress_premium_tier", "internet egress to Australia"): ("network", "internet_egress", "australia"),
    ("cloud_storage", "STANDARD storage"): ("cloud_storage", "storage", "STANDARD"),
    ("cloud_storage", "NEARLINE storage"): ("cloud_storage", "storage", "NEARLINE"),
    ("cloud_storage", "COLDLINE storage"): ("cloud_storage", "storage", "COLDLINE"),
    ("cloud_storage", "ARCHIVE storage"): ("cloud_storage", "storage", "ARCHIVE"),
    ("cloud_storage", "NEARLINE data retrieval"): ("cloud_storage", "retrieval", "NEARLINE"),
    ("cloud_storage", "COLDLINE data retrieval"): ("cloud_storage", "retrieval", "COLDLINE"),
    ("cloud_storage", "ARCHIVE data retrieval"): ("cloud_storage", "retrieval", "ARCHIVE"),
    ("cloud_monitoring", "metric data ingested"): ("cloud_monitoring", "metric_ingestion", ""),
    ("cloud_load_balancing", "forwarding rule minimum service charge (first 5 rules, per LB)"):
        ("cloud_load_balancing", "forwarding_rule_hour", ""),
    ("cloud_load_balancing", "data processed by load balancer"): ("cloud_load_balancing", "data_processed", ""),
    ("cloud_nat", "NAT gateway, per assigned VM (first 32 VMs)"): ("cloud_nat", "vm_hour", ""),
}
UNIT_MAP = {"GiB-month": "GB-month", "GiB": "GB", "GB": "GB", "hour": "hour", "MiB": "MiB", "VM-hour": "VM-hour"}

# Inter-region VM-to-VM transfer by pair of geographies (infracost's service-networking fixture labels, Google
# VPC pricing): within one geography where Google lists a rate, else between continents.
INTER_REGION = {
    "North America": ("VM-to-VM egress: Traffic within the US or Canada", 0.02),
    "Europe": ("VM-to-VM egress: Traffic within Europe", 0.02),
    "Asia Pacific": ("VM-to-VM egress: Traffic within Asia", 0.08),
    "South America": ("VM-to-VM egress: Traffic within South America", 0.14),
    "Oceania": ("VM-to-VM egress: Traffic to/from Indonesia and Oceania", 0.10),
}
BETWEEN_CONTINENTS = ("VM-to-VM egress: Traffic between continents (excludes Oceania)", 0.08)

# Prices no stored source has, typed from Google's public pricing pages and flagged unverified. Cloud Run
# instance-based billing (tier 1) stands for always-on containers; Cloud Run functions bill requests, CPU and
# memory separately; Cloud Logging bills ingestion, 30 days of storage included.
MANUAL = [
    ("gke", "global", "cluster_hour", "", "hour", 0.10, None, None,
     "GKE cluster management fee per cluster (Standard edition); the monthly credit that offsets one zonal or "
     "Autopilot cluster per billing account is not applied"),
    ("cloud_run", "global", "vcpu_hour", "", "vCPU-hour", 0.0648, None, None,
     "instance-based billing, tier 1: $0.000018 per vCPU-second"),
    ("cloud_run", "global", "memory_gb_hour", "", "GB-hour", 0.0072, None, None,
     "instance-based billing, tier 1: $0.000002 per GiB-second"),
    ("cloud_run_functions", "global", "requests", "", "1M requests", 0.40, None, None,
     "request-based billing; first 2 million requests a month free"),
    ("cloud_run_functions", "global", "cpu", "", "vCPU-second", 0.000024, None, None,
     "request-based billing, tier 1; first 180,000 vCPU-seconds a month free"),
    ("cloud_run_functions", "global", "memory", "", "GB-second", 0.0000025, None, None,
     "request-based billing, tier 1; first 360,000 GiB-seconds a month free"),
    ("cloud_run_functions", "global", "free_tier_requests", "", "requests-month", 0.0, 0.0, 2_000_000.0,
     "always-free requests a month"),
    ("cloud_run_functions", "global", "free_tier_cpu", "", "vCPU-second", 0.0, 0.0, 180_000.0,
     "always-free vCPU-seconds a month"),
    ("cloud_run_functions", "global", "free_tier_memory", "", "GB-second-month", 0.0, 0.0, 360_000.0,
     "always-free GiB-seconds a month"),
    ("cloud_logging", "global", "ingestion", "", "GB", 0.50, None, None,
     "log ingestion; 30 days of retention included; first 50 GiB a project a month free"),
    ("cloud_logging", "global", "free_tier_ingestion", "", "GB", 0.0, 0.0, 50.0, "always-free ingestion a month"),
    ("cloud_monitoring", "global", "free_tier_metric_ingestion", "", "MiB", 0.0, 0.0, 150.0,
     "always-free chargeable metric ingestion a month (billing account)"),
]
MANUAL_INTER_ZONE = ("network", "global", "inter_zone", "", "GB", 0.01, None, None,
                     "VM-to-VM egress between zones of a region (internal IP); manual_services.csv")


def _source_id(source: str) -> str:
    """A short id for a source string of the shared tables."""
    if source.startswith("Cyclenerd"):
        return "gcp-cyclenerd-pricing-yml"
    if source.startswith("infracost"):
        test = re.search(r"testdata/([^/]+)/", source)
        return f"gcp-infracost-{test.group(1) if test else 'golden'}"
    return "gcp-manual-unverified"


INFRACOST_DATES = {
    "sql_database_instance_test": "2024-07-01", "redis_instance_test": "2024-07-01",
    "redis_cluster_test": "2025-07-04", "compute_forwarding_rule_test": "2024-07-01",
    "compute_target_grpc_proxy_test": "2024-07-01", "compute_router_nat_test": "2024-07-01",
    "compute_address_test": "2026-04-02", "service_networking_connection_test": "2024-07-01",
    "storage_bucket_test": "2024-07-01",
}


def _date(source_id: str) -> str:
    if source_id == "gcp-cyclenerd-pricing-yml":
        return CYCLENERD_DATE
    return INFRACOST_DATES.get(source_id.removeprefix("gcp-infracost-"), "")


def compute_tables(src: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """compute.csv -> (instance_specs, instance_prices) of Compute Engine."""
    c = pd.read_csv(src / "compute.csv")
    specs = c.drop_duplicates("machine_type").assign(
        service="compute", sku=lambda d: d.machine_type,
        generation=lambda d: np.where(d.family.isin(PREVIOUS), "previous", "current"),
        category=lambda d: d.machine_type.str.split("-").str[1].fillna(""),
        arch=lambda d: np.where(d.family.isin(ARM), "arm64", "x86_64"),
        gpu_count=lambda d: d.gpu_count.fillna(0).astype(int))
    specs = specs[["service", "sku", "family", "generation", "category", "vcpu", "memory_gib", "arch", "gpu_count"]]
    options = {"on_demand_usd_per_hour": ("on_demand", ""), "spot_usd_per_hour": ("spot", "may be preempted"),
               "cud_1y_usd_per_hour": ("reserved_1yr", ""), "cud_3y_usd_per_hour": ("reserved_3yr", "")}
    notes = {"on_demand": "list rate (the sustained_use option holds the full-month rate)",
             "reserved_1yr": "1-year resource-based committed use", "reserved_3yr": "3-year resource-based committed use",
             "spot": "Spot VM"}
    # the sustained-use rate of an instance running all month (the source's monthly price / 730 h)
    c = c.assign(sud_usd_per_hour=c.on_demand_with_sud_usd_per_month / HOURS_PER_MONTH)
    options["sud_usd_per_hour"] = ("sustained_use", "")
    notes["sustained_use"] = "full-month sustained-use rate (automatic; equals on demand where the family has none)"
    frames = []
    for col, (option, interruption) in options.items():
        rows = c[c[col].notna()]
        frames.append(pd.DataFrame({
            "region": rows.region, "service": "compute", "sku": rows.machine_type, "engine": "", "deployment": "",
            "option": option, "hourly_usd": rows[col].round(6), "upfront_usd": 0.0,
            "payment": "no-upfront" if option.startswith("reserved") else "", "interruption": interruption,
            "prices_as_of": CYCLENERD_DATE, "source_id": "gcp-cyclenerd-pricing-yml", "notes": notes[option]}))
    return specs, pd.concat(frames, ignore_index=True)


def database_tables(src: Path, compute: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Cloud SQL classes and Memorystore nodes: (specs, instance prices, Cloud SQL storage and backup rows)."""
    sql = pd.read_csv(src / "cloudsql.csv")
    sql = sql[sql.engine.isin(CLOUDSQL_ENGINES)]
    level = price_level(compute[compute.option == "on_demand"], REFERENCE)
    specs, prices, storage = [], [], []
    for (engine, availability), unit in sql.groupby(["engine", "availability"]):
        price = unit.set_index("item").usd_per_unit
        sid = _source_id(unit.source.iloc[0])
        for shape, gib in CLOUDSQL_GIB_PER_VCPU.items():
            for vcpu in CLOUDSQL_VCPUS:
                memory = vcpu * gib
                sku = f"db-custom-{vcpu}-{int(memory * 1024)}"
                specs.append(("cloudsql", sku, "db-custom", "current", shape, vcpu, memory, "x86_64", 0))
                hourly = vcpu * price["vcpu"] + memory * price["memory"]
                prices.append((sku, CLOUDSQL_ENGINES[engine], CLOUDSQL_DEPLOYMENT[availability], hourly, sid,
                               f"{vcpu} x {price['vcpu']:g} per vCPU-hour + {memory:g} GiB x {price['memory']:g} "
                               "per GiB-hour"))
        for item, (sku, vcpu, memory) in {"instance db-f1-micro (shared core)": ("db-f1-micro", 0.2, 0.6),
                                          "instance db-g1-small (shared core)": ("db-g1-small", 0.5, 1.7)}.items():
            specs.append(("cloudsql", sku, "db-shared", "current", "shared-core", vcpu, memory, "x86_64", 0))
            prices.append((sku, CLOUDSQL_ENGINES[engine], CLOUDSQL_DEPLOYMENT[availability], price[item], sid,
                           "shared core: no SLA"))
        dep = CLOUDSQL_DEPLOYMENT[availability]
        storage.append(("cloudsql", "storage", f"cloudsql/{dep}/ssd", "GB-month", price["storage_ssd"], sid))
        if dep == "single-az":
            storage.append(("cloudsql", "backup_storage", "cloudsql/any/backup", "GB-month", price["backup"], sid))
    mem = pd.read_csv(src / "memorystore.csv")
    nodes = mem[(mem["product"] == "Memorystore for Redis Cluster") & (mem["tier"] == "node")]
    for row in nodes.itertuples():
        sku, memory, vcpu = MEMORYSTORE_NODES[row.capacity_tier]
        specs.append(("memorystore", sku, "redis-cluster", "current", "", vcpu, memory, "x86_64", 0))
        prices.append((sku, "redis", "", row.usd_per_unit, _source_id(row.source), "Memorystore for Redis Cluster "
                       "node, replicas priced as nodes"))
    specs_df = pd.DataFrame(specs, columns=["service", "sku", "family", "generation", "category", "vcpu",
                                            "memory_gib", "arch", "gpu_count"]).drop_duplicates(["service", "sku"])
    base = pd.DataFrame(prices, columns=["sku", "engine", "deployment", "hourly_usd", "source_id", "notes"])
    base["service"] = np.where(base.engine == "redis", "memorystore", "cloudsql")
    out = []
    for region, scale in level.items():
        est = region != REFERENCE
        out.append(base.assign(
            region=region, hourly_usd=(base.hourly_usd * (scale if est else 1.0)).round(6),
            source_id=np.where(est, "estimate-gcp-scaled-by-compute", base.source_id),
            notes=(f"ESTIMATE from {REFERENCE} x {scale:.4f} (Compute Engine price level); " if est else "")
            + base.notes))
    inst = pd.concat(out, ignore_index=True).assign(option="on_demand", upfront_usd=0.0, payment="",
                                                    interruption="")
    inst["prices_as_of"] = [_date(s) if not s.startswith("estimate") else "" for s in inst.source_id]
    # an estimate carries the date of the price it scales
    ref_dates = {(r.sku, r.engine, r.deployment): _date(r.source_id) for r in base.itertuples()}
    est = inst.source_id.str.startswith("estimate")
    inst.loc[est, "prices_as_of"] = [ref_dates[k] for k in zip(inst.sku[est], inst.engine[est],
                                                                 inst.deployment[est])]
    # PostgreSQL and MySQL storage and backups cost the same: one row each
    store = pd.DataFrame(storage, columns=["service", "item", "dimension", "unit", "usd_per_unit", "source_id"])
    assert (store.groupby(["item", "dimension"]).usd_per_unit.nunique() == 1).all(), "engines' storage differs"
    store = store.drop_duplicates(["item", "dimension"])
    return specs_df, inst, store


def service_tables(src: Path, storage: pd.DataFrame, regions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """services.csv + manual figures -> (regional service prices, global rules and unverified prices)."""
    s = pd.read_csv(src / "services.csv", keep_default_na=False, na_values=[""])
    keep = []
    for row in s.itertuples(index=False):
        mapped = SERVICE_MAP.get((row.service, row.item))
        if mapped is None or row.region not in regions:
            continue
        sid = _source_id(row.source)
        keep.append({"service": mapped[0], "region": row.region, "item": mapped[1], "dimension": mapped[2],
                     "unit": UNIT_MAP[row.unit], "usd_per_unit": row.usd_per_unit, "tier_start": row.tier_start,
                     "tier_end": row.tier_end, "notes": "" if pd.isna(row.notes) else row.notes,
                     "prices_as_of": _date(sid), "source_id": sid})
    # where both sources price an item in a region, the newer price stands
    svc = (pd.DataFrame(keep).sort_values("prices_as_of", ascending=False, kind="stable")
           .drop_duplicates(["region", "service", "item", "dimension", "tier_start"]))
    # Cloud NAT bills per VM up to 32; the source gives each region's 32-VM maximum
    nat = svc[svc["item"] == "gateway_hour_max"].assign(
        item="vm_hour", unit="VM-hour", usd_per_unit=lambda d: (d.usd_per_unit / 32).round(6),
        notes="the region's NAT uptime charge for 32+ VMs / 32 (charged per VM up to 32)")
    svc = pd.concat([svc[svc["item"] != "vm_hour"], nat], ignore_index=True)
    # Cloud SQL storage and backups: us-central1 rows, other regions scaled by the pd-ssd price level
    ssd = svc[(svc["item"] == "pd_ssd")].set_index("region").usd_per_unit
    rows = []
    for region in regions:
        scale = ssd[region] / ssd[REFERENCE]
        for r in storage.itertuples(index=False):
            est = region != REFERENCE
            rows.append({"service": r.service, "region": region, "item": r.item, "dimension": r.dimension,
                         "unit": r.unit, "usd_per_unit": round(r.usd_per_unit * (scale if est else 1.0), 6),
                         "tier_start": np.nan, "tier_end": np.nan,
                         "notes": f"ESTIMATE from {REFERENCE} x {scale:.4f} (pd-ssd price level)" if est else "",
                         "prices_as_of": _date(r.source_id),
                         "source_id": "estimate-gcp-scaled-by-disk" if est else r.source_id})
    # the load balancer's forwarding rule and data processing: us-central1 only; same price elsewhere
    lb = svc[svc.service == "cloud_load_balancing"]
    for region in regions:
        if region != REFERENCE:
            rows += [dict(r._asdict(), region=region, source_id="estimate-gcp-same-as-us-central1",
                          notes=f"ESTIMATE: the {REFERENCE} price; no regional price in the sources")
                     for r in lb.itertuples(index=False)]
    # inter-region transfer to each other region, by the pair's geographies
    geo = {r[0]: r[2] for r in REGIONS}
    sid = "gcp-infracost-service_networking_connection_test"
    for a in regions:
        for b in regions:
            if a == b:
                continue
            label, usd = INTER_REGION.get(geo[a], BETWEEN_CONTINENTS) if geo[a] == geo[b] else BETWEEN_CONTINENTS
            if "Oceania" in (geo[a], geo[b]) or "asia-southeast2" in (a, b):
                label, usd = INTER_REGION["Oceania"]
            rows.append({"service": "network", "region": a, "item": "inter_region", "dimension": b, "unit": "GB",
                         "usd_per_unit": usd, "tier_start": np.nan, "tier_end": np.nan, "notes": label,
                         "prices_as_of": _date(sid), "source_id": sid})
    svc = pd.concat([svc, pd.DataFrame(rows)], ignore_index=True)
    cols = ["service", "region", "item", "dimension", "unit", "usd_per_unit", "tier_start", "tier_end", "notes"]
    manual = pd.DataFrame([*MANUAL, MANUAL_INTER_ZONE], columns=cols).assign(
        prices_as_of="", source_id="gcp-manual-unverified")
    ops = pd.DataFrame([
        ("cloud_storage", "global", "requests_class_a", "STANDARD", "1k requests", 0.005, None, None,
         "class A operations (writes, lists): $0.05 per 10,000 as priced for a US multi-region bucket"),
        ("cloud_storage", "global", "requests_class_b", "STANDARD", "1k requests", 0.0004, None, None,
         "class B operations (reads): $0.004 per 10,000 as priced for a US multi-region bucket"),
    ], columns=cols).assign(prices_as_of="2024-07-01", source_id="gcp-infracost-storage_bucket_test")
    return svc, pd.concat([manual, ops], ignore_index=True)


def region_table() -> pd.DataFrame:
    return pd.DataFrame(REGIONS, columns=["region", "name", "geography", "az_count"]).assign(
        source_id="gcp-region-list")


def cited_sources(source_ids: set[str]) -> pd.DataFrame:
    known = {
        "gcp-cyclenerd-pricing-yml": ("Cyclenerd/google-cloud-pricing-cost-calculator",
                                      "fd66b26ff84f", "pricing.yml", CYCLENERD_DATE, CYCLENERD_DATE,
                                      "generated by the project's CI from the Cloud Billing Catalog API"),
        "gcp-manual-unverified": ("", "", "", "", "", "well-known public list price, unverified: typed from "
                                  "Google's public pricing pages"),
        "gcp-region-list": ("", "", "", "", "", "region names, geographies and zone counts typed from Google's "
                            "public region list; unverified"),
        "estimate-gcp-scaled-by-compute": ("", "", "", "", "", "ESTIMATE: priced in us-central1 only; the "
                                           "us-central1 price scaled by the region's Compute Engine price level "
                                           "(median ratio of the on-demand prices of the machine types both regions "
                                           "offer)"),
        "estimate-gcp-scaled-by-disk": ("", "", "", "", "", "ESTIMATE: priced in us-central1 only; the "
                                        "us-central1 price scaled by the region's pd-ssd price / its us-central1 "
                                        "price"),
        "estimate-gcp-same-as-us-central1": ("", "", "", "", "", "ESTIMATE: priced in us-central1 only; that "
                                             "price is used unchanged"),
    }
    return sources_table(source_ids, known, "gcp-infracost-", "google", INFRACOST_DATES)


def build(src: Path) -> dict[str, tuple[str, pd.DataFrame]]:
    """Every GCP table: file name -> (kind, frame)."""
    specs, compute = compute_tables(src)
    db_specs, db_prices, db_storage = database_tables(src, compute)
    regions = sorted(compute.region.unique())
    svc, rules = service_tables(src, db_storage, regions)
    tables = {
        "instance_specs.csv": ("instance_specs", pd.concat([specs, db_specs], ignore_index=True)),
        "compute_on_demand.csv": ("instance_prices", compute[compute.option == "on_demand"]),
        "compute_committed_use_1yr.csv": ("instance_prices", compute[compute.option == "reserved_1yr"]),
        "compute_committed_use_3yr.csv": ("instance_prices", compute[compute.option == "reserved_3yr"]),
        "compute_spot.csv": ("instance_prices", compute[compute.option == "spot"]),
        "compute_sustained_use.csv": ("instance_prices", compute[compute.option == "sustained_use"]),
        "cloudsql_memorystore.csv": ("instance_prices", db_prices),
        "service_prices.csv": ("service_prices", svc),
        "service_rules.csv": ("service_prices", rules),
        "regions.csv": ("regions", region_table()),
    }
    used = set().union(*(set(df.source_id) for _, df in tables.values() if "source_id" in df))
    tables["sources.csv"] = ("sources", cited_sources(used))
    return tables
