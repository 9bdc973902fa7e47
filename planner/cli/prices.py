"""``planner prices ...``: browse, look up and validate the price tables."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from planner.base.errors import PlannerError
from planner.cli.render import OutputFormat, print_frame, print_record

prices_app = typer.Typer(help="Browse, look up, validate and refresh the price tables.", no_args_is_help=True)

FORMAT = typer.Option(OutputFormat.table, "--format", "-f", help="Output format.")
DEADLINE_S = 3_600.0  # planner.pricing.update.fetch.DEADLINE_S (not imported: `planner --help` stays fast)
KEPT_SHOWN = 8  # lines of what an update kept as it was, before "... and N more"


def _book(cloud: str = "aws"):  # noqa: ANN202 - imported lazily so `planner --version` stays fast
    from planner.pricing import default_book

    return default_book(cloud)


@prices_app.command("regions")
def regions(
    cloud: str = typer.Option("aws", help="Cloud provider."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """List regions with their names, AZ counts and how many SKUs are priced in each."""
    from planner.pricing.queries import region_summary

    book = _book(cloud)
    print_frame(region_summary(book, cloud), fmt, title=f"{cloud} regions (prices as of {book.prices_as_of})")


@prices_app.command("list")
def list_prices(
    service: str | None = typer.Option(None, help="Instance service (default: the cloud's VMs): ec2, rds, "
                                       "elasticache; compute, cloudsql, memorystore; vm, postgresql_flexible, "
                                       "redis_cache."),
    region: str | None = typer.Option(None, help="Region code (default: the cloud's default region)."),
    cloud: str = typer.Option("aws", help="Cloud provider."),
    family: list[str] = typer.Option([], help="Instance family, e.g. m7g (repeat or comma-separate)."),
    min_vcpu: float = typer.Option(0, min=0, help="Minimum vCPUs."),
    min_memory_gib: float = typer.Option(0, "--min-memory", "--min-memory-gib", min=0, help="Minimum memory [GiB]."),
    arch: str | None = typer.Option(None, help="x86_64 or arm64."),
    generation: str | None = typer.Option(None, help="current or previous."),
    option: str = typer.Option("on_demand", help="Purchase option: on_demand, reserved_1yr, reserved_3yr, "
                               "savings_1yr, savings_3yr, spot."),
    engine: str | None = typer.Option(None, help="Database engine (rds: postgresql, mysql, mariadb, "
                                      "aurora-postgresql, aurora-mysql; elasticache: redis, valkey, memcached)."),
    deployment: str | None = typer.Option(None, help="rds: single-az, multi-az, multi-az-cluster, aurora-standard, "
                                          "aurora-io-optimized."),
    limit: int = typer.Option(40, min=0, help="Rows to show in a table (0 = all); csv/json show all."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """List instance prices with specs, cheapest first."""
    from planner.pricing.queries import select_instances

    from planner.clouds import catalog_for

    book = _book(cloud)
    service = service or catalog_for(cloud).compute_service
    region = region or catalog_for(cloud).default_region
    families = [f.strip() for item in family for f in item.split(",") if f.strip()]
    cat = book.catalog(cloud, region, service, option, engine=engine, deployment=deployment)
    rows = select_instances(cat, families=families, min_vcpu=min_vcpu, min_memory_gib=min_memory_gib,
                            arch=arch, generation=generation)
    caption = ""
    if fmt is OutputFormat.table and limit and len(rows) > limit:
        caption = f"showing the {limit} cheapest of {len(rows)}; --limit 0 shows all"
        rows = rows.head(limit)
    print_frame(rows, fmt, title=f"{service} {option} prices in {cloud} {region}", caption=caption)


@prices_app.command("lookup")
def lookup(
    cloud: str = typer.Argument(..., help="Cloud provider, e.g. aws."),
    region: str = typer.Argument(..., help="Region code, e.g. us-east-1."),
    service: str = typer.Argument(..., help="ec2, rds, elasticache, or a priced service such as nat_gateway, s3."),
    sku: str = typer.Argument(..., help="Instance type / class / node type, or the service's item "
                              "(e.g. gateway_hour)."),
    option: str = typer.Option("on_demand", help="on_demand, reserved_1yr, reserved_3yr, savings_1yr, "
                               "savings_3yr or spot."),
    engine: str | None = typer.Option(None, help="Database engine (default: postgresql for rds, redis for "
                                      "elasticache)."),
    deployment: str | None = typer.Option(None, help="rds deployment (default single-az)."),
    dimension: str = typer.Option("", help="Service item dimension, e.g. STANDARD for s3 storage."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Look up one price, with its date and source."""
    from planner.pricing import queries

    record = queries.lookup(_book(cloud), cloud, region, service, sku, option=option, engine=engine,
                            deployment=deployment, dimension=dimension)
    print_record(record, fmt, title=f"{cloud} {region} {service} {sku}")


