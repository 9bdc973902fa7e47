"""``planner fit``: monitoring exports in, a workload with fitted ranges out."""

from __future__ import annotations

import sys
from pathlib import Path

import typer


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
    report: Path | None = typer.Option(None, "--report", help="A Markdown report of the fit: the inputs and how, "
                                                              "what was left out, observed against fitted, and a "
                                                              "back-test against the instances the system ran."),
) -> int:
    """Fit a workload from a running system's monitoring: exit 0 when written, 2 when an export or the mapping
    cannot be used (one line naming the file and series)."""
    from planner.base.atomic import output_set
    from planner.running.fit.run import fit_workload
    from planner.running.fit.sources import FitError, read_sources

    given = {s.resolve() for s in sources} | ({mapping_file.resolve()} if mapping_file is not None else set())
    for path, what in ((out, "-o"), (report, "--report")):
        if path is not None and path.resolve() in given:
            raise FitError(f"{what} {path}: is a file being read (an export or the mapping); write it elsewhere")
    if report is not None and report.resolve() == out.resolve():
        raise FitError(f"--report {report}: is the workload file too (-o); give them different names")
    series = read_sources(sources)
    items = list(mapping)
    if mapping_file is not None:
        doc = _mapping_file(mapping_file)
        if not isinstance(doc, dict):
            raise FitError(f"{mapping_file}: a mapping is series: meaning pairs")
        items += [f"{k}={v}" for k, v in doc.items()]
    result = fit_workload(series, items, sources=[str(s) for s in sources], instance_type=instance_type,
                          cloud=cloud, region=region, name=name)
    with output_set() as files:  # both written, or neither (a failed write leaves the previous files)
        if report is not None:
            from planner.report.fit_report import fit_report

            text = fit_report(result)
            files.write(report, lambda fh: fh.write(text.encode("utf-8")))
        files.write(out, lambda fh: fh.write(result.workload_yaml.encode("utf-8")))
    from planner.report.escaping import terminal_text

    for warning in result.fit.warnings:  # series names come from the files: shown, never obeyed by the terminal
        print(f"planner fit: {terminal_text(warning)}", file=sys.stderr)
    fitted = ", ".join(result.fit.inputs) or "nothing"
    print(f"fitted {fitted} from {result.fit.hours:,} hours -> {out}; plan it with planner plan {out}",
          file=sys.stderr)
    return 0


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
