"""A fit's back-test: the plan at the load the system served, with the instance type it ran, against the
instances it ran."""

from __future__ import annotations

import re
from dataclasses import dataclass

from planner.running.fit.estimate import Fit


@dataclass(frozen=True)
class BackTest:
    """The planned fleet at the observed peak hour beside the instances the system ran."""

    instance_type: str
    peak_rps: float  # the busiest hour's mean rate
    observed_at_peak: float  # instances in that hour
    observed_max: float  # the most instances in any hour
    planned_desired: float  # the plan's fleet at that rate (the horizontal option, that type only)
    planned_max: float  # with its burst headroom
    monthly_usd: float  # the horizontal option's bill


def backtest(fit: Fit, instance_type: str, vcpu: float, family: str, *, cloud: str, region: str | None
             ) -> BackTest | None:
    """The back-test (see the module docstring), or None where the fit has no CPU time, no instance count, or
    the plan no fleet of that type. The workload: the busiest hour's rate, the fitted peak-to-average and CPU
    time, no growth over a one-month horizon, the fleet held to the observed type."""
    h = fit.hourly
    if h is None or "instances" not in h or "cpu_ms_per_request" not in fit.inputs:
        return None
    from planner.plan.model import make_plan
    from planner.workload.model import Workload

    from planner.running.fit.workload_file import latency_target_ms

    busiest = h.requests_per_s.idxmax()
    target = latency_target_ms(fit)
    p2a = fit.inputs["peak_to_average"].mid if "peak_to_average" in fit.inputs else 3.0
    w = Workload(cloud=cloud, **({"region": region} if region else {}), name="back-test",
                 **({"latency_target_ms": target} if target is not None else {}),
                 peak_rps=float(h.requests_per_s.max()), peak_to_average=float(max(p2a, 1.0)),
                 cpu_ms_per_request=float(fit.inputs["cpu_ms_per_request"].mid), monthly_growth=0.0, horizon_months=1,
                 policy={"horizontal_family_pattern": f"^{re.escape(family)}$", "fleet_min_vcpu": int(vcpu),
                         "fleet_max_vcpu": int(vcpu)})
    fleet = next(o for o in make_plan(w).options if o.name == "horizontal")
    if fleet.row.instance_type != instance_type:
        return None
    instances = h.instances.ffill()
    return BackTest(instance_type=instance_type, peak_rps=float(h.requests_per_s.max()),
                    observed_at_peak=float(instances.loc[busiest]), observed_max=float(instances.max()),
                    planned_desired=float(fleet.row.instances_desired), planned_max=float(fleet.row.instances_max),
                    monthly_usd=float(fleet.monthly_usd))
