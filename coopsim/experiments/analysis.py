"""Analysis of a sweep: summaries over replicates and sensitivity indices, as DataFrames.

Everything here works on the merged table ``runs.parquet`` (one row per run and
year) and the sweep's manifest, for one outcome (a model column) in one year:

* :func:`outcome_values`: one value per run;
* :func:`point_summary`: per design point, the mean over replicates and its 95 %
  confidence interval;
* :func:`factor_summary`: per factor and level (or range of values), the outcome
  averaged over the other factors within each replicate, then the mean of those
  replicate means and its 95 % confidence interval;
* :func:`sobol_indices` (Saltelli designs) and :func:`morris_indices` (Morris
  designs), computed by SALib on the mean over replicates at each design point.

:func:`analyze` does all of it for a sweep folder, writes CSV tables and PNG plots,
and returns the tables. Confidence intervals are Student-t intervals over
replicates: mean ± t(0.975, n − 1) · sd / √n, a normal approximation, cut to the range
the outcome can take (a share to [0, 1], a count to [0, ∞): ``docs/outputs.md`` gives
each column's unit); with one replicate they are NaN.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from coopsim.columns import MODEL
from coopsim.experiments.store import MERGED, RUN_COLUMNS, RunStore, merge_runs
from coopsim.results import ResultFolder

DEFAULT_OUTCOME = "membership_rate"
CONFIDENCE = 0.95
MAX_LEVELS = 12
"""A factor with more distinct values than this is summarised by ranges (bins)."""
BINS = 5
BOOTSTRAP = 100
"""Bootstrap resamples for the confidence intervals of Sobol and Morris indices."""
ANALYSIS_FILES = ("*.csv", "*.png")
"""What an analysis folder (``analysis/<outcome>-<year>``) holds, besides ``run.json``."""


class AnalysisError(ValueError):
    """An analysis that cannot be made (unknown outcome or year, missing values)."""


def load_runs(out: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """The merged table of a sweep folder and its manifest (merging the runs if needed)."""
    store = RunStore(Path(out))
    manifest = store.read_manifest()
    path = store.root / MERGED
    runs = pd.read_parquet(path) if path.exists() else merge_runs(store.root)
    return runs, manifest


def analysed_inputs(manifest: dict[str, Any]) -> list[str]:
    """What a sweep varied, as its analysis sees it: the policy (if any), then every key."""
    return (["policy"] if manifest.get("policies") else []) + list(manifest["factors"])


def outcome_values(
    runs: pd.DataFrame, factors: list[str], outcome: str, year: int | None = None
) -> tuple[pd.DataFrame, int]:
    """One row per run: run id, point, replicate, factor values and the outcome in ``year``.

    Args:
        runs: the merged table.
        factors: the factors' keys.
        outcome: a model column.
        year: a calendar year; the last year in the table when None.

    Returns:
        The table (outcome in column ``value``) and the year used.
    """
    if outcome not in runs.columns or outcome in (*RUN_COLUMNS, *factors, "year"):
        columns = [c for c in runs.columns if c not in (*RUN_COLUMNS, *factors, "year")]
        raise AnalysisError(f"no outcome {outcome!r}; one of: {', '.join(columns)}")
    if not len(runs):
        raise AnalysisError("no finished run to analyse")
    years = sorted(runs["year"].unique())
    if year is None:
        year = int(years[-1])
    if year not in years:
        raise AnalysisError(f"no year {year} in the runs ({years[0]}–{years[-1]})")
    rows = runs[runs["year"] == year]
    table = rows[["run_id", "point", "replicate", *factors]].copy()
    table["value"] = rows[outcome].to_numpy(dtype=float)
    return table.reset_index(drop=True), year


def outcome_bounds(outcome: str) -> tuple[float, float]:
    """The least and greatest value a model column can take (unbounded when unknown)."""
    column = MODEL.get(outcome)
    return column.bounds if column is not None else (-np.inf, np.inf)


def _interval(groups: Any, bounds: tuple[float, float] = (-np.inf, np.inf)) -> pd.DataFrame:
    """Mean, sd, n and the Student-t interval of each group's ``value``, cut to ``bounds``."""
    from scipy import stats

    out = groups["value"].agg(["mean", "std", "count"]).rename(columns={"std": "sd", "count": "n"})
    n = out["n"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(n > 1, stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(n - 1, 1)), np.nan)
        half = t * out["sd"].to_numpy() / np.sqrt(n)
    out["ci_low"] = np.clip(out["mean"] - half, *bounds)
    out["ci_high"] = np.clip(out["mean"] + half, *bounds)
    return out


