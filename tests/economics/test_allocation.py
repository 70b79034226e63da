"""Cost sharing in a cooperative: patronage and the Shapley value (rule R3)."""

from math import log, sqrt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.economics import allocation
from coopsim.economics.allocation import (
    coop_orders,
    order_seeds,
    patronage_shares,
    patronage_split,
    patronage_split_by_coop,
    sampled_shapley_compiled,
    sampled_shapley_in_numpy,
    sampled_shapley_reference,
    shapley_shares,
    shapley_shares_of_coops,
)
from coopsim.economics.coop_costs import CoopCostParams, Group, coop_cost
from coopsim.economics.machinery import machinery_cost, row_sum
from coopsim.economics.shapley_kernel import shuffle_orders

TRACTOR = [1.0, 0.0, 0.0, 0.0]
COMBINE = [0.0, 0.0, 1.0, 0.0]
NOTHING = [0.0, 0.0, 0.0, 0.0]


def stacked(games: list[tuple[Group, Group]]) -> tuple[Group, np.ndarray, Group]:
    """Coops as shapley_shares_of_coops takes them: members stacked, sizes, assets stacked."""
    sizes = np.array([len(members.members) for members, _ in games], dtype=int)
    return Group.concat([g[0] for g in games]), sizes, Group.concat([g[1] for g in games])


def no_assets() -> Group:
    return Group.of_assets(np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(1))


def patronage(members: Group, cost_params: CoopCostParams, coop_assets: Group | None = None):
    """Shares of the members of one coop, and the coop's cost."""
    m = len(members.members)
    coop = members.sum_by(np.zeros(m, int), 1) + (coop_assets or no_assets())
    cost = coop_cost(coop, cost_params)
    one = np.zeros(m, int)
    shares = patronage_shares(
        members.value, members.need, coop.value[one], coop.need[one], cost.take(one)
    )
    return shares, cost.total[0]


@pytest.fixture
def params(prices):
    # F = 10,000 a year, c = 1 % of value marketed, γ = 1,000 per member per unit of H
    return CoopCostParams(fixed=10_000.0, handling_rate=0.01, governance=1_000.0, machinery=prices)


@pytest.fixture
def fixed_only(prices):
    # only F = 10,000 on top of machinery, so Shapley values stay short to compute by hand
    return CoopCostParams(fixed=10_000.0, handling_rate=0.0, governance=0.0, machinery=prices)


# --- patronage ------------------------------------------------------------------------------


def test_farm_with_combine_and_farm_with_tractor_both_gain_from_pooling(params, prices, farms):
    # the article's village: A farms 60 ha and owns a tractor, B 40 ha and owns a combine;
    # both need tractor and combine work on all their land; A markets 60,000, B 40,000
    need = [[60, 0, 60, 0], [40, 0, 40, 0]]
    members = farms([60_000, 40_000], need, [TRACTOR, COMBINE])
    alone = row_sum(machinery_cost(members.need, members.machines, members.holding_cost, prices))
    # A alone: tractor 20,000 + 60·300 = 38,000; combine hired 60·1,000 = 60,000 → 98,000
    # B alone: tractor hired 40·1,000 = 40,000; combine 20,000 + 40·300 = 32,000 → 72,000
    np.testing.assert_allclose(alone, [98_000.0, 72_000.0])

    coop = members.sum_by(np.zeros(2, int), 1)
    cost = coop_cost(coop, params)
    one = np.zeros(2, int)
    machinery, overhead = patronage_split(
        members.value, members.need, coop.value[one], coop.need[one], cost.take(one)
    )
    # pooled, each machine works 100 ha: 20,000 + 100·300 = 50,000 each, 100,000 in all,
    # shared by use: A 60 %, B 40 %
    np.testing.assert_allclose(machinery, [60_000.0, 40_000.0])
    # overhead: F 10,000 + c·Q 0.01·100,000 = 1,000 + γ·H·N with H = 10,000/50,000 = 0.2:
    # 1,000·0.2·2 = 400 → 11,400, shared by value: A 6,840, B 4,560
    np.testing.assert_allclose(overhead, [6_840.0, 4_560.0])
    # both pay less for machinery in the coop, and less even with the coop's overhead
    assert np.all(machinery < alone)
    assert np.all(machinery + overhead < alone)  # 66,840 < 98,000 and 44,560 < 72,000


