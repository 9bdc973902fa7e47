"""Batch what-ifs: price every scenario of a CSV through the same engine as ``planner plan``.

Scenarios are grouped by cloud and policy and run in chunks (bounded memory)
without bill-of-materials detail. The result is one row per scenario x option
plus a summary per scenario; :mod:`planner.report.batch_files` writes them as CSV,
Parquet, JSON or Markdown, all files of a run replaced together.
"""

from __future__ import annotations

import functools
import multiprocessing as mp
import os
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from typing import Any

import numpy as np
import pandas as pd

from planner.base.errors import PlannerError, UnreadableBookError
from planner.engine.chain import OPTIONS, run
from planner.pricing.book import PriceBook
from planner.pricing.books import Books, as_books
from planner.running.batch_input import RANGE_COLUMNS, BatchInput, RowError
from planner.running.uncertainty.monte_carlo import check_samples, keep_cpu_below_target, uniforms
from planner.running.uncertainty.monte_carlo import summarise as summarise_samples
from planner.running.uncertainty.ranges import quantile
from planner.workload.policy import SizingPolicy

CHUNK_ROWS = 10_000
DEFAULT_SAMPLES = 1_000  # draws per scenario that gives ranges
OPTION_COLUMNS = [
    "row", "name", "region", "option", "feasible", "reason", "monthly_usd", "annual_usd", "recommended",
    "availability_pct", "sla_floor_pct", "dr_tier", "instance_type", "instances_min", "instances_desired",
    "instances_max", "azs", "cache_node_type", "cache_nodes", "db_engine_variant", "db_instance_class", "db_multi_az",
    "db_shards", "db_pooler", "db_read_replicas", "db_storage_gb", "db_provisioned_iops",
    "peak_rps", "vcpu_needed",
]
SUMMARY_COLUMNS = ["row", "name", "region", "recommended", "monthly_usd", "annual_usd", "availability_pct",
                   "sla_floor_pct", "dr_tier", "feasible_options"]
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class BatchResult:
    """Options and summary as columns; the frames are built when first asked for (the CSV and Parquet writers
    read the columns, so a large batch need not hold both)."""

    option_columns: dict[str, np.ndarray]  # one element per scenario x option, OPTION_COLUMNS
    summary_columns: dict[str, np.ndarray]  # one element per scenario, SUMMARY_COLUMNS
    errors: list[RowError]
    prices_as_of: str

    @functools.cached_property
    def options(self) -> pd.DataFrame:
        return pd.DataFrame(self.option_columns)  # OPTION_COLUMNS, then the uncertainty columns if any

    @functools.cached_property
    def summary(self) -> pd.DataFrame:
        return pd.DataFrame(self.summary_columns)  # SUMMARY_COLUMNS, then the uncertainty columns if any

    @property
    def priced(self) -> int:
        """How many scenarios were priced."""
        return len(self.summary_columns["row"])


def empty_columns(names: Iterable[str]) -> dict[str, np.ndarray]:
    """Columns of no rows (a batch that priced nothing), typed as text."""
    return {c: np.array([], dtype=object) for c in names}


Shape = Callable[[dict[str, np.ndarray]], object]  # a chunk's option columns as a stream yields them
# a chunk's part as it comes back: its columns (or, shaped, SHAPED and SUMMARY) and its FAILED_ROW / FAILED_MESSAGE
Part = dict[str, Any]


