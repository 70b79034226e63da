"""Subsidies: each recurring instrument paid by hand-computed amounts, within the budget."""

from __future__ import annotations

import numpy as np
import pytest
from handmade import state, year_of

from coopsim.processes.subsidies import Treasury, effective_credit_rate, pay_recurring

# two equal farms in one coop: whatever the coop receives is passed on half and half
PAIR = [{"land_ha": 50, "livestock_head": 10}] * 2


def paid(**values: object) -> tuple[np.ndarray, object]:
    s = state(PAIR, coops=[[0, 1]], **values)
    y = year_of(s)
    before = s.farms.income.copy()
    pay_recurring(y)
    return s.farms.income - before, y


def test_half_the_audit_is_paid_and_passed_on_by_value() -> None:
    gained, y = paid(**{"policy.audit_subsidy": 0.5})  # audit_cost 300,000
    assert y.treasury.by_instrument["audit"] == 150_000.0
    np.testing.assert_allclose(gained, 75_000.0)


def test_concessional_credit_pays_the_interest_gap_on_the_coops_loan() -> None:
    s = state(PAIR, coops=[[0, 1]], **{"policy.credit_rate": 0.04})
    s.coops.loan[0] = 1_000_000.0
    y = year_of(s)
    pay_recurring(y)
    # commercial 14 % against 4 %: 100,000 on a loan of 1,000,000; the loan then
    # depreciates with the machines it bought (7 %)
    assert y.treasury.by_instrument["credit"] == pytest.approx(100_000.0)
    assert s.coops.loan[0] == pytest.approx(930_000.0)


def test_grace_years_lower_the_rate_averaged_over_the_loans_life() -> None:
    s = state(PAIR, **{"policy.credit_rate": 0.06, "policy.credit_grace_years": 2})
    # a loan lives one depreciation period, 1 / 0.07 = 14.29 years; two are free
    rate = effective_credit_rate(s.scenario.policy, s.scenario.market, s.scenario.costs)
    assert rate == pytest.approx(0.06 * (1 / 0.07 - 2) / (1 / 0.07))


def test_degressive_start_up_aid_follows_the_coops_year_and_its_cap() -> None:
    s = state(PAIR, coops=[[0, 1]], **{"policy.start_up_aid": [0.10, 0.08]})
    s.coops.active_years[0] = 1  # its second year of selling: 8 %
    y = year_of(s)
    revenue = y.economy.revenue_member.sum()
    pay_recurring(y)
    assert y.treasury.by_instrument["start_up_aid"] == pytest.approx(0.08 * revenue)
    capped = state(
        PAIR, coops=[[0, 1]], **{"policy.start_up_aid": [0.1], "policy.start_up_aid_cap": 1e3}
    )
    capped.coops.active_years[0] = 0
    y = year_of(capped)
    pay_recurring(y)
    assert y.treasury.by_instrument["start_up_aid"] == 1_000.0
    assert capped.coops.active_years[0] == 1  # one more year of selling counted


def test_output_subsidy_reaches_each_member_per_tonne_it_marketed() -> None:
    gained, y = paid(**{"policy.output_subsidy_livestock": 1_000.0})
    tonnes = 10 * 1.5  # 10 head at 1.5 t each
    np.testing.assert_allclose(gained, 1_000.0 * tonnes)
    assert y.treasury.by_instrument["output"] == 2 * 1_000.0 * tonnes


def test_claims_beyond_the_budget_are_all_paid_the_same_fraction() -> None:
    treasury = Treasury(budget=None)
    treasury.open_year(2020, budget=300.0)
    paid_first = treasury.pay("audit", np.array([0, 1]), np.array([100.0, 100.0]))
    np.testing.assert_allclose(paid_first, [100.0, 100.0])
    paid_second = treasury.pay("credit", np.array([0, 1]), np.array([150.0, 50.0]))
    np.testing.assert_allclose(paid_second, [75.0, 25.0], rtol=1e-9)  # 100 of 200 left
    assert treasury.paid <= 300.0
    assert [row[1] for row in treasury.ledger] == ["audit", "audit", "credit", "credit"]
    # the next year opens with last year's payout ratio: 300 paid of 400 claimed
    assert treasury.open_year(2021, budget=None) == pytest.approx(0.75)
