"""Files of an analysis: CSV tables and PNG plots.

* ``factor-<key>.png``: the outcome against one factor, the mean over replicates
  with its 95 % band (one per factor);
* ``sobol.png`` or ``morris.png``: the sensitivity indices as bars with their
  intervals;
* ``values.csv``, ``points.csv``, ``factors.csv`` and ``sobol.csv`` / ``morris.csv``:
  the tables of :class:`~coopsim.experiments.analysis.Analysis`.

A scenario discovery (:func:`write_discovery`) writes ``prim_tradeoff.png``,
``prim_box.png`` and its tables; a robustness analysis (:func:`write_robustness`)
writes ``robustness.png`` and its tables.

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
    from coopsim.experiments.discovery import Discovery
    from coopsim.experiments.robustness import Robustness

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


def plot_tradeoff(result: Discovery) -> Figure:
    """PRIM's peeling trajectory: coverage against density, coloured by inputs restricted."""
    figure, ax = _figure()
    t = result.trajectory
    dots = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=22)
    chosen = result.chosen_stats
    ax.scatter(
        [chosen["coverage"]],
        [chosen["density"]],
        s=140,
        facecolors="none",
        edgecolors="red",
        label=f"box {int(chosen['box'])} kept",
    )
    ax.set_xlabel("coverage (share of the cases inside the box)")
    ax.set_ylabel("density (share of the box's runs that are cases)")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    bar = figure.colorbar(dots, ax=ax, label="inputs restricted")
    bar.set_ticks(range(int(t["restricted"].max()) + 1))
    ax.set_title(f"PRIM: {result.outcome} {result.condition} in {result.year}", fontsize="medium")
    ax.legend(loc="lower left", fontsize="small")
    return figure


def plot_box(result: Discovery) -> Figure:
    """The kept PRIM box: each restricted numeric input's range as a share of its whole range."""
    box = result.prim_box[result.prim_box["restricted"]]
    figure, ax = _figure(width=8.0, height=max(2.0, 0.6 * len(box) + 1.4))
    for i, row in enumerate(box.itertuples()):
        if row.high == "":  # categorical: the categories kept, in words
            ax.text(0.0, i, f"only: {row.low}", va="center", fontsize="small")
            continue
        whole = result.whole_range[row.input]
        span = (whole[1] - whole[0]) or 1.0
        low, high = (row.low - whole[0]) / span, (row.high - whole[0]) / span
        ax.plot([0, 1], [i, i], color="lightgrey", linewidth=6, solid_capstyle="butt")
        ax.plot([low, high], [i, i], color="tab:blue", linewidth=6, solid_capstyle="butt")
        ax.text(low, i + 0.25, f"{row.low:.4g}", ha="center", fontsize="x-small")
        ax.text(high, i + 0.25, f"{row.high:.4g}", ha="center", fontsize="x-small")
    ax.set_yticks(range(len(box)), list(box["input"]), fontsize="small")
    ax.set_ylim(-0.7, len(box) - 0.3)
    ax.set_xlim(-0.05, 1.05)
    ax.set_xlabel("share of the input's sampled range")
    stats = result.chosen_stats
    ax.set_title(
        f"box {int(stats['box'])}: coverage {stats['coverage']:.2f}, "
        f"density {stats['density']:.2f}, mass {stats['mass']:.2f}",
        fontsize="medium",
    )
    return figure


def write_discovery(result: Discovery, folder: ResultFolder) -> list[Path]:
    """Write the tables and plots of a scenario discovery and move its folder into place."""
    folder.write("prim_trajectory.csv", _csv(result.trajectory))
    folder.write("prim_box.csv", _csv(result.prim_box))
    folder.write("cart_boxes.csv", _csv(result.cart_boxes))
    folder.write("prim_tradeoff.png", _png(plot_tradeoff(result)))
    folder.write("prim_box.png", _png(plot_box(result)))
    return folder.commit(
        {
            "outcome": result.outcome,
            "year": result.year,
            "condition": str(result.condition),
            "policy": result.policy,
            "runs": result.runs,
            "cases": result.cases,
        }
    )


def plot_robustness(result: Robustness) -> Figure:
    """Regret over the draws per policy (box plots) and the share of draws that satisfice."""
    from matplotlib.figure import Figure

    panels = 2 if result.condition is not None else 1
    figure = Figure(figsize=(6.4 * panels, 4.2), dpi=DPI, layout="constrained")
    axes = figure.subplots(1, panels, squeeze=False)[0]
    names = list(result.table["policy"])
    regret = [result.regret.loc[result.regret["policy"] == n, "regret"] for n in names]
    axes[0].boxplot(regret, orientation="horizontal", tick_labels=names, whis=(5, 95))
    axes[0].set_xlabel(f"regret in {result.outcome}, {result.year} (whiskers: 5–95 %)")
    axes[0].set_title("regret over the draws (lower is better)", fontsize="medium")
    axes[0].invert_yaxis()
    if result.condition is not None:
        t = result.table
        share = t["satisficing"].to_numpy(dtype=float)
        error = [share - t["satisficing_low"], t["satisficing_high"] - share]
        axes[1].barh(names, share, xerr=error, capsize=3, color="tab:green")
        axes[1].set_xlim(0, 1)
        axes[1].set_xlabel(f"share of draws with {result.outcome} {result.condition}")
        axes[1].set_title("satisficing (95 % Wilson interval)", fontsize="medium")
        axes[1].invert_yaxis()
    return figure


def write_robustness(result: Robustness, folder: ResultFolder) -> list[Path]:
    """Write the tables and the plot of a robustness analysis and move its folder into place."""
    folder.write("robustness.csv", _csv(result.table))
    folder.write("regret.csv", _csv(result.regret))
    folder.write("robustness.png", _png(plot_robustness(result)))
    return folder.commit(
        {
            "outcome": result.outcome,
            "year": result.year,
            "goal": result.goal,
            "condition": None if result.condition is None else str(result.condition),
        }
    )
