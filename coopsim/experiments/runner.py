"""One run of an experiment, as executed by a worker: scenario values and seed in, table out.

:func:`run_one` is what every executor calls (in this process, in a pool process or
on a Dask worker), so it lives in an importable module and takes and returns plain,
picklable data. It never raises: whatever goes wrong in a run is returned as its
error, so one failed run cannot stop a sweep.

A worker tunes its process for runs (:func:`coopsim.tuning.tune_process`): one BLAS
thread (as Dask's workers have by default) and freed memory kept for reuse. After each
run it collects the garbage (:func:`coopsim.tuning.collected_after`), so that the
model is freed before the next one is built:
a Mesa model refers to itself (its scenario, its wrapped step and its event generator
hold it), so only Python's cycle collector frees it, and that collector counts objects,
not bytes. A national model is a few hundred objects holding hundreds of megabytes of
arrays: left to the collector, a process running one run after another (a one-worker
sweep, a pool or Dask worker) kept every finished model.
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coopsim import __version__
from coopsim.model import CoopModel
from coopsim.scenario import validate_scenario
from coopsim.tuning import collected_after, tune_process


@dataclass(frozen=True)
class RunTask:
    """What a worker needs for one run.

    Attributes:
        run_id: the run's id.
        scenario: the base scenario, as ``Scenario.model_dump()`` (plain data).
        values: factor values by dotted scenario key.
        seed: the model's seed.
        outputs: model columns to keep besides ``year``; empty = all.
        keep: other tables to return (``lineage``, ``payments``).
    """

    run_id: str
    scenario: dict[str, Any]
    values: dict[str, Any]
    seed: int
    outputs: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()


@dataclass
class RunResult:
    """What came back from a run.

    Attributes:
        run_id: the run's id.
        table: the model table (one row per year), or None when the run failed.
        error: ``Type: message`` on one line when the run failed, else None.
        detail: the traceback of a failure.
        info: where and how long it ran: host, pid, coopsim version, setup_s, run_s.
        kept: the other tables asked for (``lineage``, ``payments``), by name.
    """

    run_id: str
    table: pd.DataFrame | None
    error: str | None = None
    detail: str = ""
    info: dict[str, Any] = field(default_factory=dict)
    kept: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the run finished and has a table."""
        return self.error is None


def one_line(exc: BaseException) -> str:
    """An exception as ``Type: message`` on one line."""
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_one(task: RunTask) -> RunResult:
    """Build the scenario with the task's values, run the model and keep the outputs."""
    with collected_after():  # the finished model, held only in its own reference cycles
        return _run(task)


def _run(task: RunTask) -> RunResult:
    info: dict[str, Any] = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "coopsim_version": __version__,
    }
    started = time.perf_counter()
    try:
        scenario = validate_scenario(task.scenario, source="base scenario").with_values(task.values)
        tune_process()
        info["currency"] = scenario.currency
        model = CoopModel(spec=scenario, rng=task.seed)
        info["setup_s"] = time.perf_counter() - started
        table = model.run()
        info["run_s"] = time.perf_counter() - started - info["setup_s"]
        if task.outputs:
            table = table[["year", *task.outputs]]
        kept = {name: getattr(model, f"{name}_table")() for name in task.keep}
    # A sweep goes on whatever one run does: every error becomes that run's record.
    except Exception as exc:
        return RunResult(task.run_id, None, one_line(exc), traceback.format_exc(), info)
    return RunResult(task.run_id, table, info=info, kept=kept)
