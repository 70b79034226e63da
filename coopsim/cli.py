"""The ``coopsim`` command: run a scenario, check a scenario file, explain a farm.

A thin layer over the library: it reads arguments, calls :class:`coopsim.CoopModel`,
writes the tables and prints a summary. User mistakes (a bad scenario file, a bad
option) end with a one-line message and exit status 2, never a traceback, and never
touch results already written.
"""

from __future__ import annotations

import contextlib
import sys
import time
import tomllib
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from typer._click.exceptions import ClickException, NoArgsIsHelpError

from coopsim import __version__
from coopsim.brief import make_brief, write_brief
from coopsim.columns import TABLES, write_parquet
from coopsim.dashboard.server import classroom, dashboard
from coopsim.experiments.arms import read_arms
from coopsim.experiments.baseline import NO_PROGRAMME, HeadlineError, run_headlines
from coopsim.experiments.commands import analyze, calibrate, discover, levers, robustness, sweep
from coopsim.i18n import LANGUAGES
from coopsim.model import CoopModel, sized
from coopsim.narration import farm_history
from coopsim.results import ResultError, ResultFolder, read_listing
from coopsim.scenario import Scenario, ScenarioError, load_scenario
from coopsim.terminal import console, errors, fail, line, plain, say
from coopsim.tuning import tune_process


class Commands(typer.Typer):
    """The command line, whose usage errors (an unknown option, a bad value) are one line too."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the command; exit with its status (2 and one line for a usage error)."""
        try:
            status = super().__call__(*args, standalone_mode=False, **kwargs)
        except NoArgsIsHelpError as exc:
            errors.print(exc.format_message(), markup=False, highlight=False)
            sys.exit(exc.exit_code)
        except ClickException as exc:
            where = getattr(getattr(exc, "ctx", None), "command_path", "coopsim")
            errors.print(
                line(("error:", "bold red"), f" {exc.format_message()} (see {where} --help)"),
                highlight=False,
                soft_wrap=True,
            )
            sys.exit(exc.exit_code)
        sys.exit(status if isinstance(status, int) else 0)


