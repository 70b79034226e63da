"""Views of the classroom game the teacher's, the students' and the Classroom page share.

A room lives outside any browser session (:mod:`coopsim.classroom.room`);
:func:`use_room` subscribes a page to it, so the page is drawn again whenever anybody
changes the room: a choice reaches the teacher, a reveal reaches every student.
"""

from __future__ import annotations

import html
import threading

import ipyvue
import numpy as np
import solara
import traitlets
from solara.server import kernel_context

from coopsim.classroom import words
from coopsim.classroom.game import EVENTS, LEVERS, Game, Reveal
from coopsim.classroom.handout import handout_bytes
from coopsim.classroom.room import Room
from coopsim.dashboard.widgets.common import Prose, prose_html
from coopsim.i18n import Translator, sign

GAME_CSS = """
.coopsim-game { font-size: 1.3em; line-height: 1.45; padding-bottom: 56px; }
.coopsim-game h1 { font-size: 2.0em; margin: 4px 0; }
.coopsim-game h2 { font-size: 1.5em; margin: 10px 0 4px 0; }
.coopsim-code { font-size: 4.5em; font-weight: 700; letter-spacing: 0.15em; }
.coopsim-offer { padding: 10px 14px; margin: 6px 0; border: 2px solid #ccc; border-radius: 8px; }
.coopsim-offer-chosen { border-color: #1e5631; background: #eef6ef; }
.coopsim-offer .v-btn { max-width: 100%; height: auto !important; min-height: 44px; }
.coopsim-offer .v-btn__content { white-space: normal; flex: 1 1 auto; padding: 6px 0; }
.coopsim-game table td, .coopsim-game table th { padding: 4px 12px; font-size: 1.0em; }
.coopsim-machines .v-icon { font-size: 2.2em !important; margin-right: 6px; }
"""

ICONS = {
    "tractor": "mdi-tractor",
    "truck": "mdi-truck",
    "combine": "mdi-tractor-variant",
    "barn": "mdi-barn",
}
"""The icon each machine or building is drawn with."""


class TapButtons(ipyvue.VueTemplate):
    """Buttons of which one may be picked, drawn in the browser as one widget.

    A student's page redraws whenever the room changes; a widget a button would cost
    the server a message a button each time, this costs one. Traits:

    * ``buttons``: each ``{"label": …, "cls": CSS classes, "html": shown under it}``;
    * ``head``, ``foot``: HTML shown above and below the buttons;
    * ``picked``: the button shown as chosen (-1 for none);
    * ``row``: small buttons in a row (numbers), else large ones one under another;
    * ``tap``: ``{"index": i, "n": taps so far}``, set on every tap: pass ``on_tap``.
    """

    template = traitlets.Unicode(
        """
<template>
  <div>
    <div v-if="head" v-html="head"></div>
    <div :style="row ? 'display: flex; flex-wrap: wrap; gap: 4px' : ''">
      <div v-for="(b, i) in buttons" :key="i"
           :class="row ? '' : ['coopsim-offer', picked === i ? 'coopsim-offer-chosen' : '']">
        <v-btn :class="b.cls" :color="picked === i ? 'primary' : undefined"
               :outlined="picked !== i" :large="!row" :style="row ? 'min-width: 48px' : ''"
               @click="tap_button(i)">{{ b.label }}</v-btn>
        <div v-if="b.html" v-html="b.html"></div>
      </div>
    </div>
    <div v-if="foot" v-html="foot"></div>
  </div>
</template>
"""
    ).tag(sync=True)
    buttons = traitlets.List(traitlets.Dict()).tag(sync=True)
    head = traitlets.Unicode("").tag(sync=True)
    foot = traitlets.Unicode("").tag(sync=True)
    picked = traitlets.Int(-1).tag(sync=True)
    row = traitlets.Bool(False).tag(sync=True)
    tap = traitlets.Dict().tag(sync=True)

    def vue_tap_button(self, index: int) -> None:
        """The browser's call on a tap of button ``index``."""
        self.tap = {"index": int(index), "n": self.tap.get("n", 0) + 1}


