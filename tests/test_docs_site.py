"""The documentation site builds with every warning an error, and shows what it should.

One strict build (``mkdocs build --strict``, as ``make docs`` runs it) into a temporary
folder, a few seconds; the tests read its pages.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import coopsim
from coopsim import scenario

pytest.importorskip("mkdocs")
yaml = pytest.importorskip("yaml")  # a dependency of mkdocs

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def nav_pages() -> list[str]:
    """Every page of the site's navigation, as its Markdown file under docs/."""
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    pages: list[str] = []

    def walk(entries: list) -> None:
        for entry in entries:
            target = next(iter(entry.values())) if isinstance(entry, dict) else entry
            if isinstance(target, list):
                walk(target)
            else:
                pages.append(target)

    walk(config["nav"])
    return pages


def html_of(site: Path, page: str) -> str:
    """The HTML made from ``page`` (a Markdown file under docs/)."""
    return (site / page).with_suffix(".html").read_text(encoding="utf-8")


def text_of(page_html: str) -> str:
    """A page's text without tags, with runs of white space as one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())


def test_every_page_of_the_docs_folder_is_in_the_navigation() -> None:
    pages = set(nav_pages())
    written = {p.relative_to(ROOT / "docs").as_posix() for p in (ROOT / "docs").rglob("*.md")}
    assert pages == written
    assert {"index.md", "odd.md", "api/scenario.md"} <= pages


def test_every_page_of_the_navigation_is_built(site: Path) -> None:
    for page in nav_pages():
        assert "<article" in html_of(site, page), page


def test_the_scenario_page_shows_the_docstrings_of_the_module(site: Path) -> None:
    page = html_of(site, "api/scenario.md")
    text = text_of(page)
    loader_doc = scenario.load_scenario.__doc__
    assert loader_doc is not None
    assert loader_doc.splitlines()[0] in text  # "Read and validate a scenario TOML file."
    assert 'id="coopsim.scenario.load_scenario"' in page
    assert 'id="coopsim.scenario.Scenario"' in page
    assert "when the file is missing, is not TOML, or does not validate" in text


def test_the_package_page_links_its_names_to_their_entries(site: Path) -> None:
    page = html_of(site, "api/index.md")
    assert coopsim.__doc__.splitlines()[0] in text_of(page)
    # the docstring's :func:`load_scenario` became a link to the scenario page
    assert 'href="scenario.html#coopsim.scenario.load_scenario"' in page
    assert 'href="model.html#coopsim.model.CoopModel"' in page


def test_the_api_pages_show_no_sphinx_markup(site: Path) -> None:
    for page in nav_pages():
        if page.startswith("api/"):
            text = text_of(html_of(site, page))
            assert not re.search(r":(mod|func|class|meth|attr|data):", text), page
            assert not re.search(r"\w::(\s|$)", text), page  # an rST literal-block mark


def test_the_pages_load_nothing_from_the_internet(site: Path) -> None:
    remote = re.compile(r"<(?:link|script|img)\b[^>]*\b(?:href|src)=\"(?:https?:)?//", re.I)
    for path in site.rglob("*.html"):
        assert not remote.search(path.read_text(encoding="utf-8")), path
    for path in site.rglob("*.css"):
        assert "@import url(http" not in path.read_text(encoding="utf-8"), path
