"""M/M/c queueing: Erlang B and C, the p99 wait, and the smallest server count for a latency target.

References
----------
A. K. Erlang (1917); L. Kleinrock, *Queueing Systems, Vol. 1* (1975), sec. 3.5
(M/M/m): P(wait) = C(c, a) and P(W > t) = C(c, a) exp(-(c - a) t / S).
Square-root staffing: S. Halfin & W. Whitt (1981), c ~ a + beta sqrt(a).
"""

from __future__ import annotations

import functools

import numpy as np
import numpy.typing as npt
from scipy.special import gammaincc, gammaln, ndtr, xlogy

# scipy.special rather than scipy.stats: the same functions, a tenth of the import time

MAX_SEARCH_STEPS = 10_000


def erlang_b(servers: npt.ArrayLike, offered_erlangs: npt.ArrayLike) -> np.ndarray:
    """Blocking probability B(c, a) of an M/M/c/c system.

    B(c, a) = (a^c / c!) / sum_{k<=c} a^k / k! = Poisson pmf(c; a) / Poisson cdf(c; a),
    with pmf in log space and cdf = Q(c + 1, a), the regularised upper incomplete gamma
    function, so thousands of servers stay exact.
    """
    c = np.asarray(servers, dtype=float)
    a = np.asarray(offered_erlangs, dtype=float)
    log_pmf = xlogy(c, a) - a - gammaln(c + 1)  # xlogy: 0 log 0 = 0, so a = 0 gives B = 0 for c > 0
    with np.errstate(divide="ignore"):
        return np.exp(log_pmf - np.log(gammaincc(c + 1, a)))


def erlang_c(servers: npt.ArrayLike, offered_erlangs: npt.ArrayLike) -> np.ndarray:
    """Probability that an arrival waits, C(c, a), in an M/M/c queue [0-1].

    C = B / (1 - (a / c)(1 - B)) for a < c; 1 when the queue is unstable (a >= c).
    """
    c = np.asarray(servers, dtype=float)
    a = np.asarray(offered_erlangs, dtype=float)
    b = erlang_b(c, a)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = b / (1.0 - (a / c) * (1.0 - b))
    return np.where(a < c, out, 1.0)


def wait_quantile_s(
    servers: npt.ArrayLike, offered_erlangs: npt.ArrayLike, service_s: npt.ArrayLike, quantile: float = 0.99
) -> np.ndarray:
    """Waiting time [s] not exceeded by ``quantile`` of requests in an M/M/c queue.

    From P(W > t) = C exp(-(c - a) t / S): t_q = S ln(C / (1 - q)) / (c - a) when
    C > 1 - q, else 0. Infinite when the queue is unstable.
    """
    c = np.asarray(servers, dtype=float)
    a = np.asarray(offered_erlangs, dtype=float)
    s = np.asarray(service_s, dtype=float)
    pw = erlang_c(c, a)
    tail = 1.0 - quantile
    with np.errstate(divide="ignore", invalid="ignore"):
        t = s * np.log(pw / tail) / (c - a)
    t = np.where(pw > tail, t, 0.0)
    return np.where(a < c, t, np.inf)


def min_servers(
    offered_erlangs: npt.ArrayLike,
    service_s: npt.ArrayLike,
    latency_target_s: npt.ArrayLike,
    max_utilization: npt.ArrayLike,
    quantile: float = 0.99,
) -> np.ndarray:
    """Smallest server count c with utilisation a / c <= max_utilization and
    S + wait_quantile(c) <= latency target (the p99 response of a request whose
    service time S is its CPU time).

    Starts at the utilisation bound and steps up only the rows whose latency is
    still over target, so the common case costs one evaluation.
    """
    a = np.atleast_1d(np.asarray(offered_erlangs, dtype=float))
    s = np.broadcast_to(np.asarray(service_s, dtype=float), a.shape)
    target = np.broadcast_to(np.asarray(latency_target_s, dtype=float), a.shape)
    util = np.broadcast_to(np.asarray(max_utilization, dtype=float), a.shape)
    c = np.maximum(1.0, np.ceil(a / util - 1e-9))
    todo = np.flatnonzero(s + wait_quantile_s(c, a, s, quantile) > target)
    for _ in range(MAX_SEARCH_STEPS):
        if todo.size == 0:
            return c
        # jump by the square-root-staffing gap where it is large, else by one
        step = np.maximum(1.0, np.floor(0.1 * np.sqrt(a[todo])))
        c[todo] += step
        late = s[todo] + wait_quantile_s(c[todo], a[todo], s[todo], quantile) > target[todo]
        todo = todo[late]
    raise RuntimeError("server search did not converge")  # pragma: no cover - bounded by utilisation


def square_root_staffing(offered_erlangs: npt.ArrayLike, wait_probability: float = 0.2) -> np.ndarray:
    """Halfin-Whitt square-root staffing c = a + beta sqrt(a), beta from the target P(wait).

    Used as a check on :func:`min_servers`: for a P(wait) target alpha,
    beta solves alpha = [1 + beta Phi(beta) / phi(beta)]^-1 (Halfin & Whitt 1981).
    """
    a = np.asarray(offered_erlangs, dtype=float)
    beta = _halfin_whitt_beta(wait_probability)
    return np.ceil(a + beta * np.sqrt(a))


@functools.lru_cache(maxsize=64)
def _halfin_whitt_beta(alpha: float) -> float:
    lo, hi = 0.0, 10.0
    for _ in range(100):
        mid = (lo + hi) / 2
        pdf = np.exp(-mid * mid / 2) / np.sqrt(2 * np.pi)
        p = 1.0 / (1.0 + mid * ndtr(mid) / pdf)
        lo, hi = (mid, hi) if p > alpha else (lo, mid)
    return (lo + hi) / 2
