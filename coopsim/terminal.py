"""What the commands print: one console for results, one for errors, and one-line failures.

Shared by every command of the command line (:mod:`coopsim.cli`,
:mod:`coopsim.experiments.commands`). When the output is not a terminal the lines are
kept to a fixed width, so logs and tests see the same text.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import typer
from rich.console import Console
from rich.text import Text

console = Console(width=None if sys.stdout.isatty() else 120)
errors = Console(stderr=True, width=None if sys.stderr.isatty() else 200)


def fail(message: str) -> NoReturn:
    """Print ``error: message`` on one line and end the command with exit status 2."""
    # the message is shown as it is: a path like runs[2]/x.toml is not markup
    errors.print(
        Text.assemble(("error:", "bold red"), " ", message), highlight=False, soft_wrap=True
    )
    raise typer.Exit(2)
