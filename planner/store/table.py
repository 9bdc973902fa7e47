"""Saved scenarios as a table people read (the CLI's list and the dashboard's Saved page)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from planner.store.api import Saved


def saved_frame(rows: Sequence[Saved]) -> pd.DataFrame:
    """One row per saved scenario, formatted: id, name, when (UTC), who, tags, where, what, how much."""
    return pd.DataFrame([{
        "id": str(s.id), "name": s.name, "saved (UTC)": s.created_at.strftime("%Y-%m-%d %H:%M"),
        "author": s.author, "tags": ", ".join(s.tags), "cloud / region": f"{s.cloud} {s.region}",
        "recommended": s.recommended or "none", "monthly": "—" if s.monthly_usd is None else f"${s.monthly_usd:,.0f}",
        "prices as of": s.prices_as_of,
    } for s in rows])