def use_room(room: Room | None, farm: int | None = None) -> int:
    """Subscribe the page to the room; returns the room's version (drawn again on change).

    A student's page passes its farm: other farms' choices do not redraw it.

    Components drawn from the room take the version as an argument: they are drawn
    again only when their arguments change, and the room object itself stays the same.

    The room calls back from whichever thread changed it; each page is redrawn in a
    thread of its own, in its own browser session, so one reveal redraws every
    student's page at once rather than one after another.
    """
    version, set_version = solara.use_state(room.version if room else 0)

    def subscribe():
        if room is None:
            return None
        context = kernel_context.get_current_context()

        def redraw(v: int) -> None:
            if kernel_context.has_current_context() and (
                kernel_context.get_current_context() is context
            ):
                set_version(v)  # this session changed the room: redraw as for any click
                return

            def run() -> None:
                with context:
                    set_version(v)

            threading.Thread(target=run, daemon=True).start()

        return room.subscribe(redraw, farm)

    solara.use_effect(subscribe, [room, farm])
    return version


@solara.component
def Machines(game: Game, farm: int, tr: Translator):
    """The farm's machines as icons, with their names."""
    with solara.Row(classes=["coopsim-machines"], style={"align-items": "center"}):
        for asset in game.machines(farm):
            solara.v.Icon(children=[ICONS[asset]], color="#1e5631")
            solara.Text(tr(f"asset.{asset}"))


@solara.component
def FarmCard(game: Game, farm: int, tr: Translator, version: int = 0):
    """Who the student is: the farm's name, land, herd and machines.

    Also what being one's own boss is worth to the farm.
    """
    solara.HTML(
        tag="h1",
        unsafe_innerHTML=html.escape(tr("game.you_are", name=game.names_in(tr.lang)[farm])),
    )
    Machines(game, farm, tr)
    Prose(words.farm_line(game, farm, tr))
    Prose(tr("game.own_boss", amount=tr.money(game.own_boss_value(farm), game.scenario.currency)))


