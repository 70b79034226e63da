"""Calibration: one set of behavioural parameters for every country scenario.

A calibration file (``experiments/calibration.toml``) names

* the **shared parameters** to fit, each a dotted scenario key with a range
  (behaviour and the autonomy premium: how farms decide, not what a country is);
* the **country scenarios**, each run at a given sample size;
* the **targets**: reported figures a run is scored against, each a model column in
  a year (e.g. Germany's cooperatives in 2010).

Every point of a Latin hypercube over the parameters runs every scenario
``replications`` times, with the same seeds at every point (common random numbers).
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
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from coopsim.experiments.design import latin
from coopsim.experiments.executor import Executor
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.seeds import design_seed, replicate_seeds
from coopsim.experiments.spec import Factor, scenario_value
from coopsim.experiments.store import atomic_write
from coopsim.model import sized
from coopsim.scenario import Scenario, ScenarioError, load_scenario, one_line_error


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Parameter(_Strict):
    """A shared parameter and the range it is searched in."""

    key: str = Field(
        min_length=1, description="Dotted scenario key, e.g. behaviour.farm_exit_rate."
    )
    min: float = Field(description="Lower end of the range searched.")
    max: float = Field(description="Upper end of the range searched.")


class Target(_Strict):
    """A reported figure a scenario's runs are scored against."""

    column: str = Field(min_length=1, description="Model table column.")
    year: int = Field(description="Calendar year of the figure.")
    value: Annotated[float, Field(gt=0)] = Field(
        description="Reported figure, in the column's unit."
    )
    weight: float = Field(1.0, gt=0, description="Weight in the loss.")
    source: str = Field("", description="Where the figure comes from.")


class Country(_Strict):
    """A country scenario, the size it is run at and its targets."""

    scenario: str = Field(min_length=1, description="Scenario file, relative to this file.")
    farms: int | None = Field(None, ge=2, description="Simulated farms per run.")
    targets: list[Target] = Field(min_length=1)


class CalibrationSpec(_Strict):
    """A calibration file as written."""

    name: str = "calibration"
    description: str = ""
    samples: int = Field(ge=1, le=10_000, description="Latin hypercube points.")
    replications: int = Field(1, ge=1, le=1_000, description="Runs per point and country.")
    seed: int = Field(0, ge=0, description="Master seed (design and replicates).")
    parameters: list[Parameter] = Field(min_length=1)
    countries: list[Country] = Field(min_length=1)


@dataclass(frozen=True)
class Calibration:
    """A checked calibration: its spec and each country's scenario, sized."""

    path: Path
    spec: CalibrationSpec
    scenarios: list[Scenario]

    def points(self) -> list[dict[str, float]]:
        """The parameter points searched: a Latin hypercube, fixed by the seed."""
        factors = [
            Factor(key=p.key, min=p.min, max=p.max, integer=False) for p in self.spec.parameters
        ]
        return [
            {k: float(v) for k, v in row.items()}
            for row in latin(factors, self.spec.samples, design_seed(self.spec.seed))
        ]

    def tasks(self, points: list[dict[str, float]]) -> Iterator[RunTask]:
        """Every run: each point × country × replicate, with common seeds."""
        seeds = replicate_seeds(self.spec.seed, self.spec.replications)
        for p, values in enumerate(points):
            for c, scenario in enumerate(self.scenarios):
                data = scenario.model_dump(mode="python")
                columns = tuple(sorted({t.column for t in self.spec.countries[c].targets}))
                for r, seed in enumerate(seeds):
                    yield RunTask(f"p{p}-c{c}-r{r}", data, values, seed, columns)


def load_calibration(path: str | Path) -> Calibration:
    """Read and check a calibration file.

    Raises:
        ScenarioError: one line naming the file, the key and what was expected.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such calibration file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc})") from None
    try:
        spec = CalibrationSpec.model_validate(data)
    except ValidationError as exc:
        raise one_line_error(exc, str(path)) from None
    scenarios = []
    for i, country in enumerate(spec.countries):
        try:
            scenario = sized(load_scenario(path.parent / country.scenario), farms=country.farms)
        except ScenarioError as exc:
            raise ScenarioError(f"{path}: countries.{i}.scenario: {exc}") from None
        for j, target in enumerate(country.targets):
            if not scenario.start_year <= target.year <= scenario.end_year:
                raise ScenarioError(
                    f"{path}: countries.{i}.targets.{j}.year: {target.year} is outside "
                    f"{scenario.start_year}–{scenario.end_year}"
                )
        for j, parameter in enumerate(spec.parameters):
            if not scenario_value(scenario, parameter.key)[0]:
                raise ScenarioError(f"{path}: parameters.{j}.key: no such scenario field")
            if not parameter.min < parameter.max:
                raise ScenarioError(f"{path}: parameters.{j}: min must be below max")
        scenarios.append(scenario)
    return Calibration(path, spec, scenarios)


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
    n_points = len({rid.split("-")[0] for rid in tables})
    for p in range(n_points):
        for c, country in enumerate(calibration.spec.countries):
            name = calibration.scenarios[c].name
            for target in country.targets:
                simulated = [
                    float(tables[f"p{p}-c{c}-r{r}"].at[target.year, target.column])
                    for r in range(calibration.spec.replications)
                ]
                mean = float(np.mean(simulated))
                error = math.log(max(mean, 1e-9) / target.value)
                rows.append(
                    {
                        "point": p,
                        "scenario": name,
                        "column": target.column,
                        "year": target.year,
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
    """Each point's parameters and loss (weighted mean squared log error), best first."""
    weighted = errors.assign(term=errors.weight * errors.log_error**2)
    grouped = weighted.groupby("point")
    loss = grouped.term.sum() / grouped.weight.sum()
    frame = pd.DataFrame(points).assign(loss=loss.sort_index().to_numpy())
    frame.index.name = "point"
    return frame.sort_values("loss", kind="stable")


def calibrate(
    calibration: Calibration,
    executor: Executor,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every point and score it.

    Returns:
        (losses by point, best first; errors by point and target).
    """
    points = calibration.points()
    tasks = list(calibration.tasks(points))
    results = []
    with executor:
        for result in executor.map(tasks):
            results.append(result)
            if progress is not None:
                progress(len(results), len(tasks))
    errors = target_errors(calibration, results)
    return losses(errors, points), errors


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
    calibration: Calibration, ranked: pd.DataFrame, errors: pd.DataFrame, out: Path
) -> list[Path]:
    """Write points.csv, errors.csv and best.toml to ``out`` (each file atomically)."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, write in (
        ("points.csv", lambda p: ranked.to_csv(p)),
        ("errors.csv", lambda p: errors.to_csv(p, index=False)),
        ("best.toml", lambda p: p.write_text(best_toml(calibration, ranked), encoding="utf-8")),
    ):
        atomic_write(out / name, write)
        written.append(out / name)
    return written


def read_best(path: str | Path) -> dict[str, Any]:
    """The best point of a calibration, as written by :func:`write_results`, by dotted key."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    flat: dict[str, Any] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            else:
                flat[f"{prefix}{key}"] = value

    walk(data, "")
    return flat
