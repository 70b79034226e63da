"""Decisions in words: every kind of decision in English, Kazakh and Russian, from templates."""

from __future__ import annotations

import string

import pandas as pd
import pytest

from coopsim.i18n import catalogue
from coopsim.narration import KINDS, after_farming, decision_text, farm_history

THIN = "\u202f"  # the thousands separator of Kazakh and Russian

# what a farm compared, as the decision log records it (currency: KZT)
ROW = {
    "year": 2018,
    "farm": 3,
    "coop": 12,
    "payoff_alone": 1_500_000.0,
    "payoff_option": 1_250_000.0,
    "autonomy_premium": 60_000.0,
    "trust": 0.62,
    "machinery_alone": 122_000.0,
    "machinery_option": 84_000.0,  # 31 % less: (84 - 122) / 122 = -0.311
    "price_alone": 100.0,
    "price_option": 104.0,  # 4 % higher
    "grant": 100_000.0,
    "bad_years": 3,
    "expected_income": 900_000.0,
    "outside_income": 1_212_000.0,
}


def row(action: str, **change: object) -> dict[str, object]:
    return {**ROW, "action": action, **change}


def fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


def test_a_joining_is_told_in_english_as_the_command_line_always_told_it():
    assert decision_text(row("joined")) == (
        "2018: joined coop 12 — machinery through the coop costs 31 % less than alone "
        "(84,000 ₸ against 122,000 ₸ a year); the coop's price is 4 % higher; grant "
        "100,000 ₸; what it expects as a member, weighed by its trust (62%), beat staying "
        "alone by more than its autonomy premium of 60,000 ₸."
    )


def test_english_sentences_of_each_kind():
    assert decision_text(row("quit farming")) == (
        "2018: quit farming when it took stock (a succession, or a main machine due for "
        "replacement) — its farm work done off the farm and the rent "
        "of its land (1,212,000 ₸ a year) beat what farming was worth to it, 960,000 ₸ a "
        "year: the 900,000 ₸ it expected from farming plus 60,000 ₸ for being its own boss."
    )
    assert decision_text(row("went out of business")) == (
        "2018: went out of business — its losses had used up its savings and its credit."
    )
    assert decision_text(row("left")) == (
        "2018: left coop 12 after 3 years in a row in which farming alone plus its autonomy "
        "premium (60,000 ₸) would have paid more than membership (1,250,000 ₸ against "
        "1,500,000 ₸ alone)."
    )
    assert decision_text(row("registered under pressure")).startswith(
        "2018: signed up to coop 12, registered to meet the region's target"
    )
    assert decision_text(row("seceded")).endswith("and founded coop 12.")
    assert decision_text(row("seceded", coop=-1)).endswith("; they went on alone.")
    assert decision_text(row("founded")).startswith("2018: founded coop 12 — machinery")
    # a gain too small to outweigh the premium
    stayed = decision_text(
        row("stayed alone", coop=-1, grant=0.0, price_option=100.2, payoff_option=1_520_000.0)
    )
    assert stayed == (
        "2018: looked at a new coop but stayed alone — machinery through the coop costs "
        "31 % less than alone (84,000 ₸ against 122,000 ₸ a year); the gain, weighed by its "
        "trust (62%), was less than its autonomy premium of 60,000 ₸."
    )
    # an option that would have earned less than farming alone
    assert decision_text(row("stayed alone", machinery_option=122_000.0, price_option=100.0)) == (
        "2018: looked at coop 12 but stayed alone — grant 100,000 ₸; as a member it would "
        "have expected 1,250,000 ₸ a year, less than the 1,500,000 ₸ it makes alone."
    )
    assert decision_text(row("merged")) == "2018: merged coop 12."
    assert decision_text(row("merged", coop=-1)) == "2018: merged a new coop."


def test_a_decision_without_any_difference_gives_no_reasons():
    same = row(
        "stayed alone",
        machinery_option=122_000.0,
        price_option=100.0,
        grant=0.0,
        payoff_option=1_520_000.0,
    )
    assert decision_text(same).startswith("2018: looked at coop 12 but stayed alone; the gain")


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("action", [*KINDS, "merged"])
def test_every_kind_of_decision_reads_in_kazakh_and_russian(lang, action):
    for coop in (12, -1):
        text = decision_text(row(action, coop=coop), lang, "KZT")
        english = decision_text(row(action, coop=coop), "en", "KZT")
        assert text.startswith("2018: ")
        assert text != english
        assert "{" not in text
        assert not any(c.isascii() and c.isalpha() for c in text.replace(action, "")), text


@pytest.mark.parametrize(
    ("lang", "money", "trust"),
    [
        ("en", "1,212,000 ₸", "(62%)"),
        ("kk", f"1{THIN}212{THIN}000 ₸", "(62 %)"),
        ("ru", f"1{THIN}212{THIN}000 ₸", "(62 %)"),
    ],
)
def test_numbers_are_formatted_in_each_languages_way(lang, money, trust):
    assert money in decision_text(row("quit farming"), lang, "KZT")
    joined = decision_text(row("joined"), lang, "KZT")
    assert trust in joined
    assert ("100,000 ₸" if lang == "en" else f"100{THIN}000 ₸") in joined
    assert "31 %" in joined and "4 %" in joined


def test_amounts_carry_the_scenarios_currency_sign():
    assert "(1,212,000 € a year)" in decision_text(row("quit farming"), "en", "EUR")
    assert "(1,212,000 DM a year)" in decision_text(row("quit farming"), "en", "DM")


def test_an_unknown_language_is_refused():
    with pytest.raises(KeyError):
        decision_text(row("joined"), "de")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_decision_template_of_english_exists_with_the_same_fields(lang):
    english = {k: v for k, v in catalogue("en").items() if k.startswith("decision.")}
    texts = catalogue(lang)
    assert {f"decision.{kind}" for kind in {*KINDS.values(), "other"}} <= english.keys()
    for key, template in english.items():
        assert key in texts, key
        assert fields(texts[key]) == fields(template), key


def test_a_farms_history_is_told_oldest_first_in_the_language_asked():
    log = pd.DataFrame(
        [row("joined", year=2019), row("stayed alone", year=2017), row("left", farm=4)]
    )
    history = farm_history(log, 3, "ru", "KZT")
    assert [line[:4] for line in history] == ["2017", "2019"]
    assert history[1] == decision_text(row("joined", year=2019), "ru", "KZT")
    assert farm_history(log, 5) == []


def test_a_farm_that_stopped_farming_is_told_its_last_year_and_what_it_earns_now():
    log = pd.DataFrame(
        [
            row("joined", year=2017),
            row("quit farming", year=2019),
            row("quit farming", year=2020, farm=4, outside_income=50_000.0),
            row("went out of business", year=2021, farm=5),
        ]
    )
    assert after_farming(log, 3) == (
        "Its last farming year was 2019. Since then its work off the farm and the rent of "
        "its land bring 1,212,000 ₸ a year (as reckoned when it quit)."
    )
    assert "50\u202f000 ₸ в год" in after_farming(log, 4, "ru", "KZT")
    assert after_farming(log, 5) == "Its last farming year was 2021: it went out of business."
    assert after_farming(log, 6) is None  # never stopped
    assert after_farming(log[log["year"] < 2019], 3) is None  # still farming then
