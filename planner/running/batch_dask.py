"""The batch engine on a Dask cluster: the same validation and vectorised pricing, one partition per task.

``planner batch IN -o OUT.parquet --engine dask [--scheduler tcp://host:8786]``. The input (a CSV or Parquet
file, a folder of Parquet files, or a glob) is read with ``dask.dataframe``; each partition is priced on a
worker by :func:`planner.running.batch_input.read_batch_data` and :func:`planner.running.batch.run_batch` (the
price book is loaded once per worker process and kept, as in any process), its rows numbered as in the whole input. The
client writes each partition's results as soon as it arrives (``OUT/options/part-*.parquet``,
``OUT/summary/part-*.parquet``, ``OUT/errors.csv``) into a temporary folder renamed over ``OUT`` at the end, so
memory stays bounded and a failed run leaves the previous results as they were.

Dask is an optional extra (``pip install 'planner[dask]'``); without it, or with a scheduler that does not
answer, the command says so in one line.
"""

from __future__ import annotations

import glob
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from planner.base.errors import PlannerError

MISSING = "the Dask engine needs the optional extra: pip install 'planner[dask]' (dask[dataframe] and distributed)"
CONNECT_TIMEOUT = "10s"


@dataclass(frozen=True)
class DaskRun:
    """What a Dask batch did: rows read and priced, the errors, the partitions and where the results are."""

    rows_read: int
    priced: int
    errors: pd.DataFrame
    partitions: int
    out: Path
    dashboard: str


def _dask() -> tuple[Any, Any]:
    try:
        import dask.dataframe as dd
        import distributed
    except ImportError:
        raise PlannerError(MISSING) from None
    return dd, distributed


def input_paths(spec: str | Path) -> list[str]:
    """The input files: one file, every CSV or Parquet file in a folder, or a glob's matches (sorted)."""
    path = Path(spec)
    if path.is_dir():
        found = sorted(str(p) for p in path.iterdir() if p.suffix.lower() in (".parquet", ".csv"))
        if not found:
            raise PlannerError(f"{spec}: a folder with no .parquet or .csv files")
    elif path.is_file():
        found = [str(path)]
    else:
        found = sorted(glob.glob(str(spec)))
        if not found:
            raise PlannerError(f"{spec}: no such file, folder or matching files")
    special = [p for p in found if not (os.path.isfile(p) or os.path.isdir(p))]  # a FIFO or device: a read hangs
    if special:
        raise PlannerError(f"{special[0]}: not a regular file; scenario files must be regular files")
    kinds = {Path(p).suffix.lower() for p in found}
    if not kinds <= {".parquet", ".csv"}:
        raise PlannerError(f"{spec}: scenario files are .csv or .parquet, not {', '.join(sorted(kinds))}")
    if len(kinds) > 1:
        raise PlannerError(f"{spec}: mixes CSV and Parquet files; give one kind")
    return found


def read_input(paths: list[str], blocksize: str = "32MB") -> Any:
    """The scenarios as a Dask frame of text cells (empty cells empty, as the CSV reader sees them)."""
    dd, _ = _dask()
    if paths[0].lower().endswith(".parquet"):
        return dd.read_parquet(paths)
    return dd.read_csv(paths, dtype=str, keep_default_na=False, blocksize=blocksize)


def price_partition(part: pd.DataFrame, offset: int, source: str, samples: int, seed: int,
                    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Price one partition whose first row is data row ``offset`` of the whole input: (options, summary,
    errors, rows read), numbered as in the whole."""
    from planner.running.batch import errors_frame, run_batch
    from planner.running.batch_input import read_batch_data

    data = part.to_csv(index=False, lineterminator="\n").encode("utf-8")
    inp = read_batch_data(data, source, row_offset=offset)
    result = run_batch(inp, None, workers=1, samples=samples, seed=seed)
    return result.options, result.summary, errors_frame(result.errors), inp.rows_read


def run_dask(spec: str | Path, out: Path, *, scheduler: str | None = None, workers: int = 2, samples: int = 1_000,
             seed: int = 0, progress: Callable[[int, int], None] | None = None,
             on_client: Callable[[str], None] | None = None) -> DaskRun:
    """Price every scenario of ``spec`` on a Dask cluster (``scheduler``, or a local cluster of ``workers``
    processes) and write partitioned Parquet to ``out`` (a folder, replaced at the end)."""
    dd, distributed = _dask()
    if out.suffix.lower() != ".parquet":
        raise PlannerError(f"{out}: the Dask engine writes partitioned Parquet; name the output folder *.parquet")
    paths = input_paths(spec)
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise PlannerError(f"{out}: cannot write there: the folder {parent} does not exist")
    frame = read_input(paths)
    cluster = None
    try:
        if scheduler:
            client = distributed.Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                               dashboard_address=":0", silence_logs=logging.ERROR)
            client = distributed.Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise PlannerError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    try:
        if on_client:
            on_client(client.dashboard_link or "")
        lengths = client.compute(frame.map_partitions(len)).result().tolist()
        offsets = [sum(lengths[:i]) for i in range(len(lengths))]
        parts = frame.to_delayed()
        source = str(spec)
        futures = client.compute([_delayed(price_partition)(p, off, source, samples, seed)
                                  for p, off in zip(parts, offsets)])
        index = {f.key: i for i, f in enumerate(futures)}
        (tmp / "options").mkdir()
        (tmp / "summary").mkdir()
        errors, rows_read, priced, done = [], 0, 0, 0
        for future in distributed.as_completed(futures):
            options, summary, errs, read = future.result()
            i = index[future.key]
            options.to_parquet(tmp / "options" / f"part-{i:05d}.parquet", index=False)
            summary.to_parquet(tmp / "summary" / f"part-{i:05d}.parquet", index=False)
            errors.append(errs)
            rows_read += read
            priced += len(summary)
            done += 1
            future.release()
            if progress:
                progress(done, len(futures))
        error_frame = pd.concat(errors, ignore_index=True).sort_values(["row", "column"]) if errors else pd.DataFrame()
        if len(error_frame):
            error_frame.to_csv(tmp / "errors.csv", index=False)
        _replace_folder(tmp, out)
        return DaskRun(rows_read=rows_read, priced=priced, errors=error_frame, partitions=len(futures), out=out,
                       dashboard=client.dashboard_link or "")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _delayed(fn: Callable[..., Any]) -> Callable[..., Any]:
    import dask

    return dask.delayed(fn, pure=True)


def _replace_folder(new: Path, out: Path) -> None:
    """Put the finished folder ``new`` where ``out`` is: the old results move aside first and go last."""
    old = None
    if out.exists():
        if not out.is_dir():
            raise PlannerError(f"{out}: exists and is a file; the Dask engine writes a folder")
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
