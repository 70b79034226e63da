"""What the commands print: user text is never markup and never a terminal control code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from commandline import coopsim
from rich.console import Console

from coopsim.terminal import line, plain
from coopsim.text import escaped

ROOT = Path(__file__).resolve().parents[1]


def _shown(*parts: object) -> str:
    console = Console(width=200, force_terminal=True, color_system=None)
    with console.capture() as captured:
        console.print(line(*parts), highlight=False, soft_wrap=True)
    return captured.get()


@pytest.mark.parametrize("text", ["Village [/] test", "[bold red]loud[/]", "[link=x]y[/link]"])
def test_text_that_looks_like_markup_is_printed_as_written(text: str) -> None:
    assert _shown((text, "bold"), ": valid") == f"{text}: valid\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b]0;owned\x07title", "\\x1b]0;owned\\x07title"),  # sets the window title
        ("\x1b[2Jcleared", "\\x1b[2Jcleared"),  # clears the screen
        ("abc\u202edcba", "abc\\u202edcba"),  # shows what follows reversed
        ("two\nlines\r", "two\\nlines\\r"),  # a one-line message stays one line
    ],
)
def test_control_characters_are_shown_as_escapes(text: str, shown: str) -> None:
    assert escaped(text) == shown
    assert plain(text).plain == shown
    assert "\x1b" not in _shown(text) and "\u202e" not in _shown(text)


def test_line_breaks_may_be_kept_where_text_has_lines() -> None:
    assert escaped("a\nb\x1b", line_breaks=True) == "a\nb\\x1b"


def test_validate_prints_a_name_that_looks_like_markup_as_written(tmp_path: Path) -> None:
    path = tmp_path / "markup.toml"
    path.write_text('name = "Village [/] test"\n[population]\nfarms = 100\n', encoding="utf-8")
    proc = coopsim("validate", path, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"{path}: valid — Village [/] test, 100 farms")


def test_an_error_about_a_file_whose_name_holds_an_escape_sequence_escapes_it(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bad\x1b]0;owned\x07.toml"
    path.write_text("[population]\nfarms = -1\n", encoding="utf-8")
    proc = coopsim("validate", path, cwd=tmp_path)
    assert proc.returncode == 2
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: {tmp_path}/bad\\x1b]0;owned\\x07.toml: population.farms: Input should be "
        "greater than or equal to 2 (got -1)"
    ]


def test_a_usage_mistake_is_one_line_with_status_2(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("coopsim")  # the installed command
    proc = subprocess.run(
        [command, "run", ROOT / "scenarios" / "village_machinery.toml", "--frams", "3"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "error: No such option: --frams (Possible options: --farms) (see coopsim run --help)"
    ]
