"""Read and validate a price-table folder.

Validation happens once, on load, and reports every fault it finds with the
file, the line (as an editor shows it: the header is line 1) and the column:
missing or unknown columns, empty required values, non-numbers, negative or
NaN prices, unknown units and options, bad dates, duplicate keys, checksum
mismatches, source ids that ``sources.csv`` does not define, and prices for
SKUs that have no spec.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import numpy as np
import pandas as pd

from planner.base.errors import PriceTableError
from planner.base.input_files import InputFileError, read_limited
from planner.pricing.manifest import MANIFEST_COLUMNS, MANIFEST_NAME, sha256_hex
from planner.pricing.schema import KINDS, Column, TableKind

Folder = Path | Traversable
MAX_PROBLEMS_PER_COLUMN = 5
MAX_TABLE_BYTES = 256 * 2**20  # the largest bundled table is under 4 MB; a full refresh of every region ~60 MB
MAX_MANIFEST_BYTES = 2**20
# a manifest names its tables as <cloud folder>/<file>.csv inside the book's folder: nothing else is read
TABLE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}/[A-Za-z0-9][A-Za-z0-9_.-]{0,127}\.csv")


def bundled_folder() -> Traversable:
    """The price tables installed with the package (works from a wheel, a zip or a checkout)."""
    return files("pricing_data")


def load_tables(folder: Folder, label: str = "", clouds: Iterable[str] | None = None
                ) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """Load every table named in ``folder``'s manifest (only those of ``clouds`` when given), validated,
    concatenated by kind.

    Returns the manifest and one DataFrame per kind, each with a ``cloud``
    column from the manifest. Raises :class:`PriceTableError` listing every
    problem found.
    """
    label = label or str(folder)
    problems: list[str] = []
    manifest = _read_manifest(folder, label, problems)
    every = set(manifest["file"])
    if clouds is not None:
        wanted = set(clouds)
        missing = sorted(wanted - set(manifest["cloud"]))
        if missing:
            raise PriceTableError([f"{label}/{MANIFEST_NAME}: no tables for cloud(s) {', '.join(missing)} "
                                   f"(it has: {', '.join(sorted(set(manifest['cloud'])))})"])
        manifest = manifest[manifest["cloud"].isin(wanted)].reset_index(drop=True)
    by_kind: dict[str, list[pd.DataFrame]] = {k: [] for k in KINDS}
    for row in manifest.itertuples(index=False):
        where = f"{label}/{row.file}"
        if row.kind not in KINDS:
            problems.append(f"{label}/{MANIFEST_NAME}: file {row.file} has unknown kind '{row.kind}' "
                            f"(known: {', '.join(KINDS)})")
            continue
        refused = _outside(folder, row.file)
        if refused:
            problems.append(f"{label}/{MANIFEST_NAME}: file {row.file!r} {refused}; not read")
            continue
        entry = folder.joinpath(row.file)
        if not entry.is_file():
            problems.append(f"{where}: listed in {MANIFEST_NAME} but missing")
            continue
        data = _bounded_bytes(entry, MAX_TABLE_BYTES, where)
        digest = sha256_hex(data)
        if digest != row.sha256:
            problems.append(
                f"{where}: checksum mismatch (manifest {row.sha256[:12]}…, file {digest[:12]}…); "
                "regenerate with scripts/build_pricing_data.py instead of editing tables by hand"
            )
            continue  # not the table the manifest describes: not parsed, so none of its lines is echoed
        table = parse_table(data, KINDS[row.kind], where, problems)
        if table is not None:
            lines = np.arange(2, len(table) + 2)
            by_kind[row.kind].append(table.assign(cloud=row.cloud, _file=where, _line=lines))
    problems.extend(_unlisted_files(folder, label, every))

    tables = {k: _concat(frames, KINDS[k]) for k, frames in by_kind.items()}
    for kind in KINDS:
        problems.extend(_duplicates(tables[kind], KINDS[kind], label))
    problems.extend(_cross_checks(tables, label))
    if problems:
        raise PriceTableError(problems)
    return manifest, {k: t.drop(columns=["_file", "_line"]) for k, t in tables.items()}


def read_manifest(folder: Folder) -> pd.DataFrame:
    """A price-table folder's manifest alone (no table read)."""
    return _read_manifest(folder, str(folder), [])


def manifest_clouds(folder: Folder) -> list[str]:
    """The clouds a price-table folder has tables for (read from its manifest alone)."""
    return sorted(set(read_manifest(folder)["cloud"]))


