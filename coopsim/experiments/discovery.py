"""Scenario discovery: where in the space of uncertainties an outcome turns out (un)desirable.

A sweep of policies and uncertainties (or any sweep of sampled factors) gives one
outcome per run. A **case of interest** is a run whose outcome in a year meets a
condition, e.g. fewer than 1,000 operating coops in 2030. Scenario discovery looks for
simple descriptions of where the cases are: boxes, one range per uncertain input, that
hold many of the cases (**coverage**: cases in the box / all cases) and few other runs
(**density**: cases in the box / runs in the box); **mass** is the share of all runs in
the box.

Two well-kept implementations do the searching, never our own:

* PRIM (the patient rule induction method) from the EMA Workbench
  (``ema_workbench.analysis.prim``): it peels the space one small slice at a time and
  gives a trajectory of ever smaller, denser boxes. :func:`discover` keeps the
  densest box whose coverage is at least ``min_coverage`` (0.8 by default).
* CART (classification trees, scikit-learn's, through ``ema_workbench.analysis.cart``):
  every leaf of the tree is a box; the leaves where cases are the majority are listed.

Each run is one row: its replicates share the uncertain inputs but not the outcome,
so a box's density says how often runs in it meet the condition, luck included. In an
experiment of policies the policy is one more (categorical) input, unless the
analysis is narrowed to one policy.
"""

from __future__ import annotations

import contextlib
import logging
import operator
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.experiments.analysis import (
    AnalysisError,
    analysed_inputs,
    load_runs,
    outcome_values,
)
from coopsim.results import ResultFolder

DEFAULT_MIN_COVERAGE = 0.8
MASS_MIN = 0.05
"""Smallest share of the runs a PRIM box or a CART leaf may hold (EMA Workbench's default)."""
DISCOVERY_FILES = ("*.csv", "*.png")
CATEGORY_SEPARATOR = "; "
"""Between the categories a box keeps (policy names may hold commas)."""

OPERATORS: dict[str, Callable[[Any, Any], Any]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "<": operator.lt,
    ">": operator.gt,
}
_CONDITION = re.compile(r"^\s*(<=|>=|<|>)\s*([-+]?(\d[\d_,]*\.?\d*|\.\d+)([eE][-+]?\d+)?)\s*$")


@dataclass(frozen=True)
class Condition:
    """A threshold on an outcome: ``< 1000``, ``>= 0.25``.

    Attributes:
        op: one of ``<``, ``<=``, ``>``, ``>=``.
        threshold: the number compared with.
    """

    op: str
    threshold: float

    @classmethod
    def parse(cls, text: str) -> Condition:
        """Read a condition such as ``"< 1000"`` or ``">= 0.25"`` (``1_000`` and ``1,000`` too).

        Raises:
            AnalysisError: the text is not an operator followed by a number.
        """
        match = _CONDITION.match(text)
        if match is None:
            raise AnalysisError(
                f"condition {text!r}: give an operator (<, <=, >, >=) and a number, e.g. '< 1000'"
            )
        return cls(match.group(1), float(match.group(2).replace("_", "").replace(",", "")))

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """Whether each value meets the condition (NaN never does)."""
        with np.errstate(invalid="ignore"):
            return np.asarray(OPERATORS[self.op](values, self.threshold), dtype=bool)

    def __str__(self) -> str:
        return f"{self.op} {self.threshold:g}"