def point_summary(
    values: pd.DataFrame, factors: list[str], bounds: tuple[float, float] = (-np.inf, np.inf)
) -> pd.DataFrame:
    """Per design point: factor values, mean over replicates, sd, n and 95 % interval."""
    out = _interval(values.groupby(["point", *factors], sort=True, dropna=False), bounds)
    return out.reset_index()


def _levels(column: pd.Series) -> tuple[pd.Series, pd.DataFrame]:
    """Each run's level of a factor, and each level's value, low and high end."""
    distinct = column.drop_duplicates()
    numeric = pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)
    if len(distinct) <= MAX_LEVELS or not numeric:
        order = sorted(distinct, key=lambda v: (not numeric and str(type(v)), v))
        codes = column.map({v: i for i, v in enumerate(order)})
        ends = pd.DataFrame({"level": order, "low": order, "high": order})
        return codes, ends
    codes = pd.qcut(column, BINS, labels=False, duplicates="drop")
    return codes, column.groupby(codes).agg(level="mean", low="min", high="max")


def factor_summary(
    values: pd.DataFrame, factors: list[str], bounds: tuple[float, float] = (-np.inf, np.inf)
) -> pd.DataFrame:
    """Per factor and level: the outcome averaged over the other factors, with its interval.

    Within each replicate, the runs at a level are averaged (over the other factors);
    the mean, sd and 95 % interval are then taken over those replicate means. A
    factor with many distinct values (a sampled design) is cut into ranges of equal
    counts; ``level`` is then the mean value in the range, ``low`` and ``high`` its ends.

    Returns:
        Columns factor, level, low, high, mean, sd, n (replicates), ci_low, ci_high.
    """
    parts = []
    for factor in factors:
        codes, ends = _levels(values[factor])
        per_replicate = values.assign(code=codes).groupby(["code", "replicate"])["value"].mean()
        summary = _interval(per_replicate.reset_index().groupby("code"), bounds)
        summary = ends.join(summary, how="inner")
        summary.insert(0, "factor", factor)
        parts.append(summary)
    return pd.concat(parts, ignore_index=True)


def _point_means(values: pd.DataFrame, manifest: dict[str, Any]) -> np.ndarray:
    """The mean over replicates at each design row, in the sampler's order."""
    means = values.groupby("point")["value"].mean()
    rows = np.asarray(manifest["design"]["row_points"])
    y = means.reindex(range(manifest["design"]["points"])).to_numpy()[rows]
    missing = int(np.isnan(y).sum())
    if missing:
        raise AnalysisError(
            f"{missing} of {len(y)} design rows have no value (failed runs or NaN outcome); "
            "sensitivity indices need every row"
        )
    return y


def _problem(manifest: dict[str, Any]) -> dict[str, Any]:
    factors = manifest["spec"]["factors"]
    return {
        "num_vars": len(factors),
        "names": [f["key"] for f in factors],
        "bounds": [[f["min"], f["max"]] for f in factors],
    }


def _constant(y: np.ndarray, keys: list[str], columns: list[str]) -> pd.DataFrame | None:
    """A table of NaN indices when the outcome does not vary (the indices are 0/0)."""
    if np.ptp(y) > 0:
        return None
    return pd.DataFrame(np.nan, index=pd.Index(keys, name="factor"), columns=columns).reset_index()


