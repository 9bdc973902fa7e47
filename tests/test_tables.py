"""Tables for reading: no None, no raw floats, money and percentages formatted."""

from __future__ import annotations

import pandas as pd
import pytest

from planner.plan.model import make_plan
from planner.report.tables import batch_table, blanks_as_dashes, bom_table, decisions_table, options_table
from planner.workload.model import Workload


def _no_raw_values(df: pd.DataFrame) -> None:
    for col in df.columns:
        for v in df[col]:
            assert isinstance(v, str) or col == "row", (col, v)
            assert v not in ("None", "nan", "NaN", "") and "e+" not in str(v), (col, v)


def test_plan_tables_read_well(book):
    plan = make_plan(Workload(name="t", peak_rps=5_000), book)  # vertical is rejected: dashes, not None
    opts = options_table(plan)
    _no_raw_values(opts)
    vertical = opts[opts.option == "vertical"].iloc[0]
    assert vertical.monthly == "—" and vertical["designed-for availability"] == "—"
    rec = opts[opts.option.str.endswith("(recommended)")].iloc[0]
    assert rec.monthly.startswith("$") and "," in rec.monthly and "." not in rec.monthly  # no cents above $100
    assert rec["designed-for availability"].endswith("%")
    _no_raw_values(decisions_table(plan))
    _no_raw_values(bom_table(plan.recommended.bom))


def test_batch_table_formats_money_percent_and_blanks():
    frame = pd.DataFrame({"row": [2, 3], "name": ["a", None], "monthly_usd": [1234.5678, float("nan")],
                          "availability_pct": [99.99512, 99.9], "feasible": [True, False], "dr_tier": ["pilot_light", ""],
                          "db_storage_gb": [123.456, float("nan")]})
    out = batch_table(frame)
    assert out.monthly_usd.tolist() == ["$1,235", "—"]
    assert out.availability_pct.tolist() == ["99.9951%", "99.9%"]
    assert out.feasible.tolist() == ["yes", "no"] and out.dr_tier.tolist() == ["pilot light", "—"]
    assert out.name.tolist() == ["a", "—"] and out.db_storage_gb.tolist() == ["123", "—"]
    assert batch_table(pd.concat([frame] * 6), limit=5).shape[0] == 5


def test_blanks_as_dashes():
    out = blanks_as_dashes(pd.DataFrame({"a": [None, "", "x"], "b": [1.0, float("nan"), 2.0]}))
    assert out.a.tolist() == ["—", "—", "x"] and out.b.tolist() == ["1", "—", "2"]
    untouched = pd.DataFrame({"c": [1.5, 2.5]})
    assert blanks_as_dashes(untouched).c.tolist() == [1.5, 2.5]


def test_rejection_reasons_in_full():
    from planner.report.tables import rejection_reasons

    frame = pd.DataFrame({"row": [2, 3, 4, 5], "option": ["vertical", "vertical", "serverless", "vertical"],
                          "reason": ["needs 50 vCPU", "needs 50 vCPU", "cold starts", "needs 90 vCPU"]})
    out = rejection_reasons(frame)
    assert out.values.tolist() == [["vertical", "2", "2", "needs 50 vCPU"], ["serverless", "1", "4", "cold starts"],
                                   ["vertical", "1", "5", "needs 90 vCPU"]]


def test_cost_vs_load_figure_keeps_the_load_axis_on_the_swept_range():
    import math

    import numpy as np

    from planner.report.figures import cost_vs_load_figure
    from planner.running.explore import cost_vs_load, pair_crossover
    from planner.workload.model import Workload

    table = cost_vs_load(Workload(name="t", peak_rps=500), np.geomspace(1, 20_000, 8))
    cross = pair_crossover(table, "vertical", "horizontal")
    assert cross is not None
    fig = cost_vs_load_figure(table, cross)
    # on a log axis annotations take log10 units: the label sits at the crossover, not at 10^crossover
    (note,) = fig.layout.annotations
    assert note.x == pytest.approx(math.log10(cross)) and f"{cross:,.0f} req/s" in note.text
    assert fig.layout.shapes[0].x0 == pytest.approx(cross)


def test_probabilities_never_round_a_rare_event_away():
    from planner.report.formatting import share

    assert [share(p) for p in (0, 0.004, 0.005, 0.5, 0.994, 0.996, 1)] == ["0%", "<1%", "<1%", "50%", "99%", ">99%",
                                                                            "100%"]


def test_batch_table_formats_probabilities_from_samples():
    frame = pd.DataFrame({"row": [2, 3], "p_feasible": [0.003, float("nan")], "p50_usd": [1234.5, float("nan")]})
    shown = batch_table(frame)
    assert shown.p_feasible.tolist() == ["<1%", "—"] and shown.p50_usd.tolist() == ["$1,234", "—"]


def test_money_axes_read_as_dollars_with_separators():
    # axes read 4600 and 8000 where every other number on the page reads $4,600
    from planner.plan.model import make_plan
    from planner.report.figures import cost_breakdown_figure, growth_figure
    from planner.running.explore import growth
    from planner.workload.model import Workload

    w = Workload(name="t", peak_rps=500)
    for fig in (cost_breakdown_figure(make_plan(w)), growth_figure(growth(w))):
        assert (fig.layout.yaxis.tickprefix, fig.layout.yaxis.tickformat) == ("$", ",.0f")
        assert fig.layout.yaxis.title.text == "USD per month"


def test_a_percentage_short_of_100_never_reads_100():
    # a 99.99999 % target read "100%" in the availability rationales
    from planner.report.formatting import pct

    assert [pct(x) for x in (99.99999, 99.9999, 99.95, 99.5, 100.0)] == ["99.99999%", "99.9999%", "99.95%", "99.5%",
                                                                        "100%"]
