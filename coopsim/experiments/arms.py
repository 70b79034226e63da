"""Policy arms compared side by side, on common random numbers.

Every arm is the same base scenario with some policy levers held at other values from a
given year (:func:`coopsim.levers.with_lever_from`). The arms run through the same
machinery as ``coopsim sweep``: replicate *r* of every arm has the *r*-th seed spawned
from the master seed (:func:`~coopsim.experiments.seeds.replicate_seeds`), each run has
its id (:func:`~coopsim.experiments.plan.run_id`) and is carried out by
:func:`~coopsim.experiments.runner.run_one` through an executor. So the arms differ by
their policy only, not by luck: the difference between two arms is taken replicate by
replicate (paired), and its spread over replicates is much smaller than the spread of
either arm. Arms whose scenarios are the same share their runs, as identical design
points of a sweep do.

Seeds alone show the model's chance at one set of behavioural parameters. With model
uncertainty, replicate *r* of every arm also runs with the *r*-th parameter set drawn
from the calibration's posterior (:func:`coopsim.posterior.draw_parameters`, from the
same master seed): the spread over replicates then includes the uncertainty of the
calibrated parameters, and the arms still differ only by their policy, so differences
stay paired.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from coopsim.experiments.executor import Executor, Sequential
from coopsim.experiments.plan import run_id, scenario_digest
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.seeds import replicate_seeds
from coopsim.inputs import read_toml
from coopsim.levers import with_lever_from
from coopsim.posterior import draw_parameters
from coopsim.scenario import PolicyLevers, Scenario, ScenarioError

KEY_COLUMNS = (
    "coops_active",
    "coops_nominal",
    "members",
    "membership_rate",
    "coop_market_share",
    "mean_coop_size",
    "farm_income_mean",
    "farm_income_gini",
    "subsidy_paid",
    "subsidy_per_active_member",
)
"""The model columns compared at the horizon."""


@dataclass(frozen=True)
class Edit:
    """A policy lever held at ``value`` from ``year`` (to the horizon)."""

    lever: str
    value: Any
    year: int


@dataclass(frozen=True)
class Arm:
    """One policy arm: a name and its edits of the base scenario."""

    name: str
    edits: tuple[Edit, ...] = field(default_factory=tuple)

    def scenario(self, base: Scenario) -> Scenario:
        """The base scenario with this arm's edits.

        Raises:
            ScenarioError: an edit is out of its lever's range.
        """
        spec = base
        for edit in self.edits:
            spec = with_lever_from(spec, edit.lever, edit.value, edit.year)
        return spec


@dataclass(frozen=True)
class ArmRun:
    """One run of a comparison: a replicate of an arm, and the task that carries it out.

    Attributes:
        arm: the arm's name.
        replicate: 0, 1, … (the same seed, and parameter set if any, in every arm).
        task: the arm's scenario as plain data, the replicate's parameter set drawn from
            the posterior as its values (none without model uncertainty), and the
            replicate's seed.
    """

    arm: str
    replicate: int
    task: RunTask


@dataclass(eq=False)
class Comparison:
    """The runs of every arm and what they found.

    Attributes:
        scenario: the base scenario.
        arms: the arms' names, in order.
        seed: the master seed.
        seeds: each replicate's seed (the same in every arm).
        results: the model table of every run that finished, with columns ``arm``,
            ``replicate`` and ``seed`` first, then, with model uncertainty, the
            replicate's parameters by dotted scenario key; runs in the order of arms and
            replicates.
        errors: one line per failed run, naming its arm and replicate.
        draws: each replicate's parameter set drawn from the posterior (the same in
            every arm); empty when the runs hold the scenario's parameters.
    """

    scenario: Scenario
    arms: list[str]
    seed: int
    seeds: list[int]
    results: pd.DataFrame
    errors: list[str] = field(default_factory=list)
    draws: list[dict[str, float]] = field(default_factory=list)

    @property
    def replicates(self) -> int:
        """Runs per arm."""
        return len(self.seeds)

    @property
    def model_uncertainty(self) -> bool:
        """True when the replicates also differ by parameters drawn from the posterior."""
        return bool(self.draws)

    @cached_property
    def differences(self) -> pd.DataFrame:
        """Key numbers at the horizon against the first arm (:func:`horizon_differences`)."""
        return horizon_differences(self.results)


def plan_arms(
    base: Scenario,
    arms: list[Arm],
    replicates: int,
    seed: int,
    *,
    model_uncertainty: bool = False,
) -> list[ArmRun]:
    """Every run of a comparison: each arm's replicates, arm after arm.

    Args:
        base: the scenario every arm edits (already sized).
        arms: the arms (their names must differ).
        replicates: runs per arm.
        seed: the master seed the replicates' seeds (and parameter draws) come from.
        model_uncertainty: replicate *r* of every arm also runs with the *r*-th
            parameter set drawn from the posterior, in place of the scenario's own
            values of those parameters.

    Raises:
        ScenarioError: an arm's edit is out of its lever's range.
    """
    seeds = replicate_seeds(seed, replicates)
    draws = draw_parameters(replicates, seed) if model_uncertainty else [{}] * replicates
    runs = []
    for arm in arms:
        scenario = arm.scenario(base)
        digest, data = scenario_digest(scenario), scenario.model_dump()
        for r, (s, values) in enumerate(zip(seeds, draws, strict=True)):
            task = RunTask(run_id(digest, values, r, s), data, values, s)
            runs.append(ArmRun(arm.name, r, task))
    return runs


def run_arms(
    base: Scenario,
    arms: list[Arm],
    replicates: int,
    seed: int,
    *,
    model_uncertainty: bool = False,
    executor: Executor | None = None,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Comparison:
    """Run every arm for every replicate, on common random numbers.

    Args:
        base: the scenario every arm edits (already sized).
        arms: the arms (their names must differ).
        replicates: runs per arm.
        seed: the master seed the replicates' seeds (and parameter draws) come from.
        model_uncertainty: replicate *r* of every arm also runs with the *r*-th
            parameter set drawn from the posterior (see :func:`plan_arms`).
        executor: where the runs are carried out; in this process, one after the
            other, when None.
        progress: called with the share of runs done (0–1) after each run.
        cancel: stops between runs when set (the comparison then holds the runs done).

    Raises:
        ScenarioError: an arm's edit is out of its lever's range (before any run).
    """
    planned = plan_arms(base, arms, replicates, seed, model_uncertainty=model_uncertainty)
    tasks = {run.task.run_id: run.task for run in planned}  # identical arms share runs
    executor = executor if executor is not None else Sequential()

    def cancelled() -> bool:
        return cancel is not None and cancel.is_set()

    finished: dict[str, RunResult] = {}
    with executor:
        # tasks are handed over lazily, so the sequential executor starts none once
        # cancelled; a pool has taken them all, and leaving the block cancels the rest
        for result in executor.map(task for task in tasks.values() if not cancelled()):
            finished[result.run_id] = result
            if progress is not None:
                progress(len(finished) / len(tasks))
            if cancelled():
                break
    tables, errors = [], []
    for run in planned:
        result = finished.get(run.task.run_id)
        if result is None:
            continue
        if result.table is None:
            errors.append(f"{run.arm}, replicate {run.replicate}: {result.error}")
            continue
        table = result.table.copy()
        for position, (key, value) in enumerate(run.task.values.items()):
            table.insert(position, key, value)
        table.insert(0, "seed", run.task.seed)
        table.insert(0, "replicate", run.replicate)
        table.insert(0, "arm", run.arm)
        tables.append(table)
    results = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
    seeds = replicate_seeds(seed, replicates)
    draws = draw_parameters(replicates, seed) if model_uncertainty else []
    return Comparison(base, [a.name for a in arms], seed, seeds, results, errors, draws)


def horizon_differences(results: pd.DataFrame) -> pd.DataFrame:
    """Key numbers in the last year: each arm's mean, and each arm against the first.

    Args:
        results: model tables with columns ``arm`` and ``replicate`` (as
            :attr:`Comparison.results`).

    Returns:
        One row per key number and arm: ``column``, ``arm``, ``mean`` (over
        replicates), and against the first arm, replicate by replicate, ``difference``
        (mean), ``low`` and ``high`` (its smallest and largest); the first arm's
        differences are 0.
    """
    last = results[results["year"] == results["year"].max()]
    arms = list(dict.fromkeys(last["arm"]))
    wide = last.set_index(["arm", "replicate"])
    rows = []
    for column in KEY_COLUMNS:
        first = wide.loc[arms[0], column]
        for arm in arms:
            values = wide.loc[arm, column]
            paired = (values - first).dropna()
            rows.append(
                {
                    "column": column,
                    "arm": arm,
                    "mean": float(values.mean()),
                    "difference": float(paired.mean()) if len(paired) else float("nan"),
                    "low": float(paired.min()) if len(paired) else float("nan"),
                    "high": float(paired.max()) if len(paired) else float("nan"),
                }
            )
    return pd.DataFrame(rows)


ARM_KEYS = ("name", "from")
"""The keys of an arm in an arms file besides its levers."""


def read_arms(path: Path, base: Scenario) -> list[Arm]:
    """The arms of an arms file, each checked against ``base``.

    An arms file lists ``[[arm]]`` tables, each with a ``name``, an optional year
    ``from`` (default: the scenario's first year) and policy levers by name, held at
    the given values from that year to the horizon::

        [[arm]]
        name = "As set"

        [[arm]]
        name = "Higher member grant"
        from = 2017
        member_grant = 300_000

    Raises:
        ScenarioError: one line naming the file, the arm and what is wrong: no arms,
            a name missing or used twice, an unknown lever, a value out of range.
    """
    data = read_toml(Path(path), "arms")
    unknown = sorted(set(data) - {"arm"})
    if unknown:
        raise ScenarioError(f"{path}: {unknown[0]}: unknown key; an arms file lists [[arm]] tables")
    tables = data.get("arm")
    if not isinstance(tables, list) or not tables or not all(isinstance(t, dict) for t in tables):
        raise ScenarioError(f'{path}: no arms; list each as [[arm]] with name = "…"')
    policy = set(PolicyLevers.model_fields)
    arms: list[Arm] = []
    for i, table in enumerate(tables, start=1):
        where = f"{path}: arm {i}"
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ScenarioError(f'{where}: name: give the arm a name (name = "…")')
        if name in (a.name for a in arms):
            raise ScenarioError(f"{where}: name: {name!r} is already the name of another arm")
        year = table.get("from", base.start_year)
        if type(year) is not int or not base.start_year <= year <= base.end_year:
            raise ScenarioError(
                f"{where}: from: expected a year from {base.start_year} to {base.end_year}"
            )
        edits = []
        for lever, value in table.items():
            if lever in ARM_KEYS:
                continue
            if lever not in policy:
                raise ScenarioError(
                    f"{where}: {lever}: not a policy lever (docs/levers.md lists them)"
                )
            edits.append(Edit(lever, value, year))
        for edit in edits:
            try:
                Arm(name, (edit,)).scenario(base)
            except ScenarioError as exc:  # named by the scenario's key: say it once
                raise ScenarioError(
                    f"{where}: {str(exc).removeprefix(f'policy.{edit.lever}: ')}"
                ) from None
        arms.append(Arm(name, tuple(edits)))
    return arms
