"""Machinery: work needed, the cost of covering it, and when a machine pays (rule R4)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.economics.machinery import (
    MachineryPrices,
    machinery_cost,
    row_sum,
    take_rows,
    work_needed,
    worth_buying,
)
from coopsim.scenario import Costs, MarketLevers

NO_MACHINES = np.zeros(4)


def test_work_needed_puts_haymaking_on_the_tractor_and_output_on_the_truck():
    need = work_needed(
        land_ha=np.array([10.0, 0.0]),
        livestock_head=np.array([4.0, 2.0]),
        output_t=np.array([12.0, 3.0]),
        hay_ha_per_head=1.5,
    )
    # tractor: land + 1.5 ha of hay per head: 10 + 1.5·4 = 16 and 0 + 1.5·2 = 3
    # truck: the output (t); combine: the land (ha); barn: the herd (head)
    np.testing.assert_array_equal(need, [[16.0, 12.0, 10.0, 4.0], [3.0, 3.0, 0.0, 2.0]])


def test_row_sum_adds_up_the_assets_of_each_row():
    # 1 + 2 + 3 + 4 = 10 and 10 + 0 + 0 + 5 = 15
    np.testing.assert_array_equal(row_sum(np.array([[1.0, 2, 3, 4], [10, 0, 0, 5]])), [10, 15])


def test_farm_without_machines_hires_a_contractor_for_all_its_work(prices):
    need = np.array([50.0, 0.0, 20.0, 0.0])
    cost = machinery_cost(need, NO_MACHINES, np.zeros(4), prices)
    # 50 ha · 1,000 = 50,000 for the tractor work, 20 ha · 1,000 = 20,000 for the combine
    np.testing.assert_array_equal(cost, [50_000.0, 0.0, 20_000.0, 0.0])


def test_own_machine_within_capacity_costs_its_holding_plus_running_cost(prices):
    need = np.array([60.0, 0.0, 0.0, 0.0])
    machines = np.array([1.0, 0.0, 0.0, 0.0])
    cost = machinery_cost(need, machines, machines * prices.fixed, prices)
    # 20,000 holding + 60 ha · 300 running = 38,000 (against 60,000 from a contractor)
    np.testing.assert_array_equal(cost, [38_000.0, 0.0, 0.0, 0.0])


def test_work_beyond_the_machines_capacity_is_hired(prices):
    need = np.array([150.0, 0.0, 0.0, 0.0])
    machines = np.array([1.0, 0.0, 0.0, 0.0])
    cost = machinery_cost(need, machines, machines * prices.fixed, prices)
    # 20,000 holding + 100 ha · 300 on its own tractor + 50 ha · 1,000 hired = 100,000
    assert cost[0] == 100_000.0


def test_idle_machine_still_costs_its_holding(prices):
    machines = np.array([0.0, 0.0, 0.0, 1.0])
    cost = machinery_cost(np.zeros(4), machines, machines * prices.fixed, prices)
    # an empty barn: 20,000 a year, nothing else
    np.testing.assert_array_equal(cost, [0.0, 0.0, 0.0, 20_000.0])


def test_pooling_two_farms_machines_lowers_their_total_machinery_bill(prices):
    # farm A: 60 ha, owns a tractor; farm B: 40 ha, owns a combine
    need = np.array([[60.0, 0.0, 60.0, 0.0], [40.0, 0.0, 40.0, 0.0]])
    machines = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    alone = row_sum(machinery_cost(need, machines, machines * prices.fixed, prices))
    pooled_machines = machines.sum(axis=0)
    pooled = row_sum(
        machinery_cost(need.sum(axis=0), pooled_machines, pooled_machines * prices.fixed, prices)
    )
    # A alone: tractor 20,000 + 60·300 = 38,000; combine hired 60·1,000 = 60,000 → 98,000
    # B alone: tractor hired 40·1,000 = 40,000; combine 20,000 + 40·300 = 32,000 → 72,000
    np.testing.assert_array_equal(alone, [98_000.0, 72_000.0])
    # pooled: each machine works 100 ha: 2 · (20,000 + 100·300) = 100,000, a 41 % saving
    assert pooled == 100_000.0


def test_machine_is_worth_buying_only_when_it_pays_within_the_members_horizon(prices):
    need = np.array([150.0, 0.0, 500.0, 80.0])
    machines = np.array([1.0, 0.0, 0.0, 1.0])
    # tractor: 50 ha still hired, a new one takes them over: (1,000 − 300)·50 = 35,000 a
    # year; truck: nothing to haul; combine: it takes over its capacity, 700·100 = 70,000;
    # barn: 80 head fit in the barn already, nothing hired.
    # Over five years at 10 % a machine costs its price times 1 + 0.1·5 = 1.5:
    # a tractor of 100,000 costs 150,000 < 5·35,000 = 175,000; a combine of 200,000
    # costs 300,000 < 350,000.
    price = np.array([100_000.0, 100_000.0, 200_000.0, 100_000.0])
    buy = worth_buying(need, machines, prices, price, interest_rate=0.1, horizon_years=5)
    np.testing.assert_array_equal(buy, [True, False, True, False])
    # a tractor of 120,000 costs 180,000 over five years: more than the 175,000 it saves
    price[0] = 120_000.0
    assert not worth_buying(need, machines, prices, price, 0.1, 5)[0]


def test_a_short_horizon_turns_down_a_machine_that_would_pay_over_its_life(prices):
    need = np.array([150.0, 0.0, 0.0, 0.0])
    machines = np.array([1.0, 0.0, 0.0, 0.0])
    price = np.full(4, 100_000.0)
    # the tractor saves 35,000 a year: over ten years 350,000 against 100,000 · 2 = 200,000;
    # over two years 70,000 against 100,000 · 1.2 = 120,000 (the horizon problem)
    assert worth_buying(need, machines, prices, price, 0.1, 10)[0]
    assert not worth_buying(need, machines, prices, price, 0.1, 2)[0]


def test_worth_buying_works_row_by_row_for_many_farms(prices):
    need = np.array([[150.0, 0.0, 0.0, 0.0], [90.0, 0.0, 0.0, 0.0]])
    # farm 0 saves 35,000 a year, farm 1 (no tractor, 90 ha hired) 700·90 = 63,000;
    # a tractor of 60,000 costs 60,000 · 1.5 = 90,000 over five years at 10 %:
    # 175,000 and 315,000 beat it
    machines = np.array([[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    buy = worth_buying(need, machines, prices, np.full(4, 60_000.0), 0.1, 5)
    np.testing.assert_array_equal(buy[:, 0], [True, True])


def test_prices_from_scenario_take_hire_running_and_holding_costs_per_asset():
    costs = Costs(
        price_tractor=100_000,
        price_truck=50_000,
        price_combine=300_000,
        price_barn=80_000,
        capacity_tractor=100,
        capacity_truck=1_000,
        capacity_combine=200,
        capacity_barn=40,
        operating_share=0.3,
        depreciation_rate=0.1,
    )
    market = MarketLevers(
        hire_tractor=1_000, hire_truck=200, hire_combine=900, hire_barn=50, interest_rate=0.1
    )
    p = MachineryPrices.from_scenario(costs, market)
    # order of assets: tractor, truck, combine, barn
    np.testing.assert_array_equal(p.hire, [1_000, 200, 900, 50])
    # running: 30 % of the hire price
    np.testing.assert_allclose(p.operating, [300, 60, 270, 15])
    # holding: price · (10 % depreciation + 10 % interest)
    np.testing.assert_allclose(p.fixed, [20_000, 10_000, 60_000, 16_000])
    np.testing.assert_array_equal(p.capacity, [100, 1_000, 200, 40])
    np.testing.assert_array_equal(p.price, [100_000, 50_000, 300_000, 80_000])


amount = st.floats(min_value=0.0, max_value=1e4, allow_nan=False)


@settings(max_examples=100, deadline=None)
@given(
    need=st.lists(amount, min_size=4, max_size=4),
    machines=st.lists(st.integers(0, 3), min_size=4, max_size=4),
    hire=st.lists(amount, min_size=4, max_size=4),
    running_share=st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4),
    capacity=st.lists(st.floats(1.0, 1e3), min_size=4, max_size=4),
)
def test_machines_with_no_holding_cost_never_cost_more_than_hiring_everything(
    need, machines, hire, running_share, capacity
):
    hire = np.array(hire)
    p = MachineryPrices(
        hire=hire,
        operating=np.array(running_share) * hire,
        fixed=np.zeros(4),
        capacity=np.array(capacity),
        price=np.zeros(4),
    )
    need = np.array(need)
    cost = machinery_cost(need, np.array(machines, dtype=float), np.zeros(4), p)
    all_hired = hire * need
    all_own = p.operating * need
    slack = 1e-9 * (1.0 + all_hired)
    assert np.all(cost <= all_hired + slack)
    assert np.all(cost >= all_own - slack)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(1, 30),
    width=st.sampled_from([None, 1, 2, 4]),
    data=st.data(),
)
def test_take_rows_gives_what_indexing_gives(rows, width, data):
    # any row indices (repeated, negative, none), a list of them, a slice or a mask
    x = np.random.default_rng(rows).random(rows if width is None else (rows, width))
    picks = st.lists(st.integers(-rows, rows - 1), max_size=40)
    index = data.draw(
        st.one_of(
            picks.map(lambda p: np.array(p, dtype=np.int64)),
            picks,
            st.builds(slice, st.integers(0, rows), st.integers(0, rows)),
            st.lists(st.booleans(), min_size=rows, max_size=rows).map(np.array),
        )
    )
    taken = take_rows(x, index)
    np.testing.assert_array_equal(taken, x[index])
    assert taken.shape == x[index].shape
