"""The tiers every option shares, billed per option: cache, database, front door, network,
object storage, monitoring, the edge, asynchronous work, secrets, and the disaster-recovery footprint.

Load-balancer capacity units follow the ALB pricing page's dimensions (new
connections / 25 per s, processed GB / 1 per hour; the largest is billed);
inter-AZ transfer is billed on both sides.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.engine.bom import BomBuilder
from planner.engine.options.async_work import bill_async
from planner.engine.options.context import Columns, Context
from planner.engine.options.edge import bill_edge, bill_secrets
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.traffic import KB_PER_GB
from planner.sizing.workers import cheapest_per_vcpu

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
    bom.shared("edge", option, lambda key: bill_edge(ctx, bom, key))
    _bill_metrics(ctx, opt, bom, option)
    bill_async(ctx, opt, bom)
    bill_secrets(ctx, opt, bom)


def _bill_data_tiers(ctx: Context, bom: BomBuilder, option: str) -> None:
    p, rows, region = ctx.policy, ctx.rows, ctx.region
    _, _, db_purchase = ctx.purchase
    used = ctx.col("cache_used") & (ctx.col("cache_node_type") != "")
    bom.instance_hours(rows[used], option, "cache", ctx.catalog.cache_service, region[used],
                       ctx.col("cache_node_type")[used], ctx.col("cache_nodes")[used] * HOURS_PER_MONTH,
                       db_purchase[used], engine=p.cache_engine)
    _bill_database(ctx, bom, option, db_purchase)
    _bill_key_value(ctx, bom, option)


def _bill_database(ctx: Context, bom: BomBuilder, option: str, purchase: np.ndarray) -> None:
    """Instances, replicas, storage, IOPS, I/O and backups of the database, per the cloud's variant."""
    p, region = ctx.policy, ctx.region
    cls, variant, deployment = ctx.col("db_instance_class"), ctx.col("db_engine_variant"), ctx.col("db_deployment")
    replicas, storage, volume = ctx.col("db_read_replicas"), ctx.col("db_storage_gb"), ctx.col("db_volume_type")
    relational = ~ctx.col("kv_used")
    # the sizing is per shard: every shard is a cluster of its own
    shards = ctx.col("db_shards")
    replicas, storage = replicas * shards, storage * shards
    _bill_pooler(ctx, bom, option)
    for v in ctx.catalog.databases:
        mine = (cls != "") & (variant == v.name) & relational
        if not mine.any():
            continue
        engine = v.engine[p.database_engine]
        rows = ctx.rows[mine]
        dep, vol, reps, k = deployment[mine], volume[mine], replicas[mine], shards[mine]
        price_dep = np.array([v.deployment[d] for d in dep], dtype=object)
        if v.multi_az_copies:  # Multi-AZ: a writer and standby readers priced as instances
            copies = np.where(dep == "multi-az", v.multi_az_copies, 1.0) * k + reps
            bom.instance_hours(rows, option, "database (writer + readers)", v.service, region[mine], cls[mine],
                               copies * HOURS_PER_MONTH, purchase[mine], engine=engine, deployment=price_dep)
        else:
            bom.instance_hours(rows, option, "database", v.service, region[mine], cls[mine], k * HOURS_PER_MONTH,
                               purchase[mine], engine=engine, deployment=price_dep)
            has = reps > 0
            bom.instance_hours(rows[has], option, "database read replicas", v.service, region[mine][has],
                               cls[mine][has], reps[has] * HOURS_PER_MONTH, purchase[mine][has], engine=engine,
                               deployment=v.deployment["single-az"])
        for d in ("single-az", "multi-az"):
            for kind in sorted(set(vol)):
                sel = (dep == d) & (vol == kind)
                fill = {"volume": str(kind), "engine": engine}
                bom.priced(rows[sel], option, "database storage", v.storage_ref.get(d), region[mine][sel],
                           storage[mine][sel], fill=fill)
                if v.storage == "provisioned":
                    bom.priced(rows[sel], option, "database IOPS", v.iops_ref.get(d), region[mine][sel],
                               (ctx.col("db_provisioned_iops") * shards)[mine][sel], fill=fill,
                               sku=f"{kind} IOPS" + (" above the included baseline" if kind == "gp3" else ""))
        has = reps > 0
        # each replica (``reps`` across all shards) keeps its shard's volume
        bom.priced(rows[has], option, "replica storage", v.replica_storage_ref, region[mine][has],
                   (ctx.col("db_storage_gb")[mine] * reps)[has], fill={"volume": "gp3", "engine": engine})
        bom.priced(rows, option, "database I/O", v.io_requests_ref, region[mine],
                   (ctx.col("db_io_million_month") * shards)[mine])
        bom.priced(rows, option, "database backups", v.backup_ref, region[mine],
                   (ctx.col("db_backup_billed_gb") * shards)[mine], fill={"engine": engine})
    _bill_shard_operations(ctx, bom, option, relational & (cls != ""))


