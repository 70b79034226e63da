"""Compare: the page runs two or three arms and shows their differences at the horizon.

How the arms are run (seeds, paired differences) is tested with the experiments
engine, in ``tests/experiments/test_arms.py``.
"""

from __future__ import annotations

import ipyvuetify as v
from pagetools import click, images, page_text, render, type_into, wait_until

from coopsim.dashboard.pages import compare
from coopsim.experiments.runner import RunResult, RunTask
from coopsim.experiments.seeds import replicate_seeds
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
    assert len(images(rc)) == 6
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
