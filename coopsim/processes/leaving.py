"""Leaving: members judge their coop, leave it (rule R6) or split from it (rule R2).

* Each year every member judges the year it had (:func:`judge_members`): it is
  dissatisfied when farming alone plus its autonomy premium would have paid more
  than membership by more than its tolerance, and counts its consecutive bad years.
* **Exit** (Hirschman 1970): a member leaves after ``exit_after_bad_years`` bad years
  in a row (:func:`decide`, :func:`apply`).
* **Secession** (Sexton 1986; Aurbacher et al. 2007): a sub-group whose cost shares
  add up to more than a coop of its own would cost splits off (:func:`secede`).

The rules are pure functions in :mod:`coopsim.economics.rules`.
"""

from __future__ import annotations

import numpy as np

from coopsim.economics import rules
from coopsim.economics.coop_costs import coop_cost, run_sums
from coopsim.entities import ACTIVE, Farms
from coopsim.processes.markets import YearEconomy
from coopsim.processes.ranking import order_within_coops
from coopsim.processes.register import register_coops, strike_off
from coopsim.processes.subsidies import pay_founding_grants
from coopsim.processes.year import Year
from coopsim.scenario import Behaviour


def judge_members(farms: Farms, economy: YearEconomy, behaviour: Behaviour) -> np.ndarray:
    """R6 bookkeeping from this year's incomes: each member's count of bad years.

    Returns:
        Which farms were satisfied members this year (what their neighbours learn
        from, :mod:`~coopsim.processes.learning`).
    """
    tolerance = behaviour.loyalty_threshold * np.maximum(economy.revenue_alone, 0.0)
    benefit = farms.income + economy.assured_value  # a member values its assured outlet
    unhappy = rules.dissatisfied(benefit, economy.payoff_alone, economy.autonomy_premium, tolerance)
    farms.bad_years[:] = np.where(
        economy.member, rules.bad_years_after(farms.bad_years, unhappy), 0
    )
    return economy.member & ~unhappy


def decide(
    economy: YearEconomy, farms: Farms, behaviour: Behaviour, quits: np.ndarray
) -> np.ndarray:
    """R6: which members leave their coop this year (those quitting farming aside)."""
    return economy.member & ~quits & rules.leaves(farms.bad_years, behaviour.exit_after_bad_years)


def apply(y: Year, leaves: np.ndarray) -> None:
    """Members who decided to leave are struck off their coops' rolls."""
    farms = y.farms
    leaving = np.flatnonzero(leaves)
    coop_before, bad_before = farms.coop[leaving].copy(), farms.bad_years[leaving].copy()
    strike_off(y, leaving)
    y.events.count("exits", len(leaving))
    e, costs = y.economy, y.scenario.costs
    for i, coop, bad in zip(
        leaving.tolist(), coop_before.tolist(), bad_before.tolist(), strict=True
    ):
        y.log_decision(
            i,
            "left",
            coop,
            payoff_option=e.payoff_member[i],
            machinery_option=e.machinery_share[i],
            one_off_cost=costs.equity_per_member + costs.switching_cost,
            bad_years=bad,
        )


def member_verdicts(
    y: Year, operating_income: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """This year's verdict of members who stayed: their coops, gain and dissatisfaction.

    Members judge the year's operating income (payoff and recurring subsidies) and the
    value of their assured outlet, not the one-off costs and grants of the decisions.

    Args:
        y: the year.
        operating_income: each farm's income after the recurring subsidies and before
            the one-off amounts of the decisions (currency/year).

    Returns:
        Member farms, their coops, their gain over staying alone net of the autonomy
        premium (currency/year, subsidies included) and whether they were dissatisfied
        (rule R6).
    """
    e = y.economy
    idx, c = e.still_members(y.farms.coop)
    benefit = operating_income[idx] + e.assured_value[idx]
    gain = benefit - e.payoff_alone[idx] - e.autonomy_premium[idx]
    tolerance = y.scenario.behaviour.loyalty_threshold * np.maximum(e.revenue_alone[idx], 0)
    return idx, c, gain, -gain > tolerance


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
    order = order_within_coops(c, e.value[idx])
    idx, c = idx[order], c[order]
    # each coop's members are a run of consecutive rows, smallest value first
    first = np.searchsorted(c, np.arange(k), side="left")
    last = np.searchsorted(c, np.arange(k), side="right")
    start = first[c]
    n = coops.members[c]
    rank = (np.arange(len(idx)) - start + 0.5) / np.maximum(n, 1)
    eligible_coop = (last > first) & (coops.members >= 2 * behaviour.min_founders)
    seceding = np.zeros(len(idx), bool)
    done = np.zeros(k, bool)
    mine = e.farm_group(idx)
    share = e.cost_share[idx]
    for sample in range(behaviour.secession_samples):
        cut = y.rng.uniform(0.3, 0.9, size=k)
        # the members above the cut (a run at the top of the coop's rows) or below it
        inside = rank >= cut[c] if sample % 2 == 0 else rank < (1 - cut)[c]
        asked = eligible_coop & ~done
        size = np.where(asked, np.bincount(c[inside], minlength=k), 0)
        starts = last - size if sample % 2 == 0 else first
        group = mine.sum_runs(starts, starts + size)
        paid = run_sums(share, starts, starts + size)
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
    strike_off(y, leavers)
    y.events.count("exits", len(leavers))
    y.events.count("secessions", int(done.sum()))
    size = np.bincount(origin, minlength=k)
    big = size[origin] >= behaviour.min_founders
    if big.any():
        _, group_of = np.unique(origin[big], return_inverse=True)
        new = register_coops(
            y, leavers[big], group_of, ACTIVE, "seceded_from", parent=np.unique(origin[big])
        )
        pay_founding_grants(y, new, leavers[big], operating=True)
        y.events.count("foundings", len(new))
        y.income[leavers[big]] -= y.scenario.costs.secession_setup_cost / size[origin[big]]
    if y.events.log_decisions:
        for i in leavers.tolist():
            y.events.decision(farm=i, action="seceded", coop=int(farms.coop[i]))
