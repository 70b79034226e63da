"""Explain: one farm of the Explore page's simulation and its decisions in words.

The farm is picked by number or in its village. Its history comes from the decision
log of the simulation (made again with the log kept, same scenario and seed, so the
decisions are exactly those of the simulation on the Explore page), told by
:mod:`coopsim.narration` in the page's language.
"""

from __future__ import annotations

import solara

from coopsim.dashboard.components import (
    FarmPicker,
    Prose,
    VillageImage,
    VillagePicker,
    shown_village,
    use_session,
)
from coopsim.dashboard.state import Run, SessionState, View
from coopsim.dashboard.village import farms_of
from coopsim.entities import NO_COOP, STATUS_NAMES
from coopsim.i18n import Translator
from coopsim.narration import farm_history
from coopsim.scenario import ASSETS, FARM_TYPES


@solara.component
def FarmFacts(run: Run, view: View, tr: Translator, farm: int):
    """What the farm is: type, land, herd, machines, coop and income."""
    farms = run.model.farms
    currency = run.scenario.currency
    owned = [tr(f"asset.{a}") for i, a in enumerate(ASSETS) if farms.owns[farm, i]]
    coop = int(view.coop[farm])
    if not view.farming[farm]:
        where = tr("explain.quit")
    elif coop == NO_COOP:
        where = tr("explain.alone")
    else:
        where = tr(
            "explain.in_coop",
            coop=coop,
            status=tr(f"village.{STATUS_NAMES[int(view.coop_status[coop])]}"),
        )
    lines = [
        tr(f"farm_type.{FARM_TYPES[int(farms.kind[farm])]}"),
        tr(
            "explain.land",
            land=tr.number(farms.land_ha[farm], 1),
            herd=tr.number(farms.livestock_head[farm]),
        ),
        tr("explain.owns", assets=", ".join(owned) if owned else tr("explain.owns_nothing")),
        where,
    ]
    if len(view.income):
        lines.append(
            tr(
                "explain.income",
                year=view.year,
                income=tr.money(view.income[farm], currency),
                alone=tr.money(view.payoff_alone[farm], currency),
            )
        )
    title = run.names[farm] if run.names else tr("explain.farm", farm=farm)
    with solara.Card(title):
        for line in lines:
            solara.Text(line)
            solara.HTML(tag="br")


@solara.component
def History(run: Run, view: View, tr: Translator, farm: int):
    """The farm's decisions in words (the log is made in the background)."""
    result = solara.use_thread(
        run.decisions, dependencies=[id(run), view.year], intrusive_cancel=False
    )
    if result.state != solara.ResultState.FINISHED or result.value is None:
        solara.Text(tr("explain.preparing"))
        solara.ProgressLinear(True)
        return
    lines = farm_history(result.value, farm, tr.lang, run.scenario.currency)
    if view.year < run.scenario.start_year:
        solara.Info(tr("explain.not_started"))
    elif not lines:
        solara.Info(tr("explain.no_decisions", farm=farm))
    with solara.Column(classes=["coopsim-history"]):
        for line in lines:
            Prose(line)


@solara.component
def Page(state: SessionState | None = None):
    """The Explain page."""
    state = use_session(state)
    tr = Translator(state.lang.value)
    view = state.view.value
    run = state.run
    v = shown_village(run, view, state.village.value)
    farm = state.farm.value
    if not 0 <= farm < len(run.model.farms) or run.village[farm] != v:
        # none chosen in this village: a member if there is one (it has a story to tell)
        here = farms_of(run.village, v)
        members = here[view.coop[here] != NO_COOP]
        farm = int(members[0] if len(members) else here[0])

    def pick(f: int) -> None:
        state.farm.set(max(0, min(len(run.model.farms) - 1, f)))
        state.village.set(int(run.village[state.farm.value]))

    Prose(tr("explain.intro", scenario=run.scenario.name, year=view.year))
    with solara.Columns([2, 3]):
        with solara.Column():
            solara.InputInt(
                tr("explain.by_number", high=len(run.model.farms) - 1),
                value=farm,
                on_value=pick,
                continuous_update=False,
            )
            VillagePicker(run, view, tr, state.village)
            FarmPicker(run, tr, v, farm, pick)
            VillageImage(run, view, tr, v, highlight=farm)
        with solara.Column():
            FarmFacts(run, view, tr, farm)
            solara.Text(tr("explain.history"), style={"font-weight": "600", "font-size": "1.2em"})
            History(run, view, tr, farm)