def sobol_indices(values: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """First-order and total Sobol indices (SALib ``sobol.analyze``) with 95 % intervals.

    Returns:
        One row per factor: S1, S1_conf, ST, ST_conf (half-widths of the intervals).
    """
    from SALib.analyze import sobol

    y = _point_means(values, manifest)
    problem = _problem(manifest)
    columns = ["S1", "S1_conf", "ST", "ST_conf"]
    constant = _constant(y, problem["names"], columns)
    if constant is not None:
        return constant
    result = sobol.analyze(
        problem,
        y,
        calc_second_order=manifest["spec"]["design"]["second_order"],
        num_resamples=BOOTSTRAP,
        conf_level=CONFIDENCE,
        seed=manifest["master_seed"],
    )
    table = pd.DataFrame({c: np.asarray(result[c], dtype=float) for c in columns})
    table.insert(0, "factor", problem["names"])
    return table


def morris_indices(values: pd.DataFrame, manifest: dict[str, Any]) -> pd.DataFrame:
    """Morris elementary effects (SALib ``morris.analyze``): mu, mu*, its interval, sigma.

    Returns:
        One row per factor: mu, mu_star, mu_star_conf (half-width), sigma.
    """
    from SALib.analyze import morris

    y = _point_means(values, manifest)
    problem = _problem(manifest)
    columns = ["mu", "mu_star", "mu_star_conf", "sigma"]
    constant = _constant(y, problem["names"], columns)
    if constant is not None:
        return constant
    points = values.drop_duplicates("point").set_index("point")[problem["names"]]
    x = points.loc[manifest["design"]["row_points"]].to_numpy(dtype=float)
    result = morris.analyze(
        problem,
        x,
        y,
        num_resamples=BOOTSTRAP,
        conf_level=CONFIDENCE,
        num_levels=manifest["spec"]["design"]["levels"],
        seed=manifest["master_seed"],
    )
    table = pd.DataFrame({c: np.ma.filled(result[c], np.nan).astype(float) for c in columns})
    table.insert(0, "factor", problem["names"])
    return table


@dataclass
class Analysis:
    """The analysis of one outcome in one year of a sweep.

    Attributes:
        outcome: the model column analysed.
        year: the calendar year.
        values: one row per finished run with the outcome in ``value``.
        points: :func:`point_summary`.
        factors: :func:`factor_summary`.
        indices: Sobol or Morris indices, or None when the design has none.
        method: ``"sobol"``, ``"morris"`` or None.
        index_s: seconds SALib took for the indices.
        files: CSV and PNG files written.
    """

    outcome: str
    year: int
    values: pd.DataFrame
    points: pd.DataFrame
    factors: pd.DataFrame
    indices: pd.DataFrame | None = None
    method: str | None = None
    index_s: float = 0.0
    files: list[Path] = field(default_factory=list)


def analyze(
    out: str | Path, outcome: str | None = None, year: int | None = None, *, write: bool = True
) -> Analysis:
    """Analyse a sweep folder; with ``write``, save tables and plots in ``out/analysis/``.

    Args:
        out: the sweep's folder.
        outcome: a model column; ``membership_rate`` when kept, else the first one kept.
        year: a calendar year; the last one when None.
        write: write CSV tables and PNG plots.

    Raises:
        AnalysisError: unknown outcome or year, or indices that cannot be computed.
        StoreError: a folder without a sweep's manifest.
        ResultError: the analysis folder cannot be written (the previous one is kept).
    """
    runs, manifest = load_runs(out)
    keys = analysed_inputs(manifest)
    if outcome is None:
        kept = [c for c in runs.columns if c not in (*RUN_COLUMNS, *keys, "year")]
        outcome = DEFAULT_OUTCOME if DEFAULT_OUTCOME in kept or not kept else kept[0]
    values, year = outcome_values(runs, keys, outcome, year)
    with contextlib.ExitStack() as stack:
        if write:  # checked before the indices are computed
            place = Path(out) / "analysis" / f"{outcome}-{year}"
            folder = stack.enter_context(ResultFolder(place, ANALYSIS_FILES, "an analysis"))
        result = Analysis(
            outcome=outcome,
            year=year,
            values=values,
            points=point_summary(values, keys, outcome_bounds(outcome)),
            factors=factor_summary(values, keys, outcome_bounds(outcome)),
        )
        kind = manifest["design"]["kind"]
        if kind in ("sobol", "morris"):
            started = time.perf_counter()
            compute = sobol_indices if kind == "sobol" else morris_indices
            result.indices, result.method = compute(values, manifest), kind
            result.index_s = time.perf_counter() - started
        if write:
            from coopsim.experiments.plots import write_analysis

            result.files = write_analysis(result, folder)
    return result
