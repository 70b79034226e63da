"""Calibration: the shared behavioural parameters and how sure we are of them.

A calibration file (``experiments/calibration.toml``) names

* the **shared parameters** to fit, each a dotted scenario key with a range that is its
  uniform prior (behaviour and the autonomy premium: how farms decide, not what a
  country is; the priors are argued in ``docs/assumptions.md``);
* the **country scenarios**, each run at a given sample size;
* the **targets**: observed figures, each a model column in a year (e.g. Germany's
  cooperatives in 2010) with its source and its uncertainty (the relative standard
  uncertainty of the figure as reported, or as its rounding implies);
* the **sampler's budget**: particles per generation, generations, simulations.

The fit is approximate Bayesian computation by sequential Monte Carlo (ABC-SMC,
Beaumont et al. 2009; Del Moral et al. 2012) with pyabc. A particle is one draw of the
parameters; it is simulated once in every country (one seed), and its **distance** is
the root mean square of the targets' standardised log errors,
``ln(simulated / observed) / σ``, where σ adds the figure's uncertainty and the model
discrepancy (what the model cannot be expected to match) in quadrature: a distance of 1
means the figures are missed, on average, by one σ. Each generation keeps the particles closer
than the median distance of the generation before, so the population moves from the
prior towards the posterior; the weights correct for where particles were proposed.

The posterior's MAP particle (its point of highest density) becomes the library's
defaults (``best.toml``; ``tests/test_calibration.py`` checks that they are). Figures
kept out of the calibration (out-of-sample checks) live in ``docs/validation.md`` and
its script, never here.

The sampler (:mod:`coopsim.experiments.abc_sampler`) runs the simulations on coopsim's
executors and accepts particles in the order they were proposed, so the same file
and seed give the same posterior on one process, a process pool or a Dask cluster.
pyabc keeps every generation in an SQLite database: a calibration that is stopped
continues from its last complete generation when the command is run again.
"""

from __future__ import annotations

import ast
import hashlib
import math
import shutil
import textwrap
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import pandas as pd
from pydantic import Field, ValidationError

from coopsim import __version__
from coopsim.experiments.executor import Executor
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.spec import (
    MAX_RUNS,
    SEED_MAX,
    canonical_json,
    refuse_rejected,
    scenario_value,
)
from coopsim.inputs import Strict, one_line_error, quoted, read_toml
from coopsim.model import sized
from coopsim.records import MODEL_COLUMNS
from coopsim.results import ResultFolder
from coopsim.scenario import MAX_SIMULATED_FARMS, Scenario, ScenarioError, load_scenario

FILES = (
    "posterior.parquet",
    "summary.csv",
    "generations.csv",
    "fit.csv",
    "pairs.png",
    "best.toml",
    "abc.db",
)
"""What a calibration writes into its folder, besides ``run.json``."""

UNDEFINED = 1e6
"""The distance of a particle that cannot give a figure (0/0 in every year): it ranks last."""

QUANTILES = (0.05, 0.5, 0.95)
"""The posterior quantiles of ``summary.csv``."""


class Parameter(Strict):
    """A shared parameter and its prior: uniform between ``min`` and ``max``."""

    key: str = Field(min_length=1, description="Dotted scenario key, e.g. behaviour.review_years.")
    min: float = Field(description="Lower end of the uniform prior.")
    max: float = Field(description="Upper end of the uniform prior.")


