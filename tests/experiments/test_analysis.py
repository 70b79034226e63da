"""Analysis numbers on small cases that can be checked by hand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from coopsim.experiments import (
    AnalysisError,
    factor_summary,
    load_experiment,
    make_plan,
    morris_indices,
    outcome_values,
    point_summary,
    sobol_indices,
)

T_975_1 = 12.706204736174698
"""Student's t, 97.5 % quantile, 1 degree of freedom: the 95 % interval of two replicates."""

# Two factors at two levels, two replicates; point p has a = p // 2, b = 10 or 20.
VALUES = pd.DataFrame(
    {
        "run_id": [f"r{i}" for i in range(8)],
        "point": [0, 0, 1, 1, 2, 2, 3, 3],
        "replicate": [0, 1] * 4,
        "a": [0, 0, 0, 0, 1, 1, 1, 1],
        "b": [10, 10, 20, 20, 10, 10, 20, 20],
        "value": [1.0, 3.0, 5.0, 7.0, 2.0, 2.0, 4.0, 10.0],
    }
)


def test_point_summary_is_mean_and_t_interval_over_replicates() -> None:
    points = point_summary(VALUES, ["a", "b"]).set_index("point")
    assert points.loc[0, "mean"] == 2.0
    assert points.loc[0, "sd"] == pytest.approx(np.sqrt(2))
    assert points.loc[0, "n"] == 2
    assert points.loc[0, "ci_low"] == pytest.approx(2.0 - T_975_1)
    assert points.loc[0, "ci_high"] == pytest.approx(2.0 + T_975_1)
    assert points.loc[3, "mean"] == 7.0
    assert points.loc[3, "ci_high"] == pytest.approx(7.0 + T_975_1 * 3.0)  # sd 3√2, n 2


def test_factor_summary_averages_other_factors_within_each_replicate_first() -> None:
    summary = factor_summary(VALUES, ["a", "b"]).set_index(["factor", "level"])
    # a = 1: replicate 0 → (2 + 4) / 2 = 3, replicate 1 → (2 + 10) / 2 = 6
    row = summary.loc[("a", 1)]
    assert row["mean"] == 4.5
    assert row["sd"] == pytest.approx(np.sqrt(4.5))
    assert row["ci_high"] - row["mean"] == pytest.approx(T_975_1 * np.sqrt(4.5) / np.sqrt(2))
    # b = 10: replicate 0 → (1 + 2) / 2, replicate 1 → (3 + 2) / 2
    assert summary.loc[("b", 10), "mean"] == pytest.approx((1.5 + 2.5) / 2)
    assert list(summary.loc["a"].index) == [0, 1]


def test_one_replicate_gives_a_mean_without_interval() -> None:
    single = VALUES[VALUES["replicate"] == 0]
    points = point_summary(single, ["a", "b"])
    assert points["mean"].tolist() == [1.0, 5.0, 2.0, 4.0]
    assert points["ci_low"].isna().all()


def test_factor_with_many_values_is_summarised_by_ranges_of_equal_counts() -> None:
    values = pd.DataFrame(
        {"point": range(50), "replicate": 0, "x": np.linspace(0.0, 1.0, 50), "value": 1.0}
    )
    summary = factor_summary(values, ["x"])
    assert len(summary) == 5
    assert summary["low"].iloc[0] == 0.0 and summary["high"].iloc[-1] == 1.0
    assert (summary["low"] <= summary["level"]).all() and (
        summary["level"] <= summary["high"]
    ).all()


