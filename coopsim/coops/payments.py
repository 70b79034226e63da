"""Schedule step 4: the recurring subsidies of the year.

Output, audit, credit and degressive start-up aid, paid within the budget and passed
on to members.
"""

from __future__ import annotations

import numpy as np

from coopsim.coops.year import Year
from coopsim.entities import (
    PRIMARY,
)
from coopsim.policy import effective_credit_rate


def _pass_to_members(y: Year, coop_received: np.ndarray) -> None:
    """Share what coops received among their members by value marketed (patronage)."""
    e = y.economy
    idx = np.flatnonzero(e.member)
    c = y.farms.coop[idx]
    value = e.coop_group.value[c]
    y.income[idx] += np.divide(
        coop_received[c] * e.value[idx], value, out=np.zeros(len(idx)), where=value > 0
    )


def pay_recurring_subsidies(y: Year) -> None:
    """Step 4: output subsidies, audit, credit and start-up aid, within the budget."""
    e, coops, policy, market = y.economy, y.coops, y.policy, y.market
    k = len(coops)
    active = np.flatnonzero(coops.active(PRIMARY))

    # output subsidy: per tonne a member markets through its coop, passed on per tonne
    idx = np.flatnonzero(e.member)
    c = y.farms.coop[idx]
    own_claim = e.output_t[idx] @ e.output_subsidy
    claim = np.bincount(c, weights=own_claim, minlength=k)
    y.income[idx] += own_claim * y.treasury.pay_fraction("output", active, claim[active])

    received = np.zeros(k)
    received[active] += y.treasury.pay(
        "audit", active, np.full(len(active), y.scenario.costs.audit_cost * policy.audit_subsidy)
    )
    if policy.credit_rate is not None:
        gap = market.interest_rate - effective_credit_rate(policy, market, y.scenario.costs)
        received[active] += y.treasury.pay("credit", active, coops.loan[active] * max(gap, 0.0))
    aid = np.asarray(policy.start_up_aid, dtype=float)
    if len(aid):
        years = coops.active_years[active]
        young = years < len(aid)
        revenue = np.bincount(c, weights=e.revenue_member[idx], minlength=k)[active]
        claim_aid = np.where(young, aid[np.minimum(years, len(aid) - 1)] * revenue, 0.0)
        if policy.start_up_aid_cap is not None:
            claim_aid = np.minimum(claim_aid, policy.start_up_aid_cap)
        received[active] += y.treasury.pay("start_up_aid", active, claim_aid)
    _pass_to_members(y, received)
    coops.loan *= 1.0 - y.scenario.costs.depreciation_rate
    coops.active_years[active] += 1  # years the coop has sold through, this one included
