"""Subsidies: every payment of every instrument, within the year's budget (step 4 and 5).

Every payment the state makes goes through this module, and through the
:class:`Treasury`, which keeps the year's budget cap and a ledger of what was paid,
to which coop, for which instrument. When the claims of a payment round exceed what
is left of the budget, all of them are paid the same fraction (pro-rata rationing),
so the total never exceeds the cap. Amounts are in simulated units; the ledger and
the records scale them to real units.

Instruments, in the order they are paid each year:

* recurring, schedule step 4 (:func:`pay_recurring`): ``output`` (per tonne marketed
  through an active coop), ``audit`` (share of the audit cost), ``credit`` (interest
  below the commercial rate on coop machinery loans), ``start_up_aid`` (degressive
  share of marketed value in a coop's first years);
* with the decisions, step 5: ``start_up_grant`` (per new coop) and ``member_grant``
  (per new member) (:func:`pay_founding_grants`, :func:`pay_member_grants`),
  ``investment`` (share of machinery bought, :func:`pay_investment`), ``merger``
  (share of a merger's cost, :func:`pay_merger`);
* ``clawback``: grants an audit takes back from a coop found to exist only on paper
  (:func:`claw_back`), booked as negative amounts.

Tax relief is not a payment: it lowers coops' costs (:mod:`~coopsim.processes.markets`),
and :func:`tax_relief` values it for the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from coopsim.scenario import Costs, MarketLevers, PolicyLevers

if TYPE_CHECKING:
    from coopsim.processes.markets import YearEconomy
    from coopsim.processes.year import Year

INSTRUMENTS = (
    "output",
    "audit",
    "credit",
    "start_up_aid",
    "start_up_grant",
    "member_grant",
    "investment",
    "merger",
    "clawback",
)


@dataclass
class Treasury:
    """Pays subsidies within a yearly budget and records every payment.

    Attributes:
        budget: cap per year in simulated units (currency/year), or None for no cap.
        year: the year being paid.
        paid: paid so far this year (simulated currency).
        claimed: claimed so far this year (simulated currency).
        ledger: one row per payment round and coop: year, instrument, coop, claimed, paid.
        by_instrument: paid so far this year per instrument (simulated currency).
    """

    budget: float | None
    year: int = 0
    paid: float = 0.0
    claimed: float = 0.0
    ledger: list[tuple[int, str, int, float, float]] = field(default_factory=list)
    by_instrument: dict[str, float] = field(default_factory=dict)

    def open_year(self, year: int, budget: float | None) -> float:
        """Start paying ``year`` with its budget; returns last year's payout ratio."""
        ratio = self.paid / self.claimed if self.claimed > 0 else 1.0
        self.year, self.budget, self.paid, self.claimed = year, budget, 0.0, 0.0
        self.by_instrument = dict.fromkeys(INSTRUMENTS, 0.0)
        return ratio

    @property
    def remaining(self) -> float:
        """What is left of this year's budget (infinite without a cap)."""
        return np.inf if self.budget is None else max(self.budget - self.paid, 0.0)

    def pay(self, instrument: str, coop: np.ndarray, claims: np.ndarray) -> np.ndarray:
        """Pay ``claims`` (one per coop in ``coop``, currency) as far as the budget allows.

        Returns:
            What was paid for each claim: all of it, or the same fraction of each.
        """
        claims = np.maximum(np.asarray(claims, dtype=float), 0.0)
        total = float(claims.sum())
        if total <= 0:
            return np.zeros_like(claims)
        # rationed rounds keep a hair below the cap so that rounding never crosses it
        fraction = 1.0 if total <= self.remaining else self.remaining / total * (1 - 1e-12)
        paid = claims * fraction
        paid_total = float(paid.sum())
        self.paid += paid_total
        self.claimed += total
        self.by_instrument[instrument] += paid_total
        on = claims > 0
        rows = zip(coop[on].tolist(), claims[on].tolist(), paid[on].tolist(), strict=True)
        self.ledger.extend((self.year, instrument, k, c, p) for k, c, p in rows)
        return paid

    def pay_fraction(self, instrument: str, coop: np.ndarray, claims: np.ndarray) -> float:
        """Pay like :meth:`pay`; returns the fraction of every claim that was paid (0–1).

        For passing a payment on: a coop's members each get this fraction of their own
        claim.
        """
        total = float(np.maximum(claims, 0.0).sum())
        paid = float(self.pay(instrument, coop, claims).sum())
        return paid / total if total > 0 else 1.0


def effective_credit_rate(policy: PolicyLevers, market: MarketLevers, costs: Costs) -> float:
    """Yearly interest a coop pays on machinery loans (per year).

    The concessional rate when the policy offers one, else the commercial rate; grace
    years without interest are averaged over the loan's life (one depreciation period).
    """
    if policy.credit_rate is None:
        return market.interest_rate
    life = 1.0 / max(costs.depreciation_rate, 1e-9)
    return policy.credit_rate * max(life - policy.credit_grace_years, 0.0) / life


def tax_relief(costs: Costs, policy: PolicyLevers, economy: YearEconomy) -> float:
    """Turnover tax waived for coops this year (simulated currency/year)."""
    return float(costs.coop_tax_rate * policy.tax_relief * economy.coop_group.value.sum())


def _pass_to_members(y: Year, coop_received: np.ndarray) -> None:
    """Share what coops received among their members by value marketed (patronage)."""
    e = y.economy
    idx = np.flatnonzero(e.member)
    c = y.farms.coop[idx]
    value = e.coop_group.value[c]
    y.income[idx] += np.divide(
        coop_received[c] * e.value[idx], value, out=np.zeros(len(idx)), where=value > 0
    )


