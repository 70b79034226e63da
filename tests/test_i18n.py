"""Translations: every text in every language, with the same fields to fill in."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from coopsim import ScenarioError, i18n, levers, load_scenario
from coopsim.i18n import LANGUAGES, Translator, catalogue


def fields(text: object) -> set[str]:
    texts = text if isinstance(text, list) else [text]
    return {f for t in texts for _, f, _, _ in string.Formatter().parse(str(t)) if f}


def english_keys() -> set[str]:
    # English lever help is the scenario schema's own description
    return {k for k in catalogue("en") if not k.endswith(".help")}


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_english_text_is_translated_with_the_same_fields(lang):
    texts = catalogue(lang)
    missing = english_keys() - set(texts)
    assert not missing
    assert not {k for k in texts if k not in catalogue("en") and not k.endswith(".help")}
    for key in english_keys():
        assert fields(texts[key]) == fields(catalogue("en")[key]), key


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_lever_has_a_label_help_and_unit_in_each_language(lang):
    tr = Translator(lang)
    for section in ("policy", "market"):
        for name, lever in levers.levers(section).items():
            label, help_text = tr.lever(section, name, lever.help)
            assert label and label != tr.lever(section, name, lever.help)[1]
            assert help_text != lever.help, f"{section}.{name} help is not translated"
            assert f"unit.{lever.unit}" in catalogue(lang), lever.unit


def test_english_help_comes_from_the_scenario_schema():
    lever = levers.levers("policy")["member_grant"]
    label, help_text = Translator("en").lever("policy", "member_grant", lever.help)
    assert label == "Member grant"
    assert help_text == "Grant for each farm that joins a cooperative."


def test_units_carry_the_currency_sign():
    assert Translator("en").unit("currency/coop", "KZT") == "₸/coop"
    assert Translator("ru").unit("currency/ha", "EUR") == "€/га"
    assert Translator("kk").unit("share of price", "KZT") == "баға үлесі"


def test_numbers_follow_the_language():
    assert Translator("en").money(1_250_000, "KZT") == "1,250,000 ₸"
    assert Translator("ru").number(1_250_000.5, 1) == "1\u202f250\u202f000,5"
    assert Translator("kk").percent(0.125) == "12,5 %"


def test_a_missing_key_fails_loudly_and_a_missing_language_too():
    with pytest.raises(KeyError):
        Translator("en")("explore.no_such_text")
    with pytest.raises(KeyError):
        Translator("de")


def test_the_switch_offers_the_three_languages_by_their_own_names():
    assert list(LANGUAGES.values()) == ["English", "Қазақша", "Русский"]
    assert i18n.sign("KZT") == "₸"


def test_a_scenario_error_is_said_in_the_pages_language():
    kazakhstan = load_scenario(Path(__file__).parents[1] / "scenarios" / "kazakhstan_2016.toml")
    with pytest.raises(ScenarioError) as caught:
        kazakhstan.with_values({"policy.investment_subsidy": 2.5})
    error = caught.value
    assert (error.key, error.kind, error.bounds, error.got) == (
        "policy.investment_subsidy",
        "less_than_equal",
        {"le": 1.0},
        2.5,
    )
    assert Translator("en").problem(error) == str(error)
    assert Translator("ru").problem(error) == (
        "scenario values: policy.investment_subsidy: должно быть не больше 1 (дано: 2.5)"
    )
    assert Translator("kk").problem(error) == (
        "scenario values: policy.investment_subsidy: 1 мәнінен аспауы керек (берілгені: 2.5)"
    )


def test_an_error_without_its_parts_keeps_its_words():
    plain = ScenarioError("germany.toml: the file holds no settings")
    assert Translator("kk").problem(plain) == "germany.toml: the file holds no settings"
    assert Translator("ru").problem(ValueError("x")) == "x"
