"""Control and invisible format characters in text that came from outside (file, series and client names):
shown as visible escapes, or taken out, by one definition of what they are."""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls (0x9b is a one-byte CSI), bidirectional overrides and isolates, zero-width and
# line/paragraph separators: what a terminal obeys or hides instead of showing, and what ends a line of YAML
CONTROLS = "\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
CONTROL = re.compile(f"[{CONTROLS}]")
_CONTROL_BUT_NEWLINE = re.compile(f"(?!\n)[{CONTROLS}]")


def visible_controls(text: object, *, keep_newlines: bool = False) -> str:
    """``text`` with every control or invisible format character as a visible escape (``\\x1b``, ``\\n``,
    ``\\u202e``): a terminal or a one-line message then shows it instead of obeying it. ``keep_newlines`` keeps
    line breaks (text the program laid out in lines)."""
    pattern = _CONTROL_BUT_NEWLINE if keep_newlines else CONTROL
    return pattern.sub(_visible, str(text))


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    named = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char)
    return named or (f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
