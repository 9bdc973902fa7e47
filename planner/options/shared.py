"""The tiers every option shares, billed per option: cache, database, front door, network,
object storage, monitoring, and the disaster-recovery footprint.

Load-balancer capacity units follow the ALB pricing page's dimensions (new
connections / 25 per s, processed GB / 1 per hour; the largest is billed);
inter-AZ transfer is billed on both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.bom import BomBuilder
from planner.options.context import Columns, Context
from planner.options.purchase import purchase_arrays
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.database import aurora_engine
from planner.sizing.traffic import KB_PER_GB

ALB_NEW_CONNECTIONS_PER_LCU = 25.0  # per second
ALB_GB_PER_LCU_HOUR = 1.0  # EC2/IP targets
REQUEST_KB = 1.0  # request headers and body, on top of the response


def bill_shared(ctx: Context, opt: Columns, bom: BomBuilder) -> None:
    """The shared tiers on one option's bill: what every option has alike is priced once per run
    (:meth:`BomBuilder.shared`), the rest (front door, NAT, inter-AZ, metrics) per option."""
    option = str(opt["option"][0])
    bom.shared("data tiers", option, lambda key: _bill_data_tiers(ctx, bom, key))
    _bill_front(ctx, opt, bom, option)
    _bill_network(ctx, opt, bom, option)
    bom.shared("usage", option, lambda key: _bill_usage(ctx, bom, key))
    _bill_metrics(ctx, opt, bom, option)


def _bill_data_tiers(ctx: Context, bom: BomBuilder, option: str) -> None:
    p, rows, region = ctx.policy, ctx.rows, ctx.region
    _, _, db_purchase = purchase_arrays(ctx.col("purchase_option"))
    used = ctx.col("cache_used") & (ctx.col("cache_node_type") != "")
    bom.instance_hours(rows[used], option, "cache", "elasticache", region[used], ctx.col("cache_node_type")[used],
                       ctx.col("cache_nodes")[used] * HOURS_PER_MONTH, db_purchase[used], engine=p.cache_engine)
    _bill_database(ctx, bom, option, db_purchase)


def _bill_database(ctx: Context, bom: BomBuilder, option: str, purchase: np.ndarray) -> None:
    """Instances, replicas, storage, IOPS and backups of the database, RDS or Aurora."""
    p, rows, region = ctx.policy, ctx.rows, ctx.region
    cls, variant, deployment = ctx.col("db_instance_class"), ctx.col("db_engine_variant"), ctx.col("db_deployment")
    replicas, storage, volume = ctx.col("db_read_replicas"), ctx.col("db_storage_gb"), ctx.col("db_volume_type")
    rds = (cls != "") & (variant == "rds")
    bom.instance_hours(rows[rds], option, "database", "rds", region[rds], cls[rds], HOURS_PER_MONTH, purchase[rds],
                       engine=p.database_engine, deployment=deployment[rds])
    has = rds & (replicas > 0)
    bom.instance_hours(rows[has], option, "database read replicas", "rds", region[has], cls[has],
                       replicas[has] * HOURS_PER_MONTH, purchase[has], engine=p.database_engine,
                       deployment="single-az")
    for dep in ("single-az", "multi-az"):
        for vol in ("gp3", "io2"):
            sel = rds & (deployment == dep) & (volume == vol)
            bom.service_units(rows[sel], option, "database storage", "rds", "storage", region[sel], storage[sel],
                              dimension=f"rds/{dep}/{vol}", sku=vol)
            bom.service_units(rows[sel], option, "database IOPS", "rds", "provisioned_iops", region[sel],
                              ctx.col("db_provisioned_iops")[sel], dimension=f"rds/{dep}/{vol}",
                              sku=f"{vol} IOPS" + (" above the included baseline" if vol == "gp3" else ""))
    bom.service_units(rows[has], option, "replica storage", "rds", "storage", region[has],
                      storage[has] * replicas[has], dimension="rds/single-az/gp3", sku="gp3")
    bom.service_units(rows[rds], option, "database backups", "rds", "backup_storage", region[rds],
                      ctx.col("db_backup_billed_gb")[rds], dimension="rds/any/snapshot", sku="snapshot",
                      note="beyond the free allowance of 100% of provisioned storage")
    engine = aurora_engine(p.database_engine)
    for v in ("aurora-standard", "aurora-io-optimized"):
        sel = (cls != "") & (variant == v)
        copies = np.where(deployment == "multi-az", 2.0, 1.0)[sel] + replicas[sel]
        bom.instance_hours(rows[sel], option, "database (writer + readers)", "rds", region[sel], cls[sel],
                           copies * HOURS_PER_MONTH, purchase[sel], engine=engine, deployment=v)
        bom.service_units(rows[sel], option, "database storage", "rds", "storage", region[sel], storage[sel],
                          dimension=f"aurora/cluster/{v}", sku=f"{v} storage")
        if v == "aurora-standard":  # I/O-Optimized includes I/O in its instance and storage prices
            bom.service_units(rows[sel], option, "database I/O", "rds", "io_requests", region[sel],
                              ctx.col("db_io_million_month")[sel], dimension=f"aurora/cluster/{v}",
                              sku="1M I/O requests")
        bom.service_units(rows[sel], option, "database backups", "rds", "backup_storage", region[sel],
                          ctx.col("db_backup_billed_gb")[sel], dimension=f"{engine}/any/snapshot", sku="snapshot",
                          note="beyond the free allowance of 100% of the cluster volume")


def _bill_front(ctx: Context, opt: Columns, bom: BomBuilder, option: str) -> None:
    rows, region = ctx.rows, ctx.region
    front = opt["front"]
    alb = front == "alb"
    avg_rps = ctx.col("avg_rps")
    gb_per_hour = avg_rps * 3600 * (ctx.col("response_kb") + REQUEST_KB) / KB_PER_GB
    lcu = np.maximum(avg_rps / ctx.policy.requests_per_connection / ALB_NEW_CONNECTIONS_PER_LCU,
                     gb_per_hour / ALB_GB_PER_LCU_HOUR)
    bom.service_units(rows[alb], option, "load balancer", "elb", "alb_hour", region[alb], HOURS_PER_MONTH,
                      dimension="application", sku="application load balancer")
    bom.service_units(rows[alb], option, "load balancer capacity", "elb", "alb_lcu_hour", region[alb],
                      lcu[alb] * HOURS_PER_MONTH, dimension="application", sku="LCU")
    ip = front == "public_ip"
    bom.service_units(rows[ip], option, "public IPv4 address", "vpc", "public_ipv4_in_use", region[ip],
                      HOURS_PER_MONTH, sku="public IPv4")


def _bill_network(ctx: Context, opt: Columns, bom: BomBuilder, option: str) -> None:
    p, rows, region = ctx.policy, ctx.rows, ctx.region
    requests = ctx.col("monthly_requests")
    azs = np.nan_to_num(opt["azs"].astype(float), nan=0.0)
    azs = np.where(azs > 0, azs, ctx.col("azs"))
    # a lone instance with a public address reaches the internet itself; private subnets go through NAT
    nat = opt["front"] != "public_ip"
    bom.service_units(rows[nat], option, "NAT gateways", "nat_gateway", "gateway_hour", region[nat],
                      azs[nat] * HOURS_PER_MONTH, sku="NAT gateway (one per AZ)")
    bom.service_units(rows[nat], option, "NAT data processed", "nat_gateway", "data_processed", region[nat],
                      (requests * p.outbound_kb_per_request / KB_PER_GB)[nat], sku="GB")
    cross = requests * p.backend_kb_per_request / KB_PER_GB * (azs - 1) / np.maximum(azs, 1)
    bom.service_units(rows, option, "inter-AZ transfer", "data_transfer", "inter_az", region, 2 * cross,
                      sku="GB (billed out and in)")


def _bill_usage(ctx: Context, bom: BomBuilder, option: str) -> None:
    """Egress, object storage, logs and alarms: the same whatever runs the code."""
    p, rows, region = ctx.policy, ctx.rows, ctx.region
    free = ctx.book.allowance(ctx.cloud, "data_transfer", "out_to_internet_free_allowance")
    bom.tiered_units(rows, option, "internet egress", "data_transfer", "out_to_internet", region,
                     ctx.col("egress_gb_month"), free_units=free, sku="GB out")
    s3 = ctx.col("object_storage_gb") > 0
    bom.tiered_units(rows[s3], option, "object storage", "s3", "storage_standard", region[s3],
                     ctx.col("object_storage_gb")[s3], dimension="STANDARD", sku="S3 Standard")
    s3_requests = ctx.col("monthly_requests") * p.s3_requests_per_request / 1000
    reads = ctx.col("read_fraction")
    bom.service_units(rows[s3], option, "object storage writes", "s3", "requests_put_copy_post_list", region[s3],
                      (s3_requests * (1 - reads))[s3], dimension="STANDARD", sku="1k PUT/LIST")
    bom.service_units(rows[s3], option, "object storage reads", "s3", "requests_get_other", region[s3],
                      (s3_requests * reads)[s3], dimension="STANDARD", sku="1k GET")
    logs_gb = ctx.col("monthly_requests") * p.log_bytes_per_request / 2**30
    bom.service_units(rows, option, "log ingestion", "cloudwatch", "logs_ingest_standard", region, logs_gb,
                      dimension="STANDARD", sku="GB ingested")
    bom.service_units(rows, option, "log storage", "cloudwatch", "logs_storage", region, logs_gb,
                      sku="GB-month (one month kept)")
    bom.service_units(rows, option, "alarms", "cloudwatch", "alarm_standard", region, float(p.alarms), sku="alarms")


def _bill_metrics(ctx: Context, opt: Columns, bom: BomBuilder, option: str) -> None:
    # per instance or task; a serverless deployment reports as one unit
    units = np.ones(ctx.n) if option == "serverless" else np.nan_to_num(opt["instances_desired"].astype(float),
                                                                        nan=1.0)
    bom.tiered_units(ctx.rows, option, "metrics", "cloudwatch", "custom_metric", ctx.region,
                     ctx.policy.metrics_per_instance * np.maximum(units, 1), sku="custom metrics")


def bill_dr(ctx: Context, opt: Columns, tier_index: np.ndarray, bom: BomBuilder) -> None:
    """The DR region's footprint for each scenario's DR tier: backup copies and their transfer always; a
    database replica, a share of compute and cache, and a load balancer as the tier requires.

    What depends on the tier alone (backups, database replica, cache, DNS failover) is billed once per run for
    each distinct assignment of tiers to scenarios: options that share their tiers share those lines."""
    option = str(opt["option"][0])
    p, rows = ctx.policy, ctx.rows
    dr = ctx.col("dr_region")
    tiers = p.dr_tiers
    bom.shared("DR backups", option, lambda key: _bill_dr_backups(ctx, bom, key))
    bom.shared(("DR data", tier_index.tobytes()), option, lambda key: _bill_dr_data(ctx, bom, key, tier_index))
    compute = np.array([t.compute_fraction for t in tiers])[tier_index]
    lb = np.array([t.load_balancer for t in tiers])[tier_index]
    _bill_dr_compute(ctx, opt, compute, bom, option)
    has = lb & (opt["front"] == "alb")
    bom.service_units(rows[has], option, "DR: load balancer", "elb", "alb_hour", dr[has], HOURS_PER_MONTH,
                      dimension="application", sku="application load balancer")


def _bill_dr_data(ctx: Context, bom: BomBuilder, option: str, tier_index: np.ndarray) -> None:
    """The DR tier's database replica (RDS read replica or Aurora Global Database secondary) and its storage,
    its share of the cache, and DNS failover health checks for active/active."""
    p, rows, region = ctx.policy, ctx.rows, ctx.region
    dr = ctx.col("dr_region")
    tiers = p.dr_tiers
    storage = ctx.col("db_storage_gb")
    replica = np.array([t.database_replica for t in tiers])[tier_index]
    cache = np.array([t.cache_fraction for t in tiers])[tier_index]
    multi_site = tier_index == len(tiers) - 1
    cls, ok = ctx.col("db_instance_class"), ctx.col("db_instance_class") != ""
    variant = ctx.col("db_engine_variant")
    sel = replica & ok & (variant == "rds")
    dep = np.where(multi_site, ctx.col("db_deployment"), "single-az")
    bom.instance_hours(rows[sel], option, "DR: database replica", "rds", dr[sel], cls[sel], HOURS_PER_MONTH,
                       engine=p.database_engine, deployment=dep[sel], fallback_region=region[sel])
    for d in ("single-az", "multi-az"):
        s = sel & (dep == d)
        bom.service_units(rows[s], option, "DR: replica storage", "rds", "storage", dr[s], storage[s],
                          dimension=f"rds/{d}/gp3", sku="gp3")
    # Aurora Global Database: a secondary cluster (one instance, two when active/active Multi-AZ) and its volume
    for v in ("aurora-standard", "aurora-io-optimized"):
        s = replica & ok & (variant == v)
        copies = np.where(multi_site & (ctx.col("db_deployment") == "multi-az"), 2.0, 1.0)[s]
        bom.instance_hours(rows[s], option, "DR: database replica", "rds", dr[s], cls[s], copies * HOURS_PER_MONTH,
                           engine=aurora_engine(p.database_engine), deployment=v, fallback_region=region[s])
        bom.service_units(rows[s], option, "DR: replica storage", "rds", "storage", dr[s], storage[s],
                          dimension=f"aurora/cluster/{v}", sku=f"{v} storage")
    nodes = np.ceil(ctx.col("cache_nodes") * cache)
    has = nodes > 0
    bom.instance_hours(rows[has], option, "DR: cache", "elasticache", dr[has], ctx.col("cache_node_type")[has],
                       nodes[has] * HOURS_PER_MONTH, engine=p.cache_engine, fallback_region=region[has])
    bom.service_units(rows[multi_site], option, "DR: DNS failover health checks", "route53",
                      "health_check_aws_endpoint", "global", 2.0, sku="health checks")


def _bill_dr_backups(ctx: Context, bom: BomBuilder, option: str) -> None:
    """Every tier copies the backups to the DR region (cross-region automated backups or snapshot copies)."""
    p, rows, region, dr = ctx.policy, ctx.rows, ctx.region, ctx.col("dr_region")
    storage = ctx.col("db_storage_gb")
    backups = storage * (1 + p.daily_change_fraction * p.backup_retention_days)
    aurora = np.char.startswith(ctx.col("db_engine_variant").astype(str), "aurora")
    bom.service_units(rows[~aurora], option, "DR: backup copies", "rds", "backup_storage", dr[~aurora],
                      backups[~aurora], dimension="rds/any/snapshot", sku="cross-region automated backups")
    bom.service_units(rows[aurora], option, "DR: backup copies", "rds", "backup_storage", dr[aurora],
                      backups[aurora], dimension=f"{aurora_engine(p.database_engine)}/any/snapshot",
                      sku="cross-region snapshot copies")
    change_gb = storage * p.daily_change_fraction * 30
    for target in pd.unique(dr):
        sel = dr == target
        bom.service_units(rows[sel], option, "DR: replication transfer", "data_transfer", "out_inter_region",
                          region[sel], change_gb[sel], dimension=str(target), sku=f"GB to {target}")


def _bill_dr_compute(ctx: Context, opt: Columns, fraction: np.ndarray, bom: BomBuilder, option: str) -> None:
    """Standing compute in the DR region: the tier's share of the primary's unit-hours (same load profile),
    at least two units, on demand."""
    if option == "serverless":
        return  # pay-per-request: nothing stands idle in the DR region
    desired = np.nan_to_num(opt["instances_desired"].astype(float))
    floor = np.minimum(desired, 2) * HOURS_PER_MONTH
    hours = np.where(fraction > 0, np.maximum(opt["instance_hours"].astype(float) * fraction, floor), 0.0)
    has = (hours > 0) & (opt["instance_type"] != "")
    rows, dr = ctx.rows[has], ctx.col("dr_region")[has]
    if option == "containers":
        p = ctx.policy
        arch = "linux/arm64" if p.allow_arm64 else "linux/x86_64"
        bom.service_units(rows, option, "DR: tasks (vCPU)", "fargate", "vcpu_hour", dr,
                          hours[has] * p.fargate_task_vcpu, dimension=arch)
        bom.service_units(rows, option, "DR: tasks (memory)", "fargate", "memory_gb_hour", dr,
                          hours[has] * p.fargate_task_memory_gb, dimension=arch)
        return
    bom.instance_hours(rows, option, "DR: compute", "ec2", dr, opt["instance_type"][has], hours[has],
                       fallback_region=ctx.region[has])
