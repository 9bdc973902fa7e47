"""Read a what-if CSV: one scenario per row, columns named as the :class:`Workload` fields.

Validation is vectorised (the constraints are read off the pydantic model, so
they cannot drift from it); rows it flags are re-validated one by one through
the model so their messages match ``planner plan``'s exactly. File-level
faults (too large, not UTF-8 or not a CSV, wrong delimiter, unknown column, no
rows) raise :class:`BatchFileError`; row faults (bad values, more cells than
the header) become :class:`RowError` records and the other rows are still
priced.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from itertools import compress
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ValidationError

from planner.base import batch_limits
# the limits (shared with the Parquet reader) are named here too, where callers have always found them
from planner.base.batch_limits import MAX_BATCH_BYTES, MAX_BATCH_ROWS, BatchFileError, check_batch_size  # noqa: F401
from planner.base.codes import factorized, grouped
from planner.base.errors import PlannerError, unknown_name
from planner.base.input_files import InputFileError, read_limited
from planner.base.numbers import number_problem, parse_number, parse_numbers
from planner.clouds import catalogs
from planner.pricing.book import PriceBook, unknown_region
from planner.pricing.books import Books, as_books
from planner.running.scenario_parquet import parquet_as_csv
from planner.running.uncertainty.ranges import RANGED_FIELDS, parse_range
from planner.workload.policy import SizingPolicy
from planner.workload.model import (BOOL_FIELDS, ENUM_FIELDS, MAX_PROBLEMS_SHOWN, NUMERIC_FIELDS, TEXT_FIELDS, Workload,
                              describe_errors, field_constraints)

POLICY_PREFIX = "policy."
SCALARS = (int, float, bool, str)


def _scalar_fields(model: type[BaseModel], prefix: str) -> list[str]:
    """Dotted names of a model's scalar fields, nested models included (``failures.az_failures_per_year``)."""
    out = []
    for name, f in model.model_fields.items():
        if f.annotation in SCALARS:
            out.append(prefix + name)
        elif isinstance(f.annotation, type) and issubclass(f.annotation, BaseModel):
            out += _scalar_fields(f.annotation, f"{prefix}{name}.")
    return out


# policy fields a CSV column can override: the scalar ones, nested ones by dotted name
POLICY_COLUMNS: tuple[str, ...] = tuple(_scalar_fields(SizingPolicy, POLICY_PREFIX))


def policy_column_is_numeric(column: str) -> bool:
    """Whether a ``policy.*`` column holds a number (int or float, not a flag or a name)."""
    model: type[BaseModel] = SizingPolicy
    *path, last = column.removeprefix(POLICY_PREFIX).split(".")
    for part in path:
        model = model.model_fields[part].annotation  # type: ignore[assignment]
    return model.model_fields[last].annotation in (int, float)


@dataclass(frozen=True)
class RowError:
    row: int  # the row as a spreadsheet numbers it: the header is row 1
    column: str
    value: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        shown = self.value if len(self.value) <= 60 else self.value[:57] + "..."  # a 5,000-digit cell: its start
        value = f" (value {shown!r})" if self.value != "" else ""
        return f"{where}{value}: {self.message}"


@dataclass(frozen=True)
class BatchInput:
    """The valid scenarios (``frame``: workload columns plus ``row``, and ``<field>.low/.mid/.high`` for every
    field some row gives as a range, NaN where a row does not), their policies, and the row errors."""

    frame: pd.DataFrame
    policies: dict[str, SizingPolicy]  # policy key -> policy; frame["policy_key"] points here
    errors: list[RowError]
    rows_read: int

    @property
    def ranged_fields(self) -> list[str]:
        """Fields some scenario gives as a range."""
        return [f for f in RANGED_FIELDS if f"{f}.low" in self.frame]


