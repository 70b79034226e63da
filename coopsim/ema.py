"""coopsim as a model of the EMA Workbench (exploratory modelling and analysis).

:func:`model` wraps a scenario file as an ``ema_workbench.ReplicatorModel``: the
Workbench samples policy levers and uncertainties, and every experiment runs coopsim
once per replication, on seeds spawned from one master seed (so every experiment meets
the same seeds: common random numbers, as in ``coopsim sweep``). The Workbench takes
Python identifiers as names, so a parameter is named after its dotted scenario key
with ``__`` for each dot (:func:`coopsim.experiments.plain_name`:
``policy.member_grant`` → ``policy__member_grant``); outcomes are columns of the
model table in one year. ``docs/ema.md`` runs experiments and PRIM end to end::

    from ema_workbench import perform_experiments, process_replications
    from coopsim.ema import model

    kazakhstan = model(
        "scenarios/kazakhstan_2016.toml",
        levers={"policy.investment_subsidy": (0.0, 0.5)},
        uncertainties={"population.trust": (0.15, 0.5)},
        outcomes=["coops_active", "membership_rate"],
        farms=1_000, replications=2,
    )   # parameters policy__investment_subsidy and population__trust
    experiments, outcomes = perform_experiments(kazakhstan, scenarios=20, policies=2)
    experiments, outcomes = process_replications((experiments, outcomes))  # means

The EMA Workbench is an optional dependency (the ``experiments`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from coopsim.experiments.discovery import quiet_workbench
from coopsim.experiments.seeds import replicate_seeds
from coopsim.experiments.spec import (
    LEVER_PREFIX,
    dotted_key,
    model_columns,
    plain_name,
    refuse_rejected,
    scenario_value,
)
from coopsim.model import CoopModel, sized
from coopsim.scenario import Scenario, ScenarioError, load_scenario, validate_scenario
from coopsim.tuning import collected_after

Range = tuple[float, float] | Sequence[Any]
"""A parameter's range: ``(low, high)`` (whole numbers give an integer parameter), or
a list of the values it may take (a categorical parameter)."""


@dataclass(frozen=True)
class ScenarioFunction:
    """What the Workbench calls for one replication: values in, outcomes in a year out.

    A plain, picklable object, so that the Workbench's multiprocessing evaluator can
    send it to its workers.

    Attributes:
        scenario: the base scenario as plain data (``Scenario.model_dump()``).
        outcomes: model columns returned.
        year: the calendar year the outcomes are read in.
    """

    scenario: dict[str, Any]
    outcomes: tuple[str, ...]
    year: int

    def __call__(self, seed: int, **values: Any) -> dict[str, float]:
        """Run the scenario with ``values`` (by plain name) on ``seed``; the outcomes."""
        values = {
            dotted_key(k): v.item() if isinstance(v, np.generic) else v for k, v in values.items()
        }
        spec = validate_scenario(self.scenario, source="base scenario").with_values(values)
        with collected_after():  # the model, held in its own cycles (coopsim.experiments.runner)
            table = CoopModel(spec=spec, rng=int(seed)).run()
        row = table.loc[table["year"] == self.year].iloc[0]
        return {name: float(row[name]) for name in self.outcomes}


def _parameter(scenario: Scenario, key: str, span: Range, where: str) -> Any:
    """The Workbench parameter of one key, once both ends (or every value) passed the scenario."""
    from ema_workbench import CategoricalParameter, IntegerParameter, RealParameter

    if not scenario_value(scenario, key)[0]:
        raise ScenarioError(f"{where}: {key} is not a scenario field that takes one value")
    if isinstance(span, tuple) and len(span) == 2:
        low, high = span
        if not low < high:
            raise ScenarioError(f"{where}: {key}: the range needs low < high (got {span})")
        refuse_rejected(where, scenario, key, [low, high])
        if all(isinstance(v, int) and not isinstance(v, bool) for v in span):
            return IntegerParameter(plain_name(key), low, high)
        return RealParameter(plain_name(key), float(low), float(high))
    values = list(span)
    if not values:
        raise ScenarioError(f"{where}: {key}: give (low, high) or a list of values")
    refuse_rejected(where, scenario, key, values)
    return CategoricalParameter(plain_name(key), values)


def model(
    scenario_file: str | Path,
    levers: Mapping[str, Range],
    uncertainties: Mapping[str, Range],
    outcomes: Sequence[str],
    *,
    year: int | None = None,
    replications: int = 1,
    seed: int = 0,
    farms: int | None = None,
    years: int | None = None,
    name: str = "coopsim",
) -> Any:
    """An ``ema_workbench.ReplicatorModel`` of a scenario file.

    Args:
        scenario_file: the scenario TOML file.
        levers: policy levers (keys under ``policy.``) and their ranges.
        uncertainties: every other field varied, and its range.
        outcomes: model columns (``docs/outputs.md``) read in ``year``; each is an
            ``ArrayOutcome`` with one value per replication (``process_replications``
            of the Workbench takes their mean).
        year: the year the outcomes are read in; the scenario's last year by default.
        replications: runs per experiment, on seeds spawned from ``seed``.
        seed: the master seed of the replications.
        farms: simulated farms per run (a sample of the scenario's farms).
        years: years to simulate (the scenario's by default).
        name: the model's name in the Workbench (a Python identifier).

    Raises:
        ScenarioError: one line naming the key and what was expected: a lever that is
            not under ``policy.``, an uncertainty that is, a key or value the scenario
            rejects, an unknown outcome or a year outside the run.
    """
    with quiet_workbench():
        from ema_workbench import ArrayOutcome, ReplicatorModel

    scenario = load_scenario(scenario_file)
    if farms is not None:
        scenario = sized(scenario, farms=farms)
    if years is not None:
        scenario = scenario.with_values({"years": years})
    for key in levers:
        if not key.startswith(LEVER_PREFIX):
            raise ScenarioError(f"levers: {key} is not a policy lever (a key under policy.…)")
    for key in uncertainties:
        if key.startswith(LEVER_PREFIX):
            raise ScenarioError(f"uncertainties: {key} is a policy lever; put it in levers")
    year = scenario.end_year if year is None else year
    if not scenario.start_year <= year <= scenario.end_year:
        raise ScenarioError(
            f"year: {year} is outside the run ({scenario.start_year}–{scenario.end_year})"
        )
    columns = model_columns(scenario)
    for outcome in outcomes:
        if outcome not in columns or outcome == "year":
            raise ScenarioError(f"outcomes: {outcome!r} is not a column of the model table")
    function = ScenarioFunction(scenario.model_dump(), tuple(outcomes), year)
    ema_model = ReplicatorModel(name, function=function)
    ema_model.levers = [_parameter(scenario, k, v, "levers") for k, v in levers.items()]
    ema_model.uncertainties = [
        _parameter(scenario, k, v, "uncertainties") for k, v in uncertainties.items()
    ]
    ema_model.outcomes = [ArrayOutcome(o) for o in outcomes]
    ema_model.replications = [{"seed": s} for s in replicate_seeds(seed, replications)]
    return ema_model
