"""The Explore page without a browser: stepping, playing, levers, uploads, languages."""

from __future__ import annotations

import io

import pytest
from pagetools import (
    choose,
    click,
    echarts,
    images,
    page_text,
    render,
    type_into,
    wait_until,
    widgets,
)
from pypdf import PdfReader

from coopsim import levers
from coopsim.brief import brief_bytes, make_brief
from coopsim.dashboard import budget
from coopsim.dashboard.pages import explore
from coopsim.dashboard.session import LIMITS, SCENARIO_DIR, SessionState, Settings, farms_allowed
from coopsim.dashboard.widgets.echart import EChart
from coopsim.experiments.baseline import run_headlines
from coopsim.scenario import validate_scenario


def test_stepping_adds_a_year_to_the_table_and_redraws_the_charts(state):
    rc = render(explore.Page(state))
    before = echarts(rc)
    assert len(before) == 11  # eleven charts, one y axis each
    assert images(rc) == []  # the charts and the village are drawn by the browser
    click(rc, "coopsim-step")
    click(rc, "coopsim-step")
    assert list(state.snapshot.value.table["year"]) == [2016, 2017]
    after = echarts(rc)
    assert sum(a != b for a, b in zip(before, after, strict=True)) >= 8
    active = next(s for s in after[0]["series"] if s["name"] == "Active coops")["data"]
    assert len(active) == 15  # the x axis holds the run's years from the start
    assert (
        active[2:] == [None] * 13
        and active[1]["value"] == state.snapshot.value.table["coops_active"].iloc[1]
    )
    assert "In 2017 (horizon 2030)" in page_text(rc)
    assert "The charts follow the same single run" in page_text(rc)
    rc.close()


def test_to_the_horizon_then_reset(state):
    rc = render(explore.Page(state))
    click(rc, "coopsim-run-all")
    assert len(state.snapshot.value.table) == 15
    assert "At the horizon, 2030" in page_text(rc)
    assert state.done.value
    click(rc, "coopsim-reset")
    assert len(state.snapshot.value.table) == 0
    assert "Not started: the first step simulates 2016" in page_text(rc)
    rc.close()


def test_play_steps_by_itself_until_paused(state):
    state.delay.set(0.5)  # at least 7 s to the horizon: the test pauses well before
    rc = render(explore.Page(state))
    click(rc, "coopsim-play")
    wait_until(lambda: len(state.snapshot.value.table) >= 2)
    click(rc, "coopsim-pause")
    assert not state.playing.value
    assert not state.done.value
    stopped_at = len(state.snapshot.value.table)
    click(rc, "coopsim-step")  # stepping by hand works again
    assert len(state.snapshot.value.table) > stopped_at
    rc.close()


@pytest.mark.parametrize(
    ("lang", "step", "farms"),
    [
        ("en", "Step", "Simulated farms"),
        ("kk", "Қадам", "Модельденетін шаруашылықтар"),
        ("ru", "Шаг", "Моделируемых хозяйств"),
    ],
)
def test_language_switch_changes_the_labels(state, lang, step, farms):
    rc = render(explore.Page(state))
    state.lang.set(lang)
    text = page_text(rc)
    assert step in text
    assert farms in text
    if lang != "en":
        assert "Simulated farms" not in text
        assert "Step" not in text.split("\n")
    rc.close()


def test_a_lever_typed_out_of_range_is_refused_with_one_message(state):
    rc = render(explore.Page(state))
    click(rc, "coopsim-step")
    choose(rc, "Group", "Investment and credit")
    type_into(rc, "Investment subsidy", "250")  # percent: 2.5 is out of 0–1
    text = page_text(rc)
    assert "This value was not accepted: policy.investment_subsidy" in text
    assert "less than or equal to 1" in text
    assert state.simulation.scenario.policy.investment_subsidy == 0.25  # the run kept its scenario
    assert len(state.snapshot.value.table) == 1
    rc.close()


