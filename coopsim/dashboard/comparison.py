"""Policy arms run side by side with common random numbers.

Every arm is the same scenario with some policy levers held at other values from a
given year. Replicate *r* of every arm uses the seed ``seed + r``, so the arms differ by
their policy only, not by luck: the difference between two arms is taken replicate by
replicate (paired), and its spread over replicates is much smaller than the spread of
either arm.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from coopsim import CoopModel, Scenario
from coopsim.dashboard.levers import with_lever_from

KEY_COLUMNS = (
    "coops_active",
    "coops_nominal",
    "members",
    "membership_rate",
    "coop_market_share",
    "mean_coop_size",
    "farm_income_mean",
    "farm_income_gini",
    "subsidy_paid",
    "subsidy_per_active_member",
)
"""The numbers compared at the horizon, and charted."""

PERCENT = {"membership_rate", "coop_market_share"}


@dataclass(frozen=True)
class Edit:
    """A policy lever held at ``value`` from ``year`` (to the horizon)."""

    lever: str
    value: Any
    year: int


@dataclass(frozen=True)
class Arm:
    """One policy arm: a name and its edits of the base scenario."""

    name: str
    edits: tuple[Edit, ...] = field(default_factory=tuple)

    def scenario(self, base: Scenario) -> Scenario:
        """The base scenario with this arm's edits.

        Raises:
            ScenarioError: an edit is out of its lever's range.
        """
        spec = base
        for edit in self.edits:
            spec = with_lever_from(spec, edit.lever, edit.value, edit.year)
        return spec


def run_arms(
    base: Scenario,
    arms: list[Arm],
    replicates: int,
    seed: int,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> pd.DataFrame:
    """Run every arm for every replicate; replicate r of each arm uses seed ``seed + r``.

    Args:
        base: the scenario (already sized).
        arms: the arms (their names must differ).
        replicates: runs per arm.
        seed: seed of the first replicate.
        progress: called with the share done (0–1) after each run.
        cancel: stops between runs when set (the result then holds the runs done).

    Returns:
        The model tables of every run, with columns ``arm`` and ``replicate`` first.
    """
    specs = [(arm.name, arm.scenario(base)) for arm in arms]
    tables = []
    total = len(specs) * replicates
    for i, (name, spec) in enumerate(specs):
        for r in range(replicates):
            if cancel is not None and cancel.is_set():
                return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame()
            table = CoopModel(spec=spec, rng=seed + r).run()
            table.insert(0, "replicate", r)
            table.insert(0, "arm", name)
            tables.append(table)
            if progress is not None:
                progress((i * replicates + r + 1) / total)
    return pd.concat(tables, ignore_index=True)


def horizon_differences(results: pd.DataFrame) -> pd.DataFrame:
    """Key numbers in the last year: each arm's mean, and each arm against the first.

    Returns:
        One row per key number and arm: ``column``, ``arm``, ``mean`` (over
        replicates), and against the first arm, replicate by replicate, ``difference``
        (mean), ``low`` and ``high`` (its smallest and largest); the first arm's
        differences are 0.
    """
    last = results[results["year"] == results["year"].max()]
    arms = list(dict.fromkeys(last["arm"]))
    wide = last.set_index(["arm", "replicate"])
    rows = []
    for column in KEY_COLUMNS:
        first = wide.loc[arms[0], column]
        for arm in arms:
            values = wide.loc[arm, column]
            paired = (values - first).dropna()
            rows.append(
                {
                    "column": column,
                    "arm": arm,
                    "mean": float(values.mean()),
                    "difference": float(paired.mean()) if len(paired) else float("nan"),
                    "low": float(paired.min()) if len(paired) else float("nan"),
                    "high": float(paired.max()) if len(paired) else float("nan"),
                }
            )
    return pd.DataFrame(rows)
