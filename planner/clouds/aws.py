"""Amazon Web Services: EC2, RDS / Aurora, ElastiCache, Fargate, Lambda, ALB and the rest, as priced in
``pricing_data/aws``. The sizing policy's defaults are AWS's, so this catalog overrides none of them."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from planner.clouds.catalog import CloudCatalog, DatabaseVariant, ObjectClass, PriceRef
from planner.workload.policy import DEFAULT_DR_REGIONS, Availability, SizingPolicy


def burstable_share(skus: pd.Series, policy: SizingPolicy) -> np.ndarray:
    """Sustained share of each vCPU: 1 for fixed-performance classes, the size's baseline for burstable
    (t-class) ones (``policy.burstable_baselines``, AWS burstable performance docs)."""
    size = skus.str.rsplit(".", n=1).str[-1]
    burstable = skus.str.match(r"^(db\.|cache\.)?t\d").to_numpy()
    share = size.map(policy.burstable_baselines).fillna(0.0).to_numpy(dtype=float)
    return np.where(burstable, share, 1.0)


_FARGATE_NOTE = "on demand: no Fargate Savings Plan or Spot rates in the price book"
_RDS_STORAGE = {d: PriceRef("rds", "storage", f"rds/{d}/{{volume}}", "{volume}") for d in ("single-az", "multi-az")}
# RDS Proxy (Amazon RDS Proxy pricing page: priced per vCPU per hour of each database instance the proxy is
# enabled for, a minimum charge of 2 vCPUs); Aurora's lines by engine, RDS's one line ("rds"). An Aurora proxy
# fronts the cluster's readers too; an RDS proxy only the writer instance (RDS User Guide, "Limitations for RDS
# Proxy": a proxy is associated with the writer, not with a read replica)
_RDS_PROXY = PriceRef("rds", "proxy", "{engine}", "vCPU behind RDS Proxy",
                      note="per vCPU of each instance behind the proxy, at least 2")
_RDS_IOPS = {d: PriceRef("rds", "provisioned_iops", f"rds/{d}/{{volume}}", "{volume} IOPS") for d in
             ("single-az", "multi-az")}


def _aurora(name: str, label: str, short: str, storage: str) -> DatabaseVariant:
    engine = {"postgresql": "aurora-postgresql", "mysql": "aurora-mysql", "mariadb": "aurora-mysql"}
    backup = PriceRef("rds", "backup_storage", "{engine}/any/snapshot", "snapshot",
                      note="beyond the free allowance of 100% of the cluster volume")
    ref = PriceRef("rds", "storage", f"aurora/cluster/{name}", f"{name} storage")
    return DatabaseVariant(
        name=name, label=label, short=short, service="rds", storage=storage, engine=engine,  # type: ignore[arg-type]
        deployment={"single-az": name, "multi-az": name}, multi_az_copies=2.0,
        storage_ref={"single-az": ref, "multi-az": ref},
        io_requests_ref=(PriceRef("rds", "io_requests", f"aurora/cluster/{name}", "1M I/O requests")
                         if storage == "per_request" else None),
        # an Aurora cluster volume grows to 128 TiB (Aurora User Guide, "Amazon Aurora storage"; 256 TiB on some
        # newer versions, not assumed here)
        backup_ref=backup, volume="aurora", optional=True, max_storage_gb=131_072, proxy_ref=_RDS_PROXY,
        proxy_min_vcpu=2.0, proxy_readers=True)


def cloudfront_geography(region: str) -> str:
    """The CloudFront pricing geography of users near ``region`` (CloudFront pricing page: the edge location
    that serves a viewer sets the price; users are taken to live near the region that serves them)."""
    by_region = {"ap-northeast-1": "Japan", "ap-northeast-3": "Japan", "ap-southeast-2": "Australia",
                 "ap-southeast-4": "Australia", "ap-south-1": "India", "ap-south-2": "India",
                 "af-south-1": "South Africa", "il-central-1": "EU"}
    by_prefix = {"us": "United States", "mx": "United States", "ca": "Canada", "eu": "EU", "me": "Middle East",
                 "sa": "South America", "ap": "Asia Pacific"}
    return by_region.get(region) or by_prefix.get(region.split("-", 1)[0], "United States")


# S3 storage classes (S3 pricing page; minimum storage durations and the 30 days an object spends in Standard
# before a lifecycle rule may move it to Standard-IA: S3 User Guide, "Transitioning objects")
_S3_CLASSES = {
    "warm": ObjectClass(
        "S3 Standard-IA", PriceRef("s3", "storage_standard_ia", "STANDARD_IA", "S3 Standard-IA"),
        PriceRef("s3", "requests_get_other", "STANDARD_IA", "1k GET (Standard-IA)"),
        PriceRef("s3", "retrieval", "STANDARD_IA", "GB retrieved (Standard-IA)"),
        PriceRef("s3", "requests_lifecycle_transition", "STANDARD_IA", "1k lifecycle transitions"),
        min_days=30, min_age_days=30),
    "archive": ObjectClass(
        "S3 Glacier Flexible Retrieval", PriceRef("s3", "storage_glacier_flexible_retrieval", "GLACIER",
                                                   "S3 Glacier Flexible Retrieval"),
        PriceRef("s3", "requests_get_other", "GLACIER", "1k GET (Glacier)",
                 note="restore requests are not in the price book: the GET rate, which runs low"),
        PriceRef("s3", "retrieval_standard", "GLACIER", "GB restored (standard retrieval)"),
        PriceRef("s3", "requests_lifecycle_transition", "GLACIER", "1k lifecycle transitions"),
        min_days=90, note="an archived object is read after a restore of 3-5 hours (standard retrieval)"),
}

CATALOG = CloudCatalog(
    name="aws",
    label="AWS",
    products={
        "fleet": "Auto Scaling group", "vm": "EC2", "containers": "ECS Fargate", "function": "Lambda",
        "api_gateway": "API Gateway HTTP API", "database": "RDS / Aurora", "cache": "ElastiCache",
        "load_balancer": "Application Load Balancer", "public_ip": "public IPv4 address", "nat": "NAT gateways",
        "object_storage": "S3", "monitoring": "CloudWatch", "dns": "Route 53", "autoscaling": "Auto Scaling",
        "arm": "Graviton", "fleet_short": "ASG", "cdn": "CloudFront", "waf": "AWS WAF",
        "secrets": "Secrets Manager", "kms": "KMS", "queue": "SQS", "stream": "Kinesis Data Streams",
        "gateway_endpoint": "VPC gateway endpoint", "key_value": "DynamoDB", "kubernetes": "EKS",
        "node_group": "managed node group", "tasks": "Fargate tasks",
        "concurrency_limit": "the account's Lambda concurrency quota",
    },
    compute_service="ec2",
    architectures=("x86_64", "arm64"),
    cache_service="elasticache",
    database_proxy="RDS Proxy",
    # Service Quotas defaults (adjustable): API Gateway's account-level throttle (API Gateway Developer Guide,
    # "Amazon API Gateway quotas": 10,000 requests per second per Region), RDS "DB instances" (RDS User Guide,
    # "Quotas in Amazon RDS": 40 per Region; "Proxies": 20 per Region)
    quotas={"api_requests_per_s": ("API Gateway account-level throttle", 10_000),
            "db_instances": ("RDS DB instances quota", 40), "db_proxies": ("proxies per Region (RDS Proxy)", 20)},
    databases=(
        DatabaseVariant(
            name="rds", label="RDS {engine}", short="RDS", service="rds", storage="provisioned",
            engine={"postgresql": "postgresql", "mysql": "mysql", "mariadb": "mariadb"},
            storage_ref=_RDS_STORAGE, iops_ref=_RDS_IOPS,
            backup_ref=PriceRef("rds", "backup_storage", "rds/any/snapshot", "snapshot",
                                note="beyond the free allowance of 100% of provisioned storage"),
            replica_storage_ref=PriceRef("rds", "storage", "rds/single-az/gp3", "gp3"),
            # 64 TiB per DB instance for PostgreSQL, MySQL and MariaDB (RDS User Guide, "Amazon RDS DB instance
            # storage")
            max_storage_gb=65_536, proxy_ref=replace(_RDS_PROXY, dimension="rds"), proxy_min_vcpu=2.0),
        _aurora("aurora-standard", "Aurora (standard I/O)", "Aurora", "per_request"),
        _aurora("aurora-io-optimized", "Aurora I/O-Optimized", "Aurora I/O-Optimized", "included"),
    ),
    prices={
        "root_volume": PriceRef("ebs", "storage", "gp3", "gp3"),
        "lb_hour": PriceRef("elb", "alb_hour", "application", "application load balancer"),
        "lb_capacity": PriceRef("elb", "alb_lcu_hour", "application", "LCU"),
        "public_ip": PriceRef("vpc", "public_ipv4_in_use", "", "public IPv4"),
        "nat_hour": PriceRef("nat_gateway", "gateway_hour", "", "NAT gateway (one per AZ)"),
        "nat_data": PriceRef("nat_gateway", "data_processed", "", "GB"),
        "inter_az": PriceRef("data_transfer", "inter_az", "", "GB (billed out and in)"),
        "inter_region": PriceRef("data_transfer", "out_inter_region", "{dr_region}", "GB to {dr_region}"),
        "egress": PriceRef("data_transfer", "out_to_internet", "", "GB out", tiered=True),
        "object_storage": PriceRef("s3", "storage_standard", "STANDARD", "S3 Standard", tiered=True),
        "object_writes": PriceRef("s3", "requests_put_copy_post_list", "STANDARD", "1k PUT/LIST"),
        "object_reads": PriceRef("s3", "requests_get_other", "STANDARD", "1k GET"),
        "log_ingest": PriceRef("cloudwatch", "logs_ingest_standard", "STANDARD", "GB ingested"),
        "log_storage": PriceRef("cloudwatch", "logs_storage", "", "GB-month (one month kept)"),
        "alarms": PriceRef("cloudwatch", "alarm_standard", "", "alarms"),
        "metrics": PriceRef("cloudwatch", "custom_metric", "", "custom metrics", tiered=True),
        "dns_health_check": PriceRef("route53", "health_check_aws_endpoint", "", "health checks"),
        "container_vcpu": PriceRef("fargate", "vcpu_hour", "linux/{arch}", note=_FARGATE_NOTE),
        "container_memory": PriceRef("fargate", "memory_gb_hour", "linux/{arch}", note=_FARGATE_NOTE),
        "function_requests": PriceRef("lambda", "requests", "{arch}"),
        "function_duration": PriceRef("lambda", "duration", "{arch}", tiered=True),
        "function_provisioned": PriceRef("lambda", "provisioned_concurrency", "{arch}", "GB-seconds provisioned"),
        "api_requests": PriceRef("apigateway", "http_api_requests", "", "http_api_requests", tiered=True),
        "k8s_control_plane": PriceRef("eks", "cluster_hour", "standard-support", "EKS cluster (standard support)"),
        "cdn_egress": PriceRef("cloudfront", "data_out_to_internet", "{geography}", "GB out at the edge ({geography})",
                               tiered=True),
        "cdn_requests": PriceRef("cloudfront", "requests_https", "{geography}", "10k HTTPS requests ({geography})",
                                 per_unit=1e-4, tiered=True),
        "queue_requests": PriceRef("sqs", "requests", "{queue}", "1M {queue} queue requests", per_unit=1e-6,
                                   tiered=True),
        "stream_shard": PriceRef("kinesis", "shard_hour", "provisioned", "shard-hours (provisioned)"),
        "stream_payload": PriceRef("kinesis", "put_payload_units", "provisioned", "1M PUT payload units (25 KB)",
                                   per_unit=1e-6),
        "waf_acl": PriceRef("waf", "web_acl", "", "web ACL"),
        "waf_rules": PriceRef("waf", "rule", "", "rules"),
        "waf_requests": PriceRef("waf", "requests", "", "1M requests inspected", per_unit=1e-6),
        "secrets": PriceRef("secretsmanager", "secret", "", "secrets"),
        "secrets_api": PriceRef("secretsmanager", "api_requests", "", "10k API calls", per_unit=1e-4),
        "kms_keys": PriceRef("kms", "customer_managed_key", "", "customer-managed keys"),
        "kms_requests": PriceRef("kms", "api_requests", "symmetric", "10k requests", per_unit=1e-4, tiered=True),
        "kv_read_requests": PriceRef("dynamodb", "read_request_units", "standard", "1M read request units",
                                     per_unit=1e-6),
        "kv_write_requests": PriceRef("dynamodb", "write_request_units", "standard", "1M write request units",
                                      per_unit=1e-6),
        "kv_read_capacity": PriceRef("dynamodb", "read_capacity_unit_hour", "standard", "read capacity unit-hours"),
        "kv_write_capacity": PriceRef("dynamodb", "write_capacity_unit_hour", "standard",
                                      "write capacity unit-hours"),
        "kv_replicated_requests": PriceRef("dynamodb", "replicated_write_request_units", "standard",
                                           "1M replicated write request units", per_unit=1e-6),
        "kv_replicated_capacity": PriceRef("dynamodb", "replicated_write_capacity_unit_hour", "standard",
                                           "replicated write capacity unit-hours"),
        "kv_storage": PriceRef("dynamodb", "storage", "standard", "GB-month (Standard table)", tiered=True),
        "kv_backup": PriceRef("dynamodb", "pitr_backup_storage", "", "GB-month point-in-time recovery"),
        "kv_backup_copy": PriceRef("dynamodb", "backup_storage", "", "GB-month backup copy"),
    },
    allowances={
        "egress": ("data_transfer", "out_to_internet_free_allowance"),
        "function_requests": ("lambda", "free_tier_requests"),
        "function_duration": ("lambda", "free_tier_duration"),
        "cdn_egress": ("cloudfront", "free_tier_data_out"),
        "cdn_requests": ("cloudfront", "free_tier_requests"),
        "queue_requests": ("sqs", "free_tier_requests"),
        "kms_requests": ("kms", "free_tier_requests"),
        "kv_storage": ("dynamodb", "free_tier_storage"),
    },
    purchase_notes={
        "on_demand": "everything on demand: no commitment",
        "savings_1yr": "fleet instances that run at least the break-even share of the day on the 1-year "
                       "Savings Plan, the rest on demand; database and cache on 1-year reservations",
        "savings_3yr": "fleet instances that run at least the break-even share of the day on the 3-year "
                       "Savings Plan, the rest on demand; database and cache on 3-year reservations",
        "spot_mix": "baseline on demand, autoscaled capacity on Spot (may be interrupted)",
        "optimise": "the cheapest commitment mix: fleet instances that run at least the break-even share of the "
                    "day on the Savings Plan of the longest term the horizon covers, the rest on demand; "
                    "database and cache reserved for that term",
    },
    commitments={1: ("savings_1yr", "reserved_1yr"), 3: ("savings_3yr", "reserved_3yr")},
    nat_billing="per_az",
    nat_max_billed_vms=0,
    load_balancer_capacity="lcu",
    function_mb_per_vcpu=1769,  # AWS Lambda docs: at 1,769 MB a function has the equivalent of one vCPU
    dr_regions=DEFAULT_DR_REGIONS,
    default_region="us-east-1",
    availability=Availability(),
    sla_as_of="2025-01",
    sustained_share=burstable_share,
    object_classes=_S3_CLASSES,
    edge_geography=cloudfront_geography,
)
