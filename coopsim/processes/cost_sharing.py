"""Cost sharing: how each coop shares its cost among members, and members' voice on it.

Step 3 of the schedule (:func:`share_costs`): every active coop charges its members
by patronage (Helmberger & Hoos 1962) or by the Shapley value (rule R3), and members'
payoffs follow. With voice on (rule R6, Hirschman 1970), a coop where most members are
dissatisfied votes on its rule at the end of the year (:func:`give_voice`). Members
whose outside buyers pay more than the coop does after its charges sell part of their
output outside next year (side-selling, :func:`decide_deliveries`; Cook 1995's free
riding), which leaves the coop's overhead to fewer tonnes. The sharing rules
themselves are pure functions in :mod:`coopsim.economics.allocation`.
"""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from coopsim.economics.allocation import (
    patronage_split,
    patronage_split_by_coop,
    shapley_shares_of_coops,
)
from coopsim.economics.coop_costs import Group
from coopsim.economics.machinery import row_sum, take_rows
from coopsim.entities import NO_COOP, PATRONAGE, PRIMARY, SHAPLEY, Coops
from coopsim.processes.markets import YearEconomy
from coopsim.processes.year import Year
from coopsim.scenario import Behaviour


def members_by_coop(
    idx: np.ndarray, c: np.ndarray, coop_ids: np.ndarray
) -> list[tuple[int, np.ndarray]]:
    """For each coop in ``coop_ids`` with members, the members among ``idx`` (coops ``c``)."""
    order = np.argsort(c, kind="stable")
    sorted_c = c[order]
    lo = np.searchsorted(sorted_c, coop_ids, side="left")
    hi = np.searchsorted(sorted_c, coop_ids, side="right")
    return [(int(k), idx[order[a:b]]) for k, a, b in zip(coop_ids, lo, hi, strict=True) if b > a]


EXACT_BATCH = 2**19
"""Coalitions priced in one call of :func:`shapley_shares_of_coops` (2^M for a coop of M)."""

SAMPLED_BATCH = 2**25
"""Orders × members sampled in one call of :func:`shapley_shares_of_coops`."""


def coop_shapley_shares(
    economy: YearEconomy,
    coops: Coops,
    coop_members: list[tuple[int, np.ndarray]],
    rng: np.random.Generator,
    behaviour: Behaviour,
) -> list[np.ndarray]:
    """Shapley-value cost shares this year (currency/year), per (coop, its members) given.

    The coops are priced together (:func:`shapley_shares_of_coops`) in batches, so that
    memory does not grow with their number (at Germany's full scale a third of the
    farms can be in coops that vote): the coops priced exactly, every coalition's sums
    in memory, in batches of :data:`EXACT_BATCH` coalitions; the others in batches of
    :data:`SAMPLED_BATCH` orders × members, large enough for the compiled loop and its
    threads. Orders are drawn coop by coop in the order given, and each coop's shares
    are its own, so the batches give the shares of one call.
    """
    sizes = np.array([len(mine) for _, mine in coop_members], dtype=np.int64)
    exact = sizes <= behaviour.shapley_exact_max
    shares: list[np.ndarray] = [np.zeros(0)] * len(coop_members)
    exact_coops, sampled_coops = np.flatnonzero(exact), np.flatnonzero(~exact)
    batches = (
        (exact_coops, 2 ** sizes[exact_coops], EXACT_BATCH),
        (sampled_coops, sizes[sampled_coops] * behaviour.shapley_permutations, SAMPLED_BATCH),
    )
    for which, work, limit in batches:
        batch = (np.cumsum(work) - work) // limit  # a coop's batch: the work before it
        # where each batch starts (batches never go back), and where the last one ends
        bounds = [*np.unique(batch, return_index=True)[1].tolist(), len(batch)]
        for first, last in pairwise(bounds):
            part = which[first:last].tolist()
            priced = _shapley_batch(economy, coops, [coop_members[i] for i in part], rng, behaviour)
            for i, mine in zip(part, priced, strict=True):
                shares[i] = mine
    return shares


def _shapley_batch(
    economy: YearEconomy,
    coops: Coops,
    coop_members: list[tuple[int, np.ndarray]],
    rng: np.random.Generator,
    behaviour: Behaviour,
) -> list[np.ndarray]:
    """:func:`coop_shapley_shares` of the coops given, in one call."""
    ks = np.array([coop for coop, _ in coop_members])
    sizes = np.array([len(mine) for _, mine in coop_members])
    group = economy.coop_group
    shares = shapley_shares_of_coops(
        economy.farm_group(np.concatenate([mine for _, mine in coop_members])),
        sizes,
        Group.of_assets(
            coops.bought[ks],
            coops.bought_holding[ks],
            group.extra_fixed[ks],
            group.extra_villages[ks],
        ),
        economy.params,
        rng,
        exact_max=behaviour.shapley_exact_max,
        permutations=behaviour.shapley_permutations,
    )
    return np.split(shares, np.cumsum(sizes)[:-1])


