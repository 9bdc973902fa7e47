"""The :class:`PriceBook`: every bundled price, validated once, with lookups.

Lookups name a cloud, region, service and SKU (plus, for databases, engine and
deployment) and a purchase option. A scalar lookup returns a frozen record
carrying the price *and* its provenance; vectorised lookups return numpy
arrays for the batch engine. Unknown names raise
:class:`~planner.base.errors.UnknownNameError` listing close matches.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import pandas as pd

from planner.base.codes import factorized
from planner.base.errors import PlannerError, PriceTableError, unknown_name
from planner.pricing.book_state import LOOKUPS, TABLES
from planner.pricing.loader import Folder, bundled_folder, load_tables, manifest_clouds, read_manifest
from planner.pricing.packed import Deferred
from planner.pricing.tiers import Tiers
from planner.pricing.units import HOURS_PER_MONTH, PURCHASE_OPTIONS

# Engine and deployment assumed when a database lookup names neither.
DEFAULT_VARIANT: dict[str, tuple[str, str]] = {
    "ec2": ("", ""),
    "rds": ("postgresql", "single-az"),
    "elasticache": ("redis", ""),
    "cloudsql": ("postgresql", "single-az"),
    "memorystore": ("redis", ""),
    "postgresql_flexible": ("postgresql", "single-az"),
    "redis_cache": ("redis", ""),
}

T = TypeVar("T")
M = TypeVar("M")

INSTANCE_KEY = ["cloud", "region", "service", "sku", "engine", "deployment", "option"]
SERVICE_KEY = ["cloud", "region", "service", "item", "dimension"]


@dataclass(frozen=True)
class InstancePrice:
    """One instance price with where it came from."""

    cloud: str
    region: str
    service: str
    sku: str
    engine: str
    deployment: str
    option: str
    hourly_usd: float
    upfront_usd: float
    payment: str
    interruption: str
    prices_as_of: str
    source_id: str
    notes: str

    @property
    def monthly_usd(self) -> float:
        """Hourly price x 730 hours (plus nothing: upfront is already in the effective rate)."""
        return self.hourly_usd * HOURS_PER_MONTH

    def as_dict(self) -> dict[str, object]:
        d = dict(self.__dict__)
        d["monthly_usd"] = self.monthly_usd
        d["hours_per_month"] = HOURS_PER_MONTH
        return d


@dataclass(frozen=True)
class ServicePrice:
    """One flat (untiered) service price with where it came from."""

    cloud: str
    region: str
    service: str
    item: str
    dimension: str
    unit: str
    usd_per_unit: float
    prices_as_of: str
    source_id: str
    notes: str


class PriceBook:
    """All price tables of one folder, validated on load. Build with :meth:`load`."""

    def __init__(self, manifest: pd.DataFrame, tables: dict[str, pd.DataFrame], label: str) -> None:
        self.label = label
        self.manifest = manifest
        self.specs = tables["instance_specs"]
        self.instance_prices = tables["instance_prices"]
        self.service_prices = tables["service_prices"]
        self.region_table = tables["regions"]
        self.sources = tables["sources"]
        self._memo: dict[tuple[object, ...], object] = {}
        self.cache_key: str | None = None  # set when the book may be kept on disk (planner.pricing.cache)
        self.cached_memo_size = -1  # derived tables the cached copy holds (-1: not written yet)
        # the key of the pack the book was read from (None: read from its tables or a full cached copy); the
        # user's cache then keeps only what is derived beyond the pack
        self.packed_from: str | None = None
        self._packed_keys: frozenset[tuple[object, ...]] = frozenset()  # the derived tables the pack held

    # derived entries not worth keeping on disk: slices as large as the tables they come from, and small
    # per-region lookups that rebuild in a millisecond (keeping them would rewrite the cache on every new
    # region); the free allowances are global, few and slower to find, so they are kept
    TRANSIENT_MEMO = frozenset({"instance_rows", "tiers", "regions", "per_instance_usd", "unit_prices", "dr_rates",
                                "service_positions"})

    @property
    def instance_prices(self) -> pd.DataFrame:
        """Every instance price (150,000 rows). A book read from a pack decodes it when first asked for
        (:class:`~planner.pricing.packed.Deferred`): plans read prices through :attr:`instance_arrays` and the
        derived tables, so a plan's start need not decode it (40 ms and 35 MB)."""
        try:
            value = self.__dict__["instance_prices"]
        except KeyError:
            raise AttributeError("instance_prices") from None
        if isinstance(value, Deferred):
            value = self.__dict__["instance_prices"] = value.value()
        return value

    @instance_prices.setter
    def instance_prices(self, value: pd.DataFrame) -> None:
        self.__dict__["instance_prices"] = value

    # what a book read from a pack decodes when first asked for: the instance prices, and each derived table
    DEFERRED = frozenset({"instance_prices", "_memo"})

    def state(self) -> dict[str, object]:
        """What a pack keeps of the book (:mod:`planner.pricing.packed`): its tables, lookups and the derived
        tables worth keeping (:attr:`TRANSIENT_MEMO` aside); not where it was read from or how it is named."""
        return {k: v for k, v in self.__getstate__().items() if k in self.PACKED}

    def __getstate__(self) -> dict[str, object]:  # a pickle (a Dask worker's copy) keeps the name and key too
        self.decode_all()  # a Deferred (its lock) does not pickle, and a pack holds tables
        state = self.__dict__.copy()
        state.pop("_recent_factorized", None)  # arrays of one run, keyed by identity
        state["_memo"] = {k: v for k, v in list(self._memo.items()) if k[0] not in self.TRANSIENT_MEMO}
        return state

    # what a pack holds: the tables, the derived ones, and the lookups built from the tables (when built)
    PACKED = frozenset({*TABLES, *LOOKUPS, "_memo"})

    @classmethod
    def from_state(cls, state: dict[str, object]) -> PriceBook:
        """A book from :meth:`state` (as read back from a pack), named by its caller; a state that is not a
        book's raises :class:`~planner.pricing.packed.PackError` (:func:`planner.pricing.book_state.check_state`)."""
        from planner.pricing.book_state import check_state

        check_state(state, PACK_CLASSES)
        book = cls.__new__(cls)
        book.__dict__.update(state)
        book.label, book.cache_key, book.cached_memo_size, book.packed_from = "", None, -1, None
        book._packed_keys = frozenset()
        return book

    def decode_all(self) -> None:
        """Decode every table still as read from a pack (:attr:`DEFERRED`): before the book is copied (pickled
        for another process) or packed. A batch's forked workers do not need it: each decodes what it uses."""
        _ = self.instance_prices
        for key in list(self._memo):
            self.memo(key, _held)

    def kept_memo_size(self) -> int:
        """How many derived tables :meth:`state` keeps."""
        return sum(k[0] not in self.TRANSIENT_MEMO for k in self._memo)

    def memo(self, key: tuple[object, ...], build: Callable[[], M]) -> M:
        """Derived tables computed once per book (the book never changes after load)."""
        if key not in self._memo:
            self._memo[key] = build()
        value = self._memo[key]
        if isinstance(value, Deferred):  # read from a pack, decoded when first used
            value = self._memo[key] = value.value()
        return value  # type: ignore[return-value]

    @classmethod
    def load(cls, folder: Folder | str | None = None, clouds: Sequence[str] | None = None) -> PriceBook:
        """Load and validate a price-table folder (default: the bundled ``pricing_data``), every cloud's tables
        or those of ``clouds``."""
        if folder is None:
            return cls(*load_tables(bundled_folder(), "pricing_data", clouds), label="pricing_data")
        folder = Path(folder) if isinstance(folder, str) else folder
        label = str(folder)
        return cls(*load_tables(folder, label, clouds), label=label)

    # -- names ---------------------------------------------------------------

    def clouds(self) -> list[str]:
        return sorted(set(self.region_table.cloud))

    def regions(self, cloud: str = "aws") -> pd.DataFrame:
        """Regions of ``cloud`` with name, geography and usable AZ count (one shared frame: read, never change)."""
        self._check_cloud(cloud)
        return self.memo(("regions", cloud), lambda: self.region_table[self.region_table.cloud == cloud]
                         .drop(columns="cloud").reset_index(drop=True))

    def instance_services(self, cloud: str = "aws") -> list[str]:
        return sorted(set(self.instance_prices.service[self.instance_prices.cloud == cloud]))

    @property
    def prices_as_of(self) -> str:
        """Newest price date in the book."""
        return max(d for d in self.manifest.prices_as_of if d)

    @property
    def oldest_prices_as_of(self) -> str:
        return min(d for d in self.manifest.oldest_prices_as_of if d)

    def _check_cloud(self, cloud: str) -> None:
        if cloud not in self.clouds():
            raise unknown_name("cloud", cloud, self.clouds())

    def check_region(self, cloud: str, region: str) -> None:
        """Refuse a region this book does not price for ``cloud``, naming close matches (or the cloud it belongs
        to), and an unknown cloud."""
        self._check_cloud(cloud)
        known = self.region_table.region[self.region_table.cloud == cloud]
        if region not in set(known):
            raise unknown_region(cloud, region, known)

    # -- instances -----------------------------------------------------------

    def instance_rows(self, cloud: str, service: str) -> pd.DataFrame:
        """The instance prices of one cloud and service (split once, then reused)."""
        def build() -> dict[tuple[str, str], pd.DataFrame]:
            p = self.instance_prices
            return {k: p.iloc[v] for k, v in p.groupby(["cloud", "service"]).indices.items()}

        return self.memo(("instance_rows",), build).get((cloud, service), self.instance_prices.iloc[0:0])

    @functools.cached_property
    def instance_arrays(self) -> dict[str, np.ndarray | Coded]:
        """Columns of :attr:`instance_prices` for positional lookups in hot loops: prices as a numpy array,
        the few distinct dates and sources as codes (150,000 strings would take longer to load than to use)."""
        p = self.instance_prices
        out = {"hourly_usd": p.hourly_usd.to_numpy(), "prices_as_of": Coded(p.prices_as_of.to_numpy(dtype=object)),
               "source_id": Coded(p.source_id.to_numpy(dtype=object))}
        if "overlay_note" in p:  # a book with negotiated prices (planner.pricing.overlay)
            out["overlay_note"] = Coded(p.overlay_note.to_numpy(dtype=object))
        return out

    @functools.cached_property
    def service_arrays(self) -> dict[str, np.ndarray]:
        """Columns of :attr:`service_prices` as numpy arrays, plus ``estimated`` (a flagged estimate)."""
        s = self.service_prices
        out = {c: s[c].to_numpy() for c in ("usd_per_unit", "unit", "prices_as_of", "source_id")}
        out["estimated"] = s.source_id.str.startswith("estimate").to_numpy()
        if "overlay_note" in s:
            out["overlay_note"] = s.overlay_note.to_numpy(dtype=object)
        return out

    @functools.cached_property
    def _instance_index(self) -> KeyIndex:
        """(cloud, region, service, sku, engine, deployment, option) -> row position, as integer codes."""
        return KeyIndex([self.instance_prices[c].to_numpy(dtype=object) for c in INSTANCE_KEY])

    def instance_price(
        self,
        cloud: str,
        region: str,
        service: str,
        sku: str,
        option: str = "on_demand",
        engine: str | None = None,
        deployment: str | None = None,
    ) -> InstancePrice:
        """Price of one SKU; unknown names raise an error naming close matches."""
        engine, deployment = self._variant(service, engine, deployment)
        pos = int(self._instance_index.positions([cloud, region, service, sku, engine, deployment, option])[0])
        if pos < 0:
            raise self._explain_missing(cloud, region, service, sku, option, engine, deployment)
        return _record(InstancePrice, self.instance_prices.iloc[pos])

    def instance_positions(
        self,
        cloud: str | Sequence[str],
        region: str | Sequence[str],
        service: str | Sequence[str],
        sku: str | Sequence[str],
        option: str | Sequence[str] = "on_demand",
        engine: str | Sequence[str] | None = None,
        deployment: str | Sequence[str] | None = None,
    ) -> np.ndarray:
        """Row positions in :attr:`instance_prices` for many lookups at once; -1 where there is no price.

        Each argument is a scalar or an array of one common length; scalars are
        broadcast. ``engine``/``deployment`` of None take the service default.
        """
        arrays = [np.atleast_1d(np.asarray(a, dtype=object)) for a in (cloud, region, service, sku, option)]
        n = max(len(a) for a in arrays)
        svc = np.broadcast_to(arrays[2], (n,))
        if engine is None or deployment is None:
            defaults = [DEFAULT_VARIANT.get(s, ("", "")) for s in svc]
            engine = [d[0] for d in defaults] if engine is None else engine
            deployment = [d[1] for d in defaults] if deployment is None else deployment
        variant = [np.atleast_1d(np.asarray(a, dtype=object)) for a in (engine, deployment)]
        given = [arrays[0], arrays[1], arrays[2], arrays[3], *variant, arrays[4]]
        return self._instance_index.positions(given, n)

    def instance_hourly_usd(self, *args: object, **kwargs: object) -> np.ndarray:
        """Vectorised hourly prices [USD/hour] (arguments as :meth:`instance_positions`); NaN where unpriced."""
        pos = self.instance_positions(*args, **kwargs)  # type: ignore[arg-type]
        hourly = self.instance_arrays["hourly_usd"][pos]  # type: ignore[index]
        return np.where(pos >= 0, hourly, np.nan)

    def catalog(
        self,
        cloud: str,
        region: str,
        service: str,
        option: str = "on_demand",
        engine: str | None = None,
        deployment: str | None = None,
    ) -> pd.DataFrame:
        """Every SKU of a service in a region joined with its specs, cheapest first."""
        self.check_region(cloud, region)
        if service not in self.instance_services(cloud):
            raise unknown_name("service", service, self.instance_services(cloud), context=f"for {cloud} instances")
        if option not in PURCHASE_OPTIONS:
            raise unknown_name("purchase option", option, PURCHASE_OPTIONS)
        engine, deployment = self._variant(service, engine, deployment)
        p = self.instance_prices
        sel = p[(p.cloud == cloud) & (p.region == region) & (p.service == service) & (p.option == option)
                & (p.engine == engine) & (p.deployment == deployment)]
        specs = self.specs[(self.specs.cloud == cloud) & (self.specs.service == service)]
        out = sel.merge(specs.drop(columns=["cloud", "service"]), on="sku", how="inner")
        out = out.assign(monthly_usd=out.hourly_usd * HOURS_PER_MONTH)
        return out.sort_values(["hourly_usd", "sku"]).reset_index(drop=True)

    def available_options(self, cloud: str, region: str, service: str, engine: str | None = None,
                          deployment: str | None = None) -> list[str]:
        """Purchase options priced for a service (engine, deployment) in a region, in canonical order."""
        engine, deployment = self._variant(service, engine, deployment)
        p = self.instance_prices
        have = set(p.option[(p.cloud == cloud) & (p.region == region) & (p.service == service)
                            & (p.engine == engine) & (p.deployment == deployment)])
        return [o for o in PURCHASE_OPTIONS if o in have]

    def _variant(self, service: str, engine: str | None, deployment: str | None) -> tuple[str, str]:
        default_engine, default_deployment = DEFAULT_VARIANT.get(service, ("", ""))
        return (default_engine if engine is None else engine,
                default_deployment if deployment is None else deployment)

    def _explain_missing(self, cloud: str, region: str, service: str, sku: str, option: str,
                         engine: str, deployment: str) -> PlannerError:
        """Find the first part of a lookup that does not match and say so."""
        self.check_region(cloud, region)
        p = self.instance_prices
        services = set(p.service[p.cloud == cloud])
        if service not in services:
            return unknown_name("service", service, services, context=f"for {cloud} instances")
        here = p[(p.cloud == cloud) & (p.region == region) & (p.service == service)]
        if sku not in set(here.sku):
            elsewhere = p.region[(p.cloud == cloud) & (p.service == service) & (p.sku == sku)].nunique()
            if elsewhere:
                return PlannerError(f"{service} SKU '{sku}' is not offered in {region} "
                                    f"(priced in {elsewhere} other {cloud} region(s))")
            return unknown_name(f"{service} SKU", sku, here.sku, context=f"in {cloud} {region}")
        mine = here[here.sku == sku]
        variants = sorted(set(zip(mine.engine, mine.deployment)))
        if (engine, deployment) not in variants:
            listed = ", ".join(f"{e or '-'}/{d or '-'}" for e, d in variants)
            return PlannerError(f"{sku} in {region} has no engine/deployment '{engine or '-'}/{deployment or '-'}'; "
                                f"available: {listed}")
        options = sorted(set(mine.option[(mine.engine == engine) & (mine.deployment == deployment)]))
        if option not in PURCHASE_OPTIONS:
            return unknown_name("purchase option", option, PURCHASE_OPTIONS)
        return PlannerError(f"no {option} price for {service} {sku} ({engine or '-'}/{deployment or '-'}) "
                            f"in {region}; available: {', '.join(options)}")

    # -- services ------------------------------------------------------------

    def service_positions(self, cloud: str, regions: Sequence[str], service: str, item: str,
                          dimension: str = "") -> np.ndarray:
        """Row positions of a flat service price for many regions (a ``global`` row where the region has none);
        -1 where there is none."""
        codes, uniques = self._factorized(regions)

        def build() -> np.ndarray:
            index = self._service_index
            found = index.positions([cloud, np.asarray(uniques, dtype=object), service, item, dimension],
                                    len(uniques))
            if (found < 0).any():
                found = np.where(found < 0, index.positions([cloud, "global", service, item, dimension])[0], found)
            return found

        # a plan looks up the same few dozen lines in the same regions every time
        return self.memo(("service_positions", cloud, tuple(uniques), service, item, dimension), build)[codes]

    def _factorized(self, values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """``pd.factorize`` of an array, remembered for the last few arrays asked about: a run asks about the
        same region array for every priced line."""
        recent = self.__dict__.setdefault("_recent_factorized", [])
        for array, codes, uniques in recent:
            if array is values:
                return codes, uniques
        codes, uniques = pd.factorize(np.asarray(values, dtype=object))
        recent.insert(0, (values, codes, uniques))
        del recent[4:]
        return codes, uniques

    @functools.cached_property
    def _service_index(self) -> KeyIndex:
        return KeyIndex([self.service_prices[c].to_numpy(dtype=object) for c in SERVICE_KEY])

    def service_rows(self, cloud: str, region: str, service: str, item: str, dimension: str = "") -> pd.DataFrame:
        """The rows (one per tier) of a service item; a region without its own rows uses ``global`` ones."""
        for r in (region, "global"):
            pos = self._service_index.all_positions([cloud, r, service, item, dimension])
            if len(pos):
                return self.service_prices.iloc[pos].sort_values("tier_start", na_position="first")
        self.check_region(cloud, region)
        s = self.service_prices[(self.service_prices.cloud == cloud)
                                & self.service_prices.region.isin([region, "global"])]
        if service not in set(s.service):
            raise unknown_name("service", service, s.service, context=f"in {cloud} {region}")
        s = s[s.service == service]
        if item not in set(s["item"]):
            raise unknown_name(f"{service} item", item, s["item"], context=f"in {cloud} {region}")
        dims = s.dimension[s["item"] == item]
        raise unknown_name(f"{service} {item} dimension", dimension, dims, context=f"in {cloud} {region}")

    def service_price(self, cloud: str, region: str, service: str, item: str, dimension: str = "") -> ServicePrice:
        """A flat service price (falls back to a ``global`` row); tiered items need :meth:`tiers`."""
        rows = self.service_rows(cloud, region, service, item, dimension)
        if len(rows) > 1:
            raise PlannerError(f"{service} {item} in {region} is tiered ({len(rows)} tiers); use tiers()")
        return _record(ServicePrice, rows.iloc[0])

    def tiers(self, cloud: str, region: str, service: str, item: str, dimension: str = "") -> Tiers:
        """The tier schedule of a service item (a flat price is a one-tier schedule)."""
        return self.memo(("tiers", cloud, region, service, item, dimension),
                         lambda: Tiers.from_rows(self.service_rows(cloud, region, service, item, dimension)))

    def allowance(self, cloud: str, service: str, item: str) -> float:
        """Size of an always-free allowance from the global rules table (0 if the book has none)."""
        def build() -> float:
            s = self.service_prices
            hit = s[(s.cloud == cloud) & (s.region == "global") & (s.service == service) & (s["item"] == item)]
            return float(hit.tier_end.iloc[0]) if len(hit) and pd.notna(hit.tier_end.iloc[0]) else 0.0

        return self.memo(("allowance", cloud, service, item), build)

    # -- provenance ----------------------------------------------------------

    def provenance(self) -> pd.DataFrame:
        """One row per table: file, kind, rows, price dates and the sources it cites."""
        return self.manifest[["file", "cloud", "kind", "rows", "prices_as_of", "oldest_prices_as_of", "sources"]]


class Coded:
    """A text column of few distinct values as integer codes: indexing gives the values, as an array would."""

    def __init__(self, values: np.ndarray) -> None:
        self.codes, self.values = pd.factorize(values)
        self.values = np.asarray(self.values, dtype=object)

    def __getitem__(self, index: object) -> np.ndarray:
        return self.values[self.codes[index]]

    def __len__(self) -> int:
        return len(self.codes)


class KeyIndex:
    """Row positions of a table by a composite text key, held as integers: each key column's values get codes,
    a row's key is their mixed-radix number, and lookups are a binary search in the sorted keys.

    Arrays pickle as bytes, so the on-disk cache loads it in a blink where a dict of 150,000 tuples took
    a tenth of a second and tens of megabytes."""

    def __init__(self, columns: list[np.ndarray]) -> None:
        self.vocab: list[dict[str, int]] = []
        key = np.zeros(len(columns[0]), dtype=np.int64)
        for values in columns:
            codes, uniques = pd.factorize(values, use_na_sentinel=False)
            self.vocab.append({v: i for i, v in enumerate(uniques)})
            key = key * (len(uniques) + 1) + codes
        order = np.argsort(key, kind="stable")  # equal keys: the first row wins, as in the table
        self.keys, self.rows = key[order], order

    def _query(self, given: list[object], n: int) -> tuple[np.ndarray, np.ndarray]:
        """Each lookup's key and whether every one of its values is in the table."""
        key = np.zeros(n, dtype=np.int64)
        known = np.ones(n, dtype=bool)
        for values, vocab in zip(given, self.vocab):
            values = np.atleast_1d(np.asarray(values, dtype=object))
            codes, uniques = factorized(values) if len(values) > 1 else (np.zeros(1, dtype=np.int64), values)
            mapped = np.array([vocab.get(u, -1) for u in uniques], dtype=np.int64)[codes]
            known &= mapped >= 0
            key = key * (len(vocab) + 1) + mapped
        return key, known

    def positions(self, given: list[object], n: int = 1) -> np.ndarray:
        """Row of each lookup (-1 where none); each element of ``given`` a scalar or an array of ``n``."""
        if not len(self.keys):
            return np.full(n, -1)
        key, known = self._query(given, n)
        at = np.minimum(np.searchsorted(self.keys, key), len(self.keys) - 1)
        return np.where(known & (self.keys[at] == key), self.rows[at], -1)

    def all_positions(self, given: list[str]) -> np.ndarray:
        """Every row with this one key, in table order (empty when none)."""
        key, known = self._query(given, 1)
        if not known[0]:
            return np.zeros(0, dtype=int)
        start, stop = np.searchsorted(self.keys, key[0], side="left"), np.searchsorted(self.keys, key[0], side="right")
        return np.sort(self.rows[start:stop])


PACK_CLASSES: dict[str, type] = {"KeyIndex": KeyIndex, "Coded": Coded}  # what a packed book may hold


def _record(cls: type[T], row: pd.Series) -> T:
    """Build a frozen record from a table row, with plain Python scalars (JSON-ready)."""
    return cls(**{f: (row[f].item() if hasattr(row[f], "item") else row[f]) for f in cls.__dataclass_fields__})


@functools.cache
def default_book(cloud: str = "aws") -> PriceBook:
    """The price book of ``cloud`` that plans use: the bundled tables, or the refreshed ones of the user's price
    cache (:func:`planner.pricing.user_cache.book_folder`), loaded and validated once per process or read from
    the on-disk cache of an earlier load (:mod:`planner.pricing.cache`); :func:`remember` writes back what a run
    derived. A refreshed book that does not validate is never used.

    One book per cloud: a plan on one cloud neither loads nor holds the others' tables."""
    from planner.clouds import catalog_for
    from planner.pricing.user_cache import book_folder, choice

    catalog_for(cloud)  # an unknown cloud is named with close matches
    chosen, label = book_folder()
    if chosen is None:
        return _loaded(None, cloud, "pricing_data")
    try:
        return _loaded(chosen, cloud, _cloud_label(chosen, cloud, label))
    except PriceTableError as e:
        if choice() != "auto":
            raise
        # say why once, and plan on the bundled book
        print(f"planner: the price cache {chosen} is not valid, so the bundled price book is used: "
              f"{e.problems[0]}", file=sys.stderr)
        return _loaded(None, cloud, "pricing_data")


def _cloud_label(folder: Path, cloud: str, label: str) -> str:
    """How reports name a refreshed book for ``cloud``: saying so when none of its prices were refreshed."""
    from planner.pricing.user_cache import read_update

    refreshed = {s.get("cloud") for s in read_update(folder).get("sources", [])}
    if label.startswith("price cache") and cloud not in refreshed:
        return label[:-1] + f"; {cloud} prices as bundled)" if label.endswith(")") else f"{label} ({cloud} as bundled)"
    return label


def book_of(cloud: str, which: str) -> PriceBook:
    """``cloud``'s bundled book (``which`` = ``bundled``) or the refreshed one of the price cache (``cache``),
    whatever plans use by default: for comparing the two."""
    from planner.pricing.user_cache import cache_label, current_folder

    if which == "bundled":
        return _loaded(None, cloud, "pricing_data")
    folder = current_folder()
    if folder is None:
        raise PlannerError("no refreshed price book in the cache to compare with; run planner prices update first")
    return _loaded(folder, cloud, _cloud_label(folder, cloud, cache_label(folder)))


def _loaded(folder: Path | None, cloud: str, label: str) -> PriceBook:
    """``cloud``'s tables of ``folder`` (None: the bundled ones): packed beside the tables
    (``derived/<cloud>.pack``, by the wheel build or ``planner prices update``) with what the user's cache adds
    to the pack; else the user's cache's whole copy; else read, validated and derived here, and cached
    (:mod:`planner.pricing.cache`).

    What the cache adds to a pack is kept under a key of its own (:func:`beyond_pack`), never the whole copy's:
    a start with a pack reads only that small file, and two copies of the same tables, one packed and one not
    (a checkout run, then built), each keep their own file."""
    from planner.pricing import cache

    source = folder or bundled_folder()
    key = cache.fingerprint(source, cloud) if isinstance(source, Path) else None  # a zipped install: not cached
    packed_key = cache.content_key(source, cloud) if isinstance(source, Path) else None
    # the package's own pack, or a refreshed book's sealed with this account's cache key
    book = _from_state(cache.read_packed(packed_path(source, cloud), packed_key, PACK_CLASSES, signed=folder is not None,
                                         deferred=PriceBook.DEFERRED)) if packed_key else None
    if book is not None:
        book.packed_from = packed_key
        book._packed_keys = frozenset(book._memo)
        book.cache_key = beyond_pack(key)
        added = cache.load(book.cache_key, PACK_CLASSES) if book.cache_key else None
        if added is not None:
            _add_derived(book, added, book.cache_key)
    elif key is not None:
        cached = cache.load(key, PACK_CLASSES, deferred=PriceBook.DEFERRED)
        book = _from_state(cached) if cached is not None and "_base" not in cached else None
        if book is not None:
            book.cache_key = key
    if book is not None:
        book.cached_memo_size = book.kept_memo_size()
    else:
        book = PriceBook.load(folder, clouds=[cloud])
        book.cache_key = key
        remember(book)
    book.label = label
    return book


def _held() -> object:
    """The build of a derived table :meth:`PriceBook.memo` is asked for by a key it holds: never called."""
    raise AssertionError("a derived table the book holds would be built again")


def beyond_pack(key: str | None) -> str | None:
    """The user cache's key for what runs derived beyond the pack of the tables whose key is ``key``."""
    return None if key is None else f"{key}-beyond-pack"


def _add_derived(book: PriceBook, cached: dict[str, object], key: str | None) -> None:
    """The derived tables the user's cache keeps beyond ``book``'s pack (``cached``: what :func:`remember`
    wrote for it), added to it; those beyond another pack (an older planner's, of the same tables) are ignored,
    to be replaced when this run keeps its own, and a file whose tables are not a book's is removed."""
    from planner.pricing import cache
    from planner.pricing.book_state import check_memo
    from planner.pricing.packed import PackError

    if set(cached) != {"_base", "_memo"} or cached["_base"] != book.packed_from:
        return
    try:
        check_memo(cached["_memo"])
    except PackError:
        cache.drop(key)
        return
    for k, v in cached["_memo"].items():  # type: ignore[union-attr]
        book._memo.setdefault(k, v)


def _from_state(state: dict[str, object] | None) -> PriceBook | None:
    """A book from a state read back (None: there was none, or it is not a book's, which is said)."""
    from planner.pricing.packed import PackError

    if state is None:
        return None
    try:
        return PriceBook.from_state(state)
    except PackError as e:
        print(f"planner: a stored price book could not be used ({e}); the price tables are read instead",
              file=sys.stderr)
        return None


def packed_path(folder: Path, cloud: str) -> Path:
    """Where ``cloud``'s book packed with the tables of ``folder`` lives."""
    return folder / "derived" / f"{cloud}.pack"


def bundled_clouds() -> list[str]:
    """The clouds the bundled price tables cover (read from the manifest, no table loaded)."""
    return manifest_clouds(bundled_folder())


@functools.cache
def bundled_region_clouds() -> dict[str, tuple[str, ...]]:
    """Each region name of the bundled tables -> the clouds that have it (read from the small region tables
    alone, to tell a user which cloud a misplaced region belongs to)."""
    import io

    folder = bundled_folder()
    manifest = read_manifest(folder)
    out: dict[str, list[str]] = {}
    for row in manifest[manifest.kind == "regions"].itertuples():
        regions = pd.read_csv(io.BytesIO(folder.joinpath(row.file).read_bytes()), dtype=str).region
        for r in regions:
            out.setdefault(r, []).append(row.cloud)
    return {r: tuple(c) for r, c in out.items()}


def unknown_region(cloud: str, region: str, known: Sequence[str]) -> PlannerError:
    """An unknown region of ``cloud``, named with close matches, and with the cloud it belongs to if another."""
    from planner.clouds import catalogs

    owners = [c for c in bundled_region_clouds().get(region, ()) if c != cloud]
    if owners:
        example = catalogs()[cloud].default_region if cloud in catalogs() else sorted(known)[0]
        return PlannerError(f"region '{region}' belongs to {' and '.join(owners)}, not {cloud}; set cloud: "
                            f"{owners[0]}, or pick a {cloud} region such as {example} (`planner prices regions "
                            f"--cloud {cloud}` lists them)")
    return unknown_name("region", region, known, context=f"for {cloud}")


def remember(book: PriceBook) -> None:
    """Keep the candidate tables a run derived for the next cold start, in the user's cache (a no-op when
    nothing is new since the book was read or last kept). A book read from a pack keeps only what it derived
    beyond the pack, so the pack is never shadowed by an older, smaller copy."""
    from planner.pricing import cache

    kept = book.kept_memo_size()
    if not book.cache_key or kept <= book.cached_memo_size:
        return
    if book.packed_from is not None:  # what it derived: nothing of the pack's, which stays as read
        beyond = {k: v for k, v in book._memo.items() if k[0] not in book.TRANSIENT_MEMO and k not in book._packed_keys}
        state: dict[str, object] = {"_base": book.packed_from, "_memo": beyond}
    else:
        state = book.state()
    if cache.save(book.cache_key, state):
        book.cached_memo_size = kept
