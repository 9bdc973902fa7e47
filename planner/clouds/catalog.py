"""What a cloud calls each part of the architecture, and the defaults the sizing model takes from it.

The engine and the options are cloud-neutral: they size *roles* (a VM fleet, one
big VM, containers, functions, a managed database, a cache, a load balancer,
NAT, object storage, monitoring, egress, DR) and bill each through a
:class:`PriceRef` that the cloud's :class:`CloudCatalog` maps to a service,
item and dimension of that cloud's price book. A role a catalog leaves out
(``None``) is not billed on that cloud, and says why. Adding a cloud is a
catalog module in :mod:`planner.clouds` plus its price files (see
``docs/architecture.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import pandas as pd

from planner.workload.policy import Availability, SizingPolicy


def _fixed_performance(skus: pd.Series, policy: SizingPolicy) -> np.ndarray:
    return np.ones(len(skus))


def _at_default(policy: SizingPolicy, name: str) -> bool:
    return getattr(policy, name) == SizingPolicy.model_fields[name].get_default(call_default_factory=True)


@dataclass(frozen=True)
class PriceRef:
    """Where a role's unit price sits in the price book, and how the BOM line reads.

    ``per_unit`` converts the engine's quantity into the price's unit (e.g. MiB ingested per custom metric a
    month where a cloud bills metrics by volume)."""

    service: str
    item: str
    dimension: str = ""
    sku: str = ""
    per_unit: float = 1.0
    note: str = ""
    tiered: bool = False  # priced by a tier schedule (the blended rate is shown)

    def formatted(self, **values: str) -> PriceRef:
        """This reference with ``{name}`` placeholders of its dimension and SKU label filled in."""
        if not values or "{" not in self.dimension + self.sku:
            return self
        return replace(self, dimension=self.dimension.format(**values), sku=self.sku.format(**values))


@dataclass(frozen=True)
class DatabaseVariant:
    """One kind of managed database a cloud offers, and how its storage is billed.

    ``storage`` says what the variant's I/O costs:

    - ``provisioned``: a volume with baseline IOPS, more provisioned at a price up to a ceiling, then a
      faster volume (RDS gp3 / io2; the thresholds are the policy's ``rds_*`` fields);
    - ``per_request``: I/O requests billed per million (Aurora standard);
    - ``included``: I/O in the instance and storage prices (Aurora I/O-Optimized);
    - ``scaled``: IOPS grow with the volume, ``iops_per_gb``; more IOPS need a larger volume (Cloud SQL SSD,
      Azure flexible server Premium SSD).
    """

    name: str
    label: str  # with {engine}: "RDS {engine}"
    short: str  # in diagrams and decision lists: "RDS"
    service: str
    storage: Literal["provisioned", "per_request", "included", "scaled"]
    engine: Mapping[str, str]  # workload database_engine -> price-book engine
    # price-book deployment of each neutral deployment ("single-az", "multi-az")
    deployment: Mapping[str, str] = field(default_factory=lambda: {"single-az": "single-az", "multi-az": "multi-az"})
    # Multi-AZ = the single class x this many (a writer and a standby priced as instances), or 0: the price book
    # has the Multi-AZ class's own price
    multi_az_copies: float = 0.0
    volume: str = ""  # what the storage is called in the plan (provisioned storage: gp3 or io2 as chosen)
    free_backup_fraction: float = 1.0  # backups free up to this share of the provisioned storage
    iops_per_gb: float = 0.0  # "scaled" storage: IOPS per GB of volume
    max_iops: float = float("inf")  # "scaled" storage: the most a volume delivers
    # storage item and dimension per neutral deployment; "{volume}" for provisioned volumes (gp3, io2)
    storage_ref: Mapping[str, PriceRef] = field(default_factory=dict)
    iops_ref: Mapping[str, PriceRef] = field(default_factory=dict)
    io_requests_ref: PriceRef | None = None
    backup_ref: PriceRef | None = None
    replica_storage_ref: PriceRef | None = None
    optional: bool = False  # considered only where the policy allows (consider_aurora)
    max_storage_gb: float = float("inf")  # the largest volume one cluster (one shard) may have
    # a managed connection proxy billed per vCPU of each instance behind it, at least ``proxy_min_vcpu`` an instance
    # (RDS Proxy); None: the cloud offers none for the variant
    proxy_ref: PriceRef | None = None
    proxy_min_vcpu: float = 0.0
    # the proxy fronts the read replicas too (Aurora's reader endpoint); else it fronts the writer alone, so a class
    # that needs replicas cannot pool their connections through it
    proxy_readers: bool = False


@dataclass(frozen=True)
class ObjectClass:
    """A storage class objects cool into (workload ``object_storage_access``), and its rules.

    ``min_days``: the class bills an object for at least this many days; ``min_age_days``: a lifecycle rule
    moves an object into it no sooner than this many days after upload."""

    label: str
    storage: PriceRef
    reads: PriceRef
    retrieval: PriceRef | None
    transition: PriceRef | None
    min_days: float
    min_age_days: float = 0.0
    note: str = ""  # what a review should know (an archive read takes hours)


def _no_edge(region: str) -> str:
    return ""


@dataclass(frozen=True)
class CloudCatalog:
    """A cloud's services for each role, its price references, SLAs and region facts."""

    name: str
    label: str
    # role -> the product that plays it, as a design review names it
    products: Mapping[str, str]
    compute_service: str
    architectures: tuple[str, ...]  # CPU architectures of its VM types (Arm where the cloud has it)
    cache_service: str
    databases: tuple[DatabaseVariant, ...]
    # role -> price reference; None: not billed on this cloud
    prices: Mapping[str, PriceRef | None]
    # always-free allowances: role -> (service, item) of a global rule row
    allowances: Mapping[str, tuple[str, str]]
    purchase_notes: Mapping[str, str]  # workload purchase_option -> what it buys on this cloud, in a sentence
    # commitment term [years] -> the price-book options of (compute, database and cache) it buys: what
    # purchase_option "optimise" chooses among
    commitments: Mapping[int, tuple[str, str]]
    nat_billing: Literal["per_az", "per_vm"]
    nat_max_billed_vms: int  # per_vm: the charge stops growing at this many VMs
    load_balancer_capacity: Literal["lcu", "gb"]  # what the load balancer's usage is billed by
    function_mb_per_vcpu: float
    dr_regions: Mapping[str, str]
    default_region: str
    availability: Availability
    sla_as_of: str  # when the SLA figures were read
    cache_copies_min: int = 1  # nodes per cache shard even without Multi-AZ (a replica some caches always run)
    # a connection pooler the managed database runs at no charge ("" where the plan runs PgBouncer instances)
    database_pooler: str = ""
    database_proxy: str = ""  # the managed proxy's name where a variant has one (DatabaseVariant.proxy_ref)
    # soft quotas a plan may need raised: role -> (the quota's name, its documented default)
    quotas: Mapping[str, tuple[str, float]] = field(default_factory=dict)
    always_on_option: str = "on_demand"  # the rate always-on VMs get uncommitted (GCP: sustained use)
    # sustained share of each vCPU per SKU: 1 for fixed-performance types, a burstable type's baseline
    sustained_share: Callable[[pd.Series, SizingPolicy], np.ndarray] = field(default=_fixed_performance)
    # policy fields whose defaults are this cloud's (names of families, node types, burstable baselines)
    policy_defaults: Mapping[str, object] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    # workload object_storage_access ("warm", "archive") -> the class objects cool into; an access pattern a cloud
    # lacks here stays in the standard class, and the plan says so
    object_classes: Mapping[str, ObjectClass] = field(default_factory=dict)
    # the CDN's pricing geography for users near a region ("" where the cloud has no CDN prices)
    edge_geography: Callable[[str], str] = field(default=_no_edge)

    @property
    def purchase_plan(self) -> dict[str, tuple[str, str, str]]:
        """Workload purchase_option -> price-book options for (always-on compute, elastic compute, database and
        cache): the savings options buy the cloud's commitment of that term (where the book has none, the
        bill falls back to on demand and each line says so); ``optimise`` is chosen per scenario
        (:func:`planner.engine.options.purchase.purchase_arrays`)."""
        plan = {"on_demand": (self.always_on_option, "on_demand", "on_demand"),
                "spot_mix": (self.always_on_option, "spot", "on_demand")}
        for term in (1, 3):
            compute, database = self.commitments.get(term, (f"savings_{term}yr", f"reserved_{term}yr"))
            plan[f"savings_{term}yr"] = (compute, "on_demand", database)
        return plan

    def product(self, role: str) -> str:
        return self.products.get(role, role)

    def price(self, role: str) -> PriceRef | None:
        return self.prices.get(role)

    def database(self, name: str) -> DatabaseVariant:
        return next(d for d in self.databases if d.name == name)

    def policy_for(self, policy: SizingPolicy) -> SizingPolicy:
        """``policy`` with this cloud's defaults wherever a cloud-specific field is left at the planner-wide
        default (unset, or set to that default, as a policy read back from JSON has every field); the same
        object when nothing differs."""
        defaults = {**self.policy_defaults, "availability": self.availability, "dr_regions": dict(self.dr_regions)}
        update = {k: v for k, v in defaults.items()
                  if getattr(policy, k) != v and (k not in policy.model_fields_set or _at_default(policy, k))}
        return policy.model_copy(update=update) if update else policy

    def database_label(self, variant: str, engine: str) -> str:
        """How a design review names a database variant with its engine (``RDS postgresql``)."""
        known = {d.name: d for d in self.databases}
        return known[variant].label.format(engine=engine) if variant in known else engine
