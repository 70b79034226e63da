"""The experiment commands: sweep, analyze, discover, robustness, calibrate, levers.

They are registered in :mod:`coopsim.cli`.

A thin layer over :func:`~coopsim.experiments.sweep.run_sweep` and
:func:`~coopsim.experiments.analysis.analyze`. This module is imported whenever the
``coopsim`` command starts, so it imports the experiment machinery (and through
it SALib, Dask and matplotlib, the ``experiments`` extra) only when a command runs.
"""

from __future__ import annotations

import contextlib
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coopsim.terminal import console, fail, plain, say

if TYPE_CHECKING:
    import pandas as pd
    from rich.table import Table

    from coopsim.experiments.runner import RunResult
    from coopsim.experiments.sweep import SweepReport

SHOWN_FAILURES = 5
EXTRA = "pip install 'coopsim[experiments]'"


Workers = Annotated[
    int | None,
    typer.Option(
        help="Local worker processes (default: one per CPU; 1 runs in this process).", min=1
    ),
]
Scheduler = Annotated[
    str | None,
    typer.Option(help="Address of a running Dask scheduler, e.g. tcp://10.0.0.5:8786."),
]


def _check_where(out: Path, workers: int | None, scheduler: str | None) -> None:
    """Fail on an output path that cannot hold results, or on both --workers and --scheduler."""
    from coopsim.results import ResultError, place_of

    if workers is not None and scheduler is not None:
        fail("give either --workers or --scheduler, not both")
    try:
        place_of(out)
    except ResultError as exc:
        fail(str(exc))
    if out.exists() and not out.is_dir():
        fail(f"{out}: exists and is not a folder")


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def sweep(
    spec: Annotated[Path, typer.Argument(help="Experiment TOML file.")],
    out: Annotated[
        Path, typer.Option(help="Folder for the runs, the manifest and the merged table.")
    ],
    workers: Workers = None,
    scheduler: Scheduler = None,
    csv: Annotated[
        bool, typer.Option("--csv", help="Also write the merged table as runs.csv.")
    ] = False,
    keep: Annotated[
        list[str] | None,
        typer.Option(
            help="Also keep each run's lineage or payments table (repeat for both).",
            metavar="TABLE",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or summary.")] = False,
) -> None:
    """Run an experiment's sweep, resuming in a folder that already holds some of its runs."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from coopsim.experiments.executor import ExecutorError
    from coopsim.experiments.spec import load_experiment
    from coopsim.experiments.store import KEPT_TABLES, MANIFEST, MERGED, MERGED_CSV, StoreError
    from coopsim.experiments.sweep import run_sweep
    from coopsim.scenario import ScenarioError

    _check_where(out, workers, scheduler)
    kept = tuple(dict.fromkeys(keep or ()))
    for name in kept:
        if name not in KEPT_TABLES:
            fail(f"--keep {name}: not a table a sweep can keep; choose {' or '.join(KEPT_TABLES)}")
    try:
        experiment = load_experiment(spec)
    except ScenarioError as exc:
        fail(str(exc))
    progress = Progress(
        TextColumn("[bold]runs"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("failed {task.fields[failed]}, remaining {task.fields[remaining]}"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet or not console.is_terminal,  # a log file gets the summary only
        transient=True,
    )
    task = progress.add_task("runs", total=None, failed=0, remaining=0, start=False, visible=False)

    def on_start(report: SweepReport) -> None:
        to_do = report.planned - report.skipped
        if not quiet:
            say(
                (experiment.spec.name, "bold"),
                f": {report.planned:,} runs ({report.points:,} design points × "
                f"{experiment.spec.replications} replications), {report.skipped:,} already in "
                f"{out}; {report.executor}",
            )
        progress.update(task, total=to_do, remaining=to_do, visible=True)
        progress.start_task(task)

    def on_result(result: RunResult) -> None:
        fields = progress.tasks[0].fields
        progress.update(
            task,
            advance=1,
            failed=fields["failed"] + (not result.ok),
            remaining=fields["remaining"] - 1,
        )

    try:
        with progress:
            report = run_sweep(
                experiment,
                out,
                workers=_cpus() if workers is None else workers,
                scheduler=scheduler,
                on_start=on_start,
                on_result=on_result,
                csv=csv,
                keep=kept,
            )
    except (StoreError, ExecutorError) as exc:
        fail(str(exc))
    except ImportError as exc:
        fail(f"this design needs the experiments extra: {EXTRA} ({exc})")
    except KeyboardInterrupt:
        fail(f"interrupted; the finished runs are in {out}: rerun the command to resume")
    if not quiet:
        say(
            f"{report.done:,} runs done, {len(report.failed):,} failed, {report.skipped:,} "
            f"already on disk; {report.wall_s:.1f} s"
        )
        for run_id, error in list(report.failed.items())[:SHOWN_FAILURES]:
            say(f"failed {run_id}: {error}")
        if len(report.failed) > SHOWN_FAILURES:
            say(f"… and {len(report.failed) - SHOWN_FAILURES} more in {MANIFEST}")
        if report.previous_hash:
            say(f"note: {out} held runs of another version of this spec; matching ones were reused")
        merged = [out / MERGED, *([out / MERGED_CSV] if csv else []), out / MANIFEST]
        say("wrote " + ", ".join(str(p) for p in merged))
    if report.failed:
        raise typer.Exit(1)


def _say_written(files: list[Path]) -> None:
    """Say how many files an analysis wrote, and where (nothing when it wrote none)."""
    if files:
        say(f"wrote {len(files)} files to {files[0].parent}")


def _number(x: float) -> str:
    if x != x:  # NaN: no interval with one replicate
        return ""
    return f"{x:,.0f}" if abs(x) >= 1_000 else f"{x:.4g}"


def _table(frame: pd.DataFrame, columns: dict[str, str], title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title, show_edge=False, header_style="bold", title_justify="left")
    for header in columns.values():
        table.add_column(header, justify="right")
    for _, row in frame.iterrows():
        table.add_row(
            *(plain(_number(v) if isinstance(v, float) else v) for v in row[list(columns)])
        )
    return table


Year = Annotated[int | None, typer.Option(help="Year to analyse (default: the last).")]


@contextlib.contextmanager
def _analysis_failures(run_dir: Path, what: str) -> Iterator[None]:
    """Turn the errors of an analysis of ``run_dir`` into one-line failures."""
    from coopsim.experiments.analysis import AnalysisError
    from coopsim.experiments.store import StoreError
    from coopsim.results import ResultError

    try:
        yield
    except AnalysisError as exc:
        fail(f"{run_dir}: {exc}")
    except (StoreError, ResultError) as exc:  # these name their folder or file
        fail(str(exc))
    except ImportError as exc:
        fail(f"{what} needs the experiments extra: {EXTRA} ({exc})")


def analyze(
    run_dir: Annotated[Path, typer.Argument(help="Folder of a sweep (its --out).")],
    outcome: Annotated[
        str | None,
        typer.Option(help="Model column to analyse (default: membership_rate)."),
    ] = None,
    year: Year = None,
) -> None:
    """Summarise a sweep over replicates, compute Sobol or Morris indices, and plot them."""
    with _analysis_failures(run_dir, "analysis"):
        from coopsim.experiments.analysis import analyze as analyse_sweep
        from coopsim.experiments.analysis import outcome_bounds

        result = analyse_sweep(run_dir, outcome, year)
    frame = result.factors.assign(
        interval=[
            f"{_number(lo)} – {_number(hi)}" if lo == lo else ""
            for lo, hi in zip(result.factors["ci_low"], result.factors["ci_high"], strict=True)
        ]
    )
    say(
        (result.outcome, "bold"),
        f" in {result.year}: {len(result.values):,} finished runs at "
        f"{result.points['point'].nunique():,} design points",
    )
    console.print(
        _table(
            frame,
            {
                "factor": "factor",
                "level": "value",
                "mean": "mean",
                "interval": "95 % interval",
                "n": "replicates",
            },
        )
    )
    low, high = outcome_bounds(result.outcome)
    cut = f", cut to [{low:g}, {high:g}]".replace("inf", "∞") if low > -math.inf else ""
    say(f"95 % interval: Student t over replicates, a normal approximation{cut}")
    if result.indices is not None:
        columns = (
            {"factor": "factor", "S1": "S1", "S1_conf": "± S1", "ST": "ST", "ST_conf": "± ST"}
            if result.method == "sobol"
            else {
                "factor": "factor",
                "mu": "μ",
                "mu_star": "μ*",
                "mu_star_conf": "± μ*",
                "sigma": "σ",
            }
        )
        title = f"{result.method.capitalize()} indices (SALib), {result.index_s:.2f} s"
        console.print(_table(result.indices, columns, title=title))
    _say_written(result.files)


def discover(
    run_dir: Annotated[Path, typer.Argument(help="Folder of a sweep (its --out).")],
    outcome: Annotated[str, typer.Option(help="Model column, e.g. coops_active.")],
    where: Annotated[
        str,
        typer.Option(help='What makes a run a case of interest, e.g. "< 1000" or ">= 0.3".'),
    ],
    year: Year = None,
    policy: Annotated[
        str | None, typer.Option(help="Only the runs of this policy (default: all runs).")
    ] = None,
    min_coverage: Annotated[
        float,
        typer.Option(help="PRIM keeps the densest box holding at least this share of cases."),
    ] = 0.8,
) -> None:
    """Scenario discovery: the ranges of the uncertainties where runs meet a condition.

    PRIM (EMA Workbench) and CART (scikit-learn) search the sweep's uncertainties (or
    its sampled factors, and the policy when there are several) for boxes that hold
    many of the runs meeting the condition and few others. Writes the boxes, PRIM's
    peeling trajectory and its trade-off plot to DIR/discovery/<outcome>-<year>/.
    """
    from coopsim.experiments.discovery import Condition
    from coopsim.experiments.discovery import discover as find_boxes

    with _analysis_failures(run_dir, "scenario discovery"):
        result = find_boxes(
            run_dir,
            outcome,
            Condition.parse(where),
            year,
            policy=policy,
            min_coverage=min_coverage,
        )
    stats = result.chosen_stats
    say(
        (f"{result.outcome} {result.condition}", "bold"),
        f" in {result.year}: {result.cases:,} of {result.runs:,} runs"
        + (f" of the policy {result.policy!r}" if result.policy else ""),
    )
    box = result.prim_box[result.prim_box["restricted"]].assign(
        low=lambda t: [v if isinstance(v, str) else _number(v) for v in t["low"]],
        high=lambda t: [v if isinstance(v, str) else _number(v) for v in t["high"]],
        kept=lambda t: [f"{100 * v:.0f} %" for v in t["kept"]],
    )
    title = (
        f"PRIM box {int(stats['box'])}: coverage {stats['coverage']:.2f}, density "
        f"{stats['density']:.2f}, mass {stats['mass']:.2f} (densest with coverage ≥ "
        f"{min_coverage:g})"
    )
    columns = {"input": "input", "low": "from", "high": "to", "kept": "of its range"}
    console.print(_table(box, columns, title=title))
    leaves = result.cart_boxes.drop_duplicates("box")
    say(
        f"CART: {len(leaves)} {'leaf' if len(leaves) == 1 else 'leaves'} where cases are "
        "the majority"
        + (
            f", the largest with coverage {leaves['coverage'].iloc[0]:.2f} and density "
            f"{leaves['density'].iloc[0]:.2f}"
            if len(leaves)
            else ""
        )
    )
    _say_written(result.files)


def robustness(
    run_dir: Annotated[Path, typer.Argument(help="Folder of a sweep of policies.")],
    outcome: Annotated[str, typer.Option(help="Model column, e.g. coops_active.")],
    goal: Annotated[
        str, typer.Option(help="max when more of the outcome is better, min when less is.")
    ] = "max",
    threshold: Annotated[
        str | None,
        typer.Option(help='What a draw must meet to satisfice, e.g. ">= 1000".'),
    ] = None,
    year: Year = None,
) -> None:
    """Rank a sweep's policies across its draws of uncertainties: regret and satisficing.

    Writes robustness.csv (one row per policy), regret.csv (per policy and draw) and
    robustness.png to DIR/robustness/<outcome>-<year>/.
    """
    from coopsim.experiments.discovery import Condition
    from coopsim.experiments.robustness import robustness as rank

    if goal not in ("max", "min"):
        fail(f"--goal {goal}: max (more is better) or min (less is better)")
    with _analysis_failures(run_dir, "robustness"):
        condition = None if threshold is None else Condition.parse(threshold)
        result = rank(run_dir, outcome, year, goal=goal, condition=condition)  # type: ignore[arg-type]
    say(
        (result.outcome, "bold"),
        f" in {result.year}, {'more' if goal == 'max' else 'less'} is better: "
        f"{len(result.table)} policies on the same {result.draws} draws of the uncertainties "
        "(means over replicates)",
    )
    columns = {
        "policy": "policy",
        "median": "median",
        "p10": "10 %",
        "p90": "90 %",
        "max_regret": "max regret",
        "p90_regret": "90 % regret",
    }
    table = result.table
    if condition is not None:
        table = table.assign(
            satisficing=[
                f"{100 * s:.0f} % ({100 * lo:.0f}–{100 * hi:.0f})"
                for s, lo, hi in zip(
                    table["satisficing"],
                    table["satisficing_low"],
                    table["satisficing_high"],
                    strict=True,
                )
            ]
        )
        columns["satisficing"] = f"draws {condition} (95 %)"
    console.print(_table(table, columns, title="ranked by largest regret"))
    _say_written(result.files)


def calibrate(
    spec: Annotated[Path, typer.Argument(help="Calibration TOML file.")],
    out: Annotated[
        Path,
        typer.Option(help="Folder for posterior.parquet, summary.csv, best.toml and the rest."),
    ],
    workers: Workers = None,
    scheduler: Scheduler = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress or summary.")] = False,
) -> None:
    """Fit the shared behavioural parameters by ABC-SMC: a posterior, not a point.

    The folder is checked and locked before the first run. pyabc's database is kept
    beside it (``.OUT.abc.db``) while the calibration runs: run the same command again
    after a stop and it continues from the last complete generation. A folder that
    holds a finished calibration of the same priors and figures is continued too, up
    to the file's (larger) budget. The results are
    written beside the folder and moved into place when complete (an earlier
    calibration there stays whole until then).
    """
    from coopsim.experiments.calibration import (
        FILES,
        database_digest,
        load_calibration,
        write_results,
    )
    from coopsim.experiments.calibration import (
        calibrate as run_calibration,
    )
    from coopsim.experiments.executor import ExecutorError, executor_for
    from coopsim.results import ResultError, ResultFolder
    from coopsim.scenario import ScenarioError

    _check_where(out, workers, scheduler)
    try:
        calibration = load_calibration(spec)
    except ScenarioError as exc:
        fail(str(exc))
    c = calibration.spec
    database = out.parent / f".{out.name}.abc.db"

    def progress(line: str) -> None:
        if not quiet:
            say(f"  {line}")

    try:
        with ResultFolder(out, FILES, "a calibration") as folder:
            finished = out / "abc.db"
            # a finished calibration of the same priors and figures: extend its budget
            if (
                not database.exists()
                and finished.exists()
                and database_digest(finished) == calibration.digest()
            ):
                shutil.copyfile(finished, database)
            if database.exists():
                if database_digest(database) != calibration.digest():
                    fail(
                        f"{database} holds an unfinished calibration of other priors, figures or "
                        "scenarios; delete it to start this one afresh"
                    )
                if not quiet:
                    say(f"continuing the calibration kept in {database}")
            elif not quiet:
                say(
                    (c.name, "bold"),
                    f": ABC-SMC, {c.particles:,} particles a generation, at most "
                    f"{c.generations} generations and {c.max_simulations:,} particles "
                    f"× {len(c.countries)} countries",
                )
            executor = executor_for(
                workers=_cpus() if workers is None else workers, scheduler=scheduler
            )
            history = run_calibration(calibration, executor, database, progress)
            written = write_results(calibration, history, database, folder)
        database.unlink()
    except typer.Exit:
        raise  # a failure already told (typer's Exit is a RuntimeError)
    except (ExecutorError, ResultError) as exc:
        fail(str(exc))
    except RuntimeError as exc:
        kept = f"; the generations done are kept in {database}" if database.exists() else ""
        fail(f"calibration stopped: {exc}{kept}")
    except KeyboardInterrupt:
        kept = f"; run the command again to continue from {database}" if database.exists() else ""
        fail(f"interrupted{kept}")
    if not quiet:
        import pandas as pd

        summary = pd.read_csv(out / "summary.csv")
        console.print(
            _table(summary, {c: c for c in summary.columns}, title="posterior (last generation)")
        )
        fit = pd.read_csv(out / "fit.csv").drop(columns=["source"])
        console.print(_table(fit, {c: c for c in fit.columns}, title="the figures under it"))
        say("wrote " + ", ".join(str(p) for p in written))


def levers(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    farms: Annotated[
        int,
        typer.Option(
            help="Simulated farms per run (a sample; fewer if the scenario has fewer).", min=2
        ),
    ] = 5_000,
    replicates: Annotated[int, typer.Option(help="Runs per value, on common seeds.", min=1)] = 3,
    seed: Annotated[int, typer.Option(help="Master seed of the replicates.", min=0)] = 0,
    workers: Workers = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for levers.csv (every lever, value and outcome).")
    ] = None,
) -> None:
    """Audit every lever: each held low and high against the scenario, with its effect band."""
    from coopsim.experiments.lever_audit import OUTCOMES, audit, inert
    from coopsim.model import sized
    from coopsim.scenario import ScenarioError, load_scenario

    try:
        spec = load_scenario(scenario)
        if not spec.population.named_farms:
            spec = sized(spec, farms=min(farms, spec.population.farms))
    except ScenarioError as exc:
        fail(str(exc))
    if out is not None:
        _check_where(out, workers, None)
    table = audit(spec, replicates=replicates, seed=seed, workers=workers or _cpus())
    columns = {"lever": "lever", "level": "", "value": "value"}
    wide = table.pivot_table(
        index=["lever", "level"], columns="outcome", values="difference", sort=False
    ).reset_index()
    wide["value"] = [
        table.loc[(table.lever == r.lever) & (table.level == r.level), "value"].iloc[0]
        for r in wide.itertuples()
    ]
    for outcome, label in OUTCOMES.items():
        band = table[table.outcome == outcome].set_index(["lever", "level"])
        wide[outcome] = [
            f"{_number(band.loc[(r.lever, r.level), 'difference'])} "
            f"[{_number(band.loc[(r.lever, r.level), 'band_low'])}, "
            f"{_number(band.loc[(r.lever, r.level), 'band_high'])}]"
            for r in wide.itertuples()
        ]
        columns[outcome] = label
    say(
        (spec.name, "bold"),
        f": every lever held low and high against the scenario as it is, {replicates} "
        "replicates; mean difference [smallest, largest]",
    )
    console.print(_table(wide, columns))
    still = inert(table)
    say("inert here: " + (", ".join(still) if still else "none"))
    if out is not None:
        from coopsim.results import ResultError, ResultFolder

        try:
            with ResultFolder(out, ["levers.csv"], "a lever audit") as folder:
                folder.write("levers.csv", lambda path: table.to_csv(path, index=False))
                written = folder.commit({"scenario": str(scenario), "replicates": replicates})
        except ResultError as exc:
            fail(str(exc))
        say("wrote " + ", ".join(str(p) for p in written))
