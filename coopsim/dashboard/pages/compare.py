"""Compare: two or three policy arms on the same scenario, over several replicates.

The arms share the scenario set on the Explore page and differ in the levers each arm
holds at another value from a given year. They are run by the experiments' engine
(:mod:`coopsim.experiments.arms`), in this process: replicate r of every arm uses the
same seed (common random numbers), so the table of differences compares like with like.
With model uncertainty included, replicate r of every arm also uses the same parameter
set drawn from the calibration's posterior, and the page says which bands it shows.
"""

from __future__ import annotations

import html
import threading
from dataclasses import replace

import solara

from coopsim import Scenario, ScenarioError, levers, sized
from coopsim.dashboard import bands, budget
from coopsim.dashboard.session import LIMITS, SessionState, clamp
from coopsim.dashboard.widgets import downloads
from coopsim.dashboard.widgets.chart_references import reported_lines
from coopsim.dashboard.widgets.charts import compare_charts
from coopsim.dashboard.widgets.common import Prose, use_session
from coopsim.dashboard.widgets.echart import EChartView
from coopsim.dashboard.widgets.settings_panel import shown
from coopsim.experiments.arms import KEY_COLUMNS, Arm, Comparison, Edit, run_arms
from coopsim.i18n import Translator, sign

CHARTED = (
    "coops_registered",
    "coops_active",
    "coops_nominal",
    "membership_rate",
    "coop_market_share",
    "farm_income_mean",
    "subsidy_paid",
)
"""The key numbers charted, one chart each."""

PERCENT = {"membership_rate", "coop_market_share"}
"""Key numbers that are shares, shown as percentages."""


def compare_farms(scenario: Scenario, runs: int, wanted: int = LIMITS.compare_farms[1]) -> int:
    """The most farms a comparison of ``runs`` runs may simulate (limits and compute budget)."""
    wanted = min(wanted, LIMITS.compare_farms[1], scenario.population.farms)
    return budget.farms_within(scenario, wanted, runs=runs, seconds=budget.COMPARE_SECONDS)


def default_arms(state: SessionState, tr: Translator) -> list[Arm]:
    """As set; without KPI pressure; with a higher member grant from the second year."""
    start = state.simulation.scenario.start_year
    return [
        Arm(tr("compare.arm_as_set")),
        Arm(tr("compare.arm_no_kpi"), (Edit("kpi_pressure", 0.0, start),)),
        Arm(tr("compare.arm_grant"), (Edit("member_grant", 300_000.0, start + 1),)),
    ]


def replaced_text(scenario: Scenario, edit: Edit, tr: Translator) -> str:
    """What an arm's edit overrides: the lever's values from the edit's year on, as scheduled."""
    lever = levers.levers("policy")[edit.lever]
    steps = levers.overridden(scenario, edit.lever, edit.year)
    if not steps:  # from a year after the start, with no scheduled change from then on
        steps = [(edit.year, levers.value_at(scenario, edit.lever, edit.year))]
    before = " → ".join(f"{y}: {shown(v, lever.percent, tr) or '–'}" for y, v in steps)
    after = f"{edit.year}: {shown(edit.value, lever.percent, tr)}"
    return tr("compare.overrides", before=before, after=after)


@solara.component
def ArmEditor(state: SessionState, tr: Translator, index: int, arm: Arm, on_arm):
    """One arm: its name and the levers it holds at other values, each from a year."""
    scenario = state.simulation.scenario
    policy = levers.levers("policy")
    names = [n for n, lv in policy.items() if lv.kind in ("number", "integer")]
    labels = {n: tr.lever("policy", n, "")[0] for n in names}
    by_label = {v: k for k, v in labels.items()}
    years = [str(y) for y in range(scenario.start_year, scenario.end_year + 1)]
    error = solara.use_reactive("")

    def set_edit(i: int, **change: object) -> None:
        edits = list(arm.edits)
        edits[i] = replace(edits[i], **change)
        on_arm(replace(arm, edits=tuple(edits)))

    def typed(i: int, text: str) -> None:
        try:
            value = levers.parse(policy[arm.edits[i].lever], text, in_percent=True)
        except ValueError:
            error.set(tr("explore.not_a_number", text=text))
            return
        error.set("")
        set_edit(i, value=value)

    with solara.Card(tr("compare.arm", n=index + 1), style={"min-width": "320px", "flex": "1"}):
        solara.InputText(
            tr("compare.arm_name"),
            value=arm.name,
            on_value=lambda v: on_arm(replace(arm, name=v.strip() or arm.name)),
            continuous_update=False,
        )
        if not arm.edits:
            solara.Text(tr("compare.no_edits"), classes=["coopsim-help"])
        for i, edit in enumerate(arm.edits):
            with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
                solara.Select(
                    tr("explore.change_lever"),
                    values=list(by_label),
                    value=labels[edit.lever],
                    on_value=lambda v, i=i: set_edit(i, lever=by_label[v]),
                    style={"max-width": "220px"},
                )
                lever = policy[edit.lever]
                unit = "%" if lever.percent else tr.unit(lever.unit, scenario.currency)
                solara.InputText(
                    f"{tr('explore.change_value')} ({unit})",
                    value=shown(edit.value, lever.percent, tr),
                    on_value=lambda v, i=i: typed(i, v),
                    continuous_update=False,
                    style={"max-width": "150px"},
                )
                solara.Select(
                    tr("compare.from_year"),
                    values=years,
                    value=str(edit.year),
                    on_value=lambda v, i=i: set_edit(i, year=int(v)),
                    style={"max-width": "110px"},
                )
                solara.Button(
                    icon_name="mdi-delete",
                    icon=True,
                    on_click=lambda i=i: on_arm(
                        replace(arm, edits=arm.edits[:i] + arm.edits[i + 1 :])
                    ),
                )
            solara.Text(replaced_text(scenario, edit, tr), classes=["coopsim-help"])
        if len(arm.edits) < 4:
            solara.Button(
                tr("compare.add_edit"),
                text=True,
                on_click=lambda: on_arm(
                    replace(arm, edits=(*arm.edits, Edit("member_grant", 0.0, scenario.start_year)))
                ),
            )
        if error.value:
            solara.Error(error.value)


