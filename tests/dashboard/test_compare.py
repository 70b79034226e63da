"""Compare: arms on common random numbers, the table of differences, the page."""

from __future__ import annotations

import ipyvuetify as v
import pytest
from pagetools import click, images, page_text, render, type_into, wait_until

from coopsim import load_scenario, sized
from coopsim.dashboard import compare
from coopsim.dashboard.comparison import Arm, Edit, horizon_differences, run_arms
from coopsim.dashboard.state import SCENARIO_DIR


@pytest.fixture(scope="module")
def small():
    spec = load_scenario(SCENARIO_DIR / "kazakhstan_2016.toml")
    return sized(spec, farms=600).with_values({"years": 5})


def test_arms_share_their_random_numbers(small):
    same = [Arm("a"), Arm("b", (Edit("kpi_pressure", 0.3, 2017),))]  # b repeats the file's 2017
    results = run_arms(small, same, replicates=2, seed=5)
    a = results[results.arm == "a"].drop(columns="arm").reset_index(drop=True)
    b = results[results.arm == "b"].drop(columns="arm").reset_index(drop=True)
    assert a.equals(b)
    r0, r1 = (a[a.replicate == r].drop(columns="replicate") for r in (0, 1))
    assert not r0.reset_index(drop=True).equals(r1.reset_index(drop=True))


def test_differences_at_the_horizon_are_paired_by_replicate(small):
    arms = [Arm("as set"), Arm("no KPI", (Edit("kpi_pressure", 0.0, 2016),))]
    results = run_arms(small, arms, replicates=3, seed=1)
    table = horizon_differences(results).set_index(["column", "arm"])
    last = results[results.year == 2020].set_index(["arm", "replicate"])
    paired = last.loc["no KPI", "coops_nominal"] - last.loc["as set", "coops_nominal"]
    row = table.loc[("coops_nominal", "no KPI")]
    assert row["difference"] == pytest.approx(paired.mean())
    assert (row["low"], row["high"]) == (paired.min(), paired.max())
    assert row["mean"] == pytest.approx(last.loc["no KPI", "coops_nominal"].mean())
    assert table.loc[("coops_nominal", "as set"), "difference"] == 0.0


def test_progress_is_reported_after_each_run(small):
    seen = []
    run_arms(small, [Arm("a"), Arm("b")], replicates=2, seed=0, progress=seen.append)
    assert seen == [0.25, 0.5, 0.75, 1.0]


def test_page_runs_a_comparison_of_two_arms(state):
    rc = render(compare.Page(state))
    type_into(rc, "Replicates", "2")
    type_into(rc, "Simulated farms", "400")
    click(rc, "coopsim-compare-run")
    wait_until(lambda: state.comparison.value is not None)
    result = state.comparison.value
    assert result.arms == ["As set", "No KPI pressure"]
    assert result.replicates == 2
    assert set(result.results.arm) == {"As set", "No KPI pressure"}
    assert len(result.results) == 2 * 2 * 15
    wait_until(lambda: "No KPI pressure − As set" in page_text(rc))
    assert len(images(rc)) == 6
    assert "Key numbers at the horizon, 2030" in page_text(rc)
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
