"""Investment (part of rule R4): coops buy machines when hiring costs more.

An active coop buys one machine of an asset when the contractor work it would take
over costs more than the machine's yearly cost after the investment subsidy and at
the credit rate in force (concessional or commercial). The subsidy actually paid
(within the budget, :func:`~coopsim.processes.subsidies.pay_investment`) lowers what
the coop finances with a loan. The test itself is
:func:`coopsim.economics.machinery.worth_buying`.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics.machinery import worth_buying
from coopsim.entities import PRIMARY
from coopsim.processes.subsidies import effective_credit_rate, pay_investment
from coopsim.processes.year import Year


def invest(y: Year) -> None:
    """Active coops buy one machine of an asset when hiring it costs more (R4).

    The decision counts the investment subsidy and concessional credit in force; the
    subsidy actually paid (within the budget) lowers the price the coop finances.
    """
    coops, e, policy, market = y.coops, y.economy, y.policy, y.market
    costs = y.scenario.costs
    active = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    if len(active) == 0:
        return
    rate = effective_credit_rate(policy, market, costs)
    prices = e.params.machinery
    annual_new = prices.price * (1 - policy.investment_subsidy) * (costs.depreciation_rate + rate)
    buy = worth_buying(e.coop_group.need[active], e.coop_group.machines[active], prices, annual_new)
    coop, asset = np.nonzero(buy)
    coop = active[coop]
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