def reveal_table(game: Game, reveal: Reveal, tr: Translator, mine: int | None = None) -> str:
    """The round's farms as an HTML table: what each did, its coop and income."""
    currency = game.scenario.currency
    head = "".join(
        f"<th>{html.escape(tr(k))}</th>"
        for k in (
            "game.farm_col",
            "game.did_col",
            "game.coop_col",
            "game.income",
            "game.income_alone",
        )
    )
    rows = []
    for f, name in enumerate(game.names_in(tr.lang)):
        coop = reveal.coop_after[f]
        cells = [
            name,
            words.did_text(reveal, f, tr),
            str(words.coop_number(coop)) if coop >= 0 else "–",
            tr.money(reveal.income[f], currency),
            tr.money(reveal.income_alone[f], currency),
        ]
        style = " style='font-weight:700;background:#eef6ef'" if f == mine else ""
        rows.append(f"<tr{style}>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    return (
        f"<table class='coopsim-table coopsim-reveal'><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def coop_accounts(game: Game, reveal: Reveal, tr: Translator) -> list[str]:
    """A sentence per operating coop: members, machines, costs against going alone."""
    currency = game.scenario.currency
    if not reveal.coops:
        return [tr("game.no_coops")]
    lines = []
    for account in reveal.coops:
        machines = [
            f"{n} × {tr(f'asset.{a}')}"
            for a, n in zip(("tractor", "truck", "combine", "barn"), account.machines, strict=True)
            if n
        ]
        lines.append(
            tr(
                "game.coop_account",
                k=words.coop_number(account.coop),
                members=words.name_list(tr, [game.names_in(tr.lang)[m] for m in account.members]),
                machines=", ".join(machines) or tr("game.no_machines"),
                cost=tr.money(account.cost, currency),
                alone=tr.money(account.machinery_alone, currency),
                shared=tr.money(account.machinery_shared, currency),
            )
        )
    return lines


def incomes_chart(game: Game, tr: Translator, mine: int | None = None) -> dict:
    """Everyone's income over the rounds played (thousands), as an ECharts line chart.

    The student's own line is bold and dark green, the others lighter. The browser draws
    it: a reveal redraws every student's page at once, and the server only sends numbers.
    """
    income = np.zeros((len(game.history), len(game.names_in(tr.lang))))
    for row, reveal in zip(income, game.history, strict=True):
        row[:] = np.array(reveal.income) / 1000
    series = []
    for f, name in enumerate(game.names_in(tr.lang)):
        bold = f == mine
        series.append(
            {
                "name": f"{name} ({tr('game.your_line')})" if bold else name,
                "type": "line",
                "data": [round(float(v), 1) for v in income[:, f]],
                "symbolSize": 8 if bold else 5,
                "z": 3 if bold else 2,
                "lineStyle": {"width": 4} if bold else {"width": 1.5, "opacity": 0.75},
                **({"color": "#1e5631"} if bold else {}),
            }
        )
    axis_name = {"nameLocation": "middle", "nameTextStyle": {"fontSize": 14}}
    return {
        "animation": False,
        "tooltip": {"trigger": "axis"},
        "legend": {"type": "scroll", "orient": "vertical", "right": 0, "top": 10},
        "grid": {"left": 70, "right": 170, "top": 20, "bottom": 50},
        "xAxis": {
            "type": "category",
            "data": [str(r.round) for r in game.history],
            "name": tr("game.year_axis"),
            "nameGap": 30,
            **axis_name,
        },
        "yAxis": {
            "type": "value",
            "scale": True,
            "name": f"{tr('game.income_axis')}, {tr.number(1000)} {sign(game.scenario.currency)}",
            "nameGap": 50,
            **axis_name,
        },
        "series": series,
    }


def reveal_html(game: Game, tr: Translator, mine: int | None = None, lead: str = "") -> str:
    """The last round revealed, as one block of HTML.

    ``lead`` (HTML) first, then a sentence, the events, the table of farms and the
    coops' accounts. One block rather than a widget a line: a reveal redraws every student's page at
    once, and each widget costs the server a message per page.
    """
    reveal = game.history[-1]
    parts = [lead]
    parts.append(f"<h2>{html.escape(words.round_summary(game, reveal, tr))}</h2>")
    parts += [prose_html("⚡ " + words.event_text(event, tr)) for event in reveal.events]
    parts.append(reveal_table(game, reveal, tr, mine))
    parts += [prose_html(line) for line in coop_accounts(game, reveal, tr)]
    return "".join(parts)


@solara.component
def RevealView(
    game: Game, tr: Translator, mine: int | None = None, version: int = 0, lead: str = ""
):
    """The last round revealed: a sentence, the table, the coops' accounts, the chart.

    ``version`` (the room's, or the number of rounds played) makes it redraw when the
    game moves on: the game object itself stays the same. ``lead`` (HTML) comes first.
    """
    if not game.history:
        return
    solara.HTML(
        tag="div", unsafe_innerHTML=reveal_html(game, tr, mine, lead), classes=["coopsim-prose"]
    )
    IncomesChart(game, tr, mine)


@solara.component
def IncomesChart(game: Game, tr: Translator, mine: int | None = None):
    """Everyone's income over the rounds played, under its title."""
    with solara.Column(classes=["coopsim-incomes"]):
        solara.Text(tr("game.incomes_chart"), style={"font-weight": "600"})
        solara.FigureEcharts(incomes_chart(game, tr, mine), attributes={"style": "height: 420px;"})


@solara.component
def LeverControls(game: Game, tr: Translator, on_lever, version: int = 0):
    """The class's four levers as sliders; each acts from the round being played."""
    solara.HTML(tag="h2", unsafe_innerHTML=html.escape(tr("game.lever.title")))
    for name in LEVERS:
        low, high, step = game.lever_range(name)
        label_key = game.grant_lever if name == "grant" else name
        solara.SliderFloat(
            tr(f"game.lever.{label_key}"),
            value=game.levers[name],
            min=low,
            max=high,
            step=step,
            on_value=lambda v, name=name: on_lever(name, float(v)),
            thumb_label="always",
        )


@solara.component
def EventButtons(tr: Translator, on_event, disabled: bool = False):
    """A button per event the teacher can make happen this round."""
    solara.HTML(tag="h2", unsafe_innerHTML=html.escape(tr("game.teacher.events_title")))
    with solara.Row(style={"flex-wrap": "wrap"}):
        for event in EVENTS:
            solara.Button(
                tr(f"game.event.{event}.label"),
                icon_name="mdi-flash",
                on_click=lambda event=event: on_event(event),
                disabled=disabled,
                outlined=True,
                classes=[f"coopsim-event-{event}"],
            )


@solara.component
def HandoutDownloads(room_or_game: Room | Game, tr: Translator, lang: str, stem: str):
    """The class's one-page summary to download, as PDF or PNG (drawn when clicked)."""
    with solara.Row(style={"flex-wrap": "wrap"}):
        for fmt, mime in (("pdf", "application/pdf"), ("png", "image/png")):
            solara.FileDownload(
                lambda fmt=fmt: handout_bytes(room_or_game, lang, fmt),
                f"{stem}.{fmt}",
                label=tr(f"game.teacher.handout_{fmt}"),
                mime_type=mime,
            )
