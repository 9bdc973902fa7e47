"""Monte Carlo through the one engine: sample the ranges, price every sample as a batch scenario, summarise.

Per option: the 10th, 50th and 90th percentiles of the monthly bill over the samples where it is feasible,
the probability it is feasible and the probability it is the cheapest feasible option. The recommendation
under uncertainty follows one stated rule (:data:`RULE`). Sensitivity: each ranged input moved from its low
to its high with the others at their medians (a tornado), and Spearman's rank correlation between each
input's samples and the bill of the option recommended in that sample.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.engine import OPTIONS, run, workloads_frame
from planner.errors import PlannerError
from planner.pricing.book import PriceBook
from planner.uncertainty.ranges import UncertainWorkload

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
    rng = np.random.default_rng(seed)
    base = workloads_frame([uw.workload])
    wf = base.loc[np.zeros(samples, dtype=int)].reset_index(drop=True)
    for r in sorted(uw.ranges, key=lambda r: r.field):
        wf[r.field] = r.sample(rng, samples)
    _keep_cpu_below_target(wf)
    return wf


def _keep_cpu_below_target(wf: pd.DataFrame) -> None:
    cap = wf["latency_target_ms"].to_numpy() * CPU_SHARE_OF_LATENCY
    wf["cpu_ms_per_request"] = np.minimum(wf["cpu_ms_per_request"].to_numpy(), cap)


def _price(wf: pd.DataFrame, uw: UncertainWorkload, book: PriceBook) -> dict[str, np.ndarray]:
    """(scenarios, options) arrays of the monthly bill, feasibility and the recommended option."""
    k = len(OPTIONS)
    out: dict[str, list[np.ndarray]] = {"monthly_usd": [], "feasible": [], "recommended": []}
    for start in range(0, len(wf), SAMPLE_CHUNK):
        o = run(wf.iloc[start:start + SAMPLE_CHUNK], uw.workload.policy, book, detail=False).option_columns
        for c in out:  # the engine lists option by option: (options, scenarios) -> (scenarios, options)
            out[c].append(np.asarray(o[c]).reshape(k, -1).T)
    return {c: np.concatenate(v) for c, v in out.items()}


def _bill(priced: dict[str, np.ndarray]) -> np.ndarray:
    """Each scenario's recommended (cheapest feasible) bill; NaN where no option is feasible."""
    rec = priced["recommended"].astype(bool)
    bill = np.where(rec, priced["monthly_usd"].astype(float), np.nan)
    return np.where(rec.any(axis=1), np.nanmax(np.where(rec, bill, -np.inf), axis=1), np.nan)


def _percentiles(values: np.ndarray) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    if not len(values):
        return (float("nan"),) * 3
    p10, p50, p90 = np.percentile(values, [10, 50, 90])
    return float(p10), float(p50), float(p90)


def _recommend(bands: list[OptionBand]) -> str | None:
    sure = [b for b in bands if b.p_feasible >= FEASIBLE_ENOUGH]
    if sure:
        return min(sure, key=lambda b: b.p50_usd).name
    possible = [b for b in bands if b.p_feasible > 0]
    if not possible:
        return None
    return max(possible, key=lambda b: (b.p_feasible, -b.p50_usd)).name


def _rank_correlation(x: np.ndarray, y: np.ndarray) -> float:
    """Spearman's rho: Pearson's correlation of the ranks (ties share their mean rank)."""
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 3:
        return float("nan")
    rx, ry = pd.Series(x[ok]).rank().to_numpy(), pd.Series(y[ok]).rank().to_numpy()
    if rx.std() == 0 or ry.std() == 0:
        return 0.0
    return float(np.corrcoef(rx, ry)[0, 1])


def simulate(uw: UncertainWorkload, samples: int, seed: int, book: PriceBook) -> Uncertainty:
    """Sample the ranges, price every sample through the engine and summarise (see the module docstring)."""
    wf = sample_frame(uw, samples, seed)
    priced = _price(wf, uw, book)
    bands = []
    costs = np.where(priced["feasible"].astype(bool), priced["monthly_usd"].astype(float), np.nan)
    for j, name in enumerate(OPTIONS):
        feasible = priced["feasible"][:, j].astype(bool)
        p10, p50, p90 = _percentiles(costs[:, j])
        bands.append(OptionBand(name, p10, p50, p90, float(feasible.mean()),
                                float(priced["recommended"][:, j].astype(bool).mean())))
    bill = _bill(priced)
    b10, b50, b90 = _percentiles(bill)
    at_medians = _bill(_price(workloads_frame([uw.workload]), uw, book))[0]
    return Uncertainty(samples=samples, seed=seed, options=tuple(bands), recommended=_recommend(bands), rule=RULE,
                       bill_p10_usd=b10, bill_p50_usd=b50, bill_p90_usd=b90,
                       sensitivity=_tornado(uw, wf, bill, book), policy_sensitivity=_policy_tornado(uw, book),
                       costs=costs, bill_at_medians_usd=float(at_medians))


def _tornado(uw: UncertainWorkload, samples: pd.DataFrame, bill: np.ndarray, book: PriceBook) -> tuple[Swing, ...]:
    """Each ranged input at its low, then its high, the others at their medians: two scenarios per input,
    priced in one engine call."""
    if not uw.ranges:
        return ()
    base = workloads_frame([uw.workload])
    wf = base.loc[np.zeros(2 * len(uw.ranges), dtype=int)].reset_index(drop=True)
    for i, r in enumerate(uw.ranges):
        wf.loc[2 * i, r.field], wf.loc[2 * i + 1, r.field] = r.low, r.high
    _keep_cpu_below_target(wf)
    ends = _bill(_price(wf, uw, book)).reshape(-1, 2)
    swings = [Swing(r.field, r.low, r.high, float(lo), float(hi),
                    _rank_correlation(samples[r.field].to_numpy(dtype=float), bill))
              for r, (lo, hi) in zip(uw.ranges, ends)]
    return tuple(sorted(swings, key=lambda s: -np.nan_to_num(s.swing_usd, nan=-1.0)))


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
        bills = []
        for v in ends:
            changed = policy.model_copy(update={name: v})
            o = run(wf, changed, book, detail=False).option_columns
            bills.append(_bill({c: np.asarray(o[c]).reshape(len(OPTIONS), -1).T
                                for c in ("monthly_usd", "feasible", "recommended")})[0])
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
