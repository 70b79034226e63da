"""Calibration: one set of behavioural parameters for every country scenario.

A calibration file (``experiments/calibration.toml``) names

* the **shared parameters** to fit, each a dotted scenario key with a range
  (behaviour and the autonomy premium: how farms decide, not what a country is);
* the **country scenarios**, each run at a given sample size;
* the **targets**: reported figures a run is scored against, each a model column in
  a year (e.g. Germany's cooperatives in 2010).

Every point of a Latin hypercube over the parameters runs every scenario
``replications`` times, with the same seeds at every point (common random numbers);
later rounds search smaller boxes around the best point so far.
A target's error is the log ratio of the simulated replicate mean to the reported
figure; a point's loss is the weighted mean of the squared errors. The point with
the lowest loss is the calibration; :func:`write_results` writes every point and the
best one as TOML, whose values become the defaults of ``coopsim.scenario``
(``tests/test_calibration.py`` checks that they are).

Figures kept out of the calibration (out-of-sample checks) live in
``docs/validation.md`` and its script, never here.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from coopsim import __version__
from coopsim.experiments.design import latin
from coopsim.experiments.executor import Executor
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.seeds import design_seed, replicate_seeds
from coopsim.experiments.spec import MAX_RUNS, SEED_MAX, Factor, refuse_rejected, scenario_value
from coopsim.inputs import Strict, one_line_error, quoted, read_toml
from coopsim.model import sized
from coopsim.records import MODEL_COLUMNS
from coopsim.results import ResultFolder
from coopsim.scenario import MAX_SIMULATED_FARMS, Scenario, ScenarioError, load_scenario

FILES = ("points.csv", "errors.csv", "best.toml")
"""What a calibration writes into its folder, besides ``run.json``."""


class Parameter(Strict):
    """A shared parameter and the range it is searched in."""

    key: str = Field(min_length=1, description="Dotted scenario key, e.g. behaviour.review_years.")
    min: float = Field(description="Lower end of the range searched.")
    max: float = Field(description="Upper end of the range searched.")


class Target(Strict):
    """A reported figure a scenario's runs are scored against.

    The figure is a model column in one ``year``, or its mean over the years
    ``first_year`` to ``year``; with ``per`` it is the column divided by another, year
    by year (e.g. ``mergers`` per ``coops_registered``: a yearly merger rate).
    """

    column: str = Field(min_length=1, description="Model table column.")
    year: int = Field(description="Calendar year of the figure (the last, for a mean).")
    first_year: int | None = Field(None, description="First year of a mean over years.")
    per: str | None = Field(None, description="Column the figure is divided by, year by year.")
    value: Annotated[float, Field(gt=0, le=1e15)] = Field(
        description="Reported figure, in the column's unit."
    )
    weight: float = Field(1.0, gt=0, le=1e6, description="Weight in the loss.")
    source: str = Field("", description="Where the figure comes from.")

    @property
    def label(self) -> str:
        """The figure in words: ``mergers per coops_registered, 1951–1980``."""
        what = f"{self.column} per {self.per}" if self.per else self.column
        years = f"{self.first_year}–{self.year}" if self.first_year else str(self.year)
        return f"{what}, {years}"

    def simulated(self, table: pd.DataFrame) -> float:
        """The figure in one run's model table (indexed by year).

        A year in which the divisor ``per`` is 0 has no figure and is left out of a
        mean; a figure with no year left is undefined (NaN).
        """
        years = table.loc[self.first_year or self.year : self.year]
        figure = years[self.column]
        if self.per:
            figure = figure / years[self.per].where(years[self.per] != 0)
        return float(figure.mean())


class Country(Strict):
    """A country scenario, the size it is run at and its targets."""

    scenario: str = Field(min_length=1, description="Scenario file, relative to this file.")
    farms: int | None = Field(
        None, ge=2, le=MAX_SIMULATED_FARMS, description="Simulated farms per run."
    )
    targets: list[Target] = Field(min_length=1, max_length=1_000)


class CalibrationSpec(Strict):
    """A calibration file as written."""

    name: str = "calibration"
    description: str = ""
    samples: int = Field(ge=1, le=10_000, description="Latin hypercube points per round.")
    rounds: int = Field(1, ge=1, le=10, description="Rounds of search, each in a smaller box.")
    shrink: float = Field(
        0.3, gt=0, lt=1, description="Width of a round's box against the previous round's."
    )
    replications: int = Field(1, ge=1, le=1_000, description="Runs per point and country.")
    seed: int = Field(0, ge=0, le=SEED_MAX, description="Master seed (design and replicates).")
    parameters: list[Parameter] = Field(min_length=1, max_length=100)
    countries: list[Country] = Field(min_length=1, max_length=100)


@dataclass(frozen=True)
class Calibration:
    """A checked calibration: its spec and each country's scenario, sized."""

    path: Path
    spec: CalibrationSpec
    scenarios: list[Scenario]

    def box(self) -> dict[str, tuple[float, float]]:
        """The whole range of every parameter: the first round's box."""
        return {p.key: (p.min, p.max) for p in self.spec.parameters}

    def points(self, round_: int, box: dict[str, tuple[float, float]]) -> list[dict[str, float]]:
        """A round's points: a Latin hypercube over ``box``, fixed by the seed and round."""
        factors = [Factor(key=k, min=lo, max=hi, integer=False) for k, (lo, hi) in box.items()]
        rows = latin(factors, self.spec.samples, design_seed(self.spec.seed) + round_)
        return [{k: float(v) for k, v in row.items()} for row in rows]

    def smaller_box(
        self, box: dict[str, tuple[float, float]], best: dict[str, float]
    ) -> dict[str, tuple[float, float]]:
        """The next round's box: ``shrink`` times as wide, around the best point so far.

        A box that would stick out of a parameter's range is moved inside it.
        """
        out = {}
        for p in self.spec.parameters:
            width = (box[p.key][1] - box[p.key][0]) * self.spec.shrink
            low = min(max(best[p.key] - width / 2, p.min), p.max - width)
            out[p.key] = (low, low + width)
        return out

    def tasks(self, points: list[dict[str, float]], first: int = 0) -> Iterator[RunTask]:
        """Every run: each point × country × replicate, with common seeds.

        Points are numbered from ``first`` in the run ids (``p<point>-c<country>-r<rep>``).
        """
        seeds = replicate_seeds(self.spec.seed, self.spec.replications)
        countries = []
        for scenario, country in zip(self.scenarios, self.spec.countries, strict=True):
            columns = {t.column for t in country.targets} | {t.per for t in country.targets}
            countries.append((scenario.model_dump(mode="python"), tuple(sorted(columns - {None}))))
        for p, values in enumerate(points, start=first):
            for c, (data, columns) in enumerate(countries):
                for r, seed in enumerate(seeds):
                    yield RunTask(f"p{p}-c{c}-r{r}", data, values, seed, columns)


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file.

    Raises:
        ScenarioError: one line naming the file, the key and what was expected.
    """
    path = Path(path)
    try:
        spec = CalibrationSpec.model_validate(read_toml(path, "calibration"))
    except ValidationError as exc:
        raise one_line_error(exc, str(path)) from None
    runs = spec.rounds * spec.samples * len(spec.countries) * spec.replications
    if runs > MAX_RUNS:
        raise ScenarioError(
            f"{path}: samples: {runs:,} runs (rounds × samples × countries × replications); "
            f"at most {MAX_RUNS:,}"
        )
    for j, parameter in enumerate(spec.parameters):
        if not parameter.min < parameter.max:
            raise ScenarioError(f"{path}: parameters.{j}: min must be below max")
    scenarios = []
    for i, country in enumerate(spec.countries):
        try:
            scenario = sized(load_scenario(path.parent / country.scenario), farms=country.farms)
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: countries.{i}.scenario: {exc}") from None
        for j, target in enumerate(country.targets):
            _check_target(f"{path}: countries.{i}.targets.{j}", target, scenario)
        for j, parameter in enumerate(spec.parameters):
            if not scenario_value(scenario, parameter.key)[0]:
                raise ScenarioError(f"{path}: parameters.{j}.key: no such scenario field")
            for end in ("min", "max"):
                refuse_rejected(
                    f"{path}: parameters.{j}.{end}",
                    scenario,
                    parameter.key,
                    [getattr(parameter, end)],
                    f"the scenario of countries.{i}",
                )
        scenarios.append(scenario)
    return Calibration(path, spec, scenarios)


def _check_target(where: str, target: Target, scenario: Scenario) -> None:
    for key in ("first_year", "year"):
        year = getattr(target, key)
        if year is not None and not scenario.start_year <= year <= scenario.end_year:
            raise ScenarioError(
                f"{where}.{key}: {year} is outside {scenario.start_year}–{scenario.end_year}"
            )
    if target.first_year is not None and target.first_year > target.year:
        raise ScenarioError(f"{where}.first_year: after year {target.year}")
    for key in ("column", "per"):
        name = getattr(target, key)
        if name is not None and name not in MODEL_COLUMNS:
            raise ScenarioError(f"{where}.{key}: {quoted(name)} is not a model column")


def target_errors(calibration: Calibration, results: list[RunResult]) -> pd.DataFrame:
    """One row per point and target: simulated replicate mean, reported value, log error.

    Raises:
        RuntimeError: when a run failed (a calibration needs every run).
    """
    tables: dict[str, pd.DataFrame] = {}
    for result in results:
        if not result.ok or result.table is None:
            raise RuntimeError(f"run {result.run_id} failed: {result.error}")
        tables[result.run_id] = result.table.set_index("year")
    rows = []
    for p in sorted({int(rid.split("-")[0][1:]) for rid in tables}):
        for c, country in enumerate(calibration.spec.countries):
            name = calibration.scenarios[c].name
            for target in country.targets:
                simulated = [
                    target.simulated(tables[f"p{p}-c{c}-r{r}"])
                    for r in range(calibration.spec.replications)
                ]
                mean = float(np.mean(simulated))  # NaN when a replicate has no figure
                error = math.log(max(mean, 1e-9) / target.value) if mean == mean else math.nan
                rows.append(
                    {
                        "point": p,
                        "scenario": name,
                        "figure": target.label,
                        "reported": target.value,
                        "simulated": mean,
                        "simulated_sd": float(np.std(simulated, ddof=1))
                        if len(simulated) > 1
                        else 0.0,
                        "log_error": error,
                        "weight": target.weight,
                    }
                )
    return pd.DataFrame(rows)


def losses(errors: pd.DataFrame, points: list[dict[str, float]]) -> pd.DataFrame:
    """Each point's parameters and loss (weighted mean squared log error), best first.

    A point with a figure it cannot give (:func:`undefined_figures`) cannot be scored:
    its loss is infinite, so it ranks last.
    """
    weighted = errors.assign(term=errors.weight * errors.log_error**2)
    grouped = weighted.groupby("point")
    loss = grouped.term.sum() / grouped.weight.sum()
    loss[grouped.log_error.apply(lambda e: bool(e.isna().any()))] = math.inf
    frame = pd.DataFrame(points).assign(loss=loss.sort_index().to_numpy())
    frame.index.name = "point"
    return frame.sort_values("loss", kind="stable")


def undefined_figures(errors: pd.DataFrame) -> pd.DataFrame:
    """The figures some points could not give (0/0 in every year), and at how many points.

    Returns:
        One row per scenario and figure: ``scenario``, ``figure``, ``points``.
    """
    missing = errors[errors.log_error.isna()]
    counts = missing.groupby(["scenario", "figure"], sort=False).point.nunique()
    return counts.rename("points").reset_index()


def calibrate(
    calibration: Calibration,
    executor: Executor,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every round and score every point.

    The first round searches the parameters' whole ranges; each later round a box
    ``shrink`` times as wide around the best point so far.

    Returns:
        (losses by point, best first; errors by point and target).
    """
    spec = calibration.spec
    total = spec.rounds * spec.samples * len(spec.countries) * spec.replications
    points: list[dict[str, float]] = []
    errors = []
    box = calibration.box()
    done = 0
    with executor:
        for round_ in range(spec.rounds):
            new = calibration.points(round_, box)
            results = []
            for result in executor.map(list(calibration.tasks(new, first=len(points)))):
                results.append(result)
                done += 1
                if progress is not None:
                    progress(done, total)
            points += new
            errors.append(target_errors(calibration, results))
            ranked = losses(pd.concat(errors, ignore_index=True), points)
            box = calibration.smaller_box(box, ranked.iloc[0].to_dict())
    return ranked, pd.concat(errors, ignore_index=True)


