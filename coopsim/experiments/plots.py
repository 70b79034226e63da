"""Files of an analysis: CSV tables and PNG plots.

* ``factor-<key>.png``: the outcome against one factor, the mean over replicates
  with its 95 % band (one per factor);
* ``sobol.png`` or ``morris.png``: the sensitivity indices as bars with their
  intervals;
* ``values.csv``, ``points.csv``, ``factors.csv`` and ``sobol.csv`` / ``morris.csv``:
  the tables of :class:`~coopsim.experiments.analysis.Analysis`.

Figures are drawn with matplotlib's object-oriented API and saved with the Agg
renderer, without pyplot: no window, no global backend change in a notebook. The
files go into a :class:`~coopsim.results.ResultFolder`, which replaces an earlier
analysis of the same outcome and year as a whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from coopsim.results import ResultFolder

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from coopsim.experiments.analysis import Analysis

DPI = 110


def _figure(width: float = 6.4, height: float = 4.0) -> tuple[Figure, Axes]:
    from matplotlib.figure import Figure  # optional dependency, imported when first needed

    figure = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    return figure, figure.subplots()


def plot_factor(summary: pd.DataFrame, factor: str, outcome: str, year: int) -> Figure:
    """The outcome against one factor: means over replicates with their 95 % band."""
    figure, ax = _figure()
    rows = summary[summary["factor"] == factor]
    numeric = pd.api.types.is_numeric_dtype(rows["level"]) and not pd.api.types.is_bool_dtype(
        rows["level"]
    )
    x = rows["level"].to_numpy(dtype=float) if numeric else np.arange(len(rows))
    ax.fill_between(x, rows["ci_low"], rows["ci_high"], alpha=0.25, label="95 % interval")
    ax.plot(x, rows["mean"], marker="o", label="mean over replicates")
    if not numeric:
        ax.set_xticks(x, [str(v) for v in rows["level"]])
    ax.set_xlabel(factor)
    ax.set_ylabel(f"{outcome} in {year}")
    ax.legend(loc="best", fontsize="small")
    return figure


def plot_indices(indices: pd.DataFrame, method: str, outcome: str, year: int) -> Figure:
    """Sensitivity indices per factor as bars with their 95 % intervals."""
    bars = (
        [("S1", "S1_conf", "first order"), ("ST", "ST_conf", "total")]
        if method == "sobol"
        else [("mu_star", "mu_star_conf", "μ*"), ("sigma", None, "σ")]
    )
    figure, ax = _figure(width=max(6.4, 0.9 * len(indices) + 2))
    x = np.arange(len(indices))
    width = 0.8 / len(bars)
    for i, (column, conf, label) in enumerate(bars):
        error = indices[conf].to_numpy(dtype=float) if conf else None
        ax.bar(
            x + (i - (len(bars) - 1) / 2) * width,
            indices[column],
            width,
            yerr=error,
            capsize=3,
            label=label,
        )
    ax.set_xticks(x, indices["factor"], rotation=30, ha="right", fontsize="small")
    ax.set_ylabel("Sobol index" if method == "sobol" else "elementary effect")
    ax.set_title(f"{method.capitalize()} indices of {outcome} in {year}", fontsize="medium")
    ax.legend(loc="best", fontsize="small")
    return figure


def _png(figure: Figure) -> Callable[[Path], None]:
    return lambda path: figure.savefig(path, format="png")


def _csv(table: pd.DataFrame) -> Callable[[Path], None]:
    return lambda path: table.to_csv(path, index=False)


def write_analysis(result: Analysis, folder: ResultFolder) -> list[Path]:
    """Write the tables and plots of an analysis into ``folder`` and move it into place.

    Returns:
        The files written, ``run.json`` (which lists them with their checksums) last.
    """
    folder.write("values.csv", _csv(result.values))
    folder.write("points.csv", _csv(result.points))
    folder.write("factors.csv", _csv(result.factors))
    for factor in result.factors["factor"].unique():
        name = re.sub(r"[^\w.-]", "_", factor)
        figure = plot_factor(result.factors, factor, result.outcome, result.year)
        folder.write(f"factor-{name}.png", _png(figure))
    if result.indices is not None and result.method is not None:
        folder.write(f"{result.method}.csv", _csv(result.indices))
        figure = plot_indices(result.indices, result.method, result.outcome, result.year)
        folder.write(f"{result.method}.png", _png(figure))
    return folder.commit({"outcome": result.outcome, "year": result.year, "method": result.method})
