"""Spot capacity and its interruptions: how much more spot capacity keeps the same capacity running.

AWS publishes, per instance type and region, the monthly frequency of interruption as a bucket (Spot Instance
Advisor: <5 %, 5-10 %, 10-15 %, 15-20 %, >20 %); the price book carries it with each spot price. A fleet that
loses a share p of its spot capacity while replacements start runs 1 / (1 - p) of it to keep the capacity it
needs: the bucket's upper bound, 30 % for ">20%" (an assumption: the advisor gives no upper bound). Clouds
that publish no rate (Google's Spot VMs) use ``policy.spot_interruption_default``.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

BUCKET_UPPER = {"<5%": 0.05, "5-10%": 0.10, "10-15%": 0.15, "15-20%": 0.20, ">20%": 0.30}


def interruption_rate(bucket: npt.ArrayLike, default: float) -> np.ndarray:
    """The share of spot capacity lost to interruptions, per bucket label (``default`` where there is none)."""
    labels = np.asarray(bucket, dtype=object)
    return np.array([BUCKET_UPPER.get(str(b).strip(), default) for b in labels.ravel()]).reshape(labels.shape)


def overprovision(bucket: npt.ArrayLike, default: float) -> np.ndarray:
    """Spot capacity run per unit of capacity needed: 1 / (1 - interruption rate)."""
    return 1 / (1 - interruption_rate(bucket, default))
