"""Play: a student joins a room with its code and plays a farm of the village.

``/play?code=…`` (what the QR code opens) offers a farm; once taken, the page lives at
``/play?code=…&seat=…``, so a student who reloads keeps their farm. Each round the page
shows the farm's options with their numbers, the merger vote where there is one, and the
question to predict; after the reveal, what everybody did and earned.
"""

from __future__ import annotations

import html
import time
from urllib.parse import urlencode

import solara

from coopsim.classroom import words
from coopsim.classroom.room import CHOOSING, ROOMS, Choice, Room, RoomError
from coopsim.dashboard.pages.room import query
from coopsim.dashboard.widgets.common import Prose, prose_html, use_session
from coopsim.dashboard.widgets.game_views import (
    GAME_CSS,
    FarmCard,
    IncomesChart,
    reveal_html,
    use_room,
)
from coopsim.dashboard.widgets.tap_buttons import TapButtons
from coopsim.i18n import LANGUAGES, Translator
from coopsim.processes.players import Action


@solara.component
def EnterCode(tr: Translator, on_code):
    """A box for the room's code."""
    code, set_code = solara.use_state("")
    solara.InputText(
        tr("game.student.code"),
        value=code,
        on_value=set_code,
        continuous_update=True,
        classes=["coopsim-code-input"],
    )
    solara.Button(
        tr("game.student.join"),
        color="primary",
        x_large=True,
        on_click=lambda: on_code(code),
        classes=["coopsim-join"],
    )


def heading(text: str) -> str:
    """A heading of the choosing screen, as HTML."""
    return f"<h2>{html.escape(text)}</h2>"


@solara.component
def Options(room: Room, seat: str, farm: int, tr: Translator, version: int, note: str = ""):
    """The farm's options this round, each with its numbers, and the merger vote.

    ``note`` (Markdown) comes first. Few widgets: each costs the server a message a page
    when the room moves on.
    """
    game = room.game
    currency = game.scenario.currency
    offers = game.offers(farm)
    now = offers[0]
    chosen = room.choices.get(farm)
    member_of = game.coop_of(farm)
    error, set_error = solara.use_state("")

    def choose(choice: Choice) -> None:
        try:
            room.choose(seat, choice)
            set_error("")
        except RoomError:
            set_error(tr("game.student.time_up"))

    vote = chosen.vote if chosen else 0
    keys = [(o.action, o.coop) for o in offers]
    mine = (chosen.action, chosen.coop) if chosen is not None else None
    picked = keys.index(mine) if mine in keys else -1

    def title(offer) -> str:
        return words.option_title(offer, member_of, tr)

    def take(tap: dict) -> None:
        offer = offers[tap["index"]]
        choose(Choice(offer.action, offer.coop, vote))

    TapButtons.element(
        buttons=[
            {
                "label": title(offer),
                "cls": f"coopsim-option-{i} coopsim-option-{offer.action.name.lower()}",
                "html": "".join(map(prose_html, words.option_reasons(offer, now, currency, tr))),
            }
            for i, offer in enumerate(offers)
        ],
        head=(prose_html(note) if note else "") + heading(tr("game.student.choose")),
        foot=(
            "<div class='coopsim-my-choice'>"
            + prose_html(tr("game.student.chosen", choice=title(offers[picked])))
            + "</div>"
            if picked >= 0
            else ""
        ),
        picked=picked,
        on_tap=take,
    )
    terms = game.merger_terms(farm)
    if terms is not None:
        question = tr(
            "game.merger.title",
            k=words.coop_number(member_of),
            other=words.coop_number(terms.partner),
        )
        reasons = words.merger_reasons(terms, currency, tr)
        base = chosen or Choice(Action.STAY, member_of)
        votes = (1, -1)
        TapButtons.element(
            buttons=[
                {"label": tr("game.merger.vote_for"), "cls": "coopsim-vote-for"},
                {"label": tr("game.merger.vote_against"), "cls": "coopsim-vote-against"},
            ],
            head=heading(question) + "".join(map(prose_html, reasons)),
            picked=votes.index(vote) if vote in votes else -1,
            row=True,
            on_tap=lambda tap: choose(Choice(base.action, base.coop, votes[tap["index"]])),
        )
    if error:
        solara.Warning(error)


