"""A batch's results as files: CSV, Parquet, JSON or Markdown by the output's suffix, the summary and the rows
not priced beside them, written as one set (:func:`planner.base.atomic.output_set`)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeVar

import numpy as np
import pandas as pd

from planner.base.atomic import OutputSet, output_set
from planner.base.errors import PlannerError
from planner.report.escaping import markdown_cell, spreadsheet_safe_table
from planner.report.tables import batch_table
from planner.pricing.book import PriceBook
from planner.pricing.books import Books
from planner.running.batch import (CHUNK_ROWS, DEFAULT_SAMPLES, OPTION_COLUMNS, BatchResult, BatchStream, Progress,
                                   Shape, empty_columns, errors_frame, run_batch, stream_batch, streamable)
from planner.running.batch_input import BatchInput, RowError
from planner.running.uncertainty.monte_carlo import check_samples
from planner.workload.vocabulary import column_label

if TYPE_CHECKING:
    import pyarrow as pa

T = TypeVar("T", pd.DataFrame, dict)
R = TypeVar("R")


FORMATS = (".csv", ".parquet", ".json", ".md")


def sibling(out: Path, kind: str) -> Path:
    """``results.csv`` -> ``results.summary.csv``: files written beside the main output."""
    return out.with_name(f"{out.stem}.{kind}{out.suffix}")


@dataclass(frozen=True)
class Written:
    """What :func:`price_and_write` wrote, and how many scenarios it priced."""

    paths: list[Path]
    priced: int
    errors: list[RowError]


def price_and_write(inp: BatchInput, book: PriceBook | Books | None, out: Path, *, chunk_rows: int = CHUNK_ROWS,
                    workers: int | None = None, samples: int = DEFAULT_SAMPLES, seed: int = 0,
                    progress: Progress | None = None) -> Written:
    """Price the batch and write its files (:func:`write_outputs`). A CSV or Parquet output of a batch whose
    chunks come back in row order (:func:`planner.running.batch.streamable`) is written as the chunks are
    priced: each worker formats the chunk it priced for the file (its CSV lines or Arrow table), the main process
    writes them in order and never holds the whole batch's options."""
    _check_format(out)
    check_samples(samples)
    result: BatchResult | BatchStream
    suffix = out.suffix.lower()
    if suffix in STREAMED_FORMATS and streamable(inp):
        # each chunk formatted in the worker that priced it: the workers format beside the pricing
        result = stream_batch(inp, book, chunk_rows=chunk_rows, progress=progress, workers=workers,
                              shape=_SHAPES[suffix])
    else:
        result = run_batch(inp, book, chunk_rows=chunk_rows, progress=progress, workers=workers, samples=samples,
                           seed=seed)
    paths = write_outputs(result, out)
    return Written(paths=paths, priced=result.priced, errors=result.errors)


STREAMED_FORMATS = (".csv", ".parquet")  # written a chunk at a time (see _SHAPES); the others are one document


def _check_format(out: Path) -> None:
    suffix = out.suffix.lower()
    if suffix not in FORMATS:
        raise PlannerError(f"{out}: unknown output format '{suffix or '(none)'}'; use one of {', '.join(FORMATS)}")


def write_outputs(result: BatchResult | BatchStream, out: Path) -> list[Path]:
    """Write the results in the format the suffix names, the summary and the errors beside them, as one set
    (:func:`planner.base.atomic.output_set`): every file is written under a temporary name and they replace the
    previous ones together at the end, so a failure leaves the previous run's files, all of them, and a stale
    errors file of an earlier run goes at that moment too.

    A :class:`~planner.running.batch.BatchStream` is priced as it is written (CSV and Parquet: chunk by chunk;
    the formats written at once collect it first); a failure there stops its workers."""
    _check_format(out)
    suffix = out.suffix.lower()
    if isinstance(result, BatchStream) and suffix not in STREAMED_FORMATS:
        result = result.collected()
    written = [out]
    errors_path = out.with_name(f"{out.stem}.errors.csv")
    with output_set() as files:
        if suffix in STREAMED_FORMATS:
            table = _csv_parts if suffix == ".csv" else _parquet_parts
            if isinstance(result, BatchStream):
                with closing(result.parts()) as parts:
                    # no threads here: the parts come formatted, or the workers pricing the next need the CPUs
                    table(files, out, parts, threads=0)
            else:
                table(files, out, [result.option_columns], threads=CSV_THREADS)
            written.append(table(files, sibling(out, "summary"), [result.summary_columns], threads=CSV_THREADS))
        elif suffix == ".json":
            doc = {"prices_as_of": result.prices_as_of,
                   "scenarios": json.loads(result.summary.to_json(orient="records")),
                   "options": json.loads(result.options.to_json(orient="records")),
                   "errors": errors_frame(result.errors).to_dict(orient="records")}
            files.write(out, _text(json.dumps(doc, indent=1) + "\n"))
        else:
            files.write(out, _text(render_markdown(result)))
        if result.errors:
            written.append(_csv(files, errors_path, errors_frame(result.errors)))
        else:
            files.remove(errors_path)  # a stale errors file would describe an earlier run
    return written