@settings(max_examples=40, deadline=None)
@given(coops=st.integers(1, 8), members=st.integers(0, 60), seed=st.integers(0, 2**32 - 1))
def test_patronage_of_many_coops_is_each_members_split_in_its_coop(prices, coops, members, seed):
    # rates computed once per coop, then charged to its members: the same numbers as
    # computing them member by member; coops that use no barn or market nothing included
    rng = np.random.default_rng(seed)
    value = rng.lognormal(10, 1, members) * (rng.random(members) < 0.9)
    need = rng.lognormal(3, 1, (members, 4)) * (rng.random((members, 4)) < 0.6)
    owns = (rng.random((members, 4)) < 0.3).astype(float)
    farms = Group.of_farms(value, need, owns, owns * 5_000.0)
    member_coop = rng.integers(0, coops, members)
    coop = farms.sum_by(member_coop, coops)
    cost = coop_cost(coop, CoopCostParams(10_000.0, 0.01, 1_000.0, prices))
    expected = patronage_split(
        value, need, coop.value[member_coop], coop.need[member_coop], cost.take(member_coop)
    )
    split = patronage_split_by_coop(value, need, member_coop, coop.value, coop.need, cost)
    for part, want in zip(split, expected, strict=True):
        np.testing.assert_array_equal(part, want)


def test_patronage_shares_machinery_by_use_and_overhead_by_value(fixed_only, farms):
    # A markets 75 % of the value but uses 20 % of the (all hired) tractor work
    members = farms([75_000, 25_000], [[20, 0, 0, 0], [80, 0, 0, 0]], [NOTHING, NOTHING])
    shares, total = patronage(members, fixed_only)
    # machinery 100 ha · 1,000 = 100,000: A 20,000, B 80,000; F 10,000: A 7,500, B 2,500
    np.testing.assert_allclose(shares, [27_500.0, 82_500.0])
    assert total == pytest.approx(110_000.0)


def test_patronage_shares_add_up_to_the_coop_cost(params, farms):
    members = farms(
        [60_000, 40_000, 100_000],
        [[60, 10, 60, 5], [40, 20, 40, 0], [100, 30, 0, 50]],
        [TRACTOR, COMBINE, [0, 1, 0, 1]],
    )
    shares, total = patronage(members, params)
    assert shares.sum() == pytest.approx(total, rel=1e-12)


def test_patronage_shares_cover_the_holding_cost_of_a_pooled_machine_nobody_uses(fixed_only, farms):
    # two crop farms, 50 ha each, no livestock; A brings the barn it owns into the coop
    members = farms([50_000, 50_000], [[50, 0, 0, 0], [50, 0, 0, 0]], [[0, 0, 0, 1], NOTHING])
    shares, total = patronage(members, fixed_only)
    # C = F 10,000 + tractor work hired 100·1,000 = 100,000 + the idle barn's 20,000 = 130,000
    assert total == pytest.approx(130_000.0)
    # whatever the split, the members must pay the coop's whole cost (the barn included)
    assert shares.sum() == pytest.approx(130_000.0)


positive = st.floats(min_value=1.0, max_value=1e5, allow_nan=False)


@st.composite
def coops(draw, max_members: int = 8):
    """A coop of 1..max_members farms, each with some of every kind of work to do."""
    m = draw(st.integers(1, max_members))
    value = draw(st.lists(positive, min_size=m, max_size=m))
    need = draw(st.lists(st.lists(positive, min_size=4, max_size=4), min_size=m, max_size=m))
    owns = draw(
        st.lists(st.lists(st.integers(0, 1), min_size=4, max_size=4), min_size=m, max_size=m)
    )
    return value, need, owns


cost_params = st.tuples(st.floats(0.0, 1e5), st.floats(0.0, 0.1), st.floats(0.0, 1e5))


@settings(max_examples=100, deadline=None)
@given(coop=coops(), levels=cost_params)
def test_patronage_shares_of_random_coops_add_up_to_their_cost(prices, farms, coop, levels):
    # precondition of patronage: every asset is used by someone and something is marketed
    shares, total = patronage(farms(*coop), CoopCostParams(*levels, machinery=prices))
    assert shares.sum() == pytest.approx(total, rel=1e-9, abs=1e-6)


# --- Shapley --------------------------------------------------------------------------------


