"""The state's side: paying subsidies within the budget, with exact accounting.

Every payment goes through :class:`Treasury`, which keeps the year's budget cap and a
ledger of what was paid, to which coop, for which instrument. When the claims of a
payment round exceed what is left of the budget, all of them are paid the same
fraction (pro-rata rationing), so the total never exceeds the cap. Amounts are in
simulated units; the ledger and the records scale them to real units.

Instruments, in the order they are paid each year:

* recurring, schedule step 4: ``output`` (per tonne marketed through an active
  coop), ``audit`` (share of the audit cost), ``credit`` (interest below the
  commercial rate on coop machinery loans), ``start_up_aid`` (degressive share of
  marketed value in a coop's first years);
* with the decisions, step 5: ``start_up_grant`` (per new coop), ``member_grant``
  (per new member), ``investment`` (share of machinery bought), ``merger`` (share
  of a merger's cost).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from coopsim.scenario import Costs, MarketLevers, PolicyLevers

INSTRUMENTS = (
    "output",
    "audit",
    "credit",
    "start_up_aid",
    "start_up_grant",
    "member_grant",
    "investment",
    "merger",
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
        for k, c, p in zip(coop.tolist(), claims.tolist(), paid.tolist(), strict=True):
            if c > 0:
                self.ledger.append((self.year, instrument, k, c, p))
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
