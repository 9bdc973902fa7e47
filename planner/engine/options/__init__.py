"""Architecture options: each sizes its compute tier and bills it; shared tiers are in :mod:`planner.tiers`."""
