"""Seeds of an experiment, all spawned from its master seed with numpy's SeedSequence.

Replicate ``r`` runs with the seed of the ``r``-th child of ``SeedSequence(master)``
at **every** design point: common random numbers, so that two design points differ
only by their factor values, not by luck. Children are independent streams, so
replicates do not share draws, and a child depends only on the master seed and its
index: adding replications leaves the seeds of the earlier ones unchanged.

The sampler of the design (Latin hypercube, Saltelli, Morris) draws from the
master sequence's own state, which no replicate uses.
"""

from __future__ import annotations

import numpy as np


def _as_int(sequence: np.random.SeedSequence) -> int:
    # 63 bits: an int64 column in Parquet holds it, and Mesa takes it as an int seed
    return int(sequence.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))


def replicate_seeds(master: int, replications: int) -> list[int]:
    """The seed of each replicate: integers from ``SeedSequence(master).spawn(replications)``.

    Args:
        master: the experiment's master seed.
        replications: number of replicates.
    """
    return [_as_int(child) for child in np.random.SeedSequence(master).spawn(replications)]


def design_seed(master: int) -> int:
    """The seed of the design's sampler, from the master sequence itself (no replicate's)."""
    return _as_int(np.random.SeedSequence(master))
