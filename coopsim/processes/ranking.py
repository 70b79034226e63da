"""Members in order of their coops, and within each coop by a value (rule R2's ranks).

:func:`order_within_coops` is ``np.lexsort((value, coop))``: rows grouped by coop, each
coop's rows from the smallest value up, ties in the order given. At national scale
(Japan's six million members) ``lexsort`` takes seconds a year; sorting the coops first
(a radix sort of small integers) and then each coop's few hundred members apart, in a
compiled loop, gives the same order several times faster. Small calls stay in numpy,
where loading the compiled loop would cost more than the sort.
"""

from __future__ import annotations

import numpy as np

COMPILED_FROM = 1_000_000
"""Rows from which the order goes through the compiled loop."""


def order_within_coops(coop: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Indices that sort rows by ``coop``, then by ``value``, stably (``np.lexsort``)."""
    if len(coop) < COMPILED_FROM or len(coop) == 0:
        return np.lexsort((value, coop))
    from coopsim.processes.ranking_kernel import sort_each_run

    # numpy sorts small unsigned integers by radix, in one pass
    small = coop.astype(np.uint16) if coop.min() >= 0 and coop.max() < 2**16 else coop
    by_coop = np.argsort(small, kind="stable")
    return sort_each_run(by_coop, coop[by_coop], np.ascontiguousarray(value, dtype=float))