def test_a_lever_typed_in_range_restarts_the_run_with_it(state):
    rc = render(explore.Page(state))
    click(rc, "coopsim-step")
    choose(rc, "Group", "Investment and credit")
    type_into(rc, "Investment subsidy", "50")  # a share is typed in percent
    assert state.simulation.scenario.policy.investment_subsidy == 0.5
    assert len(state.snapshot.value.table) == 0
    assert "not accepted" not in page_text(rc)
    type_into(rc, "Investment subsidy", "half")
    assert "is not a number of the right kind" in page_text(rc)
    rc.close()


def test_a_grant_set_for_every_year_replaces_its_schedule(state):
    """Kazakhstan's member grant starts in 2017 and ends in 2022: an edit for every year holds."""
    rc = render(explore.Page(state))
    scenario = state.simulation.scenario
    assert [scenario.policy_in(y).member_grant for y in (2016, 2017, 2022)] == [0, 100_000, 0]
    assert "Over the years: 2016: 0 → 2017: 100,000 → 2022: 0." in page_text(rc)
    type_into(rc, "Member grant", "300 000")
    scenario = state.simulation.scenario
    assert {scenario.policy_in(y).member_grant for y in range(2016, 2031)} == {300_000}
    assert "→ 2017: 100,000" not in page_text(rc)  # the grant has one value now
    assert scenario.policy_in(2022).kpi_pressure == 0.0  # the other changes of 2022 stay
    rc.close()


def test_a_grant_set_from_a_year_keeps_the_years_before(state):
    rc = render(explore.Page(state))
    choose(rc, "An edit applies to", "From 2020 on")
    assert "100,000" in [w.v_model for w in rc.find(label="Member grant (₸/new member)").widgets]
    type_into(rc, "Member grant", "250000")
    scenario = state.simulation.scenario
    grants = [scenario.policy_in(y).member_grant for y in (2016, 2017, 2019, 2020, 2025)]
    assert grants == [0, 100_000, 100_000, 250_000, 250_000]
    assert "2016: 0 → 2017: 100,000 → 2020: 250,000." in page_text(rc)
    rc.close()


def test_the_member_grant_moves_the_results(state):
    """The lever a policymaker once found dead: a higher grant for every year acts."""
    state.run_to_end()
    before = state.snapshot.value.table
    state.set_values(
        levers.held_values(state.simulation.scenario, "member_grant", 1_500_000.0, None)
    )
    state.run_to_end()
    after = state.snapshot.value.table
    assert after["subsidy_paid"].sum() > before["subsidy_paid"].sum()
    assert after["members"].iloc[-1] != before["members"].iloc[-1]


def test_bad_upload_shows_the_error_text_in_the_page(state):
    rc = render(explore.Page(state))
    assert not state.upload("broken.toml", b"[population\nfarms = 3")
    assert "This file cannot be used: broken.toml: not valid TOML" in page_text(rc)
    assert not state.upload("wrong.toml", b"[policy]\ninvestment_subsidy = 25\n")
    text = page_text(rc)
    assert "wrong.toml: policy.investment_subsidy: Input should be less than or equal to 1" in text
    assert state.settings.value.source == "kazakhstan_2016.toml"  # nothing else changed
    rc.close()


def test_an_upload_too_large_is_not_read(state):
    big = b"# " + b"x" * LIMITS.upload_bytes + b"\n"
    assert not state.upload("big.toml", big)
    assert "at most" in state.upload_error.value
    assert not any(k.startswith("⇧") for k in state.catalogue.value)


def test_good_upload_is_offered_and_run(state):
    rc = render(explore.Page(state))
    data = (SCENARIO_DIR / "village_machinery.toml").read_bytes()
    assert state.upload("my village.toml", data)
    assert state.settings.value.source == "⇧ my village.toml"
    assert len(state.simulation.model.farms) == 10
    assert "⇧ my village.toml" in page_text(rc)
    assert "This file cannot be used" not in page_text(rc)
    rc.close()


def test_policy_changes_by_year_are_listed_and_editable(state):
    rc = render(explore.Page(state))
    assert "Policy changes by year (8)" in page_text(rc)
    from coopsim.levers import changes_with

    state.set_changes(changes_with(state.simulation.scenario, 2019, "member_grant", 250_000.0))
    assert "2019: Member grant → 250,000" in page_text(rc)
    assert state.simulation.scenario.policy_in(2019).member_grant == 250_000
    assert state.simulation.scenario.policy_in(2022).member_grant == 0
    rc.close()


