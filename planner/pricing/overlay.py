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

from planner.errors import PriceTableError, unknown_name

COLUMNS = ("cloud", "service", "family", "sku", "discount_pct", "hourly_usd")
MAX_OVERLAY_BYTES = 2_000_000
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
        super().__init__(problems, what="the price overlay")


def _parse(path: str | Path, data: bytes | None) -> tuple[Overlay, list[str]]:
    """The overlay's good rows and every problem of the file, its header and its rows."""
    source = str(path)
    if data is None:
        p = Path(path)
        if not p.is_file():
            raise OverlayError([f"{source}: no such file" if not p.exists() else f"{source}: not a file"])
        if p.stat().st_size > MAX_OVERLAY_BYTES:
            raise OverlayError([f"{source}: larger than {MAX_OVERLAY_BYTES:,} bytes: not a price overlay"])
        data = p.read_bytes()
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
        if discount is not None and not 0 <= discount <= 100:
            problems.append(f"{source}, line {line}, column discount_pct: {discount:g} is outside 0-100 %")
        if hourly is not None and hourly < 0:
            problems.append(f"{source}, line {line}, column hourly_usd: {hourly:g} is a negative price")
        if discount is None and hourly is None and len(problems) == before:
            problems.append(f"{source}, line {line}: neither discount_pct nor hourly_usd is given")
        if hourly is not None and cell.get("sku", "") in ANY:
            problems.append(f"{source}, line {line}, column hourly_usd: an hourly price needs the sku it is for")
        # a row with a bad value is reported; its names are still checked (every problem in one go)
        rows.append(OverlayRow(line, cell.get("cloud", ""), cell.get("service", ""), cell.get("family", ""),
                               cell.get("sku", ""), discount, hourly))
    return Overlay(source, tuple(rows), hashlib.sha256(data).hexdigest()[:16]), problems


def _number(text: str, source: str, line: int, column: str, problems: list[str]) -> float | None:
    if text == "":
        return None
    try:
        value = float(text.rstrip("%"))
    except ValueError:
        problems.append(f"{source}, line {line}, column {column}: '{text}' is not a number")
        return None
    if not np.isfinite(value):
        problems.append(f"{source}, line {line}, column {column}: '{text}' is not a finite number")
        return None
    return value


def check_overlay(overlay: Overlay, book_for: object, problems: list[str] | None = None) -> None:
    """Every cloud, service, family and SKU an overlay names exists (``book_for(cloud)`` gives the cloud's
    book; a row for any cloud names things of at least one); unknown names are reported with close matches,
    with file, line and column (after ``problems`` already found). Books are loaded only for rows that name
    something to check."""
    from planner.clouds import catalogs

    problems = list(problems or [])
    for r in overlay.rows:
        where = f"{overlay.source}, line {r.line}"
        if r.cloud not in ANY and r.cloud not in catalogs():
            problems.append(f"{where}, column cloud: {unknown_name('cloud', r.cloud, catalogs())}")
            continue
        if all(v in ANY for v in (r.service, r.family, r.sku)):
            continue
        clouds = [r.cloud] if r.cloud not in ANY else list(catalogs())
        scope = r.cloud if r.cloud not in ANY else "any cloud's"
        books = [book_for(c) for c in clouds]  # type: ignore[operator]
        services = {s for b in books for s in (*b.instance_prices.service, *b.service_prices.service)}
        if r.service not in ANY and r.service not in services:
            problems.append(f"{where}, column service: {unknown_name(f'{scope} service', r.service, services)}")
            continue
        specs = pd.concat([b.specs if r.service in ANY else b.specs[b.specs.service == r.service] for b in books])
        for column, label in (("family", "instance family"), ("sku", "SKU")):
            value = getattr(r, column)
            if value not in ANY and value not in set(specs[column]):
                problems.append(f"{where}, column {column}: {unknown_name(f'{scope} {label}', value, specs[column])}")
    problems.sort(key=_line_of)
    if problems:
        raise OverlayError(problems)


