"""Cache tier: whether to cache, the working set, node type, shards and replicas, hit ratio.

Working set = hot_data_fraction x data at the horizon x (1 + item overhead).
Usable node memory = node GiB x (1 - reserved memory), after ElastiCache's
``reserved-memory-percent`` guidance (25 %). Shards = ceil(working set / usable);
one replica per shard when the tier must be Multi-AZ. The hit ratio follows
from locality: a cache holding the hot set serves ``hot_read_share`` of reads
(the 80/20 rule: Pareto; see also Breslau et al., "Web caching and Zipf-like
distributions", INFOCOM 1999).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.policy import SizingPolicy
from planner.sizing.choose import cheapest

GIB_PER_GB = 1e9 / 2**30
MAX_SHARDS = 500  # ElastiCache cluster-mode limit on node groups


def hit_ratio(cache_fraction_of_data: npt.ArrayLike, hot_fraction: npt.ArrayLike, hot_read_share: float) -> np.ndarray:
    """Read hit ratio of a cache holding ``cache_fraction_of_data`` of the data, under hot/cold locality.

    Piecewise linear: hot data (``hot_fraction`` of it) draws ``hot_read_share``
    of reads, evenly; cold data draws the rest, evenly. A cache keeps the hottest
    items first.
    """
    x = np.clip(np.asarray(cache_fraction_of_data, dtype=float), 0, 1)
    h = np.asarray(hot_fraction, dtype=float)
    hot = hot_read_share * np.minimum(x, h) / h
    with np.errstate(divide="ignore", invalid="ignore"):
        cold = np.where(h < 1, (1 - hot_read_share) * np.maximum(x - h, 0) / (1 - h), 0.0)
    return np.minimum(hot + cold, 1.0)


def size_cache(wf: pd.DataFrame, tr: pd.DataFrame, multi_az: np.ndarray, candidates: pd.DataFrame,
               policy: SizingPolicy) -> pd.DataFrame:
    """The cache each scenario would need: working set, node type, shards, nodes, hit ratio, cost per hour.

    Whether to use it is decided with the database (:func:`planner.engine.shared_sizing`)."""
    peak_reads = tr["peak_rps_horizon"].to_numpy() * wf["read_fraction"].to_numpy()
    used = (wf["data_size_gb"].to_numpy() > 0) & (peak_reads > 0)
    working_set_gb = (wf["hot_data_fraction"].to_numpy() * tr["data_size_gb_horizon"].to_numpy()
                      * (1 + policy.cache_item_overhead))
    per_shard = np.where(multi_az, 2, 1)

    def evaluate(rows: np.ndarray, cands: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        usable_gb = cands.memory_gib.to_numpy() * (1 - policy.cache_reserved_memory) / GIB_PER_GB
        shards = np.maximum(1, np.ceil(working_set_gb[rows, None] / usable_gb[None, :]))
        nodes = shards * per_shard[rows, None]
        cost = np.where(shards <= MAX_SHARDS, nodes * cands.hourly_usd.to_numpy()[None, :], np.inf)
        return nodes, cost

    regions = wf["region"].to_numpy()
    pick = cheapest(regions, candidates, evaluate)
    nodes = np.where(used, pick.units.to_numpy(), 0)
    # the cache holds the working set, i.e. the hot fraction of the data
    hits = np.where(used, hit_ratio(wf["hot_data_fraction"].to_numpy(), wf["hot_data_fraction"].to_numpy(),
                                    policy.hot_read_share), 0.0)
    fits = pick.candidate.to_numpy() >= 0
    return pd.DataFrame(
        {
            "cache_used": used,
            "cache_peak_read_rps": peak_reads,
            "cache_working_set_gb": np.where(used, working_set_gb, 0.0),
            "cache_node_type": np.where(used, pick.sku.to_numpy(), ""),
            "cache_nodes": nodes,
            "cache_shards": np.where(used, nodes / per_shard, 0),
            "cache_replicas_per_shard": np.where(used, per_shard - 1, 0),
            "cache_multi_az": used & multi_az,
            "cache_hit_ratio": hits,
            "cache_fits": ~used | fits,
            "cache_hourly_usd": np.where(used & fits, pick.hourly_usd.to_numpy(), np.inf),
        },
        index=wf.index,
    )
