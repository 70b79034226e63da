"""The lever audit: every lever tried low and high, its effect measured on common seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopsim import load_scenario
from coopsim.experiments.lever_audit import OUTCOMES, audit, held, inert, trials
from coopsim.levers import levers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def village():
    return load_scenario(ROOT / "scenarios" / "village_machinery.toml").with_values({"years": 4})


@pytest.fixture(scope="module")
def village_audit(village):
    return audit(village, replicates=2, seed=3)


def test_every_policy_and_market_lever_is_tried(village) -> None:
    tried = {t.lever for t in trials(village)}
    every = {f"{s}.{n}" for s in ("policy", "market") for n in levers(s)}
    assert tried == every


def test_a_lever_is_held_in_every_year_and_its_schedule_dropped() -> None:
    kz = load_scenario(ROOT / "scenarios" / "kazakhstan_2016.toml")
    assert kz.policy_in(2017).member_grant == 100_000  # scheduled
    fixed = held(kz, {"policy.member_grant": 7.0, "market.off_farm_wage": 1.0})
    assert {fixed.policy_in(y).member_grant for y in range(2016, 2031)} == {7.0}
    assert fixed.policy_in(2017).kpi_pressure == 0.3  # other changes of that year stay
    assert fixed.market_in(2025).off_farm_wage == 1.0


def test_levers_that_act_only_with_another_are_tried_with_it(village) -> None:
    by_lever = {t.lever: t for t in trials(village)}
    assert by_lever["policy.credit_grace_years"].needs.keys() == {"policy.credit_rate"}
    assert "policy.audit_probability" in by_lever["policy.clawback_share"].needs


def test_the_audit_reports_each_levers_effect_with_its_band(village_audit) -> None:
    table = village_audit
    assert set(table.outcome) == set(OUTCOMES)
    assert (table.band_low <= table.difference).all() and (
        table.difference <= table.band_high
    ).all()
    credit = table[(table.lever == "policy.member_credit") & (table.level == "high")]
    # concessional credit lets the household plots pay in: more members in every replicate
    assert credit.set_index("outcome").at["members", "band_low"] >= 1
    assert "policy.member_credit" not in inert(table)
    # nothing in this village changes with a merger subsidy: it has one coop
    assert "policy.merger_subsidy" in inert(table)
