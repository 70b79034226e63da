"""Life cycle and nominal coops (R8) on hand-built states."""

from __future__ import annotations

import numpy as np
from handmade import lineage_events, state, year_of

from coopsim.economics.rules import Phase
from coopsim.entities import ACTIVE, DISSOLVED, NO_COOP, NOMINAL
from coopsim.processes import life_cycle
from coopsim.processes.register import register_coops

# fifteen small farms in three villages of five, none in a coop
VILLAGES = [{"land_ha": 10, "livestock_head": 2, "village": v} for v in range(3) for _ in range(5)]


GRANTS = {
    "policy.start_up_grant": 600_000.0,
    "policy.member_grant": 300_000.0,  # with three founders: 500,000 of grants each
    "policy.member_grant_needs_operation": False,
    "behaviour.revision_probability": 1.0,  # every village weighs it (awareness is 1)
}


def test_farms_register_paper_coops_when_the_grants_they_capture_beat_the_cost() -> None:
    # registration costs 1,000,000 (a third each, 333,333): 500,000 of grants pay it
    s = state(VILLAGES, **GRANTS)
    y = year_of(s, log=True)
    life_cycle.register_paper_coops(y)
    nominal = np.flatnonzero(s.coops.status == NOMINAL)
    assert len(nominal) == 3  # one in each village
    assert (s.coops.members[nominal] == 3).all()  # min_founders each
    assert y.events.counts["nominal_registrations"] == 3
    assert [e for e, *_ in lineage_events(y)] == ["registered_nominal"] * 3
    assert y.treasury.by_instrument["start_up_grant"] == 3 * 600_000.0
    assert {r["action"] for r in y.events.decisions} == {"registered on paper"}


def test_without_grants_or_with_enforcement_nobody_registers_a_paper_coop() -> None:
    for values in (
        {**GRANTS, "policy.start_up_grant": 0.0, "policy.member_grant": 0.0},
        # audits with chance 0.3 a year find a paper coop within five years with
        # 1 − 0.7^5 = 0.83: the clawback leaves 500,000 · 0.17 < 333,333
        {**GRANTS, "policy.audit_probability": 0.3},
        # member grants only for operating coops: 200,000 each, less than the cost
        {**GRANTS, "policy.member_grant_needs_operation": True},
    ):
        s = state(VILLAGES, **values)
        life_cycle.register_paper_coops(year_of(s))
        assert len(s.coops) == 0, values


def test_an_administration_short_of_its_target_bears_the_cost_and_pushes_farms_to_register() -> (
    None
):
    # grants of 200,000 each do not pay a cost of 333,333; an administration short of
    # its target of 5 coops, pushing hard (0.8), approaches every village with chance
    # 0.8 and takes on 80 % of the cost: 66,667 each
    values = {
        **GRANTS,
        "policy.start_up_grant": 600_000.0,
        "policy.member_grant_needs_operation": True,
        "behaviour.revision_probability": 0.0,
        "policy.kpi_coops_per_region": 5,
        "policy.kpi_pressure": 0.8,
    }
    s = state(VILLAGES, **values)
    y = year_of(s, seed=1, log=True)
    life_cycle.register_paper_coops(y)
    assert 1 <= (s.coops.status == NOMINAL).sum() <= 3
    assert {r["action"] for r in y.events.decisions} == {"registered under pressure"}
    # at the target, nothing more
    s = state(VILLAGES, **{**values, "policy.kpi_coops_per_region": 0})
    life_cycle.register_paper_coops(year_of(s, seed=1))
    assert len(s.coops) == 0


def test_an_audit_exposes_a_paper_coop_claws_back_its_grants_and_costs_its_village_trust() -> None:
    s = state(VILLAGES, **{**GRANTS, "policy.audit_probability": 1.0})
    y = year_of(s)
    register_coops(y, np.arange(3), np.zeros(3, np.int64), NOMINAL, "registered_nominal")
    s.coops.grants[0] = 900_000.0
    trust = s.farms.trust.copy()
    income = s.farms.income.copy()
    life_cycle.audit(y)
    assert s.coops.status[0] == DISSOLVED and ("struck_off_audit", 0, NO_COOP) in lineage_events(y)
    assert y.treasury.by_instrument["clawback"] == -900_000.0  # all of it (clawback_share 1)
    np.testing.assert_allclose(income[:3] - s.farms.income[:3], 300_000.0)  # a third each
    village = s.farms.village == s.farms.village[0]
    np.testing.assert_allclose(s.farms.trust[village], trust[village] * 0.7)  # loses 30 %
    np.testing.assert_allclose(s.farms.trust[~village], trust[~village])


