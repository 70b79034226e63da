"""Runs of an experiment: seeds spawned per replicate (common random numbers) and run ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from coopsim.experiments import load_experiment, make_plan
from coopsim.experiments.seeds import design_seed, replicate_seeds

GRID = (
    '[design]\nkind = "grid"\n'
    '[[factors]]\nkey = "policy.investment_subsidy"\nvalues = [0.0, 0.25, 0.5]\n'
    '[[factors]]\nkey = "policy.changes.2017.member_grant"\nvalues = [0, 100000]\n'
)
MORRIS = (
    '[design]\nkind = "morris"\nsamples = 10\nlevels = 4\n'
    '[[factors]]\nkey = "policy.investment_subsidy"\nmin = 0.0\nmax = 0.5\n'
    '[[factors]]\nkey = "market.bargaining_premium"\nmin = 0.0\nmax = 0.4\n'
)


def test_plan_has_one_run_per_point_and_replicate(write_spec: Callable[..., Path]) -> None:
    plan = make_plan(load_experiment(write_spec(GRID, replications=4)))
    assert len(plan.points) == 6
    assert len(plan.runs) == 6 * 4
    assert [(r.point, r.replicate) for r in plan.runs] == [
        (p, r) for p in range(6) for r in range(4)
    ]


def test_replicate_uses_the_same_seed_at_every_design_point(
    write_spec: Callable[..., Path],
) -> None:
    plan = make_plan(load_experiment(write_spec(GRID, replications=3)))
    seeds = {}
    for run in plan.runs:
        seeds.setdefault(run.replicate, set()).add(run.seed)
    assert all(len(s) == 1 for s in seeds.values())
    assert len({s.pop() for s in seeds.values()}) == 3  # replicates differ


def test_replicate_seeds_are_spawned_from_the_master_seed() -> None:
    children = np.random.SeedSequence(2016).spawn(3)
    expected = [int(c.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1)) for c in children]
    assert replicate_seeds(2016, 3) == expected
    assert design_seed(2016) not in expected


def test_more_replications_keep_the_earlier_seeds_and_run_ids(
    write_spec: Callable[..., Path],
) -> None:
    few = make_plan(load_experiment(write_spec(GRID, replications=2, name="few.toml")))
    many = make_plan(load_experiment(write_spec(GRID, replications=5, name="many.toml")))
    kept = [r for r in many.runs if r.replicate < 2]
    assert [(r.run_id, r.seed) for r in kept] == [(r.run_id, r.seed) for r in few.runs]


def test_run_ids_are_unique_stable_and_depend_on_scenario_and_master_seed(
    write_spec: Callable[..., Path],
) -> None:
    ids = [r.run_id for r in make_plan(load_experiment(write_spec(GRID, name="a.toml"))).runs]
    again = [r.run_id for r in make_plan(load_experiment(write_spec(GRID, name="b.toml"))).runs]
    longer = make_plan(load_experiment(write_spec(GRID, years=4, name="c.toml"))).runs
    reseeded = make_plan(load_experiment(write_spec(GRID, seed=12, name="d.toml"))).runs
    assert len(set(ids)) == len(ids)
    assert ids == again
    assert not set(ids) & {r.run_id for r in longer}
    assert not set(ids) & {r.run_id for r in reseeded}


def test_points_repeated_by_a_morris_design_are_run_once(
    write_spec: Callable[..., Path],
) -> None:
    plan = make_plan(load_experiment(write_spec(MORRIS, replications=1)))
    assert len(plan.rows) == 10 * 3
    assert len(plan.points) < len(plan.rows)  # trajectories cross on a 4-level grid
    assert all(plan.points[p] == row for row, p in zip(plan.rows, plan.row_points, strict=True))
    assert len({r.run_id for r in plan.runs}) == len(plan.points)
