"""A sweep: plan the runs of an experiment, skip those on disk, execute and store the rest.

:func:`run_sweep` ties the pipeline together: spec → design and seeds
(:mod:`~coopsim.experiments.plan`) → executor (:mod:`~coopsim.experiments.executor`)
→ one file per run as it finishes (:mod:`~coopsim.experiments.store`) → the merged
table. Running it again on the same folder resumes: runs whose file exists are
skipped, failed and missing ones are run.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from coopsim.experiments.executor import executor_for
from coopsim.experiments.plan import Plan, PlannedRun, make_plan, scenario_digest
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.spec import Experiment
from coopsim.experiments.store import MANIFEST, MERGED, MERGED_CSV, RunStore, merge_runs

MANIFEST_FORMAT = 1
PACKAGES = (
    "coopsim",
    "mesa",
    "numpy",
    "pandas",
    "scipy",
    "pyarrow",
    "pydantic",
    "networkx",
    "SALib",
    "dask",
    "distributed",
)
"""Packages whose versions the manifest records (those installed)."""


@dataclass
class SweepReport:
    """What a sweep did.

    Attributes:
        out: the sweep's folder.
        planned: runs in the plan.
        points: distinct design points.
        skipped: runs already on disk, not run again.
        done: runs finished now.
        failed: runs that failed now, with their errors, by run id.
        wall_s: seconds this sweep took.
        executor: where the runs were carried out, in words.
        previous_hash: the spec hash of an earlier sweep in this folder when it
            differs from this one (its matching runs were reused), else None.
    """

    out: Path
    planned: int
    points: int = 0
    skipped: int = 0
    done: int = 0
    failed: dict[str, str] = field(default_factory=dict)
    wall_s: float = 0.0
    executor: str = ""
    previous_hash: str | None = None


def package_versions() -> dict[str, str]:
    """Python's and the installed packages' versions."""
    versions = {"python": sys.version.split()[0]}
    for name in PACKAGES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def git_revision() -> dict[str, Any] | None:
    """The git commit of the coopsim source and whether it has uncommitted changes.

    None when coopsim is not run from a git work tree (an installed package).
    """
    here = Path(__file__).resolve()
    source = here.parents[2]

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(source), *args],
            capture_output=True,
            text=True,
            check=True,
            timeout=10,
        ).stdout.strip()

    try:
        git("ls-files", "--error-unmatch", str(here))  # this very file is tracked there
        commit = git("rev-parse", "HEAD")
        dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "dirty": dirty}


def _record(run: PlannedRun) -> dict[str, Any]:
    record = {
        "run_id": run.run_id,
        "point": run.point,
        "replicate": run.replicate,
        "seed": run.seed,
        "values": run.values,
    }
    if run.policy is not None:
        record |= {"policy": run.policy, "draw": run.draw}
    return record


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def manifest(
    experiment: Experiment,
    plan: Plan,
    store: RunStore,
    *,
    state: str,
    started: str,
    wall_s: float,
    where: str,
) -> dict[str, Any]:
    """The manifest of a sweep folder, with each run's status as on disk now."""
    runs = [{**_record(run), **store.record(run.run_id)} for run in plan.runs]
    counts = {s: sum(r["status"] == s for r in runs) for s in ("done", "failed", "pending")}
    spec = experiment.spec
    return {
        "format": MANIFEST_FORMAT,
        "experiment_file": str(experiment.source),
        "spec_hash": experiment.hash,
        "spec": spec.model_dump(mode="json"),
        "scenario": experiment.scenario.model_dump(mode="json"),
        "scenario_digest": scenario_digest(experiment.scenario),
        "factors": experiment.keys,
        "levers": experiment.lever_keys,
        "uncertainties": [f.key for f in experiment.spec.uncertainties],
        "policies": [p.model_dump(mode="json") for p in experiment.policies],
        "design": {
            "kind": spec.design.kind,
            "rows": len(plan.rows),
            "points": len(plan.points),
            "row_points": plan.row_points,
        },
        "replications": spec.replications,
        "master_seed": spec.seed,
        "state": state,
        "counts": counts,
        "executor": where,
        "started": started,
        "updated": _now(),
        "wall_s": round(wall_s, 3),
        "versions": package_versions(),
        "git": git_revision(),
        "runs": runs,
    }


def run_sweep(
    experiment: Experiment,
    out: str | Path,
    *,
    workers: int = 1,
    scheduler: str | None = None,
    on_start: Callable[[SweepReport], None] | None = None,
    on_result: Callable[[RunResult], None] | None = None,
    csv: bool = False,
    keep: tuple[str, ...] = (),
) -> SweepReport:
    """Run every run of ``experiment`` not yet on disk in ``out``, then merge them.

    Args:
        experiment: a loaded experiment (:func:`~coopsim.experiments.load_experiment`).
        out: the sweep's folder; rerunning on the same folder resumes.
        workers: local processes (1 = in this process).
        scheduler: address of a Dask scheduler; the runs go to its cluster.
        on_start: called with the report (runs planned, points, skipped) before the
            first run.
        on_result: called with each result as it arrives (after it is on disk).
        csv: also write the merged table as ``runs.csv``.
        keep: other tables to keep for each run: ``lineage``, ``payments``. Runs on
            disk from an earlier sweep are not run again for them.

    Raises:
        StoreError: when another sweep is writing to ``out``.
        ExecutorError: when the Dask scheduler cannot be reached.
    """
    started_at, clock = _now(), time.perf_counter()
    plan = make_plan(experiment)
    store = RunStore(Path(out))
    runner = executor_for(workers=workers, scheduler=scheduler)
    where = runner.description
    report = SweepReport(
        out=store.root, planned=len(plan.runs), points=len(plan.points), executor=where
    )
    with runner, store.lock():
        if (store.root / MANIFEST).exists():
            previous = store.read_manifest().get("spec_hash")
            if previous != experiment.hash:
                report.previous_hash = previous
        finished = store.finished()
        to_do = [run for run in plan.runs if run.run_id not in finished]
        report.skipped = len(plan.runs) - len(to_do)
        for merged in (MERGED, MERGED_CSV):  # stale until this sweep merges
            (store.root / merged).unlink(missing_ok=True)

        def write(state: str) -> None:
            elapsed = time.perf_counter() - clock
            store.write_manifest(
                manifest(
                    experiment,
                    plan,
                    store,
                    state=state,
                    started=started_at,
                    wall_s=elapsed,
                    where=where,
                )
            )

        write("running")
        scenario = experiment.scenario.model_dump()
        outputs = tuple(experiment.spec.outputs)
        tasks = [RunTask(r.run_id, scenario, r.values, r.seed, outputs, keep) for r in to_do]
        planned = {run.run_id: run for run in to_do}
        state = "interrupted"  # unless every run is done: whatever stops the sweep
        try:
            if on_start is not None:
                on_start(report)
            for result in runner.map(tasks):
                store.save(result, _record(planned[result.run_id]))
                if result.ok:
                    report.done += 1
                else:
                    report.failed[result.run_id] = result.error or ""
                if on_result is not None:
                    on_result(result)
            state = "finished"
        finally:
            report.wall_s = time.perf_counter() - clock
            write(state)
        merge_runs(store.root, csv=csv)
    report.wall_s = time.perf_counter() - clock
    return report
