"""Farm exit and land: who quits, and where the land goes."""

from __future__ import annotations

import numpy as np
from handmade import state, year_of
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.entities import NO_COOP
from coopsim.processes import farm_exit

FARMS = [{"land_ha": 10.0 * (i + 1), "livestock_head": 3, "village": i // 3} for i in range(6)]


def test_a_farm_quits_when_outside_income_beats_what_farming_promises() -> None:
    # off-farm income plus rent against 0.9 times the expected farm income; half of such
    # farms quit this year (farm_exit_rate 0.5), by their draw
    s = state(
        FARMS[:3],
        **{
            "market.off_farm_wage": 1_000_000.0,
            "market.land_rent": 0.0,
            "behaviour.farm_exit_threshold": 0.9,
            "behaviour.farm_exit_rate": 0.5,
        },
    )
    s.farms.labour_units[:] = 1.0
    s.farms.expected_income[:] = [1_000_000.0, 1_200_000.0, 2_000_000.0]
    # 1,000,000 > 0.9 · 1,000,000 and > 0.9 · 1,200,000; not > 0.9 · 2,000,000
    draw = np.array([0.4, 0.6, 0.1])
    quits = farm_exit.decide(s.farms, s.scenario.market, s.scenario.behaviour, draw)
    np.testing.assert_array_equal(quits, [True, False, False])


def test_expected_income_follows_this_years_income_with_memory() -> None:
    s = state(FARMS[:2])
    s.farms.expected_income[:] = [100.0, 100.0]
    s.farms.income[:] = [200.0, 0.0]
    s.farms.farming[1] = False
    farm_exit.update_expected_income(s.farms, memory=0.25)
    np.testing.assert_allclose(s.farms.expected_income, [125.0, 0.0])


@settings(max_examples=40, deadline=None)
@given(quitters=st.lists(st.integers(0, 5), unique=True, max_size=5), seed=st.integers(0, 99))
def test_land_of_farms_that_quit_stays_in_their_village_and_herds_go(quitters, seed) -> None:
    s = state(FARMS, coops=[[0, 1], [3, 4, 5]])
    y = year_of(s, seed=seed)
    land_by_village = np.bincount(s.farms.village, weights=s.farms.land_ha)
    quits = np.zeros(6, bool)
    quits[quitters] = True
    farm_exit.apply(y, quits)
    assert not s.farms.farming[quits].any() and (s.farms.coop[quits] == NO_COOP).all()
    assert (s.farms.land_ha[quits] == 0).all() and (s.farms.livestock_head[quits] == 0).all()
    after = np.bincount(s.farms.village, weights=s.farms.land_ha, minlength=2)
    for v in range(2):
        staying = (s.farms.village == v) & s.farms.farming
        # a village keeps its land while somebody there still farms
        assert after[v] == (land_by_village[v] if staying.any() else 0.0)
    assert (np.bincount(s.farms.coop[s.farms.coop >= 0], minlength=2) == s.coops.members).all()
    assert y.events.counts["farm_exits"] == len(quitters)
