"""HTTP for price updates: JSON pages with a timeout, retries with backoff on transient failures, a total
deadline, and one clear line naming the source when it fails (no traceback, no partial result).

Two clocks bound every request: a connection silent for :data:`TIMEOUT_S` is dropped (and retried), and
everything inside :func:`network_deadline` (``planner prices update`` wraps a whole update in one) gives up
once its deadline has passed, retries, backoff and slow transfers included; a request made outside one gets
:data:`DEADLINE_S` of its own.
"""

from __future__ import annotations

import errno
import json
import math
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

from planner.base.errors import PlannerError

TIMEOUT_S = 30.0  # a connection silent this long is dropped (and retried)
DEADLINE_S = 3_600.0  # a whole update gives up after this long (planner prices update --deadline)
RETRIES = 3
BACKOFF_S = 1.0
RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "planner-price-update (+https://github.com/; list prices only)"

GetJson = Callable[[str], Any]


class UpdateError(PlannerError):
    """A price source could not be fetched or read; the message names the source and why."""


class NotPublished(UpdateError):
    """The source answered 404: it publishes nothing at that address (a service not offered in a region)."""


_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("planner_network_deadline", default=None)


@contextmanager
def network_deadline(seconds: float) -> Iterator[None]:
    """Every request inside gives up once ``seconds`` have passed (an enclosing, earlier deadline still holds)."""
    now = time.monotonic()
    outer = _DEADLINE.get()
    mine = (now + seconds, seconds)
    token = _DEADLINE.set(mine if outer is None or mine[0] < outer[0] else outer)
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def _left(source: str, url: str) -> float:
    """Seconds left before the deadline; an :class:`UpdateError` once it has passed."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return math.inf
    left = deadline[0] - time.monotonic()
    if left <= 0:
        raise UpdateError(f"{source}: gave up on {_short(url)}: the deadline of {deadline[1]:,g} s for the whole "
                          "update passed (--deadline sets it); the price cache is unchanged")
    return left


def _read_body(response: Any, source: str, url: str, chunk: int = 1 << 16) -> bytes:
    """The whole answer, read a block at a time so that a server trickling bytes still meets the deadline."""
    try:
        block = response.read(chunk)
    except TypeError:  # a reader whose read() takes no size (not http.client's): whole, as it offers
        return response.read()
    parts = []
    while block:
        parts.append(block)
        _left(source, url)
        block = response.read(chunk)
    return b"".join(parts)


def get_json(url: str, *, source: str, timeout: float = TIMEOUT_S, retries: int = RETRIES,
             sleep: Callable[[float], None] | None = None) -> Any:
    """The JSON document at ``url``: retried on a timeout, a dropped connection or a 429/5xx answer (``retries``
    more times, doubling the wait), an :class:`UpdateError` naming ``source`` otherwise."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def fetch() -> bytes:
        with urllib.request.urlopen(request, timeout=min(timeout, _left(source, url))) as response:  # noqa: S310
            return _read_body(response, source, url)

    body = _retried(fetch, source=source, url=url, retries=retries, sleep=sleep,
                    failed=lambda reason: f"cannot reach {_short(url)} ({reason}); the price cache is unchanged")
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise UpdateError(f"{source}: {_short(url)} did not answer JSON (truncated or changed?)") from None


T = TypeVar("T")


def _retried(attempt: Callable[[], T], *, source: str, url: str, retries: int,
             sleep: Callable[[float], None] | None, failed: Callable[[object], str], writing: Path | None = None
             ) -> T:
    """``attempt()``, tried again after a timeout, a dropped connection or a 429/5xx answer (``retries`` more
    times, the wait doubling from :data:`BACKOFF_S`); an :class:`UpdateError` naming ``source`` when it keeps
    failing (``failed(reason)`` says how), at once for another HTTP error or a full disk, and when the deadline
    passes (:func:`network_deadline`; :data:`DEADLINE_S` for a call made outside one)."""
    if _DEADLINE.get() is None:
        with network_deadline(DEADLINE_S):
            return _retried(attempt, source=source, url=url, retries=retries, sleep=sleep, failed=failed,
                            writing=writing)
    wait = BACKOFF_S
    for n in range(retries + 1):
        try:
            return attempt()
        except urllib.error.HTTPError as e:
            if e.code == 404:
                raise NotPublished(f"{source}: HTTP 404 {e.reason} from {_short(url)}") from None
            if e.code not in RETRY_STATUS or n == retries:
                raise UpdateError(f"{source}: HTTP {e.code} {e.reason} from {_short(url)}") from None
        except OSError as e:  # URLError, timeouts and dropped connections are OSErrors
            if e.errno == errno.ENOSPC:
                raise UpdateError(f"{source}: the disk is full writing {writing or e.filename}; the price cache is "
                                  "unchanged") from None
            _left(source, url)  # a timeout at the deadline is the deadline's
            if n == retries:
                raise UpdateError(f"{source}: {failed(getattr(e, 'reason', e))}") from None
        if wait >= _left(source, url):  # no time for another attempt after the wait: say so now
            raise UpdateError(f"{source}: gave up on {_short(url)}: no time left for another attempt before the "
                              "update's deadline (--deadline sets it); the price cache is unchanged")
        (sleep or time.sleep)(wait)
        wait *= 2
    raise AssertionError("unreachable: the last attempt returns or raises")


def _short(url: str) -> str:
    """``url`` for a message: any API key hidden, long queries cut."""
    url = re.sub(r"([?&]key=)[^&]+", r"\1***", url)
    return url if len(url) <= 120 else url[:117] + "..."


def download(url: str, dest: Path, *, source: str, timeout: float = TIMEOUT_S, retries: int = RETRIES,
             progress: Callable[[int, int | None], None] | None = None, chunk: int = 1 << 20,
             sleep: Callable[[float], None] | None = None) -> Path:
    """Stream ``url`` to ``dest``: written to ``dest.part`` and renamed when whole, resumed from where an earlier
    attempt stopped (an HTTP Range request; a server that ignores it starts over), retried like
    :func:`get_json`; a length that does not match the server's is a truncated download."""
    part = dest.with_name(dest.name + ".part")

    def fetch() -> Path:
        have = part.stat().st_size if part.exists() else 0
        headers = {"User-Agent": USER_AGENT, **({"Range": f"bytes={have}-"} if have else {})}
        try:
            with urllib.request.urlopen(urllib.request.Request(url, headers=headers),  # noqa: S310
                                        timeout=min(timeout, _left(source, url))) as response:
                resumed = have and response.status == 206
                length = response.headers.get("Content-Length")
                total = (int(length) + (have if resumed else 0)) if length else None
                done = have if resumed else 0
                with open(part, "ab" if resumed else "wb") as fh:
                    while block := response.read(chunk):
                        fh.write(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
                        _left(source, url)  # a slow transfer meets the deadline too
        except urllib.error.HTTPError as e:
            if e.code != 416:
                raise
            part.unlink(missing_ok=True)  # the range is past the end: the part file is whole or stale; start over
            raise ConnectionError("the resumed range is past the end; starting over") from None
        if total is not None and done != total:
            raise ConnectionError(f"got {done:,} of {total:,} bytes")
        part.replace(dest)
        return dest

    return _retried(fetch, source=source, url=url, retries=retries, sleep=sleep, writing=part,
                    failed=lambda reason: f"download of {_short(url)} failed ({reason}); rerun to resume, the "
                                          "price cache is unchanged")
