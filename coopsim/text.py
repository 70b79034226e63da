"""Safe text: which characters act on a terminal or reorder text, and text with them escaped.

Text from users (a scenario's name and description, a farm's name, a file name) is shown
in terminals, logs and the dashboard. A control character can clear a terminal, set its
window title or move its cursor (ANSI escape sequences start with ESC, U+001B), and a
bidirectional override (U+202E) shows text in another order than it is stored. Scenario
files may not hold them (:mod:`coopsim.scenario` refuses them); anything else shown to
a user passes through :func:`escaped`.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Embeddings, overrides and isolates: they reorder the text that follows them."""

LINE_BREAKS = frozenset("\n\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
"""Characters that start a new line somewhere (Python's ``str.splitlines`` splits on them)."""


def is_control(char: str, *, line_breaks: bool = False) -> bool:
    """Whether ``char`` acts on a terminal or reorders text (a tab never does).

    Args:
        char: one character.
        line_breaks: whether a line feed or carriage return is allowed (other line
            separators, U+2028 among them, never are).
    """
    if char == "\t" or (line_breaks and char in "\n\r"):
        return False
    return unicodedata.category(char) == "Cc" or char in BIDI_CONTROLS or char in LINE_BREAKS


def first_control(text: str, *, line_breaks: bool = False) -> int | None:
    """The index of the first control character in ``text``, or None."""
    return next((i for i, c in enumerate(text) if is_control(c, line_breaks=line_breaks)), None)


def escaped(text: str, *, line_breaks: bool = False) -> str:
    r"""``text`` with every control character written as its escape (ESC becomes ``\x1b``).

    Args:
        text: any text.
        line_breaks: keep line feeds and carriage returns as they are; by default they
            are escaped too, so the text stays on one line.
    """
    if first_control(text, line_breaks=line_breaks) is None:
        return text
    return "".join(
        c.encode("unicode_escape").decode("ascii") if is_control(c, line_breaks=line_breaks) else c
        for c in text
    )
