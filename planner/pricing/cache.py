"""The validated price book kept on disk between runs, so a cold start reads one file instead of parsing and
validating 160,000 price rows again.

The cache is a pickle of the loaded :class:`PriceBook` (tables, lookups and the derived candidate tables built
so far), keyed by a fingerprint of everything it was built from: the manifest's bytes (which carry every
table's SHA-256), each listed file's size and modification time, the same of planner's own modules, and the
versions of planner, pandas and Python. Any change gives a new key, so a stale cache is never read; ``planner prices validate`` never uses it.

It lives in ``$PLANNER_CACHE_DIR``, else ``$XDG_CACHE_HOME/planner``, else ``~/.cache/planner``; set
``PLANNER_CACHE_DIR=off`` to disable it. A cache that cannot be read or written is ignored: it only saves time.

Nothing in it is trusted unverified: each file starts with an HMAC-SHA256 of its bytes under a key of 32 random
bytes kept beside it (``cache.key``, created with mode 0600 and used only while it is the user's own and
unreadable to others), checked before a byte is unpickled. A truncated or edited file (a price changed in
place), or one written by anyone without the key (another account writing a shared cache folder), fails the
check: it is deleted, rebuilt, and one line on stderr says so. A file larger than :data:`MAX_CACHE_BYTES` is
not read at all.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import platform
import secrets
import stat
import sys
from pathlib import Path
from typing import IO, TYPE_CHECKING

from planner.base.atomic import write_atomic
from planner.base.input_files import InputFileError, read_limited

if TYPE_CHECKING:
    from planner.pricing.book import PriceBook

PROTOCOL = 5
MAGIC = b"planner-price-cache/2\n"  # then the HMAC, then the pickle
MAX_CACHE_BYTES = 1 << 30  # the three clouds' books with their derived tables are ~50 MB each
KEY_NAME = "cache.key"


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


def _secret(folder: Path) -> bytes | None:
    """The cache's HMAC key in ``folder``, created on first use; None (no cache) when it cannot be made or is
    not safely the user's own (owned by another account, readable by others, not 32 bytes)."""
    path = folder / KEY_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(32))
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        with os.fdopen(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size != 32:
                return None
            if os.name == "posix" and (info.st_uid != os.getuid() or info.st_mode & 0o077):
                return None
            return fh.read(32)
    except OSError:
        return None


def _mac(secret: bytes, data: bytes | memoryview) -> bytes:
    return hmac.new(secret, data, hashlib.sha256).digest()


def load(key: str, expected: type[PriceBook]) -> PriceBook | None:
    """The cached book for ``key``, or None when there is none, it cannot be read, it fails its HMAC (then
    it is deleted, to be rebuilt, and one line on stderr says so) or it is not an ``expected`` (the book's class,
    passed in: the cache sits below the book and never imports it)."""
    path = _path(key)
    if path is None or not path.is_file():
        return None
    secret = _secret(path.parent)
    if secret is None:
        return None
    try:
        data = read_limited(path, MAX_CACHE_BYTES, "price cache")
    except InputFileError:  # gone, unreadable or too large: rebuilt
        return None
    head = len(MAGIC) + hashlib.sha256().digest_size
    body = memoryview(data)[head:]
    if not data.startswith(MAGIC):  # another format (a cache of an older planner): rebuilt
        path.unlink(missing_ok=True)
        return None
    if not hmac.compare_digest(data[len(MAGIC):head], _mac(secret, body)):
        print(f"planner: the price cache {path} failed its integrity check (truncated, edited, or not written "
              "by planner under this account): rebuilt from the price tables", file=sys.stderr)
        path.unlink(missing_ok=True)
        return None
    try:
        book = pickle.loads(body)  # noqa: S301 (verified above: written by this account's planner)
    except Exception:  # written by an incompatible version under the same key: rebuild
        return None
    if not isinstance(book, expected):
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
        secret = _secret(path.parent)
        if secret is None:
            return False
        body = pickle.dumps(book, protocol=PROTOCOL)

        def write(fh: IO[bytes]) -> None:
            fh.write(MAGIC + _mac(secret, body))
            fh.write(body)

        write_atomic(path, write)
    except Exception:  # read-only home, full disk: the cache only saves time
        return False
    book.cached_memo_size = _kept(book)
    return True
