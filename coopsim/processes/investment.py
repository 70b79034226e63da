"""Investment and its finance (part of rule R4): coops buy machines, and some cannot repay.

* **Buying** (:func:`invest`): an active coop buys one machine of an asset when the
  contractor work it would take over pays for the machine within the members' planning
  horizon (the horizon problem: :func:`coopsim.economics.machinery.worth_buying`),
  after the investment subsidy and at the credit rate in force. It finances the rest
  with a loan, and can borrow only up to a multiple of its members' equity: the
  commercial ``market.coop_leverage``, or under concessional credit
  ``policy.credit_leverage``. Concessional credit thus changes access to finance as
  well as its price. The subsidy actually paid (within the budget,
  :func:`~coopsim.processes.subsidies.pay_investment`) lowers what the coop borrows.
* **Default** (:func:`default_on_loans`): a coop that runs at a loss for its members
  cannot service its loans; it is wound up and what it owes is written off.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics.machinery import worth_buying
from coopsim.entities import PRIMARY
from coopsim.processes.register import wind_up
from coopsim.processes.subsidies import effective_credit_rate, pay_investment
from coopsim.processes.year import Year


def loan_limit(y: Year, coop: np.ndarray) -> np.ndarray:
    """What each coop in ``coop`` may owe in all (currency): its equity times its leverage."""
    policy, market = y.policy, y.market
    leverage = policy.credit_leverage if policy.credit_rate is not None else market.coop_leverage
    return y.coops.capital[coop] * leverage


def invest(y: Year) -> None:
    """Active coops buy the machines that pay within the members' horizon, if they can borrow."""
    coops, e, policy, market = y.coops, y.economy, y.policy, y.market
    costs = y.scenario.costs
    active = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    if len(active) == 0:
        return
    rate = effective_credit_rate(policy, market, costs)
    prices = e.params.machinery
    net_price = prices.price * (1 - policy.investment_subsidy)
    horizon = y.scenario.behaviour.planning_horizon_years
    buy = worth_buying(
        e.coop_group.need[active], e.coop_group.machines[active], prices, net_price, rate, horizon
    )
    coop, asset = np.nonzero(buy)  # by coop, then by asset
    coop = active[coop]
    # what each coop would owe for its purchases so far, in the order of its assets
    cost = net_price[asset]
    total = np.cumsum(cost)
    start = np.flatnonzero(np.r_[True, coop[1:] != coop[:-1]]) if len(coop) else coop
    earlier = np.repeat(total[start] - cost[start], np.diff(np.r_[start, len(coop)]))
    financed = coops.loan[coop] + total - earlier <= loan_limit(y, coop)
    coop, asset = coop[financed], asset[financed]
    if len(coop) == 0:
        return
    subsidy = pay_investment(y, coop, prices.price[asset])
    net = prices.price[asset] - subsidy
    np.add.at(coops.bought, (coop, asset), 1.0)
    np.add.at(
        coops.bought_holding, (coop, asset), net * (costs.depreciation_rate + market.interest_rate)
    )
    np.add.at(coops.loan, coop, net)
    y.events.count("machines_bought", len(coop))


def default_on_loans(
    y: Year, members: np.ndarray, member_coop: np.ndarray, operating_income: np.ndarray
) -> None:
    """Coops that run at a loss for their members and owe money default on their loans.

    A coop runs at a loss when its members who stayed earned less money through it than
    they would have alone, on average (their operating income against their payoff
    alone; no valued benefit counts here). Such a coop cannot service a loan: it is wound
    up and what it still owes is written off.

    Args:
        y: the year.
        members: members who stayed in their coops this year.
        member_coop: their coops.
        operating_income: each farm's income after the recurring subsidies and before the
            one-off amounts of the decisions (currency/year).
    """
    coops, e = y.coops, y.economy
    k = len(coops)
    money = operating_income[members] - e.payoff_alone[members]
    mean_money = np.bincount(member_coop, weights=money, minlength=k) / np.maximum(
        np.bincount(member_coop, minlength=k), 1
    )
    failing = np.flatnonzero(coops.active(PRIMARY) & (mean_money < 0) & (coops.loan > 0))
    if len(failing) == 0:
        return
    y.events.count("loan_defaults", len(failing))
    y.events.count("loans_written_off", float(coops.loan[failing].sum()))
    coops.loan[failing] = 0.0
    wind_up(y, failing, "dissolved_default")
