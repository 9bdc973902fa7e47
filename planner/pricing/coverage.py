"""What the planner needs from the price book in every region, and where it is missing.

The sizing model chooses among whatever SKUs a region offers, so the needs are
capabilities (a current-generation x86 and Graviton type, a database class
large enough for a big hot set, ...) plus the service items every plan prices.
``planner prices validate`` reports gaps; a test asserts there are none in the
bundled tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from planner.clouds import CloudCatalog, PriceRef, catalog_for
from planner.pricing.book import PriceBook

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class InstanceNeed:
    """At least one SKU of ``service`` (engine, deployment) with this much hardware, on demand."""

    service: str
    engine: str
    deployment: str
    min_vcpu: float
    min_memory_gib: float
    arch: str | None
    why: str
    role: str  # the architecture role it serves (see ROLES)


# the architecture role each catalog price reference serves (what `planner prices coverage` reports on)
ROLE_OF_PRICE = {
    "root_volume": "block storage", "lb_hour": "load balancer", "lb_capacity": "load balancer",
    "public_ip": "public address", "nat_hour": "NAT", "nat_data": "NAT", "inter_az": "network transfer",
    "inter_region": "network transfer", "egress": "network transfer", "object_storage": "object storage",
    "object_writes": "object storage", "object_reads": "object storage", "log_ingest": "monitoring",
    "log_storage": "monitoring", "alarms": "monitoring", "metrics": "monitoring",
    "dns_health_check": "DR failover DNS", "container_vcpu": "containers", "container_memory": "containers",
    "function_requests": "functions", "function_duration": "functions", "function_cpu": "functions",
    "function_provisioned": "functions",
    "api_requests": "functions", "k8s_control_plane": "Kubernetes", "cdn_egress": "CDN", "cdn_requests": "CDN",
    "queue_requests": "queues and streams",
    "stream_shard": "queues and streams", "stream_payload": "queues and streams", "waf_acl": "edge security",
    "waf_rules": "edge security", "waf_requests": "edge security", "secrets": "secrets and keys",
    "secrets_api": "secrets and keys", "kms_keys": "secrets and keys", "kms_requests": "secrets and keys",
    **{role: "key-value store" for role in ("kv_read_requests", "kv_write_requests", "kv_read_capacity",
                                            "kv_write_capacity", "kv_replicated_requests", "kv_replicated_capacity",
                                            "kv_storage", "kv_backup", "kv_backup_copy")},
}
ROLES = ("VM fleet", "one big VM", "containers", "functions", "database", "cache", "load balancer", "NAT",
         "network transfer", "object storage", "block storage", "monitoring", "public address", "DR failover DNS",
         "CDN", "queues and streams", "edge security", "secrets and keys", "key-value store", "Kubernetes")
LISTED, ESTIMATED, MISSING = "listed", "estimated", "missing"


def instance_needs(catalog: CloudCatalog) -> tuple[InstanceNeed, ...]:
    """What the sizing model needs to find in every region: fleet types, a large single VM, small and large
    database classes of each engine and deployment, small and large cache nodes. (Arm types are a choice
    where a region has them, not a need.)"""
    vm = catalog.compute_service
    needs = [InstanceNeed(vm, "", "", 2, 4, None, "horizontal option, fleet instance types", "VM fleet")]
    needs.append(InstanceNeed(vm, "", "", 64, 256, None, "vertical option, a large single instance", "one big VM"))
    for v in catalog.databases:
        if v.optional:
            continue
        for engine in [e for e in ("postgresql", "mysql") if e in v.engine]:
            for deployment in ("single-az", "multi-az"):
                for vcpu, mem in ((2, 1), (16, 64)):
                    needs.append(InstanceNeed(v.service, v.engine[engine], v.deployment[deployment], vcpu, mem,
                                              None, f"database {engine} {deployment}", "database"))
    needs += [InstanceNeed(catalog.cache_service, "redis", "", 2, 0.5, None, "cache, small node", "cache"),
              InstanceNeed(catalog.cache_service, "redis", "", 2, 25, None, "cache, large node for sharding",
                           "cache")]
    return tuple(needs)


def service_needs(catalog: CloudCatalog) -> tuple[tuple[str, str, str, str], ...]:
    """(role, service, item, dimension) of every service price the cloud's plans use (placeholders filled with
    each value they take; the inter-region transfer, priced per pair of regions, is left to the plans)."""
    out = []
    for name, ref in catalog.prices.items():
        if ref is None or name == "inter_region":
            continue
        values = {"arch": catalog.architectures, "queue": ("standard", "fifo"),
                  "geography": sorted({catalog.edge_geography(r) for r in catalog.dr_regions})}
        fills = [{}]
        for placeholder, each in values.items():
            if "{" + placeholder + "}" in ref.dimension:
                fills = [{**f, placeholder: v} for f in fills for v in each]
        out += [(ROLE_OF_PRICE[name], *_key(ref.formatted(**f))) for f in fills]
    for c in catalog.object_classes.values():
        out += [("object storage", *_key(ref)) for ref in (c.storage, c.reads, c.retrieval, c.transition) if ref]
    for v in catalog.databases:
        if v.optional:
            continue
        for ref in [*v.storage_ref.values(), v.backup_ref]:
            if ref is not None:
                engine = next(iter(v.engine.values()))
                out.append(("database", *_key(ref.formatted(volume="gp3", engine=engine))))
    return tuple(dict.fromkeys(out))


def _key(ref: PriceRef) -> tuple[str, str, str]:
    return ref.service, ref.item, ref.dimension


def coverage_gaps(book: PriceBook, cloud: str = "aws") -> list[str]:
    """One message per (region, need) the price book cannot serve; empty when complete."""
    return [f"{region}: {what}" for region, _, what in _gaps(book, cloud)]


def _gaps(book: PriceBook, cloud: str) -> list[tuple[str, str, str]]:
    """(region, role, what) for every need of the cloud's catalog the book cannot serve."""
    catalog = catalog_for(cloud)
    gaps: list[tuple[str, str, str]] = []
    prices = book.instance_prices
    specs = book.specs[book.specs.cloud == cloud]
    on_demand = prices[(prices.cloud == cloud) & (prices.option == "on_demand")].merge(
        specs[["service", "sku", "vcpu", "memory_gib", "arch", "generation"]], on=["service", "sku"]
    )
    regions = list(book.regions(cloud).region)
    for need in instance_needs(catalog):
        fit = on_demand[
            (on_demand.service == need.service) & (on_demand.engine == need.engine)
            & (on_demand.deployment == need.deployment) & (on_demand.generation == "current")
            & (on_demand.vcpu >= need.min_vcpu) & (on_demand.memory_gib >= need.min_memory_gib)
        ]
        if need.arch:
            fit = fit[fit.arch == need.arch]
        for region in sorted(set(regions) - set(fit.region)):
            arch = f", {need.arch}" if need.arch else ""
            gaps.append((region, need.role, f"no {need.service} SKU for {need.why} (>= {need.min_vcpu:g} vCPU, "
                                            f">= {need.min_memory_gib:g} GiB{arch})"))
    s = book.service_prices[book.service_prices.cloud == cloud]
    have = set(s[["region", "service", "item", "dimension"]].drop_duplicates().itertuples(index=False, name=None))
    for role, service, item, dimension in service_needs(catalog):
        for region in regions:
            if (region, service, item, dimension) not in have and ("global", service, item, dimension) not in have:
                gaps.append((region, role, f"no price for {service} {item}{' ' + dimension if dimension else ''}"))
    return gaps