def key_number(column: str, value: float, tr: Translator, currency: str, diff: bool = False) -> str:
    """A key number of the table as text.

    A rate in % (a difference of rates in percentage points), money with its sign, never
    "-0"; ``diff`` marks a difference, with a ``+`` when it is above zero as shown.
    """
    if value != value:  # NaN
        return "–"
    if column in PERCENT:
        value, digits = 100 * value, 2
    else:
        digits = 2 if column in ("mean_coop_size", "farm_income_gini") else 0
    value = round(value, digits)  # as shown, so that a "+" goes only before what shows above 0
    text = tr.number(value, digits)
    if column in PERCENT:
        text += " " + tr("compare.pp") if diff else " %"
    if column in ("farm_income_mean", "subsidy_paid", "subsidy_per_active_member"):
        text += f" {sign(currency)}"
    return ("+" if diff and value > 0 else "") + text


def difference_cell(column: str, row, tr: Translator, currency: str) -> str:
    """An arm's difference to the first, with its lowest and highest over replicates.

    As a table cell; greyed, with a star, when that range holds zero: the arms do not
    differ clearly.
    """
    low, high = row["low"], row["high"]
    unclear = low <= 0 <= high and not (low == high == 0)
    text = (
        f"<b>{key_number(column, row['difference'], tr, currency, True)}</b><br><small>"
        f"[{key_number(column, low, tr, currency, True)}; "
        f"{key_number(column, high, tr, currency, True)}]</small>"
    )
    if unclear:
        return f"<td class='coopsim-unclear' style='color: #888'>{text} *</td>"
    return f"<td>{text}</td>"


