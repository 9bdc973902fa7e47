"""``planner plan`` and ``planner example``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from planner.base.errors import PlannerError
from planner.cli.output import CURRENCY, PRICES, PlanFormat, emit, terminal_only

DEFAULT_SAMPLES = 1_000


def example(
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file instead of stdout."),
) -> None:
    """Print a commented example workload (YAML)."""
    from planner.base.atomic import write_text_atomic
    from planner.cli.example import example_yaml

    text = example_yaml()
    if out is None:
        sys.stdout.write(text)
    else:
        write_text_atomic(out, text)


def plan(
    workload: str = typer.Argument(..., help="Workload file (.yaml, .yml or .json), or - for standard input."),
    fmt: PlanFormat = typer.Option(PlanFormat.table, "--format", "-f", help="md (design review), json (contract) "
                                                                             "or table (terminal)."),
    out: Path | None = typer.Option(None, "-o", "--output", help="Write to this file (atomically) instead of stdout."),
    samples: int | None = typer.Option(None, "--samples", help="Monte Carlo samples of the inputs given as ranges "
                                                               "(1-1,000,000; default 1,000 when there are ranges)."),
    seed: int = typer.Option(0, "--seed", help="Seed of the samples: the same seed gives the same numbers."),
    clouds: str | None = typer.Option(None, "--clouds", help="Plan the workload on each of these clouds (e.g. "
                                      "aws,gcp,azure), each in its region nearest the workload's, side by side."),
    cloud_region: list[str] = typer.Option([], "--cloud-region", help="With --clouds: the region to use on a cloud, "
                                           "CLOUD=REGION (repeat for several)."),
    fail_above_usd: float | None = typer.Option(None, "--fail-above-usd", min=0, help="Exit 3 when the recommended "
                                                "monthly bill (with --clouds: the cheapest cloud's) is above this."),
    currency: str = CURRENCY,
    prices: Path | None = PRICES,
    compare_prices: bool = typer.Option(False, "--compare-prices", help="Plan with the bundled prices and with "
                                                                       "your refreshed price cache, and show how "
                                                                       "the bill moves between them."),
) -> int:
    """Size a workload, price every option and recommend one. Inputs given as ranges ({low, high}: a 90 %
    interval) are sampled: the report adds each option's P10/P50/P90 bill and what drives it."""
    # read and validate first: a bad file is refused before the heavy imports and the price book load
    from planner.running.uncertainty.monte_carlo import check_samples
    from planner.running.uncertainty.ranges import load_uncertain

    from planner.pricing.currency import check_code, displayed_in

    from planner.pricing.overlay import load_overlay, overlaid_book

    shown_in = check_code(currency)
    overlay = load_overlay(prices)
    if samples is not None:
        check_samples(samples)
    uw = load_uncertain(workload)  # "-": standard input, bounded as a file is
    if clouds is not None:
        if samples is not None:
            raise PlannerError("--clouds compares plans at fixed inputs; it does not combine with --samples")
        with displayed_in(shown_in):
            return _plan_clouds(uw.workload, clouds, cloud_region, fmt, out, fail_above_usd, overlay)
    if cloud_region:
        raise PlannerError("--cloud-region applies with --clouds")
    if compare_prices:
        if samples is not None or uw.ranges or overlay is not None:
            raise PlannerError("--compare-prices compares list prices at fixed inputs (no ranges, --samples or "
                               "--prices)")
        with displayed_in(shown_in):
            return _compare_prices(uw.workload, fmt, out)
    from planner.plan.model import make_plan
    from planner.pricing.book import remember
    from planner.running.uncertainty.plans import make_uncertain_plan

    book = overlaid_book(uw.workload.cloud, overlay)
    if uw.ranges or samples is not None:
        result = make_uncertain_plan(uw, DEFAULT_SAMPLES if samples is None else samples, seed, book)
    else:
        result = make_plan(uw.workload, book)
    remember(book)  # the candidate tables this plan derived, for the next cold start (not for negotiated prices)
    with displayed_in(shown_in):
        if fmt is PlanFormat.table:
            from planner.cli.plan_table import print_plan

            terminal_only(out)
            print_plan(result)
        elif fmt is PlanFormat.json:
            from planner.report.json_contract import currency_to_dict

            data = result.to_dict()
            data["display_currency"] = currency_to_dict(result, shown_in) if shown_in.code != "USD" else None
            emit(json.dumps(data, indent=2) + "\n", out)
        else:
            from planner.report.markdown import render_markdown

            emit(render_markdown(result), out)
    rec = result.recommended
    return _gate(rec.monthly_usd if rec else float("nan"), fail_above_usd)


def _gate(monthly_usd: float, fail_above_usd: float | None) -> int:
    """Exit status of a plan under ``--fail-above-usd``: 3 (the gate's message on stderr) or 0."""
    from planner.cli.diff import report_gates
    from planner.running.diff import EXIT_GATE, gates

    return report_gates(gates(None, monthly_usd, fail_above_usd=fail_above_usd), EXIT_GATE)


def _plan_clouds(workload: object, clouds: str, cloud_region: list[str], fmt: PlanFormat, out: Path | None,
                 fail_above_usd: float | None, overlay: object = None) -> int:
    """``--clouds``: the workload (its ranges at their medians) on several clouds, one table side by side."""
    from planner.pricing.book import remember
    from planner.pricing.overlay import overlaid_book
    from planner.running.multicloud import clouds_table, parse_clouds, parse_region_overrides, plans_across_clouds

    names = parse_clouds(clouds)
    plans = plans_across_clouds(workload, names, parse_region_overrides(cloud_region),  # type: ignore[arg-type]
                                lambda c: overlaid_book(c, overlay))  # type: ignore[arg-type,return-value]
    for name in names:
        remember(overlaid_book(name, overlay))  # type: ignore[arg-type]
    table = clouds_table(plans)
    if fmt is PlanFormat.table:
        from planner.cli.plan_table import print_clouds

        terminal_only(out)
        print_clouds(plans)
    elif fmt is PlanFormat.json:
        rows = json.loads(table.to_json(orient="records"))
        emit(json.dumps({"comparison": rows, "plans": [p.to_dict() for p in plans]}, indent=2) + "\n", out)
    else:
        from planner.report.markdown import render_clouds_markdown

        emit(render_clouds_markdown(plans), out)
    return _gate(float(table.monthly_usd.min()), fail_above_usd)


def _compare_prices(workload: object, fmt: PlanFormat, out: Path | None) -> int:
    """``planner plan --compare-prices``: the same workload on the bundled book and on the refreshed cache."""
    from planner.cli.diff import _print_diff
    from planner.plan.model import make_plan
    from planner.pricing.book import book_of
    from planner.running.diff import diff_plans

    cloud = workload.cloud  # type: ignore[attr-defined]
    old, new = book_of(cloud, "bundled"), book_of(cloud, "cache")
    d = diff_plans(make_plan(workload, old).to_dict(), make_plan(workload, new).to_dict())  # type: ignore[arg-type]
    if fmt is PlanFormat.table:
        terminal_only(out)
        from planner.report.escaping import terminal_text

        print(f"bundled prices -> {terminal_text(new.label)}", file=sys.stderr)
        _print_diff(d)
    elif fmt is PlanFormat.json:
        emit(json.dumps({"old_price_book": old.label, "new_price_book": new.label, **d.to_dict()}, indent=2)
              + "\n", out)
    else:
        from planner.report.diff import diff_markdown

        emit(f"_Bundled prices -> {new.label}._\n\n" + diff_markdown(d, []), out)
    return 0
