"""A sweep killed with SIGKILL resumes: no run lost, none run twice, the same merged table.

The sweep runs in a pool of two workers and only its own process is killed, as
``kill -9 PID`` does; its workers must end by themselves.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from coopsim.experiments import load_experiment, run_sweep
from coopsim.experiments.plan import make_plan
from coopsim.experiments.store import RunStore

RUNS = 48
SPEC = (
    '[design]\nkind = "grid"\n'
    '[[factors]]\nkey = "policy.changes.2017.member_grant"\n'
    "values = [0, 25000, 50000, 75000, 100000, 125000, 150000, 175000, 200000, 225000, 250000, "
    "275000]\n"
    '[[factors]]\nkey = "policy.investment_subsidy"\nvalues = [0.0, 0.5]\n'
)
KILL_AFTER = 3
"""Runs on disk before the sweep is killed."""


def _children(pid: int) -> set[int]:
    """Processes whose parent is ``pid`` (from /proc)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.add(int(stat.parent.name))
    return found


def _wait_gone(pids: set[int], patience_s: float = 60.0) -> set[int]:
    """Wait until the processes have ended (at most ``patience_s``); those still running."""
    deadline = time.monotonic() + patience_s
    while True:
        alive = {p for p in pids if Path(f"/proc/{p}").exists()}
        if not alive or time.monotonic() > deadline:
            return alive
        time.sleep(0.1)


@pytest.fixture(scope="module")
def killed_and_resumed(
    tmp_path_factory: pytest.TempPathFactory,
    start_coopsim: Callable[..., subprocess.Popen[str]],
    run_coopsim: Callable[..., subprocess.CompletedProcess[str]],
) -> dict:
    """A sweep killed mid-way and run again, and the same sweep run without interruption."""
    folder = tmp_path_factory.mktemp("resume")
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"
    spec = folder / "experiment.toml"
    spec.write_text(
        f'scenario = "{scenario}"\nfarms = 3000\nyears = 10\nreplications = 2\nseed = 3\n{SPEC}'
    )
    out = folder / "out"
    runs = out / "runs"
    command = ("sweep", spec, "--out", out, "--workers", "2")
    proc = start_coopsim(*command, cwd=folder)
    try:
        while proc.poll() is None and len(list(runs.glob("*.parquet"))) < KILL_AFTER:
            time.sleep(0.005)
        workers = _children(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)  # the sweep only, as `kill -9 PID` does
        proc.communicate(timeout=60)
        workers_left = _wait_gone(workers)
    finally:
        with contextlib.suppress(ProcessLookupError):  # whatever is left of the sweep
            os.killpg(proc.pid, signal.SIGKILL)
    at_kill = {p.name: p.stat().st_mtime_ns for p in runs.glob("[!.]*.parquet")}
    manifest_at_kill = json.loads((out / "manifest.json").read_text())
    merged_at_kill = (out / "runs.parquet").exists()
    resumed = run_coopsim(*command, cwd=folder)

    reference = folder / "reference"
    run_sweep(load_experiment(spec), reference, workers=1)
    return {
        "proc": proc,
        "spec": spec,
        "out": out,
        "at_kill": at_kill,
        "manifest_at_kill": manifest_at_kill,
        "merged_at_kill": merged_at_kill,
        "workers": workers,
        "workers_left": workers_left,
        "resumed": resumed,
        "reference": reference,
    }


def test_sweep_was_killed_with_some_but_not_all_runs_on_disk(killed_and_resumed: dict) -> None:
    assert killed_and_resumed["proc"].returncode == -signal.SIGKILL
    assert KILL_AFTER <= len(killed_and_resumed["at_kill"]) < RUNS
    assert killed_and_resumed["manifest_at_kill"]["state"] == "running"
    assert not killed_and_resumed["merged_at_kill"]


def test_pool_workers_end_when_the_sweep_is_killed(killed_and_resumed: dict) -> None:
    assert len(killed_and_resumed["workers"]) >= 2  # two workers (and the resource tracker)
    assert not killed_and_resumed["workers_left"], "workers outlived the killed sweep"


def test_rerun_skips_the_runs_on_disk_and_finishes(killed_and_resumed: dict) -> None:
    resumed = killed_and_resumed["resumed"]
    assert resumed.returncode == 0, resumed.stderr
    skipped = len(killed_and_resumed["at_kill"])
    assert f"{skipped} already in" in resumed.stdout
    assert f"{RUNS - skipped} runs done, 0 failed" in resumed.stdout


def test_runs_finished_before_the_kill_are_not_rewritten(killed_and_resumed: dict) -> None:
    runs = killed_and_resumed["out"] / "runs"
    for name, mtime in killed_and_resumed["at_kill"].items():
        assert (runs / name).stat().st_mtime_ns == mtime, f"{name} was run again"


def test_no_run_is_lost_or_duplicated(killed_and_resumed: dict) -> None:
    out = killed_and_resumed["out"]
    planned = {r.run_id for r in make_plan(load_experiment(killed_and_resumed["spec"])).runs}
    assert len(planned) == RUNS
    assert sorted(p.name for p in (out / "runs").iterdir()) == sorted(
        f"{run_id}.parquet" for run_id in planned
    )  # no partial file left, no failure record
    merged = pd.read_parquet(out / "runs.parquet")
    assert set(merged["run_id"]) == planned
    assert not merged.duplicated(["run_id", "year"]).any()
    manifest = RunStore(out).read_manifest()
    assert manifest["state"] == "finished"
    assert manifest["counts"] == {"done": RUNS, "failed": 0, "pending": 0}


def test_merged_table_equals_that_of_an_uninterrupted_sweep(killed_and_resumed: dict) -> None:
    resumed = pd.read_parquet(killed_and_resumed["out"] / "runs.parquet")
    uninterrupted = pd.read_parquet(killed_and_resumed["reference"] / "runs.parquet")
    pd.testing.assert_frame_equal(resumed, uninterrupted, check_exact=True)