def _table_html(comparison: Comparison, tr: Translator) -> str:
    currency = comparison.scenario.currency
    arms = comparison.arms
    head = "".join(f"<th>{html.escape(a)}</th>" for a in arms)
    diff_head = "".join(f"<th>{html.escape(a)} − {html.escape(arms[0])}</th>" for a in arms[1:])
    rows = []
    table = comparison.differences
    for column in KEY_COLUMNS:
        part = table[table["column"] == column].set_index("arm")
        means = "".join(
            f"<td>{key_number(column, part.loc[a, 'mean'], tr, currency)}</td>" for a in arms
        )
        diffs = "".join(difference_cell(column, part.loc[a], tr, currency) for a in arms[1:])
        rows.append(f"<tr><td>{html.escape(tr(f'series.{column}'))}</td>{means}{diffs}</tr>")
    return (
        f"<table class='coopsim-table'><thead><tr><th></th>{head}{diff_head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


@solara.component
def Results(comparison: Comparison, tr: Translator, source: str = ""):
    """Overlaid charts with replicate bands, the table of differences and the downloads.

    ``source`` is the scenario's file name in the list (for its country's reported figures).
    """
    spec = comparison.scenario
    solara.Text(
        tr(
            "compare.result",
            n=len(comparison.arms),
            replicates=comparison.replicates,
            seed=comparison.seed,
        ),
        style={"font-weight": "600"},
    )
    bands = (
        tr("compare.bands_posterior", runs=comparison.replicates)
        if comparison.model_uncertainty
        else tr("compare.bands_seeds")
    )
    solara.Text(bands, classes=["coopsim-bands"])
    # observed figures of the scenario's country; the aims are not drawn, an arm may change them
    reported = {c: reported_lines(spec, tr, c, source) for c in CHARTED}
    stem = downloads.file_stem(spec.name)
    with solara.Row(style={"flex-wrap": "wrap", "gap": "6px"}, classes=["coopsim-chart"]):
        for chart in compare_charts(comparison.results, spec, tr, CHARTED, reported):
            EChartView(chart, tr, f"{stem}_comparison_{chart.key}")
    solara.Text(
        tr("compare.table_title", year=int(comparison.results["year"].max())),
        style={"font-weight": "600", "margin-top": "8px"},
    )
    solara.Text(tr("compare.table_note"), classes=["coopsim-help"])
    solara.HTML(tag="div", unsafe_innerHTML=_table_html(comparison, tr))
    solara.Text(tr("compare.unclear"), classes=["coopsim-help"])
    with solara.Row():
        solara.FileDownload(
            downloads.csv_bytes(comparison.results),
            f"{stem}_comparison_runs.csv",
            label=tr("compare.csv_runs"),
            mime_type="text/csv",
        )
        solara.FileDownload(
            downloads.csv_bytes(comparison.differences),
            f"{stem}_comparison_horizon.csv",
            label=tr("compare.csv_table"),
            mime_type="text/csv",
        )


@solara.component
def Page(state: SessionState | None = None):
    """The Compare page."""
    state = use_session(state)
    tr = Translator(state.lang.value)
    _ = state.settings.value  # the base scenario is the one set on Explore
    sim = state.simulation
    arms = state.arms.value if state.arms.value is not None else default_arms(state, tr)
    count = solara.use_reactive(2)
    # as many runs and farms as behind Explore's sentence: its first arm gives those numbers
    replicates = solara.use_reactive(min(bands.BAND_RUNS, LIMITS.replicates[1]))
    uncertain = solara.use_reactive(False)
    farms = solara.use_reactive(len(sim.model.farms))
    request = solara.use_reactive(0)
    progress = solara.use_reactive(0.0)
    error = solara.use_reactive("")

    def set_arm(i: int, arm: Arm) -> None:
        new = list(arms)
        new[i] = arm
        state.arms.set(new)

    def compute(cancel: threading.Event) -> None:
        if request.value == 0:
            return
        base = sim.scenario
        chosen = arms[: clamp(count.value, LIMITS.arms)]
        names = [a.name for a in chosen]
        if len(set(names)) < len(names):
            error.set(tr("compare.same_names"))
            return
        n = clamp(replicates.value, LIMITS.replicates)
        named = bool(base.population.named_farms)
        fewest = (
            base.population.farms if named else min(LIMITS.compare_farms[0], base.population.farms)
        )
        runs = len(chosen) * n
        try:
            budget.check(base, fewest, base.name, runs=runs, seconds=budget.COMPARE_SECONDS)
        except ScenarioError as exc:
            error.set(state.problem(exc))
            return
        if not named:
            wanted = clamp(farms.value, LIMITS.compare_farms)
            base = sized(base, farms=max(fewest, compare_farms(base, runs, wanted)))
        try:
            comparison = run_arms(
                base,
                chosen,
                n,
                sim.seed,
                model_uncertainty=uncertain.value,
                progress=progress.set,
                cancel=cancel,
            )
        except ScenarioError as exc:
            error.set(state.problem(exc))
            return
        if cancel.is_set():
            return
        if comparison.errors:
            failed = comparison.errors
            error.set(tr("compare.failed", n=len(failed), total=len(chosen) * n, error=failed[0]))
            return
        state.comparison.set(comparison)

    task = solara.use_thread(compute, dependencies=[request.value], intrusive_cancel=False)
    running = task.state == solara.ResultState.RUNNING

    def start() -> None:
        error.set("")
        progress.set(0.0)
        request.set(request.value + 1)

    def include_uncertainty(on: bool) -> None:
        uncertain.set(on)
        if state.comparison.value is not None:  # the results shown follow the switch
            start()

    Prose(tr("compare.intro", scenario=sim.scenario.name_in(tr.lang), seed=sim.seed))
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.ToggleButtonsSingle(value=count.value, values=[2, 3], on_value=count.set)
        solara.Text(tr("compare.arms"))
        solara.InputInt(
            tr("compare.replicates", low=LIMITS.replicates[0], high=LIMITS.replicates[1]),
            value=replicates,
            continuous_update=False,
        )
        if not sim.scenario.population.named_farms:
            low = LIMITS.compare_farms[0]
            high = compare_farms(sim.scenario, count.value * replicates.value)
            solara.InputInt(
                tr("compare.farms", low=tr.number(low), high=tr.number(high)),
                value=farms,
                continuous_update=False,
            )
        solara.Switch(
            label=tr("compare.model_uncertainty"),
            value=uncertain.value,
            on_value=include_uncertainty,
            disabled=running,
            classes=["coopsim-model-uncertainty"],
        )
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        for i, arm in enumerate(arms[: count.value]):
            ArmEditor(state, tr, i, arm, lambda a, i=i: set_arm(i, a))
    solara.Button(
        tr("compare.run"),
        icon_name="mdi-play",
        on_click=start,
        disabled=running,
        color="primary",
        classes=["coopsim-compare-run"],
    )
    if running:
        solara.ProgressLinear(value=100 * progress.value)
    if error.value:
        solara.Error(error.value)
    if state.comparison.value is not None:
        Results(state.comparison.value, tr, state.settings.value.source)