def _parse_column(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`parse_numbers` of a column (empty cells: NaN, not unreadable), each distinct cell parsed once."""
    codes, distinct = factorized(cells)
    values, unreadable = parse_numbers(distinct, distinct == "")
    return values[codes], unreadable[codes]


RANGE_ENDS = ("low", "mid", "high")
RANGE_COLUMNS = tuple(f"{f}.{end}" for f in RANGED_FIELDS for end in RANGE_ENDS)


def _apply_ranges(raw: pd.DataFrame, lines: list[int]) -> tuple[pd.DataFrame, dict[str, np.ndarray],
                                                                 list[RowError], np.ndarray]:
    """Rows giving a field as ``<field>.low`` and ``<field>.high`` (and optionally ``.mid``): each range
    validated as in a workload file (errors by row and column); the field's own cell set to the range's median,
    so the plan of the row is the plan at its medians. Returns the updated cells, (rows, 3) arrays of low, mid,
    high per ranged field (NaN where a row gives a number), the errors and the rows they spoil."""
    bad = np.zeros(len(raw), dtype=bool)
    errors: list[RowError] = []
    ranges: dict[str, np.ndarray] = {}
    for field in RANGED_FIELDS:
        cols = [f"{field}.{end}" for end in RANGE_ENDS]
        if not any(c in raw for c in cols):
            continue
        cells = np.stack([raw[c].to_numpy(dtype=object) if c in raw else np.full(len(raw), "", dtype=object)
                          for c in cols], axis=1)
        given = (cells != "").any(axis=1)
        parsed = [_parse_column(cells[:, j]) for j in range(len(RANGE_ENDS))]
        numbers = np.stack([values for values, _ in parsed], axis=1)
        unreadable = np.stack([no for _, no in parsed], axis=1)
        ends = np.full((len(raw), 3), np.nan)
        point = raw[field].to_numpy(dtype=object) if field in raw else np.full(len(raw), "", dtype=object)
        for i in np.flatnonzero(given):
            if point[i] != "":
                errors.append(RowError(lines[i], field, str(point[i]), f"give {field} or {field}.low and "
                                                                       f"{field}.high (a range), not both"))
                bad[i] = True
                continue
            if unreadable[i].any():  # named here, by the one number parser's reason
                errors += [RowError(lines[i], f"{field}.{end}", str(cells[i, j]), number_problem(str(cells[i, j])))
                           for j, end in enumerate(RANGE_ENDS) if unreadable[i, j]]
                bad[i] = True
                continue
            values = {end: float(number) for end, cell, number in zip(RANGE_ENDS, cells[i], numbers[i]) if cell != ""}
            r, problems = parse_range(field, values)
            for where, msg in problems:
                column = where if "." in where else f"{field}.low"
                errors.append(RowError(lines[i], column, str(cells[i][RANGE_ENDS.index(column.rsplit(".", 1)[1])]),
                                       msg))
            if r is None:
                bad[i] = True
                continue
            ends[i] = (r.low, r.mid, r.high)
        ranges[field] = ends
        ranged = np.isfinite(ends[:, 1])
        cells_now = point.copy()  # a median is written only for the rows giving a range
        cells_now[ranged] = [repr(float(m)) for m in ends[ranged, 1]]
        raw = raw.assign(**{field: cells_now})
    return raw, ranges, errors, bad


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data[:4096]:
        raise BatchFileError(f"{source}: not a CSV file (binary content)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchFileError(f"{source}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 CSV") from None


def _has_padded_cell(text: str) -> bool:
    """Whether any cell may start or end with whitespace: a space at either end of the text or beside a comma, a
    line break or a quote (a few milliseconds on a large file); text with other whitespace than spaces and line
    breaks, or beyond ASCII, is assumed to."""
    if not text.isascii() or any(ws in text for ws in "\t\x0b\x0c\x1c\x1d\x1e\x1f"):
        return True
    if " " not in text:
        return False
    # one pass over the bytes: eight substring searches (" ,", ", ", " \n", ...) took 40 ms on a 6 MB file
    byte = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
    space = byte == ord(" ")
    edge = (byte == ord(",")) | (byte == ord("\n")) | (byte == ord("\r")) | (byte == ord('"'))
    return bool(space[0] or space[-1] or (space[:-1] & edge[1:]).any() or (edge[:-1] & space[1:]).any())


def _records(text: str, source: str) -> tuple[list[tuple[str, ...]], list[int]]:
    """CSV records without blank and '#' comment lines, and each record's row as a spreadsheet numbers it
    (every record is a row, blank and comment ones too; a quoted cell may span lines within one row).

    Records are kept as tuples: the garbage collector stops tracking a tuple of strings, never a list, and
    100,000 tracked lists set off full collections of the whole heap that took half the time of reading."""
    reader = csv.reader(io.StringIO(text), strict=True, skipinitialspace=True)
    try:
        every = list(map(tuple, reader))
    except csv.Error as exc:
        raise BatchFileError(f"{source}: not a valid CSV (line {reader.line_num}: {exc})") from None
    rows = [row for row, record in enumerate(every, start=1)
            if "".join(record).strip() and not record[0].lstrip().startswith("#")]
    return ([every[row - 1] for row in rows] if len(rows) < len(every) else every), rows


def read_csv_table(data: bytes, source: str) -> tuple[pd.DataFrame, list[int], list[RowError]]:
    """The raw table (all cells as text, stripped), the spreadsheet row of each data row, and the rows that
    cannot be read (more cells than the header: named by row, the rest still read; short rows take defaults)."""
    text = _decode(data, source)
    records, starts = _records(text, source)
    if not records:
        raise BatchFileError(f"{source}: empty file (expected a header row and one scenario per row; "
                             "`planner batch --template` writes an example)")
    header = [h.strip() for h in records[0]]
    if len(header) == 1:
        for sep, name in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
            if sep in header[0]:
                raise BatchFileError(f"{source}: the header is one column {header[0][:60]!r}: the file looks "
                                     f"{name}-separated; planner reads comma-separated CSV")
    duplicated = sorted({c for c in header if header.count(c) > 1})
    if duplicated:
        raise BatchFileError(f"{source}: column(s) {', '.join(duplicated)} appear more than once in the header")
    known = [*TEXT_FIELDS, *NUMERIC_FIELDS, *RANGE_COLUMNS, *POLICY_COLUMNS]
    unknown = [c for c in header if c not in known]
    if unknown:
        plain = [*TEXT_FIELDS, *NUMERIC_FIELDS]  # a plain name is suggested plain names; a dotted one, dotted
        errs = [str(unknown_name("column", c[:60], [k for k in known if ("." in k) == ("." in c)] or plain))
                for c in unknown[:MAX_PROBLEMS_SHOWN]]
        if len(unknown) > MAX_PROBLEMS_SHOWN:  # 20,000 unknown columns were one 2.8 MB line
            errs.append(f"... and {len(unknown) - MAX_PROBLEMS_SHOWN:,} more unknown column(s)")
        raise BatchFileError(f"{source}: " + "; ".join(errs))
    width = len(header)
    body, body_lines = records[1:], starts[1:]
    cells_per_row = np.fromiter(map(len, body), dtype=np.intp, count=len(body))
    wide = np.flatnonzero(cells_per_row > width).tolist()
    errors = [RowError(body_lines[i], "", "", f"{len(body[i])} cells where the header has {width}: a stray comma "
                                              "or an unquoted cell") for i in wide]
    if wide:
        fits = cells_per_row <= width
        body, body_lines = list(compress(body, fits)), list(compress(body_lines, fits))
        cells_per_row = cells_per_row[fits]
    if not body and not errors:
        raise BatchFileError(f"{source}: header only, no scenario rows")
    if len(body) + len(errors) > batch_limits.MAX_BATCH_ROWS:
        raise batch_limits.too_large(source, f"{len(body) + len(errors):,} rows")
    # short rows are padded (their missing cells take defaults); cells are stripped column by column, where
    # the text has a space next to a delimiter at all (the reader drops those after commas itself)
    for i in np.flatnonzero(cells_per_row < width):
        body[i] += ("",) * (width - len(body[i]))
    # one (rows, columns) array of the cells, which the frame wraps without copying
    raw = (pd.DataFrame(np.array(body, dtype=object), columns=header, dtype=object, copy=False) if body
           else pd.DataFrame(columns=header, dtype=object))
    if _has_padded_cell(text):
        for c in raw.columns:
            raw[c] = raw[c].fillna("").astype(str).str.strip().astype(object)
    return raw, body_lines, errors


TRUE_WORDS = ("true", "1", "yes", "on", "t", "y")
FALSE_WORDS = ("false", "0", "no", "off", "f", "n")


def _flag_rows(raw: pd.DataFrame, books: Books) -> tuple[pd.DataFrame, np.ndarray, dict[str, np.ndarray]]:
    """Typed workload columns (defaults filled), a mask of rows that may be invalid, and per numeric column the
    cells that are not numbers (those rows are never priced, whatever the row check says). Each column is read
    and checked once per distinct cell (:func:`planner.base.codes.factorized`)."""
    n = len(raw)
    flagged = np.zeros(n, dtype=bool)
    out: dict[str, Any] = {}
    unreadable: dict[str, np.ndarray] = {}
    for field in NUMERIC_FIELDS:
        default = Workload.model_fields[field].default
        if field not in raw:
            out[field] = np.full(n, np.nan if default is None else float(default))
            continue
        codes, text = factorized(raw[field].to_numpy(dtype=object))
        empty = text == ""
        values, not_number = parse_numbers(text, empty)
        bad = not_number.copy()
        for op, bound in field_constraints(field):
            ok = {"gt": values > bound, "ge": values >= bound, "lt": values < bound, "le": values <= bound}[op]
            bad |= ~ok & ~np.isnan(values)
        if Workload.model_fields[field].annotation is int:
            bad |= ~np.isnan(values) & (values != np.round(values))
        flagged |= bad[codes]
        unreadable[field] = not_number[codes]
        out[field] = np.where(empty, np.nan if default is None else float(default), values)[codes]
    text_columns: dict[str, tuple[np.ndarray, np.ndarray]] = {}  # field -> codes, its distinct cells (defaults in)
    for field in TEXT_FIELDS:
        default = Workload.model_fields[field].default
        default = getattr(default, "value", default)
        if field not in (*BOOL_FIELDS, *ENUM_FIELDS, "cloud", "region"):
            # free text (the name): no cell check, and its cells mostly differ, so filled cell by cell
            col = raw[field].to_numpy(dtype=object) if field in raw else np.full(n, default, dtype=object)
            out[field] = np.where(col == "", default, col)
            continue
        if field in raw:
            codes, col = factorized(raw[field].to_numpy(dtype=object))
            col = np.where(col == "", default, col)
        else:
            codes, col = np.zeros(n, dtype=np.intp), np.array([default], dtype=object)
        if field in BOOL_FIELDS:  # as pydantic reads a boolean from text; anything else is flagged
            words = np.array([str(v).strip().lower() for v in col], dtype=object)
            flagged |= ~np.isin(words, [*TRUE_WORDS, *FALSE_WORDS])[codes]
            out[field] = np.isin(words, TRUE_WORDS)[codes]
            continue
        if field in ENUM_FIELDS:
            flagged |= ~np.isin(col, ENUM_FIELDS[field])[codes]
        text_columns[field] = codes, col
    # an empty region is the row's cloud's default region (the Workload's rule), not AWS's us-east-1
    region_given = raw["region"].to_numpy(dtype=object) != "" if "region" in raw else np.zeros(n, dtype=bool)
    defaults = {name: c.default_region for name, c in catalogs().items()}
    (cloud_codes, clouds), (region_codes, regions) = text_columns.pop("cloud"), text_columns.pop("region")
    out["cloud"] = _text_column(clouds, cloud_codes)
    # (a cloud without a catalogue keeps the Workload's default region, which an empty region cell reads as)
    cloud_region = np.array([defaults.get(c, Workload.model_fields["region"].default) for c in clouds], dtype=object)
    out["region"] = np.where(region_given, regions[region_codes], cloud_region[cloud_codes])
    out |= {field: _text_column(col, codes) for field, (codes, col) in text_columns.items()}
    wf = pd.DataFrame(out)
    peak, dau, req = wf["peak_rps"].notna(), wf["daily_active_users"].notna(), wf["requests_per_user_per_day"].notna()
    traffic_once = (peak & ~(dau | req)) | (~peak & dau & req)
    flagged |= ~traffic_once.to_numpy()
    # every cross-field rule of the Workload model, so a flagged row gets the model's own message
    flagged |= (wf["cpu_ms_per_request"] >= wf["latency_target_ms"]).to_numpy()
    flagged |= (wf["cacheable_fraction"] > wf["read_fraction"]).to_numpy()
    flagged |= (wf["name"].str.len() > 120).to_numpy()
    for cloud in pd.unique(wf["cloud"]):
        sel = (wf["cloud"] == cloud).to_numpy()
        if cloud not in books.clouds():
            flagged |= sel
            continue
        flagged |= sel & ~wf["region"].isin(set(books(cloud).regions(cloud).region)).to_numpy()
    return wf[[*TEXT_FIELDS, *NUMERIC_FIELDS]], flagged, unreadable


def _text_column(distinct: np.ndarray, codes: np.ndarray) -> pd.Series | np.ndarray:
    """The text cells ``distinct[codes]`` as the frame holds them: pandas converts text to its string dtype (Arrow
    strings under pandas 3) when it builds the frame, once per cell; converting the distinct cells and picking
    from them gives the same column at a fraction of the cost. An empty column stays an object array, as pandas
    leaves one."""
    if not len(codes):
        return distinct[codes]
    return pd.Series(distinct).take(codes).reset_index(drop=True)


def _row_errors(cells: dict[str, np.ndarray], i: int, line: int, books: Books) -> list[RowError]:
    """Exact messages for one flagged row, through the pydantic model and the price book. ``cells``: the raw
    table's columns as arrays of cells (:func:`_workload_cells`)."""
    data = {k: col[i] for k, col in cells.items() if col[i] != ""}
    try:
        w = Workload.model_validate(data)
    except ValidationError as exc:
        return [RowError(line, field, str(data.get(field.split(".")[0], "")), msg)
                for field, msg in describe_errors(exc)]
    try:
        if w.cloud not in books.clouds():
            raise unknown_name("cloud", w.cloud, books.clouds())
        known = books(w.cloud).regions(w.cloud).region
        if w.region not in set(known):
            raise unknown_region(w.cloud, w.region, known)
    except PlannerError as exc:
        column = "cloud" if w.cloud not in books.clouds() else "region"
        return [RowError(line, column, getattr(w, column), str(exc))]
    return []


def _workload_cells(raw: pd.DataFrame) -> dict[str, np.ndarray]:
    """The raw table's workload columns (not ``policy.*``, not range ends) as arrays of cells, in the table's
    order: a flagged row's cells are read from them (a row of the frame, ``raw.iloc[i]``, is built column by
    column at every call)."""
    return {k: raw[k].to_numpy(dtype=object) for k in raw.columns
            if not k.startswith(POLICY_PREFIX) and k not in RANGE_COLUMNS}


def _policies(raw: pd.DataFrame, lines: list[int]) -> tuple[np.ndarray, dict[str, SizingPolicy], list[RowError]]:
    """One policy per distinct combination of ``policy.*`` cells; rows of an invalid one are errors."""
    cols = [c for c in raw.columns if c.startswith(POLICY_PREFIX)]
    if not cols or raw.empty:
        return np.full(len(raw), ""), {"": SizingPolicy()}, []
    policies: dict[str, SizingPolicy] = {}
    errors: list[RowError] = []
    bad = np.zeros(len(raw), dtype=bool)
    numeric = [c for c in cols if policy_column_is_numeric(c)]
    for col in numeric:  # read by the one number parser, as the workload's columns (not pydantic's wider one)
        text = raw[col].to_numpy(dtype=object)
        _, unreadable = _parse_column(text)
        for r in np.flatnonzero(unreadable):
            errors.append(RowError(lines[r], col, str(text[r]), number_problem(str(text[r]))))
        bad |= unreadable
    # each distinct combination of cells is one policy, keyed by the cells as JSON (a cell may hold any character)
    group, combinations = grouped([raw[c].to_numpy(dtype=object) for c in cols])
    names = np.array([json.dumps(cells) for cells in combinations] + [""], dtype=object)[:-1]
    keys = names[group]
    for g in pd.unique(group[~bad]):
        key, values = names[g], dict(zip(cols, combinations[g]))
        overrides = _nest({c.removeprefix(POLICY_PREFIX): parse_number(v) if c in numeric else v
                           for c, v in values.items() if v != ""})
        try:
            policies[key] = SizingPolicy.model_validate(overrides)
        except ValidationError as exc:
            rows = np.flatnonzero(keys == key)
            bad[rows] = True
            for field, msg in describe_errors(exc):
                col = POLICY_PREFIX + field
                errors += [RowError(lines[r], col, values.get(col, ""), msg) for r in rows]
    return np.where(bad, None, keys), policies, errors


def _nest(flat: dict[str, str]) -> dict[str, object]:
    """``{"failures.az_failures_per_year": "0.5"}`` -> ``{"failures": {"az_failures_per_year": "0.5"}}``: a
    column per nested tunable (policy.failures.*, policy.availability.*)."""
    out: dict[str, object] = {}
    for dotted, value in flat.items():
        *parents, leaf = dotted.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})  # type: ignore[assignment]
        node[leaf] = value  # type: ignore[index]
    return out