def _bill_shard_operations(ctx: Context, bom: BomBuilder, option: str, relational: np.ndarray) -> None:
    """Each cluster of a sharded database at ``policy.db_shard_operations_usd_month`` and the partitioning once at
    ``policy.db_sharding_usd_month``: assumptions the plan states, not list prices (sharding's work is on no price
    list, but without it every doubling of the shard count that saves a cent would be taken)."""
    shards = ctx.col("db_shards")
    sel = relational & (shards > 1)
    bom.assumed(ctx.rows[sel], option, "database shards (operations)", "cluster of a sharded database", shards[sel],
                "cluster-month", ctx.policy.db_shard_operations_usd_month, ctx.region[sel],
                "policy.db_shard_operations_usd_month, an assumption")
    bom.assumed(ctx.rows[sel], option, "database sharding (partitioning)", "the application's data partitioned",
                np.ones(int(sel.sum())), "month", ctx.policy.db_sharding_usd_month, ctx.region[sel],
                "policy.db_sharding_usd_month, an assumption: the partitioning work amortised")


def _bill_pooler(ctx: Context, bom: BomBuilder, option: str) -> None:
    """The pooler in front of each shard where the application's connections exceed the class's: PgBouncer
    instances, or the managed proxy by the vCPUs behind it (a built-in pooler costs nothing and has no line)."""
    pooler, relational = ctx.col("db_pooler"), ~ctx.col("kv_used")
    sel = (pooler == "pgbouncer") & relational
    if sel.any():
        types = cheapest_per_vcpu(ctx.book, ctx.catalog, ctx.policy).reindex(ctx.region[sel])
        bom.instance_hours(ctx.rows[sel], option, "connection pooler (PgBouncer)", ctx.catalog.compute_service,
                           ctx.region[sel], types.sku.to_numpy(dtype=object),
                           (ctx.col("db_pooler_instances") * ctx.col("db_shards"))[sel] * HOURS_PER_MONTH)
    variant = ctx.col("db_engine_variant")
    for v in ctx.catalog.databases:
        sel = (pooler == "proxy") & relational & (variant == v.name)
        if sel.any():
            bom.priced(ctx.rows[sel], option, "connection pooler (managed proxy)", v.proxy_ref, ctx.region[sel],
                       (ctx.col("db_proxy_vcpu") * ctx.col("db_shards"))[sel] * HOURS_PER_MONTH,
                       fill={"engine": v.engine[ctx.policy.database_engine]})


def _bill_key_value(ctx: Context, bom: BomBuilder, option: str) -> None:
    """The key-value store in place of the database: requests or capacity as its cheaper mode, storage after the
    free tier, point-in-time recovery (:mod:`planner.sizing.keyvalue`)."""
    kv, cat = ctx.col("kv_used"), ctx.catalog
    mode = ctx.col("kv_capacity_mode")
    for m, roles in (("on_demand", (("kv_read_requests", "kv_read_units_month", "key-value reads"),
                                    ("kv_write_requests", "kv_write_units_month", "key-value writes"))),
                     ("provisioned", (("kv_read_capacity", "kv_rcu_hours", "key-value read capacity"),
                                      ("kv_write_capacity", "kv_wcu_hours", "key-value write capacity")))):
        sel = kv & (mode == m)
        for role, column, component in roles:
            bom.priced(ctx.rows[sel], option, component, cat.price(role), ctx.region[sel], ctx.col(column)[sel])
    bom.priced(ctx.rows[kv], option, "key-value storage", cat.price("kv_storage"), ctx.region[kv],
               ctx.col("kv_storage_gb")[kv], free_units=ctx.allowance("kv_storage"))
    bom.priced(ctx.rows[kv], option, "key-value backups", cat.price("kv_backup"), ctx.region[kv],
               ctx.col("kv_storage_gb")[kv])


