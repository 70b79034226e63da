"""Investment (part of R4) on a hand-built coop: which machines it buys, and who pays."""

from __future__ import annotations

import numpy as np
from handmade import state, year_of

from coopsim.economics.machinery import COMBINE, TRACTOR, TRUCK
from coopsim.processes.investment import invest

# Three farms of 1,000 ha without machines or livestock, all work hired:
# tractor 3,000 ha, truck 3 · 1,200 t = 3,600 t, combine 3,000 ha.
# A machine takes over up to its capacity of hired work and saves the hire price less
# the running cost (35 % of it); it costs price · (depreciation 7 % + interest 14 %):
#   tractor: 8,000 · 0.65 · 400 ha = 2.08 M saved  >  6 M · 0.21 = 1.26 M   → bought
#   truck:   2,500 · 0.65 · 1,500 t = 2.44 M saved >  4 M · 0.21 = 0.84 M   → bought
#   combine: 7,000 · 0.65 · 800 ha = 3.64 M saved  < 25 M · 0.21 = 5.25 M   → not bought,
#            unless half the price is repaid: 2.625 M < 3.64 M             → bought
FARMS = [{"land_ha": 1_000, "livestock_head": 0}] * 3


def bought(subsidy: float) -> tuple[np.ndarray, object]:
    s = state(FARMS, coops=[[0, 1, 2]], **{"policy.investment_subsidy": subsidy})
    y = year_of(s)
    invest(y)
    return s.coops, y


def test_a_coop_buys_the_machines_that_pay_for_themselves() -> None:
    coops, y = bought(0.0)
    np.testing.assert_array_equal(coops.bought[0], [1, 1, 0, 0])
    assert coops.loan[0] == 6_000_000 + 4_000_000
    assert y.events.counts["machines_bought"] == 2
    assert y.treasury.paid == 0


def test_an_investment_subsidy_tips_the_combine_and_is_paid_on_every_machine() -> None:
    coops, y = bought(0.5)
    np.testing.assert_array_equal(coops.bought[0], [1, 1, 1, 0])
    price = {TRACTOR: 6e6, TRUCK: 4e6, COMBINE: 25e6}
    assert y.treasury.by_instrument["investment"] == 0.5 * sum(price.values())
    assert coops.loan[0] == 0.5 * sum(price.values())  # the coop finances the rest
    # the coop holds them at the commercial rate on what it paid: (7 % + 14 %) of it
    np.testing.assert_allclose(
        coops.bought_holding[0, [TRACTOR, TRUCK, COMBINE]],
        [0.5 * p * 0.21 for p in price.values()],
    )
