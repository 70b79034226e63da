"""``coopsim report``: a one-page brief as PDF and HTML, run as a user runs it."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pypdf
import pytest
from commandline import assert_one_error_line, coopsim

ROOT = Path(__file__).resolve().parents[1]
KAZAKHSTAN = ROOT / "scenarios" / "kazakhstan_2016.toml"
QUICK = ("--runs", "2", "--farms", "600", "--quiet")
KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.fixture(scope="module")
def kazakh(tmp_path_factory):
    """A report in Kazakh, written once for the module."""
    out = tmp_path_factory.mktemp("report") / "brief"
    proc = coopsim("report", KAZAKHSTAN, "--lang", "kk", "--out", out, *QUICK, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return out


def test_report_in_kazakh_writes_a_one_page_pdf_whose_text_is_kazakh(kazakh):
    reader = pypdf.PdfReader(kazakh / "report.pdf")
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert KAZAKH_LETTERS & set(text)
    assert "2030 жылға қарай" in text and "жұмыс істейтін кооператив" in text


def test_the_html_holds_the_sentence_of_the_runs(kazakh):
    listing = json.loads((kazakh / "run.json").read_text(encoding="utf-8"))
    assert set(listing["files"]) == {"report.pdf", "report.html"}
    assert listing["language"] == "kk" and listing["runs"] == 2
    (sentence,) = listing["sentences"]
    assert sentence.startswith("2030 жылға қарай: ")
    assert "(2 есеп бойынша" in sentence
    page = (kazakh / "report.html").read_text(encoding="utf-8")
    assert html.escape(sentence) in page


def test_the_same_scenario_and_seed_write_the_same_sentence(kazakh, tmp_path):
    again = tmp_path / "again"
    proc = coopsim("report", KAZAKHSTAN, "--lang", "kk", "--out", again, *QUICK, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    first = json.loads((kazakh / "run.json").read_text(encoding="utf-8"))
    second = json.loads((again / "run.json").read_text(encoding="utf-8"))
    assert second["sentences"] == first["sentences"]
    assert second["seeds"] == first["seeds"]


def test_a_comparison_has_a_column_per_arm_and_differences_in_points(tmp_path):
    arms = tmp_path / "arms.toml"
    arms.write_text(
        '[[arm]]\nname = "Как задано"\n\n[[arm]]\nname = "Грант 300 000"\nfrom = 2017\n'
        "member_grant = 300_000\n",
        encoding="utf-8",
    )
    out = tmp_path / "compared"
    proc = coopsim(
        "report", KAZAKHSTAN, "--compare", arms, "--lang", "ru", "--out", out, *QUICK, cwd=ROOT
    )
    assert proc.returncode == 0, proc.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<th>Как задано</th><th>Грант 300 000</th>" in page
    assert "Доля членов: разница с вариантом «Как задано»" in page
    assert "п.п." in page
    assert len(pypdf.PdfReader(out / "report.pdf").pages) == 1


def _copy(folder: Path, to: Path) -> Path:
    to.mkdir()
    for name in ("report.pdf", "report.html", "run.json"):
        (to / name).write_bytes((folder / name).read_bytes())
    return to


def test_a_missing_scenario_is_one_line_and_leaves_the_report_intact(kazakh, tmp_path):
    out = _copy(kazakh, tmp_path / "kept")
    before = (out / "report.pdf").read_bytes()
    proc = coopsim("report", tmp_path / "nowhere.toml", "--out", out, *QUICK, cwd=ROOT)
    assert_one_error_line(proc, "nowhere.toml", "no such scenario file")
    assert (out / "report.pdf").read_bytes() == before


def test_a_bad_arms_file_is_one_line_and_leaves_the_report_intact(kazakh, tmp_path):
    out = _copy(kazakh, tmp_path / "kept")
    before = (out / "report.pdf").read_bytes()
    arms = tmp_path / "arms.toml"
    arms.write_text('[[arm]]\nname = "x"\nmember_grants = 5\n', encoding="utf-8")
    proc = coopsim("report", KAZAKHSTAN, "--compare", arms, "--out", out, *QUICK, cwd=ROOT)
    assert_one_error_line(proc, "arms.toml", "arm 1", "member_grants", "not a policy lever")
    assert (out / "report.pdf").read_bytes() == before
    assert {p.name for p in out.iterdir()} == {"report.pdf", "report.html", "run.json"}


def test_an_unknown_language_is_one_line(tmp_path):
    proc = coopsim("report", KAZAKHSTAN, "--lang", "de", "--out", tmp_path / "x", cwd=ROOT)
    assert_one_error_line(proc, "--lang", "en, kk, ru")
    assert not (tmp_path / "x").exists()