def _outside(folder: Folder, name: str) -> str:
    """Why the manifest's file ``name`` is not a table of ``folder`` ('' when it is): not of the form
    ``cloud/file.csv``, or (in a folder on disk) a symbolic link or a path leading out of the folder."""
    if not TABLE_NAME.fullmatch(name) or ".." in name.split("/"):
        return "is not of the form <cloud>/<table>.csv inside the folder"
    if isinstance(folder, Path):
        entry = folder / name
        if entry.is_symlink() or entry.parent.is_symlink():
            return "is a symbolic link"
        try:
            inside = entry.resolve().is_relative_to(folder.resolve())
        except OSError:
            inside = False
        if not inside:
            return "leads outside the folder"
    return ""


def _bounded_bytes(entry: Folder, limit: int, where: str) -> bytes:
    """A table's bytes, through :func:`planner.base.input_files.read_limited` where the file is on disk (its size
    checked before a byte is read); an installed package's own tables as they are."""
    if not isinstance(entry, Path):
        return entry.read_bytes()
    try:
        return read_limited(entry, limit, "price table")
    except InputFileError as exc:
        size = f"{exc.size:,} bytes" if exc.size is not None else exc.problem
        raise PriceTableError([f"{where}: {size}; a price table is at most {limit:,} bytes" if exc.too_large
                               else f"{where}: {exc.problem}"]) from None


def _read_manifest(folder: Folder, label: str, problems: list[str]) -> pd.DataFrame:
    entry = folder.joinpath(MANIFEST_NAME)
    if not entry.is_file():
        raise PriceTableError([f"{label}: no {MANIFEST_NAME} (is this a price-table folder?)"])
    if isinstance(entry, Path) and entry.is_symlink():
        raise PriceTableError([f"{label}/{MANIFEST_NAME}: is a symbolic link; not read"])
    data = _bounded_bytes(entry, MAX_MANIFEST_BYTES, f"{label}/{MANIFEST_NAME}")
    try:
        manifest = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    except (ValueError, UnicodeDecodeError) as exc:
        raise PriceTableError([f"{label}/{MANIFEST_NAME}: not a readable CSV file ({exc})"]) from None
    missing = [c for c in MANIFEST_COLUMNS if c not in manifest.columns]
    if missing:
        raise PriceTableError([f"{label}/{MANIFEST_NAME}: missing column(s) {', '.join(missing)}"])
    return manifest


def _unlisted_files(folder: Folder, label: str, listed: set[str]) -> Iterable[str]:
    for cloud_dir in folder.iterdir():
        if not cloud_dir.is_dir() or cloud_dir.name.startswith(("_", ".")):
            continue
        for entry in cloud_dir.iterdir():
            name = f"{cloud_dir.name}/{entry.name}"
            if entry.name.endswith(".csv") and name not in listed:
                yield f"{label}/{name}: not listed in {MANIFEST_NAME}"


def parse_table(data: bytes, kind: TableKind, where: str, problems: list[str]) -> pd.DataFrame | None:
    """Parse one CSV of ``kind``; append problems; return the typed table or None if unusable."""
    try:
        raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, engine="pyarrow")
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError, ValueError) as exc:
        problems.append(f"{where}: not a readable CSV ({exc})".replace("\n", " "))
        return None
    expected = kind.column_names
    missing = [c for c in expected if c not in raw.columns]
    extra = [c for c in raw.columns if c not in expected]
    if missing:
        problems.append(f"{where}: missing column(s) {', '.join(missing)} (a {kind.name} table has: {', '.join(expected)})")
    if extra:
        problems.append(f"{where}: unknown column(s) {', '.join(extra)} (a {kind.name} table has: {', '.join(expected)})")
    if missing:
        return None
    out = {c.name: _parse_column(raw[c.name], c, where, problems) for c in kind.columns}
    return pd.DataFrame(out)


def _lines(mask: np.ndarray) -> np.ndarray:
    """File line numbers of the flagged data rows (the header is line 1)."""
    return np.flatnonzero(mask) + 2


def _report(problems: list[str], where: str, col: str, mask: np.ndarray, values: pd.Series, what: str) -> None:
    lines = _lines(mask)
    for line in lines[:MAX_PROBLEMS_PER_COLUMN]:
        problems.append(f"{where}, line {line}, column {col}: {what} (found '{values.iloc[line - 2]}')")
    if len(lines) > MAX_PROBLEMS_PER_COLUMN:
        problems.append(f"{where}, column {col}: {len(lines) - MAX_PROBLEMS_PER_COLUMN} more rows with {what}")


