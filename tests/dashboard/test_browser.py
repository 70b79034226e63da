"""The dashboard in a real browser (headless Debian Chromium), served by a Solara server.

Each test loads the whole app as a user would, with every browser asset served from
this machine: a page that could not load its scripts would stay on Solara's loading
screen and the first wait would fail.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

pytestmark = [
    # pytest-base-url (a dependency of pytest-playwright) defines its session fixture in a
    # way pytest 9 deprecates; nothing of ours is concerned
    pytest.mark.filterwarnings(
        "ignore:Session-scoped fixtures defined as instance methods:pytest.PytestRemovedIn10Warning"
    ),
    # the test server runs in this process: ipyvuetify's file reader (behind Solara's
    # FileDrop) reads a header ipykernel 6 deprecates while it receives an upload
    pytest.mark.filterwarnings(
        "ignore:Kernel._parent_header is deprecated:DeprecationWarning:ipyvuetify.extra.file_input"
    ),
]

WAIT_MS = 60_000
LOCAL = re.compile(r"^(https?|wss?)://(localhost|127\.0\.0\.1)[:/]")
NOT_LOCAL = re.compile(r"^(?!(https?|wss?)://(localhost|127\.0\.0\.1)[:/]|about:|data:|blob:)")


@pytest.fixture
def outside() -> list[str]:
    """Requests the page made to any other host than this machine (they are blocked)."""
    return []


@pytest.fixture
def dashboard(solara_server, solara_app, page_session, outside):
    """The dashboard's start page, loaded in the browser with the internet blocked."""

    def block(route):
        outside.append(route.request.url)
        route.abort()

    page_session.goto("about:blank")
    page_session.route(LOCAL, lambda route: route.continue_())
    page_session.route(NOT_LOCAL, block)
    try:
        with solara_app("coopsim.dashboard.app"):
            page_session.goto(solara_server.base_url + "/")
            page_session.locator(".coopsim-step").wait_for(timeout=WAIT_MS)
            yield page_session
            page_session.goto("about:blank")
    finally:
        page_session.unroute(NOT_LOCAL)
        page_session.unroute(LOCAL)


CHARTS = ".coopsim-chart .coopsim-echart"


def chart_options(page) -> list[str]:
    """Each chart's ECharts option as drawn (series and axes), as JSON."""
    page.wait_for_function(
        f"[...document.querySelectorAll('{CHARTS}')].every(e => e.echart)", timeout=WAIT_MS
    )
    return page.locator(CHARTS).evaluate_all(
        "els => els.map(e => JSON.stringify(e.echart.getOption().series))"
    )


def test_page_loads_with_its_charts_offline(dashboard, outside):
    page = dashboard
    assert page.get_by_text("Simulated farms").first.is_visible()
    assert len(chart_options(page)) == 11
    assert outside == []


def test_stepping_changes_the_charts_and_the_year(dashboard):
    page = dashboard
    before = chart_options(page)
    page.locator(".coopsim-step").click()
    page.get_by_text("In 2016").first.wait_for(timeout=WAIT_MS)
    page.locator(".coopsim-step").click()
    page.get_by_text("In 2017").first.wait_for(timeout=WAIT_MS)
    page.wait_for_function(  # the charts' redraw follows the page's text
        f"document.querySelector('{CHARTS}').echart.getOption().series[0].data[1] != null",
        timeout=WAIT_MS,
    )
    after = chart_options(page)
    assert len(after) == len(before)
    assert sum(a != b for a, b in zip(before, after, strict=True)) >= 8


def _small_comparison(page) -> None:
    """Open Compare and set two replicates of 500 farms."""
    page.locator(".coopsim-tab-compare").click()
    page.get_by_label("Replicates").first.fill("2")
    page.get_by_label("Replicates").first.press("Enter")
    page.get_by_label("Simulated farms").first.fill("500")
    page.get_by_label("Simulated farms").first.press("Enter")


def test_comparison_shows_two_arms(dashboard):
    page = dashboard
    _small_comparison(page)
    page.locator(".coopsim-compare-run").click()
    table = page.locator(".coopsim-table")
    table.wait_for(timeout=WAIT_MS)
    headers = table.locator("th").all_inner_texts()
    assert "As set" in headers
    assert "No KPI pressure" in headers
    assert "No KPI pressure − As set" in headers
    assert len(chart_options(page)) == 7
    bands = page.locator(".coopsim-bands")
    assert bands.inner_text().startswith("The bands show the spread over seeds only")


