"""All of a page's charts in one image file (PNG or SVG), drawn by matplotlib as on the screen.

The same :class:`~coopsim.dashboard.widgets.charts.Chart` descriptions as the browser
draws, laid out two to a row: each chart its title, its unit, its legend (in as many
rows as its width needs, measured, never over another text), and one y axis from 0.
"""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.ticker import FuncFormatter, MaxNLocator

from coopsim.dashboard.widgets.charts import Chart
from coopsim.i18n import Translator

CELL = (600, 400)
"""One chart's cell, in pixels at :data:`DPI`."""

DPI = 100
COLUMNS = 2
FORMATS = {"png": "image/png", "svg": "image/svg+xml"}
"""The formats an export is written in, and their MIME types."""


def literal(text: str) -> str:
    """Text for a matplotlib label, shown as written.

    matplotlib reads text between two ``$`` as mathematics, and text that does not parse
    as such fails the whole drawing; a currency, an arm or a farm name comes from users.
    """
    return text.replace("$", r"\$")


def tick_label(tr: Translator, value: float) -> str:
    """A y-axis label: 1.5k, 2M, 3bn in the language's abbreviations, no needless decimals."""
    for limit, key in ((1e9, "number.billion"), (1e6, "number.million"), (1e3, "number.thousand")):
        if abs(value) >= limit:
            return tr.number(value / limit, _digits(value / limit)) + tr(key)
    return tr.number(value, _digits(value))


def _digits(value: float) -> int:
    """The decimals a tick needs to be written exactly (at most 3)."""
    for digits in range(3):
        if abs(value * 10**digits - round(value * 10**digits)) < 1e-6:
            return digits
    return 3


def _draw_lines(ax, chart: Chart) -> None:
    x = list(chart.years)
    for line in chart.lines:
        y = [math.nan if v is None else v for v in line.values]
        if line.kind == "reported":
            ax.plot(x, y, "D", color=line.colour, ms=7, zorder=4, label=literal(line.name))
            continue
        if line.kind == "band" and line.low is not None and line.high is not None:
            low = [math.nan if v is None else v for v in line.low]
            high = [math.nan if v is None else v for v in line.high]
            ax.fill_between(x, low, high, color=line.colour, alpha=0.2, lw=0)
        aim = line.kind == "aim"
        ax.plot(
            x,
            y,
            "--" if aim else "-",
            color=line.colour,
            lw=2,
            marker=None if aim else "o",
            ms=4,
            zorder=3,
            label=literal(line.name),
        )


def _legend(fig: Figure, ax, left: float, top: float, width: float) -> Legend | None:
    """The chart's legend under its unit, in as few rows as fit ``width`` (pixels)."""
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    if not unique:
        return None
    renderer = fig.canvas.get_renderer()
    for columns in range(len(unique), 0, -1):
        legend = fig.legend(
            list(unique.values()),
            list(unique),
            loc="upper left",
            bbox_to_anchor=(left / fig.bbox.width, top / fig.bbox.height),
            ncols=columns,
            fontsize=10,
            frameon=False,
            borderaxespad=0,
            borderpad=0,
            columnspacing=1.2,
            handlelength=2,
        )
        if legend.get_window_extent(renderer).width <= width or columns == 1:
            return legend
        legend.remove()
    return None


def charts_figure(charts: list[Chart], tr: Translator) -> Figure:
    """The charts on one figure, two to a row."""
    rows = math.ceil(len(charts) / COLUMNS)
    width, height = CELL
    fig = Figure(figsize=(width * COLUMNS / DPI, height * rows / DPI), dpi=DPI)
    FigureCanvasAgg(fig)
    total = height * rows
    for i, chart in enumerate(charts):
        row, column = divmod(i, COLUMNS)
        x0, top = column * width, total - row * height
        heads = (
            (10, chart.title, {"fontsize": 13, "weight": "bold"}),
            (32, chart.unit, {"fontsize": 10, "color": "#444444"}),
        )
        for below_top, text, style in heads:  # title and unit, as on the screen
            x, y = (x0 + 12) / fig.bbox.width, (top - below_top) / total
            fig.text(x, y, literal(text), va="top", **style)
        # the axes first (for the legend's handles), placed once the legend is measured
        ax = fig.add_axes((0, 0, 1, 1))
        _draw_lines(ax, chart)
        legend = _legend(fig, ax, x0 + 12, top - 52, width - 24)
        below = legend.get_window_extent().y0 if legend else top - 52
        bottom = total - (row + 1) * height + 34
        ax.set_position(
            (
                (x0 + 78) / fig.bbox.width,
                bottom / total,
                (width - 100) / fig.bbox.width,
                (below - 14 - bottom) / total,
            )
        )
        if chart.from_zero:
            ax.set_ylim(bottom=0)
        if not chart.drawn:
            ax.set_ylim(0, 1)
        ax.set_xlim(chart.years[0] - 0.5, chart.years[-1] + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(8, integer=True))
        ax.yaxis.set_major_locator(MaxNLocator(6))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: literal(tick_label(tr, v))))
        ax.tick_params(labelsize=10)
        ax.grid(axis="y", alpha=0.4)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    return fig


def charts_image(charts: list[Chart], tr: Translator, fmt: str = "png") -> bytes:
    """The charts in one image file.

    Args:
        charts: what to draw (e.g. :func:`~coopsim.dashboard.widgets.charts.explore_charts`).
        tr: the page's language (the y axes' labels).
        fmt: ``png`` or ``svg`` (a key of :data:`FORMATS`).
    """
    if fmt not in FORMATS:
        raise ValueError(f"format: {fmt!r} is not one of {', '.join(FORMATS)}")
    buffer = io.BytesIO()
    charts_figure(charts, tr).savefig(buffer, format=fmt)
    return buffer.getvalue()
