"""Google Cloud: Compute Engine managed instance groups, Cloud SQL, Memorystore for Redis Cluster, Cloud Run,
Cloud Run functions, Cloud Load Balancing and Cloud NAT, as priced in ``pricing_data/gcp``.

SLA figures were read from Google's published SLA pages (Compute Engine: 99.99 % for instances in multiple
zones, 99.9 % for a single instance; Cloud SQL Enterprise: 99.95 % for a regional (HA) instance; Memorystore
for Redis Cluster: 99.99 % with replicas; Cloud Run and Cloud Run functions: 99.95 %; Cloud Load Balancing:
99.99 %); a zonal Cloud SQL instance or a cache without replicas has no SLA and is taken as a single instance
(99.5 %), as on AWS. Typed from the pages as of 2026-07; unverified.
"""

from __future__ import annotations

from planner.clouds.catalog import CloudCatalog, DatabaseVariant, ObjectClass, PriceRef
from planner.workload.policy import Availability

_SQL_STORAGE = {d: PriceRef("cloudsql", "storage", f"cloudsql/{d}/ssd", "SSD storage") for d in
                ("single-az", "multi-az")}

_LOW = "the book has only Standard-class operation prices: Standard's rate, which runs low for this class"


def _gcs(cls: str, label: str, min_days: float, note: str = "") -> ObjectClass:
    """A Cloud Storage class (Cloud Storage pricing page; minimum storage durations: Nearline 30, Coldline 90,
    Archive 365 days); a lifecycle SetStorageClass is a class A operation."""
    return ObjectClass(label, PriceRef("cloud_storage", "storage", cls, label),
                       PriceRef("cloud_storage", "requests_class_b", "STANDARD", "1k class B operations", note=_LOW),
                       PriceRef("cloud_storage", "retrieval", cls, f"GB retrieved ({label})"),
                       PriceRef("cloud_storage", "requests_class_a", "STANDARD", "1k lifecycle SetStorageClass",
                                note=_LOW),
                       min_days=min_days, note=note)