def best_toml(calibration: Calibration, ranked: pd.DataFrame) -> str:
    """The best point as TOML: the shared parameters by section, with its loss."""
    best = ranked.iloc[0]
    sections: dict[str, list[str]] = {}
    for parameter in calibration.spec.parameters:
        section, _, field = parameter.key.rpartition(".")
        sections.setdefault(section, []).append(f"{field} = {round(float(best[parameter.key]), 4)}")
    lines = [
        f"# {calibration.spec.name}: best of {len(ranked)} points "
        f"(loss {best['loss']:.4f}, seed {calibration.spec.seed}).",
        "# Written by `coopsim calibrate`; these values are the defaults in coopsim/scenario.py.",
    ]
    for section, fields in sections.items():
        lines += ["", f"[{section}]", *fields]
    return "\n".join(lines) + "\n"


def write_results(
    calibration: Calibration, ranked: pd.DataFrame, errors: pd.DataFrame, folder: ResultFolder
) -> list[Path]:
    """Write points.csv, errors.csv and best.toml into ``folder`` and move it into place.

    Returns:
        The files written, ``run.json`` (which lists them with their checksums) last.
    """
    folder.write("points.csv", lambda p: ranked.to_csv(p))
    folder.write("errors.csv", lambda p: errors.to_csv(p, index=False))
    text = best_toml(calibration, ranked)
    folder.write("best.toml", lambda p: p.write_text(text, encoding="utf-8"))
    return folder.commit(
        {
            "coopsim_version": __version__,
            "calibration_file": str(calibration.path),
            "spec": calibration.spec.model_dump(mode="json"),
            "best_loss": float(ranked["loss"].iloc[0]),
        }
    )


def read_best(path: str | Path) -> dict[str, Any]:
    """The best point of a calibration, as written by :func:`write_results`, by dotted key."""
    data = read_toml(Path(path), "calibration result")
    flat: dict[str, Any] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = value

    walk(data, "")
    return flat
