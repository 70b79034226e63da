"""What the commands print: one console for results, one for errors, and one-line failures.

Shared by every command of the command line (:mod:`coopsim.cli`,
:mod:`coopsim.experiments.commands`). When the output is not a terminal the lines are
kept to a fixed width, so logs and tests see the same text.

Text that comes from users (names, descriptions, paths, values, error messages) is
printed with :func:`line` or :func:`plain`: never read as rich markup (a name like
``Village [/] test`` is printed as it is), and with control characters escaped, so an
escape sequence in a scenario or file name cannot act on the terminal.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

from coopsim.text import escaped

console = Console(width=None if sys.stdout.isatty() else 120)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def plain(text: object, style: str = "") -> Text:
    """``text`` as shown: no markup, control characters escaped, on one line."""
    return Text(escaped(str(text)), style=style)


def line(*parts: object | tuple[object, str]) -> Text:
    """A line assembled of plain parts and ``(text, style)`` pairs, each shown by :func:`plain`."""
    out = Text()
    for part in parts:
        text, style = part if isinstance(part, tuple) else (part, "")
        out.append_text(plain(text, style))
    return out


def say(*parts: object | tuple[object, str]) -> None:
    """Print a :func:`line` on the results console, as it is (no highlighting)."""
    console.print(line(*parts), highlight=False, soft_wrap=True)


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on one line and end the command with exit status 2."""
    errors.print(line(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def warn(message: str) -> None:
    """Print ``warning: message`` on one line (the command goes on)."""
    errors.print(line(("warning:", "bold yellow"), " ", message), highlight=False, soft_wrap=True)
