"""Mergers (rule R7): coops look for a partner and merge when it pays.

A merger saves what the two coops cost apart over what they would cost together,
less the merger cost they bear after the merger subsidy, spread over the planning
horizon (:func:`coopsim.economics.rules.merger_saving`); and more than half of the
members of each coop must gain, counting their part of that cost
(:func:`coopsim.economics.rules.majority_gains`). A
coop spanning more villages costs more to run (``costs.distance_cost``, rule R4), so
merging stops paying beyond some size. About half of real mergers realise the expected
savings (Cramer 1967); a merger that does not keeps a second fixed cost. The merger
subsidy is paid through :func:`~coopsim.processes.subsidies.pay_merger`.

Two pushes from outside: a national **merger plan** (coops per region aimed at, e.g.
the Japanese cooperative congress's 1,000 coops of 1988) makes coops of regions above
it look for a partner every year, has its organisers bear ``merger_plan_pressure`` of
the merger cost and carry the members' vote wherever the merger saves cost; a legal
**minimum size** makes smaller coops look every year and merge whenever it saves cost,
without a vote. Partners are drawn from the coop's own
region, or from the whole country where the scenario allows mergers across regions.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics import rules
from coopsim.economics.allocation import patronage_split_by_coop
from coopsim.economics.coop_costs import CoopCost, Group, coop_cost
from coopsim.economics.machinery import take_rows
from coopsim.entities import NO_COOP, PRIMARY, Coops
from coopsim.processes.markets import YearEconomy
from coopsim.processes.register import wind_up
from coopsim.processes.subsidies import pay_merger
from coopsim.processes.year import Year


def merge(y: Year) -> None:
    """R7: coops look for a partner in their region and merge when it pays.

    A searching coop (chance ``merger_search_probability``, or certainly after choosing
    transition in its life cycle) proposes to a random active coop of its region. Pairs
    are settled in a random order, each coop in at most one merger a year. A pair merges
    when C_A + C_B − C_AB exceeds the merger cost the coops bear, and more than half of
    the members of each would pay less under patronage, with their part of the merger
    cost (by value, over the planning horizon), than under patronage in their coop now.
    The smaller coop's members join the larger; with
    probability 1 − ``merger_success_probability`` the savings do not materialise and
    the merged coop keeps a second fixed cost.
    """
    farms, coops, e = y.farms, y.coops, y.economy
    behaviour, costs = y.scenario.behaviour, y.scenario.costs
    active = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    if len(active) < 2:
        return
    policy = y.policy
    planned = above_plan(y)
    small = coops.members < policy.min_coop_members
    pushed = planned[coops.region] | small
    searching = active[
        (y.rng.random(len(active)) < behaviour.merger_search_probability)
        | coops.seeking_merger[active]
        | pushed[active]
    ]
    # partners from the coop's own region, or from anywhere
    area = np.zeros(len(coops), np.int64)
    if not y.scenario.federation.merge_across_regions:
        area = coops.region.astype(np.int64)
    by_area = active[np.argsort(area[active], kind="stable")]
    area_sorted = area[by_area]
    lo = np.searchsorted(area_sorted, area[searching], side="left")
    hi = np.searchsorted(area_sorted, area[searching], side="right")
    partner = by_area[lo + (y.rng.random(len(searching)) * (hi - lo)).astype(np.int64)]
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
    merged_group, merged_cost = merged(e, coops, a, b, y.scenario.federation.union_cost_per_coop)
    new_village = (coops.village[a] != coops.village[b]).astype(float)
    # others bear part of the cost: the state (as much as the budget paid last year),
    # and a merger plan's organisers where a region has more coops than the plan
    plan_share = policy.merger_plan_pressure * planned[coops.region[a]]
    borne_by_others = np.minimum(policy.merger_subsidy * y.payout_ratio + plan_share, 1.0)
    merger_cost = costs.merger_cost * y.overhead  # this year's, with its wages
    saving = rules.merger_saving(
        e.coop_cost.total[a],
        e.coop_cost.total[b],
        merged_cost.total,
        merger_cost,
        borne_by_others,
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
    value, need = e.value[idx], take_rows(e.need, idx)
    # each member's machinery plus overhead charges, in the merged coop and in its own
    after = np.add(
        *patronage_split_by_coop(value, need, p, merged_group.value, merged_group.need, merged_cost)
    )
    now = np.add(
        *patronage_split_by_coop(value, need, c, e.coop_group.value, e.coop_group.need, e.coop_cost)
    )
    # each member also weighs its part (by value) of the merger cost the coops bear,
    # spread over the planning horizon: a merger subsidy can carry the vote
    pair_value = np.bincount(p, weights=value, minlength=len(a))
    by_value = np.divide(value, pair_value[p], out=np.zeros(len(idx)), where=pair_value[p] > 0)
    expected_borne = merger_cost * (1.0 - borne_by_others)
    after = after + expected_borne[p] * by_value / behaviour.planning_horizon_years
    if y.votes is not None:  # players of the classroom game vote for themselves
        vote = y.votes[idx]
        after = np.where(vote > 0, np.minimum(after, now - 1.0), after)
        after = np.where(vote < 0, np.maximum(after, now + 1.0), after)
    # a coop below the legal minimum size merges without a vote; under a merger plan the
    # organisers carry the vote where the merger saves cost
    majority = rules.majority_gains(now, after, c, len(coops)) | small | planned[coops.region]
    go = (saving > 0) & majority[a] & majority[b]
    if not go.any():
        return
    keep = np.where(coops.members[a] >= coops.members[b], a, b)  # the larger absorbs
    # the members still in merging coops bear the merger cost less the subsidy and the
    # plan's share, by value
    subsidy = np.zeros(len(a))
    subsidy[go] = pay_merger(y, keep[go])
    borne = np.maximum(merger_cost * (1.0 - plan_share) - subsidy, 0.0)
    paying = go[p]
    y.income[idx[paying]] -= borne[p[paying]] * by_value[paying]
    coops.villages[keep[go]] += coops.villages[np.where(keep == a, b, a)[go]] - (
        new_village[go] == 0
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


def merged(
    e: YearEconomy, coops: Coops, a: np.ndarray, b: np.ndarray, union_cost_per_coop: float
) -> tuple[Group, CoopCost]:
    """The coops ``a`` and ``b`` merged pair by pair: their group and what they would cost.

    A merged coop pays its regional union once, and spans both coops' villages (rule R4).
    """
    union_charge = union_cost_per_coop * (coops.union >= 0)
    new_village = (coops.village[a] != coops.village[b]).astype(float)
    group = e.coop_group.take(a) + e.coop_group.take(b)
    group = group - Group.of_assets(
        np.zeros((len(a), 4)),
        np.zeros((len(a), 4)),
        np.minimum(union_charge[a], union_charge[b]),
        -new_village,
    )
    return group, coop_cost(group, e.params)


def above_plan(y: Year) -> np.ndarray:
    """Regions with more active coops (real count) than the national merger plan aims at."""
    coops = y.coops
    n_regions = int(y.farms.region.max()) + 1
    plan = y.policy.merger_plan_coops_per_region
    if plan <= 0:
        return np.zeros(n_regions, bool)
    count = np.bincount(coops.region[coops.active(PRIMARY)], minlength=n_regions) * y.scale
    return count > plan