def test_outcome_values_take_the_last_year_by_default_and_reject_unknown_ones() -> None:
    runs = pd.DataFrame(
        {
            "run_id": ["x", "x", "y", "y"],
            "point": [0, 0, 1, 1],
            "replicate": 0,
            "seed": 1,
            "a": [0, 0, 1, 1],
            "year": [2016, 2017, 2016, 2017],
            "members": [1.0, 2.0, 3.0, 4.0],
        }
    )
    values, year = outcome_values(runs, ["a"], "members")
    assert year == 2017
    assert values["value"].tolist() == [2.0, 4.0]
    with pytest.raises(AnalysisError, match="one of: members"):
        outcome_values(runs, ["a"], "farms")
    with pytest.raises(AnalysisError, match="no year 2030"):
        outcome_values(runs, ["a"], "members", 2030)


def _sensitivity(
    write_spec: Callable[..., Path], kind: str, samples: int, outcome: Callable[..., float]
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Values of ``outcome(subsidy, premium) + replicate`` over a real plan, and its manifest."""
    spec = write_spec(
        f'[design]\nkind = "{kind}"\nsamples = {samples}\n'
        '[[factors]]\nkey = "policy.investment_subsidy"\nmin = 0.0\nmax = 0.5\n'
        '[[factors]]\nkey = "market.bargaining_premium"\nmin = 0.0\nmax = 0.4\n'
    )
    experiment = load_experiment(spec)
    plan = make_plan(experiment)
    keys = experiment.keys
    values = pd.DataFrame(
        [
            {
                "run_id": r.run_id,
                "point": r.point,
                "replicate": r.replicate,
                **r.values,
                "value": outcome(*(r.values[k] for k in keys)) + r.replicate,
            }
            for r in plan.runs
        ]
    )
    manifest = {
        "spec": experiment.spec.model_dump(mode="json"),
        "design": {"kind": kind, "points": len(plan.points), "row_points": plan.row_points},
        "master_seed": experiment.spec.seed,
    }
    return values, manifest


def test_sobol_indices_of_an_outcome_that_depends_on_one_factor(
    write_spec: Callable[..., Path],
) -> None:
    values, manifest = _sensitivity(write_spec, "sobol", 256, lambda s, p: 7.0 * s)
    indices = sobol_indices(values, manifest).set_index("factor")
    # the premium does not enter: Saltelli's estimators are exactly 0 for it
    assert indices.loc["market.bargaining_premium", "S1"] == 0.0
    assert indices.loc["market.bargaining_premium", "ST"] == 0.0
    assert indices.loc["policy.investment_subsidy", "S1"] == pytest.approx(1.0, abs=0.05)
    assert indices.loc["policy.investment_subsidy", "ST"] == pytest.approx(1.0, abs=0.05)


def test_morris_effects_are_changes_over_the_whole_range_of_a_factor(
    write_spec: Callable[..., Path],
) -> None:
    # outcome = 4 × subsidy − 10 × premium: over their ranges, +2 and −4
    values, manifest = _sensitivity(write_spec, "morris", 6, lambda s, p: 4.0 * s - 10.0 * p)
    indices = morris_indices(values, manifest).set_index("factor")
    assert indices.loc["policy.investment_subsidy", "mu"] == pytest.approx(2.0)
    assert indices.loc["market.bargaining_premium", "mu"] == pytest.approx(-4.0)
    assert indices.loc["market.bargaining_premium", "mu_star"] == pytest.approx(4.0)
    assert indices["sigma"].tolist() == pytest.approx([0.0, 0.0], abs=1e-9)


def test_indices_of_an_outcome_that_never_changes_are_nan_not_a_division_by_zero(
    write_spec: Callable[..., Path],
) -> None:
    values, manifest = _sensitivity(write_spec, "sobol", 8, lambda s, p: 0.0)
    values["value"] = 1.0
    assert sobol_indices(values, manifest)[["S1", "ST"]].isna().all().all()


def test_indices_need_a_value_at_every_design_point(write_spec: Callable[..., Path]) -> None:
    values, manifest = _sensitivity(write_spec, "sobol", 8, lambda s, p: s)
    with pytest.raises(AnalysisError, match=r"1 of .* design rows have no value"):
        sobol_indices(values[values["point"] != 3], manifest)
