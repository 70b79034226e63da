"""Decision rules: join (R1), secede (R2), leave (R6), merge (R7), life cycle (R8), farm exit."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.economics import rules
from coopsim.economics.allocation import patronage_shares
from coopsim.economics.coop_costs import CoopCostParams, Group, coop_cost
from coopsim.economics.rules import Choice, Phase

TRACTOR = [1.0, 0.0, 0.0, 0.0]
NOTHING = [0.0, 0.0, 0.0, 0.0]


def one_coop(members: Group) -> Group:
    return members.sum_by(np.zeros(len(members.members), int), 1)


def shares_in(members: Group, coop: Group, params: CoopCostParams) -> np.ndarray:
    """Patronage shares of ``members`` in the single coop ``coop``."""
    one = np.zeros(len(members.members), int)
    cost = coop_cost(coop, params).take(one)
    return patronage_shares(members.value, members.need, coop.value[one], coop.need[one], cost)


@pytest.fixture
def fixed_only(prices):
    return CoopCostParams(fixed=10_000.0, handling_rate=0.0, governance=0.0, machinery=prices)


# --- R1 join ------------------------------------------------------------------------------


def test_join_gain_weighs_the_promised_gain_by_trust():
    # member 120,000 against alone 100,000, half believed: 0.5·20,000 = 10,000
    gain = rules.join_gain(
        np.array([120_000.0, 120_000.0]),
        np.array([100_000.0, 100_000.0]),
        autonomy_premium=np.zeros(2),
        trust=np.array([0.5, 0.0]),
        one_off_cost=0.0,
        one_off_grant=0.0,
        horizon_years=5,
    )
    np.testing.assert_allclose(gain, [10_000.0, 0.0])


def test_join_gain_spreads_one_off_costs_and_grants_over_the_horizon():
    # equity 100,000 + switching 50,000 against a 50,000 grant, over 5 years:
    # (50,000 − 150,000) / 5 = −20,000 a year
    gain = rules.join_gain(
        np.array([100_000.0]),
        np.array([100_000.0]),
        autonomy_premium=np.zeros(1),
        trust=np.ones(1),
        one_off_cost=150_000.0,
        one_off_grant=50_000.0,
        horizon_years=5,
    )
    np.testing.assert_allclose(gain, [-20_000.0])


def test_autonomy_premium_and_one_off_costs_can_outweigh_a_believed_gain():
    member, alone = np.full(3, 120_000.0), np.full(3, 100_000.0)
    trust = np.array([0.5, 1.0, 1.0])
    grant = np.array([50_000.0, 50_000.0, 150_000.0])
    gain = rules.join_gain(member, alone, np.full(3, 5_000.0), trust, 150_000.0, grant, 5)
    # half-trusting: 10,000 − 20,000 − 5,000 = −15,000 (stays alone)
    # fully trusting: 20,000 − 20,000 − 5,000 = −5,000 (still alone: the autonomy premium)
    # with a 150,000 grant covering the one-off costs: 20,000 + 0 − 5,000 = 15,000 (joins)
    np.testing.assert_allclose(gain, [-15_000.0, -5_000.0, 15_000.0])


def test_coop_admits_a_farm_whose_share_covers_the_cost_it_adds(fixed_only, farms):
    # incumbents A (owns a tractor) and B need 30 ha each: C = 10,000 + 20,000 + 60·300 = 48,000
    incumbents = farms([10_000, 10_000], [[30, 0, 0, 0]] * 2, [TRACTOR, NOTHING])
    newcomer = farms([10_000], [[30, 0, 0, 0]], [NOTHING])
    before, after = one_coop(incumbents), one_coop(incumbents) + newcomer
    # with the newcomer: 10,000 + 20,000 + 90·300 = 57,000, so it adds 9,000
    extra = coop_cost(after, fixed_only).total - coop_cost(before, fixed_only).total
    np.testing.assert_allclose(extra, [9_000.0])
    # its patronage share: a third of machinery 47,000 and of F 10,000 = 19,000 ≥ 9,000
    share = shares_in(newcomer, after, fixed_only)
    np.testing.assert_allclose(share, [19_000.0])
    assert rules.admits(extra, share)[0]


def test_coop_refuses_a_farm_whose_hired_work_would_raise_incumbents_shares(fixed_only, farms):
    # incumbents need 50 ha each: the tractor is full. C = 10,000 + 20,000 + 100·300 = 60,000
    incumbents = farms([10_000, 10_000], [[50, 0, 0, 0]] * 2, [TRACTOR, NOTHING])
    newcomer = farms([10_000], [[50, 0, 0, 0]], [NOTHING])
    before, after = one_coop(incumbents), one_coop(incumbents) + newcomer
    # with the newcomer 50 ha more are hired: 10,000 + 50,000 + 50·1,000 = 110,000 (+50,000)
    extra = coop_cost(after, fixed_only).total - coop_cost(before, fixed_only).total
    np.testing.assert_allclose(extra, [50_000.0])
    # its share: a third of 100,000 machinery + a third of 10,000 = 36,666.67 < 50,000
    share = shares_in(newcomer, after, fixed_only)
    np.testing.assert_allclose(share, [110_000.0 / 3])
    assert not rules.admits(extra, share)[0]


def test_admits_tolerates_rounding_but_not_a_real_shortfall():
    extra = np.array([1_000.0, 1_000.0, 1_000.0])
    share = np.array([1_000.0, 1_000.0 - 5e-7, 999.0])
    np.testing.assert_array_equal(rules.admits(extra, share), [True, True, False])


# --- R2 secession -------------------------------------------------------------------------


@pytest.fixture
def heterogeneous_coop(prices, farms):
    """Two large farms (300,000 each) and two small ones (100,000 each), no machinery."""
    params = CoopCostParams(
        fixed=10_000.0, handling_rate=0.01, governance=20_000.0, machinery=prices
    )
    members = farms([300_000, 300_000, 100_000, 100_000], [NOTHING] * 4, [NOTHING] * 4)
    # H = 0.5 (mean 200,000, sd 100,000): C = 10,000 + 0.01·800,000 + 20,000·0.5·4 = 58,000
    coop = one_coop(members)
    np.testing.assert_allclose(coop_cost(coop, params).total, [58_000.0])
    return params, members, coop


def test_large_farms_carrying_the_heterogeneity_cost_secede(heterogeneous_coop):
    params, members, coop = heterogeneous_coop
    shares = shares_in(members, coop, params)
    large = members.take(np.array([0, 1]))
    # they market 75 % of the value: 0.75·58,000 = 43,500 paid inside
    paid = shares[:2].sum()
    assert paid == pytest.approx(43_500.0)
    # on their own H = 0: 10,000 + 0.01·600,000 = 16,000, + 5,000 set-up = 21,000 < 43,500
    alone = coop_cost(coop - one_coop(members.take(np.array([2, 3]))), params).total
    np.testing.assert_allclose(alone, [16_000.0])
    np.testing.assert_allclose(coop_cost(one_coop(large), params).total, alone)
    assert rules.secedes(np.array([paid]), alone, setup_cost=5_000.0)[0]


def test_small_farms_whose_share_is_below_their_own_coops_cost_stay(heterogeneous_coop):
    params, members, coop = heterogeneous_coop
    shares = shares_in(members, coop, params)
    # they pay 0.25·58,000 = 14,500 inside
    paid = np.array([shares[2:].sum()])
    assert paid[0] == pytest.approx(14_500.0)
    # on their own: 10,000 + 0.01·200,000 = 12,000, + 5,000 set-up = 17,000 > 14,500: stay
    alone = coop_cost(one_coop(members.take(np.array([2, 3]))), params).total
    np.testing.assert_allclose(alone, [12_000.0])
    assert not rules.secedes(paid, alone, setup_cost=5_000.0)[0]
    # a cheaper set-up (2,000) tips them: 14,000 < 14,500
    assert rules.secedes(paid, alone, setup_cost=2_000.0)[0]


# --- R6 exit after bad years --------------------------------------------------------------


def test_member_is_dissatisfied_when_alone_plus_autonomy_beats_membership_by_more_than_tolerance():
    member = np.full(4, 100_000.0)
    alone = np.array([115_000.0, 105_000.0, 108_000.0, 108_000.0])
    autonomy = np.array([5_000.0, 5_000.0, 5_000.0, 0.0])
    bad = rules.dissatisfied(member, alone, autonomy, tolerance=np.full(4, 10_000.0))
    # 115,000 + 5,000 − 100,000 = 20,000 > 10,000: dissatisfied
    # 105,000 + 5,000 − 100,000 = 10,000, not more than the tolerance: satisfied
    # 108,000 + 5,000 − 100,000 = 13,000: dissatisfied; without the autonomy premium 8,000
    np.testing.assert_array_equal(bad, [True, False, True, False])


def test_member_leaves_after_three_consecutive_bad_years_and_a_good_year_resets_the_count():
    m = 3
    member, autonomy, tolerance = np.full(2, 100_000.0), np.full(2, 5_000.0), np.full(2, 10_000.0)
    bad_alone, good_alone = 115_000.0, 100_000.0  # 20,000 and 5,000 against a 10,000 tolerance
    # farm 0 is unhappy every year; farm 1 has a good third year
    alone_by_year = [
        [bad_alone, bad_alone],
        [bad_alone, bad_alone],
        [bad_alone, good_alone],
        [bad_alone, bad_alone],
        [bad_alone, bad_alone],
        [bad_alone, bad_alone],
    ]
    expected_counts = [[1, 1], [2, 2], [3, 0], [4, 1], [5, 2], [6, 3]]
    expected_leaves = [
        [False, False],
        [False, False],
        [True, False],  # farm 0 leaves after its third bad year
        [True, False],
        [True, False],
        [True, True],  # farm 1 needs three bad years after its good one
    ]
    bad_years = np.zeros(2, int)
    for alone, counts, leaving in zip(alone_by_year, expected_counts, expected_leaves, strict=True):
        now = rules.dissatisfied(member, np.array(alone), autonomy, tolerance)
        bad_years = rules.bad_years_after(bad_years, now)
        np.testing.assert_array_equal(bad_years, counts)
        np.testing.assert_array_equal(rules.leaves(bad_years, m), leaving)


@settings(max_examples=100, deadline=None)
@given(years=st.lists(st.booleans(), max_size=30))
def test_bad_years_count_the_current_run_of_dissatisfied_years(years):
    bad_years = np.zeros(1, int)
    for unhappy in years:
        bad_years = rules.bad_years_after(bad_years, np.array([unhappy]))
    run = 0
    for unhappy in reversed(years):
        if not unhappy:
            break
        run += 1
    assert bad_years[0] == run


# --- R7 merger ----------------------------------------------------------------------------


@pytest.fixture
def two_coops(prices, farms):
    """Coop A: two farms, 20 ha each, one tractor. Coop B: two farms, 25 ha each, none."""
    params = CoopCostParams(fixed=10_000.0, handling_rate=0.01, governance=0.0, machinery=prices)
    members = farms(
        [50_000] * 4,
        [[20, 0, 0, 0], [20, 0, 0, 0], [25, 0, 0, 0], [25, 0, 0, 0]],
        [TRACTOR, NOTHING, NOTHING, NOTHING],
    )
    coop = np.array([0, 0, 1, 1])
    both = members.sum_by(coop, 2)
    return params, members, coop, both


def test_merging_coops_save_a_fixed_cost_and_the_hire_of_the_smaller_ones_work(two_coops):
    params, _, _, both = two_coops
    cost = coop_cost(both, params).total
    merged = coop_cost(both.take(np.array([0])) + both.take(np.array([1])), params).total
    # C_A = 10,000 + 0.01·100,000 + 20,000 + 40·300 = 43,000
    # C_B = 10,000 + 1,000 + 50·1,000 = 61,000
    # C_AB = 10,000 + 0.01·200,000 + 20,000 + 90·300 = 59,000: saving 45,000 before merging
    np.testing.assert_allclose(cost, [43_000.0, 61_000.0])
    np.testing.assert_allclose(merged, [59_000.0])
    saving = rules.merger_saving(
        cost[:1], cost[1:], merged, merger_cost=30_000.0, borne_by_others=0
    )
    # 45,000 − 30,000 = 15,000 > 0: merge
    np.testing.assert_allclose(saving, [15_000.0])
    assert saving[0] > 0


def test_coops_do_not_merge_when_the_merger_costs_more_than_it_saves(two_coops):
    params, _, _, both = two_coops
    cost = coop_cost(both, params).total
    merged = coop_cost(both.take(np.array([0])) + both.take(np.array([1])), params).total
    saving = rules.merger_saving(
        cost[:1], cost[1:], merged, merger_cost=50_000.0, borne_by_others=0
    )
    # 45,000 − 50,000 = −5,000: no merger
    np.testing.assert_allclose(saving, [-5_000.0])
    assert saving[0] < 0


def test_merger_subsidy_tips_an_unprofitable_merger(two_coops):
    params, _, _, both = two_coops
    cost = coop_cost(both, params).total
    merged = coop_cost(both.take(np.array([0])) + both.take(np.array([1])), params).total
    saving = rules.merger_saving(
        cost[:1], cost[1:], merged, merger_cost=50_000.0, borne_by_others=0.5
    )
    # the state pays half the 50,000: 45,000 − 25,000 = 20,000 > 0
    np.testing.assert_allclose(saving, [20_000.0])
    assert saving[0] > 0


def test_a_merger_across_villages_costs_its_members_the_distance(two_coops):
    params, _, _, both = two_coops
    far = CoopCostParams(
        fixed=10_000.0,
        handling_rate=0.01,
        governance=0.0,
        machinery=params.machinery,
        distance=5_000.0,
    )
    merged = both.take(np.array([0])) + both.take(np.array([1]))
    spanning = Group(**{**merged.__dict__, "extra_villages": np.ones(1)})
    # the merged coop spans two villages: 5,000 for each of its 4 members on top of 59,000
    np.testing.assert_allclose(coop_cost(spanning, far).total, [59_000.0 + 4 * 5_000.0])
    # so the 45,000 saving shrinks to 25,000, and a merger cost of 30,000 is too much
    cost = coop_cost(both, far).total
    saving = rules.merger_saving(
        cost[:1], cost[1:], coop_cost(spanning, far).total, 30_000.0, borne_by_others=0
    )
    np.testing.assert_allclose(saving, [-5_000.0])


def test_every_member_of_both_coops_pays_less_after_the_merger(two_coops):
    params, members, coop, both = two_coops
    before = np.concatenate(
        [shares_in(members.take(np.flatnonzero(coop == k)), both.take([k]), params) for k in (0, 1)]
    )
    merged = both.take(np.array([0])) + both.take(np.array([1]))
    after = shares_in(members, merged, params)
    # before: A's members 32,000/2 + 11,000/2 = 21,500; B's 50,000/2 + 11,000/2 = 30,500
    np.testing.assert_allclose(before, [21_500.0, 21_500.0, 30_500.0, 30_500.0])
    # after: machinery 47,000 by use (20/90 and 25/90) plus overhead 12,000 / 4 = 3,000
    np.testing.assert_allclose(
        after, [47_000 * 20 / 90 + 3_000] * 2 + [47_000 * 25 / 90 + 3_000] * 2
    )
    np.testing.assert_array_equal(rules.majority_gains(before, after, coop, 2), [True, True])


def test_majority_means_more_than_half_of_a_coops_members():
    # coop 0: 2 of 3 pay less; coop 1: 1 of 2 (only half); coop 2: no members;
    # coop 3: one member whose share is unchanged (not a gain)
    before = np.array([100.0, 100.0, 100.0, 100.0, 100.0, 100.0])
    after = np.array([90.0, 90.0, 110.0, 90.0, 110.0, 100.0])
    coop = np.array([0, 0, 0, 1, 1, 3])
    np.testing.assert_array_equal(
        rules.majority_gains(before, after, coop, 4), [True, False, False, False]
    )


# --- farm exit ----------------------------------------------------------------------------


def test_a_successor_leaves_when_wage_and_rent_beat_farming_and_being_ones_own_boss():
    expected = np.array([1_000_000.0, 1_200_000.0, 1_000_000.0])
    premium = np.array([0.0, 0.0, 150_000.0])
    wage = np.full(3, 900_000.0)  # the farm's labour off the farm
    rent = np.full(3, 200_000.0)  # 100 ha at 2,000
    # 900,000 + 200,000 = 1,100,000 against 1,000,000 (leaves) and 1,200,000 (stays);
    # a premium of 150,000 makes 1,000,000 worth 1,150,000 to the third (stays)
    np.testing.assert_array_equal(
        rules.quits_farming(expected, premium, wage, rent), [True, False, False]
    )


def test_a_farm_breaking_even_with_nothing_outside_keeps_farming():
    # 0 outside is not more than 0 expected and 0 premium
    assert not rules.quits_farming(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))[0]


@settings(max_examples=100, deadline=None)
@given(expected=st.floats(-1e7, -1.0), premium=st.floats(0.0, 1e7))
def test_a_farm_expecting_a_loss_leaves_unless_independence_is_worth_the_loss(expected, premium):
    # nothing outside: it leaves exactly when the loss is larger than the premium
    left = rules.quits_farming(np.array([expected]), np.array([premium]), np.zeros(1), np.zeros(1))
    assert left[0] == (expected + premium < 0)


def test_a_farm_whose_losses_used_up_its_savings_and_credit_is_insolvent():
    cash = np.array([-50_000.0, -50_000.0, 10_000.0])
    credit = np.array([40_000.0, 60_000.0, 0.0])
    np.testing.assert_array_equal(rules.insolvent(cash, credit), [True, False, False])


def test_a_paper_coop_pays_its_founders_only_when_grants_beat_costs_and_expected_clawback():
    # grants of 300,000 per founder, registration 100,000 each, no audits: +200,000
    assert rules.paper_coop_gain(300_000.0, 100_000.0, 0.0, 1.0, 5) == 200_000.0
    # audited with chance 0.2 a year: found within five years with 1 − 0.8^5 = 0.672;
    # all clawed back: 300,000 · (1 − 0.672) − 100,000 = −1,600 → not worth it
    np.testing.assert_allclose(
        rules.paper_coop_gain(300_000.0, 100_000.0, 0.2, 1.0, 5), 300_000 * 0.8**5 - 100_000
    )
    assert rules.paper_coop_gain(300_000.0, 100_000.0, 0.2, 1.0, 5) < 0
    # without grants registering on paper never pays
    assert rules.paper_coop_gain(0.0, 1.0, 0.0, 0.0, 5) < 0


def test_distrust_discounts_a_promised_gain_but_not_a_loss():
    # a gain of 100,000 believed at trust 0.5 counts 50,000; a loss of 100,000 counts in full
    gain = rules.join_gain(
        np.array([200_000.0, 0.0]), np.full(2, 100_000.0), np.zeros(2), np.full(2, 0.5), 0, 0, 1
    )
    np.testing.assert_allclose(gain, [50_000.0, -100_000.0])


# --- R8 life cycle ------------------------------------------------------------------------


def test_coops_move_through_the_life_cycle():
    j, d, g, i, c = (
        Phase.JUSTIFICATION,
        Phase.DESIGN,
        Phase.GROWTH,
        Phase.INTROSPECTION,
        Phase.CHOICE,
    )
    cases = [
        # (phase, age, members now, members before, mean gain, years in phase) → next
        ((j, 0, 3, 0, 0.0, 0), j),  # founding year not over
        ((j, 1, 3, 0, 0.0, 0), d),  # first operating year
        ((d, 1, 3, 3, 0.0, 0), d),
        ((d, 2, 3, 3, 0.0, 1), g),
        ((g, 4, 12, 10, 500.0, 1), g),  # growing and gaining
        ((g, 4, 10, 10, 500.0, 1), i),  # no growth
        ((g, 4, 12, 10, -1.0, 1), i),  # growing but members lose
        ((i, 5, 12, 10, 0.0, 1), g),  # growth again
        ((i, 5, 10, 10, 0.0, 0), i),  # first stalled year in introspection
        ((i, 6, 9, 10, 0.0, 1), c),  # second stalled year: choose
        ((c, 7, 9, 9, -5.0, 0), g),  # continuing coops grow again
    ]
    inputs = np.array([case for case, _ in cases], dtype=float).T
    phase = inputs[0].astype(int)
    out = rules.next_phase(phase, *inputs[1:])
    np.testing.assert_array_equal(out, [nxt for _, nxt in cases])
    # the input is not changed in place
    np.testing.assert_array_equal(phase, [case[0] for case, _ in cases])


def test_coop_in_the_choice_phase_exits_merges_or_continues():
    gain = np.array([-1.0, 5.0, 5.0, 5.0])
    unhappy = np.array([0.9, 0.6, 0.5, 0.1])
    # losing on average: exit (whatever the mood); most dissatisfied: transition (merge);
    # exactly half, or few: continue
    np.testing.assert_array_equal(
        rules.choice(gain, unhappy),
        [Choice.EXIT, Choice.TRANSITION, Choice.CONTINUE, Choice.CONTINUE],
    )
