"""The policy brief: its texts, one A4 page as PDF, and one self-contained HTML file."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pypdf
import pytest

from coopsim import load_scenario, sized
from coopsim.brief import brief_bytes, brief_html, lever_changes, make_brief, write_brief
from coopsim.experiments.arms import Arm, Edit
from coopsim.experiments.baseline import run_headlines
from coopsim.i18n import Translator
from coopsim.printed import A4_INCHES

KAZAKHSTAN = Path(__file__).resolve().parents[1] / "scenarios" / "kazakhstan_2016.toml"
KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.fixture(scope="module")
def original():
    return load_scenario(KAZAKHSTAN)


@pytest.fixture(scope="module")
def compared(original):
    base = sized(original, farms=500).with_values({"years": 4})
    arms = [Arm("As set"), Arm("Grant 300k", (Edit("member_grant", 300_000.0, 2017),))]
    return run_headlines(base, arms, runs=2, seed=3)


def test_the_brief_lists_each_arms_levers_and_a_column_per_arm(compared, original):
    brief = make_brief(compared, "en", original=original, today=date(2026, 5, 1))
    assert brief.title == "Policy brief: Kazakhstan 2016"
    assert brief.subtitle.startswith("2026-05-01 · 2 runs of 500 simulated farms each")
    assert "Grant 300k: Member grant 300,000 ₸/new member from 2017." in brief.levers
    assert "As set: the scenario as set." in brief.levers
    assert brief.header == ["", "As set", "Grant 300k"]
    labels = [row[0] for row in brief.rows]
    assert "Membership rate against “As set”" in labels
    difference = brief.rows[labels.index("Membership rate against “As set”")]
    assert difference[1] == "–" and difference[2].endswith(("pp)", "pp) *"))
    assert all(len(row) == 3 for row in brief.rows)
    assert brief.sentences[1].startswith("Grant 300k: By 2019: ")
    assert any("median of 2 runs" in line for line in brief.caveats)
    # 500 simulated farms for 500,000: a handful of simulated coops carries each number
    assert len(brief.warnings) == 2
    assert brief.warnings[0].startswith("As set: Caution: these numbers rest on about")
    assert "(each stands for 1,000 real ones)" in brief.warnings[0]


def test_levers_changed_from_the_file_are_named(original):
    changed = original.with_values(
        {"policy.tax_relief": 0.5, "policy.changes.2018.member_grant": 0}
    )
    lines = lever_changes(Translator("en"), original, changed)
    assert lines == ["Tax relief 0.50 share of tax", "Member grant 0 ₸/new member from 2018"]
    assert lever_changes(Translator("en"), original, original) == []


def test_the_pdf_is_one_a4_page_whose_text_is_kazakh(compared, original, tmp_path):
    brief = make_brief(compared, "kk", original=original)
    path = write_brief(brief, tmp_path / "brief.pdf")
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) == 1
    width, height = (float(v) / 72 for v in reader.pages[0].mediabox.upper_right)
    assert (width, height) == pytest.approx(A4_INCHES, abs=0.01)
    text = reader.pages[0].extract_text()
    assert KAZAKH_LETTERS & set(text)
    assert "Ескертулер" in text and "2019 жылға қарай" in text
    assert "Caveats" not in text


def test_the_html_is_self_contained_and_holds_the_sentences(compared, original):
    brief = make_brief(compared, "ru", original=original)
    page = brief_html(brief)
    assert page.startswith("<!DOCTYPE html>") and '<html lang="ru">' in page
    for sentence in brief.sentences:
        assert sentence.replace("&", "&amp;") in page.replace("&quot;", '"')
    # nothing loaded from elsewhere: no links, scripts, images or web fonts
    assert not re.search(r"<(script|link|img|iframe)\b|https?://|@import|url\(", page)
    assert "<style>" in page


def test_names_from_files_are_escaped_in_the_html(compared, original):
    brief = make_brief(compared, "en", original=original)
    page = brief_html(brief.__class__(**{**brief.__dict__, "title": "<b>x</b> & y"}))
    assert "&lt;b&gt;x&lt;/b&gt; &amp; y" in page and "<b>x</b>" not in page


def test_brief_bytes_give_a_pdf_and_an_html_file(compared):
    brief = make_brief(compared, "en")
    assert brief_bytes(brief, "pdf").startswith(b"%PDF")
    assert brief_bytes(brief, "html").startswith(b"<!DOCTYPE html>")
    with pytest.raises(ValueError, match="not"):
        write_brief(brief, Path("brief.docx"))
