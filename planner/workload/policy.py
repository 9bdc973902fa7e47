"""Sizing tunables as data: every threshold the model uses, readable and overridable.

A workload carries a :class:`SizingPolicy` (``policy:`` in YAML); any field
can be overridden there, e.g. ``policy: {burst_headroom: 0.5}``. Defaults cite
where they come from.
"""

from __future__ import annotations

import re
import warnings
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

# The names a policy may use, checked when a workload is read: they reach every report, so they are names the
# catalogs know or plain identifiers, never free text.
# every engine a cloud's catalog prices a database in (planner/clouds: DatabaseVariant.engine; a test holds the
# two equal); an engine another cloud lacks is that plan's database reason, not an input error
DATABASE_ENGINES: tuple[str, ...] = ("mariadb", "mysql", "postgresql")
# every engine a bundled cache price table holds (ElastiCache: all three; Memorystore, Azure Cache: redis)
CACHE_ENGINES: tuple[str, ...] = ("memcached", "redis", "valkey")
# each engine field, what it names and the engines it may name
ENGINE_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {"database_engine": ("database", DATABASE_ENGINES),
                                                         "cache_engine": ("cache", CACHE_ENGINES)}
TIER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_ -]{0,39}")
# region codes of every cloud: us-east-1 (aws), europe-west1 (gcp), westeurope (azure)
REGION_CODE = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
PATTERN_FIELDS = ("horizontal_family_pattern", "vertical_family_pattern", "cache_node_pattern",
                  "database_family_pattern")
HOURS_PER_DAY = 24
HOURS_PER_WEEK = 7 * HOURS_PER_DAY
# the lengths diurnal_profile may have and the period its hours then span (planner.sizing.profile works with
# either: each hour of the profile stands for 730 / its length hours of the month)
PROFILE_PERIODS: dict[int, str] = {HOURS_PER_DAY: "day", HOURS_PER_WEEK: "week"}


def check_pattern(pattern: str) -> str:
    """``pattern`` when both regex engines that may run it accept it: Python's ``re`` and RE2 (pyarrow's, which
    matches the price book's string columns); a ``ValueError`` quoting the engine's complaint otherwise."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        with warnings.catch_warnings():
            # "possible nested set" ([[:alpha:]]): a POSIX class to RE2, a plain set to Python; the two engines
            # would choose different rows, so it is refused rather than warned about (with a server path)
            warnings.simplefilter("error", FutureWarning)
            re.compile(pattern)
    except FutureWarning as e:
        raise ValueError(f"ambiguous regular expression: Python and RE2 read it differently ({e})") from None
    except (re.error, OverflowError, RecursionError) as e:  # OverflowError: a{4294967295}
        raise ValueError(f"not a valid regular expression ({e})") from None
    try:
        pc.match_substring_regex(pa.array([""], pa.string()), pattern)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as e:
        why = str(e).removeprefix("Invalid regular expression: ")
        raise ValueError(f"not a valid regular expression for RE2, which matches the price tables ({why}); "
                         "lookarounds and backreferences are not supported") from None
    return pattern


def check_region_code(region: str) -> str:
    """``region`` when it is shaped like a region code of some cloud; a ``ValueError`` otherwise."""
    if not isinstance(region, str) or not REGION_CODE.fullmatch(region):
        raise ValueError(f"region {region!r} is not a region code (lower-case letters, digits and -, 2 to 40 "
                         "characters, e.g. us-east-1, europe-west1, westeurope)")
    return region


# how a person names the default tiers (the AWS whitepaper's words); a tier of one's own is named as given
TIER_LABELS = {"backup_restore": "backup & restore", "pilot_light": "pilot light", "warm_standby": "warm standby",
               "multi_site": "active/active"}


def tier_label(name: object) -> str:
    """A DR tier's name as people say it (``backup_restore``: backup & restore); other names as they are."""
    return TIER_LABELS.get(str(name), str(name) if name else "—")


