"""Policy arms: run through the sweep's seeds, ids and executor, on common random numbers."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

from coopsim import ScenarioError, load_scenario, sized
from coopsim.experiments.arms import (
    KEY_COLUMNS,
    Arm,
    Edit,
    horizon_differences,
    plan_arms,
    run_arms,
)
from coopsim.experiments.executor import Sequential
from coopsim.experiments.runner import RunResult, RunTask, run_one
from coopsim.experiments.seeds import replicate_seeds
from coopsim.posterior import draw_parameters, parameter_keys

KAZAKHSTAN = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"


@pytest.fixture(scope="module")
def small():
    return sized(load_scenario(KAZAKHSTAN), farms=600).with_values({"years": 5})


def without_arm(results: pd.DataFrame, arm: str) -> pd.DataFrame:
    return results[results.arm == arm].drop(columns="arm").reset_index(drop=True)


def test_replicate_seeds_are_the_sweeps_and_the_same_in_every_arm(small):
    arms = [Arm("a"), Arm("b", (Edit("member_grant", 0.0, 2018),))]
    planned = plan_arms(small, arms, replicates=3, seed=7)
    seeds = replicate_seeds(7, 3)
    for name in ("a", "b"):
        runs = [run for run in planned if run.arm == name]
        assert [run.replicate for run in runs] == [0, 1, 2]
        assert [run.task.seed for run in runs] == seeds
    assert len({run.task.run_id for run in planned}) == 6


def test_an_arm_run_is_run_one_of_its_scenario_and_seed(small):
    arm = Arm("grant", (Edit("member_grant", 250_000.0, 2017),))
    comparison = run_arms(small, [arm], replicates=2, seed=3)
    seed = replicate_seeds(3, 2)[1]
    alone = run_one(RunTask("check", arm.scenario(small).model_dump(), {}, seed))
    assert alone.ok, alone.error
    replicate = comparison.results[comparison.results.replicate == 1]
    assert (replicate["seed"] == seed).all()
    got = replicate.drop(columns=["arm", "replicate", "seed"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(got, alone.table)


def test_arms_with_identical_edits_give_identical_tables_and_share_their_runs(small):
    edit = (Edit("kpi_pressure", 0.0, 2016),)
    planned = plan_arms(small, [Arm("a", edit), Arm("b", edit)], replicates=2, seed=5)
    assert len({run.task.run_id for run in planned}) == 2  # one run per replicate
    results = run_arms(small, [Arm("a", edit), Arm("b", edit)], replicates=2, seed=5).results
    assert without_arm(results, "a").equals(without_arm(results, "b"))


def test_arms_that_hold_the_same_policy_differently_draw_the_same_numbers(small):
    # b holds the KPI pressure the file sets for 2017 on, dropping its later change: the
    # scenarios differ, so the runs are separate, but until 2020 they hold the same policy
    arms = [Arm("a"), Arm("b", (Edit("kpi_pressure", 0.3, 2017),))]
    planned = plan_arms(small, arms, replicates=2, seed=5)
    assert len({run.task.run_id for run in planned}) == 4
    results = run_arms(small, arms, replicates=2, seed=5).results
    a, b = without_arm(results, "a"), without_arm(results, "b")
    assert a.equals(b)
    r0, r1 = (a[a.replicate == r].drop(columns=["replicate", "seed"]) for r in (0, 1))
    assert not r0.reset_index(drop=True).equals(r1.reset_index(drop=True))


def test_differences_at_the_horizon_are_paired_by_replicate(small):
    arms = [Arm("as set"), Arm("no KPI", (Edit("kpi_pressure", 0.0, 2016),))]
    comparison = run_arms(small, arms, replicates=3, seed=1)
    results = comparison.results
    table = comparison.differences.set_index(["column", "arm"])
    last = results[results.year == 2020].set_index(["arm", "replicate"])
    paired = last.loc["no KPI", "coops_nominal"] - last.loc["as set", "coops_nominal"]
    row = table.loc[("coops_nominal", "no KPI")]
    assert row["difference"] == pytest.approx(paired.mean())
    assert (row["low"], row["high"]) == (paired.min(), paired.max())
    assert row["mean"] == pytest.approx(last.loc["no KPI", "coops_nominal"].mean())
    assert table.loc[("coops_nominal", "as set"), "difference"] == 0.0
    pd.testing.assert_frame_equal(comparison.differences, horizon_differences(results))


def test_progress_is_reported_after_each_run(small):
    seen: list[float] = []
    arms = [Arm("a"), Arm("b", (Edit("member_grant", 0.0, 2018),))]
    run_arms(small, arms, replicates=2, seed=0, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]


def test_cancellation_stops_between_runs(small):
    cancel = threading.Event()
    arms = [Arm("a"), Arm("b", (Edit("member_grant", 0.0, 2018),))]

    def after_each(share: float) -> None:
        if share >= 0.5:  # two runs of four done
            cancel.set()

    comparison = run_arms(small, arms, replicates=2, seed=0, progress=after_each, cancel=cancel)
    done = comparison.results.groupby(["arm", "replicate"]).size()
    assert list(done.index) == [("a", 0), ("a", 1)]
    assert comparison.errors == []
    nothing = run_arms(small, arms, replicates=2, seed=0, cancel=cancel)
    assert nothing.results.empty


def test_a_failed_run_is_reported_as_an_error_of_its_arm(small, monkeypatch):
    first = plan_arms(small, [Arm("a")], replicates=2, seed=0)[0].task.run_id

    def flaky(task: RunTask) -> RunResult:
        if task.run_id == first:
            return RunResult(task.run_id, None, "MemoryError: out of memory")
        return run_one(task)

    monkeypatch.setattr("coopsim.experiments.executor.run_one", flaky)
    comparison = run_arms(small, [Arm("a")], replicates=2, seed=0, executor=Sequential())
    assert comparison.errors == ["a, replicate 0: MemoryError: out of memory"]
    assert set(comparison.results.replicate) == {1}


def test_an_edit_out_of_range_fails_before_any_run(small):
    with pytest.raises(ScenarioError, match="kpi_pressure"):
        run_arms(small, [Arm("bad", (Edit("kpi_pressure", 7.0, 2018),))], replicates=1, seed=0)


def test_with_model_uncertainty_replicate_r_of_every_arm_runs_draw_r_on_its_seed(small):
    arms = [Arm("a"), Arm("b", (Edit("member_grant", 0.0, 2018),))]
    planned = plan_arms(small, arms, replicates=3, seed=7, model_uncertainty=True)
    draws = draw_parameters(3, seed=7)
    for name in ("a", "b"):
        runs = [run for run in planned if run.arm == name]
        assert [run.task.values for run in runs] == draws
        assert [run.task.seed for run in runs] == replicate_seeds(7, 3)
    assert len({tuple(d.items()) for d in draws}) > 1  # the replicates' parameters differ


def test_runs_with_model_uncertainty_have_other_ids_than_seeds_only_and_share_like_them(small):
    edit = (Edit("kpi_pressure", 0.0, 2016),)
    arms = [Arm("a", edit), Arm("b", edit)]
    seeds_only = plan_arms(small, arms, replicates=2, seed=5)
    uncertain = plan_arms(small, arms, replicates=2, seed=5, model_uncertainty=True)
    ids = {run.task.run_id for run in uncertain}
    assert len(ids) == 2  # identical arms still share one run per replicate
    assert ids.isdisjoint(run.task.run_id for run in seeds_only)


def test_a_run_with_model_uncertainty_is_run_one_of_its_scenario_draw_and_seed(small):
    arm = Arm("grant", (Edit("member_grant", 250_000.0, 2017),))
    comparison = run_arms(small, [arm], replicates=2, seed=3, model_uncertainty=True)
    draws = draw_parameters(2, seed=3)
    assert comparison.model_uncertainty
    assert comparison.draws == draws
    assert comparison.seeds == replicate_seeds(3, 2)
    seed = comparison.seeds[1]
    alone = run_one(RunTask("check", arm.scenario(small).model_dump(), draws[1], seed))
    assert alone.ok, alone.error
    replicate = comparison.results[comparison.results.replicate == 1].reset_index(drop=True)
    keys = parameter_keys()
    assert list(replicate.columns[:3]) == ["arm", "replicate", "seed"]
    assert list(replicate.columns[3 : 3 + len(keys)]) == keys
    for key in keys:  # the run's parameters are in its rows, for whoever downloads them
        assert (replicate[key] == draws[1][key]).all()
    got = replicate.drop(columns=["arm", "replicate", "seed", *keys])
    pd.testing.assert_frame_equal(got, alone.table)


def test_a_comparison_with_model_uncertainty_is_reproducible(small):
    arms = [Arm("as set"), Arm("no KPI", (Edit("kpi_pressure", 0.0, 2016),))]
    first = run_arms(small, arms, replicates=2, seed=9, model_uncertainty=True)
    again = run_arms(small, arms, replicates=2, seed=9, model_uncertainty=True)
    assert first.draws == again.draws
    pd.testing.assert_frame_equal(first.results, again.results)
    pd.testing.assert_frame_equal(first.differences, again.differences)


def test_model_uncertainty_changes_the_runs_and_their_spread_on_the_same_seeds(small):
    seeds_only = run_arms(small, [Arm("a")], replicates=3, seed=5)
    uncertain = run_arms(small, [Arm("a")], replicates=3, seed=5, model_uncertainty=True)
    assert not seeds_only.model_uncertainty
    assert seeds_only.draws == []
    assert not set(parameter_keys()) & set(seeds_only.results.columns)
    assert uncertain.seeds == seeds_only.seeds
    model = uncertain.results.drop(columns=parameter_keys())
    # the same seeds with other parameters: the runs are not the seeds-only runs, and the
    # spread over replicates at the horizon changes (with three replicates it need not widen)
    assert not model.equals(seeds_only.results)

    def spread(results: pd.DataFrame) -> pd.Series:
        last = results[results.year == results.year.max()]
        return last[list(KEY_COLUMNS)].max() - last[list(KEY_COLUMNS)].min()

    assert not spread(model).equals(spread(seeds_only.results))
