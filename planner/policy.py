"""Sizing tunables as data: every threshold the model uses, readable and overridable.

A workload carries a :class:`SizingPolicy` (``policy:`` in YAML); any field
can be overridden there, e.g. ``policy: {burst_headroom: 0.5}``. Defaults cite
where they come from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DrTier(BaseModel):
    """One disaster-recovery strategy and what it achieves.

    Reference: AWS whitepaper "Disaster Recovery of Workloads on AWS: Recovery
    in the Cloud" (2021, updated 2022), figure "DR strategies": backup & restore
    (RPO/RTO hours), pilot light (tens of minutes), warm standby (minutes),
    multi-site active/active (near zero).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    rto_minutes: float = Field(ge=0, description="Recovery time this tier achieves [minutes].")
    rpo_minutes: float = Field(ge=0, description="Data loss this tier risks [minutes].")
    compute_fraction: float = Field(ge=0, le=1, description="Share of the primary's compute running in the DR "
                                                            "region [0-1].")
    database_replica: bool = Field(description="A cross-region database replica runs in the DR region.")
    cache_fraction: float = Field(ge=0, le=1, description="Share of the primary's cache nodes in the DR region.")
    load_balancer: bool = Field(description="A load balancer runs in the DR region.")
    description: str


DEFAULT_DR_TIERS: tuple[DrTier, ...] = (
    DrTier(name="backup_restore", rto_minutes=480, rpo_minutes=240, compute_fraction=0, database_replica=False,
           cache_fraction=0, load_balancer=False,
           description="backups copied to the DR region; infrastructure rebuilt from code on disaster"),
    DrTier(name="pilot_light", rto_minutes=60, rpo_minutes=10, compute_fraction=0, database_replica=True,
           cache_fraction=0, load_balancer=False,
           description="database replicated to the DR region; compute started and scaled on disaster"),
    DrTier(name="warm_standby", rto_minutes=15, rpo_minutes=1, compute_fraction=0.25, database_replica=True,
           cache_fraction=0.5, load_balancer=True,
           description="a scaled-down full copy runs in the DR region and scales up on disaster"),
    DrTier(name="multi_site", rto_minutes=1, rpo_minutes=0.1, compute_fraction=1.0, database_replica=True,
           cache_fraction=1.0, load_balancer=True,
           description="active/active in two regions, each able to carry the full load"),
)

# Paired DR regions; a region not listed uses the first other region of its geography.
DEFAULT_DR_REGIONS: dict[str, str] = {
    "us-east-1": "us-west-2", "us-east-2": "us-west-2", "us-west-1": "us-east-1", "us-west-2": "us-east-1",
    "eu-west-1": "eu-central-1", "eu-central-1": "eu-west-1", "eu-west-2": "eu-west-1", "eu-west-3": "eu-central-1",
    "eu-north-1": "eu-central-1", "ap-southeast-1": "ap-northeast-1", "ap-northeast-1": "ap-northeast-3",
    "ap-southeast-2": "ap-southeast-4", "ap-south-1": "ap-south-2", "ca-central-1": "ca-west-1",
    "sa-east-1": "us-east-1", "us-gov-west-1": "us-gov-east-1", "us-gov-east-1": "us-gov-west-1",
}


