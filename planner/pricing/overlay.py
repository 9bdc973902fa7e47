"""Negotiated prices: an organisation's discounts and contract rates laid over the public price book.

An overlay is a CSV with any of the columns ``cloud``, ``service``, ``family``, ``sku``, ``discount_pct``,
``hourly_usd`` (one row per agreement; an empty cell or ``*`` matches everything). ``discount_pct`` takes that
share off every matching price (instances in every purchase option, and service prices); ``hourly_usd``
replaces the on-demand hourly price of the matching instance SKUs. Where several rows match a price, the most
specific (most columns given) wins, then the later row. Every line billed at an overlaid price says so in the
bill of materials (``negotiated: ...``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from planner.base.errors import PriceTableError, unknown_name
from planner.base.input_files import InputFileError, read_limited
from planner.base.numbers import NotANumber, parse_number
from planner.pricing.book import PriceBook, default_book

COLUMNS = ("cloud", "service", "family", "sku", "discount_pct", "hourly_usd")
MAX_OVERLAY_BYTES = 2_000_000
MAX_DISCOUNT_PCT = 90.0  # beyond it a row is taken for a mistake (the share paid, not the share off): refused
MAX_SUGGESTED = 20  # unknown names given close matches (each a scan of thousands of names); the rest named only
ANY = {"", "*"}


@dataclass(frozen=True)
class OverlayRow:
    line: int
    cloud: str
    service: str
    family: str
    sku: str
    discount_pct: float | None
    hourly_usd: float | None

    @property
    def specificity(self) -> int:
        return sum(v not in ANY for v in (self.cloud, self.service, self.family, self.sku))

    def describe(self, source: str) -> str:
        what = (f"-{self.discount_pct:g}%" if self.discount_pct is not None else "") + (
            f"{' ' if self.discount_pct is not None else ''}${self.hourly_usd:g}/h" if self.hourly_usd is not None
            else "")
        return f"negotiated {what} ({Path(source).name} line {self.line})"


@dataclass(frozen=True)
class Overlay:
    source: str
    rows: tuple[OverlayRow, ...]
    digest: str  # of the file's bytes: what a cache of overlaid plans is keyed by

    def clouds(self) -> set[str]:
        return {r.cloud for r in self.rows if r.cloud not in ANY}


def read_overlay(path: str | Path, data: bytes | None = None) -> Overlay:
    """Parse and check an overlay CSV (names are checked against the price book by :func:`check_overlay`).
    Every problem is reported with the file, line and column."""
    overlay, problems = _parse(path, data)
    if problems:
        raise OverlayError(problems)
    return overlay


class OverlayError(PriceTableError):
    """A price overlay failed its checks: one message per fault, each with file, line and column."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(problems, what="the price overlay", limit=20)


