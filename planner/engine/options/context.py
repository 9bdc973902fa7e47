"""What every option needs to know about the scenarios: the inputs and the shared sizing."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from planner.clouds.catalog import CloudCatalog
from planner.engine.options.purchase import purchase_arrays
from planner.pricing.book import PriceBook
from planner.sizing.availability import designed_for_pct, region_outages
from planner.sizing.compute import FleetNeed, fleet_units
from planner.sizing.dr import tier_rto_minutes
from planner.sizing.workers import hourly_share
from planner.workload.policy import SizingPolicy

OPTION_COLUMNS = ["row", "option", "feasible", "reasons", "instance_type", "instance_vcpu", "instances_min",
                  "instances_desired",
                  "instances_max", "azs", "instance_hours", "front", "compute_availability_pct", "compute_kind"]


@dataclass(frozen=True)
class Context:
    """Inputs and shared sizing of all scenarios as columns (one element per scenario), plus policy and prices."""

    columns: dict[str, np.ndarray]
    n: int
    hourly_fraction: np.ndarray  # (scenarios, hours of the profile's day or week): capacity each hour / peak
    policy: SizingPolicy
    book: PriceBook
    catalog: CloudCatalog

    @property
    def cloud(self) -> str:
        return self.catalog.name

    @property
    def rows(self) -> np.ndarray:
        return np.arange(self.n)

    @property
    def region(self) -> np.ndarray:
        return self.col("region")

    @functools.cached_property
    def purchase(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(baseline compute, burst compute, database/cache) price-book purchase options per scenario."""
        return purchase_arrays(self.col("purchase_option"), self.catalog.purchase_plan, self.col("horizon_months"),
                               self.catalog.commitments, self.policy.spot_burst)

    def allowance(self, role: str) -> float:
        """The always-free allowance of a role on this cloud (0 where there is none)."""
        where = self.catalog.allowances.get(role)
        return self.book.allowance(self.cloud, *where) if where else 0.0

    def col(self, name: str) -> np.ndarray:
        """A sizing column (or, failing that, an input column) as a numpy array."""
        return self.columns[name]

    @functools.cached_property
    def tier_rto_minutes(self) -> np.ndarray:
        """(scenarios, DR tiers): the recovery time each tier achieves for this database (a restore copies one
        shard's data, ``db_restore_gb``)."""
        return tier_rto_minutes(self.col("db_restore_gb"), self.policy)

    @functools.cached_property
    def active_active_tiers(self) -> np.ndarray:
        """Per DR tier: both regions carry the full load (traffic simply moves on a regional failure)."""
        return np.array([t.compute_fraction >= 1 for t in self.policy.dr_tiers])

    def designed_for_by_tier(self, compute_kind: np.ndarray) -> np.ndarray:
        """(scenarios, DR tiers): designed-for availability [%] of each scenario's stack with ``compute_kind``
        compute (see :func:`planner.sizing.availability.region_outages`) under each DR tier."""
        p = self.policy
        outages = region_outages(p.failures, np.broadcast_to(np.asarray(compute_kind), (self.n,)),
                                 self.col("survive_az_loss"), self.col("cache_used"), self.col("cache_multi_az"),
                                 self.col("db_multi_az"), p.single_az_restore_minutes)
        return np.stack([designed_for_pct(outages, p.failures, self.tier_rto_minutes[:, i], aa)
                         for i, aa in enumerate(self.active_active_tiers)], axis=1)

    def option_tier(self, compute_kind: np.ndarray | str, by_tier: np.ndarray | None = None) -> np.ndarray:
        """Each scenario's DR tier for an option with ``compute_kind`` compute (``by_tier``: its
        :meth:`designed_for_by_tier`, where already at hand): the RTO/RPO's tier, lifted to the first that reaches
        the availability target (the last where none does). It depends on the kind of compute, not the instance
        type, so a type can be chosen with the DR copy it brings."""
        by_tier = self.designed_for_by_tier(np.asarray(compute_kind)) if by_tier is None else by_tier
        base_tier = self.col("dr_tier_index")
        tiers = np.arange(len(self.policy.dr_tiers))
        enough = (by_tier >= self.col("availability_target")[:, None]) & (tiers[None, :] >= base_tier[:, None])
        return np.where(enough.any(axis=1), enough.argmax(axis=1), len(self.policy.dr_tiers) - 1)

    def dr_compute_fraction(self, compute_kind: np.ndarray | str) -> np.ndarray:
        """Each scenario's share of the primary's compute that its option's DR tier keeps standing in the DR
        region (0: none)."""
        fractions = np.array([t.compute_fraction for t in self.policy.dr_tiers])
        return fractions[self.option_tier(compute_kind)]

    @functools.cached_property
    def worker_share(self) -> np.ndarray:
        """(scenarios, hours): the worker pool each hour needs as a share of its peak (every option's workers)."""
        return hourly_share(self.columns, self.hourly_fraction, self.policy)

    @functools.cached_property
    def fleet_need(self) -> FleetNeed:
        return FleetNeed(self.col("vcpu_needed"), self.col("vcpu_needed_horizon"), self.col("capacity_needed"),
                         self.col("capacity_needed_horizon"))

    def elastic_units(self, cores_per_unit: np.ndarray, capacity_per_unit: np.ndarray,
                      commit_ratio: np.ndarray | float = 1.0) -> dict[str, np.ndarray]:
        """Fleet units of every scenario for units of these cores and USL capacity (see :func:`fleet_units`)."""
        return fleet_units(self.fleet_need, self.hourly_fraction, cores_per_unit, capacity_per_unit,
                           self.col("azs"), self.col("survive_az_loss"), self.policy.burst_headroom, commit_ratio)


Columns = dict[str, np.ndarray]
"""Rows of one option for every scenario, column by column: the engine's working form (a DataFrame is built
once, at the end of a run; building and indexing one per step cost more than the sizing itself)."""


def option_frame(ctx: Context, option: str, **columns: object) -> Columns:
    """An option's columns, every one of :data:`OPTION_COLUMNS` (missing ones empty), each a writable array of
    one element per scenario."""
    base: dict[str, object] = {"row": ctx.rows, "option": option, "feasible": True, "reasons": "",
                               "instance_type": "", "instance_vcpu": np.nan, "instances_min": np.nan,
                               "instances_desired": np.nan, "instances_max": np.nan, "azs": np.nan,
                               "instance_hours": 0.0, "front": "", "compute_availability_pct": np.nan,
                               "compute_kind": "fleet"}
    base.update(columns)
    return {c: _column(base[c], ctx.n) for c in OPTION_COLUMNS}


def _column(value: object, n: int) -> np.ndarray:
    a = np.asarray(value)
    if a.dtype.kind in "US":  # numpy fixed-width text would truncate longer values written later
        a = a.astype(object)
    return np.array(np.broadcast_to(a, (n,)))


def stack_options(frames: list[Columns]) -> Columns:
    """Options' columns one after another; a column some options lack is empty (NaN) for them."""
    names = list(dict.fromkeys(c for f in frames for c in f))
    return {c: np.concatenate([f[c] if c in f else np.full(len(f["row"]), np.nan) for f in frames]) for c in names}


def add_reason(frame: Columns, mask: np.ndarray, messages: list[str] | str) -> None:
    """Mark rows infeasible and append a reason to each."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return
    msgs = [messages] * int(mask.sum()) if isinstance(messages, str) else messages
    current = frame["reasons"][mask]
    frame["reasons"][mask] = [f"{c}\n{m}" if c else m for c, m in zip(current, msgs)]
    frame["feasible"][mask] = False
