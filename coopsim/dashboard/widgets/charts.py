"""Charts of the model table, drawn with matplotlib into PNG images (no browser library).

The Explore page redraws its charts after every simulated year. Drawing a chart from
scratch takes tens of milliseconds (ticks and text), so a :class:`LiveChart` keeps its
figure, fixes the x axis to the run's years, and only redraws its lines over a saved
background ("blitting"), unless the data outgrow the y axis. The same panel
definitions draw the exported PNG of all charts and the Compare page's overlaid arms.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter, MaxNLocator
from PIL import Image

from coopsim.i18n import Translator, sign

DPI = 80
SIZE = (4.6, 2.5)
RECT = (0.15, 0.12, 0.70, 0.64)
COLOURS = mpl.colormaps["tab10"].colors


def literal(text: str) -> str:
    """Text for a matplotlib label, shown as written.

    matplotlib reads text between two ``$`` as mathematics, and text that does not parse
    as such fails the whole drawing; a currency, an arm or a farm name comes from users.
    """
    return text.replace("$", r"\$")


@dataclass(frozen=True)
class Series:
    """One line of a chart: a model-table column, scaled, on the left or right axis."""

    column: str
    factor: float = 1.0
    right: bool = False


@dataclass(frozen=True)
class Panel:
    """One chart: its key (for its title and axis labels) and its lines."""

    key: str
    series: tuple[Series, ...]

    @property
    def twin(self) -> bool:
        """Whether the chart has a right axis."""
        return any(s.right for s in self.series)


PANELS: tuple[Panel, ...] = (
    Panel("coops", (Series("coops_active"), Series("coops_nominal"))),
    Panel("members", (Series("members"), Series("membership_rate", 100.0, right=True))),
    Panel("size", (Series("mean_coop_size"), Series("median_coop_size"))),
    Panel("market_share", (Series("coop_market_share", 100.0),)),
    Panel("income", (Series("farm_income_mean"), Series("farm_income_gini", right=True))),
    Panel("subsidy", (Series("subsidy_paid"), Series("subsidy_per_active_member", right=True))),
    Panel("events", (Series("foundings"), Series("mergers"), Series("dissolutions"))),
    Panel("prices", (Series("price_member"), Series("price_nonmember"))),
)
"""The Explore page's charts, in the order shown."""


def png(fig: Figure) -> bytes:
    """A figure as PNG bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """A drawn canvas's pixels as PNG bytes (a fast zlib level: these are redrawn often)."""
    pixels = np.asarray(canvas.buffer_rgba())[..., :3]
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
    return buffer.getvalue()


def _short(tr: Translator, value: float) -> str:
    """A tick label: 1.5k, 2M, 3bn in the language's abbreviations."""
    size = abs(value)
    for limit, key in ((1e9, "number.billion"), (1e6, "number.million"), (1e3, "number.thousand")):
        if size >= limit:
            scaled = value / limit
            return f"{tr.number(scaled, 0 if scaled == int(scaled) else 1)}{tr(key)}"
    return tr.number(value, 0 if value == int(value) else 1)


def _nice_top(value: float) -> float:
    """A round upper limit above ``value`` (1, 2, 2.5, 5 × a power of ten)."""
    if not math.isfinite(value) or value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return step * power
    return 10 * power


def _limits(values: list[np.ndarray]) -> tuple[float, float]:
    finite = [v[np.isfinite(v)] for v in values]
    finite = [v for v in finite if len(v)]
    if not finite:
        return 0.0, 1.0
    low = min(float(v.min()) for v in finite)
    high = max(float(v.max()) for v in finite)
    bottom = 0.0 if low >= 0 else -_nice_top(-low * 1.05)
    return bottom, _nice_top(high * 1.05)


def setup_panel(
    fig: Figure,
    rect: Sequence[float],
    panel: Panel,
    tr: Translator,
    years: tuple[int, int],
    currency: str,
    animated: bool = False,
) -> tuple[list[Axes], list[Line2D]]:
    """Draw a panel's frame (title, axes, legend) and return its axes and (empty) lines.

    Returns:
        The axes (left, then right when the panel has one) and one line per series.
    """
    left = fig.add_axes(rect)
    axes = [left, left.twinx()] if panel.twin else [left]
    lines = []
    for i, s in enumerate(panel.series):
        ax = axes[1] if s.right else left
        style = "--" if s.right else "-"
        (line,) = ax.plot(
            [], [], style, color=COLOURS[i], lw=2, marker="o", ms=3, animated=animated
        )
        line.set_label(tr(f"series.{s.column}"))
        lines.append(line)
    left.set_title(tr(f"chart.{panel.key}"), fontsize=10, loc="left")
    formatter = FuncFormatter(lambda v, _pos: _short(tr, v))
    for side, ax in zip(("left", "right"), axes, strict=False):
        label = tr(f"axis.{panel.key}.{side}", currency=sign(currency))
        ax.set_ylabel(literal(label), fontsize=8)
        ax.yaxis.set_major_formatter(formatter)
        ax.yaxis.set_major_locator(MaxNLocator(5))
        ax.tick_params(labelsize=7)
        ax.set_ylim(0, 1)
    left.set_xlim(years[0] - 0.5, years[1] + 0.5)
    left.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    left.grid(alpha=0.3)
    left.spines["top"].set_visible(False)
    fig.legend(
        lines,
        [ln.get_label() for ln in lines],
        loc="upper left",
        bbox_to_anchor=(rect[0], 0.99),
        ncols=min(3, len(lines)),
        fontsize=7,
        frameon=False,
        bbox_transform=fig.transFigure,
    )
    return axes, lines