def _bad_values(text: pd.Series, is_bad: Callable[[str], bool]) -> np.ndarray:
    """Mask of rows whose value fails ``is_bad``, testing each distinct value once."""
    bad = [v for v in text.unique() if is_bad(v)]
    return text.isin(bad).to_numpy() if bad else np.zeros(len(text), dtype=bool)


def _is_date(value: str) -> bool:
    try:
        return len(value) == 10 and bool(dt.date.fromisoformat(value))
    except ValueError:
        return False


def _parse_column(raw: pd.Series, col: Column, where: str, problems: list[str]) -> pd.Series:
    text = raw
    empty = (text == "").to_numpy()
    if col.required and empty.any():
        _report(problems, where, col.name, empty, raw, "empty value")
    if col.dtype == "str":
        spaced = _bad_values(text, lambda v: v != v.strip())
        if spaced.any():
            _report(problems, where, col.name, spaced, raw, "leading or trailing spaces")
        if col.allowed is not None:
            bad = ~text.isin(col.allowed).to_numpy() & ~empty
            if bad.any():
                _report(problems, where, col.name, bad, raw, f"not one of {', '.join(sorted(col.allowed))}")
        return text
    if col.dtype == "date":
        bad = _bad_values(text, lambda v: v != "" and not _is_date(v))
        if bad.any():
            _report(problems, where, col.name, bad, raw, "not a date (YYYY-MM-DD)")
        return text
    numbers = pd.to_numeric(text.where(~empty), errors="coerce").astype("float64")
    values = numbers.to_numpy()
    bad = np.isnan(values) & ~empty
    if bad.any():
        _report(problems, where, col.name, bad, raw, "not a number")
    if np.isinf(values).any():
        _report(problems, where, col.name, np.isinf(values), raw, "not a finite number")
    if col.nonnegative and (values < 0).any():
        _report(problems, where, col.name, values < 0, raw, "negative value")
    if col.positive and (values <= 0).any():
        _report(problems, where, col.name, values <= 0, raw, "must be greater than zero")
    if col.dtype == "int":
        frac = ~np.isnan(values) & (values != np.round(values))
        if frac.any():
            _report(problems, where, col.name, frac, raw, "not a whole number")
    return numbers


def _concat(frames: list[pd.DataFrame], kind: TableKind) -> pd.DataFrame:
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="float64" if t.dtype in ("float", "int") else object)
                             for c, t in ((c.name, c) for c in kind.columns)}).assign(cloud="", _file="", _line=0)
    return pd.concat(frames, ignore_index=True)


def _duplicates(table: pd.DataFrame, kind: TableKind, label: str) -> Iterable[str]:
    key = ["cloud", *kind.key]
    dup = table.duplicated(key, keep=False)
    if not dup.any():
        return
    for _, group in list(table[dup].groupby(key, dropna=False, sort=False))[:MAX_PROBLEMS_PER_COLUMN]:
        first = group.iloc[0]
        desc = ", ".join(f"{k}={first[k]}" for k in kind.key if str(first[k]) not in ("", "nan"))
        places = " and ".join(f"{f}, line {n}" for f, n in zip(group._file, group._line))
        yield f"{places}: duplicate {kind.name} key ({desc})"


def _cross_checks(tables: dict[str, pd.DataFrame], label: str) -> Iterable[str]:
    known_sources = _distinct(tables["sources"], ["cloud", "source_id"])
    for kind in ("instance_prices", "service_prices", "regions"):
        cited = _distinct(tables[kind], ["cloud", "source_id"])
        for cloud, source in sorted(cited - known_sources):
            yield f"{label}: {kind} cites source_id '{source}' ({cloud}) that no sources table defines"
    have = _distinct(tables["instance_specs"], ["cloud", "service", "sku"])
    need = _distinct(tables["instance_prices"], ["cloud", "service", "sku"])
    for cloud, service, sku in sorted(need - have)[:MAX_PROBLEMS_PER_COLUMN]:
        yield f"{label}: {service} SKU '{sku}' ({cloud}) has prices but no row in an instance_specs table"


def _distinct(table: pd.DataFrame, cols: list[str]) -> set[tuple[str, ...]]:
    return set(table[cols].drop_duplicates().itertuples(index=False, name=None))
