"""Write output files atomically: a reader sees the old files or the whole new ones, never half of one, and
never new files beside old ones of the same run.

Every file is written under a temporary name beside its destination (``.NAME.PID.RANDOM.part``), flushed to
disk, and renamed over the destination only once every file of the set is whole (:func:`output_set`). A
rewritten file keeps the mode of the one it replaces (a new one gets the usual ``0666`` less the umask, not
the ``0600`` of a temporary file). A run killed before its renames leaves ``.part`` files only; the next write
to the same destination removes those of processes no longer running.
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from planner.base.errors import PlannerError

Writer = Callable[[IO[bytes]], None]


class OutputSet:
    """Files staged under temporary names, renamed over their destinations together by :meth:`commit` (stale
    files named with :meth:`remove` go at the same moment), or all discarded by :meth:`discard`."""

    def __init__(self) -> None:
        self._staged: list[tuple[Path, Path]] = []  # (temporary, destination)
        self._removals: list[Path] = []
        self._direct: list[Path] = []  # destinations that are not regular files: copied into, not renamed over

    def write(self, path: str | Path, write: Writer) -> Path:
        """Call ``write`` on a new temporary file beside ``path``; ``path`` itself is untouched until
        :meth:`commit`. A missing or unwritable folder is a :class:`PlannerError` naming it."""
        path = Path(path)
        if path.is_symlink():  # the file the link names is written; the link stays a link
            path = path.resolve()
        folder = path.parent if str(path.parent) else Path(".")
        if not folder.is_dir():
            raise PlannerError(f"{path}: cannot write there: the folder {folder} does not exist")
        if path.is_dir():
            raise PlannerError(f"{path}: is a directory; give a file name")
        if path.exists() and not path.is_file():
            # a device, pipe or socket (/dev/stdout, a FIFO): renaming over it would replace it with a file (as
            # root, /dev/full itself); it is staged in the temporary folder and written into it when the set
            # commits, the one way such a file takes its bytes
            self._direct.append(path)
            folder = Path(tempfile.gettempdir())
        _remove_orphans(folder, path.name)
        tmp = folder / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part"
        try:
            # 0o666: the kernel applies the umask, as for any file a program creates (mkstemp would give 0600)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except PermissionError:
            raise PlannerError(f"{path}: cannot write there: permission denied on {folder}") from None
        self._staged.append((tmp, path))
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
            try:
                if path not in self._direct:
                    os.chmod(fh.fileno(), stat.S_IMODE(os.stat(path).st_mode))  # a rewritten file keeps its mode
            except (FileNotFoundError, NotImplementedError, TypeError):  # new file; no fchmod on this platform
                pass
        return path

    def remove(self, path: str | Path) -> None:
        """Remove ``path`` (if it exists) when the set is committed: a stale file of an earlier run."""
        self._removals.append(Path(path))

    def commit(self) -> None:
        """Rename every staged file over its destination and remove the stale ones, one after the other with
        nothing else in between (renames within a folder: the window where some are new is microseconds)."""
        folders = {path.parent for _, path in self._staged if path not in self._direct}
        try:
            for tmp, path in self._staged:
                if path in self._direct:
                    with open(tmp, "rb") as src, open(path, "wb") as dst:
                        shutil.copyfileobj(src, dst)
                else:
                    os.replace(tmp, path)
            for path in self._removals:
                path.unlink(missing_ok=True)
        finally:
            self.discard()  # whatever a failed rename left
        for folder in folders:
            _sync_folder(folder)

    def discard(self) -> None:
        """Remove every temporary file not yet renamed."""
        for tmp, _ in self._staged:
            tmp.unlink(missing_ok=True)
        self._staged = []


@contextmanager
def output_set() -> Iterator[OutputSet]:
    """Stage files inside the ``with`` block; they replace their destinations together when it ends, and none
    does when it raises (the temporary files are removed, the previous files left as they were)."""
    staged = OutputSet()
    try:
        yield staged
    except BaseException:
        staged.discard()
        raise
    staged.commit()


def write_atomic(path: str | Path, write: Writer) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``.

    On any error the temporary file is removed and ``path`` is left as it was; a missing or unwritable folder
    is a :class:`PlannerError` naming it.
    """
    with output_set() as out:
        out.write(path, write)


def write_text_atomic(path: str | Path, text: str) -> None:
    write_atomic(path, lambda fh: fh.write(text.encode("utf-8")))


def _remove_orphans(folder: Path, name: str) -> None:
    """Remove ``.part`` files for ``name`` that a killed run left (their process is gone)."""
    if os.name != "posix":  # os.kill(pid, 0) probes a process only on POSIX
        return
    for part in folder.glob(f".{_glob_escape(name)}.*.part"):
        pid = part.name[len(name) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            part.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[]" else c for c in name)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries (the renames) to disk where the platform allows it."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
