"""Members in order of their coops, and within each coop by a value (rule R2's ranks).

:func:`order_within_coops` is ``np.lexsort((value, coop))``: rows grouped by coop, each
coop's rows from the smallest value up, ties in the order given. At national scale
(Japan's six million members) ``lexsort`` takes seconds a year; sorting the coops first
(a radix sort of small integers) and then each coop's few hundred members apart, in a
compiled loop, one stretch of coops per core, gives the same order several times
faster. Small calls stay in numpy, where loading the compiled loop would cost more than
the sort.
"""

from __future__ import annotations

import numpy as np

from coopsim.tuning import core_count, on_cores

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
    key, value = coop[by_coop], np.ascontiguousarray(value, dtype=float)
    # each core sorts a stretch of whole coops, the stretches about equally long
    middles = np.linspace(0, len(key), core_count() + 1)[1:-1].astype(np.int64)
    cuts = np.searchsorted(key, key[middles], side="left")

    def block(first: int, last: int) -> np.ndarray:
        return sort_each_run(by_coop[first:last], key[first:last], value)

    return on_cores(block, np.unique([0, *cuts.tolist(), len(key)]).tolist())
