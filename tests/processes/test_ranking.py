"""Members ordered by coop, then by value: the compiled order is numpy's lexsort."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.processes import ranking
from coopsim.processes.ranking import order_within_coops


@settings(max_examples=60, deadline=None)
@given(
    rows=st.integers(0, 400),
    coops=st.sampled_from([1, 3, 40, 70_000]),  # the last beyond the radix sort's 16 bits
    values=st.integers(1, 6),  # few distinct values: many ties, kept in the order given
    seed=st.integers(0, 2**32 - 1),
)
def test_the_compiled_order_is_that_of_lexsort(rows, coops, values, seed):
    rng = np.random.default_rng(seed)
    coop = rng.integers(0, coops, rows)
    value = rng.integers(0, values, rows).astype(float) * 1_000.5
    expected = np.lexsort((value, coop))
    np.testing.assert_array_equal(order_within_coops(coop, value), expected)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ranking, "COMPILED_FROM", 0)
        for cores in (1, 2, 7):  # each core sorts a stretch of whole coops
            patch.setattr(ranking, "core_count", lambda cores=cores: cores)
            np.testing.assert_array_equal(order_within_coops(coop, value), expected)
