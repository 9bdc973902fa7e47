"""What a scenario file may hold: its size and row limits and the error that refuses a file as a whole, shared by
the CSV reader (:mod:`planner.running.batch_input`) and the Parquet one
(:mod:`planner.running.scenario_parquet`), which the CSV reader calls: kept below both so neither imports the
other back."""

from __future__ import annotations

from planner.base.errors import PlannerError

MAX_BATCH_BYTES = 50 * 2**20  # 50 MiB: about 500,000 scenarios; the dashboard's upload limit too
MAX_BATCH_ROWS = 500_000


class BatchFileError(PlannerError):
    """The file as a whole cannot be read as a scenario CSV."""


def too_large(source: str, what: str) -> BatchFileError:
    """The refusal of a file past :data:`MAX_BATCH_BYTES` or :data:`MAX_BATCH_ROWS` (``what`` it holds)."""
    return BatchFileError(f"{source}: {what}; scenario files are limited to {MAX_BATCH_BYTES / 2**20:,.0f} MiB and "
                          f"{MAX_BATCH_ROWS:,} rows: split it")


def check_batch_size(nbytes: int, source: str) -> None:
    """Refuse a scenario file over :data:`MAX_BATCH_BYTES` (the CLI and the dashboard say the same)."""
    if nbytes > MAX_BATCH_BYTES:
        raise too_large(source, f"{nbytes / 2**20:,.1f} MiB")
