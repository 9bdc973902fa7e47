"""A loaded price book's state as one file that cannot run code when read.

The file is a ZIP archive (members stored, not deflated) holding ``index.json`` and one member per table or
array, each an Arrow IPC file (Feather v2) with zstd-compressed columns: a pandas DataFrame as itself, a NumPy
array as one column (numbers or text only: an object array of anything but text is refused, never pickled).
The index is JSON: the state's structure (tuples, dicts with any keys, numbers including infinities, strings)
with references to the members, the SHA-256 of every member, checked before it is read, and a ``key`` naming
what the state was derived from (:func:`planner.pricing.cache.content_key`). Objects of a class are rebuilt
only for the classes the reader names (``classes``), from their attributes, never by calling code the file
names.

Arrow keeps the file independent of the pandas, NumPy and Python versions that wrote it (a pickle is not), and
a zstd column reads at about a gigabyte a second: a cloud's whole book (150,000 prices, their lookups and the
candidate tables derived from them) packs into 2.6-5.5 MB and reads in 50-100 ms.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import threading
import zipfile
from collections.abc import Collection, Mapping
from typing import Any

import numpy as np
import pandas as pd

from planner.base.errors import UnreadableBookError

FORMAT = "planner-packed-book/1"
INDEX = "index.json"
MAX_MEMBERS = 10_000
MAX_INDEX_BYTES = 64 << 20


class PackError(ValueError):
    """A state that cannot be packed (a value of an unsupported type), or a file that is not a valid pack."""


class OtherKey(PackError):
    """A valid pack, of other tables or code than the reader's (not an error: it is simply not used)."""


def pack(state: Mapping[str, Any], key: str) -> bytes:
    """``state`` (a mapping of attribute names to values) as the bytes of a pack carrying ``key``."""
    members: dict[str, bytes] = {}
    tree = _encode(dict(state), members, "state")
    index = {"format": FORMAT, "key": key, "state": tree,
             "members": {name: hashlib.sha256(data).hexdigest() for name, data in members.items()}}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        z.writestr(INDEX, json.dumps(index, separators=(",", ":")))
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def unpack(data: bytes, key: str | None, classes: Mapping[str, type],
           deferred: Collection[str] = (), source: str = "a packed price book") -> dict[str, Any]:
    """The state packed in ``data``; :class:`PackError` when it is not a pack, was packed for another ``key``
    (None: any), a member fails its SHA-256, or it names a class not in ``classes``. The tables of the state's
    ``deferred`` keys come as :class:`Deferred`: checked now, decoded when first asked for (``source`` names
    the file, should one then fail)."""
    z, index = _archive(data)
    if key is not None and index.get("key") != key:
        raise OtherKey("packed from other price tables or another planner")
    digests = index.get("members")
    if not isinstance(digests, dict):
        raise PackError("the pack's index lists no members")
    reader = _Reader(z, digests, classes)
    try:
        state = reader.decode(_deferring(reader, index.get("state"), deferred, source))
    except PackError:
        raise
    except Exception as e:  # noqa: BLE001 - whatever a malformed file makes Arrow, NumPy or JSON raise
        raise _unreadable(e) from None
    if not isinstance(state, dict):
        raise PackError("the pack holds no state")
    return state


def _unreadable(e: Exception) -> PackError:
    return PackError(f"a member of the pack cannot be read ({type(e).__name__}: {str(e)[:200]})")


class Deferred:
    """A table of a pack decoded when first asked for (:meth:`value`), for a table a run may never read: its
    member was read and its SHA-256 checked with the rest of the pack, so only Arrow's decoding waits. ``rows``
    is its length, from the pack's index."""

    def __init__(self, reader: _Reader, tree: dict[str, Any], source: str) -> None:
        self.rows, self.source = tree.get("rows"), source
        # its own bytes, and a reader of no archive: the pack's other bytes are not kept for it
        self._tree, self._data = tree, reader.member(tree["$frame"])
        self._reader = _Reader(None, {}, reader.classes)
        self._value: pd.DataFrame | None = None
        self._lock = threading.Lock()  # the dashboard's sessions are threads: one decodes, the others wait

    def value(self) -> pd.DataFrame:
        with self._lock:
            if self._value is None:
                try:
                    self._value = self._reader.frame(self._tree, self._data)
                except Exception as e:  # noqa: BLE001 - as unpack; met in the middle of a command: said in one line
                    why = e if isinstance(e, PackError) else _unreadable(e)
                    raise UnreadableBookError(f"{self.source}: a table of this packed price book cannot be read "
                                              f"({why}); remove the file and planner reads the price tables "
                                              "instead") from None
                self._data = b""
            return self._value


