"""Cache tier: the hit-ratio curve, and the cache each scenario would need for a given size.

Locality follows the self-similar ("80-20") distribution: the hottest fraction
``x`` of the data draws ``x ** theta`` of the reads, with theta fitted so that
the hot ``hot_data_fraction`` draws ``hot_read_share`` of them
(theta = ln(share) / ln(fraction); Knuth, *The Art of Computer Programming*
vol. 3, 2nd ed., section 6.1, "self-similar" access probabilities; the same
concave shape as Zipf-like web-cache hit ratios, Breslau et al., INFOCOM 1999).
A cache holding the hottest ``x`` of the data therefore serves ``x ** theta``
of reads; the same curve gives the database's buffer-cache hit ratio
(:mod:`planner.sizing.database`).

Working set = hot_data_fraction x data at the horizon x (1 + item overhead).
A cache is sized for a share of that working set (``policy.cache_sizes_tried``;
the engine keeps the cheapest whole bill). Usable node memory = node GiB x (1 -
reserved memory), after ElastiCache's ``reserved-memory-percent`` guidance
(25 %). Shards = ceil(data / usable); one replica per shard when Multi-AZ. Among
node types, each shard beyond the first weighs ``cache_shard_premium`` more in
the choice (not in the bill): a single shard is simpler to run.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.sizing.choose import cheapest, purchase_rates
from planner.workload.policy import SizingPolicy

GIB_PER_GB = 1e9 / 2**30
MAX_SHARDS = 500  # ElastiCache cluster-mode limit on node groups


def locality_exponent(hot_fraction: npt.ArrayLike, hot_read_share: float) -> np.ndarray:
    """theta of the self-similar curve through (hot_fraction, hot_read_share); 1 (uniform) when all data is hot."""
    h = np.asarray(hot_fraction, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(h < 1, np.log(hot_read_share) / np.log(np.minimum(h, 1 - 1e-12)), 1.0)


def hit_ratio(cache_fraction_of_data: npt.ArrayLike, hot_fraction: npt.ArrayLike, hot_read_share: float) -> np.ndarray:
    """Share of reads served by a cache holding the hottest ``cache_fraction_of_data`` of the data.

    H(x) = x ** theta, theta = ln(hot_read_share) / ln(hot_fraction): H(hot_fraction) = hot_read_share,
    H(1) = 1, concave in between (see the module docstring for the source)."""
    x = np.clip(np.asarray(cache_fraction_of_data, dtype=float), 0, 1)
    return x ** locality_exponent(hot_fraction, hot_read_share)


def residual_hit_ratio(front_fraction: npt.ArrayLike, behind_fraction: npt.ArrayLike, hot_fraction: npt.ArrayLike,
                       hot_read_share: float) -> np.ndarray:
    """Hit ratio of a second cache (the database buffer) holding the next-hottest ``behind_fraction`` of the data
    behind a first one holding ``front_fraction``: (H(f + b) - H(f)) / (1 - H(f)) of the reads that reach it."""
    f = np.asarray(front_fraction, dtype=float)
    h_front = hit_ratio(f, hot_fraction, hot_read_share)
    h_both = hit_ratio(f + np.asarray(behind_fraction, dtype=float), hot_fraction, hot_read_share)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(h_front < 1, (h_both - h_front) / (1 - h_front), 1.0)


def size_cache(cols: Mapping[str, np.ndarray], multi_az: np.ndarray, candidates: pd.DataFrame,
               policy: SizingPolicy, size_fraction: npt.ArrayLike = 1.0, copies_min: int = 1,
               purchase: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """The cache each scenario (workload and traffic columns ``cols``) would need to hold ``size_fraction`` of
    its hot working set (one fraction, or one per scenario) and serve its reads at the horizon peak (each node
    type's ``ops_per_s``, where the candidates carry it), as columns: data held, node type, shards, nodes, hit
    ratio and cost per hour. A shard has a replica when Multi-AZ, and at least ``copies_min`` nodes (a
    cache tier that always runs a replica). Nodes are chosen and costed at each scenario's ``purchase`` option
    (:func:`planner.sizing.choose.purchase_rates`; on demand where None), the rate the bill uses.

    Whether to use it, and which size, is decided with the database (:func:`planner.engine.chain.shared_sizing`)."""
    peak_reads = cols["peak_rps_horizon"] * cols["read_fraction"]
    used = (cols["data_size_gb"] > 0) & (peak_reads > 0)
    hot = cols["hot_data_fraction"]
    data_gb = cols["data_size_gb_horizon"]
    n = len(hot)
    held_fraction = np.minimum(hot * size_fraction, 1.0)
    working_set_gb = held_fraction * data_gb * (1 + policy.cache_item_overhead)
    per_shard = np.maximum(np.where(multi_az, 2, 1), copies_min)
    purchase = np.full(n, "on_demand", dtype=object) if purchase is None else np.asarray(purchase, dtype=object)

    def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        usable_gb = cands.memory_gib.to_numpy() * (1 - policy.cache_reserved_memory) / GIB_PER_GB
        # enough shards for the working set, and for every read at the horizon peak on the primaries
        ops = cands.ops_per_s.to_numpy(dtype=float) if "ops_per_s" in cands else np.full(len(cands), np.inf)
        with np.errstate(divide="ignore"):
            shards = np.maximum(1, np.maximum(np.ceil(working_set_gb[rows, None] / usable_gb[None, :]),
                                              np.ceil(peak_reads[rows, None] / ops[None, :])))
        nodes = shards * per_shard[rows, None]
        # each shard beyond the first carries a premium for the choice only: near-ties go to fewer shards
        premium = 1 + policy.cache_shard_premium * (shards - 1)
        cost = np.where(shards <= MAX_SHARDS, nodes * purchase_rates(cands, purchase[rows]) * premium, np.inf)
        return nodes, cost

    pick = cheapest(cols["region"], candidates, evaluate)
    nodes = np.where(used, pick.units, 0)
    unit_usd = pick.rate(candidates, purchase)
    hits = np.where(used, hit_ratio(held_fraction, hot, policy.hot_read_share), 0.0)
    fits = pick.found
    return {
            "cache_used": used & fits,
            "cache_size_fraction": np.broadcast_to(np.asarray(size_fraction, dtype=float), (n,)),
            "cache_data_fraction": np.where(used, held_fraction, 0.0),
            "cache_peak_read_rps": peak_reads,
            "cache_working_set_gb": np.where(used, working_set_gb, 0.0),
            "cache_node_type": np.where(used, pick.sku, ""),
            "cache_nodes": nodes,
            "cache_shards": np.where(used, nodes / per_shard, 0),
            "cache_replicas_per_shard": np.where(used, per_shard - 1, 0),
            "cache_multi_az": used & multi_az,
            "cache_hit_ratio": hits,
            "cache_hourly_usd": np.where(used & fits, nodes * np.nan_to_num(unit_usd), np.inf),
    }