def test_shapley_of_two_members_by_hand(fixed_only, farms):
    # A: 60 ha, owns a tractor; B: 40 ha, none. F = 10,000.
    # C(A) = 10,000 + 20,000 + 60·300 = 48,000; C(B) = 10,000 + 40·1,000 = 50,000
    # C(AB) = 10,000 + 20,000 + 100·300 = 60,000
    # φA = ½·C(A) + ½·(C(AB) − C(B)) = 24,000 + 5,000 = 29,000
    # φB = ½·C(B) + ½·(C(AB) − C(A)) = 25,000 + 6,000 = 31,000
    members = farms([60_000, 40_000], [[60, 0, 0, 0], [40, 0, 0, 0]], [TRACTOR, NOTHING])
    shares = shapley_shares(members, no_assets(), fixed_only, np.random.default_rng(0))
    np.testing.assert_allclose(shares, [29_000.0, 31_000.0])


def test_shapley_credits_the_member_who_brings_the_machine_more_than_patronage(fixed_only, farms):
    members = farms([60_000, 40_000], [[60, 0, 0, 0], [40, 0, 0, 0]], [TRACTOR, NOTHING])
    by_use, total = patronage(members, fixed_only)
    # patronage: machinery 50,000 and F 10,000 both split 60/40 → A 36,000, B 24,000
    np.testing.assert_allclose(by_use, [36_000.0, 24_000.0])
    # Shapley (previous test): A 29,000, B 31,000; the same total, 60,000
    shapley = shapley_shares(members, no_assets(), fixed_only, np.random.default_rng(0))
    assert shapley[0] < by_use[0]
    assert shapley.sum() == pytest.approx(total)


def test_shapley_charges_coop_owned_machines_to_every_coalition(fixed_only, farms):
    # the coop itself holds a tractor (20,000 a year); A needs 60 ha, B 40 ha
    members = farms([60_000, 40_000], [[60, 0, 0, 0], [40, 0, 0, 0]], [NOTHING, NOTHING])
    own = Group.of_assets(np.array([TRACTOR]), np.array([[20_000.0, 0, 0, 0]]), np.zeros(1))
    # C(A) = 10,000 + 20,000 + 60·300 = 48,000; C(B) = 10,000 + 20,000 + 40·300 = 42,000
    # C(AB) = 10,000 + 20,000 + 100·300 = 60,000
    # φA = ½·48,000 + ½·(60,000 − 42,000) = 33,000; φB = ½·42,000 + ½·(60,000 − 48,000) = 27,000
    shares = shapley_shares(members, own, fixed_only, np.random.default_rng(0))
    np.testing.assert_allclose(shares, [33_000.0, 27_000.0])


def test_symmetric_members_pay_equal_shapley_shares(params, farms):
    # three identical farms marketing 50,000 and hiring 30 ha each: H = 0, so
    # C(S) = F + |S|·(0.01·50,000 + 30·1,000) = 10,000 + 30,500·|S|
    # each pays F/3 + 30,500 = 3,333.33 + 30,500 = 33,833.33
    members = farms([50_000] * 3, [[30, 0, 0, 0]] * 3, [NOTHING] * 3)
    shares = shapley_shares(members, no_assets(), params, np.random.default_rng(0))
    np.testing.assert_allclose(shares, [10_000 / 3 + 30_500] * 3)


def test_exact_shapley_does_not_depend_on_the_random_generator(params, farms):
    members = farms(
        [60_000, 40_000, 10_000],
        [[60, 5, 60, 0], [40, 0, 40, 8], [5, 1, 0, 9]],
        [TRACTOR, COMBINE, [0, 0, 0, 1]],
    )
    a = shapley_shares(members, no_assets(), params, np.random.default_rng(1))
    b = shapley_shares(members, no_assets(), params, np.random.default_rng(2))
    np.testing.assert_array_equal(a, b)


def test_shapley_of_an_empty_coop_is_empty(params, farms):
    members = farms([], np.zeros((0, 4)), np.zeros((0, 4)))
    assert shapley_shares(members, no_assets(), params, np.random.default_rng(0)).shape == (0,)


