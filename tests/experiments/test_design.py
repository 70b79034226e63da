"""Designs: how many points each gives, where they lie, and that the seed fixes them."""

from __future__ import annotations

import numpy as np
import pytest

from coopsim.experiments.design import design_rows, grid, latin, morris, saltelli
from coopsim.experiments.spec import DesignSpec, Factor

A = Factor(key="policy.investment_subsidy", min=0.0, max=0.5, integer=False)
B = Factor(key="market.bargaining_premium", min=0.1, max=0.3, integer=False)
C = Factor(key="population.village_size", min=20, max=120, integer=True)


def _matrix(rows: list[dict], factors: list[Factor]) -> np.ndarray:
    return np.array([[row[f.key] for f in factors] for row in rows], dtype=float)


def test_grid_has_every_combination_with_the_first_factor_slowest() -> None:
    x = Factor(key="a", values=[1, 2, 3])
    y = Factor(key="b", values=["p", "q"])
    rows = grid([x, y])
    assert rows == [
        {"a": 1, "b": "p"},
        {"a": 1, "b": "q"},
        {"a": 2, "b": "p"},
        {"a": 2, "b": "q"},
        {"a": 3, "b": "p"},
        {"a": 3, "b": "q"},
    ]


def test_latin_hypercube_puts_one_point_in_each_stratum_of_every_factor() -> None:
    n = 20
    x = _matrix(latin([A, B], n, seed=3), [A, B])
    assert x.shape == (n, 2)
    for j, f in enumerate((A, B)):
        strata = np.floor((x[:, j] - f.min) / (f.max - f.min) * n).astype(int)
        assert sorted(strata) == list(range(n))


@pytest.mark.parametrize(("second_order", "rows_per_sample"), [(False, 3 + 2), (True, 2 * 3 + 2)])
def test_saltelli_gives_n_times_d_plus_2_rows_or_2d_plus_2_with_second_order(
    second_order: bool, rows_per_sample: int
) -> None:
    x = _matrix(saltelli([A, B, C], 16, second_order, seed=3), [A, B, C])
    assert x.shape == (16 * rows_per_sample, 3)
    for j, f in enumerate((A, B, C)):
        assert f.min <= x[:, j].min() and x[:, j].max() <= f.max


def test_morris_gives_trajectories_of_d_plus_1_points_on_the_level_grid() -> None:
    levels = 4
    x = _matrix(morris([A, B], 5, levels, seed=3), [A, B])
    assert x.shape == (5 * (2 + 1), 2)
    for j, f in enumerate((A, B)):
        grid_values = np.linspace(f.min, f.max, levels)
        assert np.isclose(x[:, j, None], grid_values).any(axis=1).all()
    # within a trajectory, consecutive points differ in exactly one factor
    for t in range(5):
        steps = np.diff(x[3 * t : 3 * t + 3], axis=0) != 0
        assert (steps.sum(axis=1) == 1).all()


def test_integer_factor_is_sampled_as_whole_numbers_within_its_range() -> None:
    rows = latin([A, C], 10, seed=1)
    sizes = [row[C.key] for row in rows]
    assert all(type(s) is int for s in sizes)
    assert all(20 <= s <= 120 for s in sizes)
    assert all(type(row[A.key]) is float for row in rows)


@pytest.mark.parametrize("kind", ["latin", "sobol", "morris"])
def test_sampled_design_is_fixed_by_its_seed(kind: str) -> None:
    design = DesignSpec(kind=kind, samples=8)
    assert design_rows([A, B], design, 5) == design_rows([A, B], design, 5)
    assert design_rows([A, B], design, 5) != design_rows([A, B], design, 6)