def nominal_coop(**values: object):
    s = state(VILLAGES[:5], **values)
    y = year_of(s)
    register_coops(y, np.arange(3), np.zeros(3, np.int64), NOMINAL, "registered_nominal")
    return s


def test_a_nominal_coop_starts_operating_when_most_members_would_gain() -> None:
    # A coop without fixed, audit, handling or tax costs and with an assured market worth
    # 5 % of revenue pays each member more than selling alone: it starts operating.
    free = {
        "costs.coop_fixed_cost": 0.0,
        "costs.audit_cost": 0.0,
        "costs.handling_cost": 0.0,
        "costs.coop_tax_rate": 0.0,
    }
    s = nominal_coop(**free)
    y = year_of(s)
    life_cycle.activate_or_drop_nominal(y)
    assert s.coops.status[0] == ACTIVE and ("activated", 0, NO_COOP) in lineage_events(y)


def test_a_nominal_coop_no_member_would_run_is_wound_up_once_the_pressure_is_gone() -> None:
    # 900,000 a year of fixed and audit cost on three small farms: nobody gains
    s = nominal_coop()
    for year in range(3):  # nominal_dissolve_years = 3
        assert s.coops.status[0] == NOMINAL, year
        y = year_of(s)
        life_cycle.activate_or_drop_nominal(y)
    assert s.coops.status[0] == DISSOLVED
    assert ("dissolved_nominal", 0, NO_COOP) in lineage_events(y)
    assert (s.farms.coop == NO_COOP).all() and y.events.counts["dissolutions"] == 1


def test_a_coop_left_with_one_member_is_wound_up() -> None:
    s = state(VILLAGES[:5], coops=[[0, 1], [2, 3]])
    s.farms.coop[1] = NO_COOP
    s.coops.members[0] = 1
    y = year_of(s)
    life_cycle.dissolve_empty(y)
    np.testing.assert_array_equal(s.coops.status, [DISSOLVED, ACTIVE])
    assert s.farms.coop[0] == NO_COOP and s.coops.members[0] == 0
    assert lineage_events(y) == [("dissolved_empty", 0, NO_COOP)]


def test_a_coop_that_stops_growing_goes_through_introspection_to_a_choice() -> None:
    s = state(VILLAGES[:5], coops=[[0, 1, 2]])
    coop = np.zeros(3, np.int64)
    # members gain 1,000 a year each, but the coop does not grow: introspection, a second
    # stalled year in it, then the choice
    for phase in (Phase.INTROSPECTION, Phase.INTROSPECTION, Phase.CHOICE):
        life_cycle.advance_life_cycle(year_of(s), coop, np.full(3, 1_000.0), np.zeros(3, bool))
        assert s.coops.phase[0] == phase
    # in the choice, members who gain but are mostly dissatisfied seek a merger
    life_cycle.advance_life_cycle(year_of(s), coop, np.full(3, 1_000.0), np.ones(3, bool))
    assert s.coops.seeking_merger[0] and s.coops.status[0] == ACTIVE


def test_a_coop_whose_members_lose_exits_when_it_comes_to_the_choice() -> None:
    s = state(VILLAGES[:5], coops=[[0, 1, 2]])
    s.coops.phase[0] = Phase.CHOICE
    y = year_of(s)
    life_cycle.advance_life_cycle(y, np.zeros(3, np.int64), np.full(3, -1.0), np.zeros(3, bool))
    assert s.coops.status[0] == DISSOLVED and (s.farms.coop == NO_COOP).all()
    assert lineage_events(y) == [("dissolved_exit", 0, NO_COOP)]
