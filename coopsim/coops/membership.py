"""Farms entering and leaving coops (schedule step 5).

Carries out the farms' decisions (rules R1, R6, farm exit), registrations under KPI
pressure, and nominal coops starting to operate (R8).
"""

from __future__ import annotations

import numpy as np

from coopsim.coops.year import Year, dissolve, leave, pay_member_grants, register_coops
from coopsim.decisions import FarmChoices
from coopsim.economics import rules
from coopsim.entities import (
    ACTIVE,
    NO_COOP,
    NOMINAL,
    PRIMARY,
    sorted_groups,
)


def apply_farm_choices(y: Year, choices: FarmChoices) -> None:
    """Step 5: carry out the farms' decisions (quit, leave, join, found)."""
    farms, coops = y.farms, y.coops
    before = (farms.coop.copy(), farms.bad_years.copy()) if y.events.log_decisions else None
    quitting = np.flatnonzero(choices.quits)
    leave(y, quitting)
    farms.farming[quitting] = False
    _hand_over_land(y, quitting)
    y.events.count("farm_exits", len(quitting))

    leaving = np.flatnonzero(choices.leaves)
    leave(y, leaving)
    y.events.count("exits", len(leaving))

    joining = np.flatnonzero(choices.join != NO_COOP)
    target = choices.join[joining]
    farms.coop[joining] = target
    farms.member_years[joining] = 0
    farms.bad_years[joining] = 0
    np.add.at(coops.members, target, 1)
    np.add.at(coops.capital, target, y.scenario.costs.equity_per_member)
    y.events.count("joins", len(joining))
    grants = pay_member_grants(y, joining, operating=True)
    costs = y.scenario.costs
    y.income[joining] -= costs.equity_per_member + costs.switching_cost

    founders = np.flatnonzero(choices.founds)
    _, group_of, _ = sorted_groups(farms.village[founders])
    new, founder_grants = register_coops(y, founders, group_of, ACTIVE, "founded", equity=True)
    y.events.count("foundings", len(new))
    size = np.bincount(group_of)[group_of]
    y.income[founders] -= (
        costs.equity_per_member + costs.switching_cost + costs.founding_cost / size
    )

    if before is not None:
        received = np.zeros(len(farms))
        received[joining] = grants
        received[founders] = founder_grants
        _log_choices(y, choices, before, received)


def _log_choices(
    y: Year,
    choices: FarmChoices,
    before: tuple[np.ndarray, np.ndarray],
    received: np.ndarray,
) -> None:
    """Decision-log rows for the farms that decided something this year.

    ``before`` holds each farm's coop and bad-year count before the decisions were
    carried out; ``received`` what each farm got in grants on joining or founding.
    """
    e, farms, costs = y.economy, y.farms, y.scenario.costs
    coop_before, bad_before = before
    join_cost = costs.equity_per_member + costs.switching_cost
    founders = np.flatnonzero(choices.founds)
    founding_share = np.zeros(len(farms))
    founding_share[founders] = (
        costs.founding_cost / np.bincount(farms.coop[founders])[farms.coop[founders]]
    )
    stayed = np.flatnonzero(choices.considered & (choices.join == NO_COOP) & ~choices.founds)
    for action, farms_ in (
        ("quit farming", np.flatnonzero(choices.quits)),
        ("left", np.flatnonzero(choices.leaves)),
        ("joined", np.flatnonzero(choices.join != NO_COOP)),
        ("founded", np.flatnonzero(choices.founds)),
        ("stayed alone", stayed),
    ):
        for i in farms_.tolist():
            if action in ("joined", "founded"):
                coop = int(farms.coop[i])
            elif action == "stayed alone":
                coop = int(choices.option[i])
            else:
                coop = int(coop_before[i])
            region = farms.region[i]
            price_option = (
                (e.output_t[i] * e.coop_price[coop]).sum() / max(e.output_t[i].sum(), 1e-12)
                if coop >= 0 and coop < len(e.coop_price)
                else float("nan")
            )
            y.events.decision(
                farm=i,
                action=action,
                coop=coop,
                payoff_alone=float(e.payoff_alone[i]),
                payoff_option=float(
                    e.payoff_member[i] if action == "left" else choices.option_payoff[i]
                ),
                autonomy_premium=float(e.autonomy_premium[i]),
                trust=float(farms.trust[i]),
                machinery_alone=float(e.machinery_alone[i]),
                machinery_option=float(
                    e.machinery_share[i] if action == "left" else choices.option_machinery[i]
                ),
                price_alone=float(
                    (e.output_t[i] * e.price_alone[region]).sum() / max(e.output_t[i].sum(), 1e-12)
                ),
                price_option=float(price_option),
                grant=float(received[i]),
                one_off_cost=float(join_cost + founding_share[i]),
                gain=float(choices.gain[i]),
                bad_years=int(bad_before[i]),
                expected_income=float(farms.expected_income[i]),
                outside_income=float(
                    y.market.off_farm_wage * farms.labour_units[i]
                    + y.market.land_rent * farms.land_ha[i]
                ),
            )


