"""The dashboard's charts of the model table, described once and drawn twice.

A chart is a :class:`Chart`: a title, the unit of its one y axis, the run's years (the
x axis, fixed, so that a chart does not jump as years are added) and its lines, each
with the text its tooltip shows for every year, written the page's language's way.
The browser draws charts with ECharts (:mod:`coopsim.dashboard.widgets.echart`); the
downloads draw the same descriptions with matplotlib
(:mod:`coopsim.dashboard.widgets.chart_export`), so that an export looks like the screen.

Besides what was simulated, a chart may show the programme's aims (dashed) and the
figures reported for the scenario's country (markers):
:mod:`coopsim.dashboard.widgets.chart_references` makes those lines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from coopsim.i18n import Translator, sign
from coopsim.scenario import Scenario

COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
BAND_GREY = "#8a8a8a"
"""The colour of a sample's band under the one run stepped."""
"""The simulated lines' colours, in order (matplotlib's first six, on screen and in exports)."""


@dataclass(frozen=True)
class Series:
    """One simulated line: a model-table column and how its values are written.

    ``kind`` is ``count`` (a whole number), ``share`` (0–1, drawn in %), ``money``,
    ``size`` (one decimal) or ``ratio`` (two decimals).
    """

    column: str
    kind: str = "count"

    @property
    def factor(self) -> float:
        """What the column is multiplied by on the y axis (shares are drawn in %)."""
        return 100.0 if self.kind == "share" else 1.0


@dataclass(frozen=True)
class Panel:
    """One chart of the Explore page: its id, the locale keys of its title and unit, its lines."""

    key: str
    title: str
    unit: str
    series: tuple[Series, ...]


PANELS: tuple[Panel, ...] = (
    Panel(
        "coops",
        "chart.coops",
        "axis.coops.left",
        (Series("coops_registered"), Series("coops_active"), Series("coops_nominal")),
    ),
    Panel("farms", "chart.members", "axis.members.left", (Series("farms"), Series("members"))),
    Panel(
        "membership_rate",
        "series.membership_rate",
        "axis.members.right",
        (Series("membership_rate", "share"),),
    ),
    Panel(
        "size",
        "chart.size",
        "axis.size.left",
        (Series("mean_coop_size", "size"), Series("median_coop_size", "size")),
    ),
    Panel(
        "market_share",
        "chart.market_share",
        "axis.market_share.left",
        (Series("coop_market_share", "share"),),
    ),
    Panel(
        "income",
        "series.farm_income_mean",
        "axis.income.left",
        (Series("farm_income_mean", "money"),),
    ),
    Panel(
        "gini",
        "series.farm_income_gini",
        "axis.income.right",
        (Series("farm_income_gini", "ratio"),),
    ),
    Panel("subsidy", "chart.subsidy", "axis.subsidy.left", (Series("subsidy_paid", "money"),)),
    Panel(
        "subsidy_member",
        "series.subsidy_per_active_member",
        "axis.subsidy.right",
        (Series("subsidy_per_active_member", "money"),),
    ),
    Panel(
        "events",
        "chart.events",
        "axis.events.left",
        (Series("foundings"), Series("mergers"), Series("dissolutions")),
    ),
    Panel(
        "prices",
        "chart.prices",
        "axis.prices.left",
        (Series("price_member", "money"), Series("price_nonmember", "money")),
    ),
)
"""The Explore page's charts, in the order shown: one y axis each."""

SERIES: dict[str, tuple[Panel, Series]] = {s.column: (p, s) for p in PANELS for s in p.series}
"""Each charted column, with its panel (for its unit) and how it is written."""


@dataclass(frozen=True)
class Line:
    """One line of a chart, as drawn.

    Attributes:
        name: its name in the legend (lines of one name are shown and hidden together).
        values: one value per year of the x axis, in the y axis's unit (None: none).
        texts: the tooltip's text for each value (None where there is no value).
        kind: ``data`` (simulated), ``band`` (a mean over runs, with ``low``–``high``),
            ``aim`` (dashed) or ``reported`` (markers).
        colour: its colour.
        low, high: the band's lowest and highest value each year (``band`` only).
    """

    name: str
    values: tuple[float | None, ...]
    texts: tuple[str | None, ...]
    kind: str = "data"
    colour: str = COLOURS[0]
    low: tuple[float | None, ...] | None = None
    high: tuple[float | None, ...] | None = None


@dataclass(frozen=True)
class Chart:
    """One chart: its id, title, the unit of its y axis, the years of its x axis, its lines."""

    key: str
    title: str
    unit: str
    years: tuple[int, ...]
    lines: tuple[Line, ...]

    @property
    def legend(self) -> list[str]:
        """The names in the legend, each once, in the order of the lines."""
        return list(dict.fromkeys(line.name for line in self.lines))

    @property
    def drawn(self) -> list[float]:
        """Every value drawn (lines and the lower edges of bands)."""
        return [
            v for line in self.lines for v in (*line.values, *(line.low or ())) if v is not None
        ]

    @property
    def from_zero(self) -> bool:
        """Whether the y axis starts at 0: nothing drawn is below it."""
        return min(self.drawn, default=0.0) >= 0


def series_name(tr: Translator, column: str) -> str:
    """A column's name in the legend."""
    key = f"series.{column}"
    return tr(key) if tr.has(key) else tr(f"echart.series.{column}")


def writer(tr: Translator, kind: str, currency: str) -> Callable[[float], str]:
    """How a value of this kind is written in a tooltip (the value as in the model table)."""
    if kind == "share":
        return tr.percent
    if kind == "money":
        return lambda v: tr.money(v, currency)
    digits = {"count": 0, "size": 1, "ratio": 2}[kind]
    return lambda v: tr.number(v, digits)


