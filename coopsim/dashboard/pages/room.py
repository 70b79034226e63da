"""Room: the teacher opens a game for the class, shows its code, runs the rounds.

``/room`` opens a room (story, seconds per round); the page then lives at
``/room?code=…&key=…``, so a teacher who reloads keeps the room. The code and its QR code
are shown large for the class; students join at ``/play`` (:mod:`.play`). The teacher
sees every farm, who plays it and what each student chose, moves the class's levers,
makes events happen, reveals the year and opens the next one.
"""

from __future__ import annotations

import functools
import html
import os
import statistics
from urllib.parse import parse_qs, urlencode

import segno
import solara

from coopsim.classroom import words
from coopsim.classroom.game import STORIES
from coopsim.classroom.room import CHOOSING, OVER, REVEALED, ROOMS, Room
from coopsim.dashboard.widgets.common import Prose, use_session
from coopsim.dashboard.widgets.game_views import (
    GAME_CSS,
    EventButtons,
    HandoutDownloads,
    IncomesChart,
    LeverControls,
    reveal_html,
    use_room,
)
from coopsim.i18n import Translator

JOIN_URL_ENV = "COOPSIM_JOIN_URL"
"""Where students open the game (``coopsim classroom`` sets it to this machine's address
on the classroom network)."""


def query(router) -> dict[str, str]:
    """The page address's query, one value per key."""
    return {k: v[0] for k, v in parse_qs(router.search or "").items()}


def join_url(code: str, lang: str) -> str:
    """The address a student opens to join the room (what the QR code holds)."""
    base = os.environ.get(JOIN_URL_ENV, "http://localhost:8765").rstrip("/")
    return f"{base}/play?{urlencode({'code': code, 'lang': lang})}"