def _bill_front(ctx: Context, opt: Columns, bom: BomBuilder, option: str) -> None:
    rows, region, cat = ctx.rows, ctx.region, ctx.catalog
    front = opt["front"]
    alb = front == "alb"
    avg_rps = ctx.col("avg_rps")
    gb_per_hour = avg_rps * 3600 * (ctx.col("response_kb") + REQUEST_KB) / KB_PER_GB
    if cat.load_balancer_capacity == "lcu":
        usage = np.maximum(avg_rps / ctx.policy.requests_per_connection / ALB_NEW_CONNECTIONS_PER_LCU,
                           gb_per_hour / ALB_GB_PER_LCU_HOUR) * HOURS_PER_MONTH
    else:  # data processed
        usage = gb_per_hour * HOURS_PER_MONTH
    # a load balancer per quota of targets (AWS: 1,000 per Application Load Balancer by default, adjustable)
    count = np.maximum(np.ceil(np.nan_to_num(opt["instances_max"].astype(float), nan=1.0)
                               / ctx.policy.lb_targets_per_load_balancer), 1.0)
    bom.priced(rows[alb], option, "load balancer", cat.price("lb_hour"), region[alb], (count * HOURS_PER_MONTH)[alb])
    bom.priced(rows[alb], option, "load balancer capacity", cat.price("lb_capacity"), region[alb], usage[alb])
    ip = front == "public_ip"
    bom.priced(rows[ip], option, "public IPv4 address", cat.price("public_ip"), region[ip], HOURS_PER_MONTH)


def _bill_network(ctx: Context, opt: Columns, bom: BomBuilder, option: str) -> None:
    p, rows, region, cat = ctx.policy, ctx.rows, ctx.region, ctx.catalog
    requests = ctx.col("monthly_requests")
    azs = np.nan_to_num(opt["azs"].astype(float), nan=0.0)
    azs = np.where(azs > 0, azs, ctx.col("azs"))
    # a lone instance with a public address reaches the internet itself; private subnets go through NAT
    nat = opt["front"] != "public_ip"
    if cat.nat_billing == "per_az":  # a gateway in each AZ
        units = azs
    else:  # per VM behind it, up to a cap; a serverless deployment counts as one
        vms = 1.0 if option == "serverless" else np.nan_to_num(opt["instances_desired"].astype(float), nan=1.0)
        units = np.clip(vms, 1, cat.nat_max_billed_vms) * np.ones(ctx.n)
    bom.priced(rows[nat], option, "NAT gateways", cat.price("nat_hour"), region[nat],
               (units * HOURS_PER_MONTH)[nat])
    bom.priced(rows[nat], option, "NAT data processed", cat.price("nat_data"), region[nat],
               (requests * p.outbound_kb_per_request / KB_PER_GB)[nat])
    cross = requests * p.backend_kb_per_request / KB_PER_GB * (azs - 1) / np.maximum(azs, 1)
    bom.priced(rows, option, "inter-AZ transfer", cat.price("inter_az"), region, 2 * cross)


def _bill_usage(ctx: Context, bom: BomBuilder, option: str) -> None:
    """Egress, object storage, logs and alarms: the same whatever runs the code."""
    p, rows, region, cat = ctx.policy, ctx.rows, ctx.region, ctx.catalog
    bom.priced(rows, option, "internet egress", cat.price("egress"), region, ctx.col("egress_gb_month"),
               free_units=ctx.allowance("egress"))
    _bill_objects(ctx, bom, option)
    logs_gb = ctx.col("monthly_requests") * p.log_bytes_per_request / 2**30
    bom.priced(rows, option, "log ingestion", cat.price("log_ingest"), region, logs_gb,
               free_units=ctx.allowance("log_ingest"))
    bom.priced(rows, option, "log storage", cat.price("log_storage"), region, logs_gb)
    bom.priced(rows, option, "alarms", cat.price("alarms"), region, float(p.alarms))


