"""Monte Carlo through the one engine: sample the ranges, price every sample as a batch scenario, summarise.

Per option: the 10th, 50th and 90th percentiles of the monthly bill over the samples where it is feasible,
the probability it is feasible and the probability it is the cheapest feasible option. The recommendation
under uncertainty follows one stated rule (:data:`RULE`). Sensitivity: each ranged input moved from its low
to its high with the others at their medians (a tornado), and Spearman's rank correlation between each
input's samples and the bill of the option recommended in that sample.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError
from planner.engine.chain import OPTIONS, run, workloads_frame
from planner.pricing.book import PriceBook
from planner.running.uncertainty.ranges import UncertainWorkload
from planner.workload.policy import SizingPolicy

MAX_SAMPLES = 1_000_000
SAMPLE_CHUNK = 20_000  # samples priced per engine call (bounds memory)
FEASIBLE_ENOUGH = 0.95
RULE = (f"the lowest median (P50) bill among options feasible in at least {FEASIBLE_ENOUGH:.0%} of samples; "
        "if none is, the most often feasible")
CPU_SHARE_OF_LATENCY = 0.9  # a CPU-time sample is kept below this share of the p99 target (beyond it no pool
# of servers meets the target, and the sample would say nothing about cost)


@dataclass(frozen=True)
class OptionBand:
    """One option's bill over the samples (percentiles over the samples where it is feasible)."""

    name: str
    p10_usd: float
    p50_usd: float
    p90_usd: float
    p_feasible: float
    p_cheapest: float


@dataclass(frozen=True)
class Swing:
    """One ranged input's effect on the recommended bill: at its low and high with the others at medians."""

    field: str
    low_value: float
    high_value: float
    low_usd: float
    high_usd: float
    rank_correlation: float

    @property
    def swing_usd(self) -> float:
        return abs(self.high_usd - self.low_usd)


@dataclass(frozen=True)
class Uncertainty:
    samples: int
    seed: int
    options: tuple[OptionBand, ...]
    recommended: str | None
    rule: str
    bill_p10_usd: float  # the bill of each sample's cheapest feasible option
    bill_p50_usd: float
    bill_p90_usd: float
    sensitivity: tuple[Swing, ...]  # largest swing first
    policy_sensitivity: tuple[Swing, ...] = ()  # the policy defaults that move the bill most, largest first
    costs: np.ndarray = field(default_factory=lambda: np.zeros((0, len(OPTIONS))), repr=False, compare=False)
    # (samples, options): each sample's monthly bill per option, NaN where that option is not feasible
    bill_at_medians_usd: float = float("nan")  # the cheapest feasible bill with every range at its median

    @property
    def p_recommendation_holds(self) -> float:
        """Share of samples in which the recommended option is also the cheapest feasible one."""
        band = next((o for o in self.options if o.name == self.recommended), None)
        return band.p_cheapest if band else float("nan")


def check_samples(samples: int) -> None:
    if not 1 <= samples <= MAX_SAMPLES:
        raise PlannerError(f"--samples {samples}: must be between 1 and {MAX_SAMPLES:,}")


def sample_frame(uw: UncertainWorkload, samples: int, seed: int) -> pd.DataFrame:
    """``samples`` workload rows: every ranged field drawn from its distribution (fields in a fixed order, so a
    seed always gives the same rows), the rest as given."""
    check_samples(samples)
    base = workloads_frame([uw.workload])
    wf = base.loc[np.zeros(samples, dtype=int)].reset_index(drop=True)
    draws = uniforms([r.field for r in uw.ranges], samples, seed)
    for r in uw.ranges:
        wf[r.field] = r.quantile(draws[r.field])
    keep_cpu_below_target(wf)
    return wf


def uniforms(fields: list[str], samples: int, seed: int) -> dict[str, np.ndarray]:
    """The uniform draws behind each ranged field's samples: one stream per seed, taken field by field in name
    order, so the same ranges and seed give the same samples wherever they are priced (a plan, a batch row)."""
    rng = np.random.default_rng(seed)
    return {f: rng.random(samples) for f in sorted(fields)}


def keep_cpu_below_target(wf: pd.DataFrame) -> None:
    cap = wf["latency_target_ms"].to_numpy() * CPU_SHARE_OF_LATENCY
    wf["cpu_ms_per_request"] = np.minimum(wf["cpu_ms_per_request"].to_numpy(), cap)


