"""Investment and its finance (part of R4) on a hand-built coop."""

from __future__ import annotations

import numpy as np
from handmade import lineage_events, state, year_of

from coopsim.economics.machinery import COMBINE, TRACTOR, TRUCK
from coopsim.processes.investment import default_on_loans, invest

# Three farms of 1,000 ha without machines or livestock, all work hired:
# tractor 3,000 ha, truck 3 · 1,200 t = 3,600 t, combine 3,000 ha.
# A machine takes over up to its capacity of hired work and saves the hire price less the
# running cost (35 % of it); members weigh five years of it against the price plus five
# years of interest at 14 % (a factor 1.7):
#   tractor: 8,000 · 0.65 · 400 ha = 2.08 M a year, 10.4 M  >  6 M · 1.7 = 10.2 M → bought
#   truck:   2,500 · 0.65 · 1,500 t = 2.44 M a year, 12.2 M >  4 M · 1.7 = 6.8 M  → bought
#   combine: 7,000 · 0.65 · 800 ha = 3.64 M a year, 18.2 M < 25 M · 1.7 = 42.5 M → not,
#            unless three quarters of the price are repaid: 6.25 M · 1.7 = 10.6 M  → bought
FARMS = [{"land_ha": 1_000, "livestock_head": 0}] * 3


def bought(capital: float, **values: object) -> tuple[object, object]:
    s = state(FARMS, coops=[[0, 1, 2]], **values)
    s.coops.capital[0] = capital
    y = year_of(s)
    invest(y)
    return s.coops, y


def test_a_coop_buys_the_machines_that_pay_within_its_members_horizon() -> None:
    coops, y = bought(capital=5e6)  # it may owe 3 × 5 M = 15 M
    np.testing.assert_array_equal(coops.bought[0], [1, 1, 0, 0])
    assert coops.loan[0] == 6_000_000 + 4_000_000
    assert y.events.counts["machines_bought"] == 2
    assert y.treasury.paid == 0


def test_a_coop_buys_only_what_it_can_borrow_for() -> None:
    # equity of 2 M lets it owe 6 M commercially: the tractor, not the truck as well
    coops, _ = bought(capital=2e6)
    np.testing.assert_array_equal(coops.bought[0], [1, 0, 0, 0])
    assert coops.loan[0] == 6_000_000


def test_concessional_credit_opens_access_to_finance_as_well_as_lowering_its_price() -> None:
    # at 5 % a tractor costs 6 M · 1.25 over five years, and the coop may owe 9 × 2 M
    coops, _ = bought(capital=2e6, **{"policy.credit_rate": 0.05})
    np.testing.assert_array_equal(coops.bought[0], [1, 1, 0, 0])


def test_an_investment_subsidy_tips_the_combine_and_is_paid_on_every_machine() -> None:
    coops, y = bought(capital=5e6, **{"policy.investment_subsidy": 0.75})
    np.testing.assert_array_equal(coops.bought[0], [1, 1, 1, 0])
    price = {TRACTOR: 6e6, TRUCK: 4e6, COMBINE: 25e6}
    assert y.treasury.by_instrument["investment"] == 0.75 * sum(price.values())
    assert coops.loan[0] == 0.25 * sum(price.values())  # the coop finances the rest
    # the coop holds them at the commercial rate on what it paid: (7 % + 14 %) of it
    np.testing.assert_allclose(
        coops.bought_holding[0, [TRACTOR, TRUCK, COMBINE]],
        [0.25 * p * 0.21 for p in price.values()],
    )


def test_a_coop_running_at_a_loss_for_its_members_defaults_on_its_loans() -> None:
    s = state(FARMS, coops=[[0, 1, 2]])
    s.coops.loan[0] = 1_000_000.0
    y = year_of(s)
    members, coop = np.arange(3), np.zeros(3, np.int64)
    # members earned 10,000 more than alone each: it can service its loan
    default_on_loans(y, members, coop, y.economy.payoff_alone + 10_000.0)
    assert s.coops.status[0] == 1
    # 10,000 less than alone: it defaults, is wound up and its loan written off
    default_on_loans(y, members, coop, y.economy.payoff_alone - 10_000.0)
    assert s.coops.status[0] == 0 and s.coops.loan[0] == 0.0
    assert ("dissolved_default", 0, -1) in lineage_events(y)
    assert y.events.counts["loans_written_off"] == 1_000_000