def _parse(path: str | Path, data: bytes | None) -> tuple[Overlay, list[str]]:
    """The overlay's good rows and every problem of the file, its header and its rows."""
    source = str(path)
    if data is None:
        try:
            data = read_limited(path, MAX_OVERLAY_BYTES, "price overlay")
        except InputFileError as exc:
            raise OverlayError([f"{exc}: a price overlay is at most {MAX_OVERLAY_BYTES:,} bytes" if exc.too_large
                                else str(exc)]) from None
    elif len(data) > MAX_OVERLAY_BYTES:  # an upload, already in memory: the same limit
        raise OverlayError([f"{source}: is {len(data):,} bytes: a price overlay is at most {MAX_OVERLAY_BYTES:,} bytes"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise OverlayError([f"{source}: not UTF-8 text (expected a CSV)"]) from None
    try:
        records = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise OverlayError([f"{source}: not a readable CSV ({exc})"]) from None
    records = [r for r in records if any(c.strip() for c in r)]
    if not records:
        raise OverlayError([f"{source}: empty (expected a header with some of: {', '.join(COLUMNS)})"])
    header = [h.strip() for h in records[0]]
    problems = [str(unknown_name("overlay column", h, COLUMNS, context=f"in {source}")) for h in header
                if h not in COLUMNS]
    if "discount_pct" not in header and "hourly_usd" not in header:
        problems.append(f"{source}: needs a discount_pct or an hourly_usd column")
    if problems:
        raise OverlayError(problems)
    rows = []
    for line, record in enumerate(records[1:], start=2):
        if len(record) > len(header):
            problems.append(f"{source}, line {line}: {len(record)} cells where the header has {len(header)}")
            continue
        cell = dict(zip(header, [c.strip() for c in record]))
        discount = _number(cell.get("discount_pct", ""), source, line, "discount_pct", problems)
        hourly = _number(cell.get("hourly_usd", ""), source, line, "hourly_usd", problems)
        before = len(problems)
        if discount is not None and not 0 <= discount <= MAX_DISCOUNT_PCT:
            problems.append(f"{source}, line {line}, column discount_pct: {discount:g} is outside 0-{MAX_DISCOUNT_PCT:g} "
                            "% (a discount takes that share off the list price; a contract rate goes in hourly_usd)")
        if hourly is not None and hourly <= 0:  # a $0 contract rate is a free plan without a word: a mistake
            problems.append(f"{source}, line {line}, column hourly_usd: {hourly:g} is " + (
                "a negative price" if hourly < 0 else "not a price (a contract rate must be above 0)"))
        if discount is None and hourly is None and len(problems) == before:
            problems.append(f"{source}, line {line}: neither discount_pct nor hourly_usd is given")
        if hourly is not None and cell.get("sku", "") in ANY:
            problems.append(f"{source}, line {line}, column hourly_usd: an hourly price needs the sku it is for")
        # a row with a bad value is reported; its names are still checked (every problem in one go)
        rows.append(OverlayRow(line, cell.get("cloud", ""), cell.get("service", ""), cell.get("family", ""),
                               cell.get("sku", ""), discount, hourly))
    return Overlay(source, tuple(rows), hashlib.sha256(data).hexdigest()[:16]), problems


def _number(text: str, source: str, line: int, column: str, problems: list[str]) -> float | None:
    """A cell read by the one number parser (``10%`` taken as 10); None (and a problem) when it is no number."""
    if text == "":
        return None
    try:
        return parse_number(text.removesuffix("%") if column == "discount_pct" else text)
    except NotANumber as exc:
        problems.append(f"{source}, line {line}, column {column}: '{text}' is not a number ({exc})")
        return None


def check_overlay(overlay: Overlay, book_for: object, problems: list[str] | None = None) -> None:
    """Every cloud, service, family and SKU an overlay names exists (``book_for(cloud)`` gives the cloud's
    book; a row for any cloud names things of at least one); unknown names are reported with close matches,
    with file, line and column (after ``problems`` already found). Books are loaded only for rows that name
    something to check.

    Each distinct combination of names is checked once (a file repeating a row a thousand times costs one
    check), against name sets built once per cloud, and only the first :data:`MAX_SUGGESTED` unknown names are
    given close matches: the work grows with the file, not with the file times the price book."""
    names = _Names(book_for)
    verdicts: dict[tuple[str, str, str, str], tuple[str, str] | None] = {}
    problems = list(problems or [])
    for r in overlay.rows:
        key = (r.cloud, r.service, r.family, r.sku)
        if key not in verdicts:
            verdicts[key] = names.check(*key)
        if verdicts[key] is not None:
            column, message = verdicts[key]  # type: ignore[misc]
            problems.append(f"{overlay.source}, line {r.line}, column {column}: {message}")
    problems.sort(key=_line_of)
    if problems:
        raise OverlayError(problems)


class _Names:
    """The names an overlay row may use, per cloud (or every cloud), each set built once."""

    def __init__(self, book_for: object) -> None:
        from planner.clouds import catalogs

        self.clouds = list(catalogs())
        self.book_for = book_for
        self.suggested = 0
        self._sets: dict[tuple[object, ...], set[str]] = {}
        self._books: dict[str, object] = {}

    def _book(self, cloud: str) -> object:
        if cloud not in self._books:
            self._books[cloud] = self.book_for(cloud)  # type: ignore[operator]
        return self._books[cloud]

    def check(self, cloud: str, service: str, family: str, sku: str) -> tuple[str, str] | None:
        """(column, message) of the first unknown name of a row, or None when all are known."""
        if cloud not in ANY and cloud not in self.clouds:
            return "cloud", self._unknown("cloud", cloud, set(self.clouds))
        if all(v in ANY for v in (service, family, sku)):
            return None
        scope = (cloud,) if cloud not in ANY else tuple(self.clouds)
        label = cloud if cloud not in ANY else "any cloud's"
        if service not in ANY and service not in self._services(scope):
            return "service", self._unknown(f"{label} service", service, self._services(scope))
        for column, kind in (("family", "instance family"), ("sku", "SKU")):
            value = family if column == "family" else sku
            known = self._specs(scope, service if service not in ANY else "", column)
            if value not in ANY and value not in known:
                return column, self._unknown(f"{label} {kind}", value, known)
        return None

    def _services(self, scope: tuple[str, ...]) -> set[str]:
        if ("services", scope) not in self._sets:
            books = [self._book(c) for c in scope]
            self._sets["services", scope] = {s for b in books for t in (b.instance_prices, b.service_prices)
                                             for s in t.service.unique()}
        return self._sets["services", scope]

    def _specs(self, scope: tuple[str, ...], service: str, column: str) -> set[str]:
        if ("specs", scope, service, column) not in self._sets:
            values: set[str] = set()
            for c in scope:
                specs = self._book(c).specs  # type: ignore[attr-defined]
                values.update((specs if not service else specs[specs.service == service])[column].unique())
            self._sets["specs", scope, service, column] = values
        return self._sets["specs", scope, service, column]

    def _unknown(self, kind: str, value: str, known: set[str]) -> str:
        self.suggested += 1
        if self.suggested > MAX_SUGGESTED:
            return f"unknown {kind} '{value}'"
        return str(unknown_name(kind, value, known))


def _line_of(problem: str) -> int:
    mark = problem.find(", line ")
    return int(problem[mark + 7:].split(",")[0].split(":")[0]) if mark >= 0 else 0


def apply_overlay(book: object, overlay: Overlay) -> object:
    """A copy of ``book`` (a :class:`~planner.pricing.book.PriceBook`) with the overlay's prices, and each
    overlaid row's note (``overlay_note``); the original is unchanged. The copy has no on-disk cache."""
    assert isinstance(book, PriceBook)
    inst = book.instance_prices.copy()
    svc = book.service_prices.copy()
    family = book.specs.drop_duplicates(["cloud", "service", "sku"]).set_index(["cloud", "service", "sku"]).family
    inst_family = family.reindex(pd.MultiIndex.from_frame(inst[["cloud", "service", "sku"]])).fillna("").to_numpy()
    rows = _effective(overlay.rows)
    best_i = _winners(rows, {"cloud": inst.cloud.to_numpy(dtype=object), "service": inst.service.to_numpy(dtype=object),
                             "family": inst_family, "sku": inst.sku.to_numpy(dtype=object)})
    # service items have no family or SKU: only rows naming neither apply to them
    best_s = _winners([r if r.family in ANY and r.sku in ANY else None for r in rows],
                      {"cloud": svc.cloud.to_numpy(dtype=object), "service": svc.service.to_numpy(dtype=object)})
    discount = np.array([np.nan if r.discount_pct is None else r.discount_pct for r in rows] + [np.nan])
    hourly = np.array([np.nan if r.hourly_usd is None else r.hourly_usd for r in rows] + [np.nan])
    notes = np.array([r.describe(overlay.source) for r in rows] + [""], dtype=object)  # index -1: no row
    price = inst.hourly_usd.to_numpy(dtype=float)
    contract = ~np.isnan(hourly[best_i]) & (inst.option.to_numpy(dtype=object) == "on_demand")
    price = np.where(contract, hourly[best_i], price)
    off = discount[best_i]
    inst["hourly_usd"] = np.where(np.isnan(off), price, price * (1 - off / 100))
    inst["overlay_note"] = notes[best_i]
    off = discount[best_s]  # a row without a discount leaves service prices as listed, and says nothing
    svc["usd_per_unit"] = np.where(np.isnan(off), svc.usd_per_unit.to_numpy(dtype=float),
                                   svc.usd_per_unit.to_numpy(dtype=float) * (1 - off / 100))
    svc["overlay_note"] = np.where(np.isnan(off), "", notes[best_s])
    tables = {"instance_specs": book.specs, "instance_prices": inst, "service_prices": svc,
              "regions": book.region_table, "sources": book.sources}
    return PriceBook(book.manifest, tables, label=f"{book.label} + {overlay.source}")


def overlaid_book(cloud: str, overlay: Overlay | None) -> object:
    """The book of ``cloud`` that plans use with ``overlay`` applied (that book itself without one)."""
    return default_book(cloud) if overlay is None else _overlaid(cloud, overlay)


@functools.lru_cache(maxsize=8)
def _overlaid(cloud: str, overlay: Overlay) -> object:
    return apply_overlay(default_book(cloud), overlay)


def load_overlay(path: str | Path | None, data: bytes | None = None) -> Overlay | None:
    """``--prices FILE`` (or an uploaded file's ``data``): the overlay read and checked against the bundled
    books, every problem reported at once (None without a file)."""
    if path is None:
        return None
    overlay, problems = _parse(path, data)
    check_overlay(overlay, default_book, problems)
    return overlay


def _effective(rows: tuple[OverlayRow, ...]) -> list[OverlayRow]:
    """The rows that can win, in the order they are laid on (least specific first, then by line): of rows naming
    the same things only the last can win, so a file repeating one row a thousand times is laid on once."""
    last = {(r.cloud, r.service, r.family, r.sku): r for r in rows}
    return sorted(last.values(), key=lambda r: (r.specificity, r.line))


def _winners(rows: list[OverlayRow | None], keys: dict[str, np.ndarray]) -> np.ndarray:
    """For each price row (its ``keys`` columns), the index in ``rows`` of the row laid on it last (-1: none).

    Rows are matched through an index of the price rows per combination of named columns (at most 16, each
    built once), so the work is the table's size times the combinations used plus the rows matched, not the
    table's size times the overlay's rows."""
    n = len(next(iter(keys.values())))
    best = np.full(n, -1)
    indexes: dict[tuple[str, ...], dict[tuple[str, ...], np.ndarray]] = {}
    for j, r in enumerate(rows):
        if r is None:
            continue
        named = tuple(c for c in keys if getattr(r, c) not in ANY)
        if named not in indexes:
            frame = pd.DataFrame({c: keys[c] for c in named})
            indexes[named] = (frame.groupby(list(named), sort=False).indices if named else {(): np.arange(n)})
        hit = indexes[named].get(tuple(getattr(r, c) for c in named) if len(named) != 1 else getattr(r, named[0]))
        if hit is not None:
            best[hit] = j
    return best