@settings(max_examples=60, deadline=None)
@given(coop=coops(max_members=6), levels=cost_params, bought=st.integers(0, 2))
def test_exact_shapley_shares_of_random_coops_add_up_to_their_cost(
    prices, farms, coop, levels, bought
):
    members = farms(*coop)
    params = CoopCostParams(*levels, machinery=prices)
    own = Group.of_assets(
        np.full((1, 4), float(bought)), np.full((1, 4), bought * 5_000.0), np.array([1_000.0])
    )
    shares = shapley_shares(members, own, params, np.random.default_rng(0))
    whole = members.sum_by(np.zeros(len(members.members), int), 1) + own
    assert shares.sum() == pytest.approx(coop_cost(whole, params).total[0], rel=1e-9, abs=1e-6)


def twelve_farms_three_tractors(farms):
    # 12 farms marketing 10,000 and needing 25 ha of tractor work each; farms 0–2 own a
    # tractor: 300 ha of work, exactly 3 tractors' capacity
    owns = [TRACTOR] * 3 + [NOTHING] * 9
    return farms([10_000.0] * 12, [[25, 0, 0, 0]] * 12, owns)


@pytest.fixture
def twelve_params(prices):
    return CoopCostParams(fixed=12_000.0, handling_rate=0.0, governance=0.0, machinery=prices)


def test_exact_shapley_of_twelve_farms_sharing_three_tractors(twelve_params, farms):
    members = twelve_farms_three_tractors(farms)
    shares = shapley_shares(
        members, no_assets(), twelve_params, np.random.default_rng(0), exact_max=12
    )
    # C(N) = F 12,000 + 3·20,000 held + 300 ha·300 = 162,000
    # A non-owner pays F/12 = 1,000 (its chance to come first) plus 7,500 (25·300) when the
    # tractors before it have room, i.e. 4·(owners before) ≥ (farms before) + 1, and
    # 25,000 (25·1,000) when not. Over its 12 equally likely positions j and the
    # hypergeometric number of owners among the j farms before it, the chances of room are
    # 0, 3/11, 27/55, 109/165, 92/330, 196/462, 266/462, 238/330, 56/165, 28/55, 8/11, 1,
    # which add up to 6: room half the time → 1,000 + ½·7,500 + ½·25,000 = 17,250.
    # Owners pay the rest: (162,000 − 9·17,250) / 3 = 2,250.
    np.testing.assert_allclose(shares, [2_250.0] * 3 + [17_250.0] * 9)


def test_sampled_shapley_costs_each_order_as_its_coalitions_one_by_one(params, farms):
    # 30 members, some owning machines; the coop owns a tractor and a barn and has an
    # extra fixed cost. Each order is costed here coalition by coalition.
    rng = np.random.default_rng(5)
    m, n_orders = 30, 7
    owned = (rng.random((m, 4)) < 0.2).tolist()
    members = farms(rng.uniform(1_000, 50_000, m), rng.uniform(0, 50, (m, 4)), owned)
    own = Group.of_assets(
        np.array([[1.0, 0, 0, 1]]), np.array([[900.0, 0, 0, 700]]), np.array([250.0])
    )
    shares = shapley_shares(
        members, own, params, np.random.default_rng(3), exact_max=1, permutations=n_orders
    )
    orders = coop_orders(order_seeds(1, np.random.default_rng(3)), n_orders, m)[0]
    expected = np.zeros(m)
    for order in orders:
        before = 0.0
        for j, member in enumerate(order):
            first = members.take(order[: j + 1]).sum_by(np.zeros(j + 1, int), 1) + own
            cost = coop_cost(first, params).total[0]
            expected[member] += (cost - before) / n_orders
            before = cost
    np.testing.assert_allclose(shares, expected, rtol=1e-9)


