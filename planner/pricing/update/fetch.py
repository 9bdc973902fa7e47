"""HTTP for price updates: JSON pages with a timeout, retries with backoff on transient failures, and one clear
line naming the source when it fails (no traceback, no partial result)."""

from __future__ import annotations

import errno
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from planner.errors import PlannerError

TIMEOUT_S = 30.0
RETRIES = 3
BACKOFF_S = 1.0
RETRY_STATUS = {429, 500, 502, 503, 504}
USER_AGENT = "planner-price-update (+https://github.com/; list prices only)"

GetJson = Callable[[str], Any]


class UpdateError(PlannerError):
    """A price source could not be fetched or read; the message names the source and why."""


class NotPublished(UpdateError):
    """The source answered 404: it publishes nothing at that address (a service not offered in a region)."""


def get_json(url: str, *, source: str, timeout: float = TIMEOUT_S, retries: int = RETRIES,
             sleep: Callable[[float], None] | None = None) -> Any:
    """The JSON document at ``url``: retried on a timeout, a dropped connection or a 429/5xx answer (``retries``
    more times, doubling the wait), an :class:`UpdateError` naming ``source`` otherwise."""
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "application/json"})

    def fetch() -> bytes:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - https URLs we build
            return response.read()

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
    failing (``failed(reason)`` says how), at once for another HTTP error or a full disk."""
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
            if n == retries:
                raise UpdateError(f"{source}: {failed(getattr(e, 'reason', e))}") from None
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
                                        timeout=timeout) as response:
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