@prices_app.command("sources")
def sources(fmt: OutputFormat = FORMAT) -> None:
    """List every price table with its row count, price dates and sources."""
    import pandas as pd

    from planner.pricing.book import bundled_clouds
    from planner.pricing.queries import table_ages

    ages = pd.concat([table_ages(_book(c)) for c in bundled_clouds()], ignore_index=True)
    print_frame(ages, fmt, title="price tables (MANIFEST.csv)")


@prices_app.command("coverage")
def coverage_command(
    cloud: str = typer.Option("aws", help="Cloud provider."),
    region: str | None = typer.Option(None, help="Only this region, role by role."),
    fmt: OutputFormat = FORMAT,
) -> None:
    """Whether every architecture role is priced in every region: listed, estimated (a flagged estimate scaled
    from another region) or missing (plans there say which price and cannot recommend what needs it)."""
    from planner.pricing.coverage import coverage, coverage_by_role

    table = coverage(_book(cloud), cloud, region)
    if region is not None or fmt is not OutputFormat.table:
        print_frame(table, fmt, title=f"{cloud} {region or ''} price coverage by role")
        return
    print_frame(coverage_by_role(table), fmt, title=f"{cloud} price coverage by role ({table.region.nunique()} regions)",
                caption="`--region R` shows one region with the prices concerned; `-f csv` every region and role")


@prices_app.command("validate")
def validate(
    folder: Path | None = typer.Argument(None, help="Price-table folder (holds MANIFEST.csv); "
                                         "default: the bundled tables."),
) -> None:
    """Validate a price-table folder: exit 0 when good, 2 with every problem listed when not.

    Regions lacking something the planner needs are listed as warnings.
    """
    from planner.pricing import PriceBook
    from planner.pricing.coverage import coverage_gaps

    if folder is not None and not folder.is_dir():
        raise typer.BadParameter(f"{folder} is not a folder", param_hint="FOLDER")
    book = PriceBook.load(folder)
    rows = int(book.manifest.rows.astype(int).sum())
    print(f"OK: {book.label}: {len(book.manifest)} tables, {rows:,} rows, prices as of "
          f"{book.oldest_prices_as_of} .. {book.prices_as_of}")
    for cloud in book.clouds():
        for gap in coverage_gaps(book, cloud):
            print(f"warning: {cloud} {gap}", file=sys.stderr)