def test_sampled_shapley_is_close_to_exact_for_twelve_members(twelve_params, farms):
    members = twelve_farms_three_tractors(farms)
    exact = shapley_shares(
        members, no_assets(), twelve_params, np.random.default_rng(0), exact_max=12
    )
    n = 2_000
    sampled = shapley_shares(
        members,
        no_assets(),
        twelve_params,
        np.random.default_rng(2024),
        exact_max=4,
        permutations=n,
    )
    # Each sampled order is a fresh uniform permutation, so a member's sampled share is the
    # mean of n independent marginal costs whose expectation is its exact share. Those
    # marginal costs are bounded (previous test's notation, holding 20,000, F 12,000):
    #   non-owner: 7,500 (room) … 25,000 (hired) + 12,000 (first) → range 29,500
    #   owner: 20,000 + 100·300 − 75·1,000 = −25,000 (its tractor takes over 75 hired ha)
    #          … 20,000 + 25·300 + 12,000 = 39,500 (first) → range 64,500
    # Hoeffding: P(|mean − exact| ≥ t) ≤ 2·exp(−2·n·t²/range²). With t = range·√(ln(2/δ)/2n)
    # and δ = 1e-6 per member, a correct sampler fails this test with probability < 1.2e-5
    # over all 12 members (≈ 3,900 for owners, 1,800 for non-owners at n = 2,000).
    spread = sqrt(log(2 / 1e-6) / (2 * n))
    tolerance = np.array([64_500.0] * 3 + [29_500.0] * 9) * spread
    assert np.all(np.abs(sampled - exact) <= tolerance)
    # it did sample: an estimate, not the exact value
    assert not np.allclose(sampled, exact)
    # every sampled order allocates exactly C(N), so the estimate does too
    assert sampled.sum() == pytest.approx(162_000.0, rel=1e-12)


@settings(max_examples=30, deadline=None)
@given(coop=coops(max_members=8), seed=st.integers(0, 2**32 - 1))
def test_sampled_shapley_shares_add_up_to_the_coop_cost(prices, farms, coop, seed):
    members = farms(*coop)
    params = CoopCostParams(10_000.0, 0.01, 1_000.0, prices)
    shares = shapley_shares(
        members, no_assets(), params, np.random.default_rng(seed), exact_max=1, permutations=8
    )
    whole = members.sum_by(np.zeros(len(members.members), int), 1)
    assert shares.sum() == pytest.approx(coop_cost(whole, params).total[0], rel=1e-9, abs=1e-6)


@settings(max_examples=30, deadline=None)
@given(
    many=st.lists(coops(max_members=8), min_size=0, max_size=5),
    exact_max=st.integers(0, 8),
    seed=st.integers(0, 2**32 - 1),
)
def test_coops_priced_together_get_the_shares_they_get_one_by_one(
    prices, farms, many, exact_max, seed
):
    params = CoopCostParams(10_000.0, 0.01, 1_000.0, prices)
    games = [
        (
            farms(*coop),
            Group.of_assets(
                np.full((1, 4), i % 2), np.full((1, 4), 500.0 * i), np.full(1, 100.0 * i)
            ),
        )
        for i, coop in enumerate(many)
    ]
    games.insert(len(games) // 2, (farms([], np.zeros((0, 4)), np.zeros((0, 4))), no_assets()))
    together = shapley_shares_of_coops(
        *stacked(games), params, np.random.default_rng(seed), exact_max=exact_max, permutations=6
    )
    rng = np.random.default_rng(seed)  # the same draws, coop by coop
    alone = [
        shapley_shares(m, a, params, rng, exact_max=exact_max, permutations=6) for m, a in games
    ]
    np.testing.assert_array_equal(together, np.concatenate(alone))


def coops_with_assets(farms, many: list, villages: int) -> list[tuple[Group, Group]]:
    """Coops as (members, assets): every other one owns machines, and extra fixed costs."""
    return [
        (
            farms(*coop),
            Group.of_assets(
                np.full((1, 4), i % 2),
                np.full((1, 4), 700.0 * i),
                np.full(1, 90.0 * i),
                np.full(1, float(villages)),
            ),
        )
        for i, coop in enumerate(many)
    ]


@settings(max_examples=40, deadline=None)
@given(
    many=st.lists(coops(max_members=8), min_size=1, max_size=4),
    seed=st.integers(0, 2**32 - 1),
    villages=st.integers(0, 3),
)
def test_the_compiled_estimator_computes_what_numpy_computes(prices, farms, many, seed, villages):
    # governance and distance costs on, coops owning machines and extra fixed costs
    params = CoopCostParams(10_000.0, 0.01, 1_000.0, prices, distance=300.0)
    games = coops_with_assets(farms, many, villages)
    members, sizes, assets = stacked(games)
    seeds = order_seeds(len(sizes), np.random.default_rng(seed))
    compiled = sampled_shapley_compiled(members, sizes, assets, seeds, 5, params)
    for (members, assets), coop_seed, m, shares in zip(
        games, seeds, sizes, np.split(compiled, np.cumsum(sizes)[:-1]), strict=True
    ):
        order = coop_orders(np.array([coop_seed]), 5, m)[0]
        expected = sampled_shapley_reference(members, assets, order, params)
        np.testing.assert_allclose(shares, expected, rtol=1e-12, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 6), min_size=1, max_size=8),
    seed=st.integers(0, 2**32 - 1),
    villages=st.integers(0, 3),
)
def test_numpy_and_compiled_estimators_agree_to_the_last_bit(prices, farms, sizes, seed, villages):
    # up to 8 coops of up to 6 members, several of the same size (stacked together in
    # numpy); values with full mantissas, so that any other order of adding rounds apart
    rng = np.random.default_rng(seed)
    params = CoopCostParams(12_345.678, 0.0123, 987.65, prices, distance=321.09)
    many = [
        (
            rng.uniform(1_000.0, 50_000.0, m),
            rng.uniform(0.0, 20.0, (m, 4)),
            (rng.random((m, 4)) < 0.3).astype(float),
        )
        for m in sizes
    ]
    members, sizes, assets = stacked(coops_with_assets(farms, many, villages))
    seeds = order_seeds(len(sizes), rng)
    in_numpy = sampled_shapley_in_numpy(members, sizes, assets, seeds, 7, params)
    compiled = sampled_shapley_compiled(members, sizes, assets, seeds, 7, params)
    np.testing.assert_array_equal(in_numpy, compiled)


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 14), min_size=0, max_size=7),
    permutations=st.integers(1, 9),
    seed=st.integers(0, 2**32 - 1),
)
def test_orders_drawn_for_many_coops_at_once_are_those_drawn_coop_by_coop(
    sizes, permutations, seed
):
    together = np.random.default_rng(seed)
    seeds = order_seeds(len(sizes), together)
    one_by_one = np.random.default_rng(seed)
    for m, coop_seed in zip(sizes, seeds, strict=True):
        assert coop_seed == order_seeds(1, one_by_one)[0]
        order = coop_orders(np.array([coop_seed]), permutations, m)[0]
        # every order is a permutation of the coop's members, and the compiled loop
        # shuffles them draw for draw as numpy does
        np.testing.assert_array_equal(
            np.sort(order, axis=1), np.tile(np.arange(m), (permutations, 1))
        )
        np.testing.assert_array_equal(order, shuffle_orders(coop_seed, permutations, m))
    assert together.random() == one_by_one.random()  # no more draws used, and no fewer