def coop_patronage_shares(economy: YearEconomy, coop: int, members: np.ndarray) -> np.ndarray:
    """Patronage cost shares of ``members`` in ``coop`` this year (currency/year)."""
    machinery, overhead = patronage_split(
        economy.value[members],
        economy.need[members],
        economy.coop_group.value[coop],
        economy.coop_group.need[coop],
        economy.coop_cost.take(coop),
    )
    return machinery + overhead


def share_costs(
    economy: YearEconomy, coops: Coops, rng: np.random.Generator, behaviour: Behaviour
) -> None:
    """Step 3: members' cost shares (rule R3) and their payoffs as members.

    Fills in the economy's ``cost_share``, ``machinery_share``, ``revenue_member``,
    ``payoff_member`` and ``assured_value`` for the farms that sell through an active
    coop. A member that side-sells gets the coop's price on what it delivers and the
    outside price on the rest.
    """
    e = economy
    idx = np.flatnonzero(e.member)
    c = e.member_coop[idx]
    machinery, overhead = patronage_split_by_coop(
        e.value[idx], take_rows(e.need, idx), c, e.coop_group.value, e.coop_group.need, e.coop_cost
    )
    e.cost_share[idx] = machinery + overhead
    e.machinery_share[idx] = machinery
    shapley = coops.active(PRIMARY) & (coops.rule == SHAPLEY)
    by_coop = members_by_coop(idx, c, np.flatnonzero(shapley))
    for (_, mine), shares in zip(
        by_coop, coop_shapley_shares(e, coops, by_coop, rng, behaviour), strict=True
    ):
        # the machinery part of a Shapley share, in the proportion patronage would give
        patronage = e.cost_share[mine]
        e.machinery_share[mine] *= np.divide(
            shares, patronage, out=np.ones_like(shares), where=patronage > 0
        )
        e.cost_share[mine] = shares
    delivered = e.delivery[idx]
    through_coop = delivered * row_sum(take_rows(e.output_t, idx) * take_rows(e.coop_price, c))
    e.revenue_member[idx] = through_coop + (1.0 - delivered) * e.revenue_alone[idx]
    e.payoff_member[idx] = e.revenue_member[idx] - e.production_cost[idx] - e.cost_share[idx]
    e.revenue_coop[idx] = through_coop
    e.assured_value[idx] = through_coop * e.assured_market_value


def give_voice(
    y: Year, members: np.ndarray, member_coop: np.ndarray, dissatisfied: np.ndarray
) -> None:
    """R6 voice: where most members are dissatisfied, they vote on the sharing rule.

    The coop switches between patronage and the Shapley value (rule R3) when more than
    half of its members would pay less under the other rule this year.

    Args:
        y: the year.
        members: members who stayed in their coops this year.
        member_coop: their coops.
        dissatisfied: whether each was dissatisfied this year (rule R6; see
            :func:`~coopsim.processes.leaving.member_verdicts`).
    """
    coops, e = y.coops, y.economy
    if not y.scenario.behaviour.voice:
        return
    k = len(coops)
    share = np.bincount(member_coop, weights=dissatisfied, minlength=k) / np.maximum(
        np.bincount(member_coop, minlength=k), 1
    )
    loud = np.flatnonzero(coops.active(PRIMARY) & (share > 0.5))
    by_coop = members_by_coop(members, member_coop, loud)
    # the Shapley shares of the loud coops on patronage, priced together, in coop order
    on_patronage = [(coop, mine) for coop, mine in by_coop if coops.rule[coop] == PATRONAGE]
    shapley = dict(
        zip(
            (coop for coop, _ in on_patronage),
            coop_shapley_shares(e, coops, on_patronage, y.rng, y.scenario.behaviour),
            strict=True,
        )
    )
    for coop, mine in by_coop:
        other = shapley[coop] if coop in shapley else coop_patronage_shares(e, coop, mine)
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


def decide_deliveries(y: Year) -> None:
    """Members decide how much of next year's output to deliver to their coop.

    A member compares what a unit of its produce fetches through the coop, after the
    coop's marketing overhead per unit delivered, with what outside buyers pay it; when
    outside pays more it sells ``side_selling_share`` of its output outside next year
    (its machinery use through the coop goes on; delivery rules bind the rest). Everyone
    else delivers everything.
    """
    farms, e = y.farms, y.economy
    idx, c = e.still_members(farms.coop)
    farms.delivery[:] = 1.0
    if len(idx) == 0:
        return
    # per unit of produce (at reference prices): the coop's price less its marketing
    # overhead charge (fixed, handling, governance and distance costs by value delivered),
    # against the outside buyers' price
    full_value = np.maximum(e.value[idx] / np.maximum(e.delivery[idx], 1e-12), 1e-12)
    overhead_rate = np.divide(
        e.coop_cost.overhead[c],
        e.coop_group.value[c],
        out=np.zeros(len(c)),
        where=e.coop_group.value[c] > 0,
    )
    through_coop = row_sum(e.output_t[idx] * e.coop_price[c]) / full_value - overhead_rate
    outside = e.revenue_alone[idx] / full_value
    farms.delivery[idx] = np.where(
        through_coop < outside, 1.0 - y.scenario.behaviour.side_selling_share, 1.0
    )
