"""What coops do as organisations (schedule step 5).

They invest in machines (R4), split (R2), merge (R7) and federate into regional unions
and a central tier.
"""

from __future__ import annotations

import numpy as np

from coopsim.coops.year import Year, dissolve, leave, register_coops
from coopsim.economics import rules
from coopsim.economics.coop_costs import Group, coop_cost
from coopsim.economics.machinery import row_sum, worth_buying
from coopsim.economics.rules import Phase
from coopsim.economics.sharing import patronage_shares
from coopsim.entities import (
    ACTIVE,
    CENTRAL,
    NO_COOP,
    PRIMARY,
    REGIONAL_UNION,
)
from coopsim.policy import effective_credit_rate


def invest(y: Year) -> None:
    """Active coops buy one machine of an asset when hiring it costs more (R4).

    The decision counts the investment subsidy and concessional credit in force; the
    subsidy actually paid (within the budget) lowers the price the coop finances.
    """
    coops, e, policy, market = y.coops, y.economy, y.policy, y.market
    costs = y.scenario.costs
    active = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    if len(active) == 0:
        return
    rate = effective_credit_rate(policy, market, costs)
    prices = e.params.machinery
    annual_new = prices.price * (1 - policy.investment_subsidy) * (costs.depreciation_rate + rate)
    buy = worth_buying(e.coop_group.need[active], e.coop_group.machines[active], prices, annual_new)
    coop, asset = np.nonzero(buy)
    coop = active[coop]
    if len(coop) == 0:
        return
    subsidy = y.treasury.pay("investment", coop, prices.price[asset] * policy.investment_subsidy)
    net = prices.price[asset] - subsidy
    np.add.at(coops.bought, (coop, asset), 1.0)
    np.add.at(
        coops.bought_holding, (coop, asset), net * (costs.depreciation_rate + market.interest_rate)
    )
    np.add.at(coops.loan, coop, net)
    y.events.count("machines_bought", len(coop))


def secede(y: Year) -> None:
    """R2: sampled sub-groups whose cost shares exceed their own coop's cost secede.

    Each sample takes, in every active coop, the members above (or below) a random
    rank of the value they market: large farms that carry much of the overhead, or
    small ones that carry the heterogeneity. The first sample that would secede does;
    it founds its own coop if large enough, else its members go alone.
    """
    farms, coops, e = y.farms, y.coops, y.economy
    behaviour = y.scenario.behaviour
    idx, c = e.still_members(farms.coop)
    if len(idx) == 0 or behaviour.secession_samples == 0:
        return
    k = len(coops)
    order = np.lexsort((e.value[idx], c))
    idx, c = idx[order], c[order]
    start = np.searchsorted(c, c, side="left")
    n = coops.members[c]
    rank = (np.arange(len(idx)) - start + 0.5) / np.maximum(n, 1)
    eligible_coop = np.zeros(k, bool)
    eligible_coop[c] = True
    eligible_coop &= coops.members >= 2 * behaviour.min_founders
    seceding = np.zeros(len(idx), bool)
    done = np.zeros(k, bool)
    mine = e.farm_group(idx)
    for sample in range(behaviour.secession_samples):
        cut = y.rng.uniform(0.3, 0.9, size=k)
        inside = rank >= cut[c] if sample % 2 == 0 else rank < 1 - cut[c]
        inside &= eligible_coop[c] & ~done[c]
        group = mine.take(np.flatnonzero(inside)).sum_by(c[inside], k)
        paid = np.bincount(c[inside], weights=e.cost_share[idx[inside]], minlength=k)
        go = rules.secedes(
            paid,
            coop_cost(group, e.params).total,
            y.scenario.costs.secession_setup_cost,
            behaviour.planning_horizon_years,
        )
        go &= (group.members >= 2) & (group.members < coops.members) & ~done
        seceding |= inside & go[c]
        done |= go
    leavers = idx[seceding]
    if len(leavers) == 0:
        return
    origin = farms.coop[leavers].astype(np.int64)
    leave(y, leavers)
    y.events.count("exits", len(leavers))
    y.events.count("secessions", int(done.sum()))
    size = np.bincount(origin, minlength=k)
    big = size[origin] >= behaviour.min_founders
    if big.any():
        _, group_of = np.unique(origin[big], return_inverse=True)
        new, _ = register_coops(
            y, leavers[big], group_of, ACTIVE, "seceded_from", parent=np.unique(origin[big])
        )
        y.events.count("foundings", len(new))
        y.income[leavers[big]] -= y.scenario.costs.secession_setup_cost / size[origin[big]]
    for i in leavers.tolist():
        y.events.decision(farm=i, action="seceded", coop=int(farms.coop[i]))


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
    subsidy[go] = y.treasury.pay(
        "merger", keep[go], np.full(int(go.sum()), costs.merger_cost * y.policy.merger_subsidy)
    )
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
    dissolve(y, gone, None)
    y.events.count("mergers", len(keep))


