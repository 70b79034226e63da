"""Joining and founding (R1) carried out on a hand-built village."""

from __future__ import annotations

import numpy as np
from handmade import lineage_events, state, year_of

from coopsim.entities import ACTIVE, NO_COOP
from coopsim.processes import joining

VILLAGE = [{"land_ha": 20, "livestock_head": 5}] * 5


def test_joiners_enter_founders_register_and_each_pays_and_receives_what_is_due() -> None:
    s = state(
        VILLAGE,
        coops=[[0, 1]],
        **{"policy.member_grant": 10_000.0, "policy.start_up_grant": 30_000.0},
    )
    y = year_of(s, log=True)
    income = s.farms.income.copy()
    choices = joining.JoinChoices.empty(5)
    choices.join[2] = 0  # farm 2 joins coop 0
    choices.founds[[3, 4]] = True  # farms 3 and 4 found a coop of their own
    choices.considered[[2, 3, 4]] = True
    joining.apply(y, choices)
    assert s.farms.coop.tolist() == [0, 0, 0, 1, 1]
    assert s.coops.members.tolist() == [3, 2] and s.coops.status[1] == ACTIVE
    assert ("founded", 1, NO_COOP) in lineage_events(y)
    costs = s.scenario.costs
    join_cost = costs.equity_per_member + costs.switching_cost  # 100,000 + 50,000
    # the joiner: its grant less its joining cost
    assert s.farms.income[2] - income[2] == 10_000.0 - join_cost
    # each founder: member grant plus half the start-up grant, less joining cost and half
    # the founding cost (1,000,000)
    np.testing.assert_allclose(
        s.farms.income[[3, 4]] - income[[3, 4]], 10_000 + 15_000 - join_cost - 500_000
    )
    assert s.coops.capital[0] == 100_000.0 and s.coops.capital[1] == 200_000.0
    assert [r["action"] for r in y.events.decisions] == ["joined", "founded", "founded"]
    assert [r["grant"] for r in y.events.decisions] == [10_000.0, 25_000.0, 25_000.0]


def test_a_farm_that_weighed_its_options_and_stayed_is_logged_with_its_best_option() -> None:
    s = state(VILLAGE, coops=[[0, 1]])
    y = year_of(s, log=True)
    choices = joining.JoinChoices.empty(5)
    choices.considered[4] = True
    choices.option[4] = 0
    choices.gain[4] = -123.0
    joining.apply(y, choices)
    (row,) = y.events.decisions
    assert (row["action"], row["farm"], row["coop"], row["gain"]) == ("stayed alone", 4, 0, -123.0)
