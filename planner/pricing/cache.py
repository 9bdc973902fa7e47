"""The validated price book kept on disk between runs, so a cold start reads one file instead of parsing and
validating 160,000 price rows again.

The cache is a pickle of the loaded :class:`PriceBook` (tables, lookups and the derived candidate tables built
so far), keyed by a fingerprint of everything it was built from: the manifest's bytes (which carry every
table's SHA-256), each listed file's size and modification time, the same of planner's own modules, and the
versions of planner, pandas and Python. Any change gives a new key, so a stale cache is never read; ``planner prices validate`` never uses it.

It lives in ``$PLANNER_CACHE_DIR``, else ``$XDG_CACHE_HOME/planner``, else ``~/.cache/planner``; set
``PLANNER_CACHE_DIR=off`` to disable it. A cache that cannot be read or written is ignored: it only saves time.
The file is the user's own, like Python's ``__pycache__``: whoever can write it can already run code as them.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import platform
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from planner.atomic import write_atomic

if TYPE_CHECKING:
    from planner.pricing.book import PriceBook

PROTOCOL = 5


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is switched off."""
    configured = os.environ.get("PLANNER_CACHE_DIR", "")
    if configured.lower() in ("off", "0", "false", "no"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "planner"


def fingerprint(folder: Path) -> str | None:
    """A key for the price tables in ``folder`` and the code reading them; None when the folder is not a plain
    directory (a zipped install), which is then simply not cached."""
    import pandas as pd

    from planner import __version__
    from planner.pricing.manifest import MANIFEST_NAME

    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return None
    h = hashlib.sha256()
    h.update(manifest.read_bytes())
    for path in sorted(folder.rglob("*.csv")):
        st = path.stat()
        h.update(f"{path.relative_to(folder)}:{st.st_size}:{st.st_mtime_ns}".encode())
    # the derived tables are built by planner's code: an edited module (a development checkout, a patched
    # install) must not read candidates its old version derived
    code = Path(__file__).resolve().parents[1]
    for path in sorted(code.rglob("*.py")):
        st = path.stat()
        h.update(f"{path.relative_to(code)}:{st.st_size}:{st.st_mtime_ns}".encode())
    h.update(f"{__version__}|{pd.__version__}|{platform.python_implementation()}|{sys.version_info[:2]}".encode())
    return h.hexdigest()[:32]


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"pricebook-{key}.pickle"


def load(key: str) -> PriceBook | None:
    """The cached book for ``key``, or None when there is none or it cannot be read."""
    path = _path(key)
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            book = pickle.load(fh)  # noqa: S301 (the user's own cache file, keyed by content)
    except Exception:  # a truncated or foreign file: rebuild
        return None
    from planner.pricing.book import PriceBook

    if not isinstance(book, PriceBook):
        return None
    book.cache_key = key
    book.cached_memo_size = _kept(book)
    return book


def _kept(book: PriceBook) -> int:
    """How many derived tables a cached copy of ``book`` holds."""
    return sum(k[0] not in book.TRANSIENT_MEMO for k in book._memo)


def save(book: PriceBook) -> bool:
    """Write ``book`` (with what it has derived so far) to the cache if it has a key and learned something new
    since it was read; True when written. Failures are ignored."""
    key = book.cache_key
    path = _path(key) if key else None
    if path is None or _kept(book) <= book.cached_memo_size:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        cloud = key.split("-", 1)[0]
        for old in path.parent.glob("pricebook-*.pickle"):
            stale = old.name.startswith(f"pricebook-{cloud}-") or old.stem.count("-") == 1  # or from before clouds
            if old != path and stale:
                old.unlink(missing_ok=True)  # one book per cloud: an old key is never read again
        write_atomic(path, lambda fh: pickle.dump(book, fh, protocol=PROTOCOL))
    except Exception:  # read-only home, full disk: the cache only saves time
        return False
    book.cached_memo_size = _kept(book)
    return True
