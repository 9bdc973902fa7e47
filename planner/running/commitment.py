"""How much of a fleet to commit: the bill against the committed count, and what each commitment breaks even at.

A commitment (Savings Plan, reservation, committed-use discount) bills every hour of the term whether used or
not; on demand bills the hours used. Committing the k-th unit pays when it runs in at least
commitment rate / on-demand rate of the hours (its break-even utilisation): the rule every committing
purchase option (``savings_1yr``, ``savings_3yr``, ``optimise``) applies per scenario
(:func:`planner.sizing.compute.fleet_units`), on today's load profile: growth is never negative, so what today's
load keeps busy stays busy through the term. ``optimise`` takes no term that outlives the horizon; a savings option
buys the term it names, and the plan says what a longer one leaves owing.
This module draws the curve behind that choice for a plan's fleet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError
from planner.clouds import catalog_for
from planner.engine.options.purchase import bought_term_years
from planner.plan.model import Plan
from planner.pricing.book import PriceBook, default_book
from planner.pricing.units import HOURS_PER_MONTH
from planner.sizing.compute import FleetNeed, hourly_units
from planner.sizing.profile import hourly_fraction_of_peak
from planner.sizing.usl import usl_capacity


@dataclass(frozen=True)
class CommitmentCurve:
    """The fleet's monthly compute bill for every committed count, on one commitment."""

    sku: str
    option: str  # the price-book option of the commitment (savings_1yr, reserved_3yr, ...)
    on_demand_usd: float  # hourly
    commit_usd: float  # hourly
    hourly_units: np.ndarray  # units running each hour of the load profile (its day's or week's hours)
    table: pd.DataFrame  # committed, committed_share, monthly_usd
    best: int  # the committed count of the lowest bill
    term_years: int = 0
    bought: bool = False  # the commitment the plan's purchase option buys

    @property
    def break_even(self) -> float:
        """The share of hours a committed unit must run to pay: commitment rate / on-demand rate."""
        return self.commit_usd / self.on_demand_usd

    @property
    def all_on_demand_usd(self) -> float:
        return float(self.table.monthly_usd.iloc[0])

    @property
    def best_usd(self) -> float:
        return float(self.table.monthly_usd[self.table.committed == self.best].iloc[0])


def commitment_curves(plan: Plan, book: PriceBook | None = None) -> list[CommitmentCurve]:
    """One curve per commitment the cloud sells whose term the plan's horizon covers, and the one the purchase
    option buys (``bought``), for the horizontal option's fleet (empty when that option has no bill or the cloud
    has no commitment prices)."""
    w, o = plan.workload, plan.option("horizontal")
    if not o.feasible or not o.row.instance_type:
        return []
    book = book or default_book(w.cloud)
    cat, s, p = catalog_for(w.cloud), plan.sizing, w.policy
    vcpu = float(o.row.instance_vcpu)
    speed = float(getattr(o.row, "throughput", 1.0))  # reference vCPUs per vCPU, as the fleet was sized
    cores = vcpu * speed
    need = FleetNeed(*(np.array([float(getattr(s, c))]) for c in ("vcpu_needed", "vcpu_needed_horizon",
                                                                     "capacity_needed", "capacity_needed_horizon")))
    fraction = hourly_fraction_of_peak(p.diurnal_profile, np.array([w.peak_to_average]))[0]
    units = hourly_units(need, fraction, cores, float(usl_capacity(vcpu, p.usl_sigma, p.usl_kappa)) * speed,
                         float(s.azs),
                         bool(s.survive_az_loss))
    sku, region = str(o.row.instance_type), w.region
    on_demand = book.instance_price(w.cloud, region, cat.compute_service, sku).hourly_usd
    bought = bought_term_years(w.purchase_option, w.horizon_months, cat)  # drawn even past the horizon
    curves = []
    for term, (option, _) in sorted(cat.commitments.items()):
        if 12 * term > w.horizon_months and term != bought:
            continue
        try:
            rate = book.instance_price(w.cloud, region, cat.compute_service, sku, option).hourly_usd
        except PlannerError:
            continue  # no such commitment for this type here
        counts = np.arange(0, int(units.max()) + 1)
        monthly = (counts * rate + np.maximum(units[None, :] - counts[:, None], 0).mean(axis=1) * on_demand
                   ) * HOURS_PER_MONTH
        table = pd.DataFrame({"committed": counts, "committed_share": counts / units.max(), "monthly_usd": monthly})
        curves.append(CommitmentCurve(sku=sku, option=option, on_demand_usd=on_demand, commit_usd=rate,
                                      hourly_units=units, table=table, best=int(counts[np.argmin(monthly)]),
                                      term_years=term, bought=term == bought))
    return curves


def no_commitment_reason(plan: Plan) -> str:
    """Why :func:`commitment_curves` is empty for ``plan``, in words."""
    w = plan.workload
    if not plan.option("horizontal").feasible:
        return "the fleet has no bill"
    if not catalog_for(w.cloud).commitments:
        return "the price book has no commitment rates for this cloud, so everything bills pay-as-you-go"
    return (f"no commitment term fits the {w.horizon_months}-month horizon (optimise never commits past it), or "
            "the fleet's instance type has no commitment rate here")
