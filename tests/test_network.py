"""The social network: village small worlds, ties within the region, neighbour means."""

from __future__ import annotations

import networkx as nx
import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from coopsim.network import build_network, neighbour_mean, village_graph


def villages(sizes: list[int], regions: int = 2) -> tuple[np.ndarray, np.ndarray]:
    village = np.repeat(np.arange(len(sizes)), sizes)
    return village, village % regions


def test_without_rewiring_each_farm_has_its_ties_on_the_village_ring() -> None:
    village, region = villages([20, 30, 25])
    a = build_network(village, region, ties=6, outside_share=0.0, rng=np.random.default_rng(0))
    degree = np.diff(a.indptr)
    assert (degree == 6).all()  # three on each side of the ring
    assert a.indices.dtype == np.int32  # half the memory of scipy's default here
    rows, cols = a.nonzero()
    assert (village[rows] == village[cols]).all()
    # farm 0's neighbours on the ring of its village of 20: 1, 2, 3 and 17, 18, 19
    assert sorted(a[[0]].indices.tolist()) == [1, 2, 3, 17, 18, 19]


@settings(max_examples=30, deadline=None)
@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=8),
    ties=st.sampled_from([2, 4, 8]),
    share=st.floats(0.0, 1.0),
    seed=st.integers(0, 1000),
)
def test_ties_are_mutual_without_loops_and_rewired_ones_stay_in_the_region(
    sizes, ties, share, seed
) -> None:
    village, region = villages(sizes, regions=3)
    a = build_network(village, region, ties, share, np.random.default_rng(seed))
    assert (a != a.T).nnz == 0 and a.diagonal().sum() == 0
    assert set(np.unique(a.data)) <= {1.0}
    rows, cols = a.nonzero()
    assert (region[rows] == region[cols]).all()
    again = build_network(village, region, ties, share, np.random.default_rng(seed))
    assert (a != again).nnz == 0  # the seed fixes the network


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 60), density=st.floats(0.05, 0.6), seed=st.integers(0, 1000))
def test_neighbour_means_equal_a_plain_count_whichever_way_they_are_computed(
    n, density, seed
) -> None:
    rng = np.random.default_rng(seed)
    upper = sparse.random(n, n, density=density, random_state=seed, format="csr")
    a = sparse.csr_array(((upper + upper.T) > 0).astype(np.float32))
    a.setdiag(0)
    a.eliminate_zeros()
    values = rng.random(n)
    # few farms counting takes the path along their own ties, many the matrix product, and
    # nearly all the matrix product for the values and the ties of the others for the count
    for among in (rng.random(n) < 0.05, rng.random(n) < 0.8, rng.random(n) < 0.97):
        mean, count = neighbour_mean(a, values, among)
        dense = a.toarray() > 0
        expected_count = (dense & among[None, :]).sum(axis=1)
        expected_total = (dense * (values * among)[None, :]).sum(axis=1)
        np.testing.assert_array_equal(count, expected_count)
        np.testing.assert_allclose(
            mean, expected_total / np.maximum(expected_count, 1), rtol=1e-6, atol=1e-7
        )


def test_a_village_as_a_networkx_graph_keeps_the_farm_numbers() -> None:
    village, region = villages([10, 12])
    a = build_network(village, region, 4, 0.0, np.random.default_rng(1))
    graph = village_graph(a, np.arange(10, 22))
    assert isinstance(graph, nx.Graph)
    assert set(graph.nodes) == set(range(10, 22)) and graph.number_of_edges() == 12 * 2
