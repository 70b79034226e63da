"""Life cycle and nominal coops (rule R8, Cook 1995, 2018).

* **Registered on paper** (:func:`register_paper_coops`): farms register coops that
  exist only on paper (nominal coops) when the grants they capture beat the cost and
  the expected clawback; under regional KPI targets, administrations push them to.
* **Audits** (:func:`audit`): an audit exposes a paper coop; its grants are clawed back
  and trust falls in its village.
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
from coopsim.processes.subsidies import claw_back, pay_founding_grants
from coopsim.processes.year import Year


def register_paper_coops(y: Year) -> None:
    """R8 capture: farms register coops that exist only on paper when the grants pay.

    In every village with enough farms outside any coop, a registration is proposed this
    year with a chance that comes from two sides: the farms themselves (their revision
    probability times their mean awareness of the programme) and, in regions short of
    their KPI target, the administration (``kpi_pressure``), which then also takes on
    that share of the registration cost, and pushes no more registrations than its
    region is short of. ``min_founders`` farms of the village weigh it
    (:func:`coopsim.economics.rules.paper_coop_gain`): the start-up grant and the member
    grants they would capture, against their part of the registration cost and the
    grants an audit would claw back. At most one such coop per village and year. It is
    nominal until its members find operating worthwhile.
    """
    policy, farms, coops, behaviour = y.policy, y.farms, y.coops, y.scenario.behaviour
    size = behaviour.min_founders
    n_regions = int(farms.region.max()) + 1
    registered = np.bincount(coops.region[coops.registered(PRIMARY)], minlength=n_regions)
    short = registered * y.scale < policy.kpi_coops_per_region
    free = farms.farming & (farms.coop == NO_COOP)
    _, _, start = sorted_groups(farms.village)
    end = np.r_[start[1:], len(farms)]
    if len(start) == 0:
        return
    free_count = np.add.reduceat(free, start)
    awareness = np.add.reduceat(farms.awareness * free, start) / np.maximum(free_count, 1)
    region = farms.region[start]
    pushed = short[region] * policy.kpi_pressure
    chance = 1.0 - (1.0 - behaviour.revision_probability * awareness) * (1.0 - pushed)
    approached = (y.rng.random(len(start)) < chance) & (free_count >= size)
    member_grants = 0.0 if policy.member_grant_needs_operation else size * policy.member_grant
    grants = (policy.start_up_grant + member_grants) * y.payout_ratio / size
    cost = y.scenario.costs.founding_cost * y.overhead * (1.0 - pushed) / size
    gain = rules.paper_coop_gain(
        grants,
        cost,
        policy.audit_probability,
        policy.clawback_share,
        behaviour.planning_horizon_years,
    )
    chosen = np.flatnonzero(approached & (gain > 0))
    # an administration pushes only as many registrations as its region is short of
    shortfall = np.maximum(policy.kpi_coops_per_region / y.scale - registered, 0.0)
    allowed = np.floor(shortfall + y.rng.random(n_regions)).astype(np.int64)
    pushed_here = chosen[pushed[chosen] > 0]
    order = pushed_here[y.rng.permutation(len(pushed_here))]
    rank = np.zeros(len(order), np.int64)
    for r in np.unique(region[order]).tolist():
        mine = region[order] == r
        rank[mine] = np.arange(mine.sum())
    too_many = order[rank >= allowed[region[order]]]
    chosen = np.setdiff1d(chosen, too_many)
    if len(chosen) == 0:
        return
    founders = np.concatenate(
        [
            np.sort(y.rng.choice(start[v] + np.flatnonzero(free[start[v] : end[v]]), size, False))
            for v in chosen.tolist()
        ]
    )
    group_of = np.repeat(np.arange(len(chosen)), size)
    farms.awareness[founders] = 1.0
    new = register_coops(y, founders, group_of, NOMINAL, "registered_nominal")
    pay_founding_grants(y, new, founders, operating=False)
    y.income[founders] -= np.repeat(cost[chosen], size)  # their part of the registration
    y.events.count("foundings", len(new))
    y.events.count("nominal_registrations", len(new))
    action = np.where(pushed[chosen] > 0, "registered under pressure", "registered on paper")
    for i, g in zip(founders.tolist(), group_of.tolist(), strict=True):
        y.events.decision(farm=i, action=str(action[g]), coop=int(farms.coop[i]))


def audit(y: Year) -> None:
    """Audits: each registered coop is audited with chance ``audit_probability``.

    An audit exposes a coop that exists only on paper (nominal): its grants are clawed
    back (:func:`~coopsim.processes.subsidies.claw_back`), it is struck off the register,
    and the farms of its village lose ``paper_coop_trust_loss`` of their trust in
    cooperation.
    """
    coops, farms = y.coops, y.farms
    if y.policy.audit_probability <= 0:
        return
    registered = np.flatnonzero(coops.registered(PRIMARY))
    audited = registered[y.rng.random(len(registered)) < y.policy.audit_probability]
    exposed = audited[coops.status[audited] == NOMINAL]
    y.events.count("audits", len(audited))
    if len(exposed) == 0:
        return
    claw_back(y, exposed)
    villages = np.unique(coops.village[exposed])
    loss = y.scenario.behaviour.paper_coop_trust_loss
    farms.trust[np.isin(farms.village, villages)] *= 1.0 - loss
    wind_up(y, exposed, "struck_off_audit")
    y.events.count("paper_coops_exposed", len(exposed))


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
        offer.benefit, e.payoff_alone[idx], e.autonomy_premium[idx], farms.trust[idx], 0.0, 0.0, 1.0
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