@functools.lru_cache(maxsize=64)
def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG (made once: the teacher's page redraws often)."""
    return segno.make(url, error="m").svg_inline(scale=8, border=2)


@solara.component
def OpenRoom(tr: Translator, on_open):
    """Choose a story and the time for each round, and open the room."""
    story, set_story = solara.use_state("machinery")
    seconds, set_seconds = solara.use_state(90)
    solara.HTML(tag="h1", unsafe_innerHTML=html.escape(tr("game.teacher.open_title")))
    titles = {tr(f"game.story.{s}.title"): s for s in STORIES}
    solara.ToggleButtonsSingle(
        value=tr(f"game.story.{story}.title"),
        values=list(titles),
        on_value=lambda title: set_story(titles[title]),
        classes=["coopsim-story"],
    )
    Prose(tr(f"game.story.{story}.text"))
    solara.SliderInt(
        tr("game.teacher.seconds"),
        value=seconds,
        min=0,
        max=300,
        step=15,
        on_value=set_seconds,
        thumb_label="always",
    )
    solara.Button(
        tr("game.teacher.open"),
        icon_name="mdi-door-open",
        color="primary",
        x_large=True,
        on_click=lambda: on_open(ROOMS.open(story, seconds)),
        classes=["coopsim-open-room"],
    )


def choice_text(room: Room, farm: int, tr: Translator) -> str:
    """A student's choice as the teacher sees it."""
    choice = room.choices.get(farm)
    if choice is None:
        return tr("game.teacher.waiting")
    offer = next(
        (o for o in room.game.offers(farm) if (o.action, o.coop) == (choice.action, choice.coop)),
        None,
    )
    text = words.option_title(offer, room.game.coop_of(farm), tr) if offer else "–"
    if choice.vote:
        text += " · " + tr(
            "game.merger.vote_for" if choice.vote > 0 else "game.merger.vote_against"
        )
    return text


def farms_table(room: Room, tr: Translator) -> str:
    """Every farm: who plays it, and (while choosing) what its student chose."""
    played = room.played
    rows = []
    for f, name in enumerate(room.game.names_in(tr.lang)):
        who = tr("game.by_student") if f in played else tr("game.by_computer")
        chose = choice_text(room, f, tr) if f in played and room.phase == CHOOSING else ""
        guess = room.predictions.get(f)
        cells = [name, who, chose, "" if guess is None else str(guess)]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    head = "".join(
        f"<th>{html.escape(h)}</th>" for h in (tr("game.farm_col"), tr("game.played_by"), "", "?")
    )
    return (
        f"<table class='coopsim-table coopsim-farms'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def predictions_text(room: Room, tr: Translator) -> str:
    """The class's predictions of the round just revealed against what happened."""
    guesses = list(room.history_predictions[-1].values()) if room.history_predictions else []
    if not guesses:
        return tr("game.teacher.no_predictions")
    return tr(
        "game.teacher.predictions",
        median=tr.number(statistics.median(guesses), 1 if len(guesses) % 2 == 0 else 0),
        n=len(guesses),
        truth=room.game.history[-1].members,
    )


@solara.component
def TeacherView(room: Room, tr: Translator, lang: str):
    """The running room, as the teacher sees it."""
    version = use_room(room)
    game = room.game
    url = join_url(room.code, lang)
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "24px"}):
        with solara.Column(style={"align-items": "center"}):
            solara.Text(tr("game.teacher.code"))
            solara.Div(children=[room.code], classes=["coopsim-code", "coopsim-room-code"])
        solara.HTML(tag="div", unsafe_innerHTML=qr_svg(url), classes=["coopsim-qr"])
        with solara.Column():
            solara.HTML(
                tag="h1", unsafe_innerHTML=html.escape(tr(f"game.story.{room.story}.title"))
            )
            Prose(tr("game.teacher.join_at", url=url))
            shown = room.year
            solara.HTML(
                tag="h2",
                unsafe_innerHTML=html.escape(tr("game.year_of", year=shown, years=game.rounds)),
                classes=["coopsim-round"],
            )
    players = len(room.played)
    if room.phase == CHOOSING:
        Prose(
            tr(
                "game.teacher.chosen",
                n=sum(f in room.played for f in room.choices),
                players=players,
            ),
            classes=["coopsim-chosen-count"],
        )
        left = room.seconds_left()
        Prose(
            tr("game.teacher.no_limit")
            if left is None
            else tr("game.teacher.time_left", seconds=round(left))
        )
    solara.HTML(tag="div", unsafe_innerHTML=farms_table(room, tr))
    with solara.Row(style={"flex-wrap": "wrap"}):
        solara.Button(
            tr("game.teacher.reveal"),
            icon_name="mdi-eye",
            color="primary",
            x_large=True,
            disabled=room.phase != CHOOSING,
            on_click=room.reveal,
            classes=["coopsim-reveal-year"],
        )
        solara.Button(
            tr("game.teacher.next"),
            icon_name="mdi-step-forward",
            x_large=True,
            outlined=True,
            disabled=room.phase != REVEALED,
            on_click=room.next_round,
            classes=["coopsim-next-year"],
        )
    if room.phase == OVER:
        Prose(tr("game.teacher.over"), classes=["coopsim-game-over"])
    if room.phase in (REVEALED, OVER):
        Prose(predictions_text(room, tr), classes=["coopsim-predictions"])
        solara.HTML(tag="div", unsafe_innerHTML=reveal_html(game, tr), classes=["coopsim-prose"])
    # on the page from the start, so that a reveal only updates them: the first one
    # redraws every student's page at the same time
    IncomesChart(game, tr)
    HandoutDownloads(room, tr, lang, f"coopsim_room_{room.code}")
    with solara.Columns([1, 1]):
        with solara.Column():
            LeverControls(game, tr, room.set_lever, version)
        with solara.Column():
            EventButtons(tr, room.trigger, disabled=room.phase != CHOOSING)


@solara.component
def Page():
    """The teacher's page."""
    state = use_session(None)
    tr = Translator(state.lang.value)
    router = solara.use_router()
    asked = query(router)
    room = ROOMS.get(asked.get("code"))
    solara.Style(GAME_CSS)

    def opened(new: Room) -> None:
        keys = {"code": new.code, "key": new.teacher_key, "lang": state.lang.value}
        router.push(f"/room?{urlencode(keys)}")

    with solara.Column(classes=["coopsim-game"]):
        if room is None or asked.get("key") != room.teacher_key:
            OpenRoom(tr, opened)
        else:
            TeacherView(room, tr, state.lang.value)
