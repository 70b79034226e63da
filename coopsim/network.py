"""The social network: villages as dense clusters, weaker ties between villages.

Each village is a small world (Watts & Strogatz 1998): every farm is tied to its
``village_ties`` nearest farms on a ring of the village, and a share of those ties
is moved to a random farm of another village in the same region. Awareness of the
programme and trust in cooperation spread along the ties
(:mod:`coopsim.processes.learning`).

The network is held as a sparse adjacency matrix (scipy CSR): at 500,000 farms
building it takes about half a second, where building one networkx graph per
village took about four seconds here. networkx is used to look at it:
:func:`village_graph` gives one village (or any set of farms) as a networkx graph,
for the dashboard and for analysis.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
from scipy import sparse


def build_network(
    village: np.ndarray,
    region: np.ndarray,
    ties: int,
    outside_share: float,
    rng: np.random.Generator,
) -> sparse.csr_array:
    """Adjacency matrix (N x N, symmetric, 0/1, float32) of the farms' social ties.

    Its indices are 32-bit integers while the ties fit them (every shipped scenario): a
    yearly pass over the ties then reads half the memory.

    Args:
        village: each farm's village, farms of a village contiguous.
        region: each farm's region.
        ties: ties per farm inside its village (half on each side of the ring).
        outside_share: share of ties moved to another village of the region.
        rng: random generator.
    """
    n = len(village)
    starts = np.r_[0, np.flatnonzero(np.diff(village)) + 1]
    sizes = np.diff(np.r_[starts, n])
    start = np.repeat(starts, sizes)
    size = np.repeat(sizes, sizes)
    position = np.arange(n) - start

    sources, targets = [], []
    for step in range(1, ties // 2 + 1):
        ok = size > step
        sources.append(np.flatnonzero(ok))
        targets.append(start[ok] + (position[ok] + step) % size[ok])
    source = np.concatenate(sources) if sources else np.zeros(0, np.int64)
    target = np.concatenate(targets) if targets else np.zeros(0, np.int64)

    moved = rng.random(len(source)) < outside_share
    if moved.any():
        by_region = np.argsort(region, kind="stable")
        region_start = np.searchsorted(region[by_region], np.arange(region.max() + 2))
        r = region[source[moved]]
        lo, hi = region_start[r], region_start[r + 1]
        target[moved] = by_region[lo + (rng.random(moved.sum()) * (hi - lo)).astype(np.int64)]

    keep = source != target
    index = np.int32 if max(n, 2 * int(keep.sum())) < 2**31 else np.int64
    source, target = source[keep].astype(index), target[keep].astype(index)
    both = np.concatenate([source, target]), np.concatenate([target, source])
    adjacency = sparse.csr_array((np.ones(2 * len(source), dtype=np.float32), both), shape=(n, n))
    adjacency.sum_duplicates()
    adjacency.data[:] = 1.0
    return adjacency


def neighbour_mean(
    adjacency: sparse.csr_array, values: np.ndarray, among: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Mean of ``values`` over each farm's neighbours that are ``among`` (a mask).

    Returns:
        The mean (0 where no neighbour counts) and how many neighbours counted.
    """
    n = adjacency.shape[0]
    who = np.flatnonzero(among)
    if len(who) < n // 10:
        # few count (e.g. coop members): spread from them along their own ties,
        # which are the same ties as the network is symmetric
        ends, degree = _ties_of(adjacency, who)
        total = np.bincount(ends, weights=np.repeat(values[who], degree), minlength=n)
        count = np.bincount(ends, minlength=n).astype(float)
        return total / np.maximum(count, 1.0), count
    # single precision: these are shares in 0–1, and it halves the memory traffic
    total = (adjacency @ (values * among).astype(np.float32)).astype(float)
    others = np.flatnonzero(~among)
    if len(others) < n // 10:
        # most count (e.g. farms still farming): each farm's ties less those to the
        # few who do not; whole numbers, the same in any precision
        ends, _ = _ties_of(adjacency, others)
        count = (np.diff(adjacency.indptr) - np.bincount(ends, minlength=n)).astype(float)
    else:
        count = (adjacency @ among.astype(np.float32)).astype(float)
    return total / np.maximum(count, 1.0), count


def _ties_of(adjacency: sparse.csr_array, farms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The farm at the other end of each tie of ``farms``, and how many ties each has."""
    ties = adjacency[farms]
    return ties.indices, np.diff(ties.indptr)


def village_graph(adjacency: sparse.csr_array, farms: np.ndarray) -> nx.Graph:
    """The ties among ``farms`` (indices) as a networkx graph whose nodes are farm indices."""
    sub = adjacency[farms][:, farms]
    graph = nx.from_scipy_sparse_array(sub)
    return nx.relabel_nodes(graph, dict(enumerate(farms.tolist())))
