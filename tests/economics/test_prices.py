"""Farm-gate prices: the buyers' margin, bargaining premium and yardstick effect (rule R5)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.economics.prices import coop_price, farm_gate_base, nonmember_price


def test_lone_farm_gets_the_buyers_price_less_their_margin():
    base = farm_gate_base(np.array([100.0, 300.0]), 0.2, shock=np.array([1.1, 0.9]))
    # 100·1.1·0.8 = 88 and 300·0.9·0.8 = 216
    np.testing.assert_allclose(base, [88.0, 216.0])


def test_coop_price_rises_with_its_share_of_regional_volume():
    price = coop_price(
        np.array([80.0, 80.0, 80.0]),
        share=np.array([0.0, 0.25, 0.5]),
        premium=0.2,
        ceiling=np.array([100.0, 100.0, 100.0]),
    )
    # 80·(1 + 0.2·0) = 80, 80·(1 + 0.2·0.25) = 84, 80·(1 + 0.2·0.5) = 88
    np.testing.assert_allclose(price, [80.0, 84.0, 88.0])


def test_coop_price_is_capped_at_the_buyers_price():
    price = coop_price(np.array([80.0]), np.array([1.0]), premium=0.5, ceiling=np.array([100.0]))
    # 80·(1 + 0.5·1) = 120, but the buyers pay no more than their own price, 100
    np.testing.assert_allclose(price, [100.0])


def test_coop_price_broadcasts_one_share_over_two_products():
    base = np.array([[80.0, 240.0]])
    price = coop_price(base, np.array([[0.5]]), 0.2, ceiling=np.array([[100.0, 250.0]]))
    # 80·1.1 = 88 under 100; 240·1.1 = 264, capped at 250
    np.testing.assert_allclose(price, [[88.0, 250.0]])


def test_nonmembers_gain_a_smaller_yardstick_effect_than_members():
    share = 0.5
    member = coop_price(np.array([80.0]), np.array([share]), 0.2, ceiling=np.array([100.0]))
    alone = nonmember_price(
        np.array([80.0]), np.array([share]), premium=0.2, yardstick=0.3, ceiling=np.array([100.0])
    )
    # a coop with half the region's volume: 80·(1 + 0.2·0.5) = 88;
    # non-members get 30 % of that effect: 80·(1 + 0.3·0.2·0.5) = 82.4
    np.testing.assert_allclose(alone, [82.4])
    assert 80.0 < alone[0] < member[0]


def test_nonmembers_get_the_base_price_where_there_are_no_coops():
    alone = nonmember_price(
        np.array([80.0, 216.0]),
        np.zeros(2),
        premium=0.2,
        yardstick=0.3,
        ceiling=np.array([100.0, 270.0]),
    )
    np.testing.assert_array_equal(alone, [80.0, 216.0])


def test_nonmember_price_never_exceeds_the_buyers_price():
    # buyers' price 100 with a 20 % margin: base 80. A strong premium (β = 0.5, allowed up
    # to 5) and yardstick (0.9, allowed up to 1) with coops marketing the whole region:
    # 80·(1 + 0.9·0.5·1) = 116, more than the buyers get themselves, and more than the
    # coop's own capped price (test above: 100)
    buyers = np.array([100.0])
    base = farm_gate_base(buyers, 0.2, np.ones(1))
    alone = nonmember_price(base, np.array([1.0]), premium=0.5, yardstick=0.9, ceiling=buyers)
    assert alone[0] == buyers[0]


@settings(max_examples=100, deadline=None)
@given(
    base=st.floats(1.0, 1e5),
    share=st.floats(0.0, 1.0),
    premium=st.floats(0.0, 5.0),
    headroom=st.floats(1.0, 2.0),
)
def test_coop_price_stays_between_the_base_and_the_ceiling(base, share, premium, headroom):
    ceiling = base * headroom
    price = coop_price(np.array([base]), np.array([share]), premium, np.array([ceiling]))[0]
    assert base * (1 - 1e-12) <= price <= ceiling
