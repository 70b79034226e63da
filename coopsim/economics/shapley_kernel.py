"""The sampled Shapley value as a compiled loop (numba), for coops of many members.

:func:`sampled_shapley_kernel` computes what
:func:`coopsim.economics.allocation.sampled_shapley_reference` computes with numpy: for
each coop and each sampled order, the cost C(S) (rule R4, :func:`coop_cost`) of the
first j + 1 members for every j, and each member's marginal cost averaged over the
orders. It shuffles each coop's orders where it uses them (:func:`shuffle_order`) and
advances the coop's P orders together, one member at a time, keeping only their running
sums (P numbers each), so large coops cost neither memory nor memory traffic.

C(S) is split into what does not depend on the order: each member's holding cost, its
work at contractor prices, its handling and distance costs (added whatever comes before
it), the coop's own fixed and holding costs (brought by whoever comes first); and the
joint part, the saving of own machines over contractors and the governance cost, which
is all that the running sums are needed for. Mathematically the marginal costs are
those of C(S); numerically they round otherwise than the reference (tests check 1e-12)
and exactly as :func:`coopsim.economics.allocation.sampled_shapley_in_numpy`, which
does the same arithmetic in the same order.

Compiled on first use and cached on disk next to this file (numba's ``cache=True``),
with numpy's error model: no division is checked for zero, as none can be (a coalition
has at least one member, and the mean value divides only where it is positive).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from coopsim.economics.allocation import ORDER_MIX, ORDER_STEP

STEP = ORDER_STEP
MIX_1, MIX_2 = ORDER_MIX


@njit(cache=True, nogil=True, error_model="numpy")
def shuffle_order(order: np.ndarray, seed: np.uint64, p: int) -> None:  # pragma: no cover
    """Order ``p`` of a coop's stream: ``order`` (its m places) shuffled in place.

    :func:`coopsim.economics.allocation.coop_orders` draw for draw: Fisher–Yates from
    0 … m−1, the draw for place j being number p·m + j of the seed's stream.
    """
    m = len(order)
    for j in range(m):
        order[j] = j
    for j in range(m - 1, 0, -1):
        z = seed + np.uint64(p * m + j + 1) * STEP
        z = (z ^ (z >> np.uint64(30))) * MIX_1
        z = (z ^ (z >> np.uint64(27))) * MIX_2
        z = z ^ (z >> np.uint64(31))
        r = ((z >> np.uint64(32)) * np.uint64(j + 1)) >> np.uint64(32)
        taken = order[r]
        order[r] = order[j]
        order[j] = taken


@njit(cache=True, nogil=True, error_model="numpy")
def shuffle_orders(seed: np.uint64, n_orders: int, m: int) -> np.ndarray:  # pragma: no cover
    """The ``n_orders`` orders of ``m`` members the kernel uses for ``seed``, (P, m)."""
    orders = np.empty((n_orders, m), np.int32)
    for p in range(n_orders):
        shuffle_order(orders[p], seed, p)
    return orders


@njit(cache=True, nogil=True, error_model="numpy")
def sampled_shapley_kernel(
    value: np.ndarray,
    value_sq: np.ndarray,
    need: np.ndarray,
    machines: np.ndarray,
    holding: np.ndarray,
    member_start: np.ndarray,
    coop_machines: np.ndarray,
    coop_holding: np.ndarray,
    coop_extra_fixed: np.ndarray,
    coop_extra_villages: np.ndarray,
    seeds: np.ndarray,
    n_orders: int,
    cost: np.ndarray,
    capacity: np.ndarray,
    operating: np.ndarray,
    hire: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled; checked against the numpy version
    """Sampled Shapley shares of the members of several coops (currency/year).

    Args:
        value: value each member markets (all coops' members, coop after coop), (N,).
        value_sq: its square, (N,).
        need: work each member needs per asset, (N, 4).
        machines: machines each member pools, (N, 4).
        holding: their holding cost, (N, 4).
        member_start: where each coop's members start, (K + 1,).
        coop_machines: machines each coop owns itself, (K, 4).
        coop_holding: their holding cost, (K, 4).
        coop_extra_fixed: each coop's fixed cost on top of F, (K,).
        coop_extra_villages: villages each coop spans beyond the first, (K,).
        seeds: each coop's seed for its orders (:func:`shuffle_order`), (K,).
        n_orders: P, orders per coop.
        cost: fixed F, handling rate c, governance γ, distance δ.
        capacity: work one machine does in a year, per asset, (4,).
        operating: running cost per unit of own work, per asset, (4,).
        hire: contractor price per unit of work, per asset, (4,).

    Returns:
        Each member's share, aligned with ``value``.
    """
    fixed, handling, governance, distance = cost[0], cost[1], cost[2], cost[3]
    saving = operating - hire  # per unit of work done by own machines rather than hired
    shares = np.zeros(len(value))
    # each order's running sums, one array per sum: the cost of step j is then computed
    # for all P orders in one loop over contiguous arrays, in vector registers
    s_value = np.empty(n_orders)
    s_value_sq = np.empty(n_orders)
    before = np.empty(n_orders)
    brings = np.empty(n_orders)
    s_need = np.empty((4, n_orders))
    s_machines = np.empty((4, n_orders))
    for k in range(len(member_start) - 1):
        first = member_start[k]
        m = member_start[k + 1] - first
        # what each member adds whatever comes before it, and what the first one brings;
        # the figures the running sums add, one row per member (read as a whole)
        own_cost = np.empty(m)
        figures = np.empty((m, 10))
        for i in range(m):
            figures[i, 0] = value[first + i]
            figures[i, 1] = value_sq[first + i]
            for a in range(4):
                figures[i, 2 + a] = need[first + i, a]
                figures[i, 6 + a] = machines[first + i, a]
            own = 0.0
            for a in range(4):
                own += holding[first + i, a] + hire[a] * need[first + i, a]
            own += handling * value[first + i]
            own += distance * coop_extra_villages[k]
            own_cost[i] = own
        founding = 0.0
        for a in range(4):
            founding += coop_holding[k, a]
        founding += fixed
        founding += coop_extra_fixed[k]
        orders = np.empty((n_orders, m), np.int32)
        for p in range(n_orders):
            shuffle_order(orders[p], seeds[k], p)
        # unsigned places index without the check for negative indices
        places = orders.view(np.uint32)
        mine = shares[first : first + m]
        marginal = np.empty((n_orders, m))
        s_value[:] = 0.0
        s_value_sq[:] = 0.0
        s_need[:] = 0.0
        s_machines[:] = 0.0
        before[:] = 0.0
        for j in range(m):
            # the orders advance together, one member at a time
            for p in range(n_orders):
                w = places[p, j]
                s_value[p] += figures[w, 0]
                s_value_sq[p] += figures[w, 1]
                for a in range(4):
                    s_need[a, p] += figures[w, 2 + a]
                    s_machines[a, p] += figures[w, 6 + a]
                brings[p] = own_cost[w]
            n = j + 1.0
            for p in range(n_orders):
                mean = s_value[p] / n
                var = max(s_value_sq[p] / n - mean * mean, 0.0)
                h = np.sqrt(var) / mean if mean > 0 else 0.0
                joint = 0.0
                for a in range(4):
                    held = s_machines[a, p] + coop_machines[k, a]
                    joint += saving[a] * min(s_need[a, p], held * capacity[a])
                joint += governance * h * n
                step = (joint - before[p]) + brings[p]
                marginal[p, j] = step + founding if j == 0 else step
                before[p] = joint
        # each member's marginal costs added order after order, as numpy's bincount adds them
        for p in range(n_orders):
            for j in range(m):
                mine[places[p, j]] += marginal[p, j]
    for i in range(len(shares)):
        shares[i] /= n_orders
    return shares