def test_comparison_with_model_uncertainty_says_which_bands_it_shows(dashboard):
    page = dashboard
    _small_comparison(page)
    page.get_by_text("Include model uncertainty").click()
    page.locator(".coopsim-compare-run").click()
    bands = page.locator(".coopsim-bands")
    bands.wait_for(timeout=WAIT_MS)
    assert bands.inner_text() == (
        "The bands show the spread over seeds and over parameter sets drawn from the "
        "calibration's posterior (2 runs per arm), so they include the uncertainty of the "
        "calibration."
    )
    assert page.locator(".coopsim-table").count() == 1
    assert len(chart_options(page)) == 7


def test_switching_to_kazakh_translates_the_labels(dashboard):
    page = dashboard
    page.get_by_text("Қазақша").click()
    page.get_by_text("Қадам").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Модельденетін шаруашылықтар").first.is_visible()
    assert page.locator(".coopsim-tab-compare").inner_text().strip().lower() == "салыстыру"
    assert page.get_by_text("Simulated farms").count() == 0


def test_model_table_downloads_as_csv(dashboard):
    page = dashboard
    for year in (2016, 2017, 2018):
        page.locator(".coopsim-step").click()
        page.get_by_text(f"In {year}").first.wait_for(timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_text("Model table (CSV)").click()
    assert download.value.suggested_filename == "kazakhstan_2016_model.csv"
    text = Path(download.value.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["year"] for r in rows] == ["2016", "2017", "2018"]
    assert {"coops_active", "membership_rate", "subsidy_paid"} <= set(rows[0])


def drop_file(page, path: Path) -> None:
    """Drop a file on the upload area as the operating system would (Chromium's drag events)."""
    box = page.locator(".solara-file-drop").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = page.context.new_cdp_session(page)
    data = {"items": [], "files": [str(path)], "dragOperationsMask": 1}
    for kind in ("dragEnter", "dragOver", "drop"):
        cdp.send("Input.dispatchDragEvent", {"type": kind, "x": x, "y": y, "data": data})
    cdp.detach()


def test_a_dropped_scenario_file_is_validated_and_offered(dashboard, tmp_path):
    page = dashboard
    broken = tmp_path / "broken.toml"
    broken.write_text("[policy]\ninvestment_subsidy = 25\n", encoding="utf-8")
    drop_file(page, broken)
    message = page.get_by_text("This file cannot be used: broken.toml: policy.investment_subsidy")
    message.first.wait_for(timeout=WAIT_MS)
    village = tmp_path / "my_village.toml"
    village.write_text(
        (Path(__file__).parents[2] / "scenarios" / "village_machinery.toml").read_text("utf-8"),
        encoding="utf-8",
    )
    drop_file(page, village)
    page.get_by_text("⇧ my_village.toml").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("This file cannot be used").count() == 0


def test_a_dropped_description_can_neither_run_script_nor_fetch_from_outside(
    dashboard, outside, tmp_path
):
    page = dashboard
    village = (Path(__file__).parents[2] / "scenarios" / "village_machinery.toml").read_text()
    hostile = (
        "[x](javascript:alert(1)) ![](http://example.com/t.png) "
        '<img src="http://example.com/u.png"> <a href="javascript:alert(2)">y</a>'
    )
    path = tmp_path / "hostile.toml"
    path.write_text(
        village.replace('description = """', f'description = """{hostile}\n', 1),
        encoding="utf-8",
    )
    drop_file(page, path)
    page.get_by_text("⇧ hostile.toml").first.wait_for(timeout=WAIT_MS)
    page.get_by_text("The village's machinery").first.click()  # open the description
    shown = page.get_by_text("[x](javascript:alert(1))")
    shown.first.wait_for(timeout=WAIT_MS)
    assert page.locator("a[href^='javascript']").count() == 0
    assert page.locator("img[src*='example.com']").count() == 0
    assert not [url for url in outside if "example.com" in url]


def test_the_language_lives_in_the_address_and_survives_a_reload(dashboard):
    page = dashboard
    page.get_by_text("Русский").click()
    page.wait_for_url("**lang=ru**", timeout=WAIT_MS)
    page.locator(".coopsim-tab-compare").click()
    page.wait_for_url("**/compare?lang=ru", timeout=WAIT_MS)
    page.reload()
    page.locator(".coopsim-tab-compare", has_text="Сравнить").wait_for(timeout=WAIT_MS)
    assert page.get_by_text("Replicates").count() == 0
