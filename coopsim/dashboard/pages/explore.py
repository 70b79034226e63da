"""Explore: pick a scenario, set the levers, run it year by year and watch the charts.

Every change of a lever starts the run again from its first year, so what the charts
show always follows from the settings on the left.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import solara

from coopsim import Scenario
from coopsim.brief import brief_bytes, make_brief
from coopsim.dashboard import bands, budget
from coopsim.dashboard.session import (
    LIMITS,
    UPLOADED,
    SessionState,
    Snapshot,
    farms_allowed,
)
from coopsim.dashboard.widgets import downloads
from coopsim.dashboard.widgets.chart_export import FORMATS, charts_image
from coopsim.dashboard.widgets.chart_references import fixed_lines
from coopsim.dashboard.widgets.charts import explore_charts, sample_bands
from coopsim.dashboard.widgets.common import (
    BigNumber,
    FarmPicker,
    Prose,
    VillageChart,
    VillagePicker,
    shown_village,
    use_session,
)
from coopsim.dashboard.widgets.echart import EChartView
from coopsim.dashboard.widgets.file_chooser import FileChooser
from coopsim.dashboard.widgets.region_map import RegionMap
from coopsim.dashboard.widgets.settings_panel import ChangesEditor, LeverGroups
from coopsim.experiments.baseline import Findings
from coopsim.i18n import Translator


def scenario_titles(catalogue: dict[str, Scenario], lang: str) -> dict[str, str]:
    """Each scenario of the catalogue by its title in ``lang``; an upload by its file name.

    Two scenarios of the same title are told apart by their file names.
    """
    titles = {k: k if k.startswith(UPLOADED) else s.name_in(lang) for k, s in catalogue.items()}
    twice = {t for t in titles.values() if list(titles.values()).count(t) > 1}
    return {k: f"{t} ({k})" if t in twice else t for k, t in titles.items()}


@solara.component
def ScenarioPicker(state: SessionState, tr: Translator):
    """The scenario files, an upload, and what the chosen scenario is about."""
    settings = state.settings.value
    titles = scenario_titles(state.catalogue.value, tr.lang)
    solara.Select(
        tr("explore.scenario"),
        values=list(titles.values()),
        value=titles[settings.source],
        on_value=lambda title: state.choose(next(k for k, t in titles.items() if t == title)),
    )

    def dropped(info: dict) -> None:
        if info["size"] > LIMITS.upload_bytes:
            state.upload_error.set(
                tr("explore.too_big", name=info["name"], limit=tr.number(LIMITS.upload_bytes))
            )
            return
        state.upload(info["name"], info["file_obj"].read(LIMITS.upload_bytes + 1))

    solara.FileDrop(
        label=tr("explore.upload", limit=LIMITS.upload_bytes // 1000), on_file=dropped, lazy=True
    )
    FileChooser(tr("explore.choose_file"), on_file=dropped, accept=".toml")
    if state.upload_error.value:
        solara.Error(tr("explore.upload_error", message=state.upload_error.value))
    base = state.base
    with solara.Details(summary=base.name_in(tr.lang)):
        Prose(base.description_in(tr.lang).strip() or "–")


@solara.component
def RunSettings(state: SessionState, tr: Translator):
    """Farms, years and seed: bounded, applied when changed."""
    settings = state.settings.value
    scenario = state.simulation.scenario

    def set_(**change: object) -> None:
        state.apply(replace(settings, **change))

    named = bool(scenario.population.named_farms)
    low, high = LIMITS.farms[0], farms_allowed(scenario)
    solara.InputInt(
        tr("explore.farms", low=tr.number(low), high=tr.number(high)),
        value=len(state.simulation.model.farms),
        on_value=lambda v: set_(farms=max(low, min(high, v))),
        disabled=named,
        continuous_update=False,
    )
    if not named and high < min(LIMITS.farms[1], scenario.population.farms):
        Prose(
            tr(
                "explore.farms_budget",
                costly=budget.estimate(scenario).costly,
                seconds=f"{budget.STEP_SECONDS:g}",
                setup=f"{budget.SETUP_SECONDS:g}",
                run=f"{budget.RUN_SECONDS:g}",
            ),
            classes=["coopsim-help"],
        )
    solara.Text(
        tr(
            "explore.scale",
            scale=tr.number(scenario.population.scale, 1),
            farms=tr.number(scenario.population.farms),
        ),
        classes=["coopsim-help"],
    )
    solara.InputInt(
        tr("explore.years", low=LIMITS.years[0], high=LIMITS.years[1]),
        value=scenario.years,
        on_value=lambda v: set_(years=v),
        continuous_update=False,
    )
    solara.InputInt(
        tr("explore.seed"),
        value=state.simulation.seed,
        on_value=lambda v: set_(seed=max(0, v)),
        continuous_update=False,
    )


@solara.component
def Controls(state: SessionState, tr: Translator):
    """Reset, step, play/pause, run to the horizon, and the speed of play."""
    playing = state.playing.value
    done = state.done.value

    def play(cancel: threading.Event) -> None:
        while playing and not cancel.is_set() and not state.simulation.done:
            state.step()
            cancel.wait(state.delay.value)

    solara.use_thread(play, dependencies=[playing], intrusive_cancel=False)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "4px"}):
        solara.Button(
            tr("explore.reset"),
            icon_name="mdi-restore",
            on_click=state.reset,
            outlined=True,
            classes=["coopsim-reset"],
        )
        solara.Button(
            tr("explore.step"),
            icon_name="mdi-step-forward",
            on_click=state.step,
            disabled=done or playing,
            color="primary",
            classes=["coopsim-step"],
        )
        if playing:
            solara.Button(
                tr("explore.pause"),
                icon_name="mdi-pause",
                on_click=lambda: state.playing.set(False),
                classes=["coopsim-pause"],
            )
        else:
            solara.Button(
                tr("explore.play"),
                icon_name="mdi-play",
                on_click=lambda: state.playing.set(True),
                disabled=done,
                classes=["coopsim-play"],
            )
        solara.Button(
            tr("explore.run_all"),
            icon_name="mdi-fast-forward",
            on_click=state.run_to_end,
            disabled=done or playing,
            classes=["coopsim-run-all"],
        )
    solara.SliderFloat(tr("explore.delay"), value=state.delay, min=0.0, max=2.0, step=0.1)


def use_findings(state: SessionState) -> tuple[solara.Result[Findings], solara.Reactive[float]]:
    """The runs behind the bands, made in the background, and the share of them done.

    The session's scenario over several seeds and without the programme
    (:mod:`coopsim.dashboard.bands`).
    """
    sim = state.simulation
    progress = solara.use_reactive(0.0)

    def work(cancel: threading.Event) -> Findings:
        progress.set(0.0)
        return bands.findings_of(sim, progress.set, cancel)

    # the simulation itself, not its id: a new one may be given the id of one freed
    return solara.use_thread(work, dependencies=[sim]), progress


@solara.component
def ResultSentence(
    state: SessionState,
    tr: Translator,
    result: solara.Result[Findings],
    found: Findings | None,
    progress: solara.Reactive[float],
):
    """The run's result in words with its bands and costs, worked out in the background.

    Until the runs behind the bands are done (``found``), the page says how far they
    are; the brief (PDF) of the result can be downloaded once they are.
    """
    sim = state.simulation
    if result.state == solara.ResultState.ERROR:
        solara.Warning(tr("explore.bands_failed", message=str(result.error)))
        return
    if found is None:
        solara.Text(
            tr("explore.bands_running", runs=bands.BAND_RUNS, done=tr.percent(progress.value, 0)),
            classes=["coopsim-help", "coopsim-bands-running"],
        )
        solara.ProgressLinear(value=100 * progress.value)
        return
    top = found.headlines[found.arms[0].name]
    Prose(f"**{top.sentence(tr)}**", classes=["coopsim-result"])
    if top.per_coop_year is not None:
        solara.Text(
            tr("explore.per_coop", cost=top.cost_text(tr, "coop")), classes=["coopsim-per-coop"]
        )
    warning = top.warning(tr)
    if warning:
        solara.Warning(warning, classes=["coopsim-few-coops"])
    solara.Text(f"{top.band_note(tr)} {top.granularity(tr)}", classes=["coopsim-help"])

    def brief() -> bytes:
        return brief_bytes(make_brief(found, tr.lang, original=state.base), "pdf")

    solara.FileDownload(
        brief,
        f"{downloads.file_stem(sim.scenario.name)}_brief_{tr.lang}.pdf",
        label=tr("explore.brief"),
        mime_type="application/pdf",
    )


@solara.component
def KeyNumbers(state: SessionState, snapshot: Snapshot, tr: Translator):
    """The latest year's key numbers, large."""
    scenario = state.simulation.scenario
    if not len(snapshot.table):
        solara.Text(tr("explore.not_started", start=scenario.start_year), classes=["coopsim-year"])
        return
    row = snapshot.table.iloc[-1]
    currency = scenario.currency
    title = "explore.at_horizon" if state.simulation.done else "explore.in_year"
    solara.Text(tr(title, year=int(row["year"]), end=scenario.end_year), classes=["coopsim-year"])
    solara.Text(
        tr("explore.one_run", seed=state.simulation.seed, runs=bands.BAND_RUNS),
        classes=["coopsim-help"],
    )
    with solara.Row(style={"flex-wrap": "wrap"}):
        BigNumber(
            tr("series.coops_active"),
            tr.number(row["coops_active"]),
            tr("explore.nominal_note", n=tr.number(row["coops_nominal"])),
        )
        BigNumber(
            tr("series.members"),
            tr.number(row["members"]),
            tr("explore.of_farms", share=tr.percent(row["membership_rate"])),
        )
        BigNumber(tr("series.mean_coop_size"), tr.number(row["mean_coop_size"], 1))
        BigNumber(tr("series.coop_market_share"), tr.percent(row["coop_market_share"]))
        BigNumber(
            tr("series.farm_income_mean"),
            tr.money(row["farm_income_mean"], currency),
            tr("explore.gini", gini=tr.number(row["farm_income_gini"], 2)),
        )
        BigNumber(
            tr("series.subsidy_paid"),
            tr.money(row["subsidy_paid"], currency),
            tr("explore.total", total=tr.money(snapshot.table["subsidy_paid"].sum(), currency)),
        )