@dataclass
class Discovery:
    """The scenario discovery of one condition on one outcome in one year.

    Attributes:
        outcome: the model column.
        year: the calendar year.
        condition: what makes a run a case of interest.
        policy: the policy the runs were narrowed to, or None for all runs.
        inputs: the uncertain inputs searched (and ``policy`` when it varies).
        runs: the runs analysed.
        cases: runs that meet the condition.
        trajectory: PRIM's peeling trajectory: one row per box, from the whole space
            to the smallest (columns box, coverage, density, mass, restricted).
        chosen: the trajectory's row kept (the densest with coverage ≥ min_coverage).
        prim_box: the chosen box, one row per input: low, high (or the categories
            kept, joined by "; "), restricted, and kept (the share of the sampled
            range, or of the categories, inside the box).
        cart_boxes: CART's leaves where cases are the majority, one row per leaf and
            restricted input (box, coverage, density, mass, input, low, high).
        whole_range: the least and greatest value of each numeric input over the runs.
        files: files written.
    """

    outcome: str
    year: int
    condition: Condition
    policy: str | None
    inputs: list[str]
    runs: int
    cases: int
    trajectory: pd.DataFrame
    chosen: int
    prim_box: pd.DataFrame
    cart_boxes: pd.DataFrame
    whole_range: dict[str, tuple[float, float]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)

    @property
    def chosen_stats(self) -> pd.Series:
        """Coverage, density, mass and restricted inputs of the chosen box."""
        return self.trajectory.loc[self.chosen]


@contextlib.contextmanager
def quiet_workbench() -> Iterator[None]:
    """Import and run the EMA Workbench without its warnings and log lines on the console."""
    with warnings.catch_warnings():
        # ipyparallel, optional for the Workbench, is not installed: its evaluator is unused
        warnings.filterwarnings("ignore", message="ipyparallel not installed")
        # the Workbench's own deprecation notices (e.g. pandas' inplace keyword) are not ours
        warnings.filterwarnings("ignore", module="ema_workbench")
        logging.getLogger("EMA").setLevel(logging.WARNING)
        yield


def inputs_of(manifest: dict[str, Any]) -> list[str]:
    """The uncertain inputs of a sweep: its uncertainties, or its sampled factors."""
    return list(manifest.get("uncertainties") or manifest["factors"])


def case_table(
    out: str | Path,
    outcome: str,
    year: int | None,
    condition: Condition,
    policy: str | None = None,
) -> tuple[pd.DataFrame, np.ndarray, int]:
    """The inputs of every run (one row each), whether it is a case, and the year used.

    Raises:
        AnalysisError: an unknown outcome, year or policy.
    """
    runs, manifest = load_runs(out)
    names = [p["name"] for p in manifest.get("policies") or []]
    values, year = outcome_values(runs, analysed_inputs(manifest), outcome, year)
    inputs = inputs_of(manifest)
    if policy is not None:
        if policy not in names:
            known = ", ".join(repr(n) for n in names) or "none (this sweep has no policies)"
            raise AnalysisError(f"no policy {policy!r}; the policies are: {known}")
        values = values[values["policy"] == policy].reset_index(drop=True)
    elif names:
        inputs = ["policy", *inputs]
    x = values[inputs].copy()
    if "policy" in x:
        x["policy"] = x["policy"].astype("category")
    return x, condition(values["value"].to_numpy(dtype=float)), year


def _prim(x: pd.DataFrame, y: np.ndarray, min_coverage: float) -> tuple[pd.DataFrame, int, Any]:
    """PRIM's peeling trajectory, the row kept and the box object."""
    with quiet_workbench():
        from ema_workbench.analysis import prim

        box = prim.Prim(x, y, mass_min=MASS_MIN).find_box()
    trajectory = box.peeling_trajectory.rename(columns={"id": "box", "res_dim": "restricted"})
    trajectory = trajectory[["box", "coverage", "density", "mass", "restricted"]]
    eligible = trajectory[trajectory["coverage"] >= min_coverage]
    chosen = int(eligible["density"].idxmax())
    return trajectory, chosen, box


def _limits(box: pd.DataFrame, whole: pd.DataFrame) -> pd.DataFrame:
    """A box's limits (two rows, low and high, per input) as one row per input."""
    rows = []
    for name in box.columns:
        low, high = box[name].iloc[0], box[name].iloc[1]
        if isinstance(low, set):  # a categorical input: the categories kept
            every = whole[name].iloc[0]
            kept = sorted(str(v) for v in low)
            rows.append(
                (
                    name,
                    CATEGORY_SEPARATOR.join(kept),
                    "",
                    len(low) < len(every),
                    len(low) / len(every),
                )
            )
        else:
            start, end = whole[name].iloc[0], whole[name].iloc[1]
            share = (high - low) / (end - start) if end > start else 1.0
            rows.append(
                (name, float(low), float(high), bool(low > start or high < end), float(share))
            )
    return pd.DataFrame(rows, columns=["input", "low", "high", "restricted", "kept"])


