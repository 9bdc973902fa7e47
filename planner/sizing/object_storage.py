"""Object storage across classes: how much sits in the standard class and how much a lifecycle rule has
moved to an infrequent-access or archive class, what the moves and the reads of cooled objects cost.

Objects arrive at a rate that grows with the data (``monthly_growth``): with
k = ln(1 + g) / 30.42 per day, the stock of objects aged a..b days is
proportional to M(a, b) = (e^-ka - e^-kb) / k (b - a when k = 0). Objects
cool after D days (``object_cool_after_days``, raised to the class's minimum
transition age, e.g. 30 days before S3 Standard-IA) and are deleted after N
days (``object_retention_days``; never when empty). Today's stock S gives the
arrival rate I = S / M(0, N); the standard class holds S x M(0, D) / M(0, N).

An object deleted before its class's minimum storage duration (S3 Standard-IA
30 days, Glacier Flexible Retrieval 90, Deep Archive 180; Cloud Storage
Nearline 30, Archive 365) is billed for the rest: I e^-kN x (min - (N - D)) GB
of stock equivalent. Lifecycle transitions are requests per object moved; reads
of cooled objects pay the class's GET and retrieval prices.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from planner.clouds.catalog import CloudCatalog
from planner.sizing.traffic import KB_PER_GB
from planner.workload.policy import SizingPolicy

DAYS_PER_MONTH = 365.0 / 12


def _mass(a: np.ndarray, b: np.ndarray, k: np.ndarray) -> np.ndarray:
    """M(a, b): objects aged a..b days per object arriving per day, arrivals growing at rate k per day."""
    with np.errstate(over="ignore", invalid="ignore"):
        grown = (np.exp(-k * a) - np.where(np.isinf(b), 0.0, np.exp(-k * np.where(np.isinf(b), 0.0, b)))) / k
    return np.where(k > 0, grown, b - a)


def object_lifecycle(wf: Mapping[str, np.ndarray], tr: Mapping[str, np.ndarray], catalog: CloudCatalog,
                     policy: SizingPolicy) -> dict[str, np.ndarray]:
    """Per scenario: the class objects cool into and GB in each class, early-deletion GB, lifecycle
    transitions (thousands a month) and the GETs and GB read back from the cooled class."""
    gb = np.asarray(wf["object_storage_gb"], dtype=float)
    access = np.asarray(wf["object_storage_access"], dtype=object)
    n = len(gb)
    classes = catalog.object_classes
    cls = np.array([a if a in classes else "hot" for a in access], dtype=object)
    min_age = np.array([classes[c].min_age_days if c != "hot" else 0.0 for c in cls])
    min_days = np.array([classes[c].min_days if c != "hot" else 0.0 for c in cls])
    cooling = cls != "hot"
    cool_after = np.maximum(np.asarray(wf["object_cool_after_days"], dtype=float), min_age)
    retention = np.asarray(wf["object_retention_days"], dtype=float)
    keep = np.where(np.isnan(retention), np.inf, retention)
    k = np.log1p(np.asarray(wf["monthly_growth"], dtype=float)) / DAYS_PER_MONTH
    total = _mass(np.zeros(n), keep, k)
    hot_days = np.where(cooling, np.minimum(cool_after, keep), keep)
    with np.errstate(invalid="ignore", divide="ignore"):
        hot_share = np.where(np.isinf(total), np.where(np.isinf(hot_days), 1.0, 0.0),
                             _mass(np.zeros(n), hot_days, k) / total)
        arrival_gb_day = np.where(np.isinf(total), 0.0, gb / total)
    hot_share = np.clip(np.nan_to_num(hot_share, nan=1.0), 0.0, 1.0)
    cool_gb = gb * (1 - hot_share)
    cooled_life = keep - cool_after
    short = cooling & np.isfinite(keep) & (cooled_life > 0) & (cooled_life < min_days)
    early_gb = np.where(short, arrival_gb_day * np.exp(-k * np.where(short, keep, 0.0))
                        * np.where(short, min_days - cooled_life, 0.0), 0.0)
    moved = cooling & (cooled_life > 0)
    object_gb = policy.object_size_kb / KB_PER_GB
    transitions_k = np.where(moved, arrival_gb_day * np.exp(-k * np.where(moved, cool_after, 0.0)) * DAYS_PER_MONTH
                             / object_gb / 1000, 0.0)
    gets_k = tr["monthly_requests"] * policy.s3_requests_per_request * np.asarray(wf["read_fraction"], dtype=float) \
        / 1000
    cool_reads = np.where(cool_gb > 0, policy.cooled_read_share, 0.0)
    return {
        "object_class": cls, "object_cool_after_days_applied": np.where(cooling, cool_after, np.nan),
        "object_hot_gb": gb * hot_share, "object_cool_gb": cool_gb, "object_early_delete_gb": early_gb,
        "object_transitions_k": transitions_k, "object_gets_k": gets_k * (1 - cool_reads),
        "object_cool_gets_k": gets_k * cool_reads,
        "object_retrieved_gb": gets_k * cool_reads * 1000 * object_gb,
        "object_puts_k": tr["monthly_requests"] * policy.s3_requests_per_request
        * (1 - np.asarray(wf["read_fraction"], dtype=float)) / 1000,
    }
