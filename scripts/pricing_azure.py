"""Microsoft Azure price tables in the project's schema, from ``pricing-sources/azure`` (see its ``SOURCES.md``).

Linux pay-as-you-go VM prices cover 57 regions (no spot, reservation or savings-plan rates: the source has
none). Azure Database for PostgreSQL flexible server, Azure Cache for Redis, the load balancer, NAT gateway,
public IPs, Blob storage and managed disks are priced in one or a few regions; elsewhere they get flagged
ESTIMATE rows scaled by the region's VM price level, or copied where the item has one price everywhere.
Bandwidth, Container Apps, Functions, Azure Monitor and Traffic Manager prices no repository source has are
typed from Microsoft's public price pages and flagged unverified.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
from pricing_common import price_level, sources_table

VM_DATE = "2026-06-18"
RADAR_DATE = "2026-08-22"

# Region facts typed from Microsoft's public region list (display name, geography, availability zones: 3 where
# the region has zones, 1 where it has none); unverified.
REGIONS = [
    ("australiacentral", "Australia Central", "Asia Pacific", 1),
    ("australiacentral2", "Australia Central 2", "Asia Pacific", 1),
    ("australiaeast", "Australia East", "Asia Pacific", 3),
    ("australiasoutheast", "Australia Southeast", "Asia Pacific", 1),
    ("austriaeast", "Austria East", "Europe", 3), ("brazilsouth", "Brazil South", "South America", 3),
    ("brazilsoutheast", "Brazil Southeast", "South America", 1),
    ("canadacentral", "Canada Central", "North America", 3), ("canadaeast", "Canada East", "North America", 1),
    ("centralindia", "Central India", "Asia Pacific", 3), ("centralus", "Central US", "North America", 3),
    ("chilecentral", "Chile Central", "South America", 3), ("eastasia", "East Asia", "Asia Pacific", 3),
    ("eastus", "East US", "North America", 3), ("eastus2", "East US 2", "North America", 3),
    ("francecentral", "France Central", "Europe", 3), ("francesouth", "France South", "Europe", 1),
    ("germanynorth", "Germany North", "Europe", 1), ("germanywestcentral", "Germany West Central", "Europe", 3),
    ("indonesiacentral", "Indonesia Central", "Asia Pacific", 3),
    ("israelcentral", "Israel Central", "Middle East", 3), ("italynorth", "Italy North", "Europe", 3),
    ("japaneast", "Japan East", "Asia Pacific", 3), ("japanwest", "Japan West", "Asia Pacific", 3),
    ("jioindiacentral", "Jio India Central", "Asia Pacific", 1),
    ("jioindiawest", "Jio India West", "Asia Pacific", 1), ("koreacentral", "Korea Central", "Asia Pacific", 3),
    ("koreasouth", "Korea South", "Asia Pacific", 1), ("malaysiawest", "Malaysia West", "Asia Pacific", 3),
    ("mexicocentral", "Mexico Central", "North America", 3),
    ("newzealandnorth", "New Zealand North", "Asia Pacific", 3),
    ("northcentralus", "North Central US", "North America", 1), ("northeurope", "North Europe", "Europe", 3),
    ("norwayeast", "Norway East", "Europe", 3), ("norwaywest", "Norway West", "Europe", 1),
    ("polandcentral", "Poland Central", "Europe", 3), ("qatarcentral", "Qatar Central", "Middle East", 3),
    ("southafricanorth", "South Africa North", "Africa", 3),
    ("southafricawest", "South Africa West", "Africa", 1),
    ("southcentralus", "South Central US", "North America", 3),
    ("southeastasia", "Southeast Asia", "Asia Pacific", 3), ("southindia", "South India", "Asia Pacific", 1),
    ("spaincentral", "Spain Central", "Europe", 3), ("swedencentral", "Sweden Central", "Europe", 3),
    ("swedensouth", "Sweden South", "Europe", 1), ("switzerlandnorth", "Switzerland North", "Europe", 3),
    ("switzerlandwest", "Switzerland West", "Europe", 1), ("uaecentral", "UAE Central", "Middle East", 1),
    ("uaenorth", "UAE North", "Middle East", 3), ("uksouth", "UK South", "Europe", 3),
    ("ukwest", "UK West", "Europe", 1), ("westcentralus", "West Central US", "North America", 1),
    ("westeurope", "West Europe", "Europe", 3), ("westindia", "West India", "Asia Pacific", 1),
    ("westus", "West US", "North America", 1), ("westus2", "West US 2", "North America", 3),
    ("westus3", "West US 3", "North America", 3),
]

GEOGRAPHY = {r[0]: r[2] for r in REGIONS}
AMERICAS = {"North America", "South America"}

# Azure Database for PostgreSQL flexible server classes built from the source's per-vCore prices (westus):
# General Purpose Ddsv5 (4 GiB per vCore) at the GP_Standard_D2ds_v5 rate, Memory Optimized (8 GiB per vCore) at
# the MO_Standard_E4s_v3 rate, and the burstable B1ms. B2ms is left out: the source flags its price as
# implausible (8x B1ms).
FLEX_VCORES = (2, 4, 8, 16, 32, 48, 64, 96)
FLEX_SHAPES = {
    "GP_Standard_D{n}ds_v5": ("compute GP_Standard_D2ds_v5 (2 vCore)", 2, 4.0, "general-purpose"),
    "MO_Standard_E{n}ds_v5": ("compute MO_Standard_E4s_v3 (4 vCore)", 4, 8.0, "memory-optimized"),
}

# Azure Cache for Redis Premium nodes (a Premium cache runs a primary and a replica per shard, both billed):
# memory from the source's item names; vCPUs typed from Microsoft's cache-size table (unverified).
REDIS_NODES = {
    "Premium P1 (6 GB), per node": ("Premium_P1", 6.0, 2.0),
    "Premium P2 (13 GB), per node": ("Premium_P2", 13.0, 4.0),
    "Premium P3 (26 GB), per node": ("Premium_P3", 26.0, 4.0),
}

# Items priced in one region and copied unchanged to the others (flagged): prices Azure sets per item.
SAME_EVERYWHERE = {
    ("load_balancer", "rules_hour"), ("load_balancer", "data_processed"), ("nat_gateway", "gateway_hour"),
    ("nat_gateway", "data_processed"), ("public_ip", "static_ipv4_hour"),
}

# Bandwidth between regions (Microsoft's bandwidth page, zone 1 source): within North America or Europe,
# else between continents; pairs within other continents are priced at the intercontinental rate and flagged.
INTER_REGION = {"North America": 0.02, "Europe": 0.02}
BETWEEN_CONTINENTS = 0.05

# Prices no repository source has, typed from Microsoft's public pricing pages (eastus) and flagged unverified.
MANUAL = [
    ("aks", "global", "cluster_hour_standard", "", "hour", 0.10, None, None,
     "AKS Standard tier per cluster (the tier with the financially backed uptime SLA; the Free tier has no "
     "control-plane charge and no SLA)"),
    ("container_apps", "global", "vcpu_hour", "", "vCPU-hour", 0.0864, None, None,
     "Consumption plan, active usage: $0.000024 per vCPU-second"),
    ("container_apps", "global", "memory_gb_hour", "", "GB-hour", 0.0108, None, None,
     "Consumption plan, active usage: $0.000003 per GiB-second"),
    ("functions", "global", "executions", "", "1M requests", 0.20, None, None,
     "Consumption plan; first 1 million executions a month free"),
    ("functions", "global", "execution_time", "", "GB-second", 0.000016, None, None,
     "Consumption plan; first 400,000 GB-seconds a month free"),
    ("functions", "global", "free_tier_executions", "", "requests-month", 0.0, 0.0, 1_000_000.0,
     "always-free executions a month"),
    ("functions", "global", "free_tier_execution_time", "", "GB-second-month", 0.0, 0.0, 400_000.0,
     "always-free GB-seconds a month"),
    ("log_analytics", "global", "ingestion", "", "GB", 2.30, None, None,
     "Analytics logs, pay-as-you-go; 31 days of retention included; first 5 GB a month free"),
    ("log_analytics", "global", "free_tier_ingestion", "", "GB", 0.0, 0.0, 5.0, "always-free ingestion a month"),
    ("azure_monitor", "global", "custom_metric_samples", "", "1M samples", 0.016, None, None,
     "custom metrics: $0.16 per 10 million samples ingested"),
    ("azure_monitor", "global", "metric_alert", "", "alarm-month", 0.10, None, None,
     "metric alert rule: $0.10 per monitored time series a month"),
    ("traffic_manager", "global", "health_check", "", "check-month", 0.36, None, None,
     "health checks of Azure endpoints, per endpoint a month"),
]


def _source_id(source: str) -> str:
    if source.startswith("karpenter-azure"):
        return "azure-karpenter-pricing"
    if source.startswith("andy-diericks") or "radar" in source:
        return "azure-pricing-radar"
    if source.startswith("infracost"):
        test = re.search(r"testdata/([^/]+)/", source)
        return f"azure-infracost-{test.group(1) if test else 'golden'}"
    return "azure-manual-unverified"


INFRACOST_DATES = {
    "postgresql_flexible_server_test": "2025-07-04", "redis_cache_test": "2024-07-01",
    "nat_gateway_test": "2024-07-01", "lb_test": "2024-07-01", "virtual_network_peering_test": "2024-07-01",
    "managed_disk_test": "2024-07-01", "lb_rule_v2_test": "2024-08-30", "public_ip_test": "2026-04-03",
    "application_gateway_test": "2026-03-30",
}


def _date(source_id: str) -> str:
    return {"azure-karpenter-pricing": VM_DATE, "azure-pricing-radar": RADAR_DATE}.get(
        source_id, INFRACOST_DATES.get(source_id.removeprefix("azure-infracost-"), ""))


def _generation(size: str) -> str:
    """Current: v5 and later, the v2 burstables; previous: everything older."""
    version = re.search(r"_v(\d+)", size)
    return "current" if version and int(version.group(1)) >= (2 if size.startswith("Standard_B") else 5) \
        else "previous"


def vm_tables(src: Path) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """vm.csv -> (instance_specs, on-demand prices, price rows dropped for want of specs)."""
    v = pd.read_csv(src / "vm.csv")
    has_spec = v.vcpu.notna() & v.memory_gib.notna() & (v.vcpu > 0) & (v.memory_gib > 0)
    dropped = int((~has_spec).sum())
    v = v[has_spec]
    specs = v.drop_duplicates("vm_size").assign(
        service="vm", sku=lambda d: d.vm_size, family=lambda d: d.family.fillna(""),
        generation=lambda d: d.vm_size.map(_generation),
        category=lambda d: d.vm_size.str.extract(r"^(?:Standard|Basic)_([A-Z]+)", expand=False).fillna(""),
        # Azure size names mark Arm (Ampere, Cobalt) with a "p" among the letters after the vCPU count
        arch=lambda d: np.where(d.vm_size.str.match(r"^Standard_[A-Z]+\d+[a-z]*p[a-z]*_v\d"), "arm64", "x86_64"),
        gpu_count=lambda d: np.where(d.vm_size.str.match(r"^Standard_N"), 1, 0))
    specs = specs[["service", "sku", "family", "generation", "category", "vcpu", "memory_gib", "arch", "gpu_count"]]
    notes = {"as_published": "", "checked_linux": "Linux price checked against a reference region",
             "corrected_prior_version_linux_price": "Linux price from the 2026-04/06 file (Windows meter in the "
                                                    "newest)",
             "corrected_minus_windows_premium": "Windows meter in the source less the Windows premium"}
    prices = pd.DataFrame({
        "region": v.region, "service": "vm", "sku": v.vm_size, "engine": "", "deployment": "", "option": "on_demand",
        "hourly_usd": v.on_demand_usd_per_hour, "upfront_usd": 0.0, "payment": "", "interruption": "",
        "prices_as_of": VM_DATE, "source_id": "azure-karpenter-pricing", "notes": v.price_check.map(notes)})
    return specs, prices, dropped


def _spread(rows: pd.DataFrame, regions: list[str], level: pd.Series, reference: str, rule: str,
            note: str) -> pd.DataFrame:
    """``rows`` priced in ``reference`` copied to every region that has none of its own: scaled by the VM price
    level (``rule`` estimate-azure-scaled-by-vm) or unchanged (estimate-azure-same-as-reference)."""
    out = [rows]
    have = set(rows.region)
    ref = rows[rows.region == reference]
    for region in regions:
        if region in have:
            continue
        scale = level[region] / level[reference] if rule.endswith("scaled-by-vm") else 1.0
        out.append(ref.assign(region=region, source_id=rule,
                              **{c: (ref[c] * scale).round(6) for c in ("hourly_usd", "usd_per_unit") if c in ref},
                              notes=f"ESTIMATE from {reference}" + (f" x {scale:.4f} ({note})" if scale != 1 else
                                                                   f" ({note})")))
    return pd.concat(out, ignore_index=True)


def database_tables(src: Path, vm: pd.DataFrame, regions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame,
                                                                               pd.DataFrame]:
    """Flexible server classes and Redis nodes: (specs, instance prices, flexible server storage and backups)."""
    s = pd.read_csv(src / "services.csv")
    flex = s[s.service == "postgresql_flexible_server"]
    specs, rows = [], []
    for region, items in flex.groupby("region"):
        price = items.set_index("item").usd_per_unit
        sid = _source_id(items.source.iloc[0])
        for pattern, (item, n0, gib, category) in FLEX_SHAPES.items():
            if item not in price:
                continue
            per_vcore = price[item] / n0
            for n in FLEX_VCORES:
                sku = pattern.format(n=n)
                specs.append(("postgresql_flexible", sku, pattern.split("_")[0], "current", category, n, n * gib,
                              "x86_64", 0))
                rows.append((region, sku, n * per_vcore, sid, f"{n} vCores x {per_vcore:.5g} per vCore-hour "
                             f"({item.removeprefix('compute ')} rate)"))
        if "compute B_Standard_B1ms" in price:
            specs.append(("postgresql_flexible", "B_Standard_B1ms", "B", "current", "burstable", 1, 2.0,
                          "x86_64", 0))
            rows.append((region, "B_Standard_B1ms", price["compute B_Standard_B1ms"], sid, "burstable"))
    base = pd.DataFrame(rows, columns=["region", "sku", "hourly_usd", "source_id", "notes"]).assign(
        service="postgresql_flexible", engine="postgresql")
    redis = s[s.service == "azure_cache_for_redis"]
    for r in redis.itertuples():
        if r.item in REDIS_NODES:
            sku, memory, vcpu = REDIS_NODES[r.item]
            specs.append(("redis_cache", sku, "premium", "current", "premium", vcpu, memory, "x86_64", 0))
            base = pd.concat([base, pd.DataFrame([{
                "region": r.region, "sku": sku, "hourly_usd": r.usd_per_unit, "source_id": _source_id(r.source),
                "notes": "per node; a Premium cache runs a primary and a replica per shard", "service": "redis_cache",
                "engine": "redis"}])], ignore_index=True)
    base["prices_as_of"] = base.source_id.map(_date)  # an estimate keeps the date of the price it scales
    level = price_level(vm, "westus")
    spread = []
    for (service, sku), one in base.groupby(["service", "sku"]):
        reference = "westus" if "westus" in set(one.region) else "eastus"
        spread.append(_spread(one, regions, level, reference, "estimate-azure-scaled-by-vm", "VM price level"))
    inst = pd.concat(spread, ignore_index=True)
    # zone-redundant HA bills a standby of the same size (Azure docs, "High availability": compute and storage
    # of the standby are billed like the primary's)
    single = inst.assign(deployment=np.where(inst.service == "postgresql_flexible", "single-az", ""))
    # the Burstable tier offers no high availability (Azure docs, "High availability concepts")
    ha = inst[(inst.service == "postgresql_flexible") & ~inst.sku.str.startswith("B_")].assign(
        deployment="multi-az", hourly_usd=lambda d: (d.hourly_usd * 2).round(6),
        notes=lambda d: d.notes + "; zone-redundant HA: primary + standby")
    inst = pd.concat([single, ha], ignore_index=True).assign(option="on_demand", upfront_usd=0.0, payment="",
                                                             interruption="")
    specs_df = pd.DataFrame(specs, columns=["service", "sku", "family", "generation", "category", "vcpu",
                                            "memory_gib", "arch", "gpu_count"]).drop_duplicates(["service", "sku"])
    storage = []
    for r in flex[flex["item"].str.startswith(("storage", "additional backup"))].itertuples():
        backup = r.item.startswith("additional backup")
        for dep, copies in ((("any", 1),) if backup else (("single-az", 1), ("multi-az", 2))):
            storage.append({"service": "postgresql_flexible", "region": r.region,
                            "item": "backup_storage" if backup else "storage",
                            "dimension": f"flexible/{dep}/{'backup' if backup else 'premium-ssd'}", "unit": "GB-month",
                            "usd_per_unit": r.usd_per_unit * copies, "tier_start": np.nan, "tier_end": np.nan,
                            "notes": "zone-redundant HA: primary + standby storage" if copies == 2 else "",
                            "prices_as_of": _date(_source_id(r.source)), "source_id": _source_id(r.source)})
    st = pd.DataFrame(storage)
    st = pd.concat([_spread(g, regions, level, "westus", "estimate-azure-scaled-by-vm", "VM price level")
                    for _, g in st.groupby(["item", "dimension"])], ignore_index=True)
    return specs_df, inst, st


def service_tables(src: Path, vm: pd.DataFrame, regions: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Regional service prices (root disks, Blob, load balancer, NAT, public IPs, bandwidth) and global rules."""
    s = pd.read_csv(src / "services.csv", keep_default_na=False, na_values=[""])
    m = pd.read_csv(src / "manual_services.csv", keep_default_na=False, na_values=[""])
    level = price_level(vm, "eastus")
    cols = ["service", "region", "item", "dimension", "unit", "usd_per_unit", "tier_start", "tier_end", "notes",
            "prices_as_of", "source_id"]

    def pick(frame: pd.DataFrame, service: str, item: str, new_item: str, unit: str, scale: float = 1.0,
             note: str = "", dimension: str = "", new_service: str | None = None) -> pd.DataFrame:
        rows = frame[(frame.service == service) & (frame["item"] == item)]
        sid = rows.source.map(_source_id)
        return pd.DataFrame({"service": new_service or service, "region": rows.region, "item": new_item,
                             "dimension": dimension, "unit": unit, "usd_per_unit": (rows.usd_per_unit * scale).round(8),
                             "tier_start": rows.tier_start, "tier_end": rows.tier_end,
                             "notes": note or rows.notes.fillna(""), "prices_as_of": sid.map(_date),
                             "source_id": sid})[cols]

    parts = [
        pick(s, "managed_disk", "Premium SSD P4 LRS", "os_disk", "GB-month", 1 / 32,
             "Premium SSD P4 (32 GiB) disk price / 32: an OS disk is billed as a whole P4", new_service="managed_disk"),
        pick(s, "blob_storage", "Block blob (GPv2) Hot LRS data stored", "storage_hot_lrs", "GB-month",
             note="Hot LRS, first tier assumed (the source cannot tell the tiers apart)"),
        pick(s, "blob_storage", "Block blob (GPv2) Hot LRS Write Operations", "write_operations", "1k requests",
             0.1, "$ per 10,000 / 10"),
        pick(s, "blob_storage", "Block blob (GPv2) Hot Read Operations", "read_operations", "1k requests", 0.1,
             "$ per 10,000 / 10"),
        pick(s, "load_balancer", "Standard LB data processed", "data_processed", "GB"),
        pick(s, "nat_gateway", "NAT gateway", "gateway_hour", "hour"),
        pick(s, "nat_gateway", "NAT data processed", "data_processed", "GB"),
        pick(s, "public_ip", "public IPv4 static, regional (Standard)", "static_ipv4_hour", "hour"),
        pick(m, "load_balancer", "Standard LB, first 5 rules (aggregate)", "rules_hour", "hour"),
        pick(m, "nat_gateway", "NAT gateway", "gateway_hour", "hour"),
        pick(m, "nat_gateway", "NAT data processed", "data_processed", "GB"),
    ]
    svc = pd.concat(parts, ignore_index=True)
    svc = (svc.sort_values("prices_as_of", ascending=False, kind="stable")
           .drop_duplicates(["region", "service", "item", "dimension", "tier_start"]))
    spread = []
    for (service, item), g in svc.groupby(["service", "item"]):
        reference = "eastus" if "eastus" in set(g.region) else "westeurope"
        if (service, item) in SAME_EVERYWHERE:
            spread.append(_spread(g, regions, level, reference, "estimate-azure-same-as-reference",
                                  "one price in every region the sources cover"))
        else:
            spread.append(_spread(g, regions, level, reference, "estimate-azure-scaled-by-vm", "VM price level"))
    svc = pd.concat(spread, ignore_index=True)
    geo = GEOGRAPHY
    # internet egress: the zone 1 (North America, Europe) tiers; other zones cost more, so there they are flagged
    bw = m[m.service == "bandwidth"]
    egress = bw[bw["item"] == "internet egress (Microsoft global network routing)"]
    rows = []
    for region in regions:
        zone1 = geo[region] in ("North America", "Europe")
        for e in egress.itertuples():
            rows.append({"service": "bandwidth", "region": region, "item": "internet_egress", "dimension": "",
                         "unit": "GB", "usd_per_unit": e.usd_per_unit, "tier_start": e.tier_start,
                         "tier_end": e.tier_end,
                         "notes": ("zone 1" if zone1 else "ESTIMATE: zone 1 tiers; this region's zone costs more")
                         + ("; first 100 GB a month free" if e.usd_per_unit == 0 else ""),
                         "prices_as_of": "", "source_id": "azure-manual-unverified" if zone1 else
                         "estimate-azure-zone1-bandwidth"})
        for other in regions:
            if other == region:
                continue
            within = geo[region] == geo[other] and geo[region] in INTER_REGION
            known = within or geo[region] in ("North America", "Europe")
            usd = INTER_REGION[geo[region]] if within else BETWEEN_CONTINENTS
            rows.append({"service": "bandwidth", "region": region, "item": "inter_region", "dimension": other,
                         "unit": "GB", "usd_per_unit": usd, "tier_start": np.nan, "tier_end": np.nan,
                         "notes": ("within " + geo[region] if within else "between continents")
                         + ("" if known else "; ESTIMATE: the zone 1 intercontinental rate"),
                         "prices_as_of": "", "source_id": "azure-manual-unverified" if known else
                         "estimate-azure-zone1-bandwidth"})
    svc = pd.concat([svc, pd.DataFrame(rows)], ignore_index=True)
    manual = pd.DataFrame(MANUAL, columns=cols[:-2]).assign(prices_as_of="", source_id="azure-manual-unverified")
    return svc[cols], manual[cols]