def _bill_objects(ctx: Context, bom: BomBuilder, option: str) -> None:
    """Object storage by class: the standard class, the class a lifecycle rule cools objects into (with the
    days billed for objects deleted before its minimum duration), transitions, requests and retrievals."""
    rows, region, cat = ctx.rows, ctx.region, ctx.catalog
    s3 = ctx.col("object_storage_gb") > 0
    bom.priced(rows[s3], option, "object storage", cat.price("object_storage"), region[s3],
               ctx.col("object_hot_gb")[s3])
    bom.priced(rows[s3], option, "object storage writes", cat.price("object_writes"), region[s3],
               ctx.col("object_puts_k")[s3])
    bom.priced(rows[s3], option, "object storage reads", cat.price("object_reads"), region[s3],
               ctx.col("object_gets_k")[s3])
    kind = ctx.col("object_class")
    for name, c in cat.object_classes.items():
        sel = s3 & (kind == name) & (ctx.col("object_cool_gb") > 0)
        if not sel.any():
            continue
        r = region[sel]
        early = ctx.col("object_early_delete_gb")[sel]
        bom.priced(rows[sel], option, "object storage (cooled)", c.storage, r,
                   ctx.col("object_cool_gb")[sel] + early,
                   note=c.storage.note or ("" if not early.any() else
                                           f"includes objects deleted before the {c.min_days:g}-day minimum, "
                                           "billed to it"))
        bom.priced(rows[sel], option, "object lifecycle transitions", c.transition, r,
                   ctx.col("object_transitions_k")[sel])
        bom.priced(rows[sel], option, "object storage reads (cooled)", c.reads, r, ctx.col("object_cool_gets_k")[sel])
        bom.priced(rows[sel], option, "object retrievals", c.retrieval, r, ctx.col("object_retrieved_gb")[sel])


def _bill_metrics(ctx: Context, opt: Columns, bom: BomBuilder, option: str) -> None:
    # per instance or task as it runs: custom metrics are prorated by the hour (CloudWatch pricing), so an
    # autoscaled fleet pays for its average count; a serverless deployment reports as one unit
    running = np.nan_to_num(opt["instance_hours"].astype(float), nan=0.0) / HOURS_PER_MONTH
    units = np.ones(ctx.n) if option == "serverless" else np.where(running > 0, running, 1.0)
    bom.priced(ctx.rows, option, "metrics", ctx.catalog.price("metrics"), ctx.region,
               ctx.policy.metrics_per_instance * np.maximum(units, 1), free_units=ctx.allowance("metrics"))


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
    bom.priced(rows[has], option, "DR: load balancer", ctx.catalog.price("lb_hour"), dr[has], HOURS_PER_MONTH)


def _bill_dr_data(ctx: Context, bom: BomBuilder, option: str, tier_index: np.ndarray) -> None:
    """The DR tier's database replica (a cross-region read replica, or for Aurora a Global Database secondary)
    and its storage, its share of the cache, and DNS failover health checks for active/active."""
    p, rows, region, cat = ctx.policy, ctx.rows, ctx.region, ctx.catalog
    dr = ctx.col("dr_region")
    tiers = p.dr_tiers
    shards = ctx.col("db_shards")
    storage = ctx.col("db_storage_gb") * shards
    replica = np.array([t.database_replica for t in tiers])[tier_index]
    cache = np.array([t.cache_fraction for t in tiers])[tier_index]
    multi_site = tier_index == len(tiers) - 1
    cls, ok = ctx.col("db_instance_class"), ctx.col("db_instance_class") != ""
    _, _, purchase = ctx.purchase  # a replica that runs all year is committed like the primary
    variant = ctx.col("db_engine_variant")
    kv = ctx.col("kv_used")
    for v in cat.databases:
        engine = v.engine.get(p.database_engine, "")
        sel = replica & ok & (variant == v.name) & ~kv
        dep = np.where(multi_site, ctx.col("db_deployment"), "single-az")[sel]
        if v.multi_az_copies:  # a secondary cluster: one instance, two when active/active Multi-AZ
            copies = np.where(dep == "multi-az", v.multi_az_copies, 1.0) * shards[sel]
            bom.instance_hours(rows[sel], option, "DR: database replica", v.service, dr[sel], cls[sel],
                               copies * HOURS_PER_MONTH, purchase[sel], engine=engine,
                               deployment=v.deployment["single-az"], fallback_region=region[sel])
        else:
            bom.instance_hours(rows[sel], option, "DR: database replica", v.service, dr[sel], cls[sel],
                               shards[sel] * HOURS_PER_MONTH, purchase[sel], engine=engine,
                               deployment=np.array([v.deployment[d] for d in dep], dtype=object),
                               fallback_region=region[sel])
        for d in ("single-az", "multi-az"):
            s = dep == d
            bom.priced(rows[sel][s], option, "DR: replica storage", v.storage_ref.get(d), dr[sel][s], storage[sel][s],
                       fill={"volume": "gp3", "engine": engine})
    # a global table replica: every write replicated into the DR region, the data stored again
    table = replica & kv
    mode = ctx.col("kv_capacity_mode")
    for m, role, column in (("on_demand", "kv_replicated_requests", "kv_write_units_month"),
                            ("provisioned", "kv_replicated_capacity", "kv_wcu_hours")):
        sel = table & (mode == m)
        bom.priced(rows[sel], option, "DR: global table replicated writes", cat.price(role), dr[sel],
                   ctx.col(column)[sel])
    bom.priced(rows[table], option, "DR: global table storage", cat.price("kv_storage"), dr[table],
               ctx.col("kv_storage_gb")[table])
    nodes = np.ceil(ctx.col("cache_nodes") * cache)
    has = nodes > 0
    bom.instance_hours(rows[has], option, "DR: cache", cat.cache_service, dr[has], ctx.col("cache_node_type")[has],
                       nodes[has] * HOURS_PER_MONTH, purchase[has], engine=p.cache_engine, fallback_region=region[has])
    bom.priced(rows[multi_site], option, "DR: DNS failover health checks", cat.price("dns_health_check"), "global",
               2.0)