class Target(Strict):
    """An observed figure a scenario's runs are scored against.

    The figure is a model column in one ``year``, or its mean over the years
    ``first_year`` to ``year``; with ``per`` it is the column divided by another, year
    by year (e.g. ``mergers`` per ``coops_registered``: a yearly merger rate).
    """

    column: str = Field(min_length=1, description="Model table column.")
    year: int = Field(description="Calendar year of the figure (the last, for a mean).")
    first_year: int | None = Field(None, description="First year of a mean over years.")
    per: str | None = Field(None, description="Column the figure is divided by, year by year.")
    value: Annotated[float, Field(gt=0, le=1e15)] = Field(
        description="Observed figure, in the column's unit."
    )
    uncertainty: Annotated[float, Field(gt=0, le=10)] = Field(
        description="Relative standard uncertainty of the figure (0.1: ±10 %), as reported "
        "or as its rounding implies."
    )
    source: str = Field("", description="Where the figure comes from, and its uncertainty.")

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
    particles: int = Field(ge=2, le=100_000, description="Particles per generation.")
    generations: int = Field(ge=1, le=100, description="Most generations to run.")
    max_simulations: int = Field(
        ge=1,
        le=MAX_RUNS,
        description="No further generation starts once this many particles were simulated.",
    )
    min_distance: float = Field(
        0.0, ge=0, le=1e3, description="Stop once a generation's threshold is this close."
    )
    max_minutes: float | None = Field(
        None,
        gt=0,
        le=100_000,
        description="No further generation starts after this many minutes (a budget; a "
        "calibration stopped by it depends on the machine's speed).",
    )
    model_discrepancy: float = Field(
        0.0,
        ge=0,
        le=10,
        description="Relative standard error the model cannot be expected to beat, added in "
        "quadrature to every figure's uncertainty.",
    )
    seed: int = Field(0, ge=0, le=SEED_MAX, description="Master seed (proposals and runs).")
    parameters: list[Parameter] = Field(min_length=1, max_length=100)
    countries: list[Country] = Field(min_length=1, max_length=100)


@dataclass(frozen=True)
class Calibration:
    """A checked calibration: its spec and each country's scenario, sized."""

    path: Path
    spec: CalibrationSpec
    scenarios: list[Scenario]

    @property
    def keys(self) -> list[str]:
        """The parameters' dotted keys, in the file's order."""
        return [p.key for p in self.spec.parameters]

    def figures(self) -> list[tuple[str, float, float]]:
        """Every target as (name, observed value, σ); names are ``c<country>t<k>``.

        σ is the figure's uncertainty and the model discrepancy added in quadrature.
        """
        discrepancy = self.spec.model_discrepancy
        return [
            (f"c{c}t{k}", target.value, math.hypot(target.uncertainty, discrepancy))
            for c, country in enumerate(self.spec.countries)
            for k, target in enumerate(country.targets)
        ]

    def figure_labels(self) -> dict[str, str]:
        """Every target's name and its words: ``Kazakhstan 2016: coops_registered, 2021``."""
        return {
            f"c{c}t{k}": f"{self.scenarios[c].name}: {target.label}"
            for c, country in enumerate(self.spec.countries)
            for k, target in enumerate(country.targets)
        }

    def digest(self) -> str:
        """A hash of what decides the posterior: what a resumed calibration must match.

        The priors, targets, particles, discrepancy, seed and every scenario run; not the
        budget (generations, simulations, minutes, distance), which may grow on resuming,
        nor the scenarios' own values of the calibrated parameters, which every particle
        replaces (so shipping a calibration's values as defaults keeps its digest).
        """
        budget = {"name", "description", "generations", "max_simulations", "min_distance"}
        replaced = {p.key: p.min for p in self.spec.parameters}
        data = {
            "spec": self.spec.model_dump(mode="json", exclude=budget | {"max_minutes"}),
            "scenarios": [s.with_values(replaced).model_dump(mode="json") for s in self.scenarios],
        }
        return hashlib.sha256(canonical_json(data).encode()).hexdigest()

    def tasks(self, particle: str, values: dict[str, float], seed: int) -> list[RunTask]:
        """One particle's runs: every country with the particle's values and seed."""
        tasks = []
        for c, (scenario, country) in enumerate(
            zip(self.scenarios, self.spec.countries, strict=True)
        ):
            columns = {t.column for t in country.targets} | {t.per for t in country.targets}
            tasks.append(
                RunTask(
                    f"{particle}-c{c}",
                    scenario.model_dump(mode="python"),
                    values,
                    seed,
                    tuple(sorted(columns - {None})),
                )
            )
        return tasks

    def simulated_figures(self, results: list[RunResult]) -> dict[str, float]:
        """One particle's figures (by target name) from its runs, in the spec's order.

        Raises:
            RuntimeError: when a run failed (a particle needs every country).
        """
        figures = {}
        for c, (country, result) in enumerate(zip(self.spec.countries, results, strict=True)):
            if not result.ok or result.table is None:
                raise RuntimeError(f"run {result.run_id} failed: {result.error}")
            table = result.table.set_index("year")
            for k, target in enumerate(country.targets):
                figures[f"c{c}t{k}"] = target.simulated(table)
        return figures


