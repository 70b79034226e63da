"""The charts in a real browser (headless Chromium): drawn by ECharts, readable, exported.

The fixtures (a Solara server, the page with the internet blocked) are those of
``test_browser.py``. Each chart's ECharts instance is kept on its element as ``echart``;
the tests read what it drew through ECharts's and zrender's own API.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image
from test_browser import WAIT_MS, dashboard, outside  # noqa: F401 (fixtures)

pytestmark = [
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
]

CHARTS = ".coopsim-chart .coopsim-echart"

DRAWN_TEXTS = """
el => {
  const chart = el.echart;
  const texts = [];
  for (const item of chart.getZr().storage.getDisplayList()) {
    const text = item.style && item.style.text;
    if (typeof text !== "string" || !text.trim() || item.invisible) continue;
    const box = item.getBoundingRect().clone();
    // zrender measures a line's height on a CJK character; without CJK fonts that is
    // too small: take the font's size instead
    const size = parseFloat((String(item.style.font).match(/([0-9.]+)px/) || [0, 0])[1]);
    if (box.height < size) {
      box.y -= (size - box.height) / 2;
      box.height = size;
    }
    const transform = item.getComputedTransform();
    if (transform) box.applyTransform(transform);
    const corners = [[box.x, box.y], [box.x + box.width, box.y],
                     [box.x, box.y + box.height], [box.x + box.width, box.y + box.height]];
    texts.push({
      text: text, x: box.x, y: box.y, width: box.width, height: box.height,
      in_plot: corners.some(c => chart.containPixel({gridIndex: 0}, c)),
    });
  }
  const option = chart.getOption();
  return {
    width: chart.getWidth(), height: chart.getHeight(), texts: texts,
    legend: option.legend[0].data, title: option.title[0].text,
    y_axes: option.yAxis.length, y_min: option.yAxis[0].min,
  };
}
"""


def step(page, times: int = 1) -> None:
    for _ in range(times):
        before = page.locator(".coopsim-year").first.inner_text()
        page.locator(".coopsim-step").click()
        page.locator(".coopsim-year", has_text=before).wait_for(state="detached", timeout=WAIT_MS)


def drawn(page) -> list[dict]:
    """What every chart drew, once every chart has drawn its canvas."""
    page.locator(f"{CHARTS} canvas").nth(10).wait_for(timeout=WAIT_MS)
    page.wait_for_function(
        f"[...document.querySelectorAll('{CHARTS}')].every(e => e.echart)", timeout=WAIT_MS
    )
    return page.locator(CHARTS).evaluate_all(f"els => els.map({DRAWN_TEXTS})")


def overlap(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def test_explore_draws_eleven_echarts_after_a_step(dashboard, outside):  # noqa: F811
    page = dashboard
    step(page, 2)
    charts = drawn(page)
    assert len(charts) == 11
    assert page.locator(f"{CHARTS} canvas").count() >= 11
    assert all(c["y_axes"] == 1 and c["y_min"] == 0 for c in charts)
    assert charts[0]["title"] == "Cooperatives"
    assert {"Registered coops", "Aim: KPI", "Reported"} <= set(charts[0]["legend"])
    assert outside == []  # ECharts came from the dashboard's own server


def test_the_tooltip_shows_the_year_s_values_in_russian(dashboard):  # noqa: F811
    page = dashboard
    page.get_by_text("Русский").click()
    page.get_by_text("Шаг").first.wait_for(timeout=WAIT_MS)
    step(page, 2)
    drawn(page)
    chart = page.locator(CHARTS).nth(2)  # the membership rate, a share
    chart.evaluate(
        "el => el.echart.dispatchAction({type: 'showTip', seriesIndex: 0, dataIndex: 1})"
    )
    page.wait_for_function(
        "el => el.innerText.includes('2017')", arg=chart.element_handle(), timeout=WAIT_MS
    )
    text = chart.inner_text()  # the tooltip: the only text that is not drawn on the canvas
    assert "Доля членов" in text and "%" in text
    rate = text.split(":")[-1].strip()
    assert rate.endswith(" %") and "," in rate  # e.g. "0,8 %": a comma, in percent


@pytest.mark.parametrize(
    ("lang", "switch", "word"), [("kk", "Қазақша", "Қадам"), ("ru", "Русский", "Шаг")]
)
def test_legends_and_titles_fit_their_chart(dashboard, lang, switch, word):  # noqa: F811
    page = dashboard
    page.get_by_text(switch).click()
    page.get_by_text(word).first.wait_for(timeout=WAIT_MS)
    step(page)
    for chart in drawn(page):
        texts = chart["texts"]
        for t in texts:  # nothing drawn outside the chart's box
            assert t["x"] >= -1 and t["x"] + t["width"] <= chart["width"] + 1, (lang, t)
            assert t["y"] >= -1 and t["y"] + t["height"] <= chart["height"] + 1, (lang, t)
        legend = [t for t in texts if t["text"] in chart["legend"] and t["y"] > 30]
        assert len(legend) >= len(chart["legend"]), (lang, chart["title"], legend)
        heads = [t for t in texts if t["y"] < 40]  # the title and the unit
        assert len(heads) == 2 and not overlap(*heads), (lang, heads)
        for i, a in enumerate(legend):
            assert not a["in_plot"], (lang, chart["title"], a)
            assert not any(overlap(a, b) for b in legend[i + 1 :] + heads), (lang, a)


def test_the_charts_download_as_png_and_svg(dashboard):  # noqa: F811
    page = dashboard
    step(page, 3)
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_text("Charts (PNG)").click()
    assert download.value.suggested_filename == "kazakhstan_2016_charts.png"
    image = Image.open(io.BytesIO(Path(download.value.path()).read_bytes()))
    image.verify()
    assert image.format == "PNG" and image.size == (1200, 2400)
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_text("Charts (SVG)").click()
    assert download.value.suggested_filename == "kazakhstan_2016_charts.svg"
    root = ET.fromstring(Path(download.value.path()).read_bytes())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.attrib["width"].startswith("864")  # 1200 px at 100 dpi, in points


def test_a_chart_saves_itself_as_png_from_its_toolbox(dashboard):  # noqa: F811
    page = dashboard
    step(page)
    drawn(page)
    chart = page.locator(CHARTS).first
    box = chart.bounding_box()
    with page.expect_download(timeout=WAIT_MS) as download:
        chart.click(position={"x": box["width"] - 14, "y": 12})  # the toolbox's button
    assert download.value.suggested_filename == "kazakhstan_2016_coops.png"
    image = Image.open(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert image.format == "PNG"
    assert image.size == (2 * round(box["width"]), 2 * round(box["height"]))  # pixelRatio 2
