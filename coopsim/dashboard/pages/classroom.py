"""Classroom: the article's village, year by year, told in large type.

One farm has a tractor, one a truck, one a combine, others barns. Each step shows
who pools what in which coop, what each farm's machinery costs alone and through the
coop, its income, and the decisions of the year in words (:mod:`coopsim.narration`).
"""

from __future__ import annotations

import html

import numpy as np
import solara

from coopsim.dashboard.session import SessionState, Simulation, Snapshot
from coopsim.dashboard.widgets.common import Prose, VillageImage, use_session
from coopsim.entities import NO_COOP, NOMINAL
from coopsim.i18n import Translator
from coopsim.narration import decision_text
from coopsim.scenario import ASSETS


def short_name(sim: Simulation, farm: int) -> str:
    """A farm's name without its description ("Aidar" of "Aidar, who has a tractor")."""
    return sim.names[farm].split(",")[0] if sim.names else f"#{farm}"


def _names(tr: Translator, names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return tr("classroom.and", first=", ".join(names[:-1]), last=names[-1])


def pooled(sim: Simulation, snapshot: Snapshot, tr: Translator) -> list[str]:
    """For each coop of the village, a sentence on who pools which machines in it."""
    owns = sim.model.farms.owns
    coops = sorted({int(k) for k in snapshot.coop if k != NO_COOP})
    if not coops:
        return [tr("classroom.nobody")]
    lines = []
    for k in coops:
        members = np.flatnonzero(snapshot.coop == k)
        what = []
        for a, asset in enumerate(ASSETS):
            owners = [short_name(sim, int(f)) for f in members if owns[f, a]]
            if owners:
                what.append(
                    tr(f"classroom.asset_{asset}", owners=_names(tr, owners), n=len(owners))
                )
        nominal = snapshot.coop_status[k] == NOMINAL
        lines.append(
            tr(
                "classroom.coop_nominal" if nominal else "classroom.coop",
                k=k,
                n=len(members),
                members=_names(tr, [short_name(sim, int(f)) for f in members]),
                what=_names(tr, what) if what else tr("classroom.no_machines"),
            )
        )
    return lines


def farm_table(sim: Simulation, snapshot: Snapshot, tr: Translator) -> str:
    """The village's farms as an HTML table: machines, costs and income of the year."""
    currency = sim.scenario.currency
    owns = sim.model.farms.owns
    head = "".join(
        f"<th>{html.escape(tr(k))}</th>"
        for k in (
            "classroom.farm",
            "classroom.owns",
            "classroom.coop_col",
            "classroom.machinery_alone",
            "classroom.machinery_coop",
            "classroom.income",
            "classroom.income_alone",
        )
    )
    rows = []
    for f in range(len(snapshot.coop)):
        owned = ", ".join(tr(f"asset.{a}") for i, a in enumerate(ASSETS) if owns[f, i]) or "–"
        coop = "–" if snapshot.coop[f] == NO_COOP else str(int(snapshot.coop[f]))
        if len(snapshot.income):
            # the year was priced with the memberships at its start: a machinery share
            # exists only for farms that sold through a coop this year
            share = snapshot.machinery_share[f]
            money = [
                tr.money(snapshot.machinery_alone[f], currency),
                tr.money(share, currency) if share > 0 else "–",
                tr.money(snapshot.income[f], currency),
                tr.money(snapshot.payoff_alone[f], currency),
            ]
        else:
            money = ["–"] * 4
        cells = [short_name(sim, f), owned, coop, *money]
        rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
    body = "".join(rows)
    return (
        f"<table class='coopsim-table'><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


@solara.component
def Page(state: SessionState | None = None):
    """The Classroom page."""
    state = use_session(state)
    tr = Translator(state.lang.value)
    snapshot = state.classroom_snapshot.value
    sim = state.classroom
    scenario = sim.scenario
    started = snapshot.year >= scenario.start_year
    with solara.Column(classes=["coopsim-classroom"]):
        solara.HTML(tag="h1", unsafe_innerHTML=html.escape(scenario.name))
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Button(
                tr("classroom.step"),
                icon_name="mdi-step-forward",
                on_click=state.classroom_step,
                disabled=sim.done,
                color="primary",
                x_large=True,
                classes=["coopsim-classroom-step"],
            )
            solara.Button(
                tr("classroom.reset"),
                icon_name="mdi-restore",
                on_click=state.classroom_reset,
                outlined=True,
                x_large=True,
            )
            solara.Text(
                tr("classroom.year", year=snapshot.year)
                if started
                else tr("classroom.before", year=scenario.start_year),
                style={"font-size": "1.6em", "font-weight": "600", "margin-left": "16px"},
            )
        with solara.Columns([2, 3]):
            with solara.Column():
                VillageImage(sim, snapshot, tr, 0, size=5.5)
            with solara.Column():
                if not started:
                    Prose(tr("classroom.intro"))
                else:
                    solara.Text(tr("classroom.pooling"), style={"font-weight": "600"})
                    for line in pooled(sim, snapshot, tr):
                        Prose(line)
                    decisions = sim.decisions()
                    now = decisions[decisions["year"] == snapshot.year]
                    solara.Text(tr("classroom.decisions"), style={"font-weight": "600"})
                    if not len(now):
                        Prose(tr("classroom.no_decisions"))
                    for row in now.to_dict("records"):
                        Prose(
                            f"**{short_name(sim, int(row['farm']))}** · "
                            + decision_text(row, tr.lang, scenario.currency)
                        )
        if started:
            solara.Text(
                tr("classroom.table_title", year=snapshot.year), style={"font-weight": "600"}
            )
            solara.HTML(tag="div", unsafe_innerHTML=farm_table(sim, snapshot, tr))
            Prose(tr("classroom.table_note"))
