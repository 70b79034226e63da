"""Compare: the page runs two or three arms and shows their differences at the horizon.

How the arms are run (seeds, paired differences) is tested with the experiments
engine, in ``tests/experiments/test_arms.py``.
"""

from __future__ import annotations

import ipyvuetify as v
import pytest
from pagetools import click, echarts, page_text, render, type_into, wait_until, widgets

from coopsim.dashboard import bands
from coopsim.dashboard.pages import compare
from coopsim.experiments.arms import Edit
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.seeds import replicate_seeds
from coopsim.i18n import Translator
from coopsim.posterior import draw_parameters


def test_page_runs_a_comparison_of_two_arms(state):
    rc = render(compare.Page(state))
    type_into(rc, "Replicates", "2")
    type_into(rc, "Simulated farms", "400")
    click(rc, "coopsim-compare-run")
    wait_until(lambda: state.comparison.value is not None)
    result = state.comparison.value
    assert result.arms == ["As set", "No KPI pressure"]
    assert result.seeds == replicate_seeds(state.simulation.seed, 2)
    assert set(result.results.arm) == {"As set", "No KPI pressure"}
    assert len(result.results) == 2 * 2 * 15
    wait_until(lambda: "No KPI pressure − As set" in page_text(rc))
    charts = echarts(rc)
    assert len(charts) == 7
    legend = charts[0]["legend"]["data"]
    assert legend[:2] == ["As set", "No KPI pressure"]
    assert "Key numbers at the horizon, 2030" in page_text(rc)
    assert "The bands show the spread over seeds only" in page_text(rc)
    assert not result.model_uncertainty
    rc.close()


def test_switching_on_model_uncertainty_reruns_the_comparison_and_says_so(state):
    rc = render(compare.Page(state))
    type_into(rc, "Replicates", "2")
    type_into(rc, "Simulated farms", "300")
    click(rc, "coopsim-compare-run")
    wait_until(lambda: state.comparison.value is not None)
    seeds_only = state.comparison.value
    rc.find(v.Switch, label="Include model uncertainty").widget.v_model = True
    wait_until(lambda: state.comparison.value is not seeds_only)
    result = state.comparison.value
    assert result.model_uncertainty
    assert result.draws == draw_parameters(2, state.simulation.seed)
    assert result.seeds == seeds_only.seeds
    sentence = "drawn from the calibration's posterior (2 runs per arm)"
    wait_until(lambda: sentence in page_text(rc))
    assert "over seeds only" not in page_text(rc)
    rc.close()


def test_page_compares_three_arms_in_russian(state):
    state.lang.set("ru")
    rc = render(compare.Page(state))
    type_into(rc, "Повторов", "1")
    type_into(rc, "Моделируемых хозяйств", "300")
    rc.find(v.BtnToggle).widget.v_model = 1  # the second choice: 3 arms
    click(rc, "coopsim-compare-run")
    wait_until(lambda: state.comparison.value is not None)
    assert state.comparison.value.arms == [
        "Как задано",
        "Без давления KPI",
        "Грант за члена 300 000",
    ]
    wait_until(lambda: "Ключевые показатели на горизонте, 2030" in page_text(rc))
    rc.close()


def test_page_reports_failed_runs_instead_of_a_comparison(state, monkeypatch):
    def failing(task: RunTask) -> RunResult:
        return RunResult(task.run_id, None, "MemoryError: out of memory")

    monkeypatch.setattr("coopsim.experiments.executor.run_one", failing)
    rc = render(compare.Page(state))
    type_into(rc, "Replicates", "1")
    click(rc, "coopsim-compare-run")
    wait_until(lambda: "2 of 2 runs failed" in page_text(rc))
    assert "As set, replicate 0: MemoryError: out of memory" in page_text(rc)
    assert state.comparison.value is None
    rc.close()


# --- the table's numbers, by hand ------------------------------------------------------------


def test_a_difference_of_rates_is_in_percentage_points_and_a_rate_in_percent():
    en, ru = Translator("en"), Translator("ru")
    assert compare.key_number("membership_rate", 0.0125, en, "KZT") == "1.25 %"
    assert compare.key_number("membership_rate", 0.0125, en, "KZT", diff=True) == "+1.25 pp"
    assert compare.key_number("membership_rate", -0.003, ru, "KZT", diff=True) == "-0,30 п.п."


def test_a_difference_that_rounds_to_zero_shows_no_sign():
    en = Translator("en")
    assert compare.key_number("membership_rate", -0.00001, en, "KZT", diff=True) == "0.00 pp"
    assert compare.key_number("active_coops", -0.4, en, "KZT", diff=True) == "0"
    assert compare.key_number("active_coops", 0.4, en, "KZT", diff=True) == "0"
    assert compare.key_number("subsidy_paid", 1_500_000.0, en, "KZT", diff=True) == "+1,500,000 ₸"
    assert compare.key_number("mean_coop_size", float("nan"), en, "KZT") == "–"


@pytest.mark.parametrize(
    ("low", "high", "unclear"),
    [(-2.0, 3.0, True), (0.0, 3.0, True), (-3.0, 0.0, True), (1.0, 3.0, False), (0.0, 0.0, False)],
)
def test_a_difference_whose_range_holds_zero_is_greyed_and_starred(low, high, unclear):
    row = {"difference": (low + high) / 2, "low": low, "high": high}
    cell = compare.difference_cell("active_coops", row, Translator("en"), "KZT")
    assert ("coopsim-unclear" in cell) is unclear
    assert cell.endswith(" *</td>") is unclear


def test_numbers_never_read_minus_zero_in_any_language():
    for lang in ("en", "kk", "ru"):
        assert Translator(lang).number(-0.0004, 2) in ("0.00", "0,00")
        assert Translator(lang).number(-0.4) == "0"


def test_each_edit_of_an_arm_says_what_it_overrides(state):
    scenario = state.simulation.scenario  # Kazakhstan: a member grant from 2017 to 2021
    grant = Edit("member_grant", 300_000.0, 2017)
    assert compare.replaced_text(scenario, grant, Translator("en")) == (
        "Replaces 2017: 100,000 → 2022: 0 with 2017: 300,000 to the horizon."
    )
    later = Edit("member_grant", 50_000.0, 2019)  # no change scheduled in 2019 itself
    assert compare.replaced_text(scenario, later, Translator("en")) == (
        "Replaces 2022: 0 with 2019: 50,000 to the horizon."
    )
    quiet = Edit("investment_subsidy", 0.4, 2020)  # a share, in percent; never scheduled
    assert compare.replaced_text(scenario, quiet, Translator("en")) == (
        "Replaces 2020: 25 with 2020: 40 to the horizon."
    )


def test_by_default_the_first_arm_is_the_run_behind_explores_sentence(state):
    """Same farms, same seeds, as many runs: Compare and Explore give the same numbers."""
    rc = render(compare.Page(state))
    text = page_text(rc)
    assert f"{len(state.simulation.model.farms)}" in text.replace(",", "")
    fields = {str(w.label): w.v_model for w in widgets(rc) if isinstance(w, v.TextField)}
    replicates = next(value for label, value in fields.items() if label.startswith("Replicates"))
    assert int(replicates) == bands.BAND_RUNS
    rc.close()
