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
from pypdf import PdfReader

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


def test_the_address_carries_the_run_to_a_fresh_browser(dashboard, browser, solara_server):
    """Set a grant and a seed, then open the address in a new browser context: same run."""
    page = dashboard
    page.get_by_label("Member grant").first.fill("300,000")
    page.get_by_label("Member grant").first.press("Enter")
    page.wait_for_url("**policy.member_grant=300000.0**", timeout=WAIT_MS)
    page.get_by_label("Seed").first.fill("7")
    page.get_by_label("Seed").first.press("Enter")
    page.wait_for_url("**seed=7**", timeout=WAIT_MS)
    address = page.url
    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(address)
        other.locator(".coopsim-step").wait_for(timeout=WAIT_MS)
        grant = other.get_by_label("Member grant").first
        grant.wait_for(timeout=WAIT_MS)
        assert grant.input_value() == "300,000"
        assert other.get_by_label("Seed").first.input_value() == "7"
        assert "member_grant" in other.url  # the address was not rewritten to the defaults
    finally:
        fresh.close()


def test_a_scenario_file_chosen_by_click_is_uploaded(dashboard, tmp_path):
    page = dashboard
    village = tmp_path / "chosen_village.toml"
    village.write_text(
        (Path(__file__).parents[2] / "scenarios" / "village_machinery.toml").read_text("utf-8"),
        encoding="utf-8",
    )
    with page.expect_file_chooser() as chooser:  # a click opens the system's file dialog
        field = page.locator(".v-file-input", has_text="Or choose a scenario file (TOML)")
        field.locator(".v-input__slot").first.click()
    chooser.value.set_files(str(village))
    page.get_by_text("⇧ chosen_village.toml").first.wait_for(timeout=WAIT_MS)
    assert page.get_by_text("This file cannot be used").count() == 0


PROPER_NAMES = {
    # names of things, file formats and units that stay in Latin letters in any language
    "coopsim",
    "Solara",
    "Mesa",
    "networkx",
    "numpy",
    "Gini",
    "TOML",
    "CSV",
    "PNG",
    "PDF",
    "SVG",
    "QR",
    "KPI",
    "EMA",
    "ABC",
    "Shapley",
    "Nash",
    "Raiffeisen",
    "AgriPoliS",
    "NetLogo",
    "ha",
    "kg",
    "docs",
    "validation",
    "md",
    "toml",
    "true",
    "false",
    "JA",
    "English",
    "API",
    "ODD",
}
"""Words in Latin letters a Kazakh or Russian page may show."""


def english_words(text: str) -> set[str]:
    """The words of a text in Latin letters that are not proper names (nor file names)."""
    text = re.sub(r"\S+\.(toml|md|csv|png|pdf|svg)\b", "", text)  # file names
    words = set(re.findall(r"[A-Za-z]{2,}", text))
    names = {n.lower() for n in PROPER_NAMES}
    return {w for w in words if w.lower() not in names}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_pages_in_kazakh_and_russian_have_no_english_words(dashboard, solara_server, lang):
    page = dashboard
    found = {}
    for path in ("/", "/compare", "/explain", "/classroom", "/about", "/room", "/play"):
        page.goto(f"{solara_server.base_url}{path}?lang={lang}")
        page.locator(".coopsim-tab-about, .coopsim-code-input").first.wait_for(timeout=WAIT_MS)
        page.wait_for_timeout(500)
        # code (a key, a command) and cited references stay as written
        shown = page.evaluate(
            "() => { const quoted = [...document.querySelectorAll('code, .coopsim-references')];"
            " quoted.forEach(e => { e.dataset.was = e.style.display; e.style.display = 'none'; });"
            " const text = document.body.innerText;"
            " quoted.forEach(e => { e.style.display = e.dataset.was; });"
            " return text; }"
        )
        words = english_words(shown)
        if words:
            found[path] = sorted(words)
    assert not found, "; ".join(f"{path}: {' '.join(words)}" for path, words in found.items())


KAZAKH_LETTERS = set("әғқңөұүһі")

POLICYMAKER = {
    "kk": {
        "farms": "Модельденетін шаруашылықтар",
        "grant": "Мүшеге грант",
        "group": "Топ",
        "investment": "Инвестиция және несие",
        "subsidy": "Инвестициялық субсидия",
        "by": "2030 жылға қарай:",
        "replicates": "Қайталаулар",
        "brief": "Министрге арналған анықтама (PDF, бір бет)",
    },
    "ru": {
        "farms": "Моделируемых хозяйств",
        "grant": "Грант за члена",
        "group": "Группа",
        "investment": "Инвестиции и кредит",
        "subsidy": "Инвестиционная субсидия",
        "by": "К 2030 году:",
        "replicates": "Повторов",
        "brief": "Справка для министра (PDF, одна страница)",
    },
}


def _enter(page, label: str, text: str) -> None:
    field = page.get_by_label(label).first
    field.fill(text)
    field.press("Enter")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_policymakers_path_in_kazakh_and_russian(
    dashboard, browser, solara_server, tmp_path, lang
):
    """Grant in tenge and subsidy in percent for every year, the sentence with its band,
    two arms compared, the link opened elsewhere with the same numbers, the brief printed."""
    words = POLICYMAKER[lang]
    page = dashboard
    page.goto(f"{solara_server.base_url}/?lang={lang}")
    page.locator(".coopsim-step").wait_for(timeout=WAIT_MS)
    _enter(page, words["farms"], "1000")
    page.wait_for_url("**farms=1000**", timeout=WAIT_MS)
    _enter(page, words["grant"], "300 000")
    page.wait_for_url("**policy.member_grant=300000.0**", timeout=WAIT_MS)
    label = page.locator("label", has_text=re.compile(f"^{words['group']}$"))
    page.locator(".v-select").filter(has=label).locator(".v-input__slot").first.click()
    page.get_by_role("option", name=words["investment"]).click()
    _enter(page, words["subsidy"], "40")  # percent
    page.wait_for_url("**policy.investment_subsidy=0.4**", timeout=WAIT_MS)
    sentence = page.locator(".coopsim-result")
    sentence.wait_for(timeout=4 * WAIT_MS)
    said = sentence.inner_text()
    assert said.startswith(words["by"]) and "–" in said  # a median with its band
    address = page.url

    with page.expect_download(timeout=WAIT_MS) as download:
        page.get_by_text(words["brief"]).click()
    pdf = tmp_path / "brief.pdf"
    download.value.save_as(pdf)
    reader = PdfReader(pdf)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    if lang == "kk":
        assert KAZAKH_LETTERS & set(text)
    assert said.split(":")[1].split("(")[0].strip() in text  # the same headline number

    page.locator(".coopsim-tab-compare").click()
    _enter(page, words["replicates"], "2")
    _enter(page, words["farms"], "500")
    page.locator(".coopsim-compare-run").click()
    page.locator(".coopsim-table").wait_for(timeout=WAIT_MS)
    assert "lang=" + lang in page.url and "member_grant" in page.url  # the settings follow

    fresh = browser.new_context()
    try:
        other = fresh.new_page()
        other.goto(address)
        again = other.locator(".coopsim-result")
        again.wait_for(timeout=4 * WAIT_MS)
        assert again.inner_text() == said  # the same numbers in another browser
    finally:
        fresh.close()