def _hand_over_land(y: Year, quitting: np.ndarray) -> None:
    """Land of farms that quit is rented by a random farm still farming in the village."""
    farms = y.farms
    if len(quitting) == 0:
        return
    staying = np.flatnonzero(farms.farming)
    village = farms.village[staying]
    first = np.searchsorted(village, farms.village[quitting], side="left")
    last = np.searchsorted(village, farms.village[quitting], side="right")
    has = last > first
    pick = first[has] + (y.rng.random(has.sum()) * (last[has] - first[has])).astype(np.int64)
    np.add.at(farms.land_ha, staying[pick], farms.land_ha[quitting[has]])
    farms.land_ha[quitting] = 0.0
    farms.livestock_head[quitting] = 0.0


def register_under_pressure(y: Year) -> None:
    """KPI pressure (R8): administrations register coops on paper to meet their targets.

    In each region short of its target, ``kpi_pressure`` of the shortfall is registered
    this year, each coop in a different village, from ``min_founders`` farms outside any
    coop. Such coops are nominal until their members find operating worthwhile.
    """
    policy, farms, coops = y.policy, y.farms, y.coops
    if policy.kpi_pressure <= 0 or policy.kpi_coops_per_region <= 0:
        return
    size = y.scenario.behaviour.min_founders
    target = policy.kpi_coops_per_region / y.scale
    n_regions = int(farms.region.max()) + 1
    registered = np.bincount(coops.region[coops.registered(PRIMARY)], minlength=n_regions)
    wanted = np.maximum(target - registered, 0.0) * policy.kpi_pressure
    wanted = np.floor(wanted + y.rng.random(n_regions)).astype(np.int64)
    free = farms.farming & (farms.coop == NO_COOP)
    _, _, start = sorted_groups(farms.village)
    end = np.r_[start[1:], len(farms)]
    enough = np.add.reduceat(free, start) >= size if len(start) else np.zeros(0, bool)
    village_region = farms.region[start]
    chosen = []
    for r in np.flatnonzero(wanted):
        here = np.flatnonzero(enough & (village_region == r))
        chosen.extend(y.rng.permutation(here)[: wanted[r]].tolist())
    if not chosen:
        return
    founders = []
    for v in sorted(chosen):
        candidates = start[v] + np.flatnonzero(free[start[v] : end[v]])
        founders.append(np.sort(y.rng.choice(candidates, size, replace=False)))
    founders = np.concatenate(founders)
    group_of = np.repeat(np.arange(len(chosen)), size)
    farms.awareness[founders] = 1.0
    new, _ = register_coops(y, founders, group_of, NOMINAL, "registered_nominal")
    y.events.count("foundings", len(new))
    y.events.count("nominal_registrations", len(new))
    for i in founders.tolist():
        y.events.decision(farm=i, action="registered under pressure", coop=int(farms.coop[i]))


def _coop_offers(y: Year, coop_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each member of ``coop_ids`` and its gain (R1, no one-off terms) if its coop operated."""
    farms, e = y.farms, y.economy
    idx = np.flatnonzero(np.isin(farms.coop, coop_ids) & farms.farming)
    _, group_of = np.unique(farms.coop[idx], return_inverse=True)
    groups = int(group_of.max()) + 1 if len(idx) else 0
    group = e.groups_of_farms(idx, group_of, groups)
    region = farms.region[idx][np.unique(group_of, return_index=True)[1]].astype(np.int64)
    offer = e.payoff_in(idx, group, e.new_coop_price(group, region), which=group_of)
    gain = rules.join_gain(
        offer.payoff, e.payoff_alone[idx], e.autonomy_premium[idx], farms.trust[idx], 0.0, 0.0, 1.0
    )
    return idx, farms.coop[idx], gain


def activate_or_drop_nominal(y: Year) -> None:
    """R8: nominal coops start operating when most members would gain from it.

    Without KPI pressure, those still nominal are wound up after
    ``nominal_dissolve_years``.
    """
    coops = y.coops
    nominal = np.flatnonzero((coops.status == NOMINAL) & (coops.tier == PRIMARY))
    if len(nominal) == 0:
        return
    _, coop, gain = _coop_offers(y, nominal)
    votes = np.bincount(coop, weights=gain > 0, minlength=len(coops))
    activate = nominal[votes[nominal] > coops.members[nominal] / 2]
    coops.status[activate] = ACTIVE
    for k in activate:
        y.events.coop_event(k, "activated", NO_COOP, coops.members[k], coops.region[k], PRIMARY)
    y.events.count("activations", len(activate))
    still = np.setdiff1d(nominal, activate)
    coops.nominal_years[still] += 1
    if y.policy.kpi_pressure <= 0:
        old = still[coops.nominal_years[still] >= y.scenario.behaviour.nominal_dissolve_years]
        dissolve(y, old, "dissolved_nominal")
