"""``planner fit``: monitoring exports in, a workload with fitted ranges out."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from planner.base.errors import PlannerError


def fit(
    sources: list[Path] = typer.Argument(..., help="Monitoring exports: the JSON of aws cloudwatch get-metric-data, "
                                                   "a Prometheus query_range answer, or a CSV (time, then metric "
                                                   "columns)."),
    mapping: list[str] = typer.Option([], "--map", "-m", help="series=meaning, repeated: requests (a count per "
                                                              "period) or requests_per_s, cpu_pct, instances, "
                                                              "db_reads / db_writes (or _per_s), response_bytes, "
                                                              "storage_bytes, latency_p99_ms."),
    mapping_file: Path | None = typer.Option(None, "--mapping", help="A YAML of series: meaning (as --map)."),
    out: Path = typer.Option(..., "-o", "--output", help="The workload YAML to write."),
    instance_type: str | None = typer.Option(None, "--instance-type", help="The instances the CPU series "
                                                                           "measures (their vCPUs come from "
                                                                           "the price book)."),
    cloud: str = typer.Option("aws", "--cloud", help="The cloud the system runs on."),
    region: str | None = typer.Option(None, "--region", help="Its region (the cloud's default when omitted)."),
    name: str = typer.Option("fitted", "--name", help="The workload's name."),
) -> int:
    """Fit a workload from a running system's monitoring: exit 0 when written, 2 when an export or the mapping
    cannot be used (one line naming the file and series)."""
    from planner.running.fit.estimate import fit_inputs, parse_mapping
    from planner.running.fit.sources import FitError, read_sources
    from planner.running.fit.workload_file import workload_yaml, write_workload

    series = read_sources(sources)
    items = list(mapping)
    if mapping_file is not None:
        doc = _mapping_file(mapping_file)
        if not isinstance(doc, dict):
            raise FitError(f"{mapping_file}: a mapping is series: meaning pairs")
        items += [f"{k}={v}" for k, v in doc.items()]
    if not items:
        raise PlannerError("give the series' meanings with --map series=meaning (at least the request rate)")
    chosen = parse_mapping(items, set(series.series))
    vcpu, throughput = (None, 1.0) if instance_type is None else _instance(cloud, region, instance_type)
    result = fit_inputs(series, chosen, vcpu_per_instance=vcpu, vcpu_throughput=throughput)
    text = workload_yaml(result, name=name, cloud=cloud if cloud != "aws" or region else None, region=region,
                         sources=[str(s) for s in sources])
    from planner.running.uncertainty.ranges import parse_uncertain_text

    parse_uncertain_text(text, str(out))  # what is written plans: checked before it is written
    write_workload(out, text)
    for warning in result.warnings:
        print(f"planner fit: {warning}", file=sys.stderr)
    fitted = ", ".join(result.inputs) or "nothing"
    print(f"fitted {fitted} from {result.hours:,} hours -> {out}; plan it with planner plan {out}", file=sys.stderr)
    return 0


def _instance(cloud: str, region: str | None, sku: str) -> tuple[float, float]:
    """The vCPUs of an instance type and its family's work per vCPU (``SizingPolicy.vcpu_throughput``)."""
    from planner.base.errors import unknown_name
    from planner.clouds import catalog_for
    from planner.pricing.book import default_book
    from planner.workload.policy import SizingPolicy

    book, catalog = default_book(cloud), catalog_for(cloud)
    specs = book.specs[(book.specs.cloud == cloud) & (book.specs.service == catalog.compute_service)]
    row = specs[specs.sku == sku]
    if not len(row):
        raise unknown_name("instance type", sku, specs.sku, context=f"on {cloud}")
    policy = catalog.policy_for(SizingPolicy())
    return float(row.vcpu.iloc[0]), float(policy.vcpu_throughput.get(str(row.family.iloc[0]), 1.0))


def _mapping_file(path: Path) -> object:
    """A mapping YAML, read within 64 KiB by the safe loader of workload files."""
    import yaml

    from planner.base.input_files import read_limited
    from planner.base.yaml_input import SafeInputLoader
    from planner.running.fit.sources import FitError

    text = read_limited(path, 64 * 1024, what="mapping").decode("utf-8", errors="replace")
    try:
        return yaml.load(text, Loader=SafeInputLoader)  # noqa: S506 - the safe loader, restricted further
    except yaml.YAMLError as exc:
        raise FitError(f"{path}: not a YAML mapping ({str(exc).splitlines()[0]})") from None
