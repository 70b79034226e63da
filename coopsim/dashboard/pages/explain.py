"""Explain: one farm of the Explore page's simulation and its decisions in words.

The farm is picked by number or in its village. Its history comes from the decision
log of the simulation (made again with the log kept, same scenario and seed, so the
decisions are exactly those of the simulation on the Explore page), told by
:mod:`coopsim.narration` in the page's language.
"""

from __future__ import annotations

import solara

from coopsim.dashboard.session import SessionState, Simulation, Snapshot
from coopsim.dashboard.widgets.common import (
    FarmPicker,
    Prose,
    VillageChart,
    VillagePicker,
    shown_village,
    use_session,
)
from coopsim.dashboard.widgets.village_map import farms_of
from coopsim.entities import NO_COOP, STATUS_NAMES
from coopsim.i18n import Translator
from coopsim.narration import after_farming, farm_history
from coopsim.scenario import ASSETS, FARM_TYPES


@solara.component
def FarmFacts(sim: Simulation, snapshot: Snapshot, tr: Translator, farm: int):
    """What the farm is: type, land, herd, machines, coop and income.

    A farm that quit farming has sold its land and earns nothing from farming: it is
    said so, without "0.0 ha" and an income of 0.
    """
    farms = sim.model.farms
    currency = sim.scenario.currency
    lines = [tr(f"farm_type.{FARM_TYPES[int(farms.kind[farm])]}")]
    coop = int(snapshot.coop[farm])
    if not snapshot.farming[farm]:
        lines.append(tr("explain.quit"))
    else:
        owned = [tr(f"asset.{a}") for i, a in enumerate(ASSETS) if farms.owns[farm, i]]
        lines += [
            tr(
                "explain.land",
                land=tr.number(farms.land_ha[farm], 1),
                herd=tr.number(farms.livestock_head[farm]),
            ),
            tr("explain.owns", assets=", ".join(owned) if owned else tr("explain.owns_nothing")),
            tr("explain.alone")
            if coop == NO_COOP
            else tr(
                "explain.in_coop",
                coop=coop,
                status=tr(f"village.{STATUS_NAMES[int(snapshot.coop_status[coop])]}"),
            ),
        ]
        if len(snapshot.income):
            lines.append(
                tr(
                    "explain.income",
                    year=snapshot.year,
                    income=tr.money(snapshot.income[farm], currency),
                    alone=tr.money(snapshot.payoff_alone[farm], currency),
                )
            )
    names = sim.names_in(tr.lang)
    title = names[farm] if names else tr("explain.farm", farm=farm)
    with solara.Card(title):
        for line in lines:
            solara.Text(line)
            solara.HTML(tag="br")


@solara.component
def History(sim: Simulation, snapshot: Snapshot, tr: Translator, farm: int):
    """The farm's decisions in words (the log is made in the background)."""
    result = solara.use_thread(
        sim.decisions, dependencies=[sim, snapshot.year], intrusive_cancel=False
    )
    if result.state != solara.ResultState.FINISHED or result.value is None:
        solara.Text(tr("explain.preparing"))
        solara.ProgressLinear(True)
        return
    lines = farm_history(result.value, farm, tr.lang, sim.scenario.currency)
    stopped = after_farming(result.value, farm, tr.lang, sim.scenario.currency)
    if stopped is not None:
        solara.Info(stopped, classes=["coopsim-after-farming"])
    if snapshot.year < sim.scenario.start_year:
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
    snapshot = state.snapshot.value
    sim = state.simulation
    v = shown_village(sim, snapshot, state.village.value)
    farm = state.farm.value
    if not 0 <= farm < len(sim.model.farms) or sim.village[farm] != v:
        # none chosen in this village: a member if there is one (it has a story to tell)
        here = farms_of(sim.village, v)
        members = here[snapshot.coop[here] != NO_COOP]
        farm = int(members[0] if len(members) else here[0])

    def pick(f: int) -> None:
        state.farm.set(max(0, min(len(sim.model.farms) - 1, f)))
        state.village.set(int(sim.village[state.farm.value]))

    Prose(tr("explain.intro", scenario=sim.scenario.name_in(tr.lang), year=snapshot.year))
    with solara.Columns([2, 3]):
        with solara.Column():
            solara.InputInt(
                tr("explain.by_number", high=len(sim.model.farms) - 1),
                value=farm,
                on_value=pick,
                continuous_update=False,
            )
            VillagePicker(sim, snapshot, tr, state.village)
            FarmPicker(sim, tr, v, farm, pick)
            VillageChart(sim, snapshot, tr, v, on_farm=pick, highlight=farm)
        with solara.Column():
            FarmFacts(sim, snapshot, tr, farm)
            solara.Text(tr("explain.history"), style={"font-weight": "600", "font-size": "1.2em"})
            History(sim, snapshot, tr, farm)
