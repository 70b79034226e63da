"""A cooperative's cost C(S) = F + c·Q + γ·H·N + machinery(S), and groups of farms (R4)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.economics import coop_costs
from coopsim.economics.coop_costs import (
    CoopCost,
    CoopCostParams,
    Group,
    coop_cost,
    heterogeneity,
    sum_farms,
)
from coopsim.economics.machinery import MachineryPrices

TRACTOR_ONLY = [1.0, 0.0, 0.0, 0.0]
NOTHING = [0.0, 0.0, 0.0, 0.0]


@pytest.fixture
def params(prices):
    # F = 10,000 a year, c = 1 % of value marketed, γ = 1,000 per member per unit of H
    return CoopCostParams(fixed=10_000.0, handling_rate=0.01, governance=1_000.0, machinery=prices)


def test_heterogeneity_is_the_coefficient_of_variation_of_members_values():
    # two members marketing 100 and 300: mean 200, sd √((100² + 300²)/2 − 200²) = 100, CV 0.5
    # four members 100, 100, 300, 300: the same mean and sd, CV 0.5
    # three members marketing 200 each: CV 0
    h = heterogeneity(
        members=np.array([2.0, 4.0, 3.0]),
        value=np.array([400.0, 800.0, 600.0]),
        value_sq=np.array([100.0**2 + 300.0**2, 2 * 100.0**2 + 2 * 300.0**2, 3 * 200.0**2]),
    )
    np.testing.assert_allclose(h, [0.5, 0.5, 0.0], atol=1e-12)


def test_single_member_and_empty_group_have_no_heterogeneity():
    # one member: its value is the mean, sd 0; no members: nothing to vary (and no 0/0)
    h = heterogeneity(np.array([1.0, 0.0]), np.array([500.0, 0.0]), np.array([500.0**2, 0.0]))
    np.testing.assert_array_equal(h, [0.0, 0.0])


def test_coop_cost_adds_fixed_handling_governance_and_machinery(params, farms):
    # farm A markets 100,000 and needs 60 ha of tractor work, owning a tractor;
    # farm B markets 300,000 and needs 40 ha
    coop = farms([100_000, 300_000], [[60, 0, 0, 0], [40, 0, 0, 0]], [TRACTOR_ONLY, NOTHING])
    coop = coop.sum_by(np.array([0, 0]), 1)
    cost = coop_cost(coop, params)
    # H = 0.5 (mean 200,000, sd 100,000), N = 2
    # overhead: F 10,000 + c·Q 0.01·400,000 = 4,000 + γ·H·N 1,000·0.5·2 = 1,000 → 15,000
    np.testing.assert_allclose(cost.overhead, [15_000.0])
    # machinery: 100 ha on the one tractor: 20,000 + 100·300 = 50,000
    np.testing.assert_allclose(cost.machinery, [[50_000.0, 0.0, 0.0, 0.0]])
    np.testing.assert_allclose(cost.total, [65_000.0])


def test_fixed_cost_is_charged_only_to_groups_with_members(params, farms):
    member = farms([0.0], [NOTHING], [NOTHING])
    empty = Group.of_assets(np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(1))
    cost = coop_cost(member + empty, params)
    # a member marketing nothing and needing nothing: only F = 10,000
    np.testing.assert_array_equal(cost.total, [10_000.0])
    # no members, no assets: nothing at all
    np.testing.assert_array_equal(coop_cost(empty, params).total, [0.0])


def test_extra_fixed_cost_is_added_to_the_overhead(params, farms):
    member = farms([100_000.0], [NOTHING], [NOTHING])
    after_failed_merger = Group.of_assets(np.zeros((1, 4)), np.zeros((1, 4)), np.array([5_000.0]))
    cost = coop_cost(member + after_failed_merger, params)
    # F 10,000 + c·Q 1,000 + governance 0 (one member) + extra 5,000 = 16,000
    np.testing.assert_allclose(cost.overhead, [16_000.0])


def test_coop_owned_machines_cost_their_holding_and_do_the_members_work(params, farms):
    member = farms([0.0], [[150, 0, 0, 0]], [NOTHING])
    bought = Group.of_assets(np.array([TRACTOR_ONLY]), np.array([[12_000.0, 0, 0, 0]]), np.zeros(1))
    cost = coop_cost(member + bought, params)
    # a subsidised tractor held at 12,000: 12,000 + 100·300 own work + 50·1,000 hired = 92,000
    np.testing.assert_allclose(cost.machinery[0, 0], 92_000.0)


def test_governance_cost_is_gamma_times_heterogeneity_times_member_count(prices, farms):
    params = CoopCostParams(fixed=0.0, handling_rate=0.0, governance=1_000.0, machinery=prices)
    two = farms([100.0, 300.0], [NOTHING] * 2, [NOTHING] * 2).sum_by(np.zeros(2, int), 1)
    four = farms([100.0, 100.0, 300.0, 300.0], [NOTHING] * 4, [NOTHING] * 4).sum_by(
        np.zeros(4, int), 1
    )
    equal = farms([200.0, 200.0, 200.0], [NOTHING] * 3, [NOTHING] * 3).sum_by(np.zeros(3, int), 1)
    # γ·H·N: 1,000·0.5·2 = 1,000; 1,000·0.5·4 = 2,000; equal members 1,000·0·3 = 0
    np.testing.assert_allclose(coop_cost(two, params).total, [1_000.0])
    np.testing.assert_allclose(coop_cost(four, params).total, [2_000.0])
    np.testing.assert_allclose(coop_cost(equal, params).total, [0.0], atol=1e-9)


def test_group_of_farms_counts_each_farm_once_with_its_squared_value(farms):
    g = farms([100.0, 300.0], [[1, 2, 3, 4], [5, 6, 7, 8]], [TRACTOR_ONLY, NOTHING])
    np.testing.assert_array_equal(g.members, [1.0, 1.0])
    np.testing.assert_array_equal(g.value_sq, [10_000.0, 90_000.0])
    # the tractor is held at the full fixed cost, 20,000
    np.testing.assert_array_equal(g.holding_cost, [[20_000.0, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(g.extra_fixed, [0.0, 0.0])


def test_sum_by_adds_farms_into_their_groups(farms):
    g = farms(
        [100.0, 200.0, 400.0],
        [[10, 0, 10, 0], [20, 5, 0, 0], [30, 0, 0, 2]],
        [TRACTOR_ONLY, NOTHING, TRACTOR_ONLY],
    )
    s = g.sum_by(np.array([0, 1, 0]), 3)
    # group 0 = farms 0 and 2, group 1 = farm 1, group 2 empty
    np.testing.assert_array_equal(s.members, [2.0, 1.0, 0.0])
    np.testing.assert_array_equal(s.value, [500.0, 200.0, 0.0])
    np.testing.assert_array_equal(s.value_sq, [100.0**2 + 400.0**2, 200.0**2, 0.0])
    np.testing.assert_array_equal(s.need, [[40, 0, 10, 2], [20, 5, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(s.machines, [[2, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0]])
    np.testing.assert_array_equal(s.holding_cost[:, 0], [40_000.0, 0.0, 0.0])


def test_adding_and_removing_a_farm_from_a_coop_round_trips(farms):
    coop = farms([100.0, 300.0], [[10, 0, 0, 0], [20, 0, 0, 0]], [NOTHING, TRACTOR_ONLY])
    coop = coop.sum_by(np.array([0, 0]), 1)
    newcomer = farms([50.0], [[5, 1, 2, 3]], [TRACTOR_ONLY])
    bigger = coop + newcomer
    np.testing.assert_array_equal(bigger.members, [3.0])
    np.testing.assert_array_equal(bigger.value, [450.0])
    np.testing.assert_array_equal(bigger.value_sq, [100.0**2 + 300.0**2 + 50.0**2])
    np.testing.assert_array_equal(bigger.need, [[35, 1, 2, 3]])
    np.testing.assert_array_equal(bigger.machines, [[2, 0, 0, 0]])
    back = bigger - newcomer
    np.testing.assert_array_equal(back.members, [2.0])
    np.testing.assert_array_equal(back.value, [400.0])
    np.testing.assert_array_equal(back.need, [[30, 0, 0, 0]])
    np.testing.assert_array_equal(back.machines, [[1, 0, 0, 0]])


def test_take_picks_groups_by_index(farms):
    g = farms([100.0, 200.0, 300.0], [NOTHING] * 3, [NOTHING, TRACTOR_ONLY, NOTHING])
    picked = g.take(np.array([2, 1, 1]))
    np.testing.assert_array_equal(picked.value, [300.0, 200.0, 200.0])
    np.testing.assert_array_equal(picked.machines[:, 0], [0.0, 1.0, 1.0])


def test_coop_cost_take_and_total():
    cost = CoopCost(
        machinery=np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 0.0, 0.0, 0.0]]),
        overhead=np.array([100.0, 200.0]),
    )
    # 1 + 2 + 3 + 4 + 100 = 110 and 10 + 200 = 210
    np.testing.assert_array_equal(cost.total, [110.0, 210.0])
    np.testing.assert_array_equal(cost.take(np.array([1])).total, [210.0])


def test_a_farm_that_brings_a_tractor_to_a_coop_that_hires_lowers_its_machinery_cost(params, farms):
    coop = farms([100.0, 100.0], [[40, 0, 0, 0], [40, 0, 0, 0]], [NOTHING, NOTHING])
    coop = coop.sum_by(np.array([0, 0]), 1)
    newcomer = farms([100.0], [[20, 0, 0, 0]], [TRACTOR_ONLY])
    before = coop_cost(coop, params).machinery[0, 0]
    after = coop_cost(coop + newcomer, params).machinery[0, 0]
    # before: 80 ha hired, 80,000; after: 100 ha on the tractor, 20,000 + 30,000 = 50,000
    assert (before, after) == (80_000.0, 50_000.0)


@settings(max_examples=50, deadline=None)
@given(
    groups=st.integers(1, 5),
    fixed=st.floats(0.0, 1e6),
    handling=st.floats(0.0, 1.0),
    governance=st.floats(0.0, 1e6),
    hire=st.floats(0.0, 1e4),
)
def test_an_empty_group_costs_nothing(groups, fixed, handling, governance, hire):
    prices = MachineryPrices(
        hire=np.full(4, hire),
        operating=np.full(4, hire / 2),
        fixed=np.full(4, 1e5),
        capacity=np.full(4, 100.0),
        price=np.full(4, 1e6),
    )
    params = CoopCostParams(fixed, handling, governance, prices)
    empty = Group.of_assets(np.zeros((groups, 4)), np.zeros((groups, 4)), np.zeros(groups))
    np.testing.assert_array_equal(coop_cost(empty, params).total, np.zeros(groups))


@settings(max_examples=60, deadline=None)
@given(
    sizes=st.lists(st.integers(0, 6), min_size=1, max_size=6),
    seed=st.integers(0, 2**32 - 1),
    data=st.data(),
)
def test_runs_of_consecutive_rows_add_up_as_rows_grouped_by_index(sizes, seed, data):
    # rows sorted by group; each run is any stretch inside its group (empty ones too),
    # including stretches that end at the last row
    rng = np.random.default_rng(seed)
    rows = sum(sizes)
    farms = Group.of_farms(
        rng.uniform(0, 1e5, rows),
        rng.random((rows, 4)),
        rng.random((rows, 4)),
        rng.random((rows, 4)),
    )
    first = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    starts = np.array([f + data.draw(st.integers(0, m)) for f, m in zip(first, sizes, strict=True)])
    ends = np.array(
        [data.draw(st.integers(s, f + m)) for s, f, m in zip(starts, first, sizes, strict=True)]
    )
    runs = farms.sum_runs(starts, ends)
    group = np.full(rows, len(sizes))  # rows outside every run go to an extra group
    for k, (s, e) in enumerate(zip(starts, ends, strict=True)):
        group[s:e] = k
    expected = farms.sum_by(group, len(sizes) + 1)
    for name in ("members", "value", "value_sq", "need", "machines", "holding_cost"):
        np.testing.assert_allclose(
            getattr(runs, name), getattr(expected, name)[: len(sizes)], rtol=1e-12, atol=1e-9
        )


@settings(max_examples=60, deadline=None)
@given(
    farms=st.integers(0, 300),
    groups=st.integers(1, 12),
    seed=st.integers(0, 2**32 - 1),
)
def test_the_compiled_sum_of_farms_is_numpys_to_the_last_bit(farms, groups, seed):
    # any subset of the farms, in any order, into groups given in any order; machines
    # owned as flags, as the farm arrays hold them
    rng = np.random.default_rng(seed)
    value = rng.lognormal(10, 2, farms)
    need, holding = rng.lognormal(3, 2, (farms, 4)), rng.lognormal(5, 2, (farms, 4))
    owns = rng.random((farms, 4)) < 0.3
    rows = rng.permutation(farms)[: rng.integers(0, farms + 1)]
    group_of = rng.integers(0, groups, len(rows))
    expected = Group.of_farms(value[rows], need[rows], owns[rows], holding[rows]).sum_by(
        group_of, groups
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(coop_costs, "COMPILED_FROM", 0)
        summed = sum_farms(rows, group_of, groups, value, need, owns, holding)
    for name in ("members", "value", "value_sq", "need", "machines", "holding_cost"):
        np.testing.assert_array_equal(getattr(summed, name), getattr(expected, name))
    assert summed.value.sum() == pytest.approx(value[rows].sum(), rel=1e-12)
