"""The validated price book kept on disk between runs, so a cold start reads one file instead of parsing and
validating 160,000 price rows and deriving the candidate tables again.

Two places hold such a book, both in the pack format of :mod:`planner.pricing.packed` (Arrow tables and arrays
in a ZIP with a JSON index: reading one never runs code):

* **Built with the package** (``pricing_data/derived/<cloud>.pack``, by the wheel build) and **beside a refreshed
  book** (``derived/`` of its folder, by ``planner prices update``): the tables with every derived table the
  default sizing policy uses, keyed by :func:`content_key` (the manifest, which carries every table's SHA-256,
  the tables' sizes, the text of planner's modules and pandas' major version). Nothing is derived or written
  on a first run, and every install of the same planner and prices reads the same file. The package's packs
  are trusted as its code is; a refreshed book's are sealed with the cache's HMAC key below and read only
  when the seal holds (:func:`read_packed`), so a pack in a price folder someone hands over is never read.
* **The user's cache**, for what a run derives beyond that: beside a pack, only the derived tables the pack
  lacks (a policy of its own), so an older copy never shadows a pack; without one (an editable install, a
  checkout never built) the whole book. One file per cloud and key, keyed by :func:`fingerprint` (the same,
  with each table's modification time); a few keys are kept per cloud, so two installs of different versions
  do not rebuild each other's cache in turn.

The cache lives in ``$PLANNER_CACHE_DIR``, else ``$XDG_CACHE_HOME/planner``, else ``~/.cache/planner``; set
``PLANNER_CACHE_DIR=off`` to switch it off. A cache that cannot be read or written is ignored: it only saves
time. A cached file is also checked with an HMAC-SHA256 of its bytes under a key of 32 random bytes kept beside
it (``cache.key``, created with mode 0600 and used only while it is the user's own and unreadable to others),
before its index is read: a truncated or edited file (a price changed in place), or one written by anyone
without the key (another account writing a shared cache folder), fails the check, is deleted and rebuilt, and
one line on stderr says so. A file larger than :data:`MAX_CACHE_BYTES` is not read at all.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import platform
import secrets
import stat
import sys
import time
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import IO, Any

from planner.base.atomic import write_atomic
from planner.base.input_files import InputFileError, read_limited
from planner.pricing.packed import OtherKey, PackError, pack, packed_key, unpack

MAGIC = b"planner-price-cache/3\n"  # then the HMAC, then the pack
MAX_CACHE_BYTES = 256 << 20  # a cloud's book with its derived tables packs into 2.6-5.5 MB (a full refresh: more)
KEY_NAME = "cache.key"
KEPT_PER_CLOUD = 3  # cached books kept per cloud: installs of different versions each keep theirs


def cache_dir() -> Path | None:
    """Where the cache lives, or None when it is switched off."""
    configured = os.environ.get("PLANNER_CACHE_DIR", "")
    if configured.lower() in ("off", "0", "false", "no"):
        return None
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "planner"


@functools.cache
def code_digest() -> str:
    """SHA-256 of the text of planner's modules: the derived tables are built by planner's code, so a changed
    module (a development checkout, a patched install) never reads tables its old version derived. By content,
    not modification time: every install of one version has the same digest."""
    code = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(code.rglob("*.py")):
        h.update(f"{path.relative_to(code).as_posix()}\0".encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _key(folder: Path, cloud: str, with_times: bool) -> str | None:
    import pandas as pd

    from planner.pricing.manifest import MANIFEST_NAME

    manifest = folder / MANIFEST_NAME
    if not manifest.is_file():
        return None
    h = hashlib.sha256()
    h.update(manifest.read_bytes())
    for path in sorted(folder.rglob("*.csv")):
        st = path.stat()
        h.update(f"{path.relative_to(folder).as_posix()}:{st.st_size}".encode())
        if with_times:
            h.update(f":{st.st_mtime_ns}".encode())
    h.update(f"{code_digest()}|{pd.__version__.split('.')[0]}|{platform.python_implementation()}".encode())
    return f"{cloud}-{h.hexdigest()[:32]}"


def fingerprint(folder: Path, cloud: str = "aws") -> str | None:
    """The user cache's key for ``cloud``'s book of the price tables in ``folder``: the manifest (which carries
    every table's SHA-256), each table's size and modification time (a table edited in place without its
    manifest), planner's code (:func:`code_digest`) and pandas' major version. None when the folder is not a
    plain directory (a zipped install), which is then not cached."""
    return _key(folder, cloud, with_times=True)


def content_key(folder: Path, cloud: str = "aws") -> str | None:
    """The key of a book packed with the tables in ``folder`` (:func:`read_packed`): as :func:`fingerprint`
    without the modification times, which differ between the build that packs a book and each install of it."""
    return _key(folder, cloud, with_times=False)


def _path(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"pricebook-{key}.pack"


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


def _sealed(secret: bytes, body: bytes) -> Callable[[IO[bytes]], None]:
    """A writer of ``body`` behind the header and its HMAC under ``secret``."""
    def write(fh: IO[bytes]) -> None:
        fh.write(MAGIC + _mac(secret, body))
        fh.write(body)

    return write


def _opened(data: bytes, secret: bytes) -> bytes | None:
    """The body of sealed ``data``; None when it has no header (another format) or fails its HMAC."""
    head = len(MAGIC) + hashlib.sha256().digest_size
    if not data.startswith(MAGIC):
        return None
    body = memoryview(data)[head:]
    return bytes(body) if hmac.compare_digest(data[len(MAGIC):head], _mac(secret, body)) else None


def load(key: str, classes: Mapping[str, type], deferred: Collection[str] = ()) -> dict[str, Any] | None:
    """The cached state for ``key`` (objects rebuilt only for ``classes``; the tables of ``deferred`` keys
    decoded when first asked for, :class:`~planner.pricing.packed.Deferred`), or None when there is none, it
    cannot be read, or it fails its HMAC (then it is deleted, to be rebuilt, and one line on stderr says so)."""
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
    body = _opened(data, secret)
    if body is None:
        if data.startswith(MAGIC):  # (without the header: another format, an older planner's, rebuilt quietly)
            print(f"planner: the price cache {path} failed its integrity check (truncated, edited, or not written "
                  "by planner under this account): rebuilt from the price tables", file=sys.stderr)
        path.unlink(missing_ok=True)
        return None
    try:
        return unpack(body, key, classes, deferred, str(path))
    except PackError:  # written by an incompatible version under the same key: rebuilt
        path.unlink(missing_ok=True)
        return None


def drop(key: str | None) -> None:
    """Remove the cached state of ``key`` (one that reads but is not what it should be)."""
    path = _path(key) if key else None
    if path is not None:
        path.unlink(missing_ok=True)


def save(key: str | None, state: Mapping[str, Any]) -> bool:
    """Write ``state`` to the cache under ``key``; True when written. Failures are ignored (a read-only home,
    a full disk, a state that does not pack: the cache only saves time)."""
    path = _path(key) if key else None
    if path is None or key is None:
        return False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        secret = _secret(path.parent)
        if secret is None:
            return False
        write_atomic(path, _sealed(secret, pack(state, key)))
        _evict(path.parent, key.split("-", 1)[0], keep=path)
    except Exception:  # noqa: BLE001 - read-only home, full disk, an unpackable state: the cache only saves time
        return False
    return True


OLD_FORMAT_DAYS = 7


def _evict(folder: Path, cloud: str, keep: Path) -> None:
    """Remove all but the newest :data:`KEPT_PER_CLOUD` books of ``cloud``, and the pickles of older planners
    not rewritten for :data:`OLD_FORMAT_DAYS` (an older planner still in use keeps its own)."""
    now = time.time()
    for old in folder.glob("pricebook-*.pickle"):
        if now - old.stat().st_mtime > OLD_FORMAT_DAYS * 86_400:
            old.unlink(missing_ok=True)
    mine = sorted(folder.glob(f"pricebook-{cloud}-*.pack"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
    for old in [p for p in mine if p != keep][KEPT_PER_CLOUD - 1:]:
        old.unlink(missing_ok=True)


def read_packed(path: Path, key: str, classes: Mapping[str, type], *, signed: bool,
                deferred: Collection[str] = ()) -> dict[str, Any] | None:
    """The state of a book packed beside its tables (``derived/<cloud>.pack``), or None when there is none or it
    was packed from other tables or code (``key``: :func:`content_key`).

    A pack installed with the package (``signed`` False) is trusted as the package's code is. Any other
    (a refreshed book's, by ``planner prices update``) is read only when sealed with this account's cache key
    (:func:`write_packed`): a pack in a folder someone else gave, or one the account did not write, is not
    read at all, and the folder's tables are read and validated instead. A pack that is there and should be
    read but does not (a truncated file, a member failing its SHA-256) is said on stderr. ``deferred``: as
    :func:`load`."""
    if not path.is_file():
        return None
    try:
        if signed:  # an unsealed file is not read past its first bytes
            with path.open("rb") as fh:
                if fh.read(len(MAGIC)) != MAGIC:
                    return None
        data = read_limited(path, MAX_CACHE_BYTES, "packed price book")
    except (InputFileError, OSError):
        return None
    data = _unsealed(data) if signed else data
    if data is None:
        return None
    try:
        return unpack(data, key, classes, deferred, str(path))
    except OtherKey:  # a pack of the previous prices, beside a refreshed folder's new tables
        return None
    except PackError as e:
        print(f"planner: the packed price book {path} cannot be used ({e}); the price tables are read "
              "instead", file=sys.stderr)
        return None


def write_packed(path: Path, key: str, state: Mapping[str, Any], *, signed: bool) -> None:
    """Write ``state`` as the pack ``path`` for ``key`` (whole or not at all); ``signed``: sealed with this
    account's cache key, as :func:`read_packed` reads packs outside the package. Raises :class:`OSError` when it
    cannot be written or sealed (the cache switched off)."""
    secret = _sealing_key() if signed else None
    body = pack(state, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, _sealed(secret, body) if secret else lambda fh: fh.write(body))


def _account_secret() -> bytes | None:
    """This account's cache key (None: the cache is off or its key unusable), which also seals packs outside
    the package."""
    folder = cache_dir()
    return _secret(folder) if folder is not None else None


def _unsealed(data: bytes) -> bytes | None:
    """The pack inside ``data`` sealed with this account's cache key; None when it is not so sealed."""
    secret = _account_secret()
    return _opened(data, secret) if secret is not None else None


def _sealing_key() -> bytes:
    """This account's cache key, which seals packs outside the package; :class:`OSError` when there is none."""
    secret = _account_secret()
    if secret is None:
        raise OSError("the price-book cache, whose key seals a refreshed book's packs, is switched off or unusable")
    return secret


def check_sealing() -> None:
    """Raise :class:`OSError` when packs cannot be sealed (before deriving what they would hold)."""
    _sealing_key()


def pack_status(path: Path, key: str | None, *, signed: bool) -> str:
    """Whether the pack ``path`` would be read for ``key`` (as :func:`read_packed` decides, without decoding its
    tables): ``packed`` or why not, in a few words for ``planner prices status``."""
    if key is None or not path.is_file():
        return "none (its tables are read and derived at start-up, then cached)"
    try:
        data = read_limited(path, MAX_CACHE_BYTES, "packed price book")
    except InputFileError as e:
        return f"unreadable ({e})"
    data = _unsealed(data) if signed else data
    if data is None:
        return "not sealed by this account (not read: its tables are read and derived, then cached)"
    found = packed_key(data)
    if found is None:
        return "unreadable (not a pack)"
    return "packed" if found == key else "of other tables or another planner (not read: derived, then cached)"
