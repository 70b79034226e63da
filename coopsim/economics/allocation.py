"""How a cooperative shares its cost among members (rule R3).

* **Patronage** (Helmberger & Hoos 1962), the default: each asset's cost is shared
  in proportion to the work each member takes from it, the overhead in proportion
  to the value each member markets.
* **Shapley value**: each member pays its average marginal cost over all orders in
  which the coop could have been assembled, using the cost function of rule R4 as
  the cost game. Exact (all 2^N coalitions) for small coops, estimated from
  sampled orders for larger ones. Both allocate exactly C(N).

Purchased machines, any extra fixed cost and the villages the coop spans belong to the
coop as a whole: in the cost game every non-empty coalition has them, like F.
"""

from __future__ import annotations

from functools import cache
from math import factorial

import numpy as np

from coopsim.economics.coop_costs import CoopCost, CoopCostParams, Group, coop_cost
from coopsim.economics.machinery import row_sum, take_rows
from coopsim.tuning import core_count, on_cores


def patronage_shares(
    member_value: np.ndarray,
    member_need: np.ndarray,
    coop_value: np.ndarray,
    coop_need: np.ndarray,
    cost: CoopCost,
) -> np.ndarray:
    """Each member's cost share under patronage.

    Args:
        member_value: value each member markets (currency/year), (M,).
        member_need: work each member needs per asset, (M, 4).
        coop_value: value its coop markets, aligned with members, (M,).
        coop_need: work its coop needs per asset, aligned with members, (M, 4).
        cost: its coop's cost, aligned with members.

    Returns:
        Cost share per member (currency/year), (M,).
    """
    machinery, overhead = patronage_split(member_value, member_need, coop_value, coop_need, cost)
    return machinery + overhead


