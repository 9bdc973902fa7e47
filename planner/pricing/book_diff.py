"""What changed between two price books (the bundled one and a refreshed cache, or any two folders): every price
that moved, appeared or went, a summary by service and the largest movers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError
from planner.pricing.book import PriceBook
from planner.pricing.loader import Folder, bundled_folder

INSTANCE_KEY = ["cloud", "region", "service", "sku", "engine", "deployment", "option"]
SERVICE_KEY = ["cloud", "region", "service", "item", "dimension", "tier_start"]


@dataclass(frozen=True)
class BookDiff:
    old_label: str
    new_label: str
    changes: pd.DataFrame  # one row per price that differs: key, what, old, new, change_pct, status

    def by_service(self) -> pd.DataFrame:
        """Per cloud and service: prices changed, new and gone, and the median / least / most change [%]."""
        c = self.changes
        if c.empty:
            return pd.DataFrame(columns=["cloud", "service", "changed", "new", "gone", "median_pct", "min_pct",
                                         "max_pct"])
        moved = c[c.status == "changed"]
        out = c.groupby(["cloud", "service"]).status.value_counts().unstack(fill_value=0)
        for col in ("changed", "new", "gone"):
            if col not in out:
                out[col] = 0
        stats = moved.groupby(["cloud", "service"]).change_pct.agg(["median", "min", "max"])
        out = out[["changed", "new", "gone"]].join(stats.rename(columns=lambda s: f"{s}_pct").round(2)).reset_index()
        return out.sort_values(["cloud", "service"]).reset_index(drop=True)

    def movers(self, n: int = 20) -> pd.DataFrame:
        """The ``n`` prices that moved most (by the size of the change in percent)."""
        moved = self.changes[self.changes.status == "changed"]
        return moved.reindex(moved.change_pct.abs().sort_values(ascending=False).index).head(n).reset_index(drop=True)


def load_side(name: str | Path) -> tuple[PriceBook, str]:
    """``bundled``, ``cache`` (the installed refreshed book) or a price-table folder, loaded whole."""
    from planner.pricing.user_cache import current_folder

    if str(name) == "bundled":
        return PriceBook.load(), "bundled"
    if str(name) == "cache":
        folder = current_folder()
        if folder is None:
            raise PlannerError("no refreshed price book in the cache; run planner prices update first")
        return PriceBook.load(folder), f"cache {folder}"
    folder = Path(name)
    if not folder.is_dir():
        raise PlannerError(f"{name}: not bundled, cache or a price-table folder")
    return PriceBook.load(folder), str(folder)


def diff_books(old: PriceBook, new: PriceBook, old_label: str = "old", new_label: str = "new") -> BookDiff:
    """Every instance and service price that differs between ``old`` and ``new``."""
    parts = [_compare(old.instance_prices, new.instance_prices, INSTANCE_KEY, "hourly_usd", "sku"),
             _compare(old.service_prices, new.service_prices, SERVICE_KEY, "usd_per_unit", "item")]
    changes = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else \
        pd.DataFrame(columns=["cloud", "region", "service", "what", "old", "new", "change_pct", "status"])
    return BookDiff(old_label, new_label, changes)


def _compare(old: pd.DataFrame, new: pd.DataFrame, key: list[str], value: str, what: str) -> pd.DataFrame:
    def keyed(t: pd.DataFrame) -> pd.DataFrame:
        t = t[[*key, value]].copy()
        for k in key:
            t[k] = t[k].astype(str)
        return t.drop_duplicates(key)

    both = keyed(old).merge(keyed(new), on=key, how="outer", suffixes=("_old", "_new"), indicator=True)
    a, b = both[f"{value}_old"].to_numpy(float), both[f"{value}_new"].to_numpy(float)
    status = np.select([both["_merge"] == "left_only", both["_merge"] == "right_only",
                        ~np.isclose(a, b, rtol=1e-9, atol=0)], ["gone", "new", "changed"], "same")
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(a > 0, (b - a) / a * 100, np.nan)
    label = both[what] if what == "sku" else both[what] + np.where(both["dimension"] != "", " " + both["dimension"],
                                                                   "")
    if what == "sku":
        label = both["sku"] + np.where(both["engine"] != "", " " + both["engine"], "") + " " + both["option"]
    out = pd.DataFrame({"cloud": both.cloud, "region": both.region, "service": both.service, "what": label,
                        "old": a, "new": b, "change_pct": np.round(pct, 2), "status": status})
    return out[out.status != "same"].reset_index(drop=True)


__all__ = ["BookDiff", "Folder", "bundled_folder", "diff_books", "load_side"]
