"""Money reaches the farms it is meant for, and sampling does not inflate bargaining power."""

from pathlib import Path

import numpy as np
import pytest

from coopsim import CoopModel, Scenario, load_scenario
from coopsim.entities import ACTIVE, PRIMARY
from coopsim.processes.markets import price_year

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def village(**values: object) -> Scenario:
    return load_scenario(SCENARIOS / "village_machinery.toml").with_values({"years": 2, **values})


def test_output_subsidy_paid_through_a_coop_reaches_each_member_per_tonne() -> None:
    # the village pools in its first year and sells through its coop in the second
    plain = CoopModel(spec=village())
    subsidised = CoopModel(spec=village(**{"policy.output_subsidy_livestock": 10_000.0}))
    plain.run()
    subsidised.run()
    np.testing.assert_array_equal(plain.farms.coop, subsidised.farms.coop)
    members = subsidised.economy.member
    assert members.sum() == 8  # the household plots cannot pay in (README, the village)
    # per tonne delivered to the coop (a member that sells some outside gets none on that)
    tonnes = subsidised.economy.output_t[:, 1] * subsidised.economy.delivery * members
    np.testing.assert_allclose(
        subsidised.farms.income - plain.farms.income, 10_000.0 * tonnes, rtol=1e-9
    )
    paid = subsidised.payments_table()
    assert paid.loc[paid.instrument == "output", "paid"].sum() == pytest.approx(
        10_000.0 * tonnes.sum()
    )


def test_member_grant_reaches_each_founder_and_joining_costs_are_charged() -> None:
    costs = village().costs
    plain = CoopModel(spec=village(years=1))
    granted = CoopModel(spec=village(years=1, **{"policy.member_grant": 150_000.0}))
    plain.run()
    granted.run()
    founders = granted.farms.coop >= 0
    assert founders.sum() == 8
    np.testing.assert_allclose(granted.farms.income - plain.farms.income, 150_000.0 * founders)
    # the founding year's income is the payoff alone less equity, switching and a share
    # of the founding cost; the two farms outside earn their payoff alone
    one_off = costs.equity_per_member + costs.switching_cost + costs.founding_cost / 8
    np.testing.assert_allclose(
        plain.farms.income, plain.economy.payoff_alone - one_off * founders, rtol=1e-12
    )


def test_budget_cap_pays_every_claim_the_same_fraction() -> None:
    # a cap of a quarter of what the output subsidy would cost
    full = CoopModel(spec=village(**{"policy.output_subsidy_livestock": 10_000.0}))
    full.run()
    claimed = full.payments_table().query("year == 2017").claimed.sum()
    capped = CoopModel(
        spec=village(
            **{
                "policy.output_subsidy_livestock": 10_000.0,
                "policy.budget": claimed / 4,
            }
        )
    )
    capped.run()
    np.testing.assert_array_equal(full.farms.coop, capped.farms.coop)
    # members' output subsidy is paid a quarter of its claim; others get none
    tonnes = full.economy.output_t[:, 1] * full.economy.member
    gained = capped.farms.income - (full.farms.income - 10_000.0 * tonnes)
    np.testing.assert_allclose(gained, 10_000.0 * tonnes / 4, rtol=1e-9)
    assert capped.treasury.paid <= claimed / 4


def test_a_coops_share_of_regional_volume_is_in_real_units_when_sampled() -> None:
    # the same farms and coops, standing once for themselves and once for 100 times as
    # many: each simulated coop then stands for 100 coops, each with 1/100 of the share
    base = Scenario().with_values(
        {
            "population.farms": 2_000,
            "population.initial_membership_rate": 0.5,
            "behaviour.exit_after_bad_years": 50,  # the members stay: many coops to compare
        }
    )
    model = CoopModel(spec=base)
    sampled = base.with_values({"population.farms": 200_000}).with_values(
        {"population.simulated_farms": 2_000}
    )
    shock = np.ones((base.population.regions, 2))
    one = price_year(base, 2016, model.farms, model.coops, shock, scale=1.0)
    hundred = price_year(sampled, 2016, model.farms, model.coops, shock, scale=100.0)
    active = (model.coops.status == ACTIVE) & (model.coops.tier == PRIMARY)
    assert active.sum() > 10
    np.testing.assert_allclose(hundred.coop_share[active], one.coop_share[active] / 100)
    # while all coops together still market the same share of each region
    np.testing.assert_allclose(hundred.region_coop_share, one.region_coop_share)
