"""The compiled loop of :func:`coopsim.economics.coop_costs.sum_farms` (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def sum_farm_rows(
    rows: np.ndarray,
    group_of: np.ndarray,
    groups: int,
    value: np.ndarray,
    need: np.ndarray,
    machines: np.ndarray,
    holding: np.ndarray,
) -> tuple[np.ndarray, ...]:  # pragma: no cover - compiled; checked against np.bincount
    """Each group's members, value, squared value, need, machines and holding cost.

    Farm ``rows[j]`` is added to group ``group_of[j]``, j from first to last, each sum
    starting at zero: the additions of ``np.bincount`` with weights, in its order.

    Args:
        rows: the farms, (N,).
        group_of: each one's group, (N,), below ``groups``.
        groups: number of groups.
        value: every farm's value marketed, (F,).
        need: every farm's work needed per asset, (F, 4).
        machines: the machines it owns (flags or counts), (F, 4).
        holding: their holding cost, (F, 4).

    Returns:
        members (G,), value (G,), value_sq (G,), need, machines, holding (G, 4).
    """
    members = np.zeros(groups)
    value_sum = np.zeros(groups)
    value_sq = np.zeros(groups)
    need_sum = np.zeros((groups, 4))
    machines_sum = np.zeros((groups, 4))
    holding_sum = np.zeros((groups, 4))
    for j in range(len(rows)):
        i, g = rows[j], group_of[j]
        v = value[i]
        members[g] += 1.0
        value_sum[g] += v
        value_sq[g] += v * v
        for a in range(4):
            need_sum[g, a] += need[i, a]
            machines_sum[g, a] += machines[i, a] * 1.0
            holding_sum[g, a] += holding[i, a]
    return members, value_sum, value_sq, need_sum, machines_sum, holding_sum
