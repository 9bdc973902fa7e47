"""What the dashboard does with a file a browser sent: its bytes are read from memory, and the name the
browser gave (chosen by the client: ``../../x.csv``, ``/etc/passwd``, control characters) is only ever shown,
never used as a path."""

from __future__ import annotations

import re

from planner.base.controls import CONTROL

MAX_SHOWN_NAME = 80


def display_name(client_name: str | None, default: str) -> str:
    """The last component of ``client_name`` (either slash), without control characters, at most
    :data:`MAX_SHOWN_NAME` characters; ``default`` when nothing is left. For messages and download names only."""
    last = re.split(r"[\\/]", client_name or "")[-1]
    shown = CONTROL.sub("", last).strip()
    if shown in ("", ".", ".."):
        return default
    return shown if len(shown) <= MAX_SHOWN_NAME else shown[: MAX_SHOWN_NAME - 1] + "…"


def results_stem(client_name: str | None) -> str:
    """The stem of the result files offered for download: the upload's shown name without its extension, in
    letters, digits, ``-``, ``_`` and ``.`` only (a download name the browser saves as it is)."""
    stem = display_name(client_name, "scenarios").rsplit(".", 1)[0]
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._") or "scenarios") + "-results"