def _deferring(reader: _Reader, tree: Any, deferred: Collection[str], source: str) -> Any:
    """The state's tree with the tables of ``deferred`` keys as :class:`Deferred`: the key's table, or each
    table in the key's mapping (a tree of another shape is left as it is, for the decoder to judge)."""
    def table(value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("$frame"), str):
            return {"$deferred": Deferred(reader, value, source)}
        return value

    def tables(value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("$dict"), list):
            return {"$dict": [[p[0], table(p[1])] if isinstance(p, list) and len(p) == 2 else p
                              for p in value["$dict"]]}
        return table(value)

    if not deferred or not isinstance(tree, dict) or not isinstance(tree.get("$dict"), list):
        return tree
    return {"$dict": [[p[0], tables(p[1])] if isinstance(p, list) and len(p) == 2 and p[0] in deferred else p
                      for p in tree["$dict"]]}


def packed_key(data: bytes) -> str | None:
    """The ``key`` a pack was written for (None when ``data`` is not a pack); its tables are not read."""
    try:
        key = _archive(data)[1].get("key")
    except PackError:
        return None
    return key if isinstance(key, str) else None


def _archive(data: bytes) -> tuple[zipfile.ZipFile, dict[str, Any]]:
    """The archive in ``data`` and its index; :class:`PackError` when it is not a pack."""
    if not data.startswith(b"PK\x03\x04"):  # a ZIP reader would also take one behind other bytes
        raise PackError("not a price-book pack (no ZIP archive at its start)")
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        info = z.getinfo(INDEX)
        if info.file_size > MAX_INDEX_BYTES or len(z.infolist()) > MAX_MEMBERS:
            raise PackError("the pack's index or member count is out of bounds")
        # members are stored as they are (their columns are compressed inside), never inflated past the file
        if any(m.compress_type != zipfile.ZIP_STORED or m.file_size > len(data) for m in z.infolist()):
            raise PackError("the pack holds a compressed or oversized member")
        index = json.loads(z.read(INDEX))
    except Exception as e:  # noqa: BLE001 - a damaged archive or index (deep nesting included)
        raise PackError(f"not a price-book pack ({type(e).__name__}: {str(e)[:200]})") from None
    if not isinstance(index, dict) or index.get("format") != FORMAT:
        raise PackError(f"not a {FORMAT} file")
    return z, index


# -- encoding ------------------------------------------------------------------------------------------------

