"""Fixtures shared by the experiment tests: small spec files and the ``coopsim`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KAZAKHSTAN = ROOT / "scenarios" / "kazakhstan_2016.toml"


def _spec_text(body: str, farms: int, years: int, replications: int, seed: int) -> str:
    return (
        f'name = "test"\nscenario = "{KAZAKHSTAN}"\nfarms = {farms}\nyears = {years}\n'
        f"replications = {replications}\nseed = {seed}\n{body}"
    )


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write an experiment on a small, short Kazakhstan sample; ``body`` adds design and factors.

    With ``raw=True`` the text is written as given.
    """

    def write(
        body: str,
        *,
        farms: int = 600,
        years: int = 3,
        replications: int = 2,
        seed: int = 11,
        raw: bool = False,
        name: str = "experiment.toml",
    ) -> Path:
        path = tmp_path / name
        text = body if raw else _spec_text(body, farms, years, replications, seed)
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def start_coopsim() -> Callable[..., subprocess.Popen[str]]:
    """Start the ``coopsim`` command as a user would, in a process group of its own.

    Keyword arguments are set as environment variables of the command.
    """

    def start(*args: str | Path, cwd: Path, **env_vars: str) -> subprocess.Popen[str]:
        env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
        env.update(env_vars)
        return subprocess.Popen(
            [sys.executable, "-m", "coopsim.cli", *map(str, args)],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    return start


@pytest.fixture(scope="session")
def run_coopsim(
    start_coopsim: Callable[..., subprocess.Popen[str]],
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the ``coopsim`` command to its end."""

    def run(*args: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
        proc = start_coopsim(*args, cwd=cwd, **env)
        out, err = proc.communicate(timeout=300)
        return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)

    return run