@solara.component
def Charts(state: SessionState, snapshot: Snapshot, tr: Translator, found: Findings | None):
    """The charts of the model table, drawn by the browser (the run stepped: one of a sample).

    Once the runs behind the result sentence are made (``found``), each chart also shows
    their mean and their lowest–highest band in grey, under the run stepped.
    """
    sim = state.simulation
    source = state.settings.value.source

    def lines() -> dict:
        fixed = fixed_lines(sim.scenario, tr, source)
        if found is None:
            return fixed
        results = found.comparison.results
        sample = sample_bands(results[results["arm"] == found.arms[0].name], sim.scenario, tr)
        return {column: sample[column] + fixed[column] for column in fixed}

    fixed = solara.use_memo(lines, dependencies=[sim, tr.lang, source, found])
    stem = downloads.file_stem(sim.scenario.name)
    solara.Text(tr("echart.how_to_read"), classes=["coopsim-help"])
    if found is not None:
        solara.Text(tr("echart.with_bands", runs=bands.BAND_RUNS), classes=["coopsim-help"])
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}, classes=["coopsim-chart"]):
        for chart in explore_charts(snapshot.table, sim.scenario, tr, fixed):
            EChartView(chart, tr, f"{stem}_{chart.key}")


@solara.component
def Village(state: SessionState, snapshot: Snapshot, tr: Translator):
    """One village's network coloured by coop, and a farm to explain."""
    sim = state.simulation
    v = shown_village(sim, snapshot, state.village.value)
    router = solara.use_router()

    def explain(farm: int) -> None:
        state.farm.set(farm)
        state.village.set(v)
        router.push("explain")

    solara.Text(tr("village.title"), style={"font-weight": "600"})
    VillagePicker(sim, snapshot, tr, state.village)
    VillageChart(sim, snapshot, tr, v, on_farm=explain)
    FarmPicker(sim, tr, v, -1, explain)
    solara.Text(tr("village.pick_to_explain"), classes=["coopsim-help"])