def test_sampled_orders_put_every_member_in_every_place_equally_often():
    # 60,000 orders of 4 members: each of the 16 (member, place) pairs should hold a
    # quarter of them. A member's count in a place is Binomial(60,000, 1/4): sd ≈ 106,
    # so 6 sd (± 640) fails a uniform shuffle with probability < 1e-7 over all 16.
    orders = coop_orders(order_seeds(1, np.random.default_rng(11)), 60_000, 4)[0]
    counts = np.stack([np.bincount(orders[:, place], minlength=4) for place in range(4)])
    assert np.all(np.abs(counts - 15_000) < 640)
    # and consecutive orders are independent: the first place of order p and of p + 1
    pairs = np.bincount(orders[:-1, 0] * 4 + orders[1:, 0], minlength=16)
    assert np.all(np.abs(pairs - 60_000 / 16) < 6 * np.sqrt(60_000 / 16))


def test_a_compiled_call_split_over_cores_gives_the_shares_of_one_call(prices, farms, monkeypatch):
    # 9 coops of 3 to 40 members cut into blocks on threads, however many cores there are
    rng = np.random.default_rng(8)
    many = [
        (rng.uniform(1_000.0, 50_000.0, m), rng.uniform(0.0, 20.0, (m, 4)), np.zeros((m, 4)))
        for m in rng.integers(3, 41, 9)
    ]
    members, sizes, assets = stacked(coops_with_assets(farms, many, 1))
    params = CoopCostParams(12_345.678, 0.0123, 987.65, prices, distance=321.09)
    seeds = order_seeds(len(sizes), rng)
    whole = sampled_shapley_compiled(members, sizes, assets, seeds, 5, params)
    monkeypatch.setattr(allocation, "SPLIT_FROM", 1)
    for cores in (2, 3, 20):
        monkeypatch.setattr(allocation, "core_count", lambda cores=cores: cores)
        split = sampled_shapley_compiled(members, sizes, assets, seeds, 5, params)
        np.testing.assert_array_equal(split, whole)
