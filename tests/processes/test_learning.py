"""Learning on the network: awareness and trust, hand-computed."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from coopsim.processes.learning import learn_trust, spread_awareness

shares = st.floats(0.0, 1.0)


def test_awareness_closes_part_of_the_gap_to_neighbours_then_the_campaign_reaches_more() -> None:
    # 0.2 + 0.5 · (0.6 − 0.2) = 0.4; then the campaign reaches 10 % of the 0.6 left: 0.46
    out = spread_awareness(np.array([0.2]), np.array([0.6]), np.array([3.0]), 0.5, 0.1)
    np.testing.assert_allclose(out, [0.46])
    # no neighbours: only the campaign
    out = spread_awareness(np.array([0.2]), np.array([0.0]), np.array([0.0]), 0.5, 0.1)
    np.testing.assert_allclose(out, [0.28])


@given(shares, shares, st.integers(0, 5), shares, shares)
def test_awareness_never_falls_and_stays_within_0_and_1(a, mean, count, contagion, campaign):
    out = spread_awareness(np.array([a]), np.array([mean]), np.array([count]), contagion, campaign)
    assert a - 1e-12 <= out[0] <= 1.0 + 1e-12


def test_trust_moves_towards_the_share_of_satisfied_neighbours_in_coops() -> None:
    # 0.5 + 0.2 · (1.0 − 0.5) = 0.6 and 0.5 + 0.2 · (0.0 − 0.5) = 0.4; no members around: kept
    out = learn_trust(
        np.array([0.5, 0.5, 0.5]), np.array([1.0, 0.0, 0.0]), np.array([2, 3, 0]), 0.2
    )
    np.testing.assert_allclose(out, [0.6, 0.4, 0.5])