def read_batch(path: str | Path, book: PriceBook | Books | None = None) -> BatchInput:
    """Read and validate a scenario CSV (or Parquet) file against ``book`` (default: each cloud's bundled book);
    raise :class:`BatchFileError` when the file as a whole is unusable. At most :data:`MAX_BATCH_BYTES` are
    read (:func:`planner.base.input_files.read_limited`: regular files only)."""
    path = Path(path)
    books = as_books(book)
    parquet = path.suffix.lower() == ".parquet"
    try:
        data = read_limited(path, batch_limits.MAX_BATCH_BYTES, "Parquet file" if parquet else "CSV file")
    except InputFileError as exc:
        if exc.too_large:
            raise batch_limits.too_large(exc.source, f"{exc.size / 2**20:,.1f} MiB" if exc.size is not None else
                                         f"more than {batch_limits.MAX_BATCH_BYTES / 2**20:,.0f} MiB") from None
        raise BatchFileError(str(exc)) from None
    if parquet:
        data = parquet_as_csv(data, str(path))
    return read_batch_data(data, str(path), books)


def read_batch_data(data: bytes, source: str, book: PriceBook | Books | None = None,
                    row_offset: int = 0) -> BatchInput:
    """:func:`read_batch` of CSV text already in memory; ``row_offset`` data rows come before it in the whole
    input (a slice of a larger table, as the Dask engine reads one), so rows are numbered as in the whole."""
    books = as_books(book)
    raw, lines, errors = read_csv_table(data, source)
    if row_offset:
        lines = [line + row_offset for line in lines]
        errors = [RowError(e.row + row_offset, e.column, e.value, e.message) for e in errors]
    rows_read = len(raw) + len(errors)
    raw, ranges, range_errors, bad = _apply_ranges(raw, lines)
    errors += range_errors
    wf, flagged, unreadable = _flag_rows(raw, books)
    flagged &= ~bad
    workload_cells = _workload_cells(raw) if flagged.any() else {}
    for i in np.flatnonzero(flagged):
        row_errors = _row_errors(workload_cells, i, lines[i], books)
        # the row check reads numbers with the same parser, so it names every unreadable cell; were it ever to
        # miss one, the cell is named here: no row with a cell that is not a number is priced (NaN never
        # reaches the engine)
        named = {e.column for e in row_errors}
        row_errors += [RowError(lines[i], field, str(raw[field].iat[i]), number_problem(str(raw[field].iat[i])))
                       for field, cells in unreadable.items() if cells[i] and field not in named]
        errors += row_errors
        bad[i] = bool(row_errors)
    policy_keys, policies, policy_errors = _policies(raw, lines)
    errors += policy_errors
    bad |= pd.isna(policy_keys)
    ends = {f"{field}.{end}": values[:, j] for field, values in ranges.items() for j, end in enumerate(RANGE_ENDS)}
    frame = wf.assign(row=lines, policy_key=policy_keys, **ends)[~bad].reset_index(drop=True)
    errors.sort(key=lambda e: (e.row, e.column))
    return BatchInput(frame=frame, policies=policies, errors=errors, rows_read=rows_read)