def on_axis(values: Iterable[float], factor: float = 1.0) -> tuple[float | None, ...]:
    """Values on the y axis: times ``factor``, to 6 decimals, None where NaN."""
    return tuple(None if v != v else round(float(v) * factor, 6) for v in values)


def cells(
    values: np.ndarray, write: Callable[[float], str], factor: float
) -> tuple[tuple[float | None, ...], tuple[str | None, ...]]:
    """Values on the y axis (see :func:`on_axis`) and their tooltip texts."""
    return on_axis(values, factor), tuple(None if v != v else write(float(v)) for v in values)


def by_year(table: pd.DataFrame, columns: list[str], years: tuple[int, ...]) -> np.ndarray:
    """Columns' values on the x axis's years, one row a column (NaN for years not in the table)."""
    out = np.full((len(columns), len(years)), np.nan)
    if len(table):
        where = table["year"].to_numpy(dtype=int) - years[0]
        keep = (where >= 0) & (where < len(years))
        out[:, where[keep]] = table[columns].to_numpy(dtype=float).T[:, keep]
    return out


def run_years(scenario: Scenario) -> tuple[int, ...]:
    """The years of a run (the x axis of its charts)."""
    return tuple(range(scenario.start_year, scenario.end_year + 1))


def explore_charts(
    table: pd.DataFrame,
    scenario: Scenario,
    tr: Translator,
    fixed: dict[str, list[Line]] | None = None,
) -> list[Chart]:
    """The Explore page's charts of one run.

    Args:
        table: the run's model table so far.
        scenario: the scenario run (its years, currency).
        tr: the page's language.
        fixed: the aims and reported figures by column
            (:func:`~coopsim.dashboard.widgets.chart_references.fixed_lines`).
    """
    years = run_years(scenario)
    fixed = fixed or {}
    charts = []
    every_column = by_year(table, list(SERIES), years)  # one selection: pandas's is slow
    row = {column: i for i, column in enumerate(SERIES)}
    for panel in PANELS:
        lines = []
        for i, s in enumerate(panel.series):
            write = writer(tr, s.kind, scenario.currency)
            values, texts = cells(every_column[row[s.column]], write, s.factor)
            lines.append(Line(series_name(tr, s.column), values, texts, "data", COLOURS[i]))
        for s in panel.series:
            lines += fixed.get(s.column, [])
        charts.append(
            Chart(panel.key, tr(panel.title), unit(tr, panel, scenario), years, tuple(lines))
        )
    return charts


def unit(tr: Translator, panel: Panel, scenario: Scenario) -> str:
    """A panel's y-axis unit in words, with the scenario's currency sign."""
    return tr(panel.unit, currency=sign(scenario.currency))


def band_line(
    rows: pd.DataFrame, column: str, name: str, colour: str, scenario: Scenario, tr: Translator
) -> Line:
    """A column's mean over runs with its lowest–highest band, year by year.

    Args:
        rows: the runs' model tables, one under another (columns ``replicate``, ``year``
            and the model table's).
        column: the column drawn.
        name: the line's name in the legend.
        colour: its colour.
        scenario: the scenario run (years, currency).
        tr: the page's language.
    """
    series = SERIES[column][1]
    write = writer(tr, series.kind, scenario.currency)
    runs = rows.pivot_table(index="year", columns="replicate", values=column)
    runs = runs.reindex(run_years(scenario))
    mean, low, high = runs.mean(axis=1), runs.min(axis=1), runs.max(axis=1)
    texts = tuple(
        None if m != m else tr("echart.band", mean=write(m), low=write(lo), high=write(hi), runs=n)
        for m, lo, hi, n in zip(mean, low, high, runs.count(axis=1), strict=True)
    )
    factor = series.factor
    return Line(
        name,
        on_axis(mean, factor),
        texts,
        "band",
        colour,
        on_axis(low, factor),
        on_axis(high, factor),
    )


def sample_bands(rows: pd.DataFrame, scenario: Scenario, tr: Translator) -> dict[str, list[Line]]:
    """Every charted column's band over the runs of a sample (the Explore run's seeds).

    Drawn in grey under the run stepped, so the run reads as one of the sample.
    """
    name = tr("echart.sample_band", runs=rows["replicate"].nunique())
    return {column: [band_line(rows, column, name, BAND_GREY, scenario, tr)] for column in SERIES}


def compare_charts(
    results: pd.DataFrame,
    scenario: Scenario,
    tr: Translator,
    columns: Iterable[str],
    fixed: dict[str, list[Line]] | None = None,
) -> list[Chart]:
    """One chart per column with every arm's mean over its runs and its lowest–highest band.

    Args:
        results: the comparison's rows (columns ``arm``, ``replicate``, ``year`` and the
            model table's), arms in order.
        scenario: the base scenario (years, currency).
        tr: the page's language.
        columns: the model-table columns charted.
        fixed: lines drawn on every arm's chart, by column (e.g. reported figures).
    """
    years = run_years(scenario)
    fixed = fixed or {}
    charts = []
    for column in columns:
        panel = SERIES[column][0]
        lines = [
            band_line(rows, column, str(arm), COLOURS[i % len(COLOURS)], scenario, tr)
            for i, (arm, rows) in enumerate(results.groupby("arm", sort=False))
        ]
        lines += fixed.get(column, [])
        charts.append(
            Chart(column, series_name(tr, column), unit(tr, panel, scenario), years, tuple(lines))
        )
    return charts