def _bill_dr_backups(ctx: Context, bom: BomBuilder, option: str) -> None:
    """Every tier copies the backups to the DR region (cross-region automated backups or snapshot copies)."""
    p, rows, region, dr, cat = ctx.policy, ctx.rows, ctx.region, ctx.col("dr_region"), ctx.catalog
    storage = ctx.col("db_storage_gb") * ctx.col("db_shards")
    backups = storage * (1 + p.daily_change_fraction * p.backup_retention_days)
    variant, kv = ctx.col("db_engine_variant"), ctx.col("kv_used")
    bom.priced(rows[kv], option, "DR: backup copies", cat.price("kv_backup_copy"), dr[kv],
               ctx.col("kv_storage_gb")[kv], sku="cross-region backup copies")
    for v in cat.databases:
        sel = (variant == v.name) & ~kv
        label = "cross-region snapshot copies" if v.multi_az_copies else "cross-region automated backups"
        bom.priced(rows[sel], option, "DR: backup copies", v.backup_ref, dr[sel], backups[sel],
                   fill={"engine": v.engine.get(p.database_engine, "")}, sku=label, note="")
    change_gb = np.where(kv, ctx.col("kv_storage_gb"), storage) * p.daily_change_fraction * 30
    for target in pd.unique(dr):
        sel = dr == target
        bom.priced(rows[sel], option, "DR: replication transfer", cat.price("inter_region"), region[sel],
                   change_gb[sel], fill={"dr_region": str(target)})


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
    # what stands all year (the floor, or the tier's share of the primary's committed baseline) is committed like
    # the primary; the rest follows the load on demand
    committed_primary = np.nan_to_num(opt["instances_committed"].astype(float)) if "instances_committed" in opt \
        else np.zeros(ctx.n)
    standing = np.minimum(hours, np.maximum(floor, committed_primary * fraction * HOURS_PER_MONTH))
    base, _, _ = ctx.purchase
    if option == "containers":
        p, cat = ctx.policy, ctx.catalog
        arch = "arm64" if p.allow_arm64 else "x86_64"
        bom.priced(rows, option, "DR: tasks (vCPU)", cat.price("container_vcpu"), dr, hours[has] * p.fargate_task_vcpu,
                   fill={"arch": arch}, note="")
        bom.priced(rows, option, "DR: tasks (memory)", cat.price("container_memory"), dr,
                   hours[has] * p.fargate_task_memory_gb, fill={"arch": arch}, note="")
        return
    bom.instance_hours(rows, option, "DR: compute (standing)", ctx.catalog.compute_service, dr,
                       opt["instance_type"][has], standing[has], base[has], fallback_region=ctx.region[has])
    rest = has & (hours > standing)
    bom.instance_hours(ctx.rows[rest], option, "DR: compute (autoscaled)", ctx.catalog.compute_service,
                       ctx.col("dr_region")[rest], opt["instance_type"][rest], (hours - standing)[rest],
                       fallback_region=ctx.region[rest])
    if option == "kubernetes":  # the standby cluster's own control plane
        bom.priced(rows, option, "DR: Kubernetes control plane", ctx.catalog.price("k8s_control_plane"), dr,
                   HOURS_PER_MONTH)
