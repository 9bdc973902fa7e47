"""The bundled tables are exactly what the build script makes from the shared sources.

Skipped where the sources are not beside the checkout (``../shared/pricing-sources``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SOURCES = REPO.parent / "shared" / "pricing-sources"

pytestmark = pytest.mark.skipif(not (SOURCES / "aws" / "ec2.csv").exists(),
                                reason=f"price sources not found at {SOURCES}")


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rebuilt")
    subprocess.run([sys.executable, str(REPO / "scripts" / "build_pricing_data.py"), "--sources", str(SOURCES),
                    "--out", str(out)], check=True, capture_output=True)
    return out


def test_rebuild_reproduces_the_bundled_tables(rebuilt, bundled_dir):
    ours = pd.read_csv(bundled_dir / "MANIFEST.csv", dtype=str)
    again = pd.read_csv(rebuilt / "MANIFEST.csv", dtype=str)
    pd.testing.assert_frame_equal(ours, again)


def test_on_demand_prices_equal_the_source_table(book):
    src = pd.read_csv(SOURCES / "aws" / "ec2.csv")
    sample = src.sample(300, random_state=7)
    got = book.instance_hourly_usd("aws", sample.region, "ec2", sample.instance_type)
    assert list(got) == list(sample.on_demand_usd_per_hour)


def test_rds_and_cache_prices_equal_the_source_tables(book):
    rds = pd.read_csv(SOURCES / "aws" / "rds.csv", keep_default_na=False)
    rds = rds[rds.deployment != "aurora-instance"].sample(200, random_state=3)
    got = book.instance_hourly_usd("aws", rds.region, "rds", rds.instance_class, engine=rds.engine,
                                   deployment=rds.deployment)
    assert list(got) == list(rds.usd_per_hour)
    cache = pd.read_csv(SOURCES / "aws" / "elasticache.csv").sample(200, random_state=3)
    got = book.instance_hourly_usd("aws", cache.region, "elasticache", cache.node_type, engine=cache.engine,
                                   deployment="")
    assert list(got) == list(cache.usd_per_hour)


def test_reservations_equal_the_source_effective_rate(book):
    po = pd.read_csv(SOURCES / "aws" / "purchase_options.csv", low_memory=False)
    std = po[(po.service == "ec2") & (po.kind == "reserved-standard") & (po.term == "3yr")].sample(200, random_state=5)
    got = book.instance_hourly_usd("aws", std.region, "ec2", std.instance_type, option="reserved_3yr")
    kept = ~pd.isna(got)
    assert kept.mean() > 0.95  # the rest have no on-demand twin or predate a price cut
    assert list(got[kept]) == list(std.effective_usd_per_hour[kept])