@prices_app.command("update")
def update_command(
    cloud: str = typer.Option("all", "--cloud", help="Cloud whose public price list to fetch: aws (EC2, RDS and "
                                                      "ElastiCache on demand and reserved, and service prices, from "
                                                      "the AWS Price List bulk offer files; spot from the Spot "
                                                      "Instance Advisor), azure (VMs, PostgreSQL flexible servers "
                                                      "and service meters from the Azure Retail Prices API), gcp "
                                                      "(Compute Engine and Cloud SQL from the Cloud Billing Catalog "
                                                      "API; key in $PLANNER_GCP_API_KEY), or all (each in turn; gcp "
                                                      "only with a key)."),
    regions: str | None = typer.Option(None, "--regions", help="Comma-separated regions (default: every region "
                                                               "of the price book)."),
    allow_shrink: bool = typer.Option(False, "--allow-shrink", help="Install even when a region's answer prices "
                                                                   "fewer than half the sizes the book has there."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    deadline: float = typer.Option(DEADLINE_S, "--deadline", min=1, help="Give up after this many seconds in all "
                                   "(downloads, retries and waits included; default 3,600); a connection silent "
                                   "for 30 s is dropped and retried."),
) -> int:
    """Fetch current list prices, build and validate a refreshed price book, install it in your price cache
    (the previous one is kept until the new one is whole). Needs network access; nothing else does. The whole
    update has a deadline (--deadline, default one hour): past it, it gives up and the cache stays as it was."""
    from planner.pricing.update.fetch import network_deadline

    with network_deadline(deadline):
        return _update(cloud, regions, allow_shrink, quiet)


def _update(cloud: str, regions: str | None, allow_shrink: bool, quiet: bool) -> int:
    """``planner prices update`` within its deadline."""
    from planner.pricing.update.run import MIN_SHARE, update

    wanted = [r.strip() for r in regions.split(",") if r.strip()] if regions else None
    if cloud == "all":
        if wanted:
            raise PlannerError("--regions names one cloud's regions: give --cloud with it")
        from planner.pricing.update.run import SUPPORTED

        import os

        from planner.pricing.update.run import GCP_KEY_ENV

        for each in SUPPORTED:
            if each == "gcp" and not os.environ.get(GCP_KEY_ENV):
                print(f"gcp: skipped (the Cloud Billing Catalog API needs an API key in ${GCP_KEY_ENV})",
                      file=sys.stderr)
                continue
            _update(each, None, allow_shrink, quiet)
        return 0
    show = not quiet and sys.stderr.isatty()
    if show:
        from rich.progress import Progress, SpinnerColumn

        from rich.progress import BarColumn, DownloadColumn

        with Progress(SpinnerColumn(), "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
                      transient=True) as bar:
            task = bar.add_task(f"fetching {cloud} prices", total=None)

            def shown(done: int, total: int | None = None) -> None:
                if cloud == "azure":  # pages of the API
                    bar.update(task, description=f"fetching {cloud} prices: {done:,} page(s)")
                else:  # bytes of the offer files
                    bar.update(task, completed=done, total=total)

            result = update(cloud, wanted, min_share=0.0 if allow_shrink else MIN_SHARE, progress=shown,
                            prepare=lambda folder: _pack_books(folder, show))
    else:
        result = update(cloud, wanted, min_share=0.0 if allow_shrink else MIN_SHARE,
                        prepare=lambda folder: _pack_books(folder, show))
    left = f"; {result.unknown_skus:,} priced size(s) without a spec left out" if result.unknown_skus else ""
    print(f"updated {result.rows:,} {cloud} prices in {len(result.regions)} region(s) from {result.source}{left} "
          f"-> {result.folder}", file=sys.stderr)
    for line in result.kept[:KEPT_SHOWN]:
        print(f"  kept: {line}", file=sys.stderr)
    if len(result.kept) > KEPT_SHOWN:
        print(f"  ... and {len(result.kept) - KEPT_SHOWN:,} more kept as they were (planner prices status lists "
              "them all)", file=sys.stderr)
    return 0


def _pack_books(folder: Path, show: bool = False) -> None:
    """Pack the refreshed book's clouds with their derived tables, as the wheel build packs the bundled ones
    (a few seconds a cloud, under a spinner when ``show``); a failure is said, and the book is installed
    without them (derived on first use instead)."""
    from planner.running.book_build import build_packs

    try:
        if not show:
            build_packs(folder, signed=True)
            return
        from rich.console import Console

        with Console(stderr=True).status("packing the refreshed price book") as status:
            build_packs(folder, signed=True,
                        progress=lambda cloud: status.update(f"packing the refreshed {cloud} price book"))
    except Exception as e:  # noqa: BLE001 - packing only saves time at start-up
        print(f"warning: the refreshed book's tables were not packed ({type(e).__name__}: {e}); plans derive them "
              "at start-up instead (once, while the price-book cache is on)", file=sys.stderr)


@prices_app.command("status")
def status_command(
    fmt: OutputFormat = FORMAT,
    clouds: str = typer.Option("aws,azure,gcp", "--clouds", help="Comma-separated clouds whose freshness by role "
                                                                  "to show."),
) -> int:
    """Which price book plans use: the bundled one or your refreshed cache, their dates and ages, and per
    architecture role how much of what plans price was refreshed and how old it is."""
    import pandas as pd

    from planner.pricing import default_book
    from planner.pricing.book_status import freshness, status

    from planner.report.escaping import terminal_text

    for line in status():
        print(terminal_text(line))  # UPDATE.json's text is the cache's, not planner's: shown, never obeyed
    wanted = [c.strip() for c in clouds.split(",") if c.strip()]
    table = pd.concat([freshness(default_book(c), c) for c in wanted], ignore_index=True)
    print_frame(table, fmt, title="prices plans use, by role (refreshed_pct: share from planner prices update)")
    return 0


@prices_app.command("diff")
def diff_command(
    old: str = typer.Argument("bundled", help="bundled, cache or a price-table folder."),
    new: str = typer.Argument("cache", help="bundled, cache or a price-table folder."),
    top: int = typer.Option(20, "--top", min=1, help="How many of the largest movers to list."),
    fmt: OutputFormat = FORMAT,
) -> int:
    """What changed between two price books: by service, then the largest movers."""
    from planner.pricing.book_diff import diff_books, load_side

    (a, a_label), (b, b_label) = load_side(old), load_side(new)
    d = diff_books(a, b, a_label, b_label)
    print(f"{a_label} -> {b_label}: {int((d.changes.status == 'changed').sum()):,} prices changed, "
          f"{int((d.changes.status == 'new').sum()):,} new, {int((d.changes.status == 'gone').sum()):,} gone",
          file=sys.stderr)
    print_frame(d.by_service(), fmt, title="By service")
    print_frame(d.movers(top), fmt, title=f"Largest movers (top {top})")
    return 0