@dataclass
class BatchStream:
    """A batch priced chunk by chunk, to be written as it is priced (:func:`stream_batch`). :meth:`parts` yields
    each chunk's option columns (OPTION_COLUMNS), or what ``shape`` made of them, in row order as the workers
    finish them, a few chunks ahead of the reader at most; ``summary_columns``, ``errors`` and ``priced`` are
    whole once it has run to its end. The options are never held whole, so a batch's memory stays a few chunks'
    however many scenarios it has."""

    _parts: Generator[Part, None, None]
    errors: list[RowError]
    prices_as_of: str
    shaped: bool = False  # the parts are what stream_batch's ``shape`` made of the columns, not the columns
    _summaries: list[dict[str, np.ndarray]] = field(default_factory=list)
    _read: bool = False

    def parts(self) -> Iterator[Any]:
        """The chunks' option columns (or shaped parts); closing it early (an error writing them) stops the
        workers. A stream is read once: a second read raises (it would find the options gone and the summary
        whole)."""
        if self._read:
            raise RuntimeError("a batch stream is read once")
        self._read = True
        return self._yielded()

    def _yielded(self) -> Iterator[Any]:
        try:
            for part in self._parts:
                self.errors += _sizing_errors([part])
                if SUMMARY in part:  # else no scenario of its chunk was priced
                    self._summaries.append(part[SUMMARY])
                    yield part[SHAPED]
        finally:
            self._parts.close()
        self.errors.sort(key=lambda e: (e.row, e.column))

    @property
    def summary_columns(self) -> dict[str, np.ndarray]:
        if not self._summaries:
            return empty_columns(SUMMARY_COLUMNS)
        return {c: np.concatenate([s[c] for s in self._summaries]) for c in SUMMARY_COLUMNS}

    @property
    def priced(self) -> int:
        return sum(len(s["row"]) for s in self._summaries)

    def collected(self) -> BatchResult:
        """The whole batch in memory (for the formats written at once: JSON, Markdown); not of a shaped stream."""
        if self.shaped:
            raise RuntimeError("a shaped stream's parts are not columns to collect")
        parts: list[dict[str, np.ndarray]] = list(self.parts())  # not shaped: columns
        options = ({c: np.concatenate([p[c] for p in parts]) for c in OPTION_COLUMNS} if parts
                   else empty_columns(OPTION_COLUMNS))
        return BatchResult(option_columns=options, summary_columns=self.summary_columns, errors=self.errors,
                           prices_as_of=self.prices_as_of)


def streamable(inp: BatchInput) -> bool:
    """Whether the batch's options can be written as they are priced (:func:`stream_batch`): not where scenarios
    give ranges (their draws add columns at the end), nor where policies (or clouds) interleave in the file, whose
    chunks come back out of row order."""
    frame = inp.frame
    if len(_ranged_rows(inp)):
        return False
    groups = _groups(frame)
    rows = frame["row"].to_numpy()[np.concatenate(list(groups.values()))] if groups else np.zeros(0, dtype=int)
    return not (np.diff(rows) <= 0).any()


def stream_batch(inp: BatchInput, book: PriceBook | Books | None = None, *, chunk_rows: int = CHUNK_ROWS,
                 progress: Progress | None = None, workers: int | None = None,
                 shape: Shape | None = None) -> BatchStream:
    """The batch of :func:`run_batch` as a :class:`BatchStream`, priced as its parts are read, for a
    :func:`streamable` input. Each chunk is summarised in the process that priced it, and its option columns
    (in OPTION_COLUMNS order) are yielded, or what ``shape`` makes of them there (formatted as a file's text, say):
    the workers then do the formatting beside the pricing, and the reader just writes."""
    if not streamable(inp):
        raise ValueError("this batch's options cannot be streamed (see streamable)")
    books = _loaded_books(inp.frame, book)
    return BatchStream(_parts=_priced_parts(inp.frame, inp.policies, books, chunk_rows, workers,
                                            _stepper(len(inp.frame), progress), slim=False,
                                            shape=shape or _as_columns),
                       errors=list(inp.errors), prices_as_of=_prices_as_of(books), shaped=shape is not None)


def _stepper(total: int, progress: Progress | None) -> Callable[[int], None]:
    """``step(n)``: ``n`` more scenarios done, said to ``progress`` as (done, ``total``)."""
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        if progress:
            progress(done[0], total)

    return step


