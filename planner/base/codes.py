"""Text columns worked through their distinct values: a scenario column of region names or option names holds a
handful of values over thousands of rows, so a lookup per value, gathered by integer codes, replaces one per row
(and pandas' index machinery, whose per-call cost dominates small runs)."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd


SMALL = 32  # arrays up to this long are factorized in Python: pandas' call costs more than the work there


def factorized(values: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values, use_na_sentinel=False)`` (codes in order of first appearance, the distinct values);
    a short array of text in a dict, a plan's one row in a microsecond where pandas takes five."""
    array = np.asarray(values, dtype=object)
    if len(array) <= SMALL and all(type(v) is str for v in array):
        seen: dict[str, int] = {}
        codes = np.array([seen.setdefault(v, len(seen)) for v in array], dtype=np.intp)
        return codes, np.array(list(seen), dtype=object)
    if len(array) >= BY_IDENTITY and array.ndim == 1:
        return _factorized_by_identity(array)
    return _factorized(array)


BY_IDENTITY = 1_000  # arrays from this long are factorized by their objects' identities first
IDENTITY_SAMPLE = 64  # elements looked at first: mostly distinct objects there, and values are hashed


def _factorized(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`factorized` by pandas, value by value."""
    # with a sentinel pandas skips its pass for missing values; the rare array that has one is factorized again
    codes, uniques = pd.factorize(array)
    if len(codes) and codes.min() < 0:
        codes, uniques = pd.factorize(array, use_na_sentinel=False)
    return codes, np.asarray(uniques, dtype=object)


def _factorized_by_identity(array: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`factorized` of a long object array through its elements' addresses: an engine column of thousands
    of rows holds a handful of objects (gathered from a few region or option names), and hashing addresses is
    three times faster than hashing and comparing text. The same object is the same value; one element of each
    distinct object is then factorized by value, so equal values held by different objects still share a code,
    in order of first appearance as before. Where most objects are distinct (names), the values are factorized
    directly, as they are where the first elements are already distinct objects (cells read from a table hold a
    new string each)."""
    if len({id(v) for v in array[:IDENTITY_SAMPLE]}) * 4 > min(len(array), IDENTITY_SAMPLE) * 3:
        return _factorized(array)
    # a private copy holds a reference to every element, so no address is reused while it is read, whatever
    # another thread does to ``array``; its buffer is the elements' addresses (CPython's PyObject pointers)
    mine = np.array(array, dtype=object, copy=True)
    address = np.frombuffer((ctypes.c_ssize_t * len(mine)).from_address(mine.ctypes.data), dtype=np.intp)
    by_object, objects = pd.factorize(address)
    if len(objects) * 4 > len(mine):
        return _factorized(mine)
    first = np.empty(len(objects), dtype=np.intp)
    first[by_object[::-1]] = np.arange(len(mine) - 1, -1, -1)  # the last write per object is its first row
    codes, uniques = _factorized(mine[first])
    return (by_object if (codes == np.arange(len(codes))).all() else codes[by_object]), uniques


def shared_objects(values: npt.ArrayLike) -> np.ndarray:
    """``values`` as an object array whose equal text elements are one object each: the distinct values gathered
    by their codes. A text column read from a table holds a new string per row; once shared, every column
    gathered from it factorizes by identity (:func:`factorized`). A column of mostly distinct values, or holding
    anything but text (pandas counts 1 and True, None and NaN alike), is kept as it is."""
    array = np.asarray(values, dtype=object)
    if len(array) < BY_IDENTITY or array.ndim != 1:
        return array
    codes, uniques = _factorized(array)
    if len(uniques) * 4 > len(array) or not all(type(u) is str for u in uniques):
        return array
    return uniques[codes]


def mapped(values: npt.ArrayLike, lookup: Callable[[object], object], dtype: npt.DTypeLike = object) -> np.ndarray:
    """``lookup(v)`` for every element ``v`` of ``values``, called once per distinct value."""
    codes, uniques = factorized(values)
    table = np.array([lookup(u) for u in uniques], dtype=dtype)
    return table[codes] if len(uniques) else np.zeros(0, dtype=dtype)


def grouped(arrays: Sequence[npt.ArrayLike]) -> tuple[np.ndarray, list[tuple[object, ...]]]:
    """Each row's group among the distinct combinations of ``arrays`` (equal lengths), numbered in order of first
    appearance, and each group's values: ``pd.factorize`` of the rows' tuples without building them."""
    combined = np.zeros(len(arrays[0]) if len(arrays) else 0, dtype=np.int64)
    columns = []
    for values in arrays:
        codes, uniques = factorized(values)
        combined = combined * (len(uniques) + 1) + codes
        columns.append((codes, uniques))
    if len(combined) <= SMALL:
        seen: dict[int, int] = {}
        group = np.array([seen.setdefault(int(c), len(seen)) for c in combined], dtype=np.intp)
        distinct = list(seen)
    else:
        group, distinct = pd.factorize(combined)
    first = np.zeros(len(distinct), dtype=np.int64)
    first[group[::-1]] = np.arange(len(group))[::-1]  # the last write per group is its first row
    return group, [tuple(uniques[codes[row]] for codes, uniques in columns) for row in first]
