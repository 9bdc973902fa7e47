"""One-line reasons for the shared sizing decisions, written from the numbers the rules left as data.

The engine keeps each decision and the numbers that decided it as columns (the database's chosen and
fewest-shard bills, the cache's bill with and without it, the CDN's two planned bills, ...);
:func:`planner.plan.model.plan_from_result` turns one scenario's into sentences here, as ``*_why`` fields beside
the decisions, which the reports render. A batch keeps the numbers and never builds a sentence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from planner.base.formats import pct
from planner.clouds import catalog_for
from planner.engine.rationale import records
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.database import max_connections
from planner.sizing.dr import tier_rto_minutes
from planner.workload.model import Workload
from planner.workload.policy import SizingPolicy

if TYPE_CHECKING:
    from planner.engine.options.context import Columns


def shared(wf: Columns, sz: Columns, policy: SizingPolicy) -> dict[str, list[str]]:
    """``*_why`` columns for AZs, cache, database and DR, one string per scenario, from the input and sizing
    columns."""
    rows = list(zip(records(wf), records(sz)))
    tier_rto = tier_rto_minutes(np.asarray(sz["db_restore_gb"]), policy)
    return {
        "traffic_why": [_traffic(w, s) for w, s in rows],
        "compute_why": [_compute(w, s) for w, s in rows],
        "azs_why": [_azs(w, s, policy) for w, s in rows],
        "cache_why": [_cache(w, s, policy) if not s.kv_used else
                      f"none: {catalog_for(w.cloud).product('key_value')} answers reads by key in milliseconds "
                      "without one (an in-memory accelerator is not modelled)" for w, s in rows],
        "db_multi_az_why": [_multi_az(w, s, policy) for w, s in rows],
        "db_class_why": [_db_class(w, s, policy) for w, s in rows],
        "db_replicas_why": [_replicas(s) for _, s in rows],
        "db_storage_why": [_storage(s, policy) for _, s in rows],
        "dr_why": [_dr(w, s, rto, policy) for (w, s), rto in zip(rows, tier_rto)],
        "cdn_why": [_cdn(w, s) for w, s in rows],
        "kv_why": [_key_value(w, s, policy) for w, s in rows],
        "objects_why": [_objects(w, s, policy) for w, s in rows],
        "async_why": [_async(w, s, policy) for w, s in rows],
        "edge_why": [_edge(w, s, policy) for w, s in rows],
    }


def _traffic(w: object, s: object) -> str:
    if w.peak_rps == w.peak_rps:  # given (NaN when traffic comes as users)
        src = f"peak {w.peak_rps:,.0f} req/s given; average = peak / {w.peak_to_average:g}"
    else:
        src = (f"{w.daily_active_users:,.0f} users x {w.requests_per_user_per_day:g} requests / 86,400 s = "
               f"{s.avg_rps:,.1f} req/s average; peak = x {w.peak_to_average:g}")
    return (f"{src}; x{s.growth_factor:.2f} over {w.horizon_months:g} months at {w.monthly_growth:.1%}/month -> "
            f"{s.peak_rps_horizon:,.0f} req/s peak at the horizon")


def _compute(w: object, s: object) -> str:
    return (f"offered load {s.offered_vcpu:,.1f} busy vCPU ({s.peak_rps:,.0f} req/s x {w.cpu_ms_per_request:g} ms); "
            f"the smallest M/M/c pool with p99 <= {w.latency_target_ms:g} ms and utilisation <= "
            f"{w.target_cpu_utilization:.0%} (square-root staffing check: {s.vcpu_sqrt_staffing:,.0f})")


def _azs(w: object, s: object, p: SizingPolicy) -> str:
    if s.survive_az_loss:
        return (f"availability target {pct(w.availability_target)} >= {pct(p.survive_az_loss_min_availability)}: "
                f"statically stable, each of {int(s.azs)} AZs holds load / {int(s.azs) - 1} so losing one needs "
                "no scaling (WA 4 9s scenario)")
    return (f"availability target {pct(w.availability_target)} < {pct(p.survive_az_loss_min_availability)}: "
            f"{int(s.azs)} AZs, lost capacity replaced by {catalog_for(w.cloud).product('autoscaling')} "
            "(WA 3 9s scenario)")


def _cdn(w: object, s: object) -> str:
    cat = catalog_for(w.cloud)
    name = cat.product("cdn")
    if not s.cdn_priced:
        return f"{cat.label}'s price book has no CDN prices: every request reaches the origin"
    if w.cdn == "never":
        return "cdn: never: every request reaches the origin"
    parts = (f"${s.cdn_monthly_usd:,.0f}/month at the edge ({s.cdn_geography} prices, after the free tier) vs "
             f"${s.cdn_egress_saved_usd:,.0f} of internet egress and at least ${s.cdn_compute_saved_usd:,.0f} of "
             "compute it saves (offloaded vCPU at the cheapest on-demand vCPU-hour)")
    # the two whole bills where both were planned: the parts alone leave out what else the CDN changes (the
    # fleet, the cache, the load balancer, the DR tier)
    bills = (float(getattr(s, "cdn_with_usd", np.nan)), float(getattr(s, "cdn_without_usd", np.nan)))
    both = all(np.isfinite(b) for b in bills)
    with_it = f": ${bills[0]:,.0f} against ${bills[1]:,.0f} without" if both else ""
    without_it = f": ${bills[1]:,.0f} against ${bills[0]:,.0f} with it" if both else ""
    if not s.cdn_used:
        if w.cacheable_fraction == 0:
            return (f"no response is cacheable (cacheable share of responses 0), so {name} would answer nothing "
                    "at the edge and every request reaches the origin (choose the CDN \"always\" to keep it in front "
                    "regardless)")
        return (f"{name} does not pay: the whole monthly bill is lower without it{without_it} (planned both ways); "
                f"{parts}")
    why = ("the CDN is set to \"always\"" if w.cdn == "always" else
           f"the whole monthly bill is lower with it{with_it} (planned both ways); {parts}")
    return (f"{name} in front: {w.cacheable_fraction:.0%} cacheable x {w.cdn_hit_ratio:.0%} hit ratio = "
            f"{s.cdn_offload:.0%} of requests answered at the edge, the origin serves "
            f"{s.peak_rps:,.0f} of {s.users_peak_rps:,.0f} req/s at peak and sends its responses to the CDN, not "
            f"the internet; {why}")


def _objects(w: object, s: object, p: SizingPolicy) -> str:
    if w.object_storage_gb <= 0:
        given = _given(w, ("object_storage_access", "object_cool_after_days", "object_retention_days"))
        return "no object storage" + (f"; {', '.join(given)} given but unused (object_storage_gb 0)" if given
                                      else "")
    cat = catalog_for(w.cloud)
    standard = cat.price("object_storage")
    label = standard.sku if standard else cat.product("object_storage")
    endpoint = (f"; the fleet reaches {cat.product('object_storage')} through a {cat.product('gateway_endpoint')} "
                "(free), not the NAT gateways" if "gateway_endpoint" in cat.products else "")
    if s.object_class == "hot":
        if w.object_storage_access != "hot":
            return (f"{cat.label} has no {w.object_storage_access} storage class priced here: all "
                    f"{w.object_storage_gb:,.0f} GB stay in {label}{endpoint}")
        return f"{w.object_storage_gb:,.0f} GB in {label}; objects stay hot (object_storage_access hot){endpoint}"
    c = cat.object_classes[s.object_class]
    raised = (f" (raised from {w.object_cool_after_days:g}: {c.label} takes objects no sooner)"
              if s.object_cool_after_days_applied > w.object_cool_after_days else "")
    kept = ("kept for ever" if w.object_retention_days != w.object_retention_days
            else f"deleted after {w.object_retention_days:g} days")
    early = (f"; {s.object_early_delete_gb:,.0f} GB-month billed for objects deleted before {c.label}'s "
             f"{c.min_days:g}-day minimum" if s.object_early_delete_gb > 0 else "")
    note = f"; {c.note}" if c.note else ""
    return (f"a lifecycle rule moves objects to {c.label} {s.object_cool_after_days_applied:g} days after upload"
            f"{raised}, {kept}; growing {w.monthly_growth:.1%}/month, {s.object_hot_gb:,.0f} GB are younger and "
            f"stay in {label}, {s.object_cool_gb:,.0f} GB sit in {c.label}{early}; "
            f"{s.object_transitions_k * 1000:,.0f} transitions a month ({p.object_size_kb:g} KB objects), "
            f"{p.cooled_read_share:.0%} of reads hit cooled objects{note}{endpoint}")


def _given(w: object, fields: tuple[str, ...]) -> list[str]:
    """The fields of ``fields`` set away from their defaults (a missing optional value reads NaN in a frame)."""
    def value(f: str) -> object:
        v = getattr(w, f)
        return None if isinstance(v, float) and v != v else v

    return [f for f in fields if value(f) != Workload.model_fields[f].default]


def _async(w: object, s: object, p: SizingPolicy) -> str:
    if not s.async_used:
        given = _given(w, ("queue_kind", "job_cpu_ms", "job_message_kb", "max_queue_delay_seconds"))
        return "no background jobs (async_jobs_per_second 0)" + (
            f"; {', '.join(given)} given but unused" if given else "")
    cat = catalog_for(w.cloud)
    avg = w.async_jobs_per_second / w.peak_to_average
    carrier = (f"{cat.product('stream')}: {s.stream_shards:.0f} shard(s) for {w.async_jobs_per_second:,.0f} records/s "
               f"of {w.job_message_kb:g} KB (1 MB/s or 1,000 records/s each)" if w.queue_kind == "stream" else
               f"{cat.product('queue')} {w.queue_kind} queue: {s.queue_requests_month / 1e6:,.1f}M requests a month "
               "(send, receive, delete per 64 KB) plus idle long polls")
    role = "stream_shard" if w.queue_kind == "stream" else "queue_requests"
    if cat.price(role) is None:
        kind = "stream" if w.queue_kind == "stream" else "queue"
        carrier = f"{cat.label}'s price book has no {kind} prices: not billed"
    return (f"{w.async_jobs_per_second:,.4g} jobs/s at peak ({avg:,.4g} average) of {w.job_cpu_ms:g} ms, none waiting "
            f"over {w.max_queue_delay_seconds:g} s: drain {s.drain_rate_per_s:,.4g} jobs/s = max(average, peak x "
            f"T / (T + delay)) with a {p.async_peak_seconds / 60:g}-minute peak (the backlog, Little's law), an "
            f"M/M/c pool of {s.worker_vcpu_needed:,.0f} vCPU at {p.worker_target_utilization:.0%} keeps the p99 wait "
            f"within the delay; scaled by the hour on queue depth; {carrier}")


def _edge(w: object, s: object, p: SizingPolicy) -> str:
    cat = catalog_for(w.cloud)
    secrets = (f"{p.secrets} secrets in {cat.product('secrets')}, read about {p.secret_reads_per_instance_hour:g} "
               f"time(s) per instance-hour (clients cache them), {p.kms_keys} {cat.product('kms')} key(s)"
               if cat.price("secrets") is not None else f"{cat.label}'s price book has no secrets-manager prices")
    if not w.public:
        return f"not public (not internet-facing): no web application firewall; {secrets}"
    where = "at the CDN, every request the edge receives" if s.cdn_used else "at the load balancer"
    waf = (f"{cat.product('waf')}: a web ACL with {p.waf_rules} rules inspects requests {where}"
           if cat.price("waf_acl") is not None else f"{cat.label}'s price book has no WAF prices: not billed")
    return f"public: {waf}; {secrets}"


def _key_value(w: object, s: object, p: SizingPolicy) -> str:
    if w.data_model != "key_value":
        return "data_model relational: a SQL database"
    cat = catalog_for(w.cloud)
    if not s.kv_priced:
        return f"{cat.label}'s price book has no key-value store prices: the relational database is planned"
    name = cat.product("key_value")
    modes = (f"on demand ${s.kv_on_demand_usd:,.0f}/month ({s.kv_read_units_month / 1e6:,.0f}M read and "
             f"{s.kv_write_units_month / 1e6:,.0f}M write units of {p.kv_item_kb:g} KB items"
             f"{', eventually consistent reads' if p.kv_eventually_consistent else ''}) vs provisioned "
             f"${s.kv_provisioned_usd:,.0f}/month ({s.kv_rcu_hours:,.0f} read and {s.kv_wcu_hours:,.0f} write "
             f"capacity unit-hours tracking the load at {p.kv_target_utilization:.0%})")
    whole = (f"{name} {s.kv_capacity_mode.replace('_', ' ')} ${s.kv_monthly_usd:,.0f}/month with "
             f"{s.kv_storage_gb:,.0f} GB stored and point-in-time recovery vs the relational database "
             f"${s.relational_monthly_usd:,.0f}/month")
    verdict = "the key-value store replaces it" if s.kv_used else "the relational database stays (cheaper)"
    return f"{modes}; {whole}: {verdict}"


def _usd(hourly: float) -> str:
    return f"${hourly * HOURS_PER_MONTH:,.0f}/month"


def _cache(w: object, s: object, p: SizingPolicy) -> str:
    shards = f"{s.db_shards_without_cache:,.0f} shards of " if s.db_shards_without_cache > 1 else ""
    alone = (f"database alone {_usd(s.db_hourly_usd_without_cache)} "
             f"({shards}{s.db_instance_class_without_cache or 'none fits'})")
    with_cache = s.cache_hourly_usd_with_database
    if not s.cache_used:
        if p.cache_mode == "never":
            return "policy.cache_mode is never"
        if not np.isfinite(with_cache):
            return f"no cache: {alone}; no cache size could be priced"
        if s.cache_bill_is_bound:
            return (f"a cache does not pay: {alone} vs at least {_usd(with_cache)} for the cheapest cache + the "
                    "least any database costs behind it (writes, connections and storage stay)")
        return f"a cache does not pay: {alone} vs {_usd(with_cache)} for the cheapest cache + database"
    pays = (f"cache + database {_usd(with_cache)} vs {alone} (each with its backups and DR copies)"
            if p.cache_mode == "auto"
            else "policy.cache_mode is always")
    return (f"{pays}; holds {s.cache_size_fraction:.0%} of the hot working set ({s.cache_working_set_gb:,.1f} GB with "
            f"{p.cache_item_overhead:.0%} item overhead, {p.cache_reserved_memory:.0%} of node memory reserved), "
            f"i.e. the hottest {s.cache_data_fraction:.2%} of {s.data_size_gb_horizon:,.0f} GB; hit ratio "
            f"{s.cache_hit_ratio:.0%} from the locality curve ({p.hot_read_share:.0%} of reads on the hottest "
            f"{w.hot_data_fraction:.0%}); {s.cache_shards:,.0f} shard(s) for that memory and "
            f"{s.cache_peak_read_rps:,.0f} reads/s at the horizon peak ({p.cache_ops_per_vcpu:,.0f} operations a "
            f"second per sustained vCPU, at most {p.cache_max_ops_per_node:,.0f} a node)")


def _multi_az(w: object, s: object, p: SizingPolicy) -> str:
    if s.kv_used:
        return f"{catalog_for(w.cloud).product('key_value')} keeps every table in three AZs"
    if not s.db_multi_az:
        return (f"availability target {pct(w.availability_target)} < {pct(p.multi_az_min_availability)} and RTO "
                f"{w.rto_minutes:g} min >= {p.single_az_restore_minutes:g} min for a single-AZ restore")
    reasons = []
    if w.availability_target >= p.multi_az_min_availability:
        reasons.append(f"availability target {pct(w.availability_target)} >= {pct(p.multi_az_min_availability)}")
    if w.rto_minutes < p.single_az_restore_minutes:
        reasons.append(f"RTO {w.rto_minutes:g} min < {p.single_az_restore_minutes:g} min to restore single-AZ")
    return "; ".join(reasons) + f": a standby in another AZ fails over in about {p.failures.failover_minutes:g} min"


def _db_class(w: object, s: object, p: SizingPolicy) -> str:
    if not s.db_fits:
        return "no class fits"
    cat = catalog_for(w.cloud)
    engine = cat.database_label(s.db_engine_variant, p.database_engine)
    storage = (f"{s.db_peak_iops:,.0f} IOPS at the horizon peak, {s.db_baseline_iops:,.0f} included with gp3"
               + (f", {s.db_provisioned_iops:,.0f} provisioned" if s.db_provisioned_iops > 0 else "")
               if s.db_volume_type == "gp3" else
               f"{s.db_peak_iops:,.0f} IOPS at the horizon peak on {s.db_volume_type}"
               + (f" ({s.db_io_million_month:,.1f}M I/O requests a month)" if s.db_io_million_month > 0 else ""))
    after = " after the cache" if s.cache_used else ""
    shards = s.db_shards
    fewest = s.db_fewest_shards
    saving = (s.db_fewest_hourly_usd - s.db_hourly_usd) * HOURS_PER_MONTH
    why = (f"one cluster, the largest writer with up to {p.db_max_read_replicas} replicas, would not carry the load"
           if fewest > 1 else "one cluster would carry the load")
    spec = {v.name: v for v in cat.databases}.get(s.db_engine_variant)
    one_volume_gb = s.data_size_gb_horizon * (1 + p.storage_overhead) / fewest
    too_big = (f"; {fewest:,.0f} would need volumes of {one_volume_gb:,.0f} GB, past the {spec.short} limit of "
               f"{spec.max_storage_gb:,.0f} GB" if spec and one_volume_gb > spec.max_storage_gb else
               f"; {fewest:,.0f} fit no class")
    if shards > fewest:
        why += (f"; {shards:,.0f} shards cost ${saving:,.0f} a month less than the fewest that carry it, "
                f"{fewest:,.0f}, on the whole database bill" if np.isfinite(saving) else too_big)
    sharded = (f"{shards:,.0f} shards (the application must partition its data by key: {why}; assumed "
               f"${p.db_sharding_usd_month:,.0f} a month for the partitioning and "
               f"${p.db_shard_operations_usd_month:,.0f} for operating each cluster), "
               f"{s.data_size_gb_horizon / shards:,.0f} GB of data each, " if shards > 1 else "")
    other = s.db_pooler_other_hourly_usd
    versus = {"proxy": f"PgBouncer instances at ${other:,.2f}", "pgbouncer": f"{cat.database_proxy} at ${other:,.2f}"}
    cheaper = (f" (${s.db_pooler_hourly_usd:,.2f} an hour, less than {versus[s.db_pooler]})"
               if s.db_pooler in versus and np.isfinite(other) else "")
    if (s.db_pooler == "pgbouncer" and spec and spec.proxy_ref and not spec.proxy_readers and s.db_read_replicas > 0
            and not np.isfinite(other)):
        cheaper = f" ({cat.database_proxy} fronts the writer alone, not its read replicas)"
    need = (f", since the application's {s.db_connections_needed:,.0f} connections exceed the "
            f"{float(max_connections(np.float64(s.db_memory_gib), p)):,.0f} the class takes")
    each = "each shard" if shards > 1 else "it"
    pooled = {"builtin": f"; {cat.database_pooler} in front" + need,
              "pgbouncer": f"; {s.db_pooler_instances:,.0f} PgBouncer instances in front of {each} (transaction "
                           f"pooling, about {p.db_pool_connections_per_vcpu:g} server connections per database "
                           f"vCPU){cheaper}" + need,
              "proxy": f"; {cat.database_proxy} in front of {each}, billed on the "
                       f"{s.db_proxy_vcpu:,.0f} vCPUs behind it{cheaper}" + need}.get(s.db_pooler, "")
    copies = spec.multi_az_copies if spec else 0.0
    instances = shards * ((copies if s.db_multi_az and copies else 1) + s.db_read_replicas)
    # soft quotas the plan needs raised, each with its documented default
    needs = {"db_instances": instances, "db_proxies": shards if s.db_pooler == "proxy" else 0}
    raise_ = [f"{cat.quotas[k][0]} is {cat.quotas[k][1]:,.0f} by default, ask for {n:,.0f}"
              for k, n in needs.items() if k in cat.quotas and n > cat.quotas[k][1]]
    quota_note = f"; {'quotas' if len(raise_) > 1 else 'quota'}: {'; '.join(raise_)}" if raise_ else ""
    return (f"{sharded}cheapest {engine} whole bill (instances, storage, IOPS, backups, DR copies and replica) with "
            f"{s.db_primary_vcpu_needed:,.1f} vCPU for "
            f"{s.db_write_rps / shards:,.0f} writes/s and {s.db_read_rps / shards:,.0f} reads/s{after} and "
            f"{s.db_connections_needed:,.0f} connections{pooled}: {s.db_memory_gib:g} GiB caches "
            f"{p.db_buffer_memory_fraction:.0%} as buffers, hit ratio {s.db_buffer_hit_ratio:.1%} on the reads "
            f"that reach it, misses x {p.db_pages_per_read:g} pages + writes x {p.db_iops_per_write:g} = {storage}"
            f"{quota_note}")


def _replicas(s: object) -> str:
    primary = "each shard's primary" if s.db_shards > 1 else "the primary"
    if s.db_read_replicas == 0:
        return f"reads fit on {primary}"
    by_iops = getattr(s, "db_replicas_for_iops", 0.0)
    if by_iops >= s.db_read_replicas:  # the IOPS, not the read CPU, set the count
        return (f"each volume delivers at most {s.db_volume_iops_cap:,.0f} IOPS: {s.db_read_replicas:.0f} "
                f"replica(s), each with a volume of its own, spread the misses so each serves "
                f"{s.db_peak_iops:,.0f}")
    return f"reads need {s.db_read_vcpu:,.1f} vCPU, beyond {primary}'s spare capacity"


def _storage(s: object, p: SizingPolicy) -> str:
    per_shard = (f", over {s.db_shards:,.0f} shards: {s.data_size_gb_horizon / s.db_shards:,.1f} GB of data each"
                 if s.db_shards > 1 else "")
    return (f"{s.data_size_gb_horizon:,.1f} GB at the horizon{per_shard} x {1 + p.storage_overhead:g} for indexes, "
            f"WAL and free space (at least {p.min_storage_gb:g} GB) on {s.db_volume_type or 'gp3'}; backups kept "
            f"{p.backup_retention_days} days, {s.db_backup_billed_gb:,.0f} GB{' a shard' if s.db_shards > 1 else ''} "
            "beyond the free allowance")


def _dr(w: object, s: object, rto: np.ndarray, p: SizingPolicy) -> str:
    """``rto``: the recovery time each tier achieves for this scenario's database."""
    i = int(s.dr_tier_index)
    tier = p.dr_tiers[i]
    side = " a shard, shards side by side" if s.db_shards > 1 else ""
    restore = (f" ({tier.rto_minutes:g} + {s.db_restore_gb:,.0f} GB / {tier.restore_gb_per_minute:g} GB/min "
               f"restore{side})" if tier.restore_gb_per_minute > 0 else "")
    if rto[i] > w.rto_minutes or tier.rpo_minutes > w.rpo_minutes:  # no tier meets them: the most capable, short
        return (f"no tier meets RTO {w.rto_minutes:g} / RPO {w.rpo_minutes:g} min: the most capable, {tier.label}, "
                f"gives RTO {rto[i]:,.0f}{restore} / RPO {tier.rpo_minutes:g} min")
    why = (f"cheapest tier with RTO {rto[i]:,.0f}{restore} <= {w.rto_minutes:g} min and RPO "
           f"{tier.rpo_minutes:g} <= {w.rpo_minutes:g} min")
    if i > 0:
        prev = p.dr_tiers[i - 1]
        why += f" ({prev.label} gives {rto[i - 1]:,.0f} / {prev.rpo_minutes:g} min)"
    return why