def _line_of(problem: str) -> int:
    mark = problem.find(", line ")
    return int(problem[mark + 7:].split(",")[0].split(":")[0]) if mark >= 0 else 0


def apply_overlay(book: object, overlay: Overlay) -> object:
    """A copy of ``book`` (a :class:`~planner.pricing.book.PriceBook`) with the overlay's prices, and each
    overlaid row's note (``overlay_note``); the original is unchanged. The copy has no on-disk cache."""
    from planner.pricing.book import PriceBook

    assert isinstance(book, PriceBook)
    inst = book.instance_prices.copy()
    svc = book.service_prices.copy()
    family = book.specs.drop_duplicates(["cloud", "service", "sku"]).set_index(["cloud", "service", "sku"]).family
    inst_family = family.reindex(pd.MultiIndex.from_frame(inst[["cloud", "service", "sku"]])).fillna("").to_numpy()
    inst["overlay_note"] = ""
    svc["overlay_note"] = ""
    best_i = np.full(len(inst), -1)
    best_s = np.full(len(svc), -1)
    for r in sorted(overlay.rows, key=lambda r: (r.specificity, r.line)):  # later (more specific) rows win
        hit = _matches(inst.cloud, r.cloud) & _matches(inst.service, r.service) & _matches(inst_family, r.family) \
            & _matches(inst.sku, r.sku)
        best_i = np.where(hit, r.line, best_i)
        if r.family in ANY and r.sku in ANY:  # service items have no family or SKU
            s_hit = _matches(svc.cloud, r.cloud) & _matches(svc.service, r.service)
            best_s = np.where(s_hit, r.line, best_s)
    by_line = {r.line: r for r in overlay.rows}
    for line in np.unique(best_i[best_i >= 0]):
        r, sel = by_line[int(line)], best_i == line
        price = inst.loc[sel, "hourly_usd"].to_numpy()
        if r.hourly_usd is not None:
            on_demand = (inst.loc[sel, "option"] == "on_demand").to_numpy()
            price = np.where(on_demand, r.hourly_usd, price)
        if r.discount_pct is not None:
            price = price * (1 - r.discount_pct / 100)
        inst.loc[sel, "hourly_usd"] = price
        inst.loc[sel, "overlay_note"] = r.describe(overlay.source)
    for line in np.unique(best_s[best_s >= 0]):
        r, sel = by_line[int(line)], best_s == line
        if r.discount_pct is not None:
            svc.loc[sel, "usd_per_unit"] = svc.loc[sel, "usd_per_unit"] * (1 - r.discount_pct / 100)
            svc.loc[sel, "overlay_note"] = r.describe(overlay.source)
    tables = {"instance_specs": book.specs, "instance_prices": inst, "service_prices": svc,
              "regions": book.region_table, "sources": book.sources}
    return PriceBook(book.manifest, tables, label=f"{book.label} + {overlay.source}")


def overlaid_book(cloud: str, overlay: Overlay | None) -> object:
    """The book of ``cloud`` that plans use with ``overlay`` applied (that book itself without one)."""
    from planner.pricing.book import default_book

    return default_book(cloud) if overlay is None else _overlaid(cloud, overlay)


@functools.lru_cache(maxsize=8)
def _overlaid(cloud: str, overlay: Overlay) -> object:
    from planner.pricing.book import default_book

    return apply_overlay(default_book(cloud), overlay)


def load_overlay(path: str | Path | None, data: bytes | None = None) -> Overlay | None:
    """``--prices FILE`` (or an uploaded file's ``data``): the overlay read and checked against the bundled
    books, every problem reported at once (None without a file)."""
    if path is None:
        return None
    from planner.pricing.book import default_book

    overlay, problems = _parse(path, data)
    check_overlay(overlay, default_book, problems)
    return overlay


def _matches(values: object, wanted: str) -> np.ndarray:
    values = np.asarray(values, dtype=object)
    return np.ones(len(values), dtype=bool) if wanted in ANY else values == wanted
