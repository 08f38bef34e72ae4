"""Text from the logs, made safe to print on a terminal.

Caller names, session names, requestMetadata values and profile tags come from whoever called
Bedrock. A session name can hold ``ESC]0;...BEL`` (retitle the terminal), ``ESC[2J`` (clear it) or a
bidirectional override that reorders what follows. ``printable`` writes every such character as a
visible escape (``\\x1b``, ``\\u202e``), so a printed line shows what was logged and does nothing else.
The summary, the table formatter and the CLI's ERROR line print through it.
"""

from __future__ import annotations

import unicodedata

# Unicode categories that print nothing or move the cursor: controls (C0, DEL, C1), format characters
# (bidirectional overrides and isolates, zero-width characters), and the line and paragraph separators.
UNSAFE_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape(char: str) -> str:
    """One character as a visible escape: \\n, \\x1b, \\u202e, \\U000e0001."""
    if char in NAMED:
        return NAMED[char]
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def unsafe(char: str, keep_newlines: bool = False) -> bool:
    """True for a character that prints nothing visible or acts on the terminal."""
    return not (keep_newlines and char == "\n") and unicodedata.category(char) in UNSAFE_CATEGORIES


def printable(text: object, keep_newlines: bool = False) -> str:
    """``str(text)`` with every control and invisible formatting character written as its escape.
    ``keep_newlines`` leaves line breaks alone, for a whole multi-line output."""
    value = str(text)
    return "".join(escape(c) if unsafe(c, keep_newlines) else c for c in value)
