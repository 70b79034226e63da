"""The no-programme baseline: every payment at zero in every year, paired run by run."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopsim import load_scenario, sized
from coopsim.experiments.arms import Arm
from coopsim.experiments.baseline import NO_PROGRAMME, PAYMENT_LEVERS, no_programme, run_headlines

KAZAKHSTAN = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"


def test_the_baseline_sets_every_payment_to_zero_in_every_year_and_keeps_the_rest():
    kazakhstan = load_scenario(KAZAKHSTAN)
    baseline = no_programme(kazakhstan).scenario(kazakhstan)
    assert no_programme(kazakhstan).name == NO_PROGRAMME
    for year in range(kazakhstan.start_year, kazakhstan.end_year + 1):
        policy = baseline.policy_in(year)
        for lever, value in PAYMENT_LEVERS.items():
            assert getattr(policy, lever) == value, (year, lever)
        # campaigns, KPIs, audits and the budget are the scenario's
        kept = kazakhstan.policy_in(year)
        for lever in ("kpi_pressure", "campaign", "audit_probability", "budget"):
            assert getattr(policy, lever) == getattr(kept, lever)
    # the schedule's grant of 2017 is gone from the baseline, not only the start value
    assert kazakhstan.policy_in(2017).member_grant == 100_000


@pytest.fixture(scope="module")
def small_kazakhstan():
    return sized(load_scenario(KAZAKHSTAN), farms=500).with_values({"years": 4})


def test_runs_through_the_experiments_engine_pay_nothing_in_the_baseline(small_kazakhstan):
    found = run_headlines(small_kazakhstan, runs=2, seed=11)
    results = found.comparison.results
    assert set(results["arm"]) == {small_kazakhstan.name, NO_PROGRAMME}
    assert (results.loc[results["arm"] == NO_PROGRAMME, "subsidy_paid"] == 0).all()
    # replicate r of both arms has the same seed
    seeds = results.groupby("arm")["seed"].unique()
    assert [list(s) for s in seeds] == [list(seeds.iloc[0])] * 2
    assert found.headlines[small_kazakhstan.name].runs == 2


def test_the_same_scenario_and_seed_give_the_same_headline(small_kazakhstan):
    first = run_headlines(small_kazakhstan, runs=2, seed=5)
    again = run_headlines(small_kazakhstan, runs=2, seed=5)
    assert first.headlines == again.headlines
    other = run_headlines(small_kazakhstan, runs=2, seed=6)
    assert other.comparison.seeds != first.comparison.seeds


def test_an_arm_cannot_take_the_baselines_name(small_kazakhstan):
    with pytest.raises(ValueError, match="no programme"):
        run_headlines(small_kazakhstan, [Arm(NO_PROGRAMME)], runs=1)
