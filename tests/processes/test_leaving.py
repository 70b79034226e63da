"""Leaving (R6) and secession (R2) on hand-built coops."""

from __future__ import annotations

import numpy as np
from handmade import lineage_events, state, year_of

from coopsim.entities import ACTIVE, NO_COOP
from coopsim.processes import leaving

# Three large farms (1,000 ha) and three tiny ones (1 ha) in one coop. What they market
# differs a thousandfold, so the coop's heterogeneity H (the coefficient of variation of
# members' value) is about 1 and the governance cost γ·H·N about 6γ. Patronage charges
# the overhead by value: the large farms carry 99.9 % of it.
MIXED = [{"land_ha": 1_000, "livestock_head": 0}] * 3 + [{"land_ha": 1, "livestock_head": 0}] * 3
LARGE = [0, 1, 2]


def mixed_coop(governance: float, **values: object):
    return state(
        MIXED,
        coops=[list(range(6))],
        **{
            "costs.governance_cost": governance,
            "costs.secession_setup_cost": 2_000_000.0,
            "behaviour.secession_samples": 8,
            **values,
        },
    )


def test_without_governance_costs_nobody_secedes() -> None:
    # Alone, the large farms would pay F + c·Q_large in full; inside they pay 99.9 % of
    # F + c·Q: less. A coop of their own cannot be cheaper.
    s = mixed_coop(governance=0.0)
    y = year_of(s, seed=1)
    leaving.secede(y)
    assert (s.farms.coop == 0).all() and y.events.counts["secessions"] == 0


def test_large_members_carrying_the_heterogeneity_cost_split_off() -> None:
    # γ = 400,000: the large farms pay about 0.999 · 6 · 400,000 = 2.4 million a year of
    # governance cost inside; a coop of the three of them has H = 0. Even after the
    # set-up cost spread over five years (400,000 a year) they gain by leaving.
    s = mixed_coop(governance=400_000.0)
    y = year_of(s, seed=1)
    income_before = s.farms.income.copy()
    leaving.secede(y)
    leavers = np.flatnonzero(s.farms.coop != 0)
    assert len(leavers) >= 2 and set(leavers) <= set(LARGE)
    assert y.events.counts["secessions"] == 1 and y.events.counts["exits"] == len(leavers)
    assert s.coops.members[0] == 6 - len(leavers)
    if len(leavers) >= 3:  # min_founders: three found their own coop and pay its set-up
        new = int(s.farms.coop[leavers[0]])
        assert (s.farms.coop[leavers] == new).all() and s.coops.status[new] == ACTIVE
        assert ("seceded_from", new, 0) in lineage_events(y)
        np.testing.assert_allclose(income_before[leavers] - s.farms.income[leavers], 2e6 / 3)
    else:  # two go on alone
        assert (s.farms.coop[leavers] == NO_COOP).all()


def test_a_member_leaves_after_the_set_number_of_bad_years() -> None:
    s = state([{"land_ha": 10}] * 4, coops=[[0, 1, 2, 3]])
    y = year_of(s)
    s.farms.bad_years[:] = [0, 2, 3, 5]  # exit_after_bad_years = 3
    leaves = leaving.decide(y.economy, s.farms, s.scenario.behaviour, np.zeros(4, bool))
    np.testing.assert_array_equal(leaves, [False, False, True, True])
    quitting = np.array([False, False, False, True])  # a farm that quits does not "leave"
    leaves = leaving.decide(y.economy, s.farms, s.scenario.behaviour, quitting)
    np.testing.assert_array_equal(leaves, [False, False, True, False])
    leaving.apply(y, leaves)
    np.testing.assert_array_equal(s.farms.coop, [0, 0, NO_COOP, 0])
    assert s.coops.members[0] == 3 and y.events.counts["exits"] == 1


def test_bad_years_count_up_while_dissatisfied_and_start_again_after_a_good_year() -> None:
    s = state([{"land_ha": 10}] * 2, coops=[[0, 1]])
    y = year_of(s)
    e = y.economy
    s.farms.bad_years[:] = [4, 4]
    # farm 0 earns what it would alone (satisfied); farm 1 earns far less (dissatisfied)
    s.farms.income[:] = [e.payoff_alone[0], e.payoff_alone[1] - 1e9]
    satisfied = leaving.judge_members(s.farms, e, s.scenario.behaviour)
    np.testing.assert_array_equal(s.farms.bad_years, [0, 5])
    np.testing.assert_array_equal(satisfied, [True, False])
