"""Federation on hand-built coops: unions form where they pay, and are wound up."""

from __future__ import annotations

import numpy as np
from handmade import lineage_events, state, year_of

from coopsim.entities import ACTIVE, DISSOLVED, NO_COOP, REGIONAL_UNION
from coopsim.processes.federation import bargaining_share, federate, in_central

# Three coops of two equal farms: each markets a third of the region. In a union a coop
# bargains with half (union_bargaining) of the union's share, 1/2 instead of 1/3.
FARMS = [{"land_ha": 100, "livestock_head": 0}] * 6
COOPS = [[0, 1], [2, 3], [4, 5]]


def three_coops(union_cost: float, **values: object):
    return state(
        FARMS,
        coops=COOPS,
        **{
            "market.bargaining_premium": 0.15,
            "federation.union_cost_per_coop": union_cost,
            "federation.union_min_coops": 3,
            **values,
        },
    )


def test_coops_found_a_union_when_bargaining_together_pays_its_charge() -> None:
    # each coop's revenue at base prices: 2 farms · 100 ha · 1.2 t · 50,000 · 0.8 = 9.6 M;
    # the union lifts its share by 1/2 − 1/3, worth 9.6 M · 0.15 · 1/6 = 240,000 a year
    s = three_coops(union_cost=200_000.0)
    y = year_of(s)
    federate(y)
    unions = np.flatnonzero(s.coops.tier == REGIONAL_UNION)
    assert len(unions) == 1 and s.coops.status[unions[0]] == ACTIVE
    np.testing.assert_array_equal(s.coops.union[:3], [unions[0]] * 3)
    assert s.coops.members[unions[0]] == 3
    assert ("union_founded", int(unions[0]), NO_COOP) in lineage_events(y)


def test_no_union_when_its_charge_exceeds_what_it_brings() -> None:
    s = three_coops(union_cost=250_000.0)  # more than the 240,000 it brings
    federate(year_of(s))
    assert not (s.coops.tier == REGIONAL_UNION).any()
    assert (s.coops.union == NO_COOP).all()


def test_a_union_left_by_its_coops_is_wound_up() -> None:
    s = three_coops(union_cost=200_000.0)
    federate(year_of(s))
    union = int(np.flatnonzero(s.coops.tier == REGIONAL_UNION)[0])
    # the charge rises: next year no coop stays, and the union has no coop left
    s.scenario = s.scenario.with_values({"federation.union_cost_per_coop": 1e9})
    y = year_of(s)
    federate(y)
    assert s.coops.status[union] == DISSOLVED
    assert ("union_dissolved", union, NO_COOP) in lineage_events(y)
    assert (s.coops.union[:3] == NO_COOP).all()


def test_a_coop_bargains_with_its_share_or_its_unions_whichever_is_larger() -> None:
    s = three_coops(union_cost=0.0)
    federate(year_of(s))
    share = np.array([1 / 3, 1 / 3, 1 / 3, 0.0])
    np.testing.assert_allclose(bargaining_share(s.coops, share, 0.5, 1.0)[:3], 0.5)
    np.testing.assert_allclose(bargaining_share(s.coops, share, 0.2, 1.0)[:3], 1 / 3)
    assert not in_central(s.coops).any()  # no central tier in this scenario
