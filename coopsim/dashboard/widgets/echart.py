"""Charts drawn in the browser by ECharts: the options of a :class:`~.charts.Chart`, and the widget.

ECharts ships with Solara (its CDN folder is served by the dashboard's own server), so
the charts work with no internet. The server sends only numbers and texts; the browser
draws, shows a tooltip on hover, zooms on the years (mouse wheel, drag, or the slider
under the x axis) and saves a chart as a PNG image (the toolbox's button).

ECharts's options are JSON, but a tooltip's and an axis label's formatter are
JavaScript functions; :class:`EChart` adds two: the tooltip shows the texts the server
wrote for each point (the language's numbers, money and percentages), and the y axis's
labels are written with the language's separators and abbreviations.
"""

from __future__ import annotations

import ipyvue
import solara
import solara.settings
import traitlets

from coopsim.dashboard.widgets.charts import Chart, Line
from coopsim.i18n import Translator

WIDTH, HEIGHT = 460, 340
"""A chart's size on the page, in CSS pixels (two side by side on a laptop's screen)."""

FONT = 12
"""The smallest type of a chart, in CSS pixels (ticks, legend, unit)."""

TITLE_FONT = 15
LEGEND_TOP = 56
LEGEND_ROW = 22
"""Where the legend starts under the title and unit, and the height of one of its rows (px)."""

CHAR_WIDTH = 7.6
"""An upper bound of a character's mean width at 12 px, in px (Cyrillic in a sans-serif)."""

LEGEND_ICON = 25 + 5
LEGEND_GAP = 12


def legend_rows(names: list[str], width: float = WIDTH - 16) -> int:
    """The rows ECharts's legend takes at this width (it starts a row when one is full)."""
    rows, used = 1, 0.0
    for name in names:
        item = LEGEND_ICON + CHAR_WIDTH * len(name)
        if used and used + LEGEND_GAP + item > width:
            rows, used = rows + 1, item
        else:
            used += (LEGEND_GAP if used else 0) + item
    return rows


def number_format(tr: Translator) -> dict:
    """The language's way of writing numbers, for the y axis's labels in the browser.

    Taken from :class:`~coopsim.i18n.Translator` itself, so the axis and the tooltips agree.
    """
    return {
        "group": tr.number(1000)[1],
        "decimal": tr.number(0.5, 1)[1],
        "units": [
            [1e9, tr("number.billion")],
            [1e6, tr("number.million")],
            [1e3, tr("number.thousand")],
        ],
    }


def _data(values, texts) -> list:
    return [
        None if v is None else {"value": v, "text": t} for v, t in zip(values, texts, strict=True)
    ]


def _series(line: Line) -> list[dict]:
    """The ECharts series of one line (a band adds two, stacked: its lower edge, its width)."""
    common = {"name": line.name, "color": line.colour, "z": 3}
    if line.kind == "reported":
        return [
            {
                **common,
                "type": "scatter",
                "symbol": "diamond",
                "symbolSize": 13,
                "z": 4,
                "data": _data(line.values, line.texts),
            }
        ]
    dashed = line.kind == "aim"
    series = [
        {
            **common,
            "type": "line",
            "data": _data(line.values, line.texts),
            "symbol": "none" if dashed else "circle",
            "symbolSize": 6,
            "lineStyle": {"width": 2, "type": "dashed" if dashed else "solid"},
            "connectNulls": False,
        }
    ]
    if line.kind == "band" and line.low is not None and line.high is not None:
        spread = [
            None if lo is None or hi is None else round(hi - lo, 6)
            for lo, hi in zip(line.low, line.high, strict=True)
        ]
        band = {**common, "type": "line", "symbol": "none", "stack": f"band:{line.name}", "z": 1}
        # the mean first: the legend draws a name's icon from its first series
        series = [
            *series,
            {**band, "data": list(line.low), "lineStyle": {"opacity": 0}},
            {**band, "data": spread, "lineStyle": {"opacity": 0}, "areaStyle": {"opacity": 0.2}},
        ]
    return series


def option(chart: Chart, tr: Translator, file_name: str = "chart") -> dict:
    """The ECharts option of a chart: one y axis from 0, the run's years, zoom, tooltips.

    Args:
        chart: what to draw.
        tr: the page's language (the toolbox's words).
        file_name: the name, without ``.png``, of the image the toolbox saves.
    """
    legend = chart.legend
    top = LEGEND_TOP + LEGEND_ROW * legend_rows(legend) + 14
    # line heights are given, not measured: ECharts measures a line's height on a CJK
    # character, which a browser without CJK fonts reports a third too small
    small = {"fontSize": FONT, "lineHeight": FONT + 4}
    return {
        "animation": False,
        "textStyle": small,
        "title": {
            "text": chart.title,
            "subtext": chart.unit,
            "left": 8,
            "top": 4,
            "itemGap": 6,
            "textStyle": {"fontSize": TITLE_FONT, "lineHeight": TITLE_FONT + 4},
            "subtextStyle": {**small, "color": "#444"},
        },
        "legend": {"data": legend, "top": LEGEND_TOP, "left": 8, "right": 8, "textStyle": small},
        # room for half the first year's label left of the axis, which may have short labels
        "grid": {"left": 24, "right": 24, "top": top, "bottom": 36, "containLabel": True},
        "xAxis": {
            "type": "category",
            "data": [str(y) for y in chart.years],
            "boundaryGap": False,
            "axisLabel": small,
        },
        "yAxis": {
            "type": "value",
            "min": 0 if chart.from_zero else None,
            "axisLabel": small,
            "splitLine": {"lineStyle": {"opacity": 0.5}},
        },
        "tooltip": {
            "trigger": "axis",
            "confine": True,
            "textStyle": {"fontSize": 13},
            "extraCssText": "max-width: 380px; white-space: normal;",
        },
        "dataZoom": [
            {"type": "inside", "xAxisIndex": 0},
            {"type": "slider", "xAxisIndex": 0, "height": 16, "bottom": 6, "showDetail": False},
        ],
        "toolbox": {
            "right": 6,
            "top": 2,
            "feature": {
                "saveAsImage": {
                    "title": tr("echart.save_image"),
                    "name": file_name,
                    "pixelRatio": 2,
                    "backgroundColor": "#ffffff",
                }
            },
        },
        "series": [s for line in chart.lines for s in _series(line)],
    }


