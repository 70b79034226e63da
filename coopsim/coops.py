"""What happens to cooperatives in a year (schedule steps 4–5).

Each function works on the state arrays and the year's economy, records its events,
and pays what the state owes through the treasury:

* :func:`pay_recurring_subsidies`: output, audit, credit and start-up aid (step 4);
* :func:`apply_farm_choices`: farms quit, leave, join and found (step 5, rules R1, R6);
* :func:`register_under_pressure`: nominal coops registered to meet regional KPIs (R8);
* :func:`activate_or_drop_nominal`: nominal coops start operating or are wound up (R8);
* :func:`invest`: coops buy machines when hiring costs more (R4);
* :func:`secede`: sub-groups that pay more than their own coop would cost leave (R2);
* :func:`merge`: pairs of coops merge when it saves cost and majorities gain (R7);
* :func:`federate`: primary coops form and leave regional unions; unions join the
  central tier;
* :func:`give_voice`: dissatisfied majorities change their coop's sharing rule (R6);
* :func:`advance_life_cycle`: phases, and the exit/continue/transition choice (R8);
* :func:`dissolve_empty`: coops left with fewer than two members are dissolved.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from coopsim.decisions import FarmChoices
from coopsim.economics import rules
from coopsim.economics.coop_costs import Group, coop_cost
from coopsim.economics.machinery import row_sum, worth_buying
from coopsim.economics.rules import Choice, Phase
from coopsim.economics.sharing import patronage_shares
from coopsim.economy import YearEconomy, members_by_coop
from coopsim.policy import Treasury, effective_credit_rate
from coopsim.records import YearEvents
from coopsim.scenario import MarketLevers, PolicyLevers, Scenario
from coopsim.state import (
    ACTIVE,
    CENTRAL,
    DISSOLVED,
    NO_COOP,
    NOMINAL,
    PATRONAGE,
    PRIMARY,
    REGIONAL_UNION,
    SHAPLEY,
    Coops,
    Farms,
    runs,
)


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
    operating_income: np.ndarray | None = None

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


def _pass_to_members(y: Year, coop_received: np.ndarray) -> None:
    """Share what coops received among their members by value marketed (patronage)."""
    e = y.economy
    idx = np.flatnonzero(e.member)
    c = y.farms.coop[idx]
    value = e.coop_group.value[c]
    y.income[idx] += np.divide(
        coop_received[c] * e.value[idx], value, out=np.zeros(len(idx)), where=value > 0
    )


def pay_recurring_subsidies(y: Year) -> None:
    """Step 4: output subsidies, audit, credit and start-up aid, within the budget."""
    e, coops, policy, market = y.economy, y.coops, y.policy, y.market
    k = len(coops)
    active = np.flatnonzero(coops.active(PRIMARY))

    # output subsidy: per tonne a member markets through its coop, passed on per tonne
    idx = np.flatnonzero(e.member)
    c = y.farms.coop[idx]
    own_claim = e.output_t[idx] @ e.output_subsidy
    claim = np.bincount(c, weights=own_claim, minlength=k)
    y.income[idx] += own_claim * y.treasury.pay_fraction("output", active, claim[active])

    received = np.zeros(k)
    received[active] += y.treasury.pay(
        "audit", active, np.full(len(active), y.scenario.costs.audit_cost * policy.audit_subsidy)
    )
    if policy.credit_rate is not None:
        gap = market.interest_rate - effective_credit_rate(policy, market, y.scenario.costs)
        received[active] += y.treasury.pay("credit", active, coops.loan[active] * max(gap, 0.0))
    aid = np.asarray(policy.start_up_aid, dtype=float)
    if len(aid):
        years = coops.active_years[active]
        young = years < len(aid)
        revenue = np.bincount(c, weights=e.revenue_member[idx], minlength=k)[active]
        claim_aid = np.where(young, aid[np.minimum(years, len(aid) - 1)] * revenue, 0.0)
        if policy.start_up_aid_cap is not None:
            claim_aid = np.minimum(claim_aid, policy.start_up_aid_cap)
        received[active] += y.treasury.pay("start_up_aid", active, claim_aid)
    _pass_to_members(y, received)
    coops.loan *= 1.0 - y.scenario.costs.depreciation_rate
    coops.active_years[active] += 1  # years the coop has sold through, this one included


def _new_coops(
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
    received = _pay_member_grants(y, founders, status == ACTIVE, grant_per_coop=grant)
    return new, received


def _pay_member_grants(
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


def apply_farm_choices(y: Year, choices: FarmChoices) -> None:
    """Step 5: carry out the farms' decisions (quit, leave, join, found)."""
    farms, coops = y.farms, y.coops
    before = (farms.coop.copy(), farms.bad_years.copy()) if y.events.log_decisions else None
    quitting = np.flatnonzero(choices.quits)
    _leave(y, quitting)
    farms.farming[quitting] = False
    _hand_over_land(y, quitting)
    y.events.count("farm_exits", len(quitting))

    leaving = np.flatnonzero(choices.leaves)
    _leave(y, leaving)
    y.events.count("exits", len(leaving))

    joining = np.flatnonzero(choices.join != NO_COOP)
    target = choices.join[joining]
    farms.coop[joining] = target
    farms.member_years[joining] = 0
    farms.bad_years[joining] = 0
    np.add.at(coops.members, target, 1)
    np.add.at(coops.capital, target, y.scenario.costs.equity_per_member)
    y.events.count("joins", len(joining))
    grants = _pay_member_grants(y, joining, operating=True)
    costs = y.scenario.costs
    y.income[joining] -= costs.equity_per_member + costs.switching_cost

    founders = np.flatnonzero(choices.founds)
    _, group_of, _ = runs(farms.village[founders])
    new, founder_grants = _new_coops(y, founders, group_of, ACTIVE, "founded", equity=True)
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


