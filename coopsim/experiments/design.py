"""Design points: which combinations of factor values an experiment runs.

Four designs, each a pure function from factors (and a seed) to a list of rows,
one row a dict ``{factor key: value}`` in the sampler's order:

* :func:`grid`: every combination of the factors' listed values;
* :func:`latin`: a Latin hypercube over the factors' ranges (``scipy.stats.qmc``);
* :func:`saltelli`: Saltelli's scheme for Sobol indices (``SALib.sample.sobol``);
* :func:`morris`: elementary-effect trajectories (``SALib.sample.morris``).

Samplers are never hand-written. Integer factors are rounded after sampling.
SALib's and scipy's samplers are imported when first used: they are optional
dependencies (the ``experiments`` extra) and slow to import.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from coopsim.experiments.spec import DesignSpec, Factor, Value, as_value

Row = dict[str, Value]


def problem(factors: Sequence[Factor]) -> dict[str, Any]:
    """SALib's description of the factors: names and ranges."""
    return {
        "num_vars": len(factors),
        "names": [f.key for f in factors],
        "bounds": [[f.min, f.max] for f in factors],
    }


def grid(factors: Sequence[Factor]) -> list[Row]:
    """Every combination of the factors' values; the first factor varies slowest."""
    keys = [f.key for f in factors]
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(f.values or () for f in factors))
    ]


def _rows(factors: Sequence[Factor], matrix: np.ndarray) -> list[Row]:
    return [{f.key: as_value(f, x) for f, x in zip(factors, line, strict=True)} for line in matrix]


def latin(factors: Sequence[Factor], samples: int, seed: int) -> list[Row]:
    """A Latin hypercube of ``samples`` points over the factors' ranges."""
    from scipy.stats import qmc

    unit = qmc.LatinHypercube(d=len(factors), rng=np.random.default_rng(seed)).random(samples)
    low, high = zip(*problem(factors)["bounds"], strict=True)
    return _rows(factors, qmc.scale(unit, low, high))


def saltelli(factors: Sequence[Factor], samples: int, second_order: bool, seed: int) -> list[Row]:
    """Saltelli's sample for Sobol indices: ``samples`` × (D + 2) rows, or × (2D + 2)."""
    from SALib.sample import sobol

    matrix = sobol.sample(problem(factors), samples, calc_second_order=second_order, seed=seed)
    return _rows(factors, matrix)


def morris(factors: Sequence[Factor], trajectories: int, levels: int, seed: int) -> list[Row]:
    """Morris trajectories on a grid of ``levels`` levels: ``trajectories`` × (D + 1) rows."""
    from SALib.sample import morris as morris_sampler

    matrix = morris_sampler.sample(problem(factors), trajectories, num_levels=levels, seed=seed)
    return _rows(factors, matrix)


def design_rows(factors: Sequence[Factor], design: DesignSpec, seed: int) -> list[Row]:
    """The rows of the design ``design`` over ``factors``, in the sampler's order."""
    n = design.samples or 0
    match design.kind:
        case "grid":
            return grid(factors)
        case "latin":
            return latin(factors, n, seed)
        case "sobol":
            return saltelli(factors, n, design.second_order, seed)
        case "morris":
            return morris(factors, n, design.levels, seed)
    raise ValueError(f"unknown design {design.kind!r}")