def region_table(regions: list[str]) -> pd.DataFrame:
    out = pd.DataFrame(REGIONS, columns=["region", "name", "geography", "az_count"])
    return out[out.region.isin(regions)].assign(source_id="azure-region-list")


def cited_sources(source_ids: set[str]) -> pd.DataFrame:
    known = {
        "azure-karpenter-pricing": ("Azure/karpenter-provider-azure", "2b431da153a6",
                                    "pkg/providers/pricing/zz_generated.pricing.go", VM_DATE, VM_DATE,
                                    "Linux on-demand prices from the Azure Retail Prices API; Cloud Services "
                                    "meters corrected (see SOURCES.md)"),
        "azure-pricing-radar": ("andy-diericks/azure-pricing-radar", "cf741f25c507", "data/latest/*.json",
                                RADAR_DATE, RADAR_DATE, "raw Retail Prices API items (storage, disks)"),
        "azure-manual-unverified": ("", "", "", "", "", "well-known public list price, unverified: typed from "
                                    "Microsoft's public pricing pages"),
        "azure-region-list": ("", "", "", "", "", "region names, geographies and zone counts typed from "
                              "Microsoft's public region list; unverified"),
        "estimate-azure-scaled-by-vm": ("", "", "", "", "", "ESTIMATE: priced in one region only; that price "
                                        "scaled by the region's VM price level (median ratio of the Linux "
                                        "on-demand prices of the sizes both regions offer)"),
        "estimate-azure-same-as-reference": ("", "", "", "", "", "ESTIMATE: priced in one region only; that "
                                             "price is used unchanged (the item has one price wherever priced)"),
        "estimate-azure-zone1-bandwidth": ("", "", "", "", "", "ESTIMATE: bandwidth of a region outside zone 1 "
                                           "(North America, Europe) at zone 1 rates; its own zone costs more"),
    }
    return sources_table(source_ids, known, "azure-infracost-", "azure", INFRACOST_DATES)


def build(src: Path) -> dict[str, tuple[str, pd.DataFrame]]:
    """Every Azure table: file name -> (kind, frame)."""
    specs, vm, _ = vm_tables(src)
    regions = sorted(vm.region.unique())
    db_specs, db_prices, db_storage = database_tables(src, vm, regions)
    svc, rules = service_tables(src, vm, regions)
    tables = {
        "instance_specs.csv": ("instance_specs", pd.concat([specs, db_specs], ignore_index=True)),
        # two files (each under 5 MB): the Americas, and the rest of the world
        "vm_on_demand_americas.csv": ("instance_prices", vm[vm.region.map(GEOGRAPHY).isin(AMERICAS)]),
        "vm_on_demand_world.csv": ("instance_prices", vm[~vm.region.map(GEOGRAPHY).isin(AMERICAS)]),
        "database_cache.csv": ("instance_prices", db_prices),
        "service_prices.csv": ("service_prices", pd.concat([svc, db_storage], ignore_index=True)),
        "service_rules.csv": ("service_prices", rules),
        "regions.csv": ("regions", region_table(regions)),
    }
    used = set().union(*(set(df.source_id) for _, df in tables.values() if "source_id" in df))
    tables["sources.csv"] = ("sources", cited_sources(used))
    return tables