class DrTier(BaseModel):
    """One disaster-recovery strategy and what it achieves.

    Reference: AWS whitepaper "Disaster Recovery of Workloads on AWS: Recovery
    in the Cloud" (2021, updated 2022), figure "DR strategies": backup & restore
    (RPO/RTO hours), pilot light (tens of minutes), warm standby (minutes),
    multi-site active/active (near zero).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: str
    rto_minutes: float = Field(ge=0, description="Recovery time this tier achieves [minutes].")
    rpo_minutes: float = Field(ge=0, description="Data loss this tier risks [minutes].")
    compute_fraction: float = Field(ge=0, le=1, description="Share of the primary's compute running in the DR "
                                                            "region [0-1].")
    restore_gb_per_minute: float = Field(0, ge=0, description="Where the tier restores the database from "
                                                                "backups: restore speed [GB/min] added to rto_minutes "
                                                                "per GB of database storage (0: no restore).")
    database_replica: bool = Field(description="A cross-region database replica runs in the DR region.")
    cache_fraction: float = Field(ge=0, le=1, description="Share of the primary's cache nodes in the DR region.")
    load_balancer: bool = Field(description="A load balancer runs in the DR region.")
    description: str

    @property
    def label(self) -> str:
        """The tier's name as people say it (:func:`tier_label`)."""
        return tier_label(self.name)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        """A tier name is shown in every report, diagram and terminal table: a plain identifier."""
        if not TIER_NAME.fullmatch(value):
            raise ValueError("a DR tier name is 1 to 40 letters, digits, spaces, _ or - (starting with a letter or "
                             "digit), e.g. warm_standby")
        return value