def _price(wf: pd.DataFrame, uw: UncertainWorkload, book: PriceBook) -> dict[str, np.ndarray]:
    """(scenarios, options) arrays of the monthly bill, feasibility and the recommended option."""
    return _price_with(wf, uw.workload.policy, book)


def _price_with(wf: pd.DataFrame, policy: SizingPolicy, book: PriceBook) -> dict[str, np.ndarray]:
    out: dict[str, list[np.ndarray]] = {"monthly_usd": [], "feasible": [], "recommended": []}
    for start in range(0, len(wf), SAMPLE_CHUNK):
        result = run(wf.iloc[start:start + SAMPLE_CHUNK], policy, book, detail=False)
        for c in out:
            out[c].append(result.per_scenario(c))
    return {c: np.concatenate(v) for c, v in out.items()}


def _bill(priced: dict[str, np.ndarray]) -> np.ndarray:
    """Each scenario's recommended (cheapest feasible) bill; NaN where no option is feasible."""
    return recommended_bill(priced["monthly_usd"], priced["recommended"])


def recommended_bill(monthly_usd: np.ndarray, recommended: np.ndarray) -> np.ndarray:
    """The bill of the recommended option, options on the last axis; NaN where none is recommended."""
    rec = recommended.astype(bool)
    chosen = np.where(rec, monthly_usd.astype(float), -np.inf).max(axis=-1)
    return np.where(rec.any(axis=-1), chosen, np.nan)


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson's correlation of the ranks (ties share their mean rank)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return float("nan")
    rx, ry = pd.Series(x[ok]).rank().to_numpy(), pd.Series(y[ok]).rank().to_numpy()
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


@dataclass(frozen=True)
class Summary:
    """Monte Carlo summaries of many scenarios at once: arrays of (scenarios, options) or (scenarios,)."""

    p10_usd: np.ndarray
    p50_usd: np.ndarray
    p90_usd: np.ndarray
    p_feasible: np.ndarray
    p_cheapest: np.ndarray
    bill_p10_usd: np.ndarray
    bill_p50_usd: np.ndarray
    bill_p90_usd: np.ndarray
    recommended: np.ndarray  # index into OPTIONS under :data:`RULE`, -1 where no option is ever feasible

    @property
    def p_recommendation_holds(self) -> np.ndarray:
        rows = np.arange(len(self.recommended))
        return np.where(self.recommended >= 0, self.p_cheapest[rows, np.maximum(self.recommended, 0)], np.nan)


def summarise(monthly_usd: np.ndarray, feasible: np.ndarray, recommended: np.ndarray) -> Summary:
    """Percentiles, probabilities and the recommendation under :data:`RULE` of (scenarios, samples, options)
    arrays: each option's monthly bill, whether it is feasible, whether it is the cheapest feasible one."""
    feasible = feasible.astype(bool)
    recommended = recommended.astype(bool)
    costs = np.where(feasible, monthly_usd.astype(float), np.nan)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an option never feasible has no percentiles (NaN)
        p10, p50, p90 = np.nanpercentile(costs, [10, 50, 90], axis=1)
        bill = recommended_bill(costs, recommended)
        b10, b50, b90 = np.nanpercentile(bill, [10, 50, 90], axis=1)
    p_feasible, p_cheapest = feasible.mean(axis=1), recommended.mean(axis=1)
    sure = p_feasible >= FEASIBLE_ENOUGH
    by_median = np.argmin(np.where(sure, np.nan_to_num(p50, nan=np.inf), np.inf), axis=1)
    # otherwise the most often feasible, the cheaper median first among equals
    most = p_feasible == p_feasible.max(axis=1, keepdims=True)
    fallback = np.argmin(np.where(most, np.nan_to_num(p50, nan=np.inf), np.inf), axis=1)
    choice = np.where(sure.any(axis=1), by_median, np.where(p_feasible.max(axis=1) > 0, fallback, -1))
    return Summary(p10, p50, p90, p_feasible, p_cheapest, b10, b50, b90, choice)