def run_batch(inp: BatchInput, book: PriceBook | Books | None = None, *, chunk_rows: int = CHUNK_ROWS,
              progress: Progress | None = None, workers: int | None = None, samples: int = DEFAULT_SAMPLES,
              seed: int = 0) -> BatchResult:
    """Price every valid scenario; ``progress(done, total)`` is called after each chunk.

    Chunks run in ``workers`` processes (default: one per CPU, at most :data:`MAX_WORKERS`) where there are
    several chunks and the platform forks: the children share the loaded price book with this process and
    send back only their chunk's result columns. ``workers=1`` prices in this process (the dashboard does:
    a web server's threads are no place to fork).

    Scenarios giving inputs as ranges are priced at their medians, then ``samples`` draws of their ranges (with
    ``seed``, as ``planner plan`` draws them) go through the same engine: their rows gain P10/P50/P90 columns
    (:func:`_uncertainty_columns`)."""
    check_samples(samples)
    frame = inp.frame
    books = _loaded_books(frame, book)
    prices_as_of = _prices_as_of(books)
    ranged = _ranged_rows(inp)
    step = _stepper(len(frame) + len(ranged) * samples, progress)
    parts = _price_all(frame, inp.policies, books, chunk_rows, workers, step, slim=False)
    errors = sorted([*inp.errors, *_sizing_errors(parts)], key=lambda e: (e.row, e.column))
    parts = [p for p in parts if len(p["row"])]
    if not parts:
        return BatchResult(option_columns=empty_columns(OPTION_COLUMNS), summary_columns=empty_columns(SUMMARY_COLUMNS),
                           errors=errors, prices_as_of=prices_as_of)
    # column by column, each chunk's copy released once joined: memory holds the chunks plus one column
    options = _in_row_order({c: np.concatenate([p.pop(c) for p in parts]) for c in OPTION_COLUMNS})
    summary = summarise(options)
    if len(ranged):
        draws = _draws(inp, ranged, samples, seed)
        slim = _in_row_order({c: np.concatenate([p[c] for p in parts])
                              for parts in [_price_all(draws, inp.policies, books, chunk_rows, workers, step,
                                                       slim=True)] for c in SLIM_COLUMNS})  # failed draws: infeasible
        more_options, more_summary = _uncertainty_columns(summary["row"], slim, samples)
        options.update(more_options)
        summary.update(more_summary)
    return BatchResult(option_columns=options, summary_columns=summary, errors=errors, prices_as_of=prices_as_of)


