"""The register of cooperatives: coops registered, members entered and struck off, coops wound up.

Every change of who belongs to which coop goes through here, and so does every coop
that is registered or wound up, with its line of lineage (``docs/outputs.md``). The
processes decide; the register writes it down. Grants that come with registering
are paid by :mod:`~coopsim.processes.subsidies`.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics.rules import Phase
from coopsim.entities import DISSOLVED, NO_COOP, PATRONAGE, PRIMARY, SHAPLEY
from coopsim.processes.year import Year


def register_coops(
    y: Year,
    founders: np.ndarray,
    group_of: np.ndarray,
    status: int,
    event: str,
    parent: np.ndarray | None = None,
    equity: bool = False,
) -> np.ndarray:
    """Register one primary coop per group of founders and enter them as its members.

    Args:
        y: the year.
        founders: the founding farms.
        group_of: each founder's group (0, 1, …): one coop per group.
        status: the new coops' status (active, or nominal when registered on paper).
        event: the lineage record (``"founded"``, ``"registered_nominal"``, …).
        parent: per group, the coop it came from (a secession), recorded as the other
            coop.
        equity: whether the founders pay in their share capital (the caller charges
            it to their incomes).

    Returns:
        The new coops' indices.
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
        villages=1,
        capital=size * y.scenario.costs.equity_per_member * equity,
    )
    farms.coop[founders] = new[group_of]
    farms.member_years[founders] = 0
    farms.bad_years[founders] = 0
    farms.delivery[founders] = 1.0
    other = np.full(groups, NO_COOP) if parent is None else parent
    for coop, n, o in zip(new, size, other, strict=True):
        y.events.coop_event(coop, event, o, n, coops.region[coop], PRIMARY)
    return new


def enter_members(y: Year, joining: np.ndarray, coop: np.ndarray) -> None:
    """Enter farms ``joining`` as members of ``coop`` (one each); they pay in equity."""
    farms, coops = y.farms, y.coops
    farms.coop[joining] = coop
    farms.member_years[joining] = 0
    farms.bad_years[joining] = 0
    farms.delivery[joining] = 1.0
    np.add.at(coops.members, coop, 1)
    np.add.at(coops.capital, coop, y.scenario.costs.equity_per_member)


def strike_off(y: Year, leaving: np.ndarray) -> None:
    """Farms ``leaving`` are struck off their coops' rolls (those in none are ignored)."""
    farms = y.farms
    member = leaving[farms.coop[leaving] != NO_COOP]
    np.add.at(y.coops.members, farms.coop[member], -1)
    farms.coop[member] = NO_COOP
    farms.member_years[member] = 0
    farms.bad_years[member] = 0
    farms.delivery[member] = 1.0


def wind_up(y: Year, coop_ids: np.ndarray, event: str | None) -> None:
    """Wind up coops: members are free again, the coop's row is kept as dissolved.

    Args:
        y: the year.
        coop_ids: the coops (those already dissolved are skipped).
        event: the lineage record, or None when the caller records its own (a merger);
            then the coops are not counted as dissolutions either.
    """
    coops, farms = y.coops, y.farms
    coop_ids = np.asarray(coop_ids, dtype=np.int64)
    coop_ids = coop_ids[coops.status[coop_ids] != DISSOLVED]
    if len(coop_ids) == 0:
        return
    primary = coop_ids[coops.tier[coop_ids] == PRIMARY]
    if len(primary):
        freed = np.flatnonzero(np.isin(farms.coop, primary))
        strike_off(y, freed)
    coops.union[np.isin(coops.union, coop_ids)] = NO_COOP
    for k in coop_ids.tolist():
        if event is not None:
            y.events.coop_event(k, event, NO_COOP, coops.members[k], coops.region[k], coops.tier[k])
    coops.status[coop_ids] = DISSOLVED
    coops.members[coop_ids] = 0
    if event is not None:
        y.events.count("dissolutions", len(primary))