def _leave(y: Year, leaving: np.ndarray) -> None:
    """Farms leave their coops (if any)."""
    farms = y.farms
    member = leaving[farms.coop[leaving] != NO_COOP]
    np.add.at(y.coops.members, farms.coop[member], -1)
    farms.coop[member] = NO_COOP
    farms.member_years[member] = 0
    farms.bad_years[member] = 0


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
    _, _, start = runs(farms.village)
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
    new, _ = _new_coops(y, founders, group_of, NOMINAL, "registered_nominal")
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
            behaviour.secession_setup_cost,
            behaviour.planning_horizon_years,
        )
        go &= (group.members >= 2) & (group.members < coops.members) & ~done
        seceding |= inside & go[c]
        done |= go
    leavers = idx[seceding]
    if len(leavers) == 0:
        return
    origin = farms.coop[leavers].astype(np.int64)
    _leave(y, leavers)
    y.events.count("exits", len(leavers))
    y.events.count("secessions", int(done.sum()))
    size = np.bincount(origin, minlength=k)
    big = size[origin] >= behaviour.min_founders
    if big.any():
        _, group_of = np.unique(origin[big], return_inverse=True)
        new, _ = _new_coops(
            y, leavers[big], group_of, ACTIVE, "seceded_from", parent=np.unique(origin[big])
        )
        y.events.count("foundings", len(new))
        y.income[leavers[big]] -= behaviour.secession_setup_cost / size[origin[big]]
    for i in leavers.tolist():
        y.events.decision(farm=i, action="seceded", coop=int(farms.coop[i]))