def federate(y: Year) -> None:
    """Primary coops join or leave their region's union; unions join the central tier.

    A coop is in its union when bargaining with ``union_bargaining`` of the union's
    share of regional volume (rule R5) raises its revenue by more than the union's
    yearly charge. A region's union is founded when at least ``union_min_coops`` coops
    would gain from it.
    """
    coops, e, fed, market = y.coops, y.economy, y.scenario.federation, y.market
    n_regions = len(e.region_value)
    unions = np.flatnonzero(coops.active(REGIONAL_UNION))
    union_of_region = np.full(n_regions, NO_COOP)
    union_of_region[coops.region[unions]] = unions
    primary = np.flatnonzero(coops.active(PRIMARY)[: e.coops_priced])
    region = coops.region[primary].astype(np.int64)
    share = e.coop_share[primary]
    idx, c = e.still_members(y.farms.coop)
    revenue_at_base = row_sum(e.output_t[idx] * e.price_base[y.farms.region[idx]])
    revenue = np.bincount(c, weights=revenue_at_base, minlength=len(coops))[primary]
    inside = np.ones(len(primary), bool)
    for _ in range(2):
        # a union holds every coop its simulated members stand for (see _bargaining_share)
        union_share = y.scale * np.bincount(
            region[inside], weights=share[inside], minlength=n_regions
        )
        lift = np.maximum(fed.union_bargaining * union_share[region] - share, 0.0)
        inside = revenue * market.bargaining_premium * lift > fed.union_cost_per_coop
    count = np.bincount(region[inside], minlength=n_regions)
    # counted in real coops: a simulated coop stands for `scale` of them
    real = count * y.scale
    new_regions = np.flatnonzero(
        (real >= fed.union_min_coops) & (real >= 2) & (union_of_region == NO_COOP)
    )
    if len(new_regions):
        new = coops.add(
            len(new_regions),
            status=ACTIVE,
            tier=REGIONAL_UNION,
            region=new_regions,
            village=-1,
            founded=y.year,
            phase=Phase.GROWTH,
        )
        union_of_region[new_regions] = new
        for u, r in zip(new.tolist(), new_regions.tolist(), strict=True):
            y.events.coop_event(u, "union_founded", NO_COOP, count[r], r, REGIONAL_UNION)
    coops.union[coops.tier == PRIMARY] = NO_COOP
    joined = inside & (union_of_region[region] != NO_COOP)
    coops.union[primary[joined]] = union_of_region[region[joined]]
    unions = np.flatnonzero(coops.active(REGIONAL_UNION))
    coops.members[unions] = np.bincount(coops.union[primary[joined]], minlength=len(coops))[unions]
    # a union is wound up when fewer than two real coops are left in it
    dissolve(y, unions[coops.members[unions] * y.scale < 2], "union_dissolved")
    if fed.central_tier:
        unions = np.flatnonzero(coops.active(REGIONAL_UNION))
        central = np.flatnonzero(coops.active(CENTRAL))
        if len(central) == 0 and len(unions) >= 2:
            central = coops.add(
                1,
                status=ACTIVE,
                tier=CENTRAL,
                region=0,
                village=-1,
                founded=y.year,
                phase=Phase.GROWTH,
            )
            y.events.coop_event(central[0], "central_founded", NO_COOP, len(unions), 0, CENTRAL)
        if len(central):
            coops.union[unions] = central[0]
            coops.members[central[0]] = len(unions)
