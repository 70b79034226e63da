"""Farm exit and land: who leaves farming, and where the land goes."""

from __future__ import annotations

import numpy as np
from handmade import state, year_of
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.economics import rules
from coopsim.entities import NO_COOP
from coopsim.processes import farm_exit

FARMS = [{"land_ha": 10.0 * (i + 1), "livestock_head": 3, "village": i // 3} for i in range(6)]


def three_farms(**values: object):
    s = state(
        FARMS[:3],
        **{
            "market.off_farm_wage": 1_000_000.0,
            "market.land_rent": 0.0,
            "behaviour.review_years": 20.0,
            **values,
        },
    )
    s.farms.labour_units[:] = 1.0
    s.farms.household_labour[:] = 1.0
    return s


def test_at_a_review_a_farm_leaves_when_the_wage_beats_farming() -> None:
    # a farm weighs going on once every 20 years; the farm's job is worth 1,000,000 off
    # the farm; the farms expect 900,000, 1,200,000 and 800,000
    s = three_farms()
    s.farms.expected_income[:] = [900_000.0, 1_200_000.0, 800_000.0]
    # in the first year the cycle turns over for phases of 0.95 and more (0.95 + 1/20 = 1)
    s.farms.review_phase[:] = [0.96, 0.99, 0.88]  # the third farm turns over in year 3
    e = year_of(s).economy
    args = (s.farms, e, s.scenario.market, s.scenario.costs, s.scenario.behaviour)
    np.testing.assert_array_equal(farm_exit.decide(*args, 0), [True, False, False])
    # two years later the third farm weighs going on; the first has its next review in 2039
    np.testing.assert_array_equal(farm_exit.decide(*args, 2), [False, False, True])
    np.testing.assert_array_equal(farm_exit.decide(*args, 20), [True, False, False])


def test_reviews_come_once_every_review_years_at_each_farms_phase() -> None:
    # every 2.5 years: a farm at phase 0 turns over after years 2.5, 5, 7.5 … i.e. in the
    # years with 0-based index 2, 4, 7, 9
    due = [rules.review_due(np.array([0.0]), t, 2.5)[0] for t in range(10)]
    assert [t for t, d in enumerate(due) if d] == [2, 4, 7, 9]
    assert rules.review_due(np.array([0.6]), 0, 2.5)[0]  # 0.6 + 0.4 = 1: in the first year


@settings(max_examples=50, deadline=None)
@given(
    review_years=st.floats(1.0, 40.0),
    phase=st.floats(0.0, 0.999999),
    years=st.integers(1, 120),
)
def test_a_farm_reviews_once_per_cycle(review_years: float, phase: float, years: int) -> None:
    reviews = sum(rules.review_due(np.array([phase]), t, review_years)[0] for t in range(years))
    expected = years / review_years
    assert expected - 1 <= reviews <= expected + 1


def test_labour_saving_technology_keeps_a_farm_going_part_time() -> None:
    # with half the labour the farm's work is worth 500,000 off it: farming at 900,000 pays
    s = three_farms(**{"market.labour_index": 0.5})
    s.farms.expected_income[:] = 900_000.0
    e = year_of(s).economy
    args = (s.farms, e, s.scenario.market, s.scenario.costs, s.scenario.behaviour)
    s.farms.review_phase[:] = 0.99  # every farm at a review
    assert not farm_exit.decide(*args, 0).any()
    # the household's other half job earns 500,000 off the farm
    np.testing.assert_allclose(
        farm_exit.off_farm_income(s.farms, s.scenario.market, s.scenario.costs), 500_000.0
    )


def test_a_farm_that_has_used_up_its_savings_and_credit_gives_up_in_any_year() -> None:
    s = three_farms(**{"market.credit_per_ha": 1_000.0})
    s.farms.expected_income[:] = 5_000_000.0  # farming pays, and no review comes
    s.farms.review_phase[:] = 0.0
    s.farms.cash[:] = [-5_000.0, -15_000.0, -25_000.0]  # credit: 10,000, 20,000, 30,000
    e = year_of(s).economy
    args = (s.farms, e, s.scenario.market, s.scenario.costs, s.scenario.behaviour)
    np.testing.assert_array_equal(farm_exit.decide(*args, 0), [False, False, False])
    s.farms.cash[:] = [-15_000.0, -15_000.0, -35_000.0]
    np.testing.assert_array_equal(farm_exit.decide(*args, 0), [True, False, True])


def test_a_household_saves_part_of_a_good_year_and_pays_all_of_a_loss() -> None:
    s = three_farms()
    s.farms.cash[:] = 100.0
    farm_exit.save(s.farms, s.scenario.behaviour, np.array([1_000.0, -300.0, 0.0]))
    np.testing.assert_allclose(s.farms.cash, [100.0 + 0.2 * 1_000.0, -200.0, 100.0])


def test_expected_income_follows_this_years_income_with_memory() -> None:
    s = state(FARMS[:2])
    s.farms.expected_income[:] = [100.0, 100.0]
    s.farms.income[:] = [200.0, 0.0]
    s.farms.farming[1] = False
    farm_exit.update_expected_income(s.farms, memory=0.25)
    np.testing.assert_allclose(s.farms.expected_income, [125.0, 0.0])


def test_a_farm_bids_for_land_what_a_hectare_more_earns_it_over_the_rent() -> None:
    # a hectare: 1.2 t at the price alone (50,000 less a 20 % margin: 40,000) = 48,000,
    # less seed and the like 18,000, tillage 8,000, harvest 7,000, haulage 1.2 · 2,500;
    # 12,000 over a rent of 2,000 is 10,000
    s = state(FARMS[:2])
    y = year_of(s)
    bids = farm_exit.land_bids(s.farms, y.economy, s.scenario.costs, s.scenario.market)
    np.testing.assert_allclose(bids, 48_000 - 18_000 - 8_000 - 7_000 - 3_000 - 2_000)


def test_land_nobody_bids_for_lies_idle() -> None:
    s = state(FARMS[:3], **{"market.land_rent": 100_000.0})  # more than a hectare earns
    y = year_of(s)
    quits = np.array([True, False, False])
    farm_exit.apply(y, quits)
    assert s.farms.land_ha[1:].tolist() == [20.0, 30.0] and s.farms.land_ha[0] == 0.0
    assert s.farms.rented_ha.sum() == 0.0


@settings(max_examples=40, deadline=None)
@given(quitters=st.lists(st.integers(0, 5), unique=True, max_size=5), seed=st.integers(0, 99))
def test_land_of_farms_that_quit_stays_in_their_village_rented_with_its_labour_and_stock(
    quitters, seed
) -> None:
    s = state(FARMS, coops=[[0, 1], [3, 4, 5]])
    y = year_of(s, seed=seed)
    land_by_village = np.bincount(s.farms.village, weights=s.farms.land_ha)
    stock_per_ha = s.farms.livestock_head / s.farms.land_ha
    quits = np.zeros(6, bool)
    quits[quitters] = True
    farm_exit.apply(y, quits)
    assert not s.farms.farming[quits].any() and (s.farms.coop[quits] == NO_COOP).all()
    assert (s.farms.land_ha[quits] == 0).all() and (s.farms.livestock_head[quits] == 0).all()
    after = np.bincount(s.farms.village, weights=s.farms.land_ha, minlength=2)
    for v in range(2):
        staying = (s.farms.village == v) & s.farms.farming
        # a village keeps its land while somebody there still farms (everyone bids here)
        assert after[v] == (land_by_village[v] if staying.any() else 0.0)
    # what a farm took over it rents, and it stocks it as it stocks its own land
    stayers = ~quits
    own = np.array([f["land_ha"] for f in FARMS])[stayers]
    np.testing.assert_allclose(s.farms.rented_ha[stayers], s.farms.land_ha[stayers] - own)
    np.testing.assert_allclose(
        s.farms.livestock_head[stayers], stock_per_ha[stayers] * s.farms.land_ha[stayers]
    )
    assert (np.bincount(s.farms.coop[s.farms.coop >= 0], minlength=2) == s.coops.members).all()
    assert y.events.counts["farm_exits"] == len(quitters)
