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


def test_kpi_pressure_registers_the_shortfall_on_paper_one_coop_a_village() -> None:
    s = state(
        VILLAGES,
        **{
            "policy.kpi_coops_per_region": 2,
            "policy.kpi_pressure": 1.0,
            "policy.start_up_grant": 1_000.0,
            "policy.member_grant": 500.0,
            "policy.member_grant_needs_operation": True,
        },
    )
    y = year_of(s)
    life_cycle.register_under_pressure(y)
    nominal = np.flatnonzero(s.coops.status == NOMINAL)
    assert len(nominal) == 2  # the target of 2, none registered yet, full pressure
    assert len(set(s.coops.village[nominal])) == 2  # in two different villages
    assert (s.coops.members[nominal] == 3).all()  # min_founders each
    assert (np.bincount(s.farms.coop[s.farms.coop >= 0]) == 3).all()
    assert y.events.counts["nominal_registrations"] == 2
    assert [e for e, *_ in lineage_events(y)] == ["registered_nominal"] * 2
    # the start-up grants are paid; member grants wait until the coop operates
    assert y.treasury.by_instrument["start_up_grant"] == 2_000.0
    assert y.treasury.by_instrument["member_grant"] == 0.0
    # a second year of pressure registers nothing more: the target is met
    life_cycle.register_under_pressure(year_of(s))
    assert (s.coops.status == NOMINAL).sum() == 2


def test_no_registration_without_pressure() -> None:
    s = state(VILLAGES, **{"policy.kpi_coops_per_region": 2, "policy.kpi_pressure": 0.0})
    life_cycle.register_under_pressure(year_of(s))
    assert len(s.coops) == 0


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
