"""Life cycle and nominal coops (rule R8, Cook 1995, 2018).

* **Registered on paper** (:func:`register_under_pressure`): under regional KPI
  targets, administrations register coops that exist only on paper (nominal coops).
* **Starting to operate or wound up** (:func:`activate_or_drop_nominal`): a nominal
  coop operates once most of its members would gain from it; without pressure, one
  still nominal after ``nominal_dissolve_years`` is wound up.
* **Phases** (:func:`advance_life_cycle`): justification, design, growth,
  introspection and a choice to exit, continue or seek a merger
  (:func:`coopsim.economics.rules.next_phase`, :func:`~coopsim.economics.rules.choice`).
* **Too small to exist** (:func:`dissolve_empty`): a coop with fewer than two members
  is wound up.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics import rules
from coopsim.economics.rules import Choice, Phase
from coopsim.entities import ACTIVE, NO_COOP, NOMINAL, PRIMARY, sorted_groups
from coopsim.processes.register import register_coops, wind_up
from coopsim.processes.subsidies import pay_founding_grants
from coopsim.processes.year import Year


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
    new = register_coops(y, founders, group_of, NOMINAL, "registered_nominal")
    pay_founding_grants(y, new, founders, operating=False)
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
        wind_up(y, old, "dissolved_nominal")


def advance_life_cycle(
    y: Year, member_coop: np.ndarray, gain: np.ndarray, dissatisfied: np.ndarray
) -> None:
    """R8: move every registered primary coop to its next phase; act on choices.

    Args:
        y: the year.
        member_coop: the coop of each member who stayed in it this year.
        gain: each such member's gain over staying alone, net of its autonomy premium
            (currency/year).
        dissatisfied: whether each was dissatisfied (rule R6).

    See :func:`~coopsim.processes.leaving.member_verdicts` for the last three.
    """
    coops = y.coops
    registered = np.flatnonzero(coops.registered(PRIMARY))
    if len(registered) == 0:
        return
    k = len(coops)
    c, unhappy_member = member_coop, dissatisfied
    count = np.maximum(np.bincount(c, minlength=k), 1)
    mean_gain = np.bincount(c, weights=gain, minlength=k) / count
    unhappy = np.bincount(c, weights=unhappy_member, minlength=k) / count
    age = y.year - coops.founded[registered]
    new_phase = rules.next_phase(
        coops.phase[registered],
        age,
        coops.members[registered],
        coops.members_before[registered],
        mean_gain[registered],
        coops.years_in_phase[registered],
    )
    choosing = registered[
        (coops.phase[registered] == Phase.CHOICE) & (coops.status[registered] == ACTIVE)
    ]
    decision = rules.choice(mean_gain[choosing], unhappy[choosing])
    changed = new_phase != coops.phase[registered]
    coops.years_in_phase[registered] = np.where(changed, 0, coops.years_in_phase[registered] + 1)
    coops.phase[registered] = new_phase
    coops.members_before[registered] = coops.members[registered]
    coops.seeking_merger[choosing] = decision == Choice.TRANSITION
    wind_up(y, choosing[decision == Choice.EXIT], "dissolved_exit")


def dissolve_empty(y: Year) -> None:
    """Registered primary coops with fewer than two member farms are dissolved."""
    coops = y.coops
    small = np.flatnonzero(coops.registered(PRIMARY) & (coops.members < 2))
    wind_up(y, small, "dissolved_empty")