def distance(simulated: dict[str, float], figures: list[tuple[str, float, float]]) -> float:
    """Root mean square of the standardised log errors, ``ln(simulated / observed) / σ``.

    A figure of 0 counts as 1e-9 of its unit; a figure the run cannot give (NaN) makes
    the distance :data:`UNDEFINED`.

    Args:
        simulated: the particle's figures by name.
        figures: (name, observed value, relative uncertainty σ) of every target.
    """
    squares = []
    for name, observed, uncertainty in figures:
        value = simulated[name]
        if value != value:
            return UNDEFINED
        squares.append((math.log(max(value, 1e-9) / observed) / uncertainty) ** 2)
    return math.sqrt(sum(squares) / len(squares))


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
    runs = spec.max_simulations * len(spec.countries)
    if runs > MAX_RUNS:
        raise ScenarioError(
            f"{path}: max_simulations: {runs:,} runs (max_simulations × countries); "
            f"at most {MAX_RUNS:,}"
        )
    for j, parameter in enumerate(spec.parameters):
        if not parameter.min < parameter.max:
            raise ScenarioError(f"{path}: parameters.{j}: min must be below max")
    if len({p.key for p in spec.parameters}) < len(spec.parameters):
        raise ScenarioError(f"{path}: parameters: a key is given twice")
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


# --- the posterior ------------------------------------------------------------------------------


def calibrate(
    calibration: Calibration,
    executor: Executor,
    database: Path,
    progress: Callable[[str], None] | None = None,
) -> Any:
    """Run ABC-SMC, or continue it from ``database``, until the spec's budget is spent.

    Args:
        calibration: the checked calibration.
        executor: where the runs are carried out.
        database: pyabc's SQLite file. When it holds generations of this calibration,
            they are kept and the run continues after the last of them.
        progress: told about each generation in a line of words.

    Returns:
        pyabc's ``History`` of the calibration (every generation).

    Raises:
        RuntimeError: a run failed, or no particle of the first generation could be scored.
    """
    import pyabc

    from coopsim.experiments.abc_sampler import ExecutorSampler, quiet_pyabc

    quiet_pyabc()
    spec = calibration.spec
    sampler = ExecutorSampler(calibration, executor, progress)
    prior = pyabc.Distribution(
        **{p.key: pyabc.RV("uniform", p.min, p.max - p.min) for p in spec.parameters}
    )
    figures = calibration.figures()
    resuming = database.exists()
    abc = pyabc.ABCSMC(
        sampler.model,
        prior,
        lambda x, x0: distance(x, figures),
        population_size=spec.particles,
        # a new calibration's generation 0 is the prior (every particle kept); a resumed
        # one takes its threshold from its last generation, as an unbroken run does
        eps=pyabc.QuantileEpsilon(
            initial_epsilon="from_sample" if resuming else math.inf, alpha=0.5
        ),
        sampler=sampler,
    )
    url = f"sqlite:///{database}"
    observed = {name: value for name, value, _ in figures}
    with executor:
        if resuming:
            history = abc.load(url, 1)
        else:
            history = abc.new(url, observed, meta_info={"digest": calibration.digest()})
        done = history.max_t + 1
        simulated = history.total_nr_simulations if done else 0
        if done:  # size the first batch by the last generation's acceptance
            last = history.get_all_populations().iloc[-1]
            sampler.acceptance = int(last.particles) / max(int(last.samples), 1)
        if done >= spec.generations or simulated >= spec.max_simulations:
            return history
        with warnings.catch_warnings():
            # pyabc compares generation 0's infinite threshold with the next: inf - inf
            warnings.filterwarnings("ignore", "invalid value encountered", RuntimeWarning)
            abc.run(
                minimum_epsilon=spec.min_distance,
                max_nr_populations=spec.generations - done,
                max_total_nr_simulations=spec.max_simulations,
                max_walltime=timedelta(minutes=spec.max_minutes) if spec.max_minutes else None,
            )
    return abc.history


def database_digest(database: Path) -> str | None:
    """The calibration digest a pyabc database was started with (None if it has none)."""
    import pyabc

    from coopsim.experiments.abc_sampler import quiet_pyabc

    quiet_pyabc()
    try:
        # pyabc keeps the meta information as the str() of a dict
        meta = ast.literal_eval(
            pyabc.History(f"sqlite:///{database}", _id=1).get_abc().json_parameters
        )
    except Exception:  # not a pyabc database, an empty one, or one we did not start
        return None
    return meta.get("digest") if isinstance(meta, dict) else None