CATALOG = CloudCatalog(
    name="gcp",
    label="Google Cloud",
    products={
        "kubernetes": "GKE", "node_group": "node pool",
        "fleet": "managed instance group", "vm": "Compute Engine", "containers": "Cloud Run",
        "function": "Cloud Run functions", "api_gateway": "HTTPS endpoint of the function",
        "database": "Cloud SQL", "cache": "Memorystore for Redis Cluster",
        "load_balancer": "Application Load Balancer", "public_ip": "external IPv4 address", "nat": "Cloud NAT",
        "object_storage": "Cloud Storage", "monitoring": "Cloud Monitoring and Logging", "dns": "Cloud DNS",
        "autoscaling": "the managed instance group's autoscaler", "arm": "Arm (Tau T2A, Axion C4A)",
        "fleet_short": "MIG", "tasks": "Cloud Run instances", "concurrency_limit": "the maximum instances",
    },
    compute_service="compute",
    architectures=("x86_64", "arm64"),
    cache_service="memorystore",
    databases=(
        # Cloud SQL SSD: 30 read and 30 write IOPS per GB of disk, up to the machine's limit (Cloud SQL docs,
        # "Storage options"); the 60,000 ceiling is an assumption for the largest machines
        DatabaseVariant(
            name="cloudsql", label="Cloud SQL for {engine}", short="Cloud SQL", service="cloudsql",
            storage="scaled", engine={"postgresql": "postgresql", "mysql": "mysql"}, volume="SSD",
            iops_per_gb=30.0, max_iops=60_000.0, free_backup_fraction=0.0,
            storage_ref=_SQL_STORAGE,
            backup_ref=PriceRef("cloudsql", "backup_storage", "cloudsql/any/backup", "backups",
                                note="Cloud SQL bills all backup storage"),
            replica_storage_ref=_SQL_STORAGE["single-az"],
            # up to 64 TB of storage per instance (Cloud SQL docs, "Quotas and limits"); typed, unverified
            max_storage_gb=65_536),
    ),
    prices={
        "root_volume": PriceRef("persistent_disk", "pd_balanced", "", "pd-balanced"),
        "lb_hour": PriceRef("cloud_load_balancing", "forwarding_rule_hour", "", "forwarding rule (first 5)"),
        "lb_capacity": PriceRef("cloud_load_balancing", "data_processed", "", "GB processed"),
        "public_ip": PriceRef("vpc", "external_ipv4_in_use", "", "external IPv4"),
        "nat_hour": PriceRef("cloud_nat", "vm_hour", "", "VM-hours behind Cloud NAT (up to 32 VMs)"),
        "nat_data": PriceRef("cloud_nat", "data_processed", "", "GB"),
        "inter_az": PriceRef("network", "inter_zone", "", "GB between zones (both directions)"),
        "inter_region": PriceRef("network", "inter_region", "{dr_region}", "GB to {dr_region}"),
        "egress": PriceRef("network", "internet_egress", "worldwide", "GB out (Premium tier)", tiered=True),
        "object_storage": PriceRef("cloud_storage", "storage", "STANDARD", "Standard storage"),
        "k8s_control_plane": PriceRef("gke", "cluster_hour", "", "GKE cluster management fee"),
        "object_writes": PriceRef("cloud_storage", "requests_class_a", "STANDARD", "1k class A operations"),
        "object_reads": PriceRef("cloud_storage", "requests_class_b", "STANDARD", "1k class B operations"),
        "log_ingest": PriceRef("cloud_logging", "ingestion", "", "GB ingested (30 days kept)", tiered=True),
        "log_storage": None,  # 30 days of retention are included in the ingestion price
        "alarms": None,  # alerting policies: no charge in the price list the book holds
        # a custom metric sampled once a minute: 43,800 points x 8 bytes = 0.334 MiB a month (Cloud Monitoring
        # pricing: chargeable volume of a scalar point is 8 bytes)
        "metrics": PriceRef("cloud_monitoring", "metric_ingestion", "", "MiB of custom metric samples",
                            per_unit=43_800 * 8 / 2**20, tiered=True),
        "dns_health_check": None,  # the global load balancer's health checks carry the failover, at no charge
        "container_vcpu": PriceRef("cloud_run", "vcpu_hour", "", note="instance-based billing (CPU always "
                                   "allocated); no committed-use rates in the price book"),
        "container_memory": PriceRef("cloud_run", "memory_gb_hour", "", note="instance-based billing"),
        "function_requests": PriceRef("cloud_run_functions", "requests", "", "1M requests"),
        "function_duration": PriceRef("cloud_run_functions", "memory", "", "GB-seconds", tiered=True),
        "function_cpu": PriceRef("cloud_run_functions", "cpu", "", "vCPU-seconds", tiered=True),
        "function_provisioned": None,  # no provisioned-concurrency price in the book: cold starts refuse functions
        "api_requests": None,  # a function has its own HTTPS endpoint
    },
    allowances={
        "function_requests": ("cloud_run_functions", "free_tier_requests"),
        "function_duration": ("cloud_run_functions", "free_tier_memory"),
        "function_cpu": ("cloud_run_functions", "free_tier_cpu"),
        "log_ingest": ("cloud_logging", "free_tier_ingestion"),
        "metrics": ("cloud_monitoring", "free_tier_metric_ingestion"),
    },
    purchase_notes={
        "on_demand": "everything on demand: no commitment; VMs that run at least the break-even share of the "
                     "day at the full-month sustained-use rate (automatic for N1, N2, N2D, C2; other families "
                     "have none)",
        "savings_1yr": "fleet VMs that run at least the break-even share of the day on 1-year resource-based "
                       "committed use, the rest on demand; Cloud SQL and Memorystore on demand (no committed-use "
                       "rates in the price book)",
        "savings_3yr": "fleet VMs that run at least the break-even share of the day on 3-year resource-based "
                       "committed use, the rest on demand; Cloud SQL and Memorystore on demand (no committed-use "
                       "rates in the price book)",
        "spot_mix": "baseline on demand (at the full-month sustained-use rate where the family has one), "
                    "autoscaled capacity on Spot VMs (may be preempted)",
        "optimise": "the cheapest commitment mix: fleet VMs that run at least the break-even share of the day "
                    "on resource-based committed use of the longest term the horizon covers, the rest on demand "
                    "(Cloud SQL and Memorystore have no committed-use rates in the price book)",
    },
    # resource-based committed use (the book has no spend-based flexible CUD rates; Cloud SQL has no committed-use
    # rows, so it stays on demand, noted in the BOM)
    commitments={1: ("reserved_1yr", "reserved_1yr"), 3: ("reserved_3yr", "reserved_3yr")},
    # uncommitted always-on VMs: the automatic full-month sustained-use discount (where the family has one)
    always_on_option="sustained_use",
    nat_billing="per_vm",
    nat_max_billed_vms=32,
    load_balancer_capacity="gb",
    function_mb_per_vcpu=2048,  # Cloud Run functions: 2 GiB of memory comes with 1 vCPU
    dr_regions={
        "us-central1": "us-east1", "us-east1": "us-central1", "us-east4": "us-central1", "us-east5": "us-central1",
        "us-west1": "us-west2", "us-west2": "us-west1", "us-south1": "us-central1",
        "northamerica-northeast1": "northamerica-northeast2", "northamerica-northeast2": "northamerica-northeast1",
        "europe-west1": "europe-west4", "europe-west4": "europe-west1", "europe-west2": "europe-west1",
        "europe-west3": "europe-west4", "europe-west9": "europe-west1", "europe-north1": "europe-west4",
        "asia-northeast1": "asia-northeast2", "asia-northeast2": "asia-northeast1",
        "asia-southeast1": "asia-east1", "asia-east1": "asia-southeast1", "asia-south1": "asia-south2",
        "asia-south2": "asia-south1", "australia-southeast1": "australia-southeast2",
        "australia-southeast2": "australia-southeast1", "southamerica-east1": "southamerica-west1",
    },
    default_region="us-central1",
    availability=Availability(ec2_single_instance=99.9, ec2_multi_az=99.99, active_standby_pair=99.95,
                              fargate=99.95, lambda_=99.95, api_gateway=100.0, load_balancer=99.99,
                              rds_single_az=99.5, rds_multi_az=99.95, cache_single_node=99.5, cache_multi_az=99.99),
    sla_as_of="2026-07",
    policy_defaults={
        # general purpose and compute optimised, current generation, x86 and Arm (Tau T2A, Axion C4A)
        "horizontal_family_pattern": r"^(e2|n2|n2d|n4|c3|c3d|c4|c4a|c4d|t2d|t2a)$",
        "vertical_family_pattern": r"^(e2|n2|n2d|n4|c3|c3d|c4|c4a|c4d|t2d|t2a)$",
        "database_family_pattern": r"^db-custom$",  # shared-core classes carry no SLA
        "cache_node_pattern": r"^redis-cluster$",
        "lambda_memory_mb": 2048,
    },
    notes=(
        "Always-on Compute Engine VMs are billed at the full-month sustained-use rate (N1, N2, N2D, C2; other "
        "families have no such discount); autoscaled VM-hours at the list rate, without the partial-month "
        "discount some of them would earn.",
        "Cloud SQL and Memorystore are priced in us-central1; other regions carry flagged estimates scaled by "
        "the region's Compute Engine price level.",
    ),
    object_classes={"warm": _gcs("NEARLINE", "Nearline storage", 30),
                    "archive": _gcs("ARCHIVE", "Archive storage", 365)},
)