def _text(text: str) -> Callable[[BinaryIO], object]:
    return lambda fh: fh.write(text.encode("utf-8"))


def _arrow(columns: pd.DataFrame | dict[str, np.ndarray]) -> pa.Table:
    """Columns (a frame's or the engine's arrays) as an Arrow table: text as strings, NaN as a missing value
    (an empty cell), as in the frames."""
    import pyarrow as pa

    if isinstance(columns, pd.DataFrame):
        columns = {c: columns[c].to_numpy() for c in columns.columns}
    return pa.table({c: pa.array(v, type=pa.string() if v.dtype == object else None, from_pandas=True)
                     for c, v in columns.items()})


def _csv_body(columns: dict[str, np.ndarray]) -> bytes:
    """A chunk's options as the CSV file's lines, without the header (:func:`_csv_slices`)."""
    return b"".join(_csv_slices(columns, header=False, threads=0))


# what a streamed format's chunk is made into where it is priced: the file's lines, or an Arrow table
_SHAPES: dict[str, Shape] = {".csv": _csv_body, ".parquet": _arrow}


CSV_SLICE_ROWS = 20_000  # rows converted and formatted at a time: the copies for the file stay this small
CSV_THREADS = 2  # slices formatted at once: Arrow's formatting runs outside the GIL, beside the next conversion


def _csv(files: OutputSet, path: Path, columns: pd.DataFrame | dict[str, np.ndarray]) -> Path:
    """``columns`` as a CSV file (:func:`_csv_parts`)."""
    if isinstance(columns, pd.DataFrame):
        columns = {c: columns[c].to_numpy() for c in columns.columns}
    return _csv_parts(files, path, [columns], threads=CSV_THREADS)


def _csv_parts(files: OutputSet, path: Path, parts: Iterable[dict[str, np.ndarray] | bytes], threads: int) -> Path:
    """A CSV of ``parts`` (each a dict of the same columns, or a batch's options already formatted by
    :func:`_csv_body`), one after the other as they come, through Arrow's writer (several times faster than
    pandas' for large results), :data:`CSV_SLICE_ROWS` rows at a time; numbers rounded (:func:`rounded`), text
    cells a spreadsheet would evaluate neutralised (:func:`planner.report.escaping.spreadsheet_safe_table`); the
    header alone where there is no part.

    Slices are converted and formatted in ``threads`` threads (Arrow formats numbers without the GIL, most of a
    large file's time; 0: in this thread) and written in order, a few slices held at once (:func:`in_order`)."""
    def write(fh: BinaryIO) -> None:
        header = True
        for part in parts:
            if isinstance(part, bytes):  # a batch's options, formatted where they were priced
                if header:
                    fh.write(_options_header())
                fh.write(part)
            elif isinstance(part, dict):
                for text in _csv_slices(part, header=header, threads=threads):
                    fh.write(text)
            else:  # a stream shaped for another format
                raise TypeError(f"{path}: a {type(part).__name__} is not a part of a CSV file")
            header = False
        if header:
            fh.write(_options_header())

    files.write(path, write)
    return path


def _options_header() -> bytes:
    """The header line of a batch's options file."""
    return b"".join(_csv_slices(empty_columns(OPTION_COLUMNS), header=True, threads=0))