def _encode(value: Any, members: dict[str, bytes], where: str) -> Any:
    """``value`` as JSON, its tables and arrays added to ``members``; ``where`` names it in errors."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, np.generic):
        if value.dtype.kind not in "biuf":
            raise PackError(f"{where}: a NumPy {value.dtype} scalar cannot be packed")
        return {"$scalar": value.dtype.str, "value": _encode(value.item(), members, where)}
    if isinstance(value, tuple):
        return {"$tuple": [_encode(v, members, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, list):
        return {"$list": [_encode(v, members, f"{where}[{i}]") for i, v in enumerate(value)]}
    if isinstance(value, dict):
        return {"$dict": [[_encode(k, members, f"{where} key"), _encode(v, members, f"{where}[{k!r}]")]
                          for k, v in value.items()]}
    if isinstance(value, pd.DataFrame):
        return _encode_frame(value, members, where)
    if isinstance(value, np.ndarray):
        return _encode_array(value, members, where)
    if hasattr(value, "__dict__") and type(value).__module__.startswith("planner."):
        return {"$object": type(value).__name__, "state": _encode(vars(value), members, where)}
    raise PackError(f"{where}: a {type(value).__name__} cannot be packed")


def _member(members: dict[str, bytes], suffix: str, data: bytes) -> str:
    name = f"m{len(members)}.{suffix}"
    members[name] = data
    return name


def _text_only(values: np.ndarray, where: str) -> None:
    if not all(isinstance(v, str) for v in values):
        raise PackError(f"{where}: an object array holds values other than text")


def _encode_frame(frame: pd.DataFrame, members: dict[str, bytes], where: str) -> dict[str, Any]:
    import pyarrow as pa

    index = frame.index
    plain = isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1 and index.name is None
    names = [] if plain else [f"__index_{i}__" for i in range(index.nlevels)]
    flat = frame if plain else frame.set_axis(pd.RangeIndex(len(frame))).assign(
        **{n: index.get_level_values(i) for i, n in enumerate(names)})
    if not flat.columns.is_unique or not all(isinstance(c, str) for c in flat.columns):
        raise PackError(f"{where}: a table's column names must be unique text")
    objects = [c for c in flat.columns if flat[c].dtype == object]
    for c in objects:
        _text_only(flat[c].to_numpy(), f"{where} column {c}")
    return {"$frame": _member(members, "arrow", _feather(pa.Table.from_pandas(flat, preserve_index=False))),
            "objects": objects, "index": names,
            "index_names": _encode(list(index.names), members, where), "rows": len(frame)}


def _encode_array(array: np.ndarray, members: dict[str, bytes], where: str) -> dict[str, Any]:
    import pyarrow as pa

    if array.dtype == object:
        if array.ndim != 1:
            raise PackError(f"{where}: only one-dimensional text arrays can be packed")
        _text_only(array, where)
        return {"$text": _member(members, "arrow", _column(pa.array(array.tolist(), type=pa.string())))}
    if array.dtype.kind not in "biuf":
        raise PackError(f"{where}: a NumPy {array.dtype} array cannot be packed")
    flat = np.ascontiguousarray(array).reshape(-1)
    return {"$array": _member(members, "arrow", _column(pa.array(flat))), "shape": list(array.shape),
            "dtype": array.dtype.str}


def _column(values: Any) -> bytes:
    """One Arrow column as a zstd-compressed Feather file."""
    import pyarrow as pa

    return _feather(pa.table({"values": values}))


def _feather(table: Any) -> bytes:
    """An Arrow table as a Feather (Arrow IPC) file with zstd-compressed columns."""
    import pyarrow.feather as feather

    out = io.BytesIO()
    feather.write_feather(table, out, compression="zstd")
    return out.getvalue()


# -- decoding ------------------------------------------------------------------------------------------------

class _Reader:
    def __init__(self, z: zipfile.ZipFile | None, digests: dict[str, str], classes: Mapping[str, type]) -> None:
        self.z, self.digests, self.classes = z, digests, classes
        self.read: set[str] = set()

    def member(self, name: object) -> bytes:
        if not isinstance(name, str) or name not in self.digests:
            raise PackError(f"the pack's index names a member it does not list ({name!r})")
        if name in self.read:  # each table or array is one member: one read, never a member decoded many times
            raise PackError(f"the pack's index names member {name} twice")
        self.read.add(name)
        data = self.z.read(name)
        if hashlib.sha256(data).hexdigest() != self.digests[name]:
            raise PackError(f"member {name} of the pack fails its SHA-256 (truncated or edited)")
        return data

    def decode(self, tree: Any) -> Any:
        if tree is None or isinstance(tree, (bool, int, float, str)):
            return tree
        if isinstance(tree, list) or not isinstance(tree, dict) or len(tree) == 0:
            raise PackError("the pack's index is malformed")
        tag = next(iter(tree))
        body = tree[tag]
        if tag == "$float":
            return float(body) if body in ("inf", "-inf", "nan") else _malformed()
        if tag == "$scalar":
            return _numeric(body).type(self.decode(tree["value"]))
        if tag == "$tuple":
            return tuple(self.decode(v) for v in body)
        if tag == "$list":
            return [self.decode(v) for v in body]
        if tag == "$dict":
            return {self.decode(k): self.decode(v) for k, v in body}
        if tag == "$frame":
            return self.frame(tree)
        if tag == "$deferred" and isinstance(body, Deferred):  # put there by _deferring, never read from a file
            return body
        if tag == "$array":
            dtype = _numeric(tree["dtype"])
            values = self.table(body).column("values").to_numpy(zero_copy_only=False)
            return values.astype(dtype, copy=False).reshape(tree["shape"])
        if tag == "$text":
            return self.table(body).column("values").to_numpy(zero_copy_only=False).astype(object)
        if tag == "$object":
            cls = self.classes.get(body)
            if cls is None:
                raise PackError(f"the pack holds an object of a class planner does not read from packs ({body!r})")
            obj = cls.__new__(cls)
            attributes = self.decode(tree["state"])
            if not isinstance(attributes, dict):
                _malformed()
            obj.__dict__.update(attributes)
            return obj
        return _malformed()

    def table(self, name: object, data: bytes | None = None) -> Any:
        """Member ``name`` as an Arrow table (``data``: its bytes, already read and checked)."""
        import pyarrow as pa
        import pyarrow.feather as feather

        return feather.read_table(pa.BufferReader(self.member(name) if data is None else data), use_threads=False)

    def frame(self, tree: dict[str, Any], data: bytes | None = None) -> pd.DataFrame:
        frame = self.table(tree["$frame"], data).to_pandas()
        objects = tree.get("objects", [])
        if objects:  # pandas would read them as its text type, which slows positional takes in hot loops
            frame = frame.astype(dict.fromkeys(objects, object))
        if tree.get("index"):
            frame = frame.set_index(tree["index"])
            frame.index.names = self.decode(tree["index_names"])
        if len(frame) != tree.get("rows"):
            _malformed()
        return frame


def _numeric(name: object) -> np.dtype[Any]:
    """The NumPy dtype the index names, a number's only (what :func:`_encode` packs)."""
    dtype = np.dtype(name)  # type: ignore[call-overload]
    if dtype.kind not in "biuf":
        _malformed()
    return dtype


def _malformed() -> Any:
    raise PackError("the pack's index is malformed")
