"""Headline results: bands over runs, cumulative spending and costs against no programme."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.headline import (
    Band,
    cost_per_extra,
    cumulative_cap,
    headline,
    money,
    rate_points,
)
from coopsim.i18n import Translator
from coopsim.scenario import validate_scenario

SMALL = validate_scenario(
    {
        "start_year": 2020,
        "years": 3,
        "population": {"farms": 100},
        "policy": {"budget": 1000, "changes": [{"year": 2022, "budget": 500}]},
    }
)
"""Three years, 2020–2022; caps of 1,000 ₸ a year, 500 ₸ in 2022; 100 farms, each simulated."""


def tables(runs: dict[int, dict[str, list[float]]]) -> pd.DataFrame:
    """Model tables of runs given year by year (2020, 2021, 2022) per replicate."""
    rows = []
    for replicate, columns in runs.items():
        for i, year in enumerate((2020, 2021, 2022)):
            rows.append(
                {
                    "replicate": replicate,
                    "year": year,
                    "subsidy_paid": columns["subsidy"][i],
                    "members": columns["members"][i],
                    "coops_active": columns["coops"][i],
                    "membership_rate": columns["members"][i] / 100,
                }
            )
    return pd.DataFrame(rows)


ZERO = [0.0, 0.0, 0.0]
PROGRAMME = tables(
    {
        0: {"subsidy": [100, 200, 300], "members": [10, 20, 30], "coops": [1, 2, 3]},
        1: {"subsidy": [60, 80, 100], "members": [0, 10, 10], "coops": [0, 1, 1]},
        2: {"subsidy": [100, 100, 200], "members": [0, 10, 30], "coops": [0, 1, 2]},
    }
)
BASELINE = tables(
    {
        0: {"subsidy": ZERO, "members": [0, 10, 10], "coops": [0, 1, 1]},
        1: {"subsidy": ZERO, "members": ZERO, "coops": ZERO},
        2: {"subsidy": ZERO, "members": [0, 10, 10], "coops": [0, 1, 1]},
    }
)


def test_numbers_at_the_horizon_are_the_median_and_the_lowest_and_highest_run():
    found = headline(PROGRAMME, SMALL)
    # coops in 2022: 3, 1, 2; members: 30, 10, 30
    assert found.coops_active == Band(2, 1, 3, runs=3)
    assert found.members == Band(30, 10, 30, runs=3)
    assert found.membership_rate == Band(0.3, 0.1, 0.3, runs=3)
    assert found.year == 2022
    assert found.per_member_year is None  # no baseline, no cost


def test_spending_adds_up_the_years_against_the_caps_of_the_schedule():
    found = headline(PROGRAMME, SMALL)
    # 100+200+300 = 600, 60+80+100 = 240, 100+100+200 = 400
    assert found.spending == Band(400, 240, 600, runs=3)
    # caps 1,000 in 2020 and 2021, 500 from 2022
    assert found.cap == 2500
    assert cumulative_cap(SMALL, 2021) == 2000
    assert headline(PROGRAMME, SMALL, year=2021).spending == Band(200, 140, 300, runs=3)


def test_a_year_without_a_cap_leaves_no_cumulative_cap():
    assert cumulative_cap(SMALL.with_values({"policy.budget": None}), 2022) is None
    assert headline(PROGRAMME, SMALL.with_values({"policy.budget": None})).cap is None


def test_cost_per_extra_member_year_is_paired_run_by_run():
    found = headline(PROGRAMME, SMALL, baseline_runs=BASELINE)
    # extra spending 600, 240, 400 over extra member-years 60-20, 20-0, 40-20
    # = 15, 12, 20 a member-year
    assert found.per_member_year.per_unit == Band(15, 12, 20, runs=3)
    assert found.per_member_year.without_gain == 0
    # extra coop-years 6-2, 2-0, 3-2: 600/4, 240/2, 400/1 = 150, 120, 400
    assert found.per_coop_year.per_unit == Band(150, 120, 400, runs=3)


def test_the_sentence_gives_every_number_with_its_band():
    found = headline(PROGRAMME, SMALL, baseline_runs=BASELINE)
    assert found.sentence(Translator("en")) == (
        "By 2022: 2 operating coops (1–3 over 3 runs); 30 members (10–30), 30.0 % of farms "
        "(10.0–30.0 %); 400 ₸ paid in subsidies in total (240–600 ₸), 16.0 % (9.6–24.0 %) "
        "of the budget caps of 2020–2022 (2,500 ₸); 15 ₸ per extra member a year (12–20 ₸)."
    )
    kazakh = found.sentence(Translator("kk"))
    assert kazakh.startswith("2022 жылға қарай: 2 жұмыс істейтін кооператив (3 есеп бойынша 1–3)")
    assert "қосымша бір мүшеге жылына 15 ₸ (12–20 ₸)" in kazakh
    assert "действующих кооперативов: 2 (1–3 по 3 расчётам)" in found.sentence(Translator("ru"))


def test_a_programme_that_adds_no_members_says_so_instead_of_dividing():
    # extra member-years 0, 0, 5: two runs of three gained nothing
    cost = cost_per_extra([10, 10, 10], [0, 0, 5])
    assert cost.per_unit is None
    assert (cost.runs, cost.without_gain) == (3, 2)
    found = headline(PROGRAMME, SMALL, baseline_runs=PROGRAMME)
    assert found.per_member_year.per_unit is None
    assert "it adds no members in 3 of 3 runs, so no cost per extra member is given" in (
        found.sentence(Translator("en"))
    )


def test_runs_without_gain_are_counted_not_divided_by():
    cost = cost_per_extra([10, 30, 50], [0, 10, 5])  # 30/10 = 3, 50/5 = 10
    assert cost.per_unit == Band(6.5, 3, 10, runs=2)
    assert cost.without_gain == 1


def test_few_simulated_coops_are_flagged_with_what_one_stands_for():
    found = headline(PROGRAMME, SMALL)
    assert found.simulated_coops == 2 and found.few_coops
    warning = found.warning(Translator("en"))
    assert "about 2 simulated operating coops (each stands for 1 real ones)" in warning
    many = PROGRAMME.assign(coops_active=PROGRAMME.coops_active * 10)
    assert headline(many, SMALL).warning(Translator("en")) is None


def test_a_scaled_sample_counts_simulated_coops_in_simulated_units():
    sample = SMALL.with_values({"population.simulated_farms": 10})  # 10 real farms each
    found = headline(PROGRAMME.assign(coops_active=PROGRAMME.coops_active * 10), sample)
    assert found.scale == 10 and found.simulated_farms == 10
    assert found.simulated_coops == 2  # 20 real operating coops
    assert "one simulated coop, stands for 10 real ones" in found.granularity(Translator("en"))


def test_one_run_says_it_is_one_run_of_a_sample():
    found = headline(PROGRAMME[PROGRAMME.replicate == 0], SMALL)
    text = found.sentence(Translator("en"))
    assert text.startswith("By 2022: 3 operating coops (one run of a sample);")
    assert "–" not in text.split(";")[0]


def test_money_is_rounded_to_three_digits_in_words_units():
    en, ru = Translator("en"), Translator("ru")
    assert money(en, 486_874, "KZT") == "487,000 ₸"
    assert money(en, 163_900_000_000, "KZT") == "164 bn ₸"
    assert money(en, 12_440_000_000, "KZT") == "12.4 bn ₸"
    assert money(ru, 12_440_000_000, "KZT") == "12,4 млрд ₸"
    assert money(en, 25_300_000, "EUR") == "25.3 mn €"


def test_differences_of_rates_are_in_percentage_points_and_flagged_when_unclear():
    en = Translator("en")
    assert rate_points(en, Band(0.025, 0.008, 0.041, runs=8)) == "+2.5 pp (0.8–4.1 pp)"
    assert (
        rate_points(en, Band(-0.007, -0.053, 0.03, runs=8)) == "\u22120.7 pp (\u22125.3–3.0 pp) *"
    )
    assert rate_points(en, Band(-0.0001, -0.0001, 0.0, runs=2)) == "0.0 pp (0.0–0.0 pp)"


# --- properties --------------------------------------------------------------------------------

finite = st.floats(-1e12, 1e12, allow_nan=False)


@given(st.lists(finite, min_size=1, max_size=30))
def test_the_band_always_holds_the_median(values):
    band = Band.of(values)
    assert band.low <= band.median <= band.high
    assert band.runs == len(values)


@given(
    st.lists(
        st.tuples(st.floats(-1e9, 1e9, allow_nan=False), st.floats(1, 1e6)),
        min_size=1,
        max_size=20,
    ),
    st.floats(1, 1e4),
)
def test_the_cost_per_extra_member_does_not_change_when_spending_and_members_scale_alike(
    pairs, factor
):
    spending, members = zip(*pairs, strict=True)
    cost = cost_per_extra(spending, members).per_unit
    scaled = cost_per_extra([s * factor for s in spending], [m * factor for m in members])
    for a, b in zip(cost.values, scaled.per_unit.values, strict=True):
        assert b == pytest.approx(a, rel=1e-9, abs=1e-9)


run_years = st.lists(
    st.tuples(st.floats(0, 1e9), st.integers(0, 100), st.integers(0, 20)),
    min_size=3,
    max_size=3,
)


@settings(max_examples=50)
@given(st.lists(run_years, min_size=1, max_size=6))
def test_a_programme_compared_with_itself_adds_nothing_and_costs_are_not_given(runs):
    frame = tables(
        {
            r: {
                "subsidy": [y[0] for y in years],
                "members": [y[1] for y in years],
                "coops": [y[2] for y in years],
            }
            for r, years in enumerate(runs)
        }
    )
    found = headline(frame, SMALL, baseline_runs=frame)
    assert found.per_member_year.per_unit is None
    assert found.per_coop_year.per_unit is None
    assert found.spending.low <= found.spending.median <= found.spending.high
