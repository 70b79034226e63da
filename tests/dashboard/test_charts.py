"""The charts' descriptions and ECharts options, without a browser, and the exported image."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.legend import Legend
from PIL import Image

from coopsim.dashboard.session import SCENARIO_DIR
from coopsim.dashboard.widgets import chart_export
from coopsim.dashboard.widgets.chart_references import fixed_lines, reported_targets
from coopsim.dashboard.widgets.charts import PANELS, compare_charts, explore_charts
from coopsim.dashboard.widgets.echart import legend_rows, number_format, option
from coopsim.i18n import Translator
from coopsim.records import MODEL_COLUMNS
from coopsim.scenario import load_scenario

KAZAKHSTAN = load_scenario(SCENARIO_DIR / "kazakhstan_2016.toml")
NBSP = "\u202f"  # the thin space Kazakh and Russian group thousands with


def table(years: list[int], **columns: list[float]) -> pd.DataFrame:
    """A model table of these years: every column 0 unless given."""
    data = {c: [0.0] * len(years) for c in MODEL_COLUMNS if c != "year"}
    data.update(columns)
    return pd.DataFrame({"year": years, **data})


def line(chart, name: str):
    return next(ln for ln in chart.lines if ln.name == name)


def by_key(charts) -> dict:
    return {c.key: c for c in charts}


def test_every_chart_has_one_y_axis_from_zero_and_the_run_s_years():
    tr = Translator("en")
    charts = explore_charts(table([2016, 2017]), KAZAKHSTAN, tr)
    assert [c.key for c in charts] == [p.key for p in PANELS]
    for chart in charts:
        spec = option(chart, tr)
        assert isinstance(spec["yAxis"], dict)  # one axis, not a list of two
        assert spec["yAxis"]["min"] == 0
        assert spec["xAxis"]["data"] == [str(y) for y in range(2016, 2031)]  # fixed, 15 years
        assert spec["textStyle"]["fontSize"] >= 12
        assert all(len(s["data"]) == 15 for s in spec["series"])


def test_a_negative_value_lets_the_axis_go_below_zero():
    tr = Translator("en")
    charts = by_key(explore_charts(table([2016], farm_income_mean=[-5.0]), KAZAKHSTAN, tr))
    assert option(charts["income"], tr)["yAxis"]["min"] is None
    assert option(charts["gini"], tr)["yAxis"]["min"] == 0


@pytest.mark.parametrize(
    ("lang", "share", "money", "size"),
    [
        ("en", "12.3 %", "1,234,567 ₸", "8.5"),
        ("kk", "12,3 %", f"1{NBSP}234{NBSP}567 ₸", "8,5"),
        ("ru", "12,3 %", f"1{NBSP}234{NBSP}567 ₸", "8,5"),
    ],
)
def test_tooltips_are_written_the_language_s_way(lang, share, money, size):
    tr = Translator(lang)
    data = table(
        [2016], membership_rate=[0.123], farm_income_mean=[1_234_567.2], mean_coop_size=[8.46]
    )
    charts = by_key(explore_charts(data, KAZAKHSTAN, tr))
    rate = charts["membership_rate"].lines[0]
    assert rate.values[0] == pytest.approx(12.3)  # a share is drawn in %
    assert rate.texts[0] == share
    assert charts["income"].lines[0].texts[0] == money
    assert charts["size"].lines[0].texts[0] == size
    point = option(charts["income"], tr)["series"][0]["data"][0]
    assert point == {"value": pytest.approx(1_234_567.2), "text": money}


def test_the_y_axis_labels_follow_the_language():
    assert number_format(Translator("en")) == {
        "group": ",",
        "decimal": ".",
        "units": [[1e9, "bn"], [1e6, "M"], [1e3, "k"]],
    }
    russian = number_format(Translator("ru"))
    assert (russian["group"], russian["decimal"]) == (NBSP, ",")
    assert russian["units"][2] == [1e3, " тыс."]
    # the exported image writes its ticks the same way, with no needless decimals
    tr = Translator("ru")
    assert chart_export.tick_label(tr, 2_500_000) == "2,5 млн"
    assert chart_export.tick_label(tr, 0.05) == "0,05"
    assert chart_export.tick_label(tr, 600) == "600"


def test_kazakhstan_s_aims_are_dashed_lines_in_the_years_they_are_pursued():
    tr = Translator("en")
    charts = by_key(explore_charts(table([2016]), KAZAKHSTAN, tr, fixed_lines(KAZAKHSTAN, tr, "")))
    kpi = line(charts["coops"], "Aim: KPI")
    assert kpi.kind == "aim"
    # 107 coops per region × 14 regions, pushed (kpi_pressure 0.3) from 2017 to 2021
    assert kpi.values == (None, *[1498.0] * 5, *[None] * 9)
    assert kpi.texts[1] == "1,498"
    cap = line(charts["subsidy"], "Budget cap")
    assert cap.values == (20e9,) * 15
    spec = option(charts["coops"], tr)
    dashed = next(s for s in spec["series"] if s["name"] == "Aim: KPI")
    assert dashed["lineStyle"]["type"] == "dashed" and dashed["symbol"] == "none"
    assert "Aim: merger plan" not in charts["coops"].legend  # Kazakhstan has no merger plan


def test_kazakhstan_s_reported_coops_are_a_marker_with_its_source():
    tr = Translator("ru")
    fixed = fixed_lines(KAZAKHSTAN, tr, "kazakhstan_2016.toml")
    charts = by_key(explore_charts(table([2016]), KAZAKHSTAN, tr, fixed))
    reported = line(charts["coops"], "Отчётные данные")
    assert reported.kind == "reported"
    assert reported.values[2021 - 2016] == 3030  # the register's count of 2021
    assert sum(v is not None for v in reported.values) == 1
    target = next(t for t in reported_targets()["kazakhstan_2016"] if t.year == 2021)
    assert reported.texts[5] == (
        f"Зарегистрированные кооперативы, 2021: 3{NBSP}030. Источник: {target.source}"
    )
    series = next(s for s in option(charts["coops"], tr)["series"] if s["type"] == "scatter")
    assert series["data"][5]["text"] == reported.texts[5]
    # Kazakhstan reports no other column the charts show
    others = [c for c in charts.values() if c.key != "coops"]
    assert not [ln for c in others for ln in c.lines if ln.kind == "reported"]


def test_no_aims_and_no_history_where_the_scenario_has_none():
    tr = Translator("en")
    village = load_scenario(SCENARIO_DIR / "village_machinery.toml")
    assert village.policy.kpi_coops_per_region == 0 and village.policy.budget is None
    years = list(range(village.start_year, village.start_year + 2))
    for spec, source in ((village, "village_machinery.toml"), (KAZAKHSTAN, "⇧ kazakhstan_2016")):
        fixed = fixed_lines(spec, tr, source)
        charts = explore_charts(table(years), spec, tr, fixed)
        kinds = {ln.kind for c in charts for ln in c.lines}
        assert "reported" not in kinds  # an upload is not the country's own file
        if spec is village:
            assert kinds == {"data"}


def test_canada_s_reported_market_share_is_drawn_in_percent():
    tr = Translator("en")
    canada = load_scenario(SCENARIO_DIR / "canada_federation.toml")
    fixed = fixed_lines(canada, tr, "canada_federation.toml")
    share = by_key(explore_charts(table([canada.start_year]), canada, tr, fixed))["market_share"]
    reported = line(share, "Reported")
    assert reported.values[1975 - canada.start_year] == pytest.approx(60.0)  # 0.6 of the grain
    assert "Coop market share, 1975: 60.0 %" in reported.texts[1975 - canada.start_year]


def test_compare_draws_each_arm_s_mean_and_its_band():
    tr = Translator("en")
    rows = []
    for arm, values in (("A", (10, 20, 30)), ("B", (40, 50, 90))):
        for replicate, v in enumerate(values):
            rows.append({"arm": arm, "replicate": replicate, "year": 2016, "coops_active": v})
    charts = compare_charts(pd.DataFrame(rows), KAZAKHSTAN, tr, ["coops_active"])
    chart = charts[0]
    assert chart.legend == ["A", "B"]
    b = line(chart, "B")
    assert (b.values[0], b.low[0], b.high[0]) == (60.0, 40.0, 90.0)
    assert b.values[1:] == (None,) * 14
    assert b.texts[0] == "60 (mean; 40 to 90 over 3 runs)"
    spec = option(chart, tr)
    b_series = [s for s in spec["series"] if s["name"] == "B"]  # mean, lower edge, band
    assert b_series[0]["data"][0]["value"] == 60.0
    assert [s["data"][0] for s in b_series[1:]] == [40.0, 50.0]  # the band stacks 90 − 40
    assert "areaStyle" in b_series[2] and b_series[1]["stack"] == b_series[2]["stack"]
    assert spec["legend"]["data"] == ["A", "B"]


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(0, 1e9) | st.none(), min_size=15, max_size=15), min_size=1, max_size=5
    )
)
def test_a_band_holds_its_mean_and_is_empty_only_where_no_run_is(runs):
    rows = [
        {"arm": "A", "replicate": r, "year": 2016 + i, "subsidy_paid": v}
        for r, values in enumerate(runs)
        for i, v in enumerate(values)
        if v is not None
    ]
    results = pd.DataFrame(rows, columns=["arm", "replicate", "year", "subsidy_paid"])
    results["arm"] = "A"
    (chart,) = compare_charts(results, KAZAKHSTAN, Translator("kk"), ["subsidy_paid"])
    if not rows:
        assert chart.lines == ()
        return
    (band,) = chart.lines
    for i, (mean, low, high, text) in enumerate(
        zip(band.values, band.low, band.high, band.texts, strict=True)
    ):
        year = [v[i] for v in runs if v[i] is not None]
        assert (mean is None) == (text is None) == (not year)
        if year:
            # drawn to 6 decimals
            assert low <= mean * (1 + 1e-9) + 1e-6 and mean <= high * (1 + 1e-9) + 1e-6
            assert low == pytest.approx(min(year), abs=1e-6)
            assert high == pytest.approx(max(year), abs=1e-6)


def test_legend_rows_grow_with_longer_names():
    assert legend_rows(["Members"]) == 1
    # each name: 30 px of icon, 7.6 px a character; 12 px between items; 444 px a row
    long = "x" * 40  # 334 px: one per row
    assert legend_rows([long, long, long]) == 3
    assert legend_rows(["x" * 20, "x" * 20]) == 1  # 182 + 12 + 182 = 376 px


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8))
def test_a_legend_never_needs_more_rows_than_names(names):
    assert 1 <= legend_rows(names) <= len(names)


def _legend_and_texts(fig):
    renderer = fig.canvas.get_renderer()
    legends = [a for a in fig.get_children() if isinstance(a, Legend)]
    texts = list(fig.texts)
    return renderer, legends, texts


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_the_exported_charts_keep_their_legends_apart(lang):
    tr = Translator(lang)
    data = table(list(range(2016, 2020)), coops_registered=[0, 1200, 1500, 1700], farms=[5e5] * 4)
    charts = explore_charts(data, KAZAKHSTAN, tr, fixed_lines(KAZAKHSTAN, tr, "kazakhstan_2016"))
    fig = chart_export.charts_figure(charts, tr)
    fig.canvas.draw()
    renderer, legends, texts = _legend_and_texts(fig)
    assert len(legends) == len(charts)
    frame = fig.bbox
    boxes = [lg.get_window_extent(renderer) for lg in legends]
    for i, box in enumerate(boxes):
        assert frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0
        assert not any(box.overlaps(other) for other in boxes[i + 1 :])
        assert not any(box.overlaps(ax.get_window_extent(renderer)) for ax in fig.axes)
        assert not any(box.overlaps(t.get_window_extent(renderer)) for t in texts)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_the_export_is_a_valid_image(fmt):
    tr = Translator("kk")
    charts = explore_charts(table([2016]), KAZAKHSTAN, tr)
    data = chart_export.charts_image(charts, tr, fmt)
    if fmt == "png":
        image = Image.open(io.BytesIO(data))
        assert image.format == "PNG" and image.size == (1200, 2400)
        pixels = np.asarray(image.convert("L"))
        assert pixels.min() < 100  # something is drawn in dark ink
    else:
        root = ET.fromstring(data)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
    with pytest.raises(ValueError, match="format: 'gif'"):
        chart_export.charts_image(charts, tr, "gif")
