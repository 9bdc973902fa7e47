"""What a price book's state read back from disk must look like before a book is built from it.

A pack (:mod:`planner.pricing.packed`) decodes into plain tables, arrays and a few allow-listed objects, but
nothing in the format says that the derived tables are tables or that an index points inside its table. A
state from the package, a sealed refreshed book or the user's cache is trusted as to its numbers; its shape is
checked here, so a damaged or foreign one is refused in one line (and the tables read instead) rather than
failing later, deep in a plan, on every run.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.pricing.packed import Deferred, PackError

TABLES = ("manifest", "specs", "instance_prices", "service_prices", "region_table", "sources")
LOOKUPS = ("instance_arrays", "service_arrays", "_instance_index", "_service_index")

# each derived table the book keeps, by the first element of its key: what its value is. A new kind of derived
# table is added here too (the packing tests fail until it is)
MEMO_TYPES: dict[str, type] = {
    "instance_candidates": pd.DataFrame, "cache_candidates": pd.DataFrame, "database_candidates": pd.DataFrame,
    "database_class_prices": pd.DataFrame, "cheapest_per_vcpu": pd.DataFrame, "pruned_fleet": pd.DataFrame,
    "most_capacity": pd.DataFrame, "sources": pd.DataFrame, "allowance": float, "dr_class_prices": tuple,
}


def check_state(state: Mapping[str, object], classes: Mapping[str, type]) -> None:
    """Raise :class:`PackError` naming what is wrong unless ``state`` holds exactly a book's tables, derived
    tables and (where built) lookups, each of its kind and sized to its table."""
    strange = sorted(k for k in state if k not in (*TABLES, *LOOKUPS, "_memo"))
    missing = [k for k in (*TABLES, "_memo") if k not in state]
    if strange or missing:
        raise PackError(f"not a price book's state (unknown: {strange}, missing: {missing})")
    for name in TABLES:
        value = state[name]
        if not (isinstance(value, pd.DataFrame) or _deferred_table(value)):
            raise PackError(f"not a price book's state ({name} is a {type(value).__name__}, not a table)")
    check_memo(state["_memo"])
    prices, services = _rows(state["instance_prices"]), _rows(state["service_prices"])
    if "instance_arrays" in state:
        _arrays(state["instance_arrays"], {"hourly_usd": "f", "prices_as_of": classes["Coded"],
                                           "source_id": classes["Coded"]}, prices, "instance_arrays")
    if "service_arrays" in state:
        _arrays(state["service_arrays"], {"usd_per_unit": "f", "unit": "O", "prices_as_of": "O", "source_id": "O",
                                          "estimated": "b"}, services, "service_arrays")
    for name, rows in (("_instance_index", prices), ("_service_index", services)):
        if name in state:
            _index(state[name], classes["KeyIndex"], rows, name)


def _deferred_table(value: object) -> bool:
    """A table to be decoded when first asked for, of a length its pack's index gives (checked again then)."""
    return isinstance(value, Deferred) and type(value.rows) is int and value.rows >= 0


def _rows(table: object) -> int:
    """A table's length, or a deferred one's as its pack's index says (checked against it when decoded)."""
    return table.rows if isinstance(table, Deferred) else len(table)  # type: ignore[arg-type,return-value]


def check_memo(memo: object) -> None:
    """Raise :class:`PackError` unless ``memo`` maps tuple keys led by a known kind to a value of that kind."""
    if not isinstance(memo, dict):
        raise PackError("not a price book's state (its derived tables are not a mapping)")
    for key, value in memo.items():
        if not (isinstance(key, tuple) and key and key[0] in MEMO_TYPES):
            raise PackError(f"not a price book's state (a derived table of unknown kind: {str(key)[:80]})")
        table = _deferred_table(value) and MEMO_TYPES[key[0]] is pd.DataFrame
        if not (table or isinstance(value, MEMO_TYPES[key[0]])):
            raise PackError(f"not a price book's state ({key[0]} holds a {type(value).__name__})")
        if key[0] == "dr_class_prices" and not (len(value) == 2 and all(
                isinstance(d, dict) and all(isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in d.values())
                for d in value)):
            raise PackError("not a price book's state (dr_class_prices is not two sets of rate arrays)")


def _arrays(arrays: object, kinds: Mapping[str, str | type], rows: int, name: str) -> None:
    """``arrays`` holds ``kinds``' columns (a dtype kind, or a class), each of ``rows`` values, and at most an
    overlay's note besides."""
    if not isinstance(arrays, dict) or not set(kinds) <= set(arrays) <= {*kinds, "overlay_note"}:
        raise PackError(f"not a price book's state ({name} lacks or adds columns)")
    for column, kind in {**kinds, **({"overlay_note": "O"} if "overlay_note" in arrays else {})}.items():
        value = arrays[column]
        if isinstance(kind, type):
            ok = isinstance(value, kind) and _coded(value, rows)
        else:
            ok = isinstance(value, np.ndarray) and value.dtype.kind == kind and value.shape == (rows,)
        if not ok:
            raise PackError(f"not a price book's state ({name}[{column!r}] is not {rows:,} values of its kind)")


def _coded(value: object, rows: int) -> bool:
    codes, values = getattr(value, "codes", None), getattr(value, "values", None)
    return (isinstance(codes, np.ndarray) and codes.dtype.kind in "iu" and codes.shape == (rows,)
            and isinstance(values, np.ndarray) and values.ndim == 1
            and (not rows or 0 <= codes.min() and codes.max() < len(values)))


def _index(index: object, kind: type, rows: int, name: str) -> None:
    keys, positions, vocab = (getattr(index, a, None) for a in ("keys", "rows", "vocab"))
    ok = (isinstance(index, kind) and isinstance(keys, np.ndarray) and isinstance(positions, np.ndarray)
          and keys.dtype.kind == "i" and positions.dtype.kind == "i" and keys.shape == positions.shape == (rows,)
          and (not rows or 0 <= positions.min() and positions.max() < rows)
          and isinstance(vocab, list) and all(isinstance(v, dict) for v in vocab))
    if not ok:
        raise PackError(f"not a price book's state ({name} does not index its table)")
