"""Bills of materials: priced lines, vectorised over scenarios.

A line is (scenario row, option, component, service, SKU, quantity, unit,
unit price, monthly USD) plus the region and the provenance of its price
(``prices_as_of``, ``source_id``). Builders take arrays (one element per
scenario row) and look prices up in the :class:`PriceBook` in one go.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping

import numpy as np
import numpy.typing as npt
import pandas as pd

from planner.base.codes import factorized
from planner.clouds.catalog import PriceRef
from planner.pricing.book import PriceBook
from planner.workload.vocabulary import PRICE_OPTION_LABELS

BOM_COLUMNS = ["row", "option", "component", "service", "sku", "quantity", "unit", "unit_usd", "monthly_usd",
               "region", "prices_as_of", "source_id", "note"]


def _arr(value: npt.ArrayLike | str, n: int) -> np.ndarray:
    """A scalar or a length-n array as a length-n array: text as objects, numbers as floats."""
    a = value if isinstance(value, np.ndarray) else np.asarray(value)
    kind = a.dtype.kind
    if kind in "US":
        a = a.astype(object)
    elif kind not in "Of":
        a = a.astype(float)
    return a if a.ndim == 1 else np.full(n, a[()], dtype=a.dtype)


# the source of a line priced by the workload's policy (an assumption the plan states) rather than a price table
ASSUMPTION_SOURCE = "planner-assumption"


class BomBuilder:
    """Collects priced lines for ``n`` scenarios.

    Always keeps each option's monthly total per scenario (:attr:`totals`) and
    the lines it could not price (:attr:`missing`); with ``detail`` also every
    line (:meth:`frame`). Batches run without detail: a plan's dozens of lines
    times a hundred thousand scenarios are not needed to rank the options.
    """

    def __init__(self, book: PriceBook, cloud: str, n: int, *, detail: bool = True) -> None:
        self.book = book
        self.cloud = cloud
        self.detail = detail
        self.totals: dict[str, np.ndarray] = {}
        self.missing: dict[str, dict[int, list[str]]] = {}
        self._n = n
        # each part: its line count and its columns, an array or one value for all its lines
        self._parts: list[tuple[int, dict[str, object]]] = []
        self._shared: dict[Hashable, tuple[np.ndarray, dict[int, list[str]], list[tuple[int, dict[str, object]]]]] = {}

    def shared(self, group: Hashable, option: str, bill: Callable[[str], None]) -> None:
        """Lines every option has alike (the database, its backups, egress, ...): ``bill(option_name)`` prices
        them once per run, under a group key (a name, or whatever else tells apart what is billed); each option
        then gets a copy of them (totals, missing prices, and the lines themselves in detail mode) at this point
        of its bill."""
        if group not in self._shared:
            key = f"\x00shared {len(self._shared)}"
            start = len(self._parts)
            bill(key)
            parts = self._parts[start:]
            del self._parts[start:]
            self._shared[group] = (self.totals.pop(key, np.zeros(self._n)), self.missing.pop(key, {}), parts)
        totals, missing, parts = self._shared[group]
        self.totals[option] = self.totals.setdefault(option, np.zeros(self._n)) + totals
        where = self.missing.setdefault(option, {})
        for row, what in missing.items():
            where.setdefault(row, []).extend(what)
        self._parts += [(count, {**columns, "option": option}) for count, columns in parts]

    def _add(self, rows: np.ndarray, option: str, component: str, service: str, sku: npt.ArrayLike,
             quantity: npt.ArrayLike, unit: str, unit_usd: npt.ArrayLike, region: npt.ArrayLike,
             prices_as_of: npt.ArrayLike, source_id: npt.ArrayLike, note: npt.ArrayLike | str = "") -> None:
        n = len(rows)
        if n == 0:
            return
        quantity = _arr(quantity, n).astype(float, copy=False)
        unit_usd = _arr(unit_usd, n).astype(float, copy=False)
        keep = quantity > 0
        if not keep.any():
            return
        monthly = quantity * unit_usd
        total = self.totals.setdefault(option, np.zeros(self._n))
        total[rows[keep]] += np.nan_to_num(monthly[keep])  # a call bills each scenario row at most once
        unpriced = keep & np.isnan(unit_usd)
        if unpriced.any():
            where = self.missing.setdefault(option, {})
            skus, regions = _arr(sku, n), _arr(region, n)
            for r, k, g in zip(rows[unpriced], skus[unpriced], regions[unpriced]):
                where.setdefault(int(r), []).append(f"{service} {k} in {g}")
        if not self.detail:
            return
        every = bool(keep.all())

        def kept(value: object) -> object:  # one value stays one value; arrays keep the priced lines
            if isinstance(value, np.ndarray) and value.ndim:
                return value if every else value[keep]
            return value.item() if isinstance(value, np.ndarray) else value

        columns = {
            "row": rows, "option": option, "component": component, "service": service, "sku": sku,
            "quantity": quantity, "unit": unit, "unit_usd": unit_usd, "monthly_usd": monthly,
            "region": region, "prices_as_of": prices_as_of, "source_id": source_id, "note": note,
        }
        self._parts.append((int(keep.sum()), {k: kept(v) for k, v in columns.items()}))

    def assumed(self, rows: np.ndarray, option: str, component: str, sku: str, quantity: npt.ArrayLike, unit: str,
                unit_usd: float, region: npt.ArrayLike, note: str) -> None:
        """A line priced by the workload's policy, an assumption the plan states (``note`` names the policy
        field), not by a price table: its source is :data:`ASSUMPTION_SOURCE`."""
        self._add(rows, option, component, "planner", sku, quantity, unit, np.full(len(rows), float(unit_usd)),
                  region, "", ASSUMPTION_SOURCE, note)

    def instance_hours(self, rows: np.ndarray, option: str, component: str, service: str, region: npt.ArrayLike,
                       sku: npt.ArrayLike, hours: npt.ArrayLike, purchase: npt.ArrayLike | str = "on_demand",
                       engine: npt.ArrayLike | str = "", deployment: npt.ArrayLike | str = "",
                       fallback_purchase: str = "on_demand", fallback_region: npt.ArrayLike | None = None,
                       extra_note: npt.ArrayLike | str = "") -> None:
        """Instance-hours of a SKU. Where the purchase option has no price, the ``fallback_purchase`` price
        is used; where the region has no price for the SKU, the ``fallback_region`` price (both noted)."""
        n = len(rows)
        if n == 0:
            return
        region, sku = _arr(region, n), _arr(sku, n)
        purchase, engine, deployment = _arr(purchase, n), _arr(engine, n), _arr(deployment, n)
        book = self.book
        pos = book.instance_positions(self.cloud, region, service, sku, purchase, engine, deployment)
        note = np.full(n, "", dtype=object)  # what the line says about its price; read only in detail mode
        if self.detail:
            codes, options = factorized(purchase)
            note = np.array(["" if o == "on_demand" else f"{PRICE_OPTION_LABELS.get(o, o)} rate" for o in options],
                            dtype=object)[codes]
        miss = pos < 0
        if miss.any():
            alt = book.instance_positions(self.cloud, region[miss], service, sku[miss], fallback_purchase,
                                          engine[miss], deployment[miss])
            pos[miss] = alt
            if self.detail:
                changed = miss & (purchase != fallback_purchase)
                note[changed] = [f"no {p} price; {fallback_purchase} used" for p in purchase[changed]]
        miss = pos < 0
        if miss.any() and fallback_region is not None:
            fb = _arr(fallback_region, n)
            pos[miss] = book.instance_positions(self.cloud, fb[miss], service, sku[miss], fallback_purchase,
                                                engine[miss], deployment[miss])
            if self.detail:
                note[miss] = [f"{s} not priced in {r}; {f} price used"
                              for s, r, f in zip(sku[miss], region[miss], fb[miss])]
        p = book.instance_arrays
        ok = pos >= 0
        safe = np.where(ok, pos, 0)
        unit_usd = np.where(ok, p["hourly_usd"][safe], np.nan)
        dates = np.where(ok, p["prices_as_of"][safe], "") if self.detail else ""
        sources = np.where(ok, p["source_id"][safe], "missing") if self.detail else ""
        if self.detail:  # a class priced in another region and scaled says so, as service lines do
            est = np.char.startswith(sources.astype(str), "estimate")
            note[est] = [f"{n}; estimated price" if n else "estimated price" for n in note[est]]
            if "overlay_note" in p:
                note = _joined(note, np.where(ok, p["overlay_note"][safe], ""))
            note = _joined(note, _arr(extra_note, n))
        self._add(rows, option, component, service, sku, hours, "hour", unit_usd, region, dates, sources, note)

    def service_units(self, rows: np.ndarray, option: str, component: str, service: str, item: str,
                      region: npt.ArrayLike, quantity: npt.ArrayLike, dimension: str = "", sku: str = "",
                      note: str = "") -> None:
        """Units of a flat-priced service item (unit from the price table)."""
        n = len(rows)
        if n == 0:
            return
        region = _arr(region, n)
        pos = self.book.service_positions(self.cloud, region, service, item, dimension)
        s = self.book.service_arrays
        ok = pos >= 0
        safe = np.where(ok, pos, 0)
        unit = s["unit"][safe[0]] if ok.any() else ""
        provenance: tuple[object, object, object] = ("", "", "")  # read only in detail mode
        if self.detail:
            notes = np.where(s["estimated"][safe] & ok, "estimated price", note)
            if "overlay_note" in s:
                notes = _joined(notes.astype(object), np.where(ok, s["overlay_note"][safe], ""))
            provenance = (np.where(ok, s["prices_as_of"][safe], ""), np.where(ok, s["source_id"][safe], "missing"),
                          notes)
        self._add(rows, option, component, service, sku or item, quantity, unit,
                  np.where(ok, s["usd_per_unit"][safe], np.nan), region, *provenance)

    def tiered_units(self, rows: np.ndarray, option: str, component: str, service: str, item: str,
                     region: npt.ArrayLike, quantity: npt.ArrayLike, dimension: str = "", free_units: float = 0.0,
                     sku: str = "") -> None:
        """Units of a tiered item; the unit price shown is the blended rate (cost / quantity).

        ``free_units`` come off the top of the quantity first (an always-free allowance)."""
        n = len(rows)
        if n == 0:
            return
        region = _arr(region, n)
        quantity = _arr(quantity, n).astype(float)
        billable = np.maximum(quantity - free_units, 0.0)
        cost = np.zeros(n)
        detail = self.detail  # the provenance and labels are read only in detail mode
        dates = np.full(n, "", dtype=object) if detail else ""
        sources = np.full(n, "", dtype=object) if detail else ""
        label = np.full(n, sku or item, dtype=object) if detail else sku or item
        unit = ""
        negotiated = set()  # overlay notes of the regions' schedules (planner.pricing.overlay)
        codes, regions = factorized(region)
        for i, r in enumerate(regions):
            sel = codes == i if len(regions) > 1 else slice(None)
            tiers = self.book.tiers(self.cloud, r, service, item, dimension)
            cost[sel] = tiers.cost_usd(billable[sel])
            unit = tiers.unit
            negotiated.add(tiers.overlay_note)
            if not detail:
                continue
            dates[sel], sources[sel] = tiers.prices_as_of, tiers.source_id
            # past the list's last tier: its rate, an estimate the line says
            beyond = np.zeros(n, dtype=bool)
            beyond[sel] = tiers.beyond_list(billable[sel])
            label[beyond] = (f"{sku or item}; beyond the list's last tier ({tiers.tier_end[-1]:,.0f} {tiers.unit}) at "
                             "its rate, an estimate")
        with np.errstate(divide="ignore", invalid="ignore"):
            blended = np.where(quantity > 0, cost / quantity, 0.0)
        note = f"tiered; first {free_units:g} {unit} free" if free_units else "tiered"
        note = "; ".join([note, *sorted(n for n in negotiated if n)])
        self._add(rows, option, component, service, label, quantity, unit, blended, region, dates, sources,
                  note)

    def priced(self, rows: np.ndarray, option: str, component: str, ref: PriceRef | None, region: npt.ArrayLike,
               quantity: npt.ArrayLike, *, fill: Mapping[str, str] | None = None, free_units: float = 0.0,
               sku: str = "", note: str | None = None) -> None:
        """Units of a cloud catalog's price reference (nothing where the cloud does not bill the role), its
        ``{name}`` placeholders filled from ``fill``: the quantity converted by ``ref.per_unit``, flat or tiered
        as the reference says; ``free_units`` (in the price's unit) come off a tiered quantity."""
        if ref is None or len(rows) == 0:
            return
        if fill:
            ref = ref.formatted(**fill)
        quantity = np.asarray(quantity, dtype=float) * ref.per_unit if ref.per_unit != 1 else quantity
        label = sku or ref.sku
        if ref.tiered:
            self.tiered_units(rows, option, component, ref.service, ref.item, region, quantity,
                              dimension=ref.dimension, free_units=free_units, sku=label)
        else:
            self.service_units(rows, option, component, ref.service, ref.item, region, quantity,
                               dimension=ref.dimension, sku=label, note=ref.note if note is None else note)

    def columns(self) -> dict[str, np.ndarray]:
        """Every line so far, column by column (:data:`BOM_COLUMNS`)."""
        counts = [count for count, _ in self._parts]
        out = {}
        for c in BOM_COLUMNS:
            values = [columns[c] for _, columns in self._parts]
            kind = float if c in _NUMERIC else object
            if not any(isinstance(v, np.ndarray) for v in values):  # one value per part: repeat each
                out[c] = np.repeat(np.array(values, dtype=kind), counts)
            else:
                out[c] = np.concatenate([np.asarray(v, dtype=kind) if isinstance(v, np.ndarray)
                                         else np.full(k, v, dtype=kind) for v, k in zip(values, counts)])
        out["row"] = out["row"].astype(int)
        return out

    def frame(self) -> pd.DataFrame:
        return bom_frame(self.columns())


_NUMERIC = ("row", "quantity", "unit_usd", "monthly_usd")


def _joined(notes: np.ndarray, more: np.ndarray) -> np.ndarray:
    """Two note columns as one: ``a; b`` where both are given."""
    return np.array([f"{a}; {b}" if a and b else (a or b) for a, b in zip(notes, more)], dtype=object)


def bom_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Bill-of-materials columns as a frame with :data:`BOM_COLUMNS` (empty ones keep the columns)."""
    return pd.DataFrame({c: columns[c] for c in BOM_COLUMNS})
