"""Workload inputs fitted from monitoring series, each a 90 % interval (``low`` and ``high`` its 5th and 95th
percentiles, ``mid`` the value planned for), with the method in ``docs/model.md`` ("Fitted inputs").

Every series is first put on one clock: hourly means of a rate (a count per period divided by the period's
seconds first), hourly last values of a level (instances, storage). Negative and missing values are dropped and
counted; hours with no point are gaps, never filled.

* ``monthly_growth``: the Sen slope of the log of the daily mean request rate between days whole weeks apart
  (the weekly cycle cancels; :func:`weekly_sen_slope`, its 90 % interval from the seasonal Kendall variance), as
  ``exp(30.44 x slope) - 1``; at least :data:`MIN_DAYS_GROWTH` days.
* ``peak_rps``: each day's peak hourly rate, brought to the last day's level by the growth the workload carries
  (never below 0); the value planned for is their 95th percentile (a peak most days stay under), its interval a
  parametric bootstrap of it (busy and quiet days each lognormal: :func:`_quantile_interval`).
* ``peak_to_average``: ``peak_rps`` over the mean rate at the same level, so the month the engine bills is the
  observed volume; its interval the days' spread of their own ratio (each day's peak over its mean, or, where
  the week's shape is fitted, each busy day's peak over the week's mean).
* the load profile (``policy.diurnal_profile``): the shape of a day, each UTC hour's median share of its day's
  mean (:attr:`Fit.daily_shape`); with every weekday at least :data:`MIN_WEEKS_PROFILE` times among the whole
  days and every hour of the week seen as often, the shape of a week (:attr:`Fit.week_shape`, Monday 00:00 UTC
  first): each weekday's hours their median share of that day's mean (rescaled to average 1), times the
  weekday's level, the median of its days' means with the fitted trend taken out, over the mean of the seven
  levels. Shares of a day's own mean are unmoved by growth and by a slow or busy week; only the seven levels
  need the trend, and from three weeks on medians keep one odd day (an outage, a launch) from setting a weekday.
* ``cpu_ms_per_request``: the busy vCPUs (CPU utilisation x vCPUs per instance x instances) against the request
  rate, hour by hour, by a Theil-Sen line whose intercept is the idle load and whose slope (with its 90 %
  interval) is the CPU time of a request, including the overhead each added instance brings; in the reference
  vCPUs the planner measures (x the family's ``vcpu_throughput``).
* ``read_fraction`` and ``response_kb``: ratios of the totals (reads to reads and writes; bytes to requests),
  the 5th and 95th percentile days as the interval.
* ``data_size_gb``: the last storage level (bytes / 1024^3); the data's own growth is said in a note (the
  workload has one ``monthly_growth``, the requests').
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.base.controls import visible_controls
from planner.running.fit.sources import FitError

# what a series may mean: rates per second, counts per export period, or levels
RATES = {"requests_per_s", "db_reads_per_s", "db_writes_per_s"}
COUNTS = {"requests": "requests_per_s", "db_reads": "db_reads_per_s", "db_writes": "db_writes_per_s",
          "response_bytes": "response_bytes_per_s"}  # a count per period, and the rate it becomes
LEVELS = {"cpu_pct", "instances", "storage_bytes", "latency_p99_ms"}
MEANINGS = RATES | set(COUNTS) | LEVELS
MIN_HOURS_CPU = 24  # hours with requests, CPU and instances at once
MIN_DAYS_PROFILE = 3  # whole days for the peak and the peak-to-average ratio
MIN_DAYS_GROWTH = 14  # days for a trend
MIN_WEEKS_PROFILE = 2  # times each weekday (and each hour of the week) is seen, for the week's shape
DAYS_PER_MONTH = 365.25 / 12
BOOTSTRAP = 2_000


@dataclass(frozen=True)
class Fitted:
    """One fitted input: the value planned for (``mid``), its 90 % interval, how, and from how much data."""

    field: str
    low: float
    mid: float
    high: float
    method: str
    points: int


@dataclass
class Fit:
    """Everything a fit found: the inputs, what each series contributed, and what was dropped."""

    inputs: dict[str, Fitted] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    hours: int = 0  # hours on the common clock with a request rate
    first: pd.Timestamp | None = None
    last: pd.Timestamp | None = None
    hourly: pd.DataFrame | None = None  # the series on the common clock, by meaning
    daily_shape: np.ndarray | None = None  # each hour of the day's median share of its day's mean (UTC), 24
    week_shape: np.ndarray | None = None  # each hour of the week's share of the week's mean, Monday 00:00 UTC first
    cpu_points: pd.DataFrame | None = None  # the hours the CPU line was fitted on: rps, busy (vCPU)
    cpu_line: tuple[float, float] | None = None  # its idle load [vCPU] and CPU seconds a request (observed vCPU)


def planned_mean_rps(fit: Fit, times: pd.DatetimeIndex) -> np.ndarray | None:
    """The mean request rate the fitted workload plans at ``times``: ``peak_rps / peak_to_average`` (the mean at
    the last day's level, the month the engine bills) brought back along ``monthly_growth``; None where either
    was not fitted. What the report's and the page's trend show, so both draw the volume the plan bills."""
    peak, ratio = fit.inputs.get("peak_rps"), fit.inputs.get("peak_to_average")
    if peak is None or ratio is None or fit.last is None:
        return None
    growth = fit.inputs.get("monthly_growth")
    months = (times - fit.last).total_seconds().to_numpy() / 86_400 / DAYS_PER_MONTH
    return peak.mid / ratio.mid * (1 + (growth.mid if growth else 0.0)) ** months


def _not_a_counter(values: np.ndarray, times: pd.DatetimeIndex, what: str, meaning: str) -> None:
    """A raw cumulative counter (Prometheus' ``*_total``, never falling but at a restart) is not a count per period
    or a rate: a day or more of it rising at nearly every step would be read as traffic growing without end."""
    if len(values) < 3 or times[-1] - times[0] < pd.Timedelta(days=1):
        return
    steps = np.diff(values)
    # traffic falls at a good share of its steps (noise, the day's cycle); a counter rises at most and falls only
    # at its resets (a restart or deploy every few hours is a few per cent of 5-minute steps)
    if (steps > 0).mean() >= 0.5 and (steps < 0).mean() <= 0.05:
        raise FitError(f"{what} rises at nearly every step (falling only at resets): a cumulative counter, not "
                       f"{meaning}; export its rate "
                       "(Prometheus: rate(name[5m]) mapped as requests_per_s, or increase(name[5m]) as requests)")


def parse_mapping(items: list[str], known: set[str]) -> dict[str, str]:
    """``series=meaning`` items as a dict; unknown meanings or series names are errors naming the item."""
    out: dict[str, str] = {}
    for item in items:
        series, sep, meaning = item.partition("=")
        series, meaning = series.strip(), meaning.strip()
        if not sep or not series or not meaning:
            raise FitError(f"--map {item!r}: write series=meaning, e.g. RequestCount=requests")
        if meaning not in MEANINGS:
            raise FitError(f"--map {item!r}: unknown meaning '{meaning}'; one of {', '.join(sorted(MEANINGS))}")
        if series in out:
            raise FitError(f"--map {item!r}: series '{series}' is already mapped (to {out[series]}); map each series "
                           "once")
        if series not in known:
            close = [visible_controls(k) for k in sorted(known)[:8]]
            raise FitError(f"--map {item!r}: no series '{series}' in the exports (they hold: {', '.join(close)}"
                           f"{', ...' if len(known) > 8 else ''})")
        same = {COUNTS.get(m, m) for m in out.values()}
        if COUNTS.get(meaning, meaning) in same:
            raise FitError(f"--map {item!r}: '{meaning}' is already mapped to another series")
        out[series] = meaning
    return out


def hourly(series: pd.DataFrame, mapping: dict[str, str], fit: Fit) -> pd.DataFrame:
    """The mapped series on one hourly clock (see the module docstring), columns named by meaning."""
    columns = {}
    for name, meaning in mapping.items():
        s = series[series.series == name]
        what = (f"{s.source.iloc[0]}: " if "source" in s and len(s) else "") + f"series '{visible_controls(name)}'"
        values = s.value.to_numpy(dtype=float)
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            fit.warnings.append(f"series '{name}': {int(bad.sum())} of {len(values)} points dropped (missing, "
                                "NaN or negative)")
        s = s[~bad]
        repeated = int(s.time.duplicated().sum())
        if repeated:
            fit.warnings.append(f"series '{name}': {repeated} point(s) repeat an earlier time; each hour takes the "
                                "mean of its points" if meaning not in COUNTS else
                                f"series '{name}': {repeated} point(s) repeat an earlier time; their counts are "
                                "averaged with it, not added")
        if len(s) < 2:
            raise FitError(f"{what}: {len(s)} usable point(s); a fit needs at least 2")
        times = pd.DatetimeIndex(s.time)
        if meaning in COUNTS or meaning in RATES:
            _not_a_counter(s.value.to_numpy(dtype=float), times, what, meaning)
        if meaning in COUNTS:
            step = float(np.median((times[1:] - times[:-1]).total_seconds()))
            if not step > 0:
                raise FitError(f"{what}: its timestamps do not advance (most points repeat one time)")
            columns[COUNTS[meaning]] = pd.Series(s.value.to_numpy() / step, index=times).resample("1h").mean()
        elif meaning in RATES:
            columns[meaning] = pd.Series(s.value.to_numpy(), index=times).resample("1h").mean()
        else:
            columns[meaning] = pd.Series(s.value.to_numpy(), index=times).resample("1h").last()
    frame = pd.DataFrame(columns)
    if "requests_per_s" not in frame:
        raise FitError("no series is mapped to the request rate (requests or requests_per_s): the fit starts "
                       "from it")
    have = frame.requests_per_s.notna()
    if not have.any():
        raise FitError("the request-rate series has no usable point")
    frame = frame.loc[frame.index[have][0]:frame.index[have][-1]]
    gaps = int(frame.requests_per_s.isna().sum())
    if gaps:
        fit.warnings.append(f"{gaps} hour(s) with no request-rate point between the first and the last: gaps, "
                            "left out of every fit (not filled)")
    fit.hours, fit.first, fit.last = int(have.sum()), frame.index[0], frame.index[-1]
    fit.hourly = frame
    return frame


def fit_inputs(series: pd.DataFrame, mapping: dict[str, str], *, vcpu_per_instance: float | None = None,
               vcpu_throughput: float = 1.0, seed: int = 0) -> Fit:
    """Fit every input the mapped series allow (see the module docstring); what cannot be fitted (too few
    points, no such series) is left out with a warning saying how many points it needs."""
    fit = Fit()
    h = hourly(series, mapping, fit)
    if "latency_p99_ms" in h:
        fit.warnings.append("latency_p99_ms read but not fitted: latency is a target you set (latency_target_ms), "
                            f"the observed p99's median was {float(h.latency_p99_ms.median()):,.0f} ms")
    rps = h.requests_per_s
    if not (rps > 0).any():
        raise FitError("the request rate is zero at every point: nothing to fit a workload to (is the right series "
                       "mapped to the requests?)")
    days = _whole_days(rps)
    day_mean = days.mean(axis=1).to_numpy()
    rng = np.random.default_rng(seed)
    growth_per_day = 0.0
    busy = int((day_mean > 0).sum())  # the days with some traffic: a trend is of their logarithms
    day_number = _day_numbers(days)
    if busy >= MIN_DAYS_GROWTH:
        ok = day_mean > 0
        slope, low, high = weekly_sen_slope(np.log(day_mean[ok]), day_number[ok])
        growth_per_day = float(slope)
        monthly = [math.exp(DAYS_PER_MONTH * v) - 1 for v in (low, slope, high)]
        if monthly[1] < 0:
            fit.warnings.append(f"traffic fell {-monthly[1]:.1%} a month over the window; the planner plans for "
                                "growth of at least 0, so monthly_growth is 0 and the daily peaks are taken as "
                                "observed (not lowered to the last day's level)")
        lo, mid, hi = (min(max(v, 0.0), 1.0) for v in monthly)
        fit.inputs["monthly_growth"] = Fitted("monthly_growth", lo, mid, hi, "Sen slope of log daily mean rate "
                                              f"between days whole weeks apart, over {len(day_mean)} days",
                                              int(ok.sum()))
    else:
        fit.warnings.append(f"monthly_growth not fitted: {busy} day(s) of requests with at least {MIN_HOURS_A_DAY} "
                            f"hours and some traffic; a trend needs {MIN_DAYS_GROWTH}")
    if len(days) >= MIN_DAYS_PROFILE:
        peaks = days.max(axis=1).to_numpy()
        # each day's peak at the last day's level: the trend is the growth's, not the peak's; the growth the
        # workload carries (never below 0), so a fall it does not plan for does not lower the peak either
        to_last = np.exp(max(growth_per_day, 0.0) * (day_number[-1] - day_number))
        level = peaks * to_last
        peak = float(np.quantile(level, 0.95))
        levels, short = _weekday_levels(days, growth_per_day)
        # busy and quiet days (a quiet weekend) drawn each from its own distribution: one lognormal over both
        # put the 95th percentile far above every weekday (a review: 55-63 % coverage with weekends at half);
        # where the week's levels are not fitted (gaps, few days), Monday to Friday against the weekend
        weekday = days.index.day_of_week.to_numpy()
        busy_day = weekday < 5 if levels is None else (levels / levels.mean())[weekday] >= 1 - 1e-9
        low, high = _quantile_interval(level, busy_day, 0.95, rng)
        fit.inputs["peak_rps"] = Fitted("peak_rps", *_ordered(low, peak, high),
                                        "95th percentile of the daily peak hours, " + (
                                            "at the last day's level" if growth_per_day > 0 else "as observed"),
                                        len(level))
        # the mean rate at the same level: the planned peak over it is the peak-to-average the engine divides the
        # peak by for the month's requests, so the planned volume is the observed one
        mean_rate = float(np.mean(day_mean * to_last))
        # the observed shape of a day, and of a week where the data allow: the engine's hourly profile
        shares = days.div(day_mean, axis=0)
        fit.daily_shape = np.maximum(shares.median(axis=0).reindex(range(24)).fillna(shares.stack().median())
                                     .to_numpy(dtype=float), 1e-3)
        if levels is None:
            fit.warnings.append(f"week shape not fitted (the workload's profile is the day's shape): {short}")
        else:
            fit.week_shape = _week_shape(shares, levels)
        ratio = peaks / day_mean
        spread = "the daily peak hour over the daily mean"
        if levels is not None:  # the peak over the week's mean, on the days that hold the week's peaks
            ratio, spread = _busy_day_ratios(days, levels), ("each busy day's peak hour (a weekday at or above the "
                                                             "week's mean level) over the week's mean")
        ratio = ratio[np.isfinite(ratio)]
        if mean_rate > 0 and len(ratio):
            # the interval: the days' spread of that ratio (5th-95th percentile days) around the planned one
            mid = max(peak / mean_rate, 1.0)
            q05, q50, q95 = np.quantile(ratio, [0.05, 0.5, 0.95])
            fit.inputs["peak_to_average"] = Fitted(
                "peak_to_average", *_ordered(max(mid * q05 / q50, 1.0), mid, mid * q95 / q50),
                f"peak_rps / the mean rate at the same level ({mean_rate:,.4g} req/s), so the planned volume is the "
                f"observed; interval: the day-to-day spread of {spread}", len(ratio))
    else:
        fit.warnings.append(f"peak_rps and peak_to_average not fitted: {len(days)} day(s) of requests with at "
                            f"least {MIN_HOURS_A_DAY} hours; they need {MIN_DAYS_PROFILE}")
    _cpu(h, fit, vcpu_per_instance, vcpu_throughput)
    _ratio(h, fit, "read_fraction", "db_reads_per_s", ["db_reads_per_s", "db_writes_per_s"], 1.0)
    _ratio(h, fit, "response_kb", "response_bytes_per_s", ["requests_per_s"], 1 / 1024)
    if "storage_bytes" in h and h.storage_bytes.notna().any():
        last = float(h.storage_bytes.dropna().iloc[-1]) / 1024**3
        fit.inputs["data_size_gb"] = Fitted("data_size_gb", last, last, last, "the last storage level", 1)
        _storage_growth(h.storage_bytes, fit)
    return fit


def _storage_growth(storage_bytes: pd.Series, fit: Fit) -> None:
    """The data's own growth, said beside the traffic's: the workload has one ``monthly_growth`` for traffic and
    data (the requests' is written), so a database growing faster or slower than its traffic is a note to read,
    with its 90 % interval. The Sen slope of each day's last storage level's logarithm (no weekly cycle to
    cancel, but the same estimator as the traffic's)."""
    level = storage_bytes.dropna().resample("1D").last().dropna()
    level = level[level > 0]
    if len(level) < MIN_DAYS_GROWTH:
        return
    day = np.asarray((level.index - level.index[0]).days, dtype=float)
    slope, low, high = weekly_sen_slope(np.log(level.to_numpy(dtype=float)), day)
    if not math.isfinite(slope):
        return
    low, mid, high = (math.exp(DAYS_PER_MONTH * v) - 1 for v in (low, slope, high))
    traffic = fit.inputs.get("monthly_growth")
    fit.warnings.append(f"the data grew {mid:.1%} a month (90 % interval {low:.1%} to {high:.1%}, from "
                        f"{len(level)} days of storage levels); the workload has one monthly_growth for traffic and "
                        "data, written from the requests" + (f" ({traffic.mid:.1%})" if traffic else "")
                        + ": where they differ, set it to the one your horizon should follow")


def _quantile_interval(values: np.ndarray, busy: np.ndarray, q: float, rng: np.random.Generator,
                       confidence: float = 0.90) -> tuple[float, float]:
    """A ``confidence`` interval of the ``q`` quantile of ``values`` (few, positive: daily peaks), by a parametric
    bootstrap: samples of the same size, the ``busy`` days' and the others' each from the lognormal fitted to
    them (mean and deviation of their logarithms), each sample's quantile taken as the estimate is. A resample of
    the values themselves never exceeds their largest, where the 95th percentile of 14 days lies above the
    largest day about half the time (0.95^14); a review measured 36 % coverage of the 90 % interval at 14 days
    that way."""
    draws = []
    for group in (values[busy & (values > 0)], values[~busy & (values > 0)]):
        if len(group) >= 2:
            logs = np.log(group)
            draws.append(np.exp(rng.normal(logs.mean(), logs.std(ddof=1), size=(BOOTSTRAP, len(group)))))
        elif len(group):
            draws.append(np.broadcast_to(group, (BOOTSTRAP, len(group))))
    if not draws:
        return float(values.min()), float(values.max())
    boot = np.quantile(np.concatenate(draws, axis=1), q, axis=1)
    tail = (1 - confidence) / 2
    return float(np.quantile(boot, tail)), float(np.quantile(boot, 1 - tail))


def _ordered(low: float, mid: float, high: float) -> tuple[float, float, float]:
    """An interval that holds its middle value (a bootstrap can put the estimate at an end)."""
    return float(min(low, mid)), float(mid), float(max(high, mid))


MIN_HOURS_A_DAY = 22  # a day with more gaps is left out of the daily peaks and means
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _day_numbers(days: pd.DataFrame) -> np.ndarray:
    """Each whole day's number of days since the first (a day left out for its gaps keeps its place)."""
    return np.asarray((days.index - days.index[0]).days, dtype=float) if len(days) else np.zeros(0)


def weekly_sen_slope(y: np.ndarray, day: np.ndarray, confidence: float = 0.90) -> tuple[float, float, float]:
    """The trend of ``y`` over the days ``day`` and its ``confidence`` interval: the median of the slopes between
    days a whole number of weeks apart, so the weekly cycle cancels in every slope whichever weekday the window
    starts on (Sen 1968's estimator within seasons; the seasonal Kendall test's variance, Hirsch, Slack & Smith
    1982, "Techniques of trend analysis for monthly water quality data", summed over the seven weekdays, gives the
    interval's ranks as Sen's eq. 2.6 does over all pairs). NaN where no two days are whole weeks apart."""
    from scipy.special import ndtri

    i, j = np.triu_indices(len(y), k=1)
    apart = day[j] - day[i]
    same = np.mod(apart, 7) == 0
    slopes = np.sort((y[j] - y[i])[same] / apart[same])
    if not len(slopes):
        return np.nan, np.nan, np.nan
    counts = np.bincount(np.mod(day, 7).astype(int), minlength=7)
    sigma = math.sqrt(sum(k * (k - 1) * (2 * k + 5) for k in counts) / 18)
    z = -float(ndtri((1 - confidence) / 2))
    high = min(int(round((len(slopes) + z * sigma) / 2)), len(slopes) - 1)
    low = max(int(round((len(slopes) - z * sigma) / 2)) - 1, 0)
    return float(np.median(slopes)), float(slopes[low]), float(slopes[high])


def _whole_days(rps: pd.Series) -> pd.DataFrame:
    """(days, 24) hourly rates of the days with at least :data:`MIN_HOURS_A_DAY` hours present (NaN in a gap)."""
    frame = pd.DataFrame({"day": rps.index.floor("1D"), "hour": rps.index.hour, "rps": rps.to_numpy()})
    table = frame.pivot_table(index="day", columns="hour", values="rps", aggfunc="mean", dropna=False)
    table = table.reindex(columns=range(24))
    return table[table.notna().sum(axis=1) >= MIN_HOURS_A_DAY]


def _weekday_levels(days: pd.DataFrame, growth_per_day: float) -> tuple[np.ndarray | None, str]:
    """Each weekday's level, Monday first: the median of its whole days' means with the fitted trend taken out
    (the trend as :func:`fit_inputs` fitted it, along the whole days); or None and why the days cannot give a
    week's shape (see the module docstring), in words."""
    weekday = days.index.day_of_week.to_numpy()
    per_weekday = np.bincount(weekday, minlength=7)
    if per_weekday.min() < MIN_WEEKS_PROFILE:
        few = [WEEKDAYS[d] for d in np.flatnonzero(per_weekday < MIN_WEEKS_PROFILE)]
        return None, (f"{len(days)} day(s) of requests with at least {MIN_HOURS_A_DAY} hours, "
                      f"{', '.join(few)} fewer than {MIN_WEEKS_PROFILE} times; it needs every weekday "
                      f"{MIN_WEEKS_PROFILE} times ({7 * MIN_WEEKS_PROFILE} days or more)")
    seen = days.notna().groupby(weekday).sum().to_numpy()
    if seen.min() < MIN_WEEKS_PROFILE:
        return None, (f"{int((seen < MIN_WEEKS_PROFILE).sum())} of the 168 hours of the week have fewer than "
                      f"{MIN_WEEKS_PROFILE} points (gaps); it needs each hour {MIN_WEEKS_PROFILE} times")
    level = days.mean(axis=1).to_numpy() * np.exp(-growth_per_day * _day_numbers(days))
    levels = pd.Series(level).groupby(weekday).median().to_numpy(dtype=float)
    if not levels.mean() > 0:
        return None, "no requests on any weekday"
    return levels, ""


def _busy_day_ratios(days: pd.DataFrame, levels: np.ndarray) -> np.ndarray:
    """Each busy day's peak hour over the week's mean: its own peak over its mean x its weekday's level over the
    mean level, for the days whose weekday's level is at least the mean (a quiet weekend holds no peak of the
    week; choosing the single busiest weekday would pick the noisiest one)."""
    weekday = days.index.day_of_week.to_numpy()
    relative = levels / levels.mean()
    busy = relative[weekday] >= 1 - 1e-9  # the busiest weekday always (a flat week: every day)
    return (days.max(axis=1) / days.mean(axis=1)).to_numpy()[busy] * relative[weekday[busy]]


def _week_shape(shares: pd.DataFrame, levels: np.ndarray) -> np.ndarray:
    """(168,) the week's shape, Monday 00:00 UTC first, from each hour's share of its day's mean (``shares``, whole
    days by 24 UTC hours) and the weekdays' levels: each weekday's median shares, rescaled to average 1, x its
    level over the mean level (see the module docstring). Its mean is 1."""
    weekday = shares.index.day_of_week.to_numpy()
    day = shares.groupby(weekday).median().reindex(columns=range(24)).to_numpy(dtype=float)
    # a weekday with no requests at all has no shares (0 / 0): its level, 0, makes its hours the floor below
    day = np.nan_to_num(day / day.mean(axis=1, keepdims=True), nan=1.0)
    return np.maximum((day * (levels / levels.mean())[:, None]).ravel(), 1e-3)


def _cpu(h: pd.DataFrame, fit: Fit, vcpu_per_instance: float | None, throughput: float) -> None:
    if "cpu_pct" not in h:
        return
    if vcpu_per_instance is None:
        fit.warnings.append("cpu_ms_per_request not fitted: give the instance type the CPU series measures "
                            "(--instance-type; its vCPUs come from the price book)")
        return
    if "instances" in h:
        n = h.instances.ffill()
    else:
        n = pd.Series(1.0, index=h.index)
        fit.warnings.append("no instance-count series: one instance assumed for cpu_ms_per_request")
    both = pd.DataFrame({"rps": h.requests_per_s, "n": n, "busy": h.cpu_pct / 100 * vcpu_per_instance * n}).dropna()
    if len(both) < MIN_HOURS_CPU:
        fit.warnings.append(f"cpu_ms_per_request not fitted: {len(both)} hour(s) with requests, CPU and instances "
                            f"at once; it needs {MIN_HOURS_CPU}")
        return
    if both.rps.nunique() < 3:
        fit.warnings.append("cpu_ms_per_request not fitted: the request rate never varies, so CPU per request "
                            "cannot be told from idle load")
        return
    # busy vCPU = idle + CPU time x requests: Theil-Sen's line (the median of the pairwise slopes: outlying
    # hours move it little), its 90 % interval from Kendall's tau (SciPy theilslopes)
    from scipy.stats import theilslopes

    seconds, idle, low, high = theilslopes(both.busy.to_numpy(), both.rps.to_numpy(), alpha=0.90)
    fit.cpu_points, fit.cpu_line = both[["rps", "busy"]], (float(idle), float(seconds))
    ms = [max(v, 1e-6) * 1000 * throughput for v in (low, seconds, high)]
    fit.inputs["cpu_ms_per_request"] = Fitted(
        "cpu_ms_per_request", *_ordered(*ms), f"Theil-Sen line of the busy vCPUs against req/s over {len(both)} "
        f"hours (idle load {max(idle, 0):.2f} vCPU), in reference vCPUs (x {throughput:g})", len(both))


def _ratio(h: pd.DataFrame, fit: Fit, name: str, top: str, bottom: list[str], scale: float) -> None:
    """``top`` over the sum of ``bottom`` (totals; daily ratios for the interval), times ``scale``."""
    if top not in h or any(b not in h for b in bottom):
        return
    frame = h[list(dict.fromkeys([top, *bottom]))].dropna()
    if not len(frame):
        fit.warnings.append(f"{name} not fitted: no hour has {top} and {', '.join(bottom)} at once")
        return
    below = frame[bottom].sum(axis=1)
    mid = float(frame[top].sum() / below.sum()) * scale if below.sum() > 0 else math.nan
    daily = frame.resample("1D").sum()
    ratios = (daily[top] / daily[bottom].sum(axis=1)).replace([np.inf, -np.inf], np.nan).dropna() * scale
    if not math.isfinite(mid) or not len(ratios):
        fit.warnings.append(f"{name} not fitted: the totals are zero")
        return
    fit.inputs[name] = Fitted(name, *_ordered(float(np.quantile(ratios, 0.05)), mid,
                                              float(np.quantile(ratios, 0.95))),
                              "ratio of the totals; 5th-95th percentile days", len(frame))