app = Commands(
    help="coopsim: agricultural cooperative consolidation under subsidy and market rules.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

RUN_FILES = (
    "model.parquet",
    "model.csv",
    "lineage.parquet",
    "payments.parquet",
    "decisions.parquet",
)
"""The tables a run writes (``docs/outputs.md``), besides ``run.json``."""

SEED_MAX = 2**63 - 1

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


def setting(text: str) -> tuple[str, Any]:
    """A ``--set KEY=VALUE`` as key and value; the value is read as in a TOML file.

    ``5``, ``0.25``, ``true``, ``[1, 2]`` and ``"text"`` are TOML values; anything else is
    taken as text, so ``--set name=My run`` needs no quotes.

    Raises:
        ScenarioError: the text has no ``=`` or no key before it.
    """
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError("give KEY=VALUE, e.g. policy.member_grant=200000")
    try:
        value = tomllib.loads(f"value = {raw.strip()}")["value"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key, value


def _with_settings(path: Path, spec: Scenario, settings: list[str]) -> Scenario:
    """The scenario with each ``--set`` applied, or a one-line failure naming the setting."""
    for text in settings:
        try:
            key, value = setting(text)
            spec = spec.with_values({key: value})
        except ScenarioError as exc:
            fail(f"--set {text}: {path}: {str(exc).removeprefix('scenario values: ')}")
    return spec


def _sized(path: Path, spec: Scenario, farms: int | None, scale: float | None) -> Scenario:
    """The scenario at ``--farms`` or ``--scale``, or a one-line failure naming the option."""
    if farms is None and scale is None:
        return spec
    option = f"--farms {farms}" if farms is not None else f"--scale {scale:g}"
    try:
        return sized(spec, farms=farms, scale=scale)
    except ScenarioError as exc:
        fail(f"{option}: {path}: {str(exc).removeprefix('scenario values: ')}")


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
        for col in SUMMARY_COLUMNS:  # numbers only: no user text, no markup
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
    seed: Annotated[
        int | None, typer.Option(help="Seed (default: the scenario's).", min=0, max=SEED_MAX)
    ] = None,
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
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change a scenario field: KEY=VALUE with a dotted key as in the scenario "
            "file, e.g. policy.member_grant=200000 or policy.changes.2019.member_grant=0. "
            "Repeat for several.",
            metavar="KEY=VALUE",
        ),
    ] = None,
    decisions: Annotated[
        bool,
        typer.Option("--decisions", help="Also log every farm decision with the payoffs compared."),
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or summary.")] = False,
) -> None:
    """Simulate a scenario year by year and write its tables.

    ``--set`` changes fields of the scenario before it is sized by ``--farms`` or
    ``--scale``; a bad key or value ends with the scenario files' one-line error. With
    ``--out``, the folder is checked and locked before anything runs, the tables
    are written beside it and the whole folder is moved into place at the end
    (:class:`coopsim.results.ResultFolder`): an earlier result stays whole until the new
    one is complete.
    """
    if farms is not None and scale is not None:
        fail("give either --farms or --scale, not both")
    spec = _with_settings(scenario, _load(scenario), set_ or [])
    spec = _sized(scenario, spec, farms, scale)
    if years is not None:
        spec = spec.with_values({"years": years})
    try:
        with contextlib.ExitStack() as stack:
            folder = None if out is None else stack.enter_context(ResultFolder(out, RUN_FILES))
            tune_process()
            started = time.perf_counter()
            model = CoopModel(spec=spec, rng=seed, log_decisions=decisions)
            setup_s = time.perf_counter() - started
            _simulate(model, spec, quiet)
            table = model.table()
            run_s = time.perf_counter() - started - setup_s
            written = []
            if folder is not None:
                tables = {
                    "model": table,
                    "lineage": model.lineage_table(),
                    "payments": model.payments_table(),
                }
                if decisions:
                    tables["decisions"] = model.decision_table()
                for name, frame in tables.items():
                    # every field says its unit, currency and scaling (coopsim.columns)
                    units = TABLES.get(name, {})
                    folder.write(
                        f"{name}.parquet",
                        lambda p, f=frame, u=units: write_parquet(f, p, spec.currency, u),
                    )
                    if name == "model":  # also as CSV, missing values as empty fields
                        folder.write("model.csv", lambda p: table.to_csv(p, index=False))
                written = folder.commit(
                    {
                        "coopsim_version": __version__,
                        "scenario_file": str(scenario),
                        "settings": set_ or [],
                        "seed": model.seed,
                        "simulated_farms": len(model.farms),
                        "scale": model.scale,
                        "setup_s": round(setup_s, 3),
                        "run_s": round(run_s, 3),
                        "scenario": spec.model_dump(mode="json"),
                    }
                )
    except ResultError as exc:
        fail(str(exc))
    if not quiet:
        say(
            (spec.name, "bold"),
            f": {len(model.farms):,} simulated farms (each stands for {model.scale:g}), "
            f"{spec.start_year}–{spec.end_year}, seed {model.seed}; set-up {setup_s:.1f} s, "
            f"run {run_s:.1f} s",
        )
        console.print(summary_table(table, spec.currency))
        if written:
            say("wrote " + ", ".join(str(p) for p in written))


def _simulate(model: CoopModel, spec: Scenario, quiet: bool) -> None:
    """Step the model to the scenario's last year, with a progress bar unless ``quiet``."""
    with Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("years"),
        TimeRemainingColumn(),
        console=console,
        disable=quiet or not console.is_terminal,  # a log file gets the summary only
        transient=True,
    ) as progress:
        task = progress.add_task(plain(spec.name).plain, total=spec.years)
        for _ in range(spec.years):
            model.step()
            progress.advance(task)


