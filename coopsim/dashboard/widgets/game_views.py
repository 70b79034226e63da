"""Views of the classroom game the teacher's, the students' and the Classroom page share.

A room lives outside any browser session (:mod:`coopsim.classroom.room`);
:func:`use_room` subscribes a page to it, so the page is drawn again whenever anybody
changes the room: a choice reaches the teacher, a reveal reaches every student.
"""

from __future__ import annotations

import html
import io
import threading

import numpy as np
import solara
from solara.server import kernel_context

from coopsim.classroom import words
from coopsim.classroom.game import EVENTS, LEVERS, Game, Reveal
from coopsim.classroom.room import Room
from coopsim.dashboard.widgets.common import Prose
from coopsim.i18n import Translator

GAME_CSS = """
.coopsim-game { font-size: 1.3em; line-height: 1.45; }
.coopsim-game h1 { font-size: 2.0em; margin: 4px 0; }
.coopsim-game h2 { font-size: 1.5em; margin: 10px 0 4px 0; }
.coopsim-code { font-size: 4.5em; font-weight: 700; letter-spacing: 0.15em; }
.coopsim-offer { padding: 10px 14px; margin: 6px 0; border: 2px solid #ccc; border-radius: 8px; }
.coopsim-offer-chosen { border-color: #1e5631; background: #eef6ef; }
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


def use_room(room: Room | None) -> int:
    """Subscribe the page to the room; returns the room's version (drawn again on change).

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

        return room.subscribe(redraw)

    solara.use_effect(subscribe, [room])
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
    solara.HTML(tag="h1", unsafe_innerHTML=html.escape(tr("game.you_are", name=game.names[farm])))
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
    for f, name in enumerate(game.names):
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
                members=words.name_list(tr, [game.names[m] for m in account.members]),
                machines=", ".join(machines) or tr("game.no_machines"),
                cost=tr.money(account.cost, currency),
                alone=tr.money(account.machinery_alone, currency),
                shared=tr.money(account.machinery_shared, currency),
            )
        )
    return lines


def incomes_png(game: Game, tr: Translator, mine: int | None = None) -> bytes:
    """Everyone's income over the rounds played, as a PNG (the student's line in bold)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    rounds = np.arange(1, len(game.history) + 1)
    income = np.array([r.income for r in game.history]) / 1000
    fig = Figure(figsize=(8, 4.2), dpi=100)
    ax = fig.subplots()
    for f, name in enumerate(game.names):
        bold = f == mine
        ax.plot(
            rounds,
            income[:, f],
            marker="o",
            lw=3.5 if bold else 1.2,
            color="#1e5631" if bold else None,
            alpha=1 if bold or mine is None else 0.55,
            label=f"{name} ({tr('game.your_line')})" if bold else name,
        )
    ax.set_xlabel(tr("game.year_axis"), fontsize=13)
    ax.set_ylabel(f"{tr('game.income_axis')}, 1000 {game.scenario.currency}", fontsize=13)
    ax.set_xticks(rounds)
    ax.tick_params(labelsize=12)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=10, ncol=2, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png")
    return out.getvalue()


@solara.component
def RevealView(game: Game, tr: Translator, mine: int | None = None, version: int = 0):
    """The last round revealed: a sentence, the table, the coops' accounts, the chart.

    ``version`` (the room's, or the number of rounds played) makes it redraw when the
    game moves on: the game object itself stays the same.
    """
    if not game.history:
        return
    reveal = game.history[-1]
    solara.HTML(tag="h2", unsafe_innerHTML=html.escape(words.round_summary(game, reveal, tr)))
    for event in reveal.events:
        Prose("⚡ " + words.event_text(event, tr))
    solara.HTML(tag="div", unsafe_innerHTML=reveal_table(game, reveal, tr, mine))
    for line in coop_accounts(game, reveal, tr):
        Prose(line)
    solara.Text(tr("game.incomes_chart"), style={"font-weight": "600"})
    solara.Image(incomes_png(game, tr, mine), classes=["coopsim-chart"])


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
