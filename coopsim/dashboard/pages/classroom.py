"""Classroom: a story's village on one screen, year by year, in large type.

The single-screen side of the classroom game (:mod:`coopsim.classroom`): the computer
plays every farm. The teacher picks a story, moves the class's levers, makes events
happen and steps through the years; each year shows what every farm did and earns, and
each coop's accounts. **Play it with the class** opens a room where every student plays
a farm from their own screen (:mod:`.room`).
"""

from __future__ import annotations

import html

import solara

from coopsim.classroom import words
from coopsim.classroom.game import STORIES
from coopsim.dashboard.session import SessionState
from coopsim.dashboard.widgets.common import Prose, use_session
from coopsim.dashboard.widgets.game_views import (
    GAME_CSS,
    EventButtons,
    HandoutDownloads,
    LeverControls,
    RevealView,
)
from coopsim.i18n import Translator


def farms_now(state: SessionState, tr: Translator) -> str:
    """Before the first year: each farm's land, herd and machines, one line each."""
    game = state.classroom
    return "\n".join(
        f"- **{name}**: {words.farm_line(game, f, tr)}"
        for f, name in enumerate(game.names_in(tr.lang))
    )


@solara.component
def Page(state: SessionState | None = None):
    """The Classroom page."""
    state = use_session(state)
    tr = Translator(state.lang.value)
    changes = state.classroom_changes.value
    game = state.classroom
    router = solara.use_router()
    solara.Style(GAME_CSS)
    with solara.Column(classes=["coopsim-game", "coopsim-classroom"]):
        titles = {tr(f"game.story.{s}.title"): s for s in STORIES}
        solara.ToggleButtonsSingle(
            value=tr(f"game.story.{game.story}.title"),
            values=list(titles),
            on_value=lambda title: state.classroom_reset(titles[title]),
            classes=["coopsim-story"],
        )
        solara.HTML(tag="h1", unsafe_innerHTML=html.escape(tr(f"game.story.{game.story}.title")))
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(
                tr("classroom.step"),
                icon_name="mdi-step-forward",
                on_click=state.classroom_step,
                disabled=game.done,
                color="primary",
                x_large=True,
                classes=["coopsim-classroom-step"],
            )
            solara.Button(
                tr("classroom.reset"),
                icon_name="mdi-restore",
                on_click=lambda: state.classroom_reset(),
                outlined=True,
                x_large=True,
            )
            solara.Text(
                tr("game.year_of", year=len(game.history), years=game.rounds)
                if game.history
                else tr("classroom.before_first"),
                style={"font-size": "1.4em", "font-weight": "600", "margin-left": "16px"},
            )
            solara.Button(
                tr("classroom.play_with_class"),
                icon_name="mdi-account-group",
                on_click=lambda: router.push("/room"),
                text=True,
                classes=["coopsim-to-room"],
            )
        if not game.history:
            Prose(tr(f"game.story.{game.story}.text"))
            Prose(tr("classroom.intro"))
            Prose(farms_now(state, tr))
        RevealView(game, tr, version=changes)
        if game.history:
            HandoutDownloads(game, tr, state.lang.value, f"coopsim_{game.story}_village")
        with solara.Columns([1, 1]):
            with solara.Column():
                LeverControls(game, tr, state.classroom_lever, changes)
            with solara.Column():
                EventButtons(tr, state.classroom_event, disabled=game.done)