def _cart(x: pd.DataFrame, y: np.ndarray) -> pd.DataFrame:
    """CART's leaves where cases are the majority, one row per leaf and restricted input."""
    with quiet_workbench():
        from ema_workbench.analysis import cart
        from ema_workbench.analysis.scenario_discovery_util import _make_box

        # the Workbench makes the least leaf int(mass_min × runs); keep it at one run at least
        tree = cart.CART(x, y, mass_min=max(MASS_MIN, 1.5 / len(y)))
        tree.build_tree()
        whole = _make_box(x)
        rows = []
        for i, (box, stats) in enumerate(zip(tree.boxes, tree.stats, strict=True)):
            if stats["density"] <= 0.5:
                continue
            limits = _limits(box, whole)
            for limit in limits[limits["restricted"]].itertuples():
                rows.append((i, stats["coverage"], stats["density"], stats["mass"], *limit[1:4]))
    columns = ["box", "coverage", "density", "mass", "input", "low", "high"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(["coverage", "box"], ascending=[False, True], kind="stable")


def discover(
    out: str | Path,
    outcome: str,
    condition: Condition,
    year: int | None = None,
    *,
    policy: str | None = None,
    min_coverage: float = DEFAULT_MIN_COVERAGE,
    write: bool = True,
) -> Discovery:
    """Find boxes of the uncertain inputs where runs meet ``condition``, with PRIM and CART.

    Args:
        out: a sweep's folder.
        outcome: a model column, e.g. ``coops_active``.
        condition: what makes a run a case of interest, e.g. ``Condition.parse("< 1000")``.
        year: a calendar year; the last one when None.
        policy: narrow the runs to one policy of the experiment.
        min_coverage: PRIM keeps the densest box that holds at least this share of the
            cases.
        write: write the tables and the trade-off plot to
            ``out/discovery/<outcome>-<year>[-<policy>]/``.

    Raises:
        AnalysisError: unknown outcome, year or policy; no case, or only cases.
        StoreError: not a sweep's folder.
        ResultError: the discovery folder cannot be written (an earlier one is kept).
    """
    if not 0 < min_coverage <= 1:
        raise AnalysisError(f"min_coverage {min_coverage:g}: must be in (0, 1]")
    x, y, year = case_table(out, outcome, year, condition, policy)
    cases = int(y.sum())
    if cases == 0 or cases == len(y):
        which = "no run" if cases == 0 else "every run"
        raise AnalysisError(
            f"{which} of {len(y)} has {outcome} {condition} in {year}: nothing to tell apart; "
            "choose another threshold"
        )
    if x.shape[1] == 0:
        raise AnalysisError("the sweep varies no input to search")
    with contextlib.ExitStack() as stack:
        if write:
            suffix = "" if policy is None else "-" + re.sub(r"[^\w.-]", "_", policy)
            place = Path(out) / "discovery" / f"{outcome}-{year}{suffix}"
            folder = stack.enter_context(ResultFolder(place, DISCOVERY_FILES, "a discovery"))
        trajectory, chosen, box = _prim(x, y, min_coverage)
        with quiet_workbench():
            from ema_workbench.analysis.scenario_discovery_util import _make_box

            prim_box = _limits(box.box_lims[chosen], _make_box(x))
        result = Discovery(
            outcome=outcome,
            year=year,
            condition=condition,
            policy=policy,
            inputs=list(x.columns),
            runs=len(y),
            cases=cases,
            trajectory=trajectory,
            chosen=chosen,
            prim_box=prim_box,
            cart_boxes=_cart(x, y),
            whole_range={
                name: (float(x[name].min()), float(x[name].max()))
                for name in x.columns
                if pd.api.types.is_numeric_dtype(x[name])
            },
        )
        if write:
            from coopsim.experiments.plots import write_discovery

            result.files = write_discovery(result, folder)
    return result