@solara.component
def Predict(room: Room, seat: str, farm: int, tr: Translator, version: int):
    """The question to answer before the reveal: how many farms will be in a coop."""
    n = len(room.game.names)
    guess = room.predictions.get(farm)
    late, set_late = solara.use_state(False)

    def predict(tap: dict) -> None:
        try:
            room.predict(seat, tap["index"])
        except RoomError:  # time is up (or the teacher revealed meanwhile)
            set_late(True)

    TapButtons.element(
        buttons=[{"label": str(k), "cls": f"coopsim-predict-{k}"} for k in range(n + 1)],
        head=prose_html(tr("game.student.predict", farms=n)),
        picked=-1 if guess is None else guess,
        row=True,
        on_tap=predict,
    )
    if late:
        solara.Warning(tr("game.student.time_up"))


@solara.component
def StudentView(room: Room, seat: str, farm: int, tr: Translator):
    """A student's screen: their farm, this round's choice, or the year revealed."""
    version = use_room(room, farm)
    chart_shown, show_chart = solara.use_state(False)
    game = room.game
    with solara.Row(style={"gap": "24px", "align-items": "baseline", "flex-wrap": "wrap"}):
        solara.Text(tr("game.room", code=room.code), style={"font-size": "1.1em"})
        solara.Text(
            tr("game.year_of", year=room.year, years=game.rounds),
            style={"font-size": "1.1em", "font-weight": "600"},
            classes=["coopsim-round"],
        )
    FarmCard(game, farm, tr, version)
    if room.phase == CHOOSING:
        left = room.seconds_left()
        if left is not None and left <= 0:
            solara.Warning(tr("game.student.time_up"))
        else:
            note = ""
            if left is not None:
                deadline = time.strftime("%H:%M:%S", time.localtime(time.time() + left))
                note = tr("game.student.deadline", seconds=round(left)) + f" ({deadline})"
            Options(room, seat, farm, tr, version, note)
            Predict(room, seat, farm, tr, version)
        return
    # the year revealed in one block: a reveal redraws every student's page at once,
    # and each widget costs the server a message a page
    reveal = game.history[-1]
    currency = game.scenario.currency
    you = tr("game.student.you_did", did=words.did_text(reveal, farm, tr))
    income = tr(
        "game.student.your_income",
        income=tr.money(reveal.income[farm], currency),
        alone=tr.money(reveal.income_alone[farm], currency),
    )
    lead = f"<div class='coopsim-you-did'>{prose_html(you)}</div>{prose_html(income)}"
    wait = prose_html(tr("game.student.wait"))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=reveal_html(game, tr, farm, lead) + wait,
        classes=["coopsim-prose"],
    )
    # the chart on a tap: drawing it on every phone at once would slow every reveal
    if chart_shown:
        IncomesChart(game, tr, farm)
    else:
        solara.Button(
            tr("game.incomes_chart"),
            icon_name="mdi-chart-line",
            outlined=True,
            on_click=lambda: show_chart(True),
            classes=["coopsim-show-chart"],
        )


@solara.component
def Page():
    """The student's page."""
    state = use_session(None)
    router = solara.use_router()
    asked = query(router)
    lang = asked.get("lang")

    def adopt_language() -> None:  # the room's language, once; the header can change it
        if lang in LANGUAGES:
            state.lang.set(lang)

    solara.use_effect(adopt_language, [lang])
    tr = Translator(state.lang.value)
    code = asked.get("code")
    room = ROOMS.get(code)
    solara.Style(GAME_CSS)

    def go(**values: str) -> None:
        router.push("/play?" + urlencode({k: v for k, v in values.items() if v}))

    def take() -> None:
        seat, _ = room.join(None)
        go(code=room.code, lang=state.lang.value, seat=seat)

    with solara.Column(classes=["coopsim-game"]):
        if room is None:
            if code:
                solara.Warning(tr("game.student.unknown_room", code=code))
            EnterCode(tr, lambda typed: go(code=typed.strip().upper(), lang=state.lang.value))
            return
        farm = room.player_of(asked.get("seat"))
        if farm is None:
            solara.HTML(tag="h1", unsafe_innerHTML=html.escape(tr("game.room", code=room.code)))
            Prose(tr(f"game.story.{room.story}.text"))
            solara.Button(
                tr("game.student.take_farm"),
                color="primary",
                x_large=True,
                on_click=take,
                classes=["coopsim-take-farm"],
            )
            return
        StudentView(room, asked["seat"], farm, tr)
