"""Cost sharing (R3) and voice (R6) on a hand-built coop."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from handmade import lineage_events, state, year_of

from coopsim.entities import PATRONAGE, SHAPLEY
from coopsim.processes.cost_sharing import decide_deliveries, give_voice, share_costs

# one large farm and three small ones: patronage charges the fixed cost by value, so the
# small ones pay little of it; the Shapley value splits it equally among the four
FARMS = [{"land_ha": 400, "livestock_head": 0}] + [{"land_ha": 5, "livestock_head": 0}] * 3
MEMBERS = np.arange(4)


def coop(rule: int):
    s = state(FARMS, coops=[[0, 1, 2, 3]])
    s.coops.rule[0] = rule
    return s


@pytest.mark.parametrize("rule", [PATRONAGE, SHAPLEY])
def test_members_shares_add_up_to_the_coops_cost_under_either_rule(rule: int) -> None:
    s = coop(rule)
    y = year_of(s)
    assert y.economy.cost_share.sum() == pytest.approx(y.economy.coop_cost.total[0], rel=1e-12)


def test_the_small_members_pay_more_of_the_fixed_cost_under_shapley() -> None:
    patronage, shapley = year_of(coop(PATRONAGE)), year_of(coop(SHAPLEY))
    assert (shapley.economy.cost_share[1:] > patronage.economy.cost_share[1:]).all()
    assert shapley.economy.cost_share[0] < patronage.economy.cost_share[0]


def test_a_dissatisfied_majority_votes_for_the_rule_under_which_it_pays_less() -> None:
    s = coop(SHAPLEY)
    y = year_of(s)
    give_voice(y, MEMBERS, np.zeros(4, np.int64), np.ones(4, bool))
    assert s.coops.rule[0] == PATRONAGE  # three of four pay less by patronage
    assert lineage_events(y) == [("rule_changed_to_patronage", 0, -1)]


def test_the_rule_stays_when_the_majority_would_pay_more_under_the_other() -> None:
    s = coop(PATRONAGE)
    y = year_of(s)
    give_voice(y, MEMBERS, np.zeros(4, np.int64), np.ones(4, bool))
    assert s.coops.rule[0] == PATRONAGE and y.events.counts["rule_changes"] == 0


def test_a_satisfied_coop_does_not_vote() -> None:
    s = coop(SHAPLEY)
    y = year_of(s)
    give_voice(y, MEMBERS, np.zeros(4, np.int64), np.array([True, True, False, False]))
    assert s.coops.rule[0] == SHAPLEY  # half is not more than half


def test_share_costs_fills_in_members_payoffs_in_money_and_the_value_of_the_outlet_apart() -> None:
    s = coop(PATRONAGE)
    y = year_of(s)
    e = y.economy
    share_costs(e, s.coops, np.random.default_rng(0), s.scenario.behaviour)
    np.testing.assert_allclose(e.payoff_member, e.revenue_member - e.production_cost - e.cost_share)
    # the assured outlet is worth 5 % of what goes through the coop, and is not money
    np.testing.assert_allclose(e.assured_value, 0.05 * e.revenue_member)


def test_a_member_sells_part_outside_when_outside_buyers_pay_more_than_the_coop_nets() -> None:
    # with no bargaining premium the coop's price is the outside price; its overhead of
    # 900,000 a year and 6 % of turnover makes it net less: members side-sell 10 % next year
    s = coop(PATRONAGE)
    y = year_of(s)
    decide_deliveries(y)
    np.testing.assert_allclose(s.farms.delivery, 0.9)
    # next year the coop's price applies to 90 %, the outside price to the rest
    again = year_of(s)
    e = again.economy
    through = 0.9 * (e.output_t * e.coop_price[0]).sum(axis=1)
    np.testing.assert_allclose(e.revenue_member, through + 0.1 * e.revenue_alone)
    # and the coop's overhead falls on 90 % of the value it marketed the year before
    np.testing.assert_allclose(e.coop_group.value[0], 0.9 * y.economy.coop_group.value[0])
    # a coop whose members net more through it than outside keeps their deliveries
    rich = state(
        FARMS,
        coops=[[0, 1, 2, 3]],
        **{
            "market.bargaining_premium": 3.0,  # the coop gets the buyers' own price
            "market.yardstick": 0.0,  # and outside buyers pay the base price
            "costs.coop_fixed_cost": 0.0,
            "costs.audit_cost": 0.0,
        },
    )
    decide_deliveries(year_of(rich))
    np.testing.assert_allclose(rich.farms.delivery, 1.0)


def test_pricing_the_coops_in_small_batches_gives_the_tables_of_one_call(monkeypatch) -> None:
    # Germany's coops (up to 32 members) share by the Shapley value when their members
    # vote for it: some are priced exactly, some from sampled orders. Batches of a few
    # coops each must give the shares of one call, so the same tables.
    from pathlib import Path

    from coopsim import CoopModel, load_scenario, sized
    from coopsim.processes import cost_sharing

    scenario = sized(
        load_scenario(Path(__file__).parents[2] / "scenarios" / "germany_1950.toml"), farms=3_000
    ).with_values({"years": 4})
    whole = CoopModel(spec=scenario, rng=3).run()
    monkeypatch.setattr(cost_sharing, "EXACT_BATCH", 2**6)
    monkeypatch.setattr(cost_sharing, "SAMPLED_BATCH", 64 * 12)
    calls = []
    priced = cost_sharing._shapley_batch
    monkeypatch.setattr(
        cost_sharing, "_shapley_batch", lambda *a, **k: calls.append(1) or priced(*a, **k)
    )
    batched = CoopModel(spec=scenario, rng=3).run()
    assert len(calls) > 20  # it did cut the calls into batches
    pd.testing.assert_frame_equal(batched, whole)
