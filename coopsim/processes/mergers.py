"""Mergers (rule R7): coops look for a partner in their region and merge when it pays.

A merger saves what the two coops cost apart over what they would cost together,
less the merger cost they bear after the merger subsidy, spread over the planning
horizon (:func:`coopsim.economics.rules.merger_saving`); and more than half of the
members of each coop must gain (:func:`coopsim.economics.rules.majority_gains`).
About half of real mergers realise the expected savings (Cramer 1967); a merger that
does not keeps a second fixed cost. The merger subsidy is paid through
:func:`~coopsim.processes.subsidies.pay_merger`.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics import rules
from coopsim.economics.allocation import patronage_shares
from coopsim.economics.coop_costs import Group, coop_cost
from coopsim.entities import NO_COOP, PRIMARY
from coopsim.processes.register import wind_up
from coopsim.processes.subsidies import pay_merger
from coopsim.processes.year import Year


def merge(y: Year) -> None:
    """R7: coops look for a partner in their region and merge when it pays.

    A searching coop (chance ``merger_search_probability``, or certainly after choosing
    transition in its life cycle) proposes to a random active coop of its region. Pairs
    are settled in a random order, each coop in at most one merger a year. A pair merges
    when C_A + C_B − C_AB exceeds the merger cost the coops bear, and more than half of
    the members of each would pay less under patronage than they would under patronage
    in their coop now. The smaller coop's members join the larger; with
    probability 1 − ``merger_success_probability`` the savings do not materialise and
    the merged coop keeps a second fixed cost.
    """
    farms, coops, e = y.farms, y.coops, y.economy
    behaviour, costs = y.scenario.behaviour, y.scenario.costs
    active = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    if len(active) < 2:
        return
    searching = active[
        (y.rng.random(len(active)) < behaviour.merger_search_probability)
        | coops.seeking_merger[active]
    ]
    by_region = active[np.argsort(coops.region[active], kind="stable")]
    region_sorted = coops.region[by_region]
    lo = np.searchsorted(region_sorted, coops.region[searching], side="left")
    hi = np.searchsorted(region_sorted, coops.region[searching], side="right")
    partner = by_region[lo + (y.rng.random(len(searching)) * (hi - lo)).astype(np.int64)]
    paired = np.zeros(len(coops), bool)
    pairs = []
    for p in y.rng.permutation(len(searching)).tolist():
        a, b = int(searching[p]), int(partner[p])
        if a != b and not paired[a] and not paired[b]:
            paired[a] = paired[b] = True
            pairs.append((a, b))
    if not pairs:
        return
    a, b = np.array(pairs).T
    merged_group = e.coop_group.take(a) + e.coop_group.take(b)
    subsidy_share = y.policy.merger_subsidy * y.payout_ratio  # as much as the budget paid
    union_charge = y.scenario.federation.union_cost_per_coop * (coops.union >= 0)
    # a merged coop pays its union once
    merged_group = merged_group - Group.of_assets(
        np.zeros((len(a), 4)), np.zeros((len(a), 4)), np.minimum(union_charge[a], union_charge[b])
    )
    merged_cost = coop_cost(merged_group, e.params)
    saving = rules.merger_saving(
        e.coop_cost.total[a],
        e.coop_cost.total[b],
        merged_cost.total,
        costs.merger_cost,
        subsidy_share,
        behaviour.planning_horizon_years,
    )
    pair_of = np.full(len(coops), -1)
    pair_of[a] = np.arange(len(a))
    pair_of[b] = np.arange(len(b))
    idx, c = e.still_members(farms.coop)
    in_pair = pair_of[c] >= 0
    idx, c = idx[in_pair], c[in_pair]
    p = pair_of[c]
    # like with like: patronage in the merged coop against patronage in their coop now,
    # so that a coop sharing by the Shapley value judges the merger, not the rule
    after = patronage_shares(
        e.value[idx], e.need[idx], merged_group.value[p], merged_group.need[p], merged_cost.take(p)
    )
    now = patronage_shares(
        e.value[idx], e.need[idx], e.coop_group.value[c], e.coop_group.need[c], e.coop_cost.take(c)
    )
    majority = rules.majority_gains(now, after, c, len(coops))
    go = (saving > 0) & majority[a] & majority[b]
    if not go.any():
        return
    keep = np.where(coops.members[a] >= coops.members[b], a, b)  # the larger absorbs
    # the members still in merging coops bear the merger cost less the subsidy, by value
    subsidy = np.zeros(len(a))
    subsidy[go] = pay_merger(y, keep[go])
    paying = go[p]
    pair_value = np.bincount(p[paying], weights=e.value[idx[paying]], minlength=len(a))
    y.income[idx[paying]] -= (
        (costs.merger_cost - subsidy[p[paying]]) * e.value[idx[paying]] / pair_value[p[paying]]
    )
    a, b, keep = a[go], b[go], keep[go]
    gone = np.where(keep == a, b, a)
    remap = np.arange(len(coops))
    remap[gone] = keep
    members = farms.coop != NO_COOP
    farms.coop[members] = remap[farms.coop[members]]
    coops.members[keep] += coops.members[gone]
    for name in ("bought", "bought_holding", "loan", "capital", "extra_fixed"):
        getattr(coops, name)[keep] += getattr(coops, name)[gone]
    failed = y.rng.random(len(keep)) >= behaviour.merger_success_probability
    coops.extra_fixed[keep[failed]] += e.params.fixed
    coops.seeking_merger[keep] = False
    coops.members[gone] = 0
    for k, g in zip(keep.tolist(), gone.tolist(), strict=True):
        y.events.coop_event(g, "merged_into", k, coops.members[k], coops.region[k], PRIMARY)
    wind_up(y, gone, None)
    y.events.count("mergers", len(keep))