def posterior_table(history: Any, calibration: Calibration) -> pd.DataFrame:
    """Every particle of every generation, one row each.

    Columns: ``generation``, ``weight``, ``distance``, the parameters by dotted key, and
    the particle's simulated figures by their words.

    Weights are normalised within each generation; the last generation is the posterior.
    """
    labels = calibration.figure_labels()
    frames = []
    for t in range(history.max_t + 1):
        population = history.get_population(t=t)
        rows = []
        for particle in population.particles:
            row = {"generation": t, "weight": particle.weight, "distance": particle.distance}
            row |= {key: float(particle.parameter[key]) for key in calibration.keys}
            row |= {labels[name]: float(value) for name, value in particle.sum_stat.items()}
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame["weight"] /= frame["weight"].sum()
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    """The ``q`` quantile of weighted values (pyabc's estimator)."""
    from pyabc.weighted_statistics import weighted_quantile as pyabc_quantile

    return float(pyabc_quantile(np.asarray(values), np.asarray(weights), alpha=q))


def posterior_summary(posterior: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Each parameter's posterior: weighted mean, 5 %, median and 95 %, from the last generation.

    Returns:
        One row per parameter: ``parameter``, ``mean``, ``q05``, ``median``, ``q95``
        (:func:`write_results` adds the prior's ends and the MAP).
    """
    last = posterior[posterior.generation == posterior.generation.max()]
    weights = last["weight"].to_numpy()
    rows = []
    for key in keys:
        values = last[key].to_numpy()
        row = {"parameter": key, "mean": float(np.average(values, weights=weights))}
        for q in QUANTILES:
            row["median" if q == 0.5 else f"q{round(q * 100):02d}"] = weighted_quantile(
                values, weights, q
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=["parameter", "mean", "q05", "median", "q95"])


def generations_table(history: Any) -> pd.DataFrame:
    """One row per generation: threshold, simulations, acceptance rate, effective size.

    The effective sample size is Kish's, of the generation's weights.
    """
    populations = history.get_all_populations()
    populations = populations[populations.t >= 0].reset_index(drop=True)
    rows = []
    for _, row in populations.iterrows():
        t = int(row.t)
        _, weights = history.get_distribution(m=0, t=t)
        weights = np.asarray(weights) / np.sum(weights)
        rows.append(
            {
                "generation": t,
                "threshold": float(row.epsilon),
                "simulations": int(row.samples),
                "particles": int(row.particles),
                "acceptance_rate": int(row.particles) / int(row.samples),
                "effective_sample_size": float(1 / np.sum(weights**2)),
            }
        )
    return pd.DataFrame(rows)


def fit_table(posterior: pd.DataFrame, calibration: Calibration) -> pd.DataFrame:
    """Every target against the posterior: observed, uncertainty and simulated.

    Simulated: the posterior's weighted 5 %, median and 95 % of the figure, one run per
    particle.
    """
    last = posterior[posterior.generation == posterior.generation.max()]
    weights = last["weight"].to_numpy()
    rows = []
    for c, country in enumerate(calibration.spec.countries):
        for target in country.targets:
            label = f"{calibration.scenarios[c].name}: {target.label}"
            values = last[label].to_numpy()
            kept = values == values
            row = {
                "figure": label,
                "observed": target.value,
                "uncertainty": target.uncertainty,
                "source": target.source,
            }
            for q in QUANTILES:
                row[f"simulated_q{round(q * 100):02d}"] = (
                    weighted_quantile(values[kept], weights[kept], q) if kept.any() else math.nan
                )
            rows.append(row)
    return pd.DataFrame(rows)


def map_particle(posterior: pd.DataFrame, calibration: Calibration) -> pd.Series:
    """The last generation's particle of highest posterior density: the MAP estimate.

    The density is a weighted Gaussian kernel density estimate (scipy, Scott's rule) in
    the parameters scaled to their priors' ranges, evaluated at every particle. Unlike
    the marginal medians, the MAP is a point the posterior holds: where parameters
    trade off against each other, the medians of each can fall between the ridges.
    """
    from scipy.stats import gaussian_kde

    last = posterior[posterior.generation == posterior.generation.max()]
    low = np.array([p.min for p in calibration.spec.parameters])
    width = np.array([p.max - p.min for p in calibration.spec.parameters])
    scaled = ((last[calibration.keys].to_numpy() - low) / width).T
    density = gaussian_kde(scaled, weights=last["weight"].to_numpy())(scaled)
    return last.iloc[int(np.argmax(density))]


def best_toml(calibration: Calibration, best: pd.Series, generations: int) -> str:
    """The posterior's MAP particle (:func:`map_particle`) as TOML, by section."""
    sections: dict[str, list[str]] = {}
    for parameter in calibration.spec.parameters:
        section, _, field = parameter.key.rpartition(".")
        value = round(float(best[parameter.key]), 4)
        sections.setdefault(section, []).append(f"{field} = {value}")
    lines = [
        f"# {calibration.spec.name}: the posterior's MAP particle (highest kernel density) "
        f"after {generations} generations of {calibration.spec.particles} particles "
        f"(ABC-SMC, seed {calibration.spec.seed}).",
        "# Written by `coopsim calibrate`; these values are the defaults in coopsim/scenario.py.",
    ]
    for section, fields in sections.items():
        lines += ["", f"[{section}]", *fields]
    return "\n".join(lines) + "\n"


def pairs_plot(posterior: pd.DataFrame, calibration: Calibration, path: Path) -> None:
    """Pairwise posterior densities (pyabc's kernel density matrix) of the last generation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from pyabc.visualization import plot_kde_matrix

    last = posterior[posterior.generation == posterior.generation.max()]
    keys = calibration.keys
    limits = {p.key: (p.min, p.max) for p in calibration.spec.parameters}
    names = {key: textwrap.fill(key.rpartition(".")[2].replace("_", " "), 18) for key in keys}
    axes = plot_kde_matrix(
        last[keys], last["weight"].to_numpy(), limits=limits, names=names, height=2.2
    )
    figure = np.asarray(axes).flat[0].get_figure()
    figure.suptitle(
        textwrap.fill(
            f"{calibration.spec.name}: posterior, generation {int(last.generation.max())}", 70
        ),
        y=1.08,
    )
    figure.savefig(path, dpi=110, bbox_inches="tight")
    plt.close(figure)


def write_results(
    calibration: Calibration, history: Any, database: Path, folder: ResultFolder
) -> list[Path]:
    """Write the posterior, its summary, the fit, the plot, best.toml and the database.

    Returns:
        The files written, ``run.json`` (which lists them with their checksums) last.
    """
    posterior = posterior_table(history, calibration)
    summary = posterior_summary(posterior, calibration.keys)
    prior = {p.key: (p.min, p.max) for p in calibration.spec.parameters}
    summary["prior_min"] = [prior[k][0] for k in summary.parameter]
    summary["prior_max"] = [prior[k][1] for k in summary.parameter]
    best = map_particle(posterior, calibration)
    summary["map"] = [float(best[k]) for k in summary.parameter]
    generations = generations_table(history)
    folder.write("posterior.parquet", lambda p: posterior.to_parquet(p, index=False))
    folder.write("summary.csv", lambda p: summary.to_csv(p, index=False))
    folder.write("generations.csv", lambda p: generations.to_csv(p, index=False))
    fit = fit_table(posterior, calibration)
    folder.write("fit.csv", lambda p: fit.to_csv(p, index=False))
    folder.write("pairs.png", lambda p: pairs_plot(posterior, calibration, p))
    text = best_toml(calibration, best, len(generations))
    folder.write("best.toml", lambda p: p.write_text(text, encoding="utf-8"))
    folder.write("abc.db", lambda p: shutil.copyfile(database, p))
    return folder.commit(
        {
            "coopsim_version": __version__,
            "calibration_file": str(calibration.path),
            "spec": calibration.spec.model_dump(mode="json"),
            "digest": calibration.digest(),
            "generations": len(generations),
            "simulations": int(generations["simulations"].sum()),
            "final_threshold": float(generations["threshold"].iloc[-1]),
            "best": "the posterior's MAP particle (highest kernel density)",
        }
    )


def read_best(path: str | Path) -> dict[str, Any]:
    """The calibrated values written by :func:`write_results`, by dotted key."""
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