def coverage(book: PriceBook, cloud: str = "aws", region: str | None = None) -> pd.DataFrame:
    """Per region (or only ``region``) and architecture role: ``listed`` (every price it needs is in the book),
    ``estimated`` (some are flagged estimates scaled from another region) or ``missing`` (some price is absent:
    a plan there says which and cannot recommend the options that need it), with the prices concerned in
    ``detail``. An unknown cloud or region is named with close matches."""
    import pandas as pd

    regions = list(book.regions(cloud).region)
    if region is not None:
        book.check_region(cloud, region)
        regions = [region]
    missing: dict[tuple[str, str], list[str]] = {}
    for gap_region, role, what in _gaps(book, cloud):
        missing.setdefault((gap_region, role), []).append(what)
    s = book.service_prices[book.service_prices.cloud == cloud]
    estimated: dict[tuple[str, str], list[str]] = {}
    wanted = {(svc, item, dim): role for role, svc, item, dim in service_needs(catalog_for(cloud))}
    flagged = s[s.source_id.str.startswith("estimate")]
    for r in flagged.itertuples(index=False):
        role = wanted.get((r.service, r.item, r.dimension))
        if role:
            estimated.setdefault((r.region, role), []).append(f"{r.service} {r.item}")
    # instance prices scaled from another region (a database or cache priced in one region only)
    p = book.instance_prices
    scaled = p[(p.cloud == cloud) & (p.option == "on_demand") & p.source_id.str.startswith("estimate")]
    roles = {n.service: n.role for n in instance_needs(catalog_for(cloud)) if n.role in ("database", "cache")}
    for (r, service), _ in scaled.groupby(["region", "service"]):
        if service in roles:
            estimated.setdefault((r, roles[service]), []).append(f"{service} classes")
    rows = []
    for region in regions:
        for role in ROLES:
            if (region, role) in missing:
                status, detail = MISSING, missing[(region, role)]
            elif (region, role) in estimated:
                status, detail = ESTIMATED, estimated[(region, role)]
            else:
                status, detail = LISTED, []
            rows.append({"cloud": cloud, "region": region, "role": role, "status": status,
                         "detail": "; ".join(sorted(set(detail)))})
    return pd.DataFrame(rows)


def coverage_by_role(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`coverage` table read role by role: in how many regions it is listed, and the regions where it
    is estimated or missing."""
    import pandas as pd

    def regions_with(role: str, status: str) -> str:
        names = table.region[(table.role == role) & (table.status == status)].tolist()
        return f"{len(names)}: {', '.join(names)}" if names else "—"

    return pd.DataFrame([{"role": role, "listed in": int(((table.role == role) & (table.status == LISTED)).sum()),
                          "estimated in": regions_with(role, ESTIMATED), "missing in": regions_with(role, MISSING)}
                         for role in ROLES])

