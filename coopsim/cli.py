"""The ``coopsim`` command: run a scenario, check a scenario file, explain a farm.

A thin layer over the library: it reads arguments, calls :class:`coopsim.CoopModel`,
writes the tables and prints a summary. User mistakes (a bad scenario file, a bad
option) end with a one-line message and exit status 2, never a traceback, and never
touch results already written.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from coopsim import __version__
from coopsim.dashboard.server import dashboard
from coopsim.experiments.commands import analyze, calibrate, levers, sweep
from coopsim.i18n import LANGUAGES
from coopsim.model import CoopModel, sized
from coopsim.narration import farm_history
from coopsim.records import write_tables
from coopsim.scenario import Scenario, ScenarioError, load_scenario
from coopsim.terminal import console, fail
from coopsim.tuning import tune_process

app = typer.Typer(
    help="coopsim: agricultural cooperative consolidation under subsidy and market rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

SUMMARY_COLUMNS = {
    "year": "year",
    "farms": "farms",
    "members": "members",
    "membership_rate": "member %",
    "coops_registered": "registered",
    "coops_active": "active",
    "coops_nominal": "nominal",
    "mean_coop_size": "mean size",
    "mergers": "mergers",
    "subsidy_paid": "subsidy paid",
}


def _load(path: Path) -> Scenario:
    try:
        return load_scenario(path)
    except ScenarioError as exc:
        fail(str(exc))
        raise  # unreachable: _fail exits


def _check_writable(out: Path) -> None:
    """Fail now, before a long run, if the tables could not be written to ``out``."""
    if out.exists() and not out.is_dir():
        fail(f"{out}: exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".coopsim-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        fail(f"{out}: cannot write here ({exc.strerror or exc})")


def summary_table(table: pd.DataFrame, currency: str) -> Table:
    """A short table of the run: first years, then every few, and the last."""
    out = Table(title=None, show_edge=False, header_style="bold")
    for name in SUMMARY_COLUMNS.values():
        out.add_column(name.replace("subsidy paid", f"subsidy ({currency})"), justify="right")
    step = max(1, len(table) // 8)
    rows = sorted(set(range(0, len(table), step)) | {len(table) - 1})
    for i in rows:
        r = table.iloc[i]
        cells = []
        for col in SUMMARY_COLUMNS:
            v = r[col]
            if col == "year":
                cells.append(str(int(v)))
            elif col == "membership_rate":
                cells.append(f"{100 * v:.1f}")
            elif col == "mean_coop_size":
                cells.append(f"{v:.1f}")
            else:
                cells.append(f"{v:,.0f}")
        out.add_row(*cells)
    return out


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    years: Annotated[
        int | None,
        typer.Option(help="Years to simulate (default: the scenario's).", min=1, max=200),
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Seed (default: the scenario's).", min=0)] = None,
    farms: Annotated[
        int | None,
        typer.Option(help="Farms to simulate; each stands for several real ones.", min=2),
    ] = None,
    scale: Annotated[
        float | None,
        typer.Option(help="Real farms per simulated farm (instead of --farms).", min=1.0),
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the tables (model.parquet, model.csv, …).")
    ] = None,
    decisions: Annotated[
        bool,
        typer.Option("--decisions", help="Also log every farm decision with the payoffs compared."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or summary.")] = False,
) -> None:
    """Simulate a scenario year by year and write its tables."""
    if farms is not None and scale is not None:
        fail("give either --farms or --scale, not both")
    spec = _load(scenario)
    try:
        spec = sized(spec, farms=farms, scale=scale)
        if years is not None:
            spec = spec.with_values({"years": years})
    except ScenarioError as exc:
        fail(f"{scenario}: {exc}")
    if out is not None:
        _check_writable(out)

    tune_process()
    started = time.perf_counter()
    model = CoopModel(spec=spec, rng=seed, log_decisions=decisions)
    setup_s = time.perf_counter() - started
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("years"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as progress:
        task = progress.add_task(spec.name, total=spec.years)
        for _ in range(spec.years):
            model.step()
            progress.advance(task)
    table = model.table()
    run_s = time.perf_counter() - started - setup_s

    if out is not None:
        tables = {
            "model": table,
            "lineage": model.lineage_table(),
            "payments": model.payments_table(),
        }
        if decisions:
            tables["decisions"] = model.decision_table()
        try:
            written = write_tables(out, tables)
        except OSError as exc:
            fail(f"{out}: cannot write the tables ({exc.strerror or exc})")
        meta = {
            "coopsim_version": __version__,
            "scenario_file": str(scenario),
            "seed": spec.seed if seed is None else seed,
            "simulated_farms": len(model.farms),
            "scale": model.scale,
            "setup_s": round(setup_s, 3),
            "run_s": round(run_s, 3),
            "scenario": spec.model_dump(mode="json"),
        }
        (out / "run.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    if not quiet:
        console.print(
            f"[bold]{spec.name}[/]: {len(model.farms):,} simulated farms "
            f"(each stands for {model.scale:g}), {spec.start_year}–{spec.end_year}, "
            f"seed {spec.seed if seed is None else seed}; set-up {setup_s:.1f} s, "
            f"run {run_s:.1f} s"
        )
        console.print(summary_table(table, spec.currency))
        if out is not None:
            console.print("wrote " + ", ".join(str(p) for p in written) + f", {out / 'run.json'}")


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")]) -> None:
    """Check a scenario file and say what it contains."""
    spec = _load(scenario)
    pop = spec.population
    changes = len(spec.policy.changes) + len(spec.market.changes)
    console.print(
        f"{scenario}: valid — {spec.name}, {pop.farms:,} farms in {pop.regions} regions, "
        f"{spec.start_year}–{spec.end_year}, {changes} policy or market changes by year."
    )


@app.command()
def explain(
    run_dir: Annotated[Path, typer.Argument(help="Folder of a run made with --decisions.")],
    farm: Annotated[str, typer.Argument(help="Farm number, or the start of a named farm's name.")],
    lang: Annotated[
        str, typer.Option(help=f"Language of the sentences: {', '.join(LANGUAGES)}.")
    ] = "en",
) -> None:
    """Tell one farm's decisions in words."""
    if lang not in LANGUAGES:
        fail(f"--lang {lang!r}: not a language of coopsim; choose one of {', '.join(LANGUAGES)}")
    path = run_dir / "decisions.parquet"
    if not path.exists():
        fail(f"{path}: no decision log here; run with --out {run_dir} --decisions")
    meta_path = run_dir / "run.json"
    currency = "KZT"
    if meta_path.exists():
        currency = json.loads(meta_path.read_text())["scenario"].get("currency", currency)
    log = pd.read_parquet(path)
    if farm.isdigit():
        number = int(farm)
    elif "name" in log.columns and log["name"].str.startswith(farm).any():
        number = int(log.loc[log["name"].str.startswith(farm), "farm"].iloc[0])
    else:
        fail(f"no farm called {farm!r} in this run; give its number")
    lines = farm_history(log, number, lang, currency)
    if not lines:
        fail(f"farm {farm} made no logged decision in this run")
    if "name" in log.columns:
        console.print(f"[bold]{log.loc[log['farm'] == number, 'name'].iloc[0]}[/]")
    for line in lines:
        console.print(line, highlight=False, soft_wrap=True)


app.command()(sweep)
app.command()(analyze)
app.command()(calibrate)
app.command()(levers)
app.command()(dashboard)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