def _csv_slices(columns: dict[str, np.ndarray], *, header: bool, threads: int) -> Iterator[pa.Buffer]:
    """``columns`` as CSV text, :data:`CSV_SLICE_ROWS` rows at a time (``header`` before the first), formatted
    in ``threads`` threads (0: here, as they are read)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    n = len(next(iter(columns.values()), []))

    def formatted(start: int) -> pa.Buffer:
        table = spreadsheet_safe_table(_arrow(rounded({c: v[start:start + CSV_SLICE_ROWS]
                                                       for c, v in columns.items()})))
        sink = pa.BufferOutputStream()
        pacsv.write_csv(table, sink, pacsv.WriteOptions(include_header=header and start == 0))
        return sink.getvalue()

    starts = range(0, max(n, 1), CSV_SLICE_ROWS)
    return in_order(formatted, starts, threads) if threads else map(formatted, starts)


PARQUET_GROUP_ROWS = 100_000  # rows a streamed Parquet file's row groups gather (small chunks make no tiny groups)


def _parquet_parts(files: OutputSet, path: Path, parts: Iterable[dict[str, np.ndarray] | pa.Table],
                   threads: int = 0) -> Path:
    """A Parquet file of ``parts`` (each a dict of the same columns, or their Arrow table: :func:`_arrow`),
    gathered into row groups of :data:`PARQUET_GROUP_ROWS` rows or more; empty columns of text where there is no
    part. Every part must have the first one's column types (a part that does not is an error, never cast: a cast
    could truncate).
    ``threads``: unused (Arrow's Parquet writer has its own), for the CSV writer's signature."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def write(fh: BinaryIO) -> None:
        writer, held = None, []
        try:
            for part in parts:
                if not isinstance(part, pa.Table | dict):  # a stream shaped for another format
                    raise TypeError(f"{path}: a {type(part).__name__} is not a part of a Parquet file")
                table = part if isinstance(part, pa.Table) else _arrow(part)
                if writer is None:
                    writer = pq.ParquetWriter(fh, table.schema)
                if table.schema != writer.schema:
                    raise PlannerError(f"{path}: a chunk of the batch has other column types than the first "
                                       f"({table.schema} against {writer.schema})")
                held.append(table)
                if sum(t.num_rows for t in held) >= PARQUET_GROUP_ROWS:
                    writer.write_table(pa.concat_tables(held))
                    held.clear()
            if writer is None:
                writer = pq.ParquetWriter(fh, _arrow(empty_columns(OPTION_COLUMNS)).schema)
            if held:
                writer.write_table(pa.concat_tables(held))
        except BaseException:
            if writer is not None:  # closed here, not by its finaliser after the file is gone (a traceback then)
                with suppress(Exception):
                    writer.close()
            raise
        writer.close()

    files.write(path, write)
    return path


def in_order(work: Callable[[int], R], items: range, threads: int) -> Iterator[R]:
    """``work(item)`` for each of ``items``, in their order, computed ahead in ``threads`` threads; at most
    ``threads + 1`` results wait at once (a large file is never held whole, and Arrow's allocator keeps little).
    """
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=threads) as pool:
        waiting: deque = deque()
        for item in items:
            waiting.append(pool.submit(work, item))
            if len(waiting) >= threads + 1:
                yield waiting.popleft().result()
        while waiting:
            yield waiting.popleft().result()


def render_markdown(result: BatchResult) -> str:
    """The batch for reading: money, percentages and blanks formatted and columns headed as on the dashboard
    (:func:`planner.workload.vocabulary.column_label`), every row."""
    def table(df: pd.DataFrame) -> list[str]:
        text = batch_table(df, limit=len(df)).astype(str)
        rows = ["| " + " | ".join(markdown_cell(v) for v in r) + " |" for r in text.itertuples(index=False)]
        heads = [markdown_cell(column_label(c)) for c in df.columns]
        return ["| " + " | ".join(heads) + " |", "|" + " --- |" * len(df.columns), *rows]

    out = ["# Batch what-if results", "", f"_{len(result.summary)} scenarios priced; prices as of "
           f"{result.prices_as_of} or later; {len(result.errors)} row error(s)_", "", "## Scenarios", "",
           *table(result.summary), "", "## Options", "", *table(result.options)]
    if result.errors:
        out += ["", "## Rows not priced", "", *table(errors_frame(result.errors))]
    return "\n".join(out) + "\n"


def rounded(columns: T) -> T:
    """Money to the cent and percentages to 1e-4 (enough to tell 99.9975 % from 99.998 %) for files people
    open; the values in memory and in JSON keep full precision. A frame or a dict of columns, copied."""
    out = columns.copy()
    for col in list(out.keys()):
        values = out[col]
        if col.endswith("_usd"):
            out[col] = values.round(2)
        elif col.endswith("_pct"):
            out[col] = values.round(4)
        elif values.dtype.kind == "f":
            out[col] = values.round(3)
    return out
