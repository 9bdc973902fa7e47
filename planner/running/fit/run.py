"""One fit from series to a workload file and its back-test: what ``planner fit`` and the dashboard's Fit page both
call, so both write the same workload (its report for reading: :mod:`planner.report.fit_report`)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.running.fit.backtest import BackTest, backtest
from planner.running.fit.estimate import Fit, fit_inputs, parse_mapping
from planner.running.fit.sources import FitError
from planner.running.fit.workload_file import BOUNDS, DEFAULT_LATENCY_TARGET_MS, latency_target_ms, workload_yaml


@dataclass(frozen=True)
class FitResult:
    fit: Fit
    mapping: dict[str, str]
    workload_yaml: str  # checked to parse as an uncertain workload
    sources: list[str]
    back: BackTest | None


def fit_workload(series: pd.DataFrame, items: list[str], *, sources: list[str], instance_type: str | None = None,
                 cloud: str = "aws", region: str | None = None, name: str = "fitted") -> FitResult:
    """Fit ``series`` mapped by ``items`` (``series=meaning``) into a workload text and its back-test (see the
    package docstring); bad input raises :class:`FitError` naming the file, series or item."""
    from planner.clouds import catalog_for
    from planner.pricing.book import default_book
    from planner.running.uncertainty.ranges import parse_uncertain_text

    if not items:
        raise FitError("give the series' meanings (series=meaning), at least the request rate")
    catalog_for(cloud)  # an unknown cloud or region is named (with close matches) before it is written anywhere
    if region is not None:
        default_book(cloud).check_region(cloud, region)
    mapping = parse_mapping(items, set(series.series))
    vcpu, throughput, family = (None, 1.0, "") if instance_type is None else instance_spec(cloud, instance_type)
    fit = fit_inputs(series, mapping, vcpu_per_instance=vcpu, vcpu_throughput=throughput)
    if "peak_rps" not in fit.inputs:  # a workload needs its traffic: say what the data lack
        why = "; ".join(w for w in fit.warnings if "peak_rps" in w or "dropped" in w) or "too few whole days"
        raise FitError(f"no workload can be fitted: {why}")
    for f in fit.inputs.values():  # said on the terminal and in the report, not only in the file's comment
        lo, hi = BOUNDS[f.field]
        if not lo <= f.low <= f.high <= hi:
            fit.warnings.append(f"{f.field} fitted as {f.low:.4g} / {f.mid:.4g} / {f.high:.4g}, outside the "
                                f"workload's bounds ({lo:g} to {hi:g}): written inside them")
    target = latency_target_ms(fit)
    if target is not None:
        fit.warnings.append(f"the fitted CPU time of a request ({fit.inputs['cpu_ms_per_request'].high:,.4g} ms at "
                            f"its high end) is above the default p99 latency target ({DEFAULT_LATENCY_TARGET_MS:g} "
                            f"ms): the workload's latency_target_ms is {target:g} ms; set your own")
    text = workload_yaml(fit, name=name, cloud=cloud if cloud != "aws" or region else None, region=region,
                         sources=sources)
    parse_uncertain_text(text, "the fitted workload")  # what is written plans: checked before anyone writes it
    back = None if instance_type is None else backtest(fit, instance_type, vcpu, family, cloud=cloud, region=region)
    return FitResult(fit=fit, mapping=mapping, workload_yaml=text, sources=sources, back=back)


def instance_spec(cloud: str, sku: str) -> tuple[float, float, str]:
    """The vCPUs of an instance type, its family's work per vCPU (``SizingPolicy.vcpu_throughput``) and the
    family."""
    from planner.base.errors import unknown_name
    from planner.clouds import catalog_for
    from planner.pricing.book import default_book
    from planner.workload.policy import SizingPolicy

    book, catalog = default_book(cloud), catalog_for(cloud)
    specs = book.specs[(book.specs.cloud == cloud) & (book.specs.service == catalog.compute_service)]
    row = specs[specs.sku == sku]
    if not len(row):
        raise unknown_name("instance type", sku, specs.sku, context=f"on {cloud}")
    family = str(row.family.iloc[0])
    policy = catalog.policy_for(SizingPolicy())
    return float(row.vcpu.iloc[0]), float(policy.vcpu_throughput.get(family, 1.0)), family