@solara.component
def Regions(state: SessionState, snapshot: Snapshot, tr: Translator):
    """The regions as tiles, following the year; a village clicked is shown below."""
    sim = state.simulation
    kpi = sim.scenario.policy_in(max(snapshot.year, sim.scenario.start_year)).kpi_coops_per_region
    RegionMap(
        sim.region,
        sim.village,
        snapshot,
        sim.scenario.population.regions,
        sim.model.scale,
        kpi,
        tr,
        on_village=state.village.set,
    )


@solara.component
def Downloads(state: SessionState, tr: Translator):
    """The tables as CSV, the charts as PNG and SVG, the scenario as TOML (each made on click)."""
    # the file names follow the scenario and seed; the contents are made from the
    # simulation as it is at the click
    _ = state.settings.value
    stem = downloads.file_stem(state.simulation.scenario.name)

    def table(name: str) -> bytes:
        sim = state.simulation
        with sim.lock:
            model = sim.model
            tables = {
                "model": model.table,
                "lineage": model.lineage_table,
                "payments": model.payments_table,
            }
            return downloads.csv_bytes(tables[name]())

    def charts(fmt: str) -> bytes:
        sim = state.simulation
        with sim.lock:
            data = sim.model.table()
        fixed = fixed_lines(sim.scenario, tr, state.settings.value.source)
        return charts_image(explore_charts(data, sim.scenario, tr, fixed), tr, fmt)

    def scenario() -> bytes:
        sim = state.simulation
        years_run = sim.model.year - sim.scenario.start_year
        return downloads.scenario_toml(sim.scenario, sim.seed, years_run).encode("utf-8")

    solara.Text(tr("explore.exports"), style={"font-weight": "600"})
    with solara.Column(style={"gap": "4px"}):
        for name in ("model", "lineage", "payments"):
            solara.FileDownload(
                lambda name=name: table(name),
                f"{stem}_{name}.csv",
                label=tr(f"explore.csv_{name}"),
                mime_type="text/csv",
            )
        for fmt, label in (("png", "explore.png"), ("svg", "echart.svg")):
            solara.FileDownload(
                lambda fmt=fmt: charts(fmt),
                f"{stem}_charts.{fmt}",
                label=tr(label),
                mime_type=FORMATS[fmt],
            )
        solara.FileDownload(
            scenario,
            f"{stem}_seed{state.simulation.seed}.toml",
            label=tr("explore.toml"),
            mime_type="application/toml",
        )