def _in_row_order(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    rows = columns["row"]
    if len(rows) > 1 and (np.diff(rows) < 0).any():  # policies grouped out of row order: restore it
        order = np.argsort(rows, kind="stable")  # stable: each row's options (and samples) keep their order
        return {c: v[order] for c, v in columns.items()}
    return columns


def _loaded_books(frame: pd.DataFrame, book: PriceBook | Books | None) -> Books:
    """The batch's books, loaded before the workers fork so that they share them. What a pack defers is left to
    each worker to decode as it uses it (:class:`planner.pricing.packed.Deferred`): the workers decode side by
    side, and only the tables of the batch's policies, where decoding every table here first kept one CPU idle
    (a quarter of a second of a 100,000-scenario batch) and the main process larger."""
    books = as_books(book)
    for cloud in pd.unique(frame["cloud"]):
        books(cloud)
    return books


def _prices_as_of(books: Books) -> str:
    return min((b.oldest_prices_as_of for b in books.loaded()), default="")


def _groups(frame: pd.DataFrame) -> dict[tuple[str, str], np.ndarray]:
    """Positions in ``frame`` of each (cloud, policy) group's scenarios, groups in order of first appearance."""
    return frame.groupby(["cloud", "policy_key"], sort=False).indices


def _price_all(frame: pd.DataFrame, policies: dict[str, SizingPolicy], books: Books, chunk_rows: int,
               workers: int | None, step: Callable[[int], None], *, slim: bool) -> list[dict[str, np.ndarray]]:
    """Every scenario of ``frame`` priced (:func:`_priced_parts`), every part at once."""
    return list(_priced_parts(frame, policies, books, chunk_rows, workers, step, slim=slim))


def _priced_parts(frame: pd.DataFrame, policies: dict[str, SizingPolicy], books: Books, chunk_rows: int,
                  workers: int | None, step: Callable[[int], None], *, slim: bool,
                  shape: Shape | None = None) -> Generator[Part, None, None]:
    """Every scenario of ``frame`` priced, chunk by chunk, group by group (:func:`_groups`), in worker
    processes where there are several chunks; each chunk's part as it comes, in that order (with ``shape``: see
    :func:`_shaped`). ``step(n)`` after each, with its scenarios."""
    groups = _groups(frame)
    jobs = [(key, start) for key, rows in groups.items() for start in range(0, len(rows), chunk_rows)]
    task = _Task(frame=frame, groups=groups, chunk_rows=chunk_rows, policies=policies, books=books, slim=slim,
                 shape=shape)
    workers = min(MAX_WORKERS, _usable_cpus()) if workers is None else workers
    if workers > 1 and len(jobs) > 1 and "fork" in mp.get_all_start_methods():
        # fork: the children start with this process's memory (the task is not pickled)
        with mp.get_context("fork").Pool(min(workers, len(jobs)), initializer=_adopt, initargs=(task,)) as pool:
            yield from _stepped(_bounded_imap(pool, jobs, ahead=workers + 2), step)
        return
    yield from _stepped((task.price(job) for job in jobs), step)


def _bounded_imap(pool: Pool, jobs: list[tuple[tuple[str, str], int]], ahead: int) -> Iterator[Part]:
    """Each job's part from ``pool``, in the jobs' order, at most ``ahead`` jobs given out beyond the one read
    (a reader slower than the workers, a slow disk, holds no more parts than that). A worker that dies (killed,
    out of memory) is a :class:`PlannerError` within :data:`WORKER_CHECK_S`, where the pool alone would replace
    it and wait for its lost part for ever."""
    workers = list(getattr(pool, "_pool", []))  # the pool's processes: they end only with the pool
    waiting: deque[AsyncResult] = deque()

    def part(result: AsyncResult) -> Part:
        while not result.ready():
            result.wait(WORKER_CHECK_S)
            dead = [w.exitcode for w in workers if w.exitcode is not None]
            if dead and not result.ready():
                raise PlannerError(f"a process pricing the batch died (exit code {dead[0]}: killed, perhaps for want "
                                   "of memory); nothing was written. Try fewer --workers or a smaller --chunk-rows")
        return result.get()

    for job in jobs:
        waiting.append(pool.apply_async(_price_adopted, (job,)))
        if len(waiting) > ahead:
            yield part(waiting.popleft())
    while waiting:
        yield part(waiting.popleft())


WORKER_CHECK_S = 0.5  # how often a wait for a part looks for a worker that died


MAX_WORKERS = 4


@dataclass(frozen=True)
class _Task:
    """What pricing a chunk needs: the scenarios, their groups by cloud and policy, the policies, the books."""

    frame: pd.DataFrame
    groups: dict[tuple[str, str], np.ndarray]
    chunk_rows: int
    policies: dict[str, SizingPolicy]
    books: Books
    slim: bool = False  # only what the Monte Carlo summary reads (SLIM_COLUMNS)
    shape: Shape | None = None  # the options shaped where they are priced (see _shaped)

    def price(self, job: tuple[tuple[str, str], int]) -> Part:
        """One chunk (a group's ``chunk_rows`` scenarios from ``start``) priced, as result columns (or shaped:
        :func:`_shaped`); the rows whose sizing raised are in ``FAILED_ROW`` / ``FAILED_MESSAGE`` instead
        (:meth:`_price_rows`)."""
        (cloud_and_key, start) = job
        part = self._price_rows(cloud_and_key, self.groups[cloud_and_key][start:start + self.chunk_rows])
        return part if self.shape is None else _shaped(part, self.shape)

    def _price_rows(self, cloud_and_key: tuple[str, str], positions: np.ndarray) -> dict[str, np.ndarray]:
        """``positions`` of the frame priced together. Should the engine raise, the rows are halved and priced
        again until the rows that raise are alone: each is then that row's error, and every other row is still
        priced (an error inside one scenario's sizing never costs the batch; about twice a chunk's work)."""
        chunk = self.frame.iloc[positions]
        inputs = chunk.drop(columns=["row", "policy_key", *(c for c in chunk.columns if c in RANGE_COLUMNS)])
        try:
            result = run(inputs, self.policies[cloud_and_key[1]], self.books(cloud_and_key[0]), detail=False)
        except UnreadableBookError:  # no row's fault: every row would fail alike, each decoding again
            raise
        except Exception as exc:  # noqa: BLE001 - any fault of the engine, narrowed to the rows causing it
            if len(positions) > 1:
                half = len(positions) // 2
                return _joined(self._price_rows(cloud_and_key, positions[:half]),
                               self._price_rows(cloud_and_key, positions[half:]))
            return _failed(chunk, exc, slim=self.slim)
        if self.slim:  # scenario by scenario, each scenario's options in OPTIONS order
            out = {"row": chunk.row.to_numpy()[result.per_scenario("row").ravel()],
                   **{c: result.per_scenario(c).ravel() for c in SLIM_COLUMNS if c != "row"}}
        else:
            out = _chunk_rows(chunk, result)
        return {**out, FAILED_ROW: np.zeros(0, dtype=int), FAILED_MESSAGE: np.zeros(0, dtype=object)}


FAILED_ROW, FAILED_MESSAGE = "_failed_row", "_failed_message"  # a part's scenarios whose sizing raised
SHAPED, SUMMARY = "_shaped", "_summary"  # a shaped part's options and its scenarios' summary


def _as_columns(columns: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The shape of a stream that yields the option columns themselves."""
    return columns


def _shaped(part: dict[str, np.ndarray], shape: Shape) -> Part:
    """A chunk's part as a shaped stream carries it: its options as ``shape`` makes them and its summary
    (:func:`summarise`; both only where a scenario was priced), and its failed rows. What leaves the worker is
    then the shaped options (a file's text is cheaper to send than the columns' objects) and the summary."""
    out: Part = {FAILED_ROW: part[FAILED_ROW], FAILED_MESSAGE: part[FAILED_MESSAGE]}
    if len(part["row"]):
        # the summary copied: a view (the row, name and region columns) would keep the chunk's options alive
        out[SUMMARY] = {c: v.copy() for c, v in summarise(part).items()}
        out[SHAPED] = shape({c: part[c] for c in OPTION_COLUMNS})
    return out


def _failed(chunk: pd.DataFrame, exc: Exception, *, slim: bool) -> dict[str, np.ndarray]:
    """The part of a scenario whose sizing raised ``exc``: no options, its row and why. A Monte Carlo draw
    (``slim``) that raises counts as a draw where no option is feasible (its scenario priced at its medians)."""
    why = f"could not be sized or priced ({type(exc).__name__}: {exc})"
    if slim:
        k = len(OPTIONS)
        return {"row": np.repeat(chunk.row.to_numpy(), k), "monthly_usd": np.full(k, np.nan),
                "feasible": np.zeros(k, dtype=bool), "recommended": np.zeros(k, dtype=bool),
                FAILED_ROW: np.zeros(0, dtype=int), FAILED_MESSAGE: np.zeros(0, dtype=object)}
    return {**{c: np.zeros(0, dtype=object) for c in OPTION_COLUMNS}, FAILED_ROW: chunk.row.to_numpy(),
            FAILED_MESSAGE: np.array([why], dtype=object)}


def _joined(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Two parts' columns, one after the other (a column one part lacks is typed by the other)."""
    return {c: np.concatenate([a[c], b[c]]) if len(a[c]) and len(b[c]) else (a[c] if len(a[c]) else b[c])
            for c in a}


_ADOPTED: list[_Task] = []  # in a worker process: the task it was forked with


def _adopt(task: _Task) -> None:
    _ADOPTED[:] = [task]


def _price_adopted(job: tuple[tuple[str, str], int]) -> Part:
    """A forked worker's chunk. An error goes back to the main process as a :class:`PlannerError` of its message:
    an exception whose class cannot be rebuilt there from its message alone (its own arguments) would end the
    pool's thread reading results, and the batch would wait for ever."""
    try:
        return _ADOPTED[0].price(job)
    except Exception as e:  # noqa: BLE001 - whatever it is, said in one line by the main process
        raise PlannerError(str(e) if isinstance(e, PlannerError)
                           else f"pricing a chunk of the batch failed ({type(e).__name__}: {e})") from None


def _usable_cpus() -> int:
    """CPUs this process may run on (a container's limit where the platform says)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def _stepped(results: Iterable[Part], step: Callable[[int], None]) -> Generator[Part, None, None]:
    for part in results:
        priced = (len(part[SUMMARY]["row"]) if SUMMARY in part
                  else len(part.get("row", ())) // len(OPTIONS))  # a shaped part of failed rows has no "row"
        step(priced + len(part[FAILED_ROW]))
        yield part


def _sizing_errors(parts: list[Part]) -> list[RowError]:
    """The scenarios whose sizing raised, as row errors (their parts' columns removed)."""
    errors = []
    for part in parts:
        rows, messages = part.pop(FAILED_ROW), part.pop(FAILED_MESSAGE)
        errors += [RowError(int(row), "", "", str(message)) for row, message in zip(rows, messages)]
    return errors


SLIM_COLUMNS = ("row", "monthly_usd", "feasible", "recommended")


def _ranged_rows(inp: BatchInput) -> np.ndarray:
    """Positions in ``inp.frame`` of the scenarios giving some input as a range."""
    mids = [inp.frame[f"{f}.mid"].to_numpy(dtype=float) for f in inp.ranged_fields]
    return np.flatnonzero(np.any([np.isfinite(m) for m in mids], axis=0)) if mids else np.zeros(0, dtype=int)


def _draws(inp: BatchInput, ranged: np.ndarray, samples: int, seed: int) -> pd.DataFrame:
    """``samples`` rows per ranged scenario (consecutive), each range drawn as
    :func:`planner.running.uncertainty.plans.make_uncertain_plan` draws it for the same ranges and seed (the same
    uniforms field by field), the other inputs as given."""
    frame = inp.frame
    have = {f: np.isfinite(frame[f"{f}.mid"].to_numpy(dtype=float)) for f in inp.ranged_fields}
    draws = frame.iloc[np.repeat(ranged, samples)].reset_index(drop=True)
    fields_of = [tuple(f for f in inp.ranged_fields if have[f][i]) for i in ranged]
    for fields in dict.fromkeys(fields_of):  # scenarios with the same ranged fields share the draws
        members = np.array([j for j, f in enumerate(fields_of) if f == fields])
        u = uniforms(list(fields), samples, seed)
        at = (members[:, None] * samples + np.arange(samples)[None, :]).ravel()
        for f in fields:
            low, mid, high = (frame[f"{f}.{end}"].to_numpy(dtype=float)[ranged[members], None]
                              for end in ("low", "mid", "high"))
            draws.loc[at, f] = quantile(f, low, mid, high, u[f][None, :]).ravel()
    keep_cpu_below_target(draws)
    return draws


def _uncertainty_columns(summary_rows: np.ndarray, slim: dict[str, np.ndarray],
                         samples: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Per option of each ranged scenario: P10/P50/P90 monthly and the probabilities; per ranged scenario: the
    recommended bill's P10/P50/P90 and the recommendation under :data:`RULE` (NaN or '' for the others)."""
    k = len(OPTIONS)
    rows = slim["row"].reshape(-1, samples, k)[:, 0, 0]
    s = summarise_samples(*(np.asarray(slim[c]).reshape(-1, samples, k)
                            for c in ("monthly_usd", "feasible", "recommended")))
    at = {r: i for i, r in enumerate(rows.tolist())}
    scen = np.array([at.get(r, -1) for r in summary_rows.tolist()])
    has = scen >= 0
    names = np.array([*OPTIONS, ""], dtype=object)  # index -1 (no option ever feasible) reads ""
    summary = {
        "bill_p10_usd": np.where(has, s.bill_p10_usd[scen], np.nan),
        "bill_p50_usd": np.where(has, s.bill_p50_usd[scen], np.nan),
        "bill_p90_usd": np.where(has, s.bill_p90_usd[scen], np.nan),
        "recommended_under_uncertainty": np.where(has, names[s.recommended[scen]], ""),
        "p_recommendation_holds": np.where(has, s.p_recommendation_holds[scen], np.nan),
    }
    opt_scen = np.repeat(scen, k)  # options are listed scenario by scenario, k each
    j = np.tile(np.arange(k), len(scen))
    ok = opt_scen >= 0
    options = {c: np.where(ok, getattr(s, c)[opt_scen, j], np.nan)
               for c in ("p10_usd", "p50_usd", "p90_usd", "p_feasible", "p_cheapest")}
    return options, summary


def _chunk_rows(chunk: pd.DataFrame, result) -> dict[str, np.ndarray]:  # noqa: ANN001 - EngineResult
    """One chunk's options as columns, scenario by scenario (each scenario's options in OPTIONS order)."""
    sz = result.sizing_columns

    def opt(col: str) -> np.ndarray:
        return result.per_scenario(col).ravel()

    i = opt("row")
    cache_used = sz["cache_used"].astype(bool)[i]
    sized = opt("sized").astype(bool)

    def when_sized(col: str) -> np.ndarray:
        return np.where(sized, opt(col).astype(float), np.nan)

    monthly = opt("monthly_usd").astype(float)
    return {
        "row": chunk.row.to_numpy()[i],
        "name": chunk.name.to_numpy(dtype=object)[i],
        "region": chunk.region.to_numpy(dtype=object)[i],
        "option": opt("option"),
        "feasible": opt("feasible").astype(bool),
        "reason": np.array([r.replace("\n", "; ") for r in opt("reasons")], dtype=object),
        "monthly_usd": monthly,
        "annual_usd": monthly * 12,
        "recommended": opt("recommended").astype(bool),
        "availability_pct": opt("availability_pct").astype(float),
        "sla_floor_pct": opt("sla_floor_pct").astype(float),
        "dr_tier": opt("dr_tier"),
        "instance_type": np.where(sized, opt("instance_type"), ""),
        "instances_min": when_sized("instances_min"),
        "instances_desired": when_sized("instances_desired"),
        "instances_max": when_sized("instances_max"),
        "azs": when_sized("azs"),
        "cache_node_type": np.where(cache_used, sz["cache_node_type"][i], ""),
        "cache_nodes": np.where(cache_used, sz["cache_nodes"][i], 0),
        "db_engine_variant": sz["db_engine_variant"][i],
        "db_instance_class": sz["db_instance_class"][i],
        "db_multi_az": sz["db_multi_az"][i],
        # the class, replicas, storage and IOPS are each shard's
        "db_shards": sz["db_shards"][i],
        "db_pooler": sz["db_pooler"][i],
        "db_read_replicas": sz["db_read_replicas"][i],
        "db_storage_gb": sz["db_storage_gb"][i],
        "db_provisioned_iops": sz["db_provisioned_iops"][i],
        "peak_rps": sz["peak_rps"][i],
        "vcpu_needed": sz["vcpu_needed"][i],
    }


def summarise(options: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """One row per scenario: the recommended option and its cost (none when no option is feasible).

    ``options`` lists every scenario's options together, in OPTIONS order (as :func:`run_batch` builds it)."""
    k = len(OPTIONS)

    def per_scenario(col: str) -> np.ndarray:
        return np.asarray(options[col]).reshape(-1, k)

    rec = per_scenario("recommended").astype(bool)
    has = rec.any(axis=1)
    pick = rec.argmax(axis=1)
    n = len(pick)

    def recommended(col: str, empty: object) -> np.ndarray:
        return np.where(has, per_scenario(col)[np.arange(n), pick], empty)

    # the feasible options of each scenario, in option order: one label per combination of the four
    feasible = per_scenario("feasible").astype(bool)
    code = (feasible * (1 << np.arange(k))).sum(axis=1)
    labels = np.array([",".join(name for j, name in enumerate(OPTIONS) if c >> j & 1) for c in range(1 << k)],
                      dtype=object)
    return {
        "row": per_scenario("row")[:, 0],
        "name": per_scenario("name")[:, 0],
        "region": per_scenario("region")[:, 0],
        "recommended": recommended("option", ""),
        "monthly_usd": recommended("monthly_usd", np.nan).astype(float),
        "annual_usd": recommended("annual_usd", np.nan).astype(float),
        "availability_pct": recommended("availability_pct", np.nan).astype(float),
        "sla_floor_pct": recommended("sla_floor_pct", np.nan).astype(float),
        "dr_tier": recommended("dr_tier", ""),
        "feasible_options": labels[code],
    }


def errors_frame(errors: list[RowError]) -> pd.DataFrame:
    return pd.DataFrame([e.__dict__ for e in errors], columns=["row", "column", "value", "message"])


# -- writers ---------------------------------------------------------------