def fill_panel(
    panel: Panel, axes: list[Axes], lines: list[Line2D], table: pd.DataFrame
) -> list[tuple[float, float]]:
    """Put the table's columns into the panel's lines; return the y limits they need."""
    years = table["year"].to_numpy() if len(table) else np.zeros(0)
    per_axis: list[list[np.ndarray]] = [[] for _ in axes]
    for s, line in zip(panel.series, lines, strict=True):
        values = table[s.column].to_numpy(dtype=float) * s.factor if len(table) else np.zeros(0)
        line.set_data(years, values)
        per_axis[1 if s.right else 0].append(values)
    return [_limits(v) for v in per_axis]


class LiveChart:
    """A chart redrawn cheaply after each simulated year.

    Args:
        panel: which chart.
        tr: the page's language.
        years: the run's first and last year (the x axis).
        currency: the scenario's currency, for the axis labels.
    """

    def __init__(self, panel: Panel, tr: Translator, years: tuple[int, int], currency: str):
        self.panel = panel
        self.fig = Figure(figsize=SIZE, dpi=DPI)
        self.canvas = FigureCanvasAgg(self.fig)
        self.axes, self.lines = setup_panel(
            self.fig, RECT, panel, tr, years, currency, animated=True
        )
        self._background = None

    def png(self, table: pd.DataFrame) -> bytes:
        """The chart with the table's rows, as PNG bytes."""
        needed = fill_panel(self.panel, self.axes, self.lines, table)
        redraw = self._background is None
        for ax, (low, high) in zip(self.axes, needed, strict=True):
            bottom, top = ax.get_ylim()
            if high > top or low < bottom:
                # room to grow: each redraw of the axes costs tens of milliseconds
                ax.set_ylim(min(low, bottom), max(_nice_top(1.6 * high), top))
                redraw = True
        if redraw:
            self.canvas.draw()  # everything but the lines, which are animated
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self._background)
        for line in self.lines:
            line.axes.draw_artist(line)
        return canvas_png(self.canvas)


def charts_png(table: pd.DataFrame, tr: Translator, years: tuple[int, int], currency: str) -> bytes:
    """All the Explore page's charts in one PNG (for export)."""
    columns = 2
    rows = math.ceil(len(PANELS) / columns)
    width, height = SIZE
    fig = Figure(figsize=(width * columns, height * rows), dpi=110)
    FigureCanvasAgg(fig)
    for i, panel in enumerate(PANELS):
        r, c = divmod(i, columns)
        x0, y0, w, h = RECT
        rect = ((c + x0) / columns, (rows - 1 - r + y0) / rows, w / columns, h / rows)
        axes, lines = setup_panel(fig, rect, panel, tr, years, currency)
        for ax, limits in zip(axes, fill_panel(panel, axes, lines, table), strict=True):
            ax.set_ylim(*limits)
    return png(fig)


def compare_png(
    results: pd.DataFrame,
    column: str,
    factor: float,
    tr: Translator,
    years: tuple[int, int],
    unit: str,
) -> bytes:
    """One metric of a comparison: each arm's mean over replicates and its min–max band.

    Args:
        results: the comparison's rows (columns ``arm``, ``replicate``, ``year`` and the
            model table's).
        column: the model-table column.
        factor: multiplies the values (100 for percentages).
        tr: the page's language.
        years: the x axis.
        unit: the y axis label.
    """
    fig = Figure(figsize=(4.6, 2.7), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.15, 0.14, 0.80, 0.66))
    for i, (arm, rows) in enumerate(results.groupby("arm", sort=False)):
        by_year = rows.pivot_table(index="year", columns="replicate", values=column) * factor
        colour = COLOURS[i]
        ax.fill_between(
            by_year.index,
            by_year.min(axis=1),
            by_year.max(axis=1),
            color=colour,
            alpha=0.2,
            lw=0,
        )
        ax.plot(by_year.index, by_year.mean(axis=1), color=colour, lw=2, label=literal(str(arm)))
    ax.set_title(tr(f"series.{column}"), fontsize=10, loc="left", pad=22)
    ax.set_ylabel(literal(unit), fontsize=8)
    ax.set_xlim(years[0] - 0.5, years[1] + 0.5)
    ax.xaxis.set_major_locator(MaxNLocator(6, integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: _short(tr, v)))
    ax.tick_params(labelsize=7)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=3, fontsize=7, frameon=False)
    return png(fig)