@solara.component
def SimulationPanel(state: SessionState, tr: Translator, found: Findings | None):
    """Everything that follows the simulation year by year (the one part redrawn after a step)."""
    snapshot = state.snapshot.value
    KeyNumbers(state, snapshot, tr)
    Charts(state, snapshot, tr, found)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "24px", "align-items": "flex-start"}):
        with solara.Column(style={"min-width": "320px", "flex": "1"}):
            Regions(state, snapshot, tr)
        with solara.Column(style={"min-width": "320px", "flex": "1"}):
            Village(state, snapshot, tr)


@solara.component
def Results(state: SessionState, tr: Translator):
    """The result sentence and what follows the run; redrawn when the bands are made.

    (The downloads are not part of it: a download under way is not cut short when the
    bands arrive.)
    """
    result, progress = use_findings(state)
    found = result.value if result.state == solara.ResultState.FINISHED else None
    if found is not None and found.scenario is not state.simulation.scenario:
        found = None  # made for settings changed since
    ResultSentence(state, tr, result, found, progress)
    SimulationPanel(state, tr, found)


@solara.component
def Page(state: SessionState | None = None):
    """The Explore page."""
    state = use_session(state)
    tr = Translator(state.lang.value)
    with solara.Columns([1, 3]):
        with solara.Column():
            ScenarioPicker(state, tr)
            RunSettings(state, tr)
            if state.error.value:
                solara.Error(tr("explore.value_error", message=state.error.value))
            Controls(state, tr)
            ChangesEditor(state, tr)
            LeverGroups(state, tr)
        with solara.Column():
            Results(state, tr)
            Downloads(state, tr)
