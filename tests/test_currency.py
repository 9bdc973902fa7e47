"""Bills shown in another currency: the bundled ECB rates, conversion in every renderer, USD kept in JSON."""

from __future__ import annotations

import json

import pytest

from planner.base.errors import PlannerError
from planner.cli import main
from planner.plan.model import make_plan
from planner.pricing.currency import USD, currency, displayed_in, rates
from planner.report.formatting import unit_usd, usd
from planner.report.markdown import render_markdown
from planner.workload.model import Workload


def test_bundled_rates_are_the_ecb_reference_rates_crossed_through_the_euro():
    # ECB reference rates of 30 October 2026: 1 EUR = 1.1172 USD = 0.8338 GBP = 175.68 JPY
    assert rates()["USD"].units_per_usd == 1
    assert currency("EUR").units_per_usd == pytest.approx(1 / 1.1172)
    assert currency("gbp").units_per_usd == pytest.approx(0.8338 / 1.1172)
    assert currency("JPY").units_per_usd == pytest.approx(175.68 / 1.1172)
    assert {c.rate_date for c in rates().values()} == {"2026-10-30"}
    assert "European Central Bank" in currency("EUR").source


def test_unknown_currency_is_named_with_close_matches():
    with pytest.raises(PlannerError, match="unknown currency 'EUT'"):
        currency("EUT")


def test_formatting_converts_only_inside_the_block():
    assert usd(1000.0) == "$1,000"
    with displayed_in("EUR") as eur:
        assert usd(1000.0) == f"€{1000 * eur.units_per_usd:,.0f}"
        assert unit_usd(0.096) == "€" + f"{0.096 * eur.units_per_usd:.4g}"
        with displayed_in("SEK") as sek:
            assert usd(1000.0) == f"{1000 * sek.units_per_usd:,.0f} SEK"  # no symbol: the code after
    assert usd(1000.0) == "$1,000" and USD.statement() == ""


def test_the_report_shows_both_currencies_and_names_the_rate():
    plan = make_plan(Workload(peak_rps=200))
    rec = plan.recommended
    with displayed_in("EUR") as eur:
        text = render_markdown(plan)
    assert f"**€{rec.monthly_usd * eur.units_per_usd:,.0f}/month** (${rec.monthly_usd:,.0f} a month)" in text
    assert "Amounts in EUR at 0.8951 EUR per USD (reference rate of 2026-10-30" in text
    assert "| unit EUR | monthly EUR |" in text
    assert render_markdown(plan).count("€") == 0  # outside the block: USD again


def test_cli_currency_in_json_keeps_usd_and_adds_the_conversion(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    path.write_text("peak_rps: 200\n")
    assert main(["plan", str(path), "-f", "json", "--currency", "GBP"]) == 0
    data = json.loads(capsys.readouterr().out)
    rec = next(o for o in data["options"] if o["recommended"])
    block = data["display_currency"]
    assert block["code"] == "GBP" and block["rate_date"] == "2026-10-30"
    converted = next(o for o in block["options"] if o["name"] == rec["name"])
    assert converted["monthly"] == pytest.approx(rec["monthly_usd"] * block["units_per_usd"])
    assert main(["plan", str(path), "--currency", "Doubloons"]) == 2
    assert "unknown currency 'Doubloons'" in capsys.readouterr().err
