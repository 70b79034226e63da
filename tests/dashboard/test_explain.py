"""Explain: a farm's decisions in words, in every language, from the run on Explore."""

from __future__ import annotations

import pandas as pd
import pytest
from pagetools import page_text, render, wait_until

from coopsim import CoopModel, load_scenario, sized
from coopsim.dashboard.pages import explain
from coopsim.dashboard.session import SCENARIO_DIR, Settings, Simulation
from coopsim.i18n import Translator
from coopsim.narration import decision_text, farm_history


@pytest.fixture(scope="module")
def decisions():
    # 10,000 farms: voluntary foundings and joins are rare in Kazakhstan, and a smaller
    # sample may have none
    spec = sized(load_scenario(SCENARIO_DIR / "kazakhstan_2016.toml"), farms=10_000)
    model = CoopModel(spec=spec.with_values({"years": 9}), log_decisions=True)
    model.run()
    return model.decision_table()


def test_the_log_holds_the_kinds_of_decision_the_texts_cover(decisions):
    assert {"joined", "founded", "stayed alone", "quit farming"} <= set(decisions.action)
    assert "registered under pressure" in set(decisions.action)


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_every_kind_of_decision_in_a_real_log_reads_in_each_language(decisions, lang):
    tr = Translator(lang)
    for row in decisions.groupby("action").head(5).to_dict("records"):
        text = decision_text(row, lang, "KZT")
        assert text.startswith(f"{row['year']}: ")
        assert "{" not in text
        if row["coop"] >= 0 and row["action"] != "quit farming":
            assert str(int(row["coop"])) in text
        if row["action"] in ("joined", "founded"):
            assert tr.money(row["autonomy_premium"], "KZT") in text


def test_a_simulation_made_without_the_log_explains_itself_by_replaying(state):
    for _ in range(5):
        state.step()
    replayed = state.simulation.decisions()
    logged = Simulation(state.simulation.scenario, seed=state.simulation.seed, log_decisions=True)
    for _ in range(5):
        logged.step()
    pd.testing.assert_frame_equal(replayed, logged.decisions())


def test_page_tells_the_history_of_the_chosen_farm(state):
    assert state.apply(Settings(farms=10_000))
    for _ in range(9):
        state.step()
    log = state.simulation.decisions()
    farm = int(log[log.action.isin(["joined", "founded"])].farm.iloc[0])
    state.farm.set(farm)
    state.village.set(int(state.simulation.village[farm]))
    rc = render(explain.Page(state))
    first = farm_history(log, farm, "en", "KZT")[0]
    wait_until(lambda: first in page_text(rc))
    text = page_text(rc)
    assert f"Farm {farm}" in text
    assert "joined coop" in text or "founded coop" in text
    state.lang.set("ru")
    russian = farm_history(log, farm, "ru", "KZT")
    wait_until(lambda: all(line in page_text(rc) for line in russian))
    assert "coop " not in page_text(rc)
    rc.close()


def test_page_says_when_the_run_has_not_started(state):
    rc = render(explain.Page(state))
    wait_until(lambda: "The run has not started" in page_text(rc))
    rc.close()


def test_a_farm_that_quit_is_said_to_have_quit_without_land_or_income(state):
    assert state.apply(Settings(farms=10_000))
    for _ in range(9):
        state.step()
    log = state.simulation.decisions()
    farm = int(log[log.action == "quit farming"].farm.iloc[0])
    state.farm.set(farm)
    state.village.set(int(state.simulation.village[farm]))
    rc = render(explain.Page(state))
    wait_until(lambda: "Has quit farming." in page_text(rc))
    text = page_text(rc)
    assert "ha of land" not in text and "Income in" not in text
    assert "quit farming when it took stock" in text  # its history says when and why
    year = int(log[(log.action == "quit farming") & (log.farm == farm)].year.iloc[0])
    assert f"Its last farming year was {year}. Since then its work off the farm" in text
    rc.close()