class EChart(ipyvue.VueTemplate):
    """An ECharts chart whose tooltips and y-axis labels speak the page's language.

    Traits:

    * ``option``: the chart's ECharts option (JSON, as :func:`option` makes it);
    * ``numbers``: the language's separators and abbreviations (:func:`number_format`);
    * ``cdn``: where Solara serves ECharts from (None: the page's own ``_solara/cdn``).

    A data point ``{"value": …, "text": …}`` shows its ``text`` in the tooltip; points
    without a text (the edges of a band) show none. Each redraw keeps the user's zoom.
    The ECharts instance is kept on the chart's element as ``echart`` (for tests).
    """

    template = traitlets.Unicode(
        """
<template>
  <div ref="chart" class="coopsim-echart"
       :style="'width: ' + width + 'px; max-width: 100%; height: ' + height + 'px;'"></div>
</template>
<script>
module.exports = {
  mounted() {
    const cdn = this.cdn || (window.solara && window.solara.cdn) || "./_solara/cdn";
    const ready = window.requirejs ? Promise.resolve() : new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = cdn + "/requirejs@2.3.6/require.js";
      script.onload = resolve;
      script.onerror = reject;
      document.head.appendChild(script);
    });
    ready.then(() => {
      window.requirejs([cdn + "/echarts@5.4.0/dist/echarts.js"], (echarts) => {
        this.chart = echarts.init(this.$refs.chart, null, { renderer: "canvas" });
        this.$refs.chart.echart = this.chart;
        this.draw();
      });
    });
  },
  beforeDestroy() {
    if (this.chart) this.chart.dispose();
  },
  watch: {
    option() { this.draw(); },
    numbers() { this.draw(); },
  },
  methods: {
    draw() {
      if (!this.chart) return;
      const option = JSON.parse(JSON.stringify(this.option));
      option.tooltip = Object.assign({ formatter: this.tip }, option.tooltip);
      option.yAxis.axisLabel = Object.assign({ formatter: this.tick }, option.yAxis.axisLabel);
      this.chart.setOption(option, { replaceMerge: ["series"] });
    },
    escape(text) {
      const div = document.createElement("div");
      div.textContent = String(text);
      return div.innerHTML;
    },
    tip(points) {
      const rows = (Array.isArray(points) ? points : [points])
        .filter((p) => p.data && p.data.text)
        .map((p) => p.marker + this.escape(p.seriesName) + ": <b>"
                    + this.escape(p.data.text) + "</b>");
      if (!rows.length) return "";
      const first = Array.isArray(points) ? points[0] : points;
      const year = this.escape(first.axisValueLabel || first.name);
      return "<b>" + year + "</b><br>" + rows.join("<br>");
    },
    written(value, digits) {
      const [whole, part] = Math.abs(value).toFixed(digits).split(".");
      const sign = value < 0 && Number(Math.abs(value).toFixed(digits)) !== 0 ? "-" : "";
      const grouped = whole.replace(/\\B(?=(\\d{3})+(?!\\d))/g, this.numbers.group);
      return sign + grouped + (part ? this.numbers.decimal + part : "");
    },
    digits(value) {
      for (let d = 0; d < 3; d++) {
        if (Math.abs(value * 10 ** d - Math.round(value * 10 ** d)) < 1e-6) return d;
      }
      return 3;
    },
    tick(value) {
      for (const [limit, suffix] of this.numbers.units) {
        if (Math.abs(value) >= limit) {
          const scaled = value / limit;
          return this.written(scaled, this.digits(scaled)) + suffix;
        }
      }
      return this.written(value, this.digits(value));
    },
  },
};
</script>
"""
    ).tag(sync=True)
    option = traitlets.Dict().tag(sync=True)
    numbers = traitlets.Dict().tag(sync=True)
    width = traitlets.Int(WIDTH).tag(sync=True)
    height = traitlets.Int(HEIGHT).tag(sync=True)
    cdn = traitlets.Unicode(None, allow_none=True).tag(sync=True)

    @traitlets.default("cdn")
    def _cdn(self) -> str | None:
        # as Solara's own ECharts figure: the page's server unless assets are proxied
        return None if solara.settings.assets.proxy else solara.settings.assets.cdn


@solara.component
def EChartView(chart: Chart, tr: Translator, file_name: str = "chart"):
    """One chart on a page."""
    return EChart.element(option=option(chart, tr, file_name), numbers=number_format(tr))