def simulate(uw: UncertainWorkload, samples: int, seed: int, book: PriceBook) -> Uncertainty:
    """Sample the ranges, price every sample through the engine and summarise (see the module docstring)."""
    wf = sample_frame(uw, samples, seed)
    priced = _price(wf, uw, book)
    s = summarise(*(priced[c][None] for c in ("monthly_usd", "feasible", "recommended")))
    bands = tuple(OptionBand(name, float(s.p10_usd[0, j]), float(s.p50_usd[0, j]), float(s.p90_usd[0, j]),
                             float(s.p_feasible[0, j]), float(s.p_cheapest[0, j])) for j, name in enumerate(OPTIONS))
    at_medians, sensitivity = _tornado(uw, wf, _bill(priced), book)
    costs = np.where(priced["feasible"].astype(bool), priced["monthly_usd"].astype(float), np.nan)
    rec = int(s.recommended[0])
    return Uncertainty(samples=samples, seed=seed, options=bands, recommended=list(OPTIONS)[rec] if rec >= 0 else None,
                       rule=RULE, bill_p10_usd=float(s.bill_p10_usd[0]), bill_p50_usd=float(s.bill_p50_usd[0]),
                       bill_p90_usd=float(s.bill_p90_usd[0]), sensitivity=sensitivity,
                       policy_sensitivity=_policy_tornado(uw, book), costs=costs, bill_at_medians_usd=at_medians)


def _tornado(uw: UncertainWorkload, samples: pd.DataFrame, bill: np.ndarray,
             book: PriceBook) -> tuple[float, tuple[Swing, ...]]:
    """The bill with every range at its median, and each ranged input at its low, then its high, the others at
    their medians: priced in one engine call."""
    base = workloads_frame([uw.workload])
    ends = base.loc[np.zeros(2 * len(uw.ranges), dtype=int)].reset_index(drop=True)
    for i, r in enumerate(uw.ranges):
        ends.loc[2 * i, r.field], ends.loc[2 * i + 1, r.field] = r.low, r.high
    keep_cpu_below_target(ends)  # as the samples are; the medians are the workload as validated
    bills = _bill(_price(pd.concat([base, ends], ignore_index=True), uw, book))
    swings = [Swing(r.field, r.low, r.high, float(lo), float(hi),
                    _rank_correlation(samples[r.field].to_numpy(dtype=float), bill))
              for r, (lo, hi) in zip(uw.ranges, bills[1:].reshape(-1, 2))]
    return float(bills[0]), tuple(sorted(swings, key=lambda s: -np.nan_to_num(s.swing_usd, nan=-1.0)))


# policy defaults whose values are estimates rather than facts (contention, database CPU per request, locality,
# overheads): each is halved and raised by half (see _policy_ends), at the inputs' medians
POLICY_CANDIDATES = ("usl_sigma", "burst_headroom", "db_cpu_ms_per_read", "db_cpu_ms_per_write", "hot_read_share",
                     "cache_item_overhead", "backend_wait_ms", "db_pages_per_read")
POLICY_FACTORS = (0.5, 1.5)
POLICY_SHOWN = 3


def _policy_tornado(uw: UncertainWorkload, book: PriceBook) -> tuple[Swing, ...]:
    """The :data:`POLICY_SHOWN` policy defaults (of :data:`POLICY_CANDIDATES`) whose change from half to 1.5x
    moves the recommended bill at the medians most."""
    policy = uw.workload.policy
    wf = workloads_frame([uw.workload])
    swings = []
    for name in POLICY_CANDIDATES:
        ends = _policy_ends(policy, name)
        bills = [_bill(_price_with(wf, policy.model_copy(update={name: v}), book))[0] for v in ends]
        swings.append(Swing(f"policy.{name}", ends[0], ends[1], float(bills[0]), float(bills[1]), float("nan")))
    ranked = sorted(swings, key=lambda s: -np.nan_to_num(s.swing_usd, nan=-1.0))
    return tuple(ranked[:POLICY_SHOWN])


def _policy_ends(policy: object, name: str) -> tuple[float, float]:
    """A policy default halved and raised by half, inside the field's bounds; a share of a whole moved halfway
    to 0 and halfway to 1 instead."""
    import annotated_types as at

    value = float(getattr(policy, name))
    lo, hi = -np.inf, np.inf
    for m in type(policy).model_fields[name].metadata:
        if isinstance(m, at.Ge | at.Gt):
            lo = max(lo, float(m.ge if isinstance(m, at.Ge) else m.gt))
        elif isinstance(m, at.Le | at.Lt):
            hi = min(hi, float(m.le if isinstance(m, at.Le) else m.lt))
    if name.endswith(("_share", "_fraction")):  # a share of a whole: halfway to none, halfway to all
        return value / 2, value + (min(hi, 1.0) - value) / 2
    low, high = (value * f for f in POLICY_FACTORS)
    return max(low, lo), min(high, hi)