class Availability(BaseModel):
    """Component availabilities [percent] from AWS service level agreements (as published in 2024-2025).

    SLA figures are commitments, i.e. lower bounds; the composite estimate is
    therefore conservative.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    ec2_single_instance: float = Field(99.5, description="Amazon Compute SLA, instance level.")
    ec2_multi_az: float = Field(99.99, description="Amazon Compute SLA, region level (instances in >= 2 AZs).")
    active_standby_pair: float = Field(99.95, description="Two instances in two AZs with health-checked failover "
                                                          "(minutes of failover per incident).")
    fargate: float = Field(99.99, description="Amazon Compute SLA covers ECS on Fargate, region level.")
    lambda_: float = Field(99.95, alias="lambda", description="AWS Lambda SLA.")
    api_gateway: float = Field(99.95, description="Amazon API Gateway SLA.")
    load_balancer: float = Field(99.99, description="Elastic Load Balancing SLA.")
    rds_single_az: float = Field(99.5, description="Amazon RDS SLA, single-AZ instance.")
    rds_multi_az: float = Field(99.95, description="Amazon RDS SLA, Multi-AZ instance.")
    cache_single_node: float = Field(99.5, description="No SLA for a single node; taken as a single instance.")
    cache_multi_az: float = Field(99.99, description="Amazon ElastiCache SLA, Multi-AZ with automatic failover.")


class SizingPolicy(BaseModel):
    """Every tunable of the sizing model, with its default and source."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    # load profile and headroom
    diurnal_profile: tuple[float, ...] = Field(
        (0.35, 0.28, 0.24, 0.22, 0.22, 0.26, 0.38, 0.58, 0.80, 0.95, 1.00, 1.00,
         0.98, 0.97, 0.98, 1.00, 0.98, 0.92, 0.85, 0.78, 0.70, 0.62, 0.52, 0.43),
        min_length=24, max_length=24,
        description="Relative request rate per hour of day [24 values > 0]: a typical business-hours web curve. "
                    "Reshaped per workload so that peak / average equals peak_to_average.")
    burst_headroom: float = Field(0.3, ge=0, le=5, description="ASG max = horizon peak x (1 + this) [fraction].")
    # availability zones
    multi_az_min_availability: float = Field(
        99.5, description="From this availability target [%], run the database and cache "
                          "Multi-AZ (single-AZ services promise 99.5%).")
    survive_az_loss_min_availability: float = Field(
        99.9, description="From this availability target [%], each AZ can lose one peer: it carries load / (k - 1).")
    azs_when_surviving: int = Field(3, ge=2, le=6, description="AZs used when surviving an AZ loss (3 costs 1.5x "
                                                               "peak capacity, 2 costs 2x).")
    azs_default: int = Field(2, ge=1, le=6, description="AZs used otherwise (an ALB needs two).")
    # universal scalability law, Gunther (2007)
    usl_sigma: float = Field(0.02, ge=0, le=1, description="USL contention coefficient (sigma) of the application.")
    usl_kappa: float = Field(0.0001, ge=0, le=1, description="USL coherency coefficient (kappa) of the application.")
    # horizontal fleet
    horizontal_family_pattern: str = Field(
        r"^[mc][5-8][agi]?$", description="Regex of the EC2 families considered for fleets (general purpose and "
                                          "compute optimised, current generation, x86 and Graviton).")
    vertical_family_pattern: str = Field(
        r"^[mcr][5-8][agi]?$", description="Regex of the EC2 families considered for one big instance.")
    allow_arm64: bool = Field(True, description="Allow Graviton (arm64) instance types and Fargate tasks.")
    fleet_min_vcpu: int = Field(2, ge=1, description="Smallest instance size considered for a fleet [vCPU].")
    fleet_max_vcpu: int = Field(16, ge=1, description="Largest instance size considered for a fleet [vCPU].")
    ebs_gb_per_instance: float = Field(20, ge=0, description="Root volume per instance, gp3 [GB].")
    # containers and serverless
    fargate_task_vcpu: float = Field(1.0, gt=0, le=16, description="vCPU per Fargate task.")
    fargate_task_memory_gb: float = Field(2.0, gt=0, le=120, description="Memory per Fargate task [GB].")
    lambda_memory_mb: int = Field(1769, ge=128, le=10240, description="Lambda memory [MB]; 1,769 MB = one vCPU "
                                                                      "(AWS Lambda docs).")
    lambda_concurrency_limit: int = Field(1000, ge=1, description="Account concurrency limit (AWS default 1,000).")
    lambda_cold_start_ms: float = Field(250, ge=0, description="Cold-start latency added to a cold invocation [ms].")
    lambda_warm_rps: float = Field(1.0, ge=0, description="Below this average rate [req/s] cold starts exceed 1% of "
                                                          "invocations and reach the p99.")
    backend_wait_ms: float = Field(10, ge=0, description="Time a request waits on database / cache [ms]; billed "
                                                         "by Lambda, not by CPU-bound servers.")
    # cache
    cache_mode: Literal["auto", "always", "never"] = Field(
        "auto", description="auto: add a cache when cache + a smaller database cost less than the database alone; "
                            "always; never.")
    hot_read_share: float = Field(0.9, gt=0, lt=1, description="Share of reads that touch the hot data "
                                                               "(80/20-style locality).")
    cache_item_overhead: float = Field(0.25, ge=0, le=5, description="Cache memory per byte of data beyond the "
                                                                     "data itself (keys, pointers) [fraction].")
    cache_reserved_memory: float = Field(0.25, ge=0, lt=1, description="Node memory kept free for replication "
                                                                       "and snapshots (ElastiCache "
                                                                       "reserved-memory-percent default 25%).")
    cache_node_pattern: str = Field(r"^cache\.(t4g|t3|[rm][5-7]g?)$",
                                    description="Regex of ElastiCache families considered (burstable included: a "
                                                "cache is sized by memory).")
    cache_engine: str = Field("redis", description="ElastiCache engine: redis, valkey or memcached.")
    # database
    database_engine: str = Field("postgresql", description="RDS engine: postgresql or mysql.")
    database_family_pattern: str = Field(r"^db\.(t4g|t3|[mr][5-7][gi]?)$",
                                         description="Regex of RDS families considered.")
    burstable_baseline: float = Field(0.2, gt=0, le=1, description="Sustained share of each vCPU of a burstable "
                                                                   "(t-class) database [fraction].")
    db_cpu_ms_per_read: float = Field(2.0, gt=0, description="Database vCPU time per read request [ms].")
    db_cpu_ms_per_write: float = Field(6.0, gt=0, description="Database vCPU time per write request [ms].")
    db_target_utilization: float = Field(0.6, gt=0.05, le=0.95, description="Database CPU utilisation at peak.")
    db_memory_for_hot_data: float = Field(1.0, ge=0, description="Database memory per GB of hot data without a "
                                                                 "cache [GB/GB]: the buffer cache holds the hot set.")
    db_memory_for_hot_data_with_cache: float = Field(
        0.25, ge=0, description="Database memory per GB of hot data when a cache serves the hot reads [GB/GB].")
    db_max_primary_vcpu: int = Field(32, ge=2, description="Beyond this many vCPU of read load, add read replicas "
                                                           "rather than a bigger primary.")
    storage_overhead: float = Field(0.3, ge=0, le=5, description="Database storage beyond the data: indexes, WAL, "
                                                                 "free space [fraction].")
    min_storage_gb: float = Field(20, ge=0, description="Smallest RDS gp3 volume [GB].")
    backup_retention_days: int = Field(7, ge=1, le=35, description="Automated backup retention [days].")
    daily_change_fraction: float = Field(0.05, ge=0, le=1, description="Share of the database changed per day.")
    single_az_restore_minutes: float = Field(120, ge=0, description="Time to restore a single-AZ database after an "
                                                                    "AZ failure [minutes]; a smaller RTO needs "
                                                                    "Multi-AZ.")
    # network and observability
    backend_kb_per_request: float = Field(4, ge=0, description="Bytes between app and database/cache per request "
                                                               "[KB].")
    outbound_kb_per_request: float = Field(1, ge=0, description="Bytes to third parties through NAT per request "
                                                                "[KB].")
    requests_per_connection: float = Field(20, ge=1, description="HTTP keep-alive: requests per new connection.")
    log_bytes_per_request: float = Field(300, ge=0, description="Log volume per request [bytes].")
    metrics_per_instance: int = Field(10, ge=0, description="Custom CloudWatch metrics per instance or task.")
    alarms: int = Field(10, ge=0, description="CloudWatch alarms per deployment.")
    s3_requests_per_request: float = Field(0.05, ge=0, description="Object-storage requests per app request when "
                                                                   "object storage is used.")
    # reliability
    availability: Availability = Field(default_factory=Availability)
    dr_tiers: tuple[DrTier, ...] = Field(DEFAULT_DR_TIERS, min_length=1)
    dr_regions: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_DR_REGIONS))

    @model_validator(mode="after")
    def _check(self) -> SizingPolicy:
        if min(self.diurnal_profile) <= 0:
            raise ValueError("diurnal_profile values must all be > 0")
        if self.fleet_min_vcpu > self.fleet_max_vcpu:
            raise ValueError(f"fleet_min_vcpu ({self.fleet_min_vcpu}) must not exceed fleet_max_vcpu "
                             f"({self.fleet_max_vcpu})")
        rto = [t.rto_minutes for t in self.dr_tiers]
        if rto != sorted(rto, reverse=True):
            raise ValueError("dr_tiers must be ordered from cheapest (largest RTO) to dearest (smallest RTO)")
        return self
