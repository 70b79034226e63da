"""The sampled Shapley value as a compiled loop (numba), for coops of many members.

:func:`sampled_shapley_kernel` computes exactly what
:func:`coopsim.economics.allocation.sampled_shapley_reference` computes with numpy: for
each coop and each sampled order, the cost C(S) (rule R4, :func:`coop_cost`) of the
first j + 1 members for every j, and each member's marginal cost averaged over the
orders. The numpy version writes every coalition's sums to memory (P orders × M
members × 17 numbers per coop); the loop keeps one coalition's sums in registers and
adds one member at a time, so large coops cost no memory traffic. The arithmetic is
that of :func:`coop_cost`, term by term in the same order; only the sum over the four
assets is done left to right here, where numpy's matrix product may add in another
order, so the two agree to the last few bits (tests check 1e-12).

Compiled on first use and cached on disk next to this file (numba's ``cache=True``),
with numpy's error model: no division is checked for zero, as none can be (a coalition
has at least one member, and the mean value divides only where it is positive).
"""

from __future__ import annotations

import numpy as np
from numba import njit


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
    orders: np.ndarray,
    order_start: np.ndarray,
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
        orders: each coop's orders, coop after coop, order after order: member
            indices within the coop, (Σ P·M_k,).
        order_start: where each coop's orders start, (K + 1,).
        n_orders: P, orders per coop.
        cost: fixed F, handling rate c, governance γ, distance δ.
        capacity: work one machine does in a year, per asset, (4,).
        operating: running cost per unit of own work, per asset, (4,).
        hire: contractor price per unit of work, per asset, (4,).

    Returns:
        Each member's share, aligned with ``value``.
    """
    fixed, handling, governance, distance = cost[0], cost[1], cost[2], cost[3]
    shares = np.zeros(len(value))
    for k in range(len(member_start) - 1):
        first = member_start[k]
        m = member_start[k + 1] - first
        order = orders[order_start[k] : order_start[k + 1]].reshape(n_orders, m)
        # the orders advance together, one member at a time: the work of the P orders at
        # step j is independent, so the loop over them runs in vector registers
        s_value = np.zeros(n_orders)
        s_value_sq = np.zeros(n_orders)
        s_need = np.zeros((4, n_orders))
        s_machines = np.zeros((4, n_orders))
        s_holding = np.zeros((4, n_orders))
        before = np.zeros(n_orders)
        marginal = np.empty((n_orders, m))
        for j in range(m):
            n = j + 1.0
            for p in range(n_orders):
                i = first + order[p, j]
                s_value[p] += value[i]
                s_value_sq[p] += value_sq[i]
                for a in range(4):
                    s_need[a, p] += need[i, a]
                    s_machines[a, p] += machines[i, a]
                    s_holding[a, p] += holding[i, a]
            for p in range(n_orders):
                mean = s_value[p] / n
                var = max(s_value_sq[p] / n - mean * mean, 0.0)
                h = np.sqrt(var) / mean if mean > 0 else 0.0
                total = 0.0
                for a in range(4):
                    held = s_machines[a, p] + coop_machines[k, a]
                    own = min(s_need[a, p], held * capacity[a])
                    total += (s_holding[a, p] + coop_holding[k, a] + operating[a] * own) + hire[
                        a
                    ] * (s_need[a, p] - own)
                overhead = (
                    fixed
                    + coop_extra_fixed[k]
                    + handling * s_value[p]
                    + governance * h * n
                    + distance * n * coop_extra_villages[k]
                )
                total += overhead
                marginal[p, j] = total - before[p]
                before[p] = total
        # each member's marginal costs added order by order, as numpy's bincount adds them
        for p in range(n_orders):
            for j in range(m):
                shares[first + order[p, j]] += marginal[p, j]
    for i in range(len(shares)):
        shares[i] /= n_orders
    return shares
