"""The compiled loop of :func:`coopsim.processes.ranking.order_within_coops` (numba)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def sort_each_run(
    order: np.ndarray, key: np.ndarray, value: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled; checked against np.lexsort
    """``order`` with each run of equal ``key`` (in order's order) sorted stably by ``value``.

    Args:
        order: row indices grouped by key, (N,).
        key: the key of each entry of ``order``, (N,): equal keys are consecutive.
        value: the value of every row, (N,).

    Returns:
        The row indices, each run by increasing value, ties in ``order``'s order.
    """
    n = len(order)
    out = np.empty(n, np.int64)
    start = 0
    while start < n:
        end = start + 1
        while end < n and key[end] == key[start]:
            end += 1
        run = order[start:end]
        by_value = np.argsort(value[run], kind="mergesort")
        for t in range(end - start):
            out[start + t] = run[by_value[t]]
        start = end
    return out
