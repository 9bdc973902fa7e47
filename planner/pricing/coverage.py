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


INSTANCE_NEEDS: tuple[InstanceNeed, ...] = (
    InstanceNeed("ec2", "", "", 2, 4, "x86_64", "horizontal option, x86 instance types", "VM fleet"),
    InstanceNeed("ec2", "", "", 2, 4, "arm64", "horizontal option, Graviton instance types", "VM fleet"),
    InstanceNeed("ec2", "", "", 64, 256, None, "vertical option, a large single instance", "one big VM"),
    *(
        InstanceNeed("rds", engine, deployment, vcpu, mem, None, f"database {engine} {deployment}", "database")
        for engine in ("postgresql", "mysql")
        for deployment in ("single-az", "multi-az")
        for vcpu, mem in ((2, 1), (16, 128))
    ),
    InstanceNeed("elasticache", "redis", "", 2, 0.5, None, "cache, small node", "cache"),
    InstanceNeed("elasticache", "redis", "", 8, 100, None, "cache, large node for sharding", "cache"),
)

# (service, item, dimension) priced by every plan.
SERVICE_NEEDS: tuple[tuple[str, str, str], ...] = (
    ("elb", "alb_hour", "application"),
    ("elb", "alb_lcu_hour", "application"),
    ("nat_gateway", "gateway_hour", ""),
    ("nat_gateway", "data_processed", ""),
    ("data_transfer", "out_to_internet", ""),
    ("data_transfer", "inter_az", ""),
    ("s3", "storage_standard", "STANDARD"),
    ("s3", "requests_put_copy_post_list", "STANDARD"),
    ("s3", "requests_get_other", "STANDARD"),
    ("ebs", "storage", "gp3"),
    ("ebs", "snapshot_storage", "snapshot-standard"),
    ("rds", "storage", "rds/single-az/gp3"),
    ("rds", "storage", "rds/multi-az/gp3"),
    ("rds", "backup_storage", "rds/any/snapshot"),
    ("cloudwatch", "custom_metric", ""),
    ("cloudwatch", "logs_ingest_standard", "STANDARD"),
    ("cloudwatch", "logs_storage", ""),
    ("lambda", "requests", "x86_64"),
    ("lambda", "duration", "x86_64"),
    ("fargate", "vcpu_hour", "linux/x86_64"),
    ("fargate", "memory_gb_hour", "linux/x86_64"),
    ("fargate", "vcpu_hour", "linux/arm64"),
    ("fargate", "memory_gb_hour", "linux/arm64"),
    ("lambda", "requests", "arm64"),
    ("lambda", "duration", "arm64"),
    ("apigateway", "http_api_requests", ""),
    ("vpc", "public_ipv4_in_use", ""),
    ("route53", "health_check_aws_endpoint", ""),
)


def coverage_gaps(book: PriceBook, cloud: str = "aws") -> list[str]:
    """One message per (region, need) the price book cannot serve; empty when complete."""
    gaps: list[str] = []
    prices = book.instance_prices
    specs = book.specs[book.specs.cloud == cloud]
    on_demand = prices[(prices.cloud == cloud) & (prices.option == "on_demand")].merge(
        specs[["service", "sku", "vcpu", "memory_gib", "arch", "generation"]], on=["service", "sku"]
    )
    regions = list(book.regions(cloud).region)
    for need in INSTANCE_NEEDS:
        fit = on_demand[
            (on_demand.service == need.service) & (on_demand.engine == need.engine)
            & (on_demand.deployment == need.deployment) & (on_demand.generation == "current")
            & (on_demand.vcpu >= need.min_vcpu) & (on_demand.memory_gib >= need.min_memory_gib)
        ]
        if need.arch:
            fit = fit[fit.arch == need.arch]
        for region in sorted(set(regions) - set(fit.region)):
            gaps.append(f"{region}: no {need.service} SKU for {need.why} "
                        f"(>= {need.min_vcpu:g} vCPU, >= {need.min_memory_gib:g} GiB{', ' + need.arch if need.arch else ''})")
    s = book.service_prices[book.service_prices.cloud == cloud]
    have = set(s[["region", "service", "item", "dimension"]].drop_duplicates().itertuples(index=False, name=None))
    for service, item, dimension in SERVICE_NEEDS:
        for region in regions:
            if (region, service, item, dimension) not in have and ("global", service, item, dimension) not in have:
                gaps.append(f"{region}: no price for {service} {item}{' ' + dimension if dimension else ''}")
    return gaps


# the architecture role each priced service serves (what `planner prices coverage` reports on)
ROLE_OF_SERVICE = {"elb": "load balancer", "nat_gateway": "NAT", "data_transfer": "network transfer",
                   "s3": "object storage", "ebs": "block storage", "rds": "database", "cloudwatch": "monitoring",
                   "lambda": "functions", "apigateway": "functions", "fargate": "containers", "vpc": "public address",
                   "route53": "DR failover DNS"}
ROLES = ("VM fleet", "one big VM", "containers", "functions", "database", "cache", "load balancer", "NAT",
         "network transfer", "object storage", "block storage", "monitoring", "public address", "DR failover DNS")
LISTED, ESTIMATED, MISSING = "listed", "estimated", "missing"


def coverage(book: PriceBook, cloud: str = "aws", region: str | None = None) -> pd.DataFrame:
    """Per region (or only ``region``) and architecture role: ``listed`` (every price it needs is in the book),
    ``estimated`` (some are flagged estimates scaled from another region) or ``missing`` (some price is absent:
    a plan there says which and cannot recommend the options that need it), with the prices concerned in
    ``detail``. An unknown cloud or region is named with close matches."""
    import pandas as pd

    regions = list(book.regions(cloud).region)
    if region is not None:
        book._check_region(cloud, region)
        regions = [region]
    missing: dict[tuple[str, str], list[str]] = {}
    for gap_region, role, what in _gaps(book, cloud):
        missing.setdefault((gap_region, role), []).append(what)
    s = book.service_prices[book.service_prices.cloud == cloud]
    estimated: dict[tuple[str, str], list[str]] = {}
    wanted = {(svc, item, dim) for svc, item, dim in SERVICE_NEEDS}
    flagged = s[s.source_id.str.startswith("estimate")]
    for r in flagged.itertuples(index=False):
        if (r.service, r.item, r.dimension) in wanted:
            estimated.setdefault((r.region, ROLE_OF_SERVICE[r.service]), []).append(f"{r.service} {r.item}")
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


def _gaps(book: PriceBook, cloud: str) -> list[tuple[str, str, str]]:
    """(region, role, what) for every need the book cannot serve (see :func:`coverage_gaps`)."""
    out = []
    for gap in coverage_gaps(book, cloud):
        region, what = gap.split(": ", 1)
        out.append((region, _role_of_gap(what), what))
    return out


def _role_of_gap(what: str) -> str:
    for need in INSTANCE_NEEDS:
        if need.why in what:
            return need.role
    for service, role in ROLE_OF_SERVICE.items():
        if what.startswith(f"no price for {service} "):
            return role
    return "other"


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

