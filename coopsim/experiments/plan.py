"""The runs of an experiment: design points × replicates, each with its id and seed.

A design can hold the same point twice (Morris trajectories cross); such rows share
one point and its runs. Runs are listed point by point, replicates within a point.
With policies, every policy is crossed with every draw of the uncertainties (policy
slowest); every point runs on the same seeds, so two policies on one draw differ
only by their levers (common random numbers).

A run's id is a hash of everything that determines its result: the full base
scenario, the factor values, the replicate and the seed. The same spec therefore
gives the same ids on every machine and every rerun, which is what lets a sweep
resume; a changed scenario, value or master seed gives new ids.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from coopsim.experiments.design import Row, design_rows
from coopsim.experiments.seeds import design_seed, replicate_seeds
from coopsim.experiments.spec import Experiment, canonical_json
from coopsim.scenario import Scenario

RUN_ID_LENGTH = 16
"""Hex digits of a run id (64 bits of SHA-256)."""


@dataclass(frozen=True)
class PlannedRun:
    """One run of the experiment.

    Attributes:
        run_id: hash of scenario, values, replicate and seed.
        point: index of its design point.
        replicate: 0, 1, … (the same seed at every point).
        seed: the seed the model runs with.
        values: factor values (levers and uncertainties), by scenario key.
        policy: the policy's name, in an experiment of policies; else None.
        draw: the index of the draw of the uncertainties, with policies; else None.
    """

    run_id: str
    point: int
    replicate: int
    seed: int
    values: Row
    policy: str | None = None
    draw: int | None = None


@dataclass(frozen=True)
class Plan:
    """Every run of an experiment and how its design maps to them.

    Attributes:
        rows: design rows in the sampler's order (what SALib's analysis expects).
        row_points: the design point of each row.
        points: the distinct design points.
        runs: one per point and replicate, point by point.
    """

    rows: list[Row]
    row_points: list[int]
    points: list[Row]
    runs: list[PlannedRun]


def scenario_digest(scenario: Scenario) -> str:
    """SHA-256 of the full scenario as plain data: what a run id says of the scenario."""
    return hashlib.sha256(canonical_json(scenario.model_dump(mode="json")).encode()).hexdigest()


def run_id(digest: str, values: Row, replicate: int, seed: int) -> str:
    """The id of a run: a hash of the base scenario's digest, values, replicate and seed."""
    payload = {"scenario": digest, "values": values, "replicate": replicate, "seed": seed}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()[:RUN_ID_LENGTH]


def make_plan(experiment: Experiment) -> Plan:
    """Sample the design and list the runs of ``experiment``."""
    spec = experiment.spec
    draws = design_rows(experiment.factors, spec.design, design_seed(spec.seed))
    policies = experiment.policies
    rows = [p.levers | draw for p in policies for draw in draws] if policies else draws
    index: dict[str, int] = {}
    points: list[Row] = []
    row_points = []
    for row in rows:
        key = canonical_json(row)
        if key not in index:
            index[key] = len(points)
            points.append(row)
        row_points.append(index[key])
    seeds = replicate_seeds(spec.seed, spec.replications)
    digest = scenario_digest(experiment.scenario)
    labels: list[tuple[str | None, int | None]] = [(None, None)] * len(points)
    if policies:  # a point keeps the policy and draw of its first row (draws may repeat)
        for j in reversed(range(len(rows))):
            labels[row_points[j]] = (policies[j // len(draws)].name, j % len(draws))
    runs = [
        PlannedRun(run_id(digest, values, r, seed), p, r, seed, values, *labels[p])
        for p, values in enumerate(points)
        for r, seed in enumerate(seeds)
    ]
    return Plan(rows=rows, row_points=row_points, points=points, runs=runs)