def test_inputs_are_bounded():
    state = SessionState()
    state.apply(Settings(farms=10**7, years=1000, seed=3))
    scenario = state.simulation.scenario
    assert scenario.years == LIMITS.years[1]
    assert state.simulation.seed == 3
    # 80 years of Kazakhstan: the farms of a run to the horizon within the compute budget
    farms = len(state.simulation.model.farms)
    assert farms == farms_allowed(scenario) < LIMITS.farms[1]
    assert farms * scenario.years * budget.estimate(scenario).step <= budget.RUN_SECONDS


def test_each_session_has_its_own_model():
    first, second = SessionState(), SessionState()
    assert first.simulation.model is not second.simulation.model
    first.step()
    assert len(first.snapshot.value.table) == 1
    assert len(second.snapshot.value.table) == 0
    assert second.simulation.model.year == 2016


def test_the_schedule_of_changes_is_bounded(state):
    levers = ("kpi_pressure", "tax_relief", "audit_subsidy", "merger_subsidy", "campaign")
    too_many = [{"year": y} | dict.fromkeys(levers, 0.1) for y in range(2016, 2031)]
    assert LIMITS.changes < 5 * 15
    state.lang.set("ru")
    assert not state.set_changes(too_many)
    assert state.error.value == f"policy.changes: не более {LIMITS.changes} изменений по годам"
    assert len(state.simulation.scenario.policy.changes) == 3  # the file's schedule is kept


def test_scenarios_are_offered_by_their_title_in_the_pages_language(state):
    data = state.catalogue.value["kazakhstan_2016.toml"].model_dump()
    data["translations"] = {}
    kazakhstan = validate_scenario(data)  # in English only
    data["translations"] = {"ru": {"name": "Казахстан 2016", "description": "Описание."}}
    russian = validate_scenario(data)
    titles = explore.scenario_titles(
        {"a.toml": russian, "b.toml": kazakhstan, "⇧ mine.toml": kazakhstan}, "ru"
    )
    assert titles == {
        "a.toml": "Казахстан 2016",
        "b.toml": "Kazakhstan 2016",
        "⇧ mine.toml": "⇧ mine.toml",
    }
    assert (
        russian.description_in("ru") == "Описание." and russian.description_in("kk") != "Описание."
    )
    twins = explore.scenario_titles({"a.toml": kazakhstan, "b.toml": kazakhstan}, "kk")
    assert twins == {"a.toml": "Kazakhstan 2016 (a.toml)", "b.toml": "Kazakhstan 2016 (b.toml)"}


def test_the_result_is_said_in_words_with_its_bands_and_a_brief_to_print(state):
    """The bands come from the experiments' engine: the same numbers as `coopsim report`."""
    assert state.apply(Settings(farms=1_000))
    rc = render(explore.Page(state))
    wait_until(lambda: "By 2030:" in page_text(rc), 300)
    text = page_text(rc)
    assert "operating coops (" in text and "over 8 runs" in text
    assert "per extra member a year" in text
    assert "Against no programme:" in text and "extra operating coop" in text
    click(rc, "coopsim-step")
    # the stepped run says what it is (the step may wait on the bands' worker on a busy machine)
    wait_until(lambda: "one run of a sample (seed" in page_text(rc), 60)
    found = state.simulation.findings
    again = run_headlines(state.simulation.scenario, runs=8, seed=state.simulation.seed)
    assert found.headlines[found.arms[0].name] == again.headlines[again.arms[0].name]
    # every chart now shows the sample's mean and range in grey under the run stepped
    charts = [w for w in widgets(rc) if isinstance(w, EChart)]
    assert len(charts) == 11
    for chart in charts:
        names = [str(series.get("name")) for series in chart.option["series"]]
        assert any(name.startswith("8 runs: mean and range") for name in names), names
    assert "Grey: the mean of 8 runs of this scenario" in page_text(rc)
    pdf = brief_bytes(make_brief(found, "kk", original=state.base), "pdf")
    assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) == 1
    rc.close()
