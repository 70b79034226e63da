"""Robustness: which policy holds up across what nobody controls.

An experiment of policies runs every policy on every draw of the uncertainties with
the same seeds. For one outcome in one year, each policy's value on a draw is the mean
over its replicates. Two measures rank the policies across the draws:

* **regret**: on each draw, how far a policy falls short of the best policy on that
  same draw (``best − value`` when more is better, ``value − best`` when less is);
  the policies are ranked by their largest regret (minimax regret), the 90th
  percentile and the mean regret shown beside it;
* **satisficing**: the share of draws on which a policy meets a stated threshold
  (e.g. ``>= 1000`` operating coops), with its 95 % Wilson interval over the draws.

Both follow the exploratory-modelling literature (Savage's regret; Simon's
satisficing; e.g. McPhail et al., 2018, *Earth's Future* 6, on robustness metrics).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from coopsim.experiments.analysis import AnalysisError, load_runs, outcome_values
from coopsim.experiments.discovery import Condition
from coopsim.results import ResultFolder

Goal = Literal["max", "min"]
CONFIDENCE = 0.95
ROBUSTNESS_FILES = ("*.csv", "*.png")


@dataclass
class Robustness:
    """The robustness of each policy for one outcome in one year.

    Attributes:
        outcome: the model column.
        year: the calendar year.
        goal: ``max`` (more is better) or ``min``.
        condition: the satisficing threshold, or None.
        draws: draws of the uncertainties every policy was run on.
        table: one row per policy, best first: mean, p10, median and p90 of the
            outcome over the draws; max, p90 and mean regret; the share of draws that
            satisfice with its 95 % interval; the rank by regret and by satisficing.
        regret: one row per policy and draw: the value (mean over replicates) and
            the regret.
        files: files written.
    """

    outcome: str
    year: int
    goal: Goal
    condition: Condition | None
    draws: int
    table: pd.DataFrame
    regret: pd.DataFrame
    files: list[Path] = field(default_factory=list)


def draw_values(values: pd.DataFrame) -> pd.DataFrame:
    """Policies × draws: each policy's outcome on each draw, the mean over replicates.

    Only draws on which every policy has a value are kept, so that every policy is
    judged on the same draws.
    """
    wide = values.groupby(["draw", "policy"], sort=False)["value"].mean().unstack("policy")
    return wide.dropna(axis="index", how="any")


def regret_of(wide: pd.DataFrame, goal: Goal) -> pd.DataFrame:
    """Each policy's regret on each draw: its shortfall from the best policy of the draw."""
    if goal == "max":
        return wide.max(axis="columns").to_numpy()[:, None] - wide
    return wide - wide.min(axis="columns").to_numpy()[:, None]


def wilson(successes: int, n: int) -> tuple[float, float]:
    """The 95 % Wilson score interval of a share (scipy's)."""
    from scipy.stats import binomtest

    interval = binomtest(successes, n).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(interval.low), float(interval.high)


def rank_policies(wide: pd.DataFrame, goal: Goal, condition: Condition | None) -> pd.DataFrame:
    """The table of :class:`Robustness` from the policies × draws values."""
    regret = regret_of(wide, goal)
    table = pd.DataFrame(
        {
            "policy": wide.columns,
            "mean": wide.mean().to_numpy(),
            "p10": wide.quantile(0.10).to_numpy(),
            "median": wide.median().to_numpy(),
            "p90": wide.quantile(0.90).to_numpy(),
            "max_regret": regret.max().to_numpy(),
            "p90_regret": regret.quantile(0.90).to_numpy(),
            "mean_regret": regret.mean().to_numpy(),
        }
    )
    table["rank_regret"] = table["max_regret"].rank(method="min").astype(int)
    if condition is not None:
        met = pd.DataFrame(condition(wide.to_numpy(dtype=float)), columns=wide.columns)
        counts = met.sum().to_numpy()
        table["satisficing"] = counts / len(wide)
        bands = [wilson(int(k), len(wide)) for k in counts]
        table["satisficing_low"] = [b[0] for b in bands]
        table["satisficing_high"] = [b[1] for b in bands]
        table["rank_satisficing"] = (
            table["satisficing"].rank(method="min", ascending=False).astype(int)
        )
    return table.sort_values(["rank_regret", "p90_regret"], kind="stable").reset_index(drop=True)


def robustness(
    out: str | Path,
    outcome: str,
    year: int | None = None,
    *,
    goal: Goal = "max",
    condition: Condition | None = None,
    write: bool = True,
) -> Robustness:
    """Rank the policies of a sweep across its draws by regret and by satisficing.

    Args:
        out: the folder of a sweep of policies and uncertainties.
        outcome: a model column, e.g. ``coops_active``.
        year: a calendar year; the last one when None.
        goal: ``max`` when more of the outcome is better, ``min`` when less is.
        condition: the threshold a draw must meet to satisfice, e.g. ``>= 1000``.
        write: write ``robustness.csv``, ``regret.csv`` and ``robustness.png`` to
            ``out/robustness/<outcome>-<year>/``.

    Raises:
        AnalysisError: the sweep has fewer than two policies; unknown outcome or year.
        StoreError: not a sweep's folder.
        ResultError: the folder cannot be written (an earlier one is kept).
    """
    if goal not in ("max", "min"):
        raise AnalysisError(f"goal {goal!r}: max (more is better) or min (less is better)")
    runs, manifest = load_runs(out)
    if len(manifest.get("policies") or []) < 2:
        raise AnalysisError(
            "robustness compares policies: this sweep has fewer than two "
            "(declare [[policies]] and [[uncertainties]] in the experiment file)"
        )
    values, year = outcome_values(runs, ["policy", "draw", *manifest["factors"]], outcome, year)
    wide = draw_values(values)
    if len(wide) == 0:
        raise AnalysisError(f"no draw on which every policy has a value of {outcome} in {year}")
    with contextlib.ExitStack() as stack:
        if write:
            place = Path(out) / "robustness" / f"{outcome}-{year}"
            folder = stack.enter_context(ResultFolder(place, ROBUSTNESS_FILES, "a robustness"))
        long = pd.concat(
            {"value": wide.stack(), "regret": regret_of(wide, goal).stack()}, axis="columns"
        ).reset_index()
        result = Robustness(
            outcome=outcome,
            year=year,
            goal=goal,
            condition=condition,
            draws=len(wide),
            table=rank_policies(wide, goal, condition),
            regret=long[["policy", "draw", "value", "regret"]].sort_values(["policy", "draw"]),
        )
        if write:
            from coopsim.experiments.plots import write_robustness

            result.files = write_robustness(result, folder)
    return result