def patronage_split(
    member_value: np.ndarray,
    member_need: np.ndarray,
    coop_value: np.ndarray,
    coop_need: np.ndarray,
    cost: CoopCost,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`patronage_shares` split into its machinery and overhead parts."""
    per_work, per_value = patronage_rates(coop_value, coop_need, cost)
    return charge(member_value, member_need, per_work, per_value)


def patronage_split_by_coop(
    member_value: np.ndarray,
    member_need: np.ndarray,
    member_coop: np.ndarray,
    coop_value: np.ndarray,
    coop_need: np.ndarray,
    cost: CoopCost,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`patronage_split` of the members of many coops, each coop's rates computed once.

    Args:
        member_value: value each member markets (currency/year), (M,).
        member_need: work each member needs per asset, (M, 4).
        member_coop: each member's coop (a row of the coops' arrays), (M,).
        coop_value: value each coop markets, (K,).
        coop_need: work each coop needs per asset, (K, 4).
        cost: each coop's cost, (K rows).
    """
    per_work, per_value = patronage_rates(coop_value, coop_need, cost)
    return charge(
        member_value, member_need, take_rows(per_work, member_coop), per_value[member_coop]
    )


def patronage_rates(
    coop_value: np.ndarray, coop_need: np.ndarray, cost: CoopCost
) -> tuple[np.ndarray, np.ndarray]:
    """What a coop charges per unit of use under patronage.

    The cost of an asset no member uses (a pooled barn in a coop without livestock) is
    still a cost of the coop: it is charged with the overhead, by value marketed.

    Returns:
        Cost per unit of each asset's work (currency/ha, /t, /head), (G, 4), and overhead
        per unit of value marketed (currency per currency), (G,). A coop that markets
        nothing charges nothing by value (it has no farming members).
    """
    used = coop_need > 0
    per_work = np.divide(cost.machinery, coop_need, out=np.zeros_like(cost.machinery), where=used)
    overhead = cost.overhead + row_sum(np.where(used, 0.0, cost.machinery))
    per_value = np.divide(overhead, coop_value, out=np.zeros_like(overhead), where=coop_value > 0)
    return per_work, per_value


def charge(
    member_value: np.ndarray,
    member_need: np.ndarray,
    per_work: np.ndarray,
    per_value: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Machinery and overhead charged to members at the rates of :func:`patronage_rates`."""
    return row_sum(member_need * per_work), member_value * per_value


def _coalitions(members: Group, masks: np.ndarray, coop: Group) -> Group:
    """Sums over the members selected by each row of ``masks`` (0/1, shape (K, M))."""
    counts = masks.sum(axis=1)
    present = (counts > 0).astype(float)
    return Group(
        members=counts.astype(float),
        value=masks @ members.value,
        value_sq=masks @ members.value_sq,
        need=masks @ members.need,
        machines=masks @ members.machines + present[:, None] * coop.machines,
        holding_cost=masks @ members.holding_cost + present[:, None] * coop.holding_cost,
        extra_fixed=present * coop.extra_fixed,
        extra_villages=present * coop.extra_villages,
    )


def _order_coalitions(members: Group, orders: np.ndarray, coop: Group) -> Group:
    """Sums over the first j + 1 members of each order, for every order and j.

    Each sum is a running sum along the order: O(P·M) work for P orders of M members,
    where masks over all coalitions would take O(P·M²).

    Args:
        members: one row per member, each a group of one farm.
        orders: orders in which the coop is assembled, (P, M) of member indices.
        coop: a single-row group holding what the coop itself owns.

    Returns:
        The coalitions' sums, row p·M + j for the first j + 1 members of order p.
    """
    n_orders, m = orders.shape

    def running(column: np.ndarray) -> np.ndarray:
        sums = np.cumsum(column[orders], axis=1, dtype=float)
        return sums.reshape(n_orders * m, *column.shape[1:])

    return Group(
        members=np.tile(np.arange(1.0, m + 1.0), n_orders),
        value=running(members.value),
        value_sq=running(members.value_sq),
        need=running(members.need),
        machines=running(members.machines) + coop.machines,
        holding_cost=running(members.holding_cost) + coop.holding_cost,
        extra_fixed=coop.extra_fixed.repeat(n_orders * m),
        extra_villages=coop.extra_villages.repeat(n_orders * m),
    )


def sampled_shapley_reference(
    members: Group, coop_assets: Group, orders: np.ndarray, params: CoopCostParams
) -> np.ndarray:
    """Sampled Shapley shares of one coop, with numpy: every coalition priced by :func:`coop_cost`.

    What :func:`~coopsim.economics.shapley_kernel.sampled_shapley_kernel` computes in a
    compiled loop; kept as the plain statement of the estimator, which tests hold the
    kernel to.

    Args:
        members: one row per member.
        coop_assets: a single-row group holding what the coop itself owns.
        orders: the sampled orders, (P, M) of member indices.
        params: the year's cost parameters.
    """
    value = coop_cost(_order_coalitions(members, orders, coop_assets), params).total
    n_orders, m = orders.shape
    # marginal[p, j] is what member orders[p, j] adds; summed per member in order p
    marginal = np.diff(value.reshape(n_orders, m), axis=1, prepend=0.0)
    shares = np.bincount(orders.ravel(), weights=marginal.ravel(), minlength=m)
    return shares / n_orders


COMPILED_FROM = 250_000
"""Orders × members from which sampled Shapley shares go through the compiled loop.

Below it (every call of Kazakhstan's run at full scale: a few dozen coops of a few
dozen members, at most some 25,000) the same arithmetic in numpy takes milliseconds,
where loading the compiled loop (numba and its cache) would cost more than the whole
computation.
"""


SPLIT_FROM = 2_000_000
"""Orders × members from which a compiled call is split over the machine's cores.

The loop releases Python's lock, so the coops are cut into one block per core, each of
about the same number of members, and the blocks run at once on threads; each coop's
shares are its own, so the result is the same however the coops are cut. Below this
size (a national run's sample: a few dozen coops) the threads would cost more than
they save; from it (a hundred coops of a few hundred members, some 20 ms of work) two
cores take 0.55 of the time of one.
"""


def sampled_shapley_compiled(
    members: Group,
    sizes: np.ndarray,
    assets: Group,
    seeds: np.ndarray,
    permutations: int,
    params: CoopCostParams,
) -> np.ndarray:
    """Sampled Shapley shares of several coops (members coop after coop), in compiled calls.

    Args:
        members: the members of every coop, coop after coop, one row each.
        sizes: each coop's number of members, (K,).
        assets: one row per coop holding what the coop itself owns, (K rows).
        seeds: each coop's seed for its sampled orders (:func:`coop_orders`), (K,).
        permutations: P, sampled orders per coop.
        params: the year's cost parameters.

    Returns:
        Each member's cost share (currency/year), aligned with ``members``.
    """
    from coopsim.economics.shapley_kernel import sampled_shapley_kernel

    member_start = np.concatenate([[0], np.cumsum(sizes)])
    prices = params.machinery
    need, machines, holding, coop_machines, coop_holding = (
        np.ascontiguousarray(x)
        for x in (
            members.need,
            members.machines,
            members.holding_cost,
            assets.machines,
            assets.holding_cost,
        )
    )
    extra_fixed, extra_villages = (
        x.astype(float) for x in (assets.extra_fixed, assets.extra_villages)
    )
    seeds = np.asarray(seeds, dtype=np.uint64)
    cost = np.array([params.fixed, params.handling_rate, params.governance, params.distance])
    capacity, operating, hire = (
        x.astype(float) for x in (prices.capacity, prices.operating, prices.hire)
    )

    def block(first: int, last: int) -> np.ndarray:
        """The shares of coops ``first`` to ``last`` (excluded)."""
        rows = slice(member_start[first], member_start[last])
        return sampled_shapley_kernel(
            members.value[rows],
            members.value_sq[rows],
            need[rows],
            machines[rows],
            holding[rows],
            member_start[first : last + 1] - member_start[first],
            coop_machines[first:last],
            coop_holding[first:last],
            extra_fixed[first:last],
            extra_villages[first:last],
            seeds[first:last],
            permutations,
            cost,
            capacity,
            operating,
            hire,
        )

    blocks = core_count() if member_start[-1] * permutations >= SPLIT_FROM else 1
    # cut where each block has about its part of the members
    cuts = np.searchsorted(member_start, np.linspace(0, member_start[-1], blocks + 1)[1:-1])
    return on_cores(block, [0, *np.unique(cuts).tolist(), len(sizes)])


def sampled_shapley_in_numpy(
    members: Group,
    sizes: np.ndarray,
    assets: Group,
    seeds: np.ndarray,
    permutations: int,
    params: CoopCostParams,
) -> np.ndarray:
    """:func:`sampled_shapley_compiled` in numpy, operation for operation the same.

    Coops of the same size are stacked, (coops, P, M): each running sum is a cumulative
    sum along an order, added member by member from zero as the compiled loop adds
    them, and every term is computed in the loop's order (the split of C(S) into each
    member's own cost, the first member's founding cost and the joint part is the
    loop's, :mod:`coopsim.economics.shapley_kernel`), so the shares are identical to the
    last bit (a test checks it). It keeps every coalition's sums in memory (P × M × 10
    numbers per coop), which is why large calls go to the loop. Arguments and result as
    :func:`sampled_shapley_compiled`.
    """
    sizes = np.asarray(sizes, dtype=int)
    member_start = np.concatenate([[0], np.cumsum(sizes)])
    prices = params.machinery
    capacity, operating, hire = (
        np.asarray(x, dtype=float) for x in (prices.capacity, prices.operating, prices.hire)
    )
    saving = operating - hire
    coop = np.repeat(np.arange(len(sizes)), sizes)
    own_cost = np.zeros(len(members.value))
    for a in range(4):
        own_cost += members.holding_cost[:, a] + hire[a] * members.need[:, a]
    own_cost += params.handling_rate * members.value
    own_cost += params.distance * assets.extra_villages.astype(float)[coop]
    founding = np.zeros(len(sizes))
    for a in range(4):
        founding += assets.holding_cost[:, a]
    founding += params.fixed
    founding += assets.extra_fixed.astype(float)
    shares = np.zeros(len(members.value))
    for m in np.unique(sizes):
        coops = np.flatnonzero(sizes == m)
        # member index of each position of each order, (C, P, M)
        who = member_start[coops][:, None, None] + coop_orders(seeds[coops], permutations, m)

        def running(column: np.ndarray, who: np.ndarray = who) -> np.ndarray:
            return np.cumsum(column[who], axis=2, dtype=float)

        n = np.arange(1.0, m + 1.0)
        s_value = running(members.value)
        mean = s_value / n
        var = np.maximum(running(members.value_sq) / n - mean * mean, 0.0)
        h = np.divide(np.sqrt(var), mean, out=np.zeros_like(mean), where=mean > 0)
        joint = np.zeros_like(s_value)
        for a in range(4):
            held = running(members.machines[:, a]) + assets.machines[coops, a][:, None, None]
            joint += saving[a] * np.minimum(running(members.need[:, a]), held * capacity[a])
        joint += params.governance * h * n
        marginal = np.diff(joint, axis=2, prepend=0.0) + own_cost[who]
        marginal[:, :, 0] += founding[coops][:, None]
        # each member's marginal costs added order by order, as the loop adds them
        summed = np.bincount(who.ravel(), weights=marginal.ravel(), minlength=len(shares))
        mine = who[:, 0].ravel()  # the members of these coops: each comes once in an order
        shares[mine] = summed[mine]
    return shares / permutations


def shapley_shares(
    members: Group,
    coop_assets: Group,
    params: CoopCostParams,
    rng: np.random.Generator,
    exact_max: int = 10,
    permutations: int = 64,
) -> np.ndarray:
    """Each member's Shapley-value cost share in one coop.

    Args:
        members: one row per member, each a group of one farm (its own value,
            need, the machines it pools and their holding cost).
        coop_assets: a single-row group holding only what the coop itself owns
            (bought machines, their holding cost, extra fixed cost).
        params: the year's cost parameters.
        rng: random generator, used only when orders are sampled.
        exact_max: largest coop computed exactly over all coalitions.
        permutations: sampled orders for larger coops.

    Returns:
        Cost share per member (currency/year); they add up to C(all members).
    """
    sizes = np.array([len(members.members)])
    return shapley_shares_of_coops(
        members, sizes, coop_assets, params, rng, exact_max, permutations
    )


def shapley_shares_of_coops(
    members: Group,
    sizes: np.ndarray,
    assets: Group,
    params: CoopCostParams,
    rng: np.random.Generator,
    exact_max: int = 10,
    permutations: int = 64,
) -> np.ndarray:
    """:func:`shapley_shares` of several coops at once.

    Each larger coop draws the seed of its orders from ``rng``, coop by coop (the draws
    of calling :func:`shapley_shares` coop by coop, which gives the same shares). Coops
    of at most ``exact_max`` members have every coalition priced by :func:`coop_cost` in
    one evaluation; larger coops go through one call of the sampled estimator (in numpy
    for a few coops, else the compiled loop of :mod:`coopsim.economics.shapley_kernel`;
    both the arithmetic of :func:`sampled_shapley_reference`), so that thousands of
    coops cost no more than their members' work.

    Args:
        members: the members of every coop, coop after coop, one row each.
        sizes: each coop's number of members, (K,).
        assets: one row per coop holding what the coop itself owns, (K rows).
        params: the year's cost parameters.
        rng: random generator, used only when orders are sampled.
        exact_max: largest coop computed exactly over all coalitions.
        permutations: sampled orders for larger coops.

    Returns:
        Each member's cost share (currency/year), aligned with ``members``.
    """
    sizes = np.asarray(sizes, dtype=int)
    starts = np.concatenate([[0], np.cumsum(sizes)])
    sampled = np.flatnonzero(sizes > exact_max)
    seeds = order_seeds(len(sampled), rng)
    shares = np.zeros(len(members.members))
    exact = [k for k, m in enumerate(sizes) if 0 < m <= exact_max]
    if exact:  # every coalition of every small coop priced at once (2^m rows each)
        pieces = [
            _coalitions(
                members.take(slice(starts[k], starts[k + 1])),
                _all_masks(sizes[k]),
                assets.take(slice(k, k + 1)),
            )
            for k in exact
        ]
        value = coop_cost(Group.concat(pieces), params).total
        at = 0
        for k in exact:
            rows = 2 ** sizes[k]
            shares[starts[k] : starts[k + 1]] = _exact_shares(value[at : at + rows], sizes[k])
            at += rows
    if len(sampled):  # one call of the estimator for all larger coops
        if len(sampled) == len(sizes):  # every coop sampled (national runs): all rows
            rows, chosen = slice(None), members
        else:
            rows = np.concatenate([np.arange(starts[k], starts[k + 1]) for k in sampled])
            chosen = members.take(rows)
        # the same shares either way; loading the compiled loop pays only for large calls
        small = len(chosen.value) * permutations < COMPILED_FROM
        estimate = sampled_shapley_in_numpy if small else sampled_shapley_compiled
        shares[rows] = estimate(
            chosen, sizes[sampled], assets.take(sampled), seeds, permutations, params
        )
    return shares


ORDER_STEP = np.uint64(0x9E3779B97F4A7C15)
"""What each draw adds to a coop's counter (splitmix64's increment, 2^64 / golden ratio)."""

ORDER_MIX = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))
"""splitmix64's two multipliers, which mix a counter into a draw."""


def order_seeds(count: int, rng: np.random.Generator) -> np.ndarray:
    """One seed per coop for its sampled orders: ``count`` draws of ``rng.random()``.

    Each coop's orders follow from its seed alone (:func:`coop_orders`), so one draw per
    coop replaces the P·M draws the orders take, and the compiled loop can shuffle them
    where it uses them instead of keeping every order of every coop in memory.
    """
    return (rng.random(count) * 2.0**53).astype(np.uint64)


def order_draws(seeds: np.ndarray, counters: np.ndarray, below: int) -> np.ndarray:
    """Whole numbers uniform in 0 … ``below`` − 1: the ``counters``-th of each seed's stream.

    A counter-based generator (splitmix64's output function applied to seed +
    (counter + 1)·``ORDER_STEP``, its top 32 bits scaled to ``below``): every draw is a
    pure function of its seed and its place, so the compiled loop
    (:func:`coopsim.economics.shapley_kernel.shuffle_orders`) computes the same numbers,
    one at a time. ``seeds`` and ``counters`` broadcast; arithmetic is modulo 2^64.
    """
    z = seeds + (counters.astype(np.uint64) + np.uint64(1)) * ORDER_STEP
    z = (z ^ (z >> np.uint64(30))) * ORDER_MIX[0]
    z = (z ^ (z >> np.uint64(27))) * ORDER_MIX[1]
    z = z ^ (z >> np.uint64(31))
    return (((z >> np.uint64(32)) * np.uint64(below)) >> np.uint64(32)).astype(np.int64)


def coop_orders(seeds: np.ndarray, permutations: int, m: int) -> np.ndarray:
    """``permutations`` random orders of ``m`` members for each seed, (K, P, m).

    Fisher–Yates: each order starts as 0 … m−1 and, for j from m−1 down to 1, swaps
    place j with a place drawn uniformly from 0 … j; the draw for order p and place j
    is number p·m + j of the coop's stream (:func:`order_draws`). Every order is a
    uniformly random permutation, independent of the others.
    """
    seeds = np.asarray(seeds, dtype=np.uint64)
    orders = np.broadcast_to(np.arange(m), (len(seeds), permutations, m)).copy()
    rows = np.arange(len(seeds))[:, None]
    p = np.arange(permutations)
    for j in range(m - 1, 0, -1):
        r = order_draws(seeds[:, None], (p * m + j)[None, :], j + 1)
        taken = orders[rows, p, r]
        orders[rows, p, r] = orders[:, :, j]
        orders[:, :, j] = taken
    return orders


@cache
def _all_masks(m: int) -> np.ndarray:
    """Every coalition of ``m`` members as a 0/1 row, coalition ``s`` the bits of ``s``."""
    masks = ((np.arange(2**m)[:, None] >> np.arange(m)) & 1).astype(float)
    masks.flags.writeable = False
    return masks


@cache
def _exact_terms(m: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per member: coalitions without it, the same with it, and each one's Shapley weight."""
    sizes = _all_masks(m).sum(axis=1).astype(int)
    weight = np.array([factorial(s) * factorial(m - s - 1) for s in range(m)]) / factorial(m)
    index = np.arange(2**m)
    terms = []
    for i in range(m):
        without = index[(index >> i) & 1 == 0]
        terms.append((without, without | (1 << i), weight[sizes[without]]))
    return terms


def _exact_shares(value: np.ndarray, m: int) -> np.ndarray:
    """Shapley shares from the cost of every coalition (``value[s]``, coalition bits ``s``)."""
    return np.array(
        [(w * (value[with_i] - value[without])).sum() for without, with_i, w in _exact_terms(m)]
    )
