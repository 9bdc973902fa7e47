"""Every dashboard page renders, reacts to input and reports bad input (AppTest, no browser)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@pytest.fixture()
def app() -> AppTest:
    return AppTest.from_file(APP, default_timeout=60).run()


def test_prices_page_renders_with_provenance(app):
    assert not app.exception
    assert app.title[0].value == "Price book"
    assert app.subheader[0].value.endswith("ec2 SKUs, cheapest first")
    assert any("older than a year" in w.value for w in app.warning)  # the bundled prices date from 2024-2026


def test_prices_page_reacts_to_filters(app):
    all_ec2 = int(app.subheader[0].value.split()[0])
    app.number_input(key="min_vcpu").set_value(64).run()
    big = int(app.subheader[0].value.split()[0])
    assert 0 < big < all_ec2
    app.selectbox(key="service").set_value("rds").run()
    assert not app.exception
    assert app.subheader[0].value.endswith("rds SKUs, cheapest first")


def test_prices_page_reports_missing_prices(app):
    # no RDS reservations are published for ap-southeast-4: an error message, not a traceback
    app.selectbox(key="service").set_value("rds").run()
    regions = [opt.split(" ")[0] for opt in app.selectbox(key="region").options]
    app.selectbox(key="region").select_index(regions.index("ap-southeast-4")).run()
    app.selectbox(key="option").set_value("reserved_1yr").run()
    assert not app.exception
    assert app.subheader[0].value.startswith("0 rds SKUs")
    assert any("no reserved_1yr prices for rds (postgresql, single-az) in ap-southeast-4" in w.value and "on_demand" in w.value
               for w in app.warning)