def merge(y: Year) -> None:
    """R7: coops look for a partner in their region and merge when it pays.

    A searching coop (chance ``merger_search_probability``, or certainly after choosing
    transition in its life cycle) proposes to a random active coop of its region. Pairs
    are settled in a random order, each coop in at most one merger a year. A pair merges
    when C_A + C_B − C_AB exceeds the merger cost the coops bear, and more than half of
    the members of each would pay less. The smaller coop's members join the larger; with
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
    after = patronage_shares(
        e.value[idx], e.need[idx], merged_group.value[p], merged_group.need[p], merged_cost.take(p)
    )
    majority = rules.majority_gains(e.cost_share[idx], after, c, len(coops))
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
    new_regions = np.flatnonzero(
        (count * y.scale >= fed.union_min_coops) & (union_of_region == NO_COOP)  # real coops
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
    dissolve(y, unions[coops.members[unions] < 2], "union_dissolved")
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


def _member_verdicts(y: Year) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """This year's verdict of members who stayed: their coops, gain and dissatisfaction.

    Members judge the year's operating income (payoff and recurring subsidies), not the
    one-off costs and grants of the decisions.

    Returns:
        Member farms, their coops, their gain over staying alone net of the autonomy
        premium (currency/year, subsidies included) and whether they were dissatisfied
        (rule R6).
    """
    e = y.economy
    idx, c = e.still_members(y.farms.coop)
    gain = y.operating_income[idx] - e.payoff_alone[idx] - e.autonomy_premium[idx]
    tolerance = y.scenario.behaviour.loyalty_threshold * np.maximum(e.revenue_alone[idx], 0)
    return idx, c, gain, -gain > tolerance


def give_voice(y: Year) -> None:
    """R6 voice: where most members are dissatisfied, they vote on the sharing rule.

    The coop switches between patronage and the Shapley value (rule R3) when more than
    half of its members would pay less under the other rule this year.
    """
    coops, e = y.coops, y.economy
    if not y.scenario.behaviour.voice:
        return
    idx, c, _, unhappy = _member_verdicts(y)
    k = len(coops)
    share = np.bincount(c, weights=unhappy, minlength=k) / np.maximum(
        np.bincount(c, minlength=k), 1
    )
    loud = np.flatnonzero(coops.active(PRIMARY) & (share > 0.5))
    for coop, mine in members_by_coop(idx, c, loud):
        if coops.rule[coop] == PATRONAGE:
            other = e.shapley_shares(coops, coop, mine, y.rng, y.scenario.behaviour)
        else:
            other = e.patronage_shares(coop, mine)
        if (other < e.cost_share[mine]).sum() > len(mine) / 2:
            coops.rule[coop] = SHAPLEY if coops.rule[coop] == PATRONAGE else PATRONAGE
            y.events.coop_event(
                coop,
                f"rule_changed_to_{'shapley' if coops.rule[coop] == SHAPLEY else 'patronage'}",
                NO_COOP,
                coops.members[coop],
                coops.region[coop],
                PRIMARY,
            )
            y.events.count("rule_changes")


def advance_life_cycle(y: Year) -> None:
    """R8: move every registered primary coop to its next phase; act on choices."""
    coops = y.coops
    registered = np.flatnonzero(coops.registered(PRIMARY))
    if len(registered) == 0:
        return
    k = len(coops)
    _, c, gain, unhappy_member = _member_verdicts(y)
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
    dissolve(y, choosing[decision == Choice.EXIT], "dissolved_exit")


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
        _leave(y, freed)
    coops.union[np.isin(coops.union, coop_ids)] = NO_COOP
    for k in coop_ids.tolist():
        if event is not None:
            y.events.coop_event(k, event, NO_COOP, coops.members[k], coops.region[k], coops.tier[k])
    coops.status[coop_ids] = DISSOLVED
    coops.members[coop_ids] = 0
    if event is not None:
        y.events.count("dissolutions", len(primary))


def dissolve_empty(y: Year) -> None:
    """Registered primary coops with fewer than two member farms are dissolved."""
    coops = y.coops
    small = np.flatnonzero(coops.registered(PRIMARY) & (coops.members < 2))
    dissolve(y, small, "dissolved_empty")
