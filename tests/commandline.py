"""Running the ``coopsim`` command as a user does, in a subprocess, and reading its failures."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def environment(**extra: str) -> dict[str, str]:
    """This process's environment without forced colours, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    return {**env, **extra}


def coopsim(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run ``coopsim ARGS`` from ``cwd`` to its end (keyword arguments: environment)."""
    return subprocess.run(
        [sys.executable, "-m", "coopsim.cli", *map(str, args)],
        cwd=cwd,
        env=environment(**env),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def assert_one_error_line(proc: subprocess.CompletedProcess[str], *named: str) -> None:
    """Exit status 2, no traceback, and one line ``error: …`` naming each of ``named``."""
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error:"), lines[0]
    for part in named:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"
