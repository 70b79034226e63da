"""The year being simulated, as every cooperative process sees it.

Also what the processes share: registering coops (with their grants), members
leaving, and dissolving coops.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.economics.rules import Phase
from coopsim.economy import YearEconomy
from coopsim.entities import (
    ACTIVE,
    DISSOLVED,
    NO_COOP,
    PATRONAGE,
    PRIMARY,
    SHAPLEY,
    Coops,
    Farms,
)
from coopsim.policy import Treasury
from coopsim.records import YearEvents
from coopsim.scenario import MarketLevers, PolicyLevers, Scenario


@dataclass
class Year:
    """What every process of the year needs: the state, the economy, the levers."""

    scenario: Scenario
    year: int
    farms: Farms
    coops: Coops
    economy: YearEconomy
    treasury: Treasury
    events: YearEvents
    rng: np.random.Generator
    scale: float
    payout_ratio: float
    operating_income: np.ndarray | None = None  # income before the decisions' one-offs

    @property
    def income(self) -> np.ndarray:
        """Each farm's income this year so far (currency/year)."""
        return self.farms.income

    @property
    def policy(self) -> PolicyLevers:
        """Policy levers in force this year."""
        return self.scenario.policy_in(self.year)

    @property
    def market(self) -> MarketLevers:
        """Market levers in force this year."""
        return self.scenario.market_in(self.year)


def register_coops(
    y: Year,
    founders: np.ndarray,
    group_of: np.ndarray,
    status: int,
    event: str,
    parent: np.ndarray | None = None,
    equity: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Register one coop per group of founders; pays start-up and member grants.

    ``event`` names the lineage record; ``parent`` gives, per group, the coop it came
    from (for a secession), recorded as the other coop; ``equity`` says whether the
    founders pay in their share capital (the caller charges it to their incomes).

    Returns:
        The new coops' indices and what each founder received in grants (currency).
    """
    farms, coops = y.farms, y.coops
    groups = group_of.max() + 1 if len(group_of) else 0
    first = np.unique(group_of, return_index=True)[1]
    size = np.bincount(group_of, minlength=groups)
    rule = SHAPLEY if y.scenario.cost_sharing == "shapley" else PATRONAGE
    new = coops.add(
        groups,
        status=status,
        tier=PRIMARY,
        region=farms.region[founders[first]],
        village=farms.village[founders[first]],
        founded=y.year,
        phase=Phase.JUSTIFICATION,
        rule=rule,
        members=size,
        members_before=0,
        capital=size * y.scenario.costs.equity_per_member * equity,
    )
    farms.coop[founders] = new[group_of]
    farms.member_years[founders] = 0
    farms.bad_years[founders] = 0
    other = np.full(groups, NO_COOP) if parent is None else parent
    for coop, n, o in zip(new, size, other, strict=True):
        y.events.coop_event(coop, event, o, n, coops.region[coop], PRIMARY)
    grant = y.treasury.pay("start_up_grant", new, np.full(groups, y.policy.start_up_grant))
    received = pay_member_grants(y, founders, status == ACTIVE, grant_per_coop=grant)
    return new, received


def pay_member_grants(
    y: Year, new_members: np.ndarray, operating: bool, grant_per_coop: np.ndarray | None = None
) -> np.ndarray:
    """Member grants for ``new_members`` (and a new coop's start-up grant, shared)."""
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
    return received


def leave(y: Year, leaving: np.ndarray) -> None:
    """Farms leave their coops (if any)."""
    farms = y.farms
    member = leaving[farms.coop[leaving] != NO_COOP]
    np.add.at(y.coops.members, farms.coop[member], -1)
    farms.coop[member] = NO_COOP
    farms.member_years[member] = 0
    farms.bad_years[member] = 0


def dissolve(y: Year, coop_ids: np.ndarray, event: str | None) -> None:
    """Wind up coops: members are free again, the coop's row is kept as dissolved."""
    coops, farms = y.coops, y.farms
    coop_ids = np.asarray(coop_ids, dtype=np.int64)
    coop_ids = coop_ids[coops.status[coop_ids] != DISSOLVED]
    if len(coop_ids) == 0:
        return
    primary = coop_ids[coops.tier[coop_ids] == PRIMARY]
    if len(primary):
        freed = np.flatnonzero(np.isin(farms.coop, primary))
        leave(y, freed)
    coops.union[np.isin(coops.union, coop_ids)] = NO_COOP
    for k in coop_ids.tolist():
        if event is not None:
            y.events.coop_event(k, event, NO_COOP, coops.members[k], coops.region[k], coops.tier[k])
    coops.status[coop_ids] = DISSOLVED
    coops.members[coop_ids] = 0
    if event is not None:
        y.events.count("dissolutions", len(primary))
