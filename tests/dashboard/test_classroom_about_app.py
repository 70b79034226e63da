"""The Classroom and About pages, the app's frame and the ``coopsim dashboard`` command."""

from __future__ import annotations

import pytest
from pagetools import click, page_text, render
from typer.testing import CliRunner

from coopsim.cli import app as cli_app
from coopsim.dashboard import app
from coopsim.dashboard.pages import about, classroom
from coopsim.dashboard.session import SessionState
from coopsim.i18n import Translator


def test_classroom_shows_who_pools_what_and_what_each_earns(state):
    rc = render(classroom.Page(state))
    text = page_text(rc)
    assert "Press Next year and watch who pools what" in text
    assert "Aidar: 60 ha of land, 8 animals, tractor." in text
    click(rc, "coopsim-classroom-step")
    text = page_text(rc)
    game = state.classroom
    reveal = game.history[-1]
    assert "Year 1 of 10" in text
    assert f"After year 1: {reveal.members} of 10 farms are in {len(reveal.coops)} coop(s)." in text
    # coops are numbered from 1 on the screen
    first = reveal.coops[0]
    assert first.coop == 0 and "Coop 1" in text and "Coop 0" not in text
    assert "founded coop 1" in text
    for name in game.names:  # every farm is in the table
        assert name in text
    state.lang.set("kk")
    assert "Келесі жыл" in page_text(rc)
    rc.close()


def test_classroom_levers_and_events_act_and_it_starts_again(state):
    rc = render(classroom.Page(state))
    click(rc, "coopsim-classroom-step")
    before = state.classroom.history[-1]
    state.classroom_lever("contractor_prices", 2.0)
    state.classroom_event("drought")
    click(rc, "coopsim-classroom-step")
    after = state.classroom.history[-1]
    assert after.events == ["drought"]
    assert "A drought: this year the fields give 40 % less." in page_text(rc)
    assert sum(after.income_alone) < sum(before.income_alone)  # dearer contractors, a drought
    state.classroom_reset("dairy")
    assert state.classroom.story == "dairy" and not state.classroom.history
    assert "Before the first year" in page_text(rc)
    rc.close()


@pytest.mark.parametrize("lang", ["en", "kk", "ru"])
def test_about_has_the_info_tab_headings_and_sources(state, lang):
    state.lang.set(lang)
    rc = render(about.Page(state))
    text = page_text(rc)
    tr = Translator(lang)
    for section in about.SECTIONS:
        assert tr(f"about.{section}.title") in {line.strip() for line in text.split("\n")}
    assert "Grimm, V. et al. (2020)" in text
    assert "Sexton (1986) — R1, R2" in text
    assert f"Kemelbekova — {tr('about.note.article')}" in text
    rc.close()


def test_layout_gives_each_session_its_own_state_and_translates_the_tabs(monkeypatch):
    made: list[SessionState] = []

    def make() -> SessionState:
        made.append(SessionState())
        return made[-1]

    monkeypatch.setattr(app, "SessionState", make)
    first = render(app.Layout(children=[]))
    second = render(app.Layout(children=[]))
    assert len(made) == 2
    assert made[0].simulation.model is not made[1].simulation.model
    text = page_text(first)
    assert {"Explore", "Compare", "Explain", "Classroom", "About", "Қазақша"} <= set(
        text.split("\n")
    )
    made[0].lang.set("kk")
    assert {"Зерттеу", "Салыстыру", "Түсіндіру"} <= set(page_text(first).split("\n"))
    assert "Explore" in page_text(second).split("\n")  # the other session keeps its language
    first.close()
    second.close()


def test_dashboard_command_serves_the_app_on_localhost(monkeypatch):
    import solara.__main__

    calls = []
    monkeypatch.setattr(solara.__main__.cli, "main", lambda **kw: calls.append(kw["args"]) or 0)
    result = CliRunner().invoke(cli_app, ["dashboard"])
    assert result.exit_code == 0, result.output
    args = calls[0]
    assert args[:2] == ["run", "coopsim.dashboard.app"]
    assert args[args.index("--host") + 1] == "localhost"
    assert args[args.index("--port") + 1] == "8765"
    assert {"--production", "--no-check-version", "--no-open"} <= set(args)
    CliRunner().invoke(cli_app, ["dashboard", "--port", "9000", "--host", "0.0.0.0"])
    assert calls[1][calls[1].index("--port") + 1] == "9000"
    assert calls[1][calls[1].index("--host") + 1] == "0.0.0.0"


def test_dashboard_command_refuses_a_bad_port():
    result = CliRunner().invoke(cli_app, ["dashboard", "--port", "70000"])
    assert result.exit_code == 2
