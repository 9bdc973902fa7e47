"""Reading a user's input file within a byte limit: every file planner is handed (workload YAML or JSON, a
scenario CSV or Parquet, a saved plan JSON, a ``--prices`` overlay) is read here.

Only regular files are read: a device (``/dev/zero`` never ends), a FIFO (blocks until someone writes, maybe
never) or a socket is refused before any byte is read. The file is opened without blocking and its type taken
from the open descriptor (not from the path, which could be swapped between a check and the open), and at most
the limit plus one byte is read, so a file that grows while it is read is still caught. Standard input (``-``,
where a command takes it) is read the same way, bounded too.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from pathlib import Path

from planner.base.errors import PlannerError

STDIN = "-"
_BLOCK = 1 << 20


class InputFileError(PlannerError):
    """An input file that cannot be read: ``source`` names it, ``problem`` says why (the message is both).
    ``too_large`` is set when it holds more than the limit; ``size`` is its size when known (a regular file's
    from its metadata; None when it grew while read, or for standard input)."""

    def __init__(self, source: str, problem: str, *, too_large: bool = False, size: int | None = None) -> None:
        self.source = source
        self.problem = problem
        self.too_large = too_large
        self.size = size
        super().__init__(f"{source}: {problem}")


def read_limited(path: str | Path, limit: int, what: str = "input file") -> bytes:
    """The bytes of the regular file ``path`` (or of standard input for ``-``), at most ``limit`` of them.

    Raises :class:`InputFileError` when it is missing, a directory, not a regular file, unreadable or larger
    than ``limit`` bytes (``what`` names the expected kind of file in the message, e.g. "workload file")."""
    source = str(path)
    if source == STDIN:
        if sys.stdin is None:  # started without one (a service, some IDE runners)
            raise InputFileError("<stdin>", "no standard input to read")
        stream = getattr(sys.stdin, "buffer", None)  # a text stream without bytes under it gives text
        data = _read_upto(stream.read if stream is not None else lambda n: sys.stdin.read(n).encode("utf-8"), limit)
        if len(data) > limit:
            raise InputFileError("<stdin>", f"more than {limit:,} bytes", too_large=True)
        return data
    # O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer; on a regular file it does nothing
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputFileError(source, "no such file") from None
    except IsADirectoryError:
        raise InputFileError(source, f"is a directory, not a {what}") from None
    except PermissionError:
        raise InputFileError(source, "permission denied") from None
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a socket, or a device without a driver
            raise InputFileError(source, f"not a regular file; a {what} must be one") from None
        raise InputFileError(source, f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputFileError(source, f"is a directory, not a {what}")
        if not stat.S_ISREG(info.st_mode):
            kind = ("a device" if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) else
                    "a pipe (FIFO)" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode)
                    else "not a regular file")
            raise InputFileError(source, f"is {kind}, not a regular file; a {what} must be a regular file")
        if info.st_size > limit:
            raise InputFileError(source, f"is {info.st_size:,} bytes", too_large=True, size=info.st_size)
        try:
            data = _read_upto(lambda n: os.read(fd, n), limit)
        except OSError as exc:
            raise InputFileError(source, f"cannot be read ({exc.strerror or exc})") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after its size was taken
        raise InputFileError(source, f"more than {limit:,} bytes", too_large=True)
    return data


def _read_upto(read: object, limit: int) -> bytes:
    """At most ``limit + 1`` bytes from ``read(n)`` (one more than allowed tells an oversized input)."""
    parts: list[bytes] = []
    left = limit + 1
    while left > 0:
        block = read(min(left, _BLOCK))  # type: ignore[operator]
        if not block:
            break
        parts.append(block)
        left -= len(block)
    return b"".join(parts)
