"""The architecture's outer parts (issue 14): CDN, object-storage lifecycle, queues and workers, WAF, secrets.

Each bill is checked against a hand computation from the list prices in the bundled book (CloudFront,
S3, SQS, Kinesis, WAF, Secrets Manager and KMS pricing pages, us-east-1)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from planner.plan.model import make_plan
from planner.report.mermaid import mermaid
from planner.running.batch import run_batch
from planner.running.batch_input import read_batch
from planner.sizing.workers import drain_rate
from planner.workload.model import Workload, WorkloadError, workload_from_dict

GB_PER_KB = 1 / 1024 / 1024


def plan(**fields):
    return make_plan(Workload.model_validate({"name": "t", **fields}))


def line(p, option: str, component: str) -> float:
    b = p.option(option).bom
    rows = b[b.component == component]
    return float(rows.monthly_usd.sum()) if len(rows) else 0.0


def test_published_prices_of_the_new_services(book):
    def price(service, item, dimension="", region="us-east-1"):
        return book.tiers("aws", region, service, item, dimension)

    assert price("dynamodb", "read_request_units", "standard").cost_usd(np.array([1.0]))[0] == pytest.approx(0.125)
    assert price("dynamodb", "write_request_units", "standard").cost_usd(np.array([1.0]))[0] == pytest.approx(0.625)
    assert price("sqs", "requests", "standard").cost_usd(np.array([1.0]))[0] == pytest.approx(0.40)
    # 100,000 M requests at 0.40, the next 100,000 M at 0.30
    assert price("sqs", "requests", "standard").cost_usd(np.array([150_000.0]))[0] == pytest.approx(
        100_000 * 0.40 + 50_000 * 0.30)
    assert price("kinesis", "shard_hour", "provisioned").cost_usd(np.array([1.0]))[0] == pytest.approx(0.015)
    assert price("waf", "web_acl").cost_usd(np.array([1.0]))[0] == pytest.approx(5.0)
    assert price("waf", "requests").cost_usd(np.array([1.0]))[0] == pytest.approx(0.60)
    assert book.allowance("aws", "cloudfront", "free_tier_data_out") == 1024


def test_cdn_bill_by_hand():
    # 300 req/s peak / 3 = 100 req/s average: 262.8M requests and 25,062.9 GB of 100 KB responses a month
    p = plan(peak_rps=300, response_kb=100, read_fraction=0.9, cacheable_fraction=0.5, cdn="always")
    requests = 100 * 3600 * 730
    gb = requests * 100 * GB_PER_KB
    # CloudFront, United States: the first 1,024 GB free, then 10 TB at 0.085 and the next 40 TB at 0.080
    billable = gb - 1024
    assert line(p, "horizontal", "CDN data out") == pytest.approx(10240 * 0.085 + (billable - 10240) * 0.080)
    # HTTPS requests 0.0100 per 10k after the first 10M
    assert line(p, "horizontal", "CDN requests") == pytest.approx((requests / 1e4 - 1000) * 0.0100)
    assert line(p, "horizontal", "internet egress") == 0  # the origin sends to the CDN, free from AWS origins
    s = p.sizing
    assert s.cdn_offload == pytest.approx(0.45)
    assert s.peak_rps == pytest.approx(300 * 0.55) and s.users_peak_rps == 300
    # the origin keeps every write and loses the cached reads: (0.9 - 0.45) / 0.55
    assert s.read_fraction == pytest.approx(0.45 / 0.55)
    diagram = mermaid(p, p.option("horizontal"))
    assert "CloudFront" in diagram and "|300 req/s peak| cdn" in diagram


def test_cdn_auto_only_where_it_pays():
    base = dict(peak_rps=2000, response_kb=200, read_fraction=0.95)
    assert not plan(**base).sizing.cdn_used  # nothing cacheable: not considered under auto
    auto = plan(**base, cacheable_fraction=0.8)
    never = plan(**base, cacheable_fraction=0.8, cdn="never")
    assert auto.sizing.cdn_used and not never.sizing.cdn_used
    assert auto.recommended.monthly_usd < never.recommended.monthly_usd
    # tiny responses and little traffic: the edge's request price outweighs the egress saved
    small = plan(peak_rps=50, response_kb=1, cacheable_fraction=0.2)
    assert not small.sizing.cdn_used and "does not pay" in small.sizing.cdn_why


def test_cacheable_share_cannot_exceed_reads():
    with pytest.raises(WorkloadError, match=r"cacheable_fraction \(0.8\) cannot exceed read_fraction \(0.5\)"):
        workload_from_dict({"peak_rps": 100, "read_fraction": 0.5, "cacheable_fraction": 0.8})


def test_lifecycle_by_hand_without_growth():
    # no growth, kept 365 days, cooling after 30: 30/365 of 3,650 GB stays in Standard
    p = plan(peak_rps=100, monthly_growth=0, object_storage_gb=3650, object_storage_access="warm",
             object_cool_after_days=30, object_retention_days=365)
    s = p.sizing
    assert s.object_hot_gb == pytest.approx(300) and s.object_cool_gb == pytest.approx(3350)
    assert line(p, "horizontal", "object storage (cooled)") == pytest.approx(3350 * 0.0125)  # Standard-IA
    # 10 GB a day arrive; each 256 KB object is moved once: 10 x 365/12 GB / 256 KB per month, 0.01 per 1k
    moved_k = 10 * 365 / 12 / (256 * GB_PER_KB) / 1000
    assert line(p, "horizontal", "object lifecycle transitions") == pytest.approx(moved_k * 0.01)
    assert s.object_early_delete_gb == 0


def test_minimum_duration_and_transition_age():
    # deleted 45 days after upload, cooled at 30: 15 days in Standard-IA, billed for its 30-day minimum
    p = plan(peak_rps=100, monthly_growth=0, object_storage_gb=4500, object_storage_access="warm",
             object_cool_after_days=30, object_retention_days=45)
    arrival = 4500 / 45
    assert p.sizing.object_early_delete_gb == pytest.approx(arrival * (30 - 15))
    assert "30-day minimum" in p.sizing.objects_why
    # Standard-IA takes objects no sooner than 30 days after upload
    q = plan(peak_rps=100, object_storage_gb=1000, object_storage_access="warm", object_cool_after_days=7)
    assert q.sizing.object_cool_after_days_applied == 30 and "raised from 7" in q.sizing.objects_why


def test_hot_objects_bill_as_before():
    p = plan(peak_rps=100, object_storage_gb=2000)
    assert line(p, "horizontal", "object storage") == pytest.approx(2000 * 0.023)
    assert line(p, "horizontal", "object storage (cooled)") == 0


def test_lifecycle_growth_shifts_stock_to_young_objects():
    fast = plan(peak_rps=100, object_storage_gb=1000, object_storage_access="archive", monthly_growth=0.2)
    slow = plan(peak_rps=100, object_storage_gb=1000, object_storage_access="archive", monthly_growth=0.01)
    assert fast.sizing.object_hot_gb > slow.sizing.object_hot_gb


def test_workers_and_queue_by_hand():
    p = plan(peak_rps=200, async_jobs_per_second=100, job_cpu_ms=300, max_queue_delay_seconds=120)
    s = p.sizing
    mu = max(100 / 3, 100 * 3600 / (3600 + 120))  # a 1-hour peak drained within 120 s
    assert s.drain_rate_per_s == pytest.approx(mu)
    assert s.worker_vcpu_needed == math.ceil(mu * 0.3 / 0.8)  # M/M/c at 80 %; the p99 wait is far below 120 s
    jobs = 100 / 3 * 3600 * 730
    assert s.queue_requests_month == pytest.approx(3 * jobs)
    o = p.option("horizontal")
    # and each worker's idle long polls, one per 20 s: at most the peak count of workers all month
    polls = o.row.workers * 730 * 3600 / 20
    queue = line(p, "horizontal", "queue (standard)")
    assert (3 * jobs / 1e6 - 1) * 0.40 < queue <= ((3 * jobs + polls) / 1e6 - 1) * 0.40 + 1e-9
    # the type with the least price per reference vCPU (its vCPUs x its family's work, policy.vcpu_throughput)
    family = o.row.worker_type.split(".")[0]
    work = 2 * p.workload.policy.vcpu_throughput.get(family, 1.0)
    assert o.row.worker_type.endswith(".large")
    assert o.row.workers == math.ceil(s.worker_vcpu_needed / work)
    # functions: one invocation per job, 300 ms at one vCPU (1,769 MB)
    assert line(p, "serverless", "workers: function requests") == pytest.approx(jobs / 1e6 * 0.20)


def test_a_long_delay_drains_at_the_average():
    assert drain_rate(np.array([90.0]), np.array([30.0]), np.array([86_400.0]), 3600)[0] == pytest.approx(30 * 1.0,
                                                                                                          rel=0.05)
    assert drain_rate(np.array([90.0]), np.array([30.0]), np.array([1.0]), 3600)[0] == pytest.approx(90, rel=1e-3)


def test_stream_shards_by_hand():
    p = plan(peak_rps=100, async_jobs_per_second=2000, job_message_kb=4, queue_kind="stream")
    assert p.sizing.stream_shards == math.ceil(2000 * 4 / 1024)  # 7.8 MB/s at 1 MB/s a shard
    assert line(p, "horizontal", "stream shards") == pytest.approx(8 * 730 * 0.015)
    jobs = 2000 / 3 * 3600 * 730
    assert line(p, "horizontal", "stream PUT payload units") == pytest.approx(jobs / 1e6 * 0.014)
    many = plan(peak_rps=100, async_jobs_per_second=2500, job_message_kb=0.1, queue_kind="stream")
    assert many.sizing.stream_shards == 3  # 1,000 records/s a shard


def test_more_jobs_never_cost_less():
    costs = [plan(peak_rps=200, async_jobs_per_second=j).recommended.monthly_usd for j in (0, 1, 10, 100, 1000)]
    assert costs == sorted(costs)


def test_waf_and_secrets_by_hand():
    p = plan(peak_rps=300, public=True)
    requests = 100 * 3600 * 730
    assert line(p, "horizontal", "WAF web ACL") == 5 and line(p, "horizontal", "WAF rules") == 5
    assert line(p, "horizontal", "WAF requests") == pytest.approx(requests / 1e6 * 0.60)
    assert line(p, "horizontal", "secrets") == pytest.approx(5 * 0.40)
    assert line(p, "horizontal", "encryption keys") == 1
    private = plan(peak_rps=300)
    assert line(private, "horizontal", "WAF web ACL") == 0
    assert p.recommended.monthly_usd > private.recommended.monthly_usd


def test_gcp_without_cdn_prices_says_so():
    p = plan(cloud="gcp", region="us-central1", peak_rps=300, cacheable_fraction=0.5, cdn="always",
             object_storage_gb=1000, object_storage_access="warm")
    assert not p.sizing.cdn_used and "no CDN prices" in p.sizing.cdn_why
    assert line(p, "horizontal", "object storage (cooled)") == pytest.approx(
        p.sizing.object_cool_gb * 0.01)  # Nearline, us-central1
    azure = plan(cloud="azure", region="eastus", peak_rps=300, object_storage_gb=1000, object_storage_access="warm")
    assert azure.sizing.object_class == "hot" and "no warm storage class" in azure.sizing.objects_why


def test_batch_reads_and_rejects_the_new_fields(tmp_path, book):
    path = tmp_path / "in.csv"
    path.write_text("name,peak_rps,public,queue_kind,async_jobs_per_second\n"
                    "a,300,true,fifo,10\nb,300,maybe,standard,0\nc,300,false,kafka,1\n")
    inp = read_batch(path, book)
    bad = {e.row: str(e) for e in inp.errors}
    assert set(bad) == {3, 4}
    assert "public" in bad[3] and "queue_kind" in bad[4] and "kafka" in bad[4]
    result = run_batch(inp, book)
    assert result.summary.monthly_usd.iloc[0] == pytest.approx(
        plan(peak_rps=300, public=True, queue_kind="fifo", async_jobs_per_second=10).recommended.monthly_usd,
        rel=1e-9)


def test_cost_breakdown_names_the_new_tiers():
    from planner.report.breakdown import cost_breakdown

    p = plan(peak_rps=2000, response_kb=200, read_fraction=0.95, cacheable_fraction=0.8, public=True,
             async_jobs_per_second=10)
    b = cost_breakdown(p)
    mine = b[b.option == "horizontal"].set_index("group").monthly_usd
    assert mine["CDN"] == pytest.approx(line(p, "horizontal", "CDN data out") + line(p, "horizontal", "CDN requests"))
    assert mine["background jobs"] == pytest.approx(line(p, "horizontal", "workers")
                                                   + line(p, "horizontal", "queue (standard)"))
    assert mine["security"] > 10  # a web ACL and five rules at least
    kv = plan(peak_rps=500, data_model="key_value")
    b = cost_breakdown(kv)
    db = b[(b.option == "horizontal") & (b.group == "database")].monthly_usd.sum()
    assert db == pytest.approx(sum(line(kv, "horizontal", c) for c in (
        "key-value reads", "key-value writes", "key-value read capacity", "key-value write capacity",
        "key-value storage", "key-value backups")))


def test_key_value_bill_by_hand():
    # 2,000 req/s peak, 80 % reads of 1 KB items: 666.7 req/s on average
    p = plan(peak_rps=2000, read_fraction=0.8, data_size_gb=50, data_model="key_value")
    s = p.sizing
    month_s = 3600 * 730
    rru = 2000 / 3 * 0.8 * month_s * 0.5  # eventually consistent: half a read unit per 4 KB
    wru = 2000 / 3 * 0.2 * month_s * 1.0
    assert s.kv_on_demand_usd == pytest.approx(rru / 1e6 * 0.125 + wru / 1e6 * 0.625)
    assert s.kv_used and s.kv_capacity_mode in ("on_demand", "provisioned")
    mode_usd = min(s.kv_on_demand_usd, s.kv_provisioned_usd)
    assert s.kv_monthly_usd == pytest.approx(mode_usd + (50 - 25) * 0.25 + 50 * 0.20)  # storage after 25 GB, PITR
    assert line(p, "horizontal", "key-value storage") == pytest.approx(25 * 0.25)
    assert line(p, "horizontal", "database") == 0 and line(p, "horizontal", "cache") == 0
    assert s.kv_monthly_usd < s.relational_monthly_usd
    assert "DynamoDB" in mermaid(p, p.recommended)


def test_provisioned_capacity_tracks_the_load():
    from planner.sizing.keyvalue import capacity_unit_hours

    flat = capacity_unit_hours(np.array([700.0]), np.ones((1, 24)), 0.7)
    assert flat[0] == pytest.approx(1000 * 730)  # 700 units/s at 70 %: 1,000 units every hour
    idle = capacity_unit_hours(np.array([0.01]), np.ones((1, 24)), 0.7)
    assert idle[0] == pytest.approx(730)  # at least one unit


def test_key_value_global_table_for_a_warm_dr_tier():
    p = plan(peak_rps=500, data_size_gb=100, data_model="key_value", rto_minutes=30, rpo_minutes=5)
    assert p.sizing.kv_used and p.recommended.dr_tier != "backup_restore"
    assert line(p, p.recommended.name, "DR: global table storage") == pytest.approx(100 * 0.25)
    assert line(p, p.recommended.name, "DR: global table replicated writes") > 0
    assert line(p, p.recommended.name, "DR: database replica") == 0


def test_relational_stays_where_key_value_is_dearer():
    # heavy writes of large items: 10 KB writes are ten write units each
    p = make_plan(Workload.model_validate({"peak_rps": 3000, "read_fraction": 0.3, "data_size_gb": 20,
                                           "data_model": "key_value", "policy": {"kv_item_kb": 10}}))
    assert not p.sizing.kv_used and "relational database stays" in p.sizing.kv_why
    assert line(p, "horizontal", "database (writer + readers)") + line(p, "horizontal", "database") > 0
    gcp = plan(cloud="gcp", region="us-central1", peak_rps=300, data_model="key_value")
    assert not gcp.sizing.kv_used and "no key-value store prices" in gcp.sizing.kv_why


def test_pods_per_node_by_hand():
    from planner.sizing.kubernetes import pods_per_node, reserved_memory_gib, reserved_vcpu
    from planner.workload.policy import SizingPolicy

    assert reserved_vcpu(4)[()] == pytest.approx(0.06 + 0.01 + 2 * 0.005)
    assert reserved_vcpu(16)[()] == pytest.approx(0.08 + 12 * 0.0025)
    assert reserved_memory_gib(110)[()] == pytest.approx((255 + 11 * 110 + 100) / 1024)
    p = SizingPolicy()  # pods of 0.5 vCPU / 1 GB, DaemonSets 0.2 vCPU / 0.5 GB a node
    assert pods_per_node(4, 16, p)[()] == 7  # CPU-bound: (4 - 0.08 - 0.2) / 0.5 = 7.4
    assert pods_per_node(4, 8, p)[()] == 5  # memory-bound: 8 - 1.53 - 0.5 = 5.97 GB
    assert pods_per_node(2, 0.5, p)[()] == 0
    assert pods_per_node(64, 512, p)[()] == 110  # the pod cap


def test_kubernetes_option_by_hand():
    p = plan(peak_rps=500, rto_minutes=15, rpo_minutes=1)
    k = p.option("kubernetes")
    assert k.feasible and k.row.pods_per_node >= 1 and k.dr_tier == "warm_standby"
    assert line(p, "kubernetes", "EKS control plane") == pytest.approx(0.10 * 730)
    # a warm standby runs a share of the nodes in the DR region, so a control plane there too
    assert line(p, "kubernetes", "DR: Kubernetes control plane") == pytest.approx(0.10 * 730)
    assert line(plan(peak_rps=500), "kubernetes", "DR: Kubernetes control plane") == 0  # backup and restore
    assert "pods fit" in k.row.option_why and "EKS" in mermaid(p, k)
    # the same instance types with the kubelet's and DaemonSets' share taken, plus a control plane: never cheaper
    # than the plain fleet
    for name in ("mid-size-saas", "high-traffic-consumer-app", "media-site"):
        from planner.workload.scenarios import scenario

        q = make_plan(scenario(name))
        assert q.option("kubernetes").monthly_usd > q.option("horizontal").monthly_usd, name


def test_kubernetes_without_a_fitting_node_is_rejected():
    p = make_plan(Workload.model_validate({"peak_rps": 100, "policy": {"pod_memory_gb": 200}}))
    k = p.option("kubernetes")
    assert not k.feasible and "no node type" in " ".join(k.reasons)


@pytest.mark.parametrize(("cloud", "region", "product"), [("gcp", "us-central1", "GKE"), ("azure", "eastus", "AKS")])
def test_kubernetes_control_plane_on_the_other_clouds(cloud, region, product):
    p = plan(cloud=cloud, region=region, peak_rps=300)
    assert line(p, "kubernetes", f"{product} control plane") == pytest.approx(0.10 * 730)


def test_combinations_that_make_no_sense_are_explained():
    with pytest.raises(WorkloadError, match="cache in front of the key-value store is not modelled"):
        workload_from_dict({"peak_rps": 100, "data_model": "key_value", "policy": {"cache_mode": "always"}})
    p = plan(peak_rps=100, queue_kind="fifo", object_storage_access="archive")
    assert "queue_kind given but unused" in p.sizing.async_why
    assert "object_storage_access given but unused" in p.sizing.objects_why
