"""Parquet scenario files for ``planner batch``: read within bounds, then handed to the CSV reader as text.

A few kilobytes of Parquet can expand to gigabytes (a long text repeated: dictionary and run-length encoding,
then compression), so nothing is decoded before the footer's row count, row groups and declared sizes are
checked, and the text columns are read as dictionaries whose expanded size is counted before any value is
repeated.
"""

from __future__ import annotations

from planner.base import batch_limits
from planner.base.batch_limits import MAX_BATCH_BYTES, BatchFileError, too_large

MAX_PARQUET_ROW_GROUPS = 1_000  # planner sweep writes 250,000 rows a group: a 500,000-row grid is 2
MAX_PARQUET_EXPANDED_BYTES = 4 * MAX_BATCH_BYTES  # the cells once decompressed and decoded (numbers take 8 bytes)
_PARQUET_BATCH_ROWS = 65_536


def parquet_as_csv(data: bytes, source: str) -> bytes:
    """A Parquet scenario file (its bytes, already read within :data:`MAX_BATCH_BYTES`) as the CSV text the
    reader checks (one validation path for both formats); refused past :data:`MAX_PARQUET_EXPANDED_BYTES`
    of cells or :data:`MAX_PARQUET_ROW_GROUPS` before that memory is ever taken (module docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        meta = pq.read_metadata(pa.BufferReader(data))
        schema = meta.schema.to_arrow_schema()
    except (pa.ArrowException, OSError) as exc:
        raise BatchFileError(f"{source}: not a readable Parquet file ({exc})") from None
    if meta.num_rows > batch_limits.MAX_BATCH_ROWS:
        raise too_large(source, f"{meta.num_rows:,} rows")
    if meta.num_row_groups > MAX_PARQUET_ROW_GROUPS:
        raise BatchFileError(f"{source}: {meta.num_row_groups:,} row groups; a scenario file may have at most "
                             f"{MAX_PARQUET_ROW_GROUPS:,} (write it with larger row groups)")
    nested = [f.name for f in schema if pa.types.is_nested(f.type)]
    if nested:
        raise BatchFileError(f"{source}: column(s) {', '.join(nested[:5])} hold lists or records; scenario columns "
                             "hold numbers or text")
    declared = sum(meta.row_group(g).column(c).total_uncompressed_size
                   for g in range(meta.num_row_groups) for c in range(meta.num_columns))
    if declared > MAX_PARQUET_EXPANDED_BYTES:
        raise _expands(source, f"declares {declared / 2**20:,.0f} MiB uncompressed")
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
            or pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)]
    batches, expanded = [], 0
    try:
        reader = pq.ParquetFile(pa.BufferReader(data), read_dictionary=text)
        for batch in reader.iter_batches(batch_size=_PARQUET_BATCH_ROWS):
            expanded += _expanded_bytes(batch)
            if expanded > MAX_PARQUET_EXPANDED_BYTES:
                raise _expands(source, f"expands to more than {MAX_PARQUET_EXPANDED_BYTES / 2**20:,.0f} MiB")
            batches.append(batch)
        table = pa.Table.from_batches(batches, schema=reader.schema_arrow)
    except (pa.ArrowException, OSError) as exc:
        raise BatchFileError(f"{source}: not a readable Parquet file ({exc})") from None
    return table.to_pandas().to_csv(index=False, lineterminator="\n").encode("utf-8")


def _expands(source: str, what: str) -> BatchFileError:
    return BatchFileError(f"{source}: {what}; a Parquet scenario file may expand to at most "
                          f"{MAX_PARQUET_EXPANDED_BYTES / 2**20:,.0f} MiB of cells")


def _expanded_bytes(batch: object) -> int:
    """The bytes ``batch``'s cells take decoded: a dictionary column's values counted once per row that uses
    them, from their lengths (nothing is repeated to count it); other columns as Arrow holds them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    total = 0
    for column in batch.columns:  # type: ignore[attr-defined]
        if pa.types.is_dictionary(column.type):
            lengths = pc.fill_null(pc.binary_length(column.dictionary), 0)
            total += int(pc.sum(pc.take(lengths, column.indices)).as_py() or 0)
        else:
            total += column.nbytes
    return total