def pay_recurring(y: Year) -> None:
    """Step 4: output subsidies, audit, credit and start-up aid, within the budget.

    Output subsidies reach each member per tonne it marketed through its coop; what
    coops receive for audit, credit and start-up aid is passed on by value marketed.
    """
    e, coops, policy, market = y.economy, y.coops, y.policy, y.market
    k = len(coops)
    active = np.flatnonzero(coops.active())

    idx = np.flatnonzero(e.member)
    c = y.farms.coop[idx]
    own_claim = (e.output_t[idx] @ e.output_subsidy) * e.delivery[idx]  # on what it delivered
    claim = np.bincount(c, weights=own_claim, minlength=k)
    y.income[idx] += own_claim * y.treasury.pay_fraction("output", active, claim[active])

    received = np.zeros(k)
    received[active] += y.treasury.pay(
        "audit",
        active,
        np.full(len(active), y.scenario.costs.audit_cost * y.overhead * policy.audit_subsidy),
    )
    if policy.credit_rate is not None:
        gap = market.interest_rate - effective_credit_rate(policy, market, y.scenario.costs)
        received[active] += y.treasury.pay("credit", active, coops.loan[active] * max(gap, 0.0))
    aid = np.asarray(policy.start_up_aid, dtype=float)
    if len(aid):
        years = coops.active_years[active]
        young = years < len(aid)
        revenue = np.bincount(c, weights=e.revenue_coop[idx], minlength=k)[active]
        claim_aid = np.where(young, aid[np.minimum(years, len(aid) - 1)] * revenue, 0.0)
        if policy.start_up_aid_cap is not None:
            claim_aid = np.minimum(claim_aid, policy.start_up_aid_cap)
        received[active] += y.treasury.pay("start_up_aid", active, claim_aid)
    _pass_to_members(y, received)
    coops.loan *= 1.0 - y.scenario.costs.depreciation_rate
    coops.active_years[active] += 1  # years the coop has sold through, this one included


def pay_member_grants(
    y: Year, new_members: np.ndarray, operating: bool, grant_per_coop: np.ndarray | None = None
) -> np.ndarray:
    """Member grants for ``new_members`` (already in their coops), added to their income.

    With ``grant_per_coop`` (the start-up grants just paid to new coops) each founder
    also receives its equal part of its coop's grant.

    Returns:
        What each new member received (currency).
    """
    policy = y.policy
    coop = y.farms.coop[new_members].astype(np.int64)
    if policy.member_grant_needs_operation and not operating:
        claims = np.zeros(len(new_members))
    else:
        claims = np.full(len(new_members), policy.member_grant)
    per_coop = np.bincount(coop, weights=claims, minlength=len(y.coops))
    coops_paid = np.unique(coop)
    received = claims * y.treasury.pay_fraction("member_grant", coops_paid, per_coop[coops_paid])
    if grant_per_coop is not None and len(grant_per_coop):
        size = np.bincount(coop, minlength=len(y.coops))
        start = np.zeros(len(y.coops))
        new = np.unique(coop)
        start[new] = grant_per_coop / np.maximum(size[new], 1)
        received = received + start[coop]
    y.income[new_members] += received
    np.add.at(y.coops.grants, coop, received)  # what an audit may claw back
    return received


def pay_founding_grants(
    y: Year, new_coops: np.ndarray, founders: np.ndarray, operating: bool
) -> np.ndarray:
    """Start-up grants for ``new_coops`` and member grants for their ``founders``.

    The start-up grant is shared equally by a coop's founders.

    Returns:
        What each founder received (currency).
    """
    grant = y.treasury.pay(
        "start_up_grant", new_coops, np.full(len(new_coops), y.policy.start_up_grant)
    )
    return pay_member_grants(y, founders, operating, grant_per_coop=grant)


def pay_investment(y: Year, coop: np.ndarray, price: np.ndarray) -> np.ndarray:
    """The investment subsidy on machines bought: one per coop in ``coop`` at ``price``.

    Returns:
        What was paid towards each machine (currency).
    """
    return y.treasury.pay("investment", coop, price * y.policy.investment_subsidy)


def pay_merger(y: Year, coop: np.ndarray) -> np.ndarray:
    """The merger subsidy for each merger, paid to the coop that absorbs (``coop``).

    Returns:
        What was paid towards each merger's cost (currency).
    """
    claims = np.full(len(coop), y.scenario.costs.merger_cost * y.overhead * y.policy.merger_subsidy)
    return y.treasury.pay("merger", coop, claims)


def claw_back(y: Year, coop: np.ndarray) -> np.ndarray:
    """Exposed paper coops pay back ``clawback_share`` of the grants they received.

    The members who signed up repay it, in equal parts. It is booked in the ledger as a
    negative payment of the instrument ``clawback``, so the year's net spending falls.

    Returns:
        What each coop paid back (currency).
    """
    coops, farms = y.coops, y.farms
    back = coops.grants[coop] * y.policy.clawback_share
    for k, amount in zip(coop.tolist(), back.tolist(), strict=True):
        if amount > 0:
            y.treasury.ledger.append((y.year, "clawback", k, -amount, -amount))
    total = float(back.sum())
    y.treasury.by_instrument["clawback"] -= total  # the budget and payout ratio are gross
    coops.grants[coop] -= back
    members = np.flatnonzero(np.isin(farms.coop, coop))
    share = np.zeros(len(coops))
    share[coop] = back / np.maximum(coops.members[coop], 1)
    y.income[members] -= share[farms.coop[members]]
    return back