DEFAULT_DR_TIERS: tuple[DrTier, ...] = (
    # RTO = 60 min to rebuild the stack from code and start a restore + storage / 5 GB/min of restore and log
    # replay; RPO 30 min: RDS cross-Region automated backups copy snapshots and transaction logs to the DR
    # region, so point-in-time restore there lags the primary by minutes (RDS User Guide, "Replicating
    # automated backups to another AWS Region"); 30 min keeps a margin over the copy lag.
    DrTier(name="backup_restore", rto_minutes=60, rpo_minutes=30, restore_gb_per_minute=5.0, compute_fraction=0,
           database_replica=False, cache_fraction=0, load_balancer=False,
           description="automated backups and transaction logs replicated to the DR region (point-in-time "
                       "restore there); infrastructure rebuilt from code on disaster"),
    DrTier(name="pilot_light", rto_minutes=30, rpo_minutes=5, compute_fraction=0, database_replica=True,
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

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

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
    key_value: float = Field(99.99, description="Amazon DynamoDB SLA, standard table (99.999 for global tables).")
    kubernetes: float = Field(99.95, description="Amazon EKS SLA (the control plane's API; running pods do not "
                                                 "depend on it).")


DEFAULT_BURSTABLE_BASELINES: dict[str, float] = {
    "nano": 0.05, "micro": 0.10, "small": 0.20, "medium": 0.20, "large": 0.30, "xlarge": 0.40, "2xlarge": 0.40,
}

# Work one vCPU of each EC2 family does, relative to a Graviton3 vCPU (c7g, m7g, r7g = 1): the vCPU that
# cpu_ms_per_request is measured on. x86 families from Netflix service-capacity-modeling's hardware shapes
# (cpu_ghz x cpu_ipc_scale per vCPU, m5 = 3.1 x 1.0; 0.3.212): a hyperthread of Skylake to Emerald Rapids, a
# whole core from AMD's 7th generation. Graviton from AWS's launch figures, chained to m5: Graviton2 (m6g) "40 %
# better price performance than m5" at 20 % less = 1.12 x m5; Graviton3 "up to 25 % better compute performance
# than Graviton2" = 1.40 x m5; Graviton4 "up to 30 % better than Graviton3" = 1.82 x m5. Families not listed
# count 1 (every Google Cloud and Azure family, so far).
_M5 = 3.1
_GRAVITON3 = 1.40 * _M5
DEFAULT_VCPU_THROUGHPUT: dict[str, float] = {
    **dict.fromkeys(["m5", "m5d", "m5n", "r5", "r5d", "r5n", "t3"], round(3.1 / _GRAVITON3, 3)),
    **dict.fromkeys(["c5", "c5d", "c5n"], round(3.4 / _GRAVITON3, 3)),
    **dict.fromkeys(["m5a", "r5a", "t3a"], round(2.5 / _GRAVITON3, 3)),
    "c5a": round(3.3 * 1.03 / _GRAVITON3, 3),
    **dict.fromkeys(["m6i", "m6id", "m6in", "c6i", "c6id", "c6in", "r6i", "r6id"], round(3.5 * 1.15 / _GRAVITON3, 3)),
    **dict.fromkeys(["m6a", "c6a", "r6a"], round(3.6 * 1.15 / _GRAVITON3, 3)),
    **dict.fromkeys(["m7i", "m7i-flex", "c7i", "c7i-flex", "r7i"], round(3.2 * 1.288 / _GRAVITON3, 3)),
    **dict.fromkeys(["m7a", "c7a", "r7a"], round(3.7 * 1.95 / _GRAVITON3, 3)),
    **dict.fromkeys(["m8i", "c8i", "r8i"], round(3.9 * 1.42 / _GRAVITON3, 3)),
    **dict.fromkeys(["m8a", "c8a", "r8a"], round(4.0 * 1.98 / _GRAVITON3, 3)),
    **dict.fromkeys(["m6g", "m6gd", "c6g", "c6gd", "c6gn", "r6g", "r6gd", "t4g"], round(1.12 / 1.40, 3)),
    **dict.fromkeys(["m7g", "m7gd", "c7g", "c7gd", "c7gn", "r7g", "r7gd"], 1.0),
    **dict.fromkeys(["m8g", "m8gd", "c8g", "c8gd", "r8g", "r8gd"], 1.3),
}


class FailureModel(BaseModel):
    """Failure rates and recovery times behind the designed-for availability estimate.

    Downtime a year = sum over failure kinds of (events a year x minutes each), per tier, after the
    AWS Well-Architected Reliability Pillar's availability calculations ("Availability", and the
    worked 2 / 3 / 4 / 5 nines scenarios, which count failures, recovery decisions and updates).
    Figures marked *assumption* are engineering estimates with the reasoning in ``docs/model.md``;
    override them per workload under ``policy: {failures: {...}}``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    instance_failures_per_year: float = Field(
        1.0, ge=0, description="Failures of one instance (host fault, retirement, impairment) a year "
                               "[events/year]. Assumption: EC2 instance retirement and impairment events.")
    manual_recovery_minutes: float = Field(
        70, ge=0, description="Recovering a component with no standby: decide, redeploy, restore [minutes] "
                              "(WA 2 9s scenario: 30 + 10 + 30 minutes).")
    in_place_changes_per_year: float = Field(
        6, ge=0, description="Updates a year that take a single instance offline (WA 2 9s scenario: 6).")
    in_place_change_minutes: float = Field(
        240, ge=0, description="Downtime of one in-place update of a single instance [minutes] (WA 2 9s "
                               "scenario: 4 hours).")
    failover_minutes: float = Field(
        2, ge=0, description="Health-checked failover to a standby or away from a failed instance or AZ "
                             "[minutes] (ALB health checks and RDS Multi-AZ: RDS failovers typically complete "
                             "in 60-120 s, RDS User Guide).")
    scale_out_minutes: float = Field(
        10, ge=0, description="Auto Scaling replacing lost capacity in the remaining AZs [minutes]; a fleet "
                              "that is not statically stable runs short of capacity that long after an AZ loss.")
    db_failures_per_year: float = Field(
        0.5, ge=0, description="Database host failures a year [events/year]. Assumption, as for instances.")
    db_maintenance_events_per_year: float = Field(
        2, ge=0, description="Database OS and minor-version patches that restart or fail over the instance a "
                             "year [events/year] (RDS User Guide, 'Maintaining a DB instance'; Multi-AZ patches "
                             "the standby first, then fails over).")
    single_az_db_recovery_minutes: float = Field(
        30, ge=0, description="A single-AZ database back after a host failure or patch reboot [minutes]: RDS "
                              "replaces the host and runs crash recovery. Assumption.")
    az_failures_per_year: float = Field(
        0.2, ge=0, description="Impairments of one Availability Zone a year [events/year]. Assumption: AWS "
                               "post-event summaries.")
    az_outage_minutes: float = Field(240, ge=0, description="Length of an AZ impairment [minutes]. Assumption.")
    region_failures_per_year: float = Field(
        0.1, ge=0, description="Region-wide events taking down the stack a year [events/year]. Assumption: about "
                               "one a decade per region in AWS post-event summaries.")
    region_outage_minutes: float = Field(
        240, ge=0, description="Length of a region-wide event [minutes]. Assumption: AWS post-event summaries "
                               "report 3-8 hours.")
    dns_failover_minutes: float = Field(
        1, ge=0, description="Moving traffic away from a failed region in active/active [minutes] (Route 53 "
                             "health checks: 30 s interval x 3 failures, plus DNS TTL).")


class SizingPolicy(BaseModel):
    """Every tunable of the sizing model, with its default and source."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, allow_inf_nan=False)

    # load profile and headroom
    diurnal_profile: tuple[float, ...] = Field(
        (0.35, 0.28, 0.24, 0.22, 0.22, 0.26, 0.38, 0.58, 0.80, 0.95, 1.00, 1.00,
         0.98, 0.97, 0.98, 1.00, 0.98, 0.92, 0.85, 0.78, 0.70, 0.62, 0.52, 0.43),
        description="Relative request rate per hour [24 values > 0, the hours of a day; or 168, the hours of a week "
                    "from Monday 00:00 UTC]: by default a typical business-hours web curve over a day. Reshaped per "
                    "workload so that peak / average over the profile's day or week equals peak_to_average.")
    burst_headroom: float = Field(0.3, ge=0, le=5, description="ASG max = horizon peak x (1 + this) [fraction].")
    # availability zones
    multi_az_min_availability: float = Field(
        99.5, ge=0, le=100, description="From this availability target [%], run the database and cache "
                          "Multi-AZ (single-AZ services promise 99.5%).")
    survive_az_loss_min_availability: float = Field(
        99.95, ge=0, le=100,
        description="From this availability target [%], the fleet is statically stable: three AZs, each "
                    "carrying load / (k - 1) (WA 4 9s scenario); below it two AZs suffice (WA 3 9s scenario).")
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
        r"^([mcr][5-8][agi]?|t4g|t3a?)$",
        description="Regex of the EC2 families considered for one big instance; burstable (t) families where "
                    "their baseline (burstable_baselines) carries the sustained load.")
    vertical_min_memory_gib: float = Field(2.0, ge=0, description="Smallest memory of the single instance "
                                                                  "[GiB]: the runtime, the OS and its page cache.")
    allow_arm64: bool = Field(True, description="Allow Graviton (arm64) instance types and Fargate tasks.")
    fleet_min_vcpu: int = Field(2, ge=1, description="Smallest instance size considered for a fleet [vCPU].")
    fleet_max_vcpu: int = Field(16, ge=1, description="Largest instance size considered for a fleet [vCPU].")
    ebs_gb_per_instance: float = Field(20, ge=0, description="Root volume per instance, gp3 [GB].")
    # containers and serverless
    pod_vcpu: float = Field(0.5, gt=0, le=64, description="CPU request of one application pod on Kubernetes "
                                                          "[vCPU].")
    pod_memory_gb: float = Field(1.0, gt=0, le=512, description="Memory request of one application pod [GB].")
    k8s_daemonset_vcpu: float = Field(0.2, ge=0, le=8, description="CPU every Kubernetes node gives its "
                                                                   "DaemonSets (CNI, kube-proxy, log and metrics "
                                                                   "agents) [vCPU].")
    k8s_daemonset_memory_gb: float = Field(0.5, ge=0, le=64, description="Memory every node gives its "
                                                                         "DaemonSets [GB].")
    k8s_max_pods_per_node: int = Field(110, ge=1, le=737, description="Most pods a node runs (the Kubernetes "
                                                                      "default; EKS with prefix delegation); "
                                                                      "kube-reserved memory grows with it.")
    fargate_task_vcpu: float = Field(1.0, gt=0, le=16, description="vCPU per Fargate task.")
    fargate_task_memory_gb: float = Field(2.0, gt=0, le=120, description="Memory per Fargate task [GB].")
    lambda_memory_mb: int = Field(1769, ge=128, le=10240, description="Lambda memory [MB]; 1,769 MB = one vCPU "
                                                                      "(AWS Lambda docs).")
    lambda_concurrency_limit: int = Field(1000, ge=1, description="Account concurrency limit (AWS default 1,000).")
    lambda_cold_start_ms: float = Field(250, ge=0, description="Cold-start latency added to a cold invocation [ms].")
    lambda_keep_alive_s: float = Field(300, ge=0, description="How long an idle function environment stays warm "
                                                              "[s]; measured 5-15 minutes on Lambda (Shilkov, "
                                                              "'Cold starts in AWS Lambda'), the low end taken.")
    backend_wait_ms: float = Field(10, ge=0, description="Time a request waits on database / cache [ms]; billed "
                                                         "by Lambda, not by CPU-bound servers.")
    # spot
    spot_burst: bool = Field(False, description="Under purchase_option optimise, run a stateless fleet's burst "
                                                "capacity on spot (over-provisioned for interruptions) rather "
                                                "than on demand.")
    spot_interruption_default: float = Field(
        0.10, ge=0, lt=0.9, description="Share of spot capacity lost to interruptions where the cloud publishes "
                                        "no rate for the type [fraction] (Google Spot VMs; AWS types take the "
                                        "Spot Instance Advisor bucket of the price book). Assumption.")
    # cache
    cache_mode: Literal["auto", "always", "never"] = Field(
        "auto", description="auto: add a cache when cache + a smaller database cost less than the database alone; "
                            "always; never.")
    hot_read_share: float = Field(0.9, gt=0, lt=1, description="Share of reads that touch the hot data "
                                                               "(hot_data_fraction); with it the self-similar "
                                                               "hit-ratio curve of cache and buffer cache.")
    cache_sizes_tried: tuple[float, ...] = Field(
        (1.0, 0.25, 0.0625, 0.015625), min_length=1,
        description="Cache sizes weighed against the database, as fractions of the hot working set [0-1]: the "
                    "cheapest whole bill wins.")
    cache_item_overhead: float = Field(0.25, ge=0, le=5, description="Cache memory per byte of data beyond the "
                                                                     "data itself (keys, pointers) [fraction].")
    cache_reserved_memory: float = Field(0.25, ge=0, lt=1, description="Node memory kept free for replication "
                                                                       "and snapshots (ElastiCache "
                                                                       "reserved-memory-percent default 25%).")
    cache_ops_per_vcpu: float = Field(
        25_000, gt=0, description="Cache operations a second planned per vCPU of a node: 40 % of the ~62,500 a "
                                  "vCPU of ElastiCache for Redis 7.1 reached (1 million requests a second on a "
                                  "16-vCPU r7g.4xlarge; AWS Database Blog, 'Achieve over 500 million requests per "
                                  "second per cluster with Amazon ElastiCache for Redis 7.1', 2023). Burstable "
                                  "nodes count their baseline share only.")
    cache_max_ops_per_node: float = Field(
        1_000_000, gt=0, description="Most operations a second one cache node is planned for, however many vCPUs "
                                     "(the same blog's per-node figure; Redis's I/O threads stop scaling there).")
    cache_shard_premium: float = Field(
        0.0, ge=0, le=1, description="Weight of each shard beyond the first when choosing the node type, as a share "
                                     "of the cache bill (cluster mode and resharding are work); not billed. 0: the "
                                     "bill alone decides, as every other choice (a weight not on the bill can make "
                                     "a stricter target or more growth cost less).")
    cache_node_pattern: str = Field(r"^cache\.(t4g|t3|[rm][5-7]g?)$",
                                    description="Regex of ElastiCache families considered (burstable included: a "
                                                "cache is sized by memory).")
    cache_engine: str = Field("redis", description="Cache engine: redis, valkey or memcached (ElastiCache has all "
                                                   "three; Memorystore and Azure Cache redis).")
    # database
    database_engine: str = Field("postgresql", description="Database engine: postgresql, mysql or mariadb (as each "
                                                           "cloud offers them).")
    database_family_pattern: str = Field(r"^db\.(t4g|t3|[mr][5-7][gi]?)$",
                                         description="Regex of RDS families considered.")
    vcpu_throughput: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_VCPU_THROUGHPUT),
        description="Work a vCPU of each instance family does relative to the vCPU cpu_ms_per_request is "
                    "measured on (a Graviton3 vCPU = 1; sources beside DEFAULT_VCPU_THROUGHPUT in "
                    "planner/workload/policy.py); a family not listed counts 1. Fleets, single instances, node groups, "
                    "workers and PgBouncer are sized and chosen in these units (Fargate and Lambda vCPUs count 1). "
                    "Families given override the defaults one by one.")

    @field_validator("vcpu_throughput", mode="before")
    @classmethod
    def _merge_throughput(cls, value: object) -> object:
        """A workload's factors change the families it names and keep the others' defaults."""
        return {**DEFAULT_VCPU_THROUGHPUT, **value} if isinstance(value, dict) else value
    burstable_baselines: dict[str, float] = Field(
        default_factory=lambda: dict(DEFAULT_BURSTABLE_BASELINES),
        description="Sustained share of each vCPU of a burstable (t-class) instance or database class by size "
                    "[fraction] (AWS EC2 User Guide, 'Key concepts for burstable performance instances': T4g/T3 "
                    "baseline per vCPU 5% nano, 10% micro, 20% small and medium, 30% large, 40% xlarge and 2xlarge).")
    db_cpu_ms_per_read: float = Field(2.0, gt=0, description="Database vCPU time per read request [ms].")
    db_cpu_ms_per_write: float = Field(6.0, gt=0, description="Database vCPU time per write request [ms].")
    db_target_utilization: float = Field(0.6, gt=0.05, le=0.95, description="Database CPU utilisation at peak.")
    db_buffer_memory_fraction: float = Field(
        0.75, gt=0, le=1, description="Share of database memory that caches data pages [fraction]: PostgreSQL's "
                                      "shared_buffers (RDS default 25% of memory) plus the OS page cache, less "
                                      "connections and work_mem (PostgreSQL docs, 'Resource Consumption').")
    db_pages_per_read: float = Field(
        2.0, gt=0, description="Data pages a read query touches below the always-cached upper index levels: one "
                               "index leaf and one heap page for a point lookup (B-tree index scan).")
    db_iops_per_write: float = Field(
        2.0, ge=0, description="Storage writes per write query once checkpoints and group commit amortise them: "
                               "the heap and index pages it dirties [IOPS per write/s].")
    db_min_buffer_fraction: float = Field(
        0.002, ge=0, le=1, description="Share of the database (storage at the horizon) its buffer cache holds at "
                                       "least: the B-tree inner pages that db_pages_per_read assumes cached "
                                       "(indexes of about 40% of the data, inner pages about 1/200 of an index "
                                       "at a fan-out of ~200 keys per 8 KB page).")
    db_min_memory_gib: float = Field(
        4.0, ge=0, description="Smallest memory of a Multi-AZ (production) database [GiB]: shared_buffers, "
                               "autovacuum workers and maintenance_work_mem beside the connections (PostgreSQL "
                               "docs, 'Resource Consumption'). Single-AZ databases may be smaller.")
    db_storage_read_ms: float = Field(
        1.0, gt=0, description="Time of one storage read that misses the buffer cache [ms] (EBS gp3 and Aurora "
                               "storage: single-digit milliseconds, typically about 1 ms).")
    db_read_latency_budget_ms: float = Field(
        10.0, gt=0, description="Storage wait a read query may add on average [ms]: pages x miss ratio x "
                                "db_storage_read_ms must stay below it, else the class needs more memory.")
    db_connections_per_app_vcpu: float = Field(
        2.0, ge=0, description="Database connections the application holds per vCPU at the horizon peak "
                               "(a pool of about two per core, HikariCP's pool-sizing guidance).")
    db_bytes_per_connection: float = Field(
        9_531_392, gt=0, description="Memory per connection in RDS PostgreSQL's default max_connections = "
                                     "LEAST(DBInstanceClassMemory / 9531392, 5000) [bytes].")
    db_max_connections: int = Field(5000, ge=1, description="Cap of RDS PostgreSQL's default max_connections.")
    db_pooler: bool = Field(True, description="Where the application's connections exceed a class's "
                                              "max_connections, put a transaction-mode connection pooler in front "
                                              "(the cloud's built-in one, else PgBouncer instances); the database "
                                              "then holds only the pooler's connections.")
    db_pool_connections_per_vcpu: float = Field(
        2.0, gt=0, description="Server connections a pooler keeps per database vCPU (PostgreSQL wiki, 'Number Of "
                               "Database Connections': about two per core plus the spindles).")
    pooler_queries_per_vcpu: float = Field(
        15_000, gt=0, description="Queries a second one PgBouncer process (one vCPU; it is single-threaded) is "
                                  "planned to pass: half of the ~33,000 TPS measured for PgBouncer 1.25 at 100 "
                                  "clients, pgbench simple mode with SSL (ProxySQL blog, 'PgBouncer to ProxySQL: "
                                  "Simple-Mode Benchmark', 2025).")
    pooler_min_instances: int = Field(2, ge=1, description="PgBouncer instances at least, in two AZs.")
    db_max_read_replicas: int = Field(15, ge=0, description="Read replicas per cluster at most (RDS for "
                                                            "PostgreSQL and Aurora: 15; RDS User Guide).")
    lb_targets_per_load_balancer: int = Field(
        1000, ge=1, description="Targets one load balancer takes (AWS quota 'Targets per Application Load "
                                "Balancer', default 1,000, adjustable); a larger fleet is billed a load balancer "
                                "per 1,000 targets, and the fleet choice weighs that against bigger instances.")
    db_max_shards: int = Field(1024, ge=1, description="Database clusters the data may be sharded into, where the "
                                                      "writes exceed the largest writer or the reads its replicas.")
    db_sharding_usd_month: float = Field(1000.0, ge=0, le=1e7, description="What partitioning the application's "
                                         "data costs a month, once, for a sharded database (routing each key to its "
                                         "shard, cross-shard queries, resharding: about three engineer-months "
                                         "amortised over three years): an assumption, billed as its own line; "
                                         "0 leaves it out.")
    db_shard_operations_usd_month: float = Field(250.0, ge=0, le=1e6, description="What operating each cluster of a "
                                                 "sharded database costs a month beyond its list prices (upgrades, "
                                                 "schema changes, monitoring and restore drills done shard by "
                                                 "shard, about two hours of an engineer at $125 an hour): an "
                                                 "assumption, billed as its own line; 0 compares shard counts on "
                                                 "list prices alone.")
    rds_gp3_baseline_iops: tuple[float, float] = Field(
        (3000, 12000), description="RDS gp3 IOPS included below / from rds_gp3_large_volume_gb (RDS User Guide, "
                                   "'gp3 storage': 3,000 IOPS below 400 GiB, 12,000 from 400 GiB).")
    rds_gp3_large_volume_gb: float = Field(400, gt=0, description="gp3 volume size from which the larger baseline "
                                                                  "applies [GB].")
    rds_gp3_max_iops: float = Field(64_000, gt=0, description="Most IOPS an RDS gp3 volume provisions (RDS User "
                                                              "Guide); beyond it io2.")
    rds_io2_max_iops: float = Field(256_000, gt=0, description="Most IOPS an RDS io2 volume provisions (RDS User "
                                                               "Guide).")
    rds_io2_iops_per_gb: float = Field(1000, gt=0, description="io2 IOPS per GB of volume at most (RDS User "
                                                               "Guide, 1,000:1).")
    consider_aurora: bool = Field(True, description="Price Aurora (standard and I/O-Optimized) as an alternative "
                                                    "engine and keep it where it is cheaper for the same need.")
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
    kv_item_kb: float = Field(1.0, gt=0, le=400, description="Mean item size in the key-value store [KB] "
                                                            "(DynamoDB items are at most 400 KB).")
    kv_eventually_consistent: bool = Field(True, description="Key-value reads are eventually consistent (half a "
                                                             "read unit each).")
    kv_target_utilization: float = Field(0.7, gt=0.05, le=0.95, description="Provisioned key-value capacity "
                                                                            "tracks the load at this utilisation "
                                                                            "(DynamoDB auto scaling's default 70%).")
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
    object_size_kb: float = Field(256, gt=0, le=5_000_000_000, description="Mean object size in object storage "
                                                                         "[KB]: lifecycle transitions and "
                                                                         "retrievals are per object.")
    cooled_read_share: float = Field(0.02, ge=0, le=1, description="Share of object reads that touch objects a "
                                                                   "lifecycle rule has moved to a cooler class "
                                                                   "[fraction].")
    # asynchronous work
    async_peak_seconds: float = Field(3600, gt=0, le=86_400, description="How long the job-rate peak lasts [s]: "
                                                                          "the backlog a queue absorbs builds over "
                                                                          "it.")
    worker_target_utilization: float = Field(0.8, gt=0.05, le=0.95, description="CPU utilisation workers run at "
                                                                                 "while draining the queue.")
    # edge and secrets
    waf_rules: int = Field(5, ge=0, le=1500, description="WAF rules and managed rule groups in the web ACL when "
                                                         "the workload is public.")
    secrets: int = Field(5, ge=0, description="Secrets per deployment (database credentials, API keys) in the "
                                              "secrets manager.")
    secret_reads_per_instance_hour: float = Field(1, ge=0, description="Secret reads per instance or task per "
                                                                       "hour (clients cache secrets and refresh "
                                                                       "them).")
    kms_keys: int = Field(1, ge=0, description="Customer-managed encryption keys per deployment.")
    # reliability
    availability: Availability = Field(default_factory=Availability)
    failures: FailureModel = Field(default_factory=FailureModel)
    # at least one tier (checked in _check: a min_length here would add a second error to a bad tier's own)
    dr_tiers: tuple[DrTier, ...] = Field(DEFAULT_DR_TIERS)
    dr_regions: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_DR_REGIONS))

    @field_validator(*PATTERN_FIELDS)
    @classmethod
    def _valid_pattern(cls, value: str) -> str:
        return check_pattern(value)

    @field_validator(*ENGINE_FIELDS)
    @classmethod
    def _known_engine(cls, value: str, info: ValidationInfo) -> str:
        what, allowed = ENGINE_FIELDS[info.field_name]
        if value not in allowed:
            raise ValueError(f"unknown {what} engine; allowed: {', '.join(allowed)}")
        return value

    @field_validator("dr_regions")
    @classmethod
    def _region_codes(cls, value: dict[str, str]) -> dict[str, str]:
        """Each pair is a primary region and its DR region, both region codes (which cloud's is known only with
        the workload; a code its price book lacks is refused when the plan is priced)."""
        for primary, dr in value.items():
            check_region_code(primary)
            check_region_code(dr)
        return value

    @field_validator("diurnal_profile", mode="before")
    @classmethod
    def _profile_length(cls, value: object) -> object:
        """A day's or a week's hours, checked before each value is read (a long list is refused unread)."""
        if isinstance(value, (list, tuple)) and len(value) not in PROFILE_PERIODS:
            allowed = " or ".join(f"{n} (the hours of a {period})" for n, period in PROFILE_PERIODS.items())
            raise ValueError(f"diurnal_profile has {len(value)} values; give {allowed}, a week's from Monday "
                             "00:00 UTC")
        return value

    @field_validator("diurnal_profile")
    @classmethod
    def _profile_positive(cls, value: tuple[float, ...]) -> tuple[float, ...]:
        """Every hour carries some load: the engine divides by the busiest hour and takes logarithms (NaN and
        infinity are refused as numbers, ``allow_inf_nan``)."""
        bad = next((i for i, v in enumerate(value) if not v > 0), None)
        if bad is not None:
            raise ValueError(f"diurnal_profile values must all be > 0; hour {bad} (counting from 0) is {value[bad]:g}")
        return value

    @model_validator(mode="after")
    def _check(self) -> SizingPolicy:
        if self.fleet_min_vcpu > self.fleet_max_vcpu:
            raise ValueError(f"fleet_min_vcpu ({self.fleet_min_vcpu}) must not exceed fleet_max_vcpu "
                             f"({self.fleet_max_vcpu})")
        if not self.dr_tiers:
            raise ValueError("dr_tiers needs at least one tier")
        names = [t.name for t in self.dr_tiers]
        if len(set(names)) < len(names):
            raise ValueError(f"dr_tiers names must differ (reports name a tier by it), got {names}")
        rto = [t.rto_minutes for t in self.dr_tiers]
        if rto != sorted(rto, reverse=True):
            raise ValueError("dr_tiers must be ordered from cheapest (largest RTO) to dearest (smallest RTO)")
        slow = {k: v for k, v in self.vcpu_throughput.items() if not 0 < v <= 10}
        if slow:
            raise ValueError(f"vcpu_throughput values must be in (0, 10], got {slow}")
        bad = {k: v for k, v in self.burstable_baselines.items() if not 0 < v <= 1}
        if bad:
            raise ValueError(f"burstable_baselines values must be in (0, 1], got {bad}")
        if not all(0 < f <= 1 for f in self.cache_sizes_tried):
            raise ValueError(f"cache_sizes_tried values must be in (0, 1], got {list(self.cache_sizes_tried)}")
        low, high = self.rds_gp3_baseline_iops
        if not 0 <= low <= high <= self.rds_gp3_max_iops:
            raise ValueError(f"rds_gp3_baseline_iops must be 0 <= small <= large <= rds_gp3_max_iops "
                             f"({self.rds_gp3_max_iops:g}), got ({low:g}, {high:g})")
        return self