@app.command()
def validate(scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")]) -> None:
    """Check a scenario file and say what it contains."""
    spec = _load(scenario)
    pop = spec.population
    changes = len(spec.policy.changes) + len(spec.market.changes)
    say(
        f"{scenario}: valid — ",
        spec.name,
        f", {pop.farms:,} farms in {pop.regions} regions, {spec.start_year}–{spec.end_year}, "
        f"{changes} policy or market changes by year.",
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
    try:
        meta = read_listing(run_dir) if (run_dir / "run.json").exists() else {}
    except ResultError as exc:
        fail(str(exc))
    if not path.exists():
        fail(f"{path}: no decision log here; run with --out {run_dir} --decisions")
    currency = str(meta.get("scenario", {}).get("currency", "KZT"))
    try:
        log = pd.read_parquet(path)
        if farm.isdigit():
            number = int(farm)
        elif "name" in log.columns and log["name"].str.startswith(farm).any():
            number = int(log.loc[log["name"].str.startswith(farm), "farm"].iloc[0])
        else:
            fail(f"no farm called {farm!r} in this run; give its number")
        lines = farm_history(log, number, lang, currency)
    except (OSError, ValueError, KeyError) as exc:
        fail(f"{path}: not a decision log of coopsim ({exc.__class__.__name__})")
    if not lines:
        fail(f"farm {farm} made no logged decision in this run")
    if "name" in log.columns:
        console.print(plain(log.loc[log["farm"] == number, "name"].iloc[0], "bold"))
    for sentence in lines:
        console.print(plain(sentence), highlight=False, soft_wrap=True)


REPORT_FILES = ("report.pdf", "report.html")
"""The files a report writes (``docs/report.md``), besides ``run.json``."""

REPORT_ARMS = 4
"""Most arms a brief's page holds side by side."""


@app.command()
def report(
    scenario: Annotated[Path, typer.Argument(help="Scenario TOML file.")],
    out: Annotated[Path, typer.Option(help="Folder for report.pdf and report.html.")],
    compare: Annotated[
        Path | None,
        typer.Option(
            help="Arms file: [[arm]] tables, each a name and the policy levers it holds "
            "at other values (see docs/report.md); one column per arm.",
            metavar="ARMS.toml",
        ),
    ] = None,
    lang: Annotated[
        str, typer.Option(help=f"Language of the brief: {', '.join(LANGUAGES)}.")
    ] = "en",
    runs: Annotated[int, typer.Option(help="Runs (replicates) per arm.", min=1, max=100)] = 8,
    farms: Annotated[
        int,
        typer.Option(help="Farms simulated in a run (fewer if the scenario has fewer).", min=2),
    ] = 5000,
    seed: Annotated[
        int | None,
        typer.Option(
            help="Master seed of the runs (default: the scenario's).", min=0, max=SEED_MAX
        ),
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set",
            help="Change a scenario field, as for coopsim run: KEY=VALUE. Repeat for several.",
            metavar="KEY=VALUE",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", help="No progress bar or sentence.")] = False,
) -> None:
    """Write a one-page brief of a scenario's headline results, with bands and costs.

    Runs the scenario (or each arm of ``--compare``) ``--runs`` times and a
    no-programme baseline on the same seeds (:mod:`coopsim.headline`), and writes
    ``report.pdf`` and ``report.html`` in the chosen language into ``--out``, which is
    written whole or not at all: an earlier report stays as it was if anything fails.
    """
    if lang not in LANGUAGES:
        fail(f"--lang {lang!r}: not a language of coopsim; choose one of {', '.join(LANGUAGES)}")
    original = _load(scenario)
    spec = _with_settings(scenario, original, set_ or [])
    if not spec.population.named_farms:
        spec = _sized(scenario, spec, min(farms, spec.population.farms), None)
    arms = None
    if compare is not None:
        try:
            arms = read_arms(compare, spec)
        except ScenarioError as exc:
            fail(str(exc))
        if len(arms) > REPORT_ARMS:
            fail(f"{compare}: {len(arms)} arms; a brief's page holds at most {REPORT_ARMS}")
        if NO_PROGRAMME in (arm.name for arm in arms):
            fail(f"{compare}: {NO_PROGRAMME!r} is the baseline's name; give the arm another")
    try:
        with ResultFolder(out, REPORT_FILES, what="a report") as folder:
            with Progress(
                TextColumn("runs", style="bold"),
                BarColumn(),
                TimeRemainingColumn(),
                console=console,
                disable=quiet or not console.is_terminal,
                transient=True,
            ) as bar:
                task = bar.add_task("runs", total=1.0)
                findings = run_headlines(
                    spec,
                    arms,
                    runs=runs,
                    seed=seed,
                    progress=lambda done: bar.update(task, completed=done),
                )
            brief = make_brief(findings, lang, original=original)
            for name in REPORT_FILES:
                folder.write(name, lambda p: write_brief(brief, p))
            written = folder.commit(
                {
                    "coopsim_version": __version__,
                    "scenario_file": str(scenario),
                    "arms_file": None if compare is None else str(compare),
                    "settings": set_ or [],
                    "language": lang,
                    "seed": findings.comparison.seed,
                    "seeds": findings.comparison.seeds,
                    "runs": runs,
                    "scale": spec.population.scale,
                    "sentences": brief.sentences,
                    "scenario": spec.model_dump(mode="json"),
                }
            )
    except (ResultError, HeadlineError) as exc:
        fail(str(exc))
    if not quiet:
        for sentence in brief.sentences:
            console.print(plain(sentence), highlight=False, soft_wrap=True)
        say("wrote " + ", ".join(str(p) for p in written))


app.command()(sweep)
app.command()(analyze)
app.command()(discover)
app.command()(robustness)
app.command()(calibrate)
app.command()(levers)
app.command()(dashboard)
app.command()(classroom)


def main() -> None:  # pragma: no cover - console entry point
    """Entry point."""
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
