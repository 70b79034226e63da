"""The Explore page's lever controls: every policy and market lever, changes by year.

Each control shows the lever's unit, range and one-line help as the scenario schema
gives them (:mod:`coopsim.levers`), and a policy lever its path over the years; an edit
holds for every year or from a year the user picks (a scheduled change of the lever in
those years is replaced, not left to override it). Shares and rates are entered in
percent, and a lever with a narrow range has a slider. A change starts the run again.
"""

from __future__ import annotations

from typing import Any

import solara

from coopsim import Scenario, ScenarioError, levers
from coopsim.dashboard.session import SessionState
from coopsim.i18n import Translator
from coopsim.levers import Lever

PLAUSIBLE_MAXIMUM = 1e9
"""Upper bounds from here on are the schema's plausible maxima of amounts, not real limits."""


def shown(value: object, percent: bool = False, tr: Translator | None = None) -> str:
    """A lever's value as it is typed: ``500,000``, ``0.25``, ``0.1; 0.08``, or empty.

    With ``percent``, a share is written in percent: ``25`` for 0.25. With ``tr``, whole
    numbers are grouped the language's way (``500 000`` in Kazakh and Russian); a
    fraction keeps its decimal point, which every language's input reads.
    """
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(shown(v, percent, tr) for v in value)
    if percent and isinstance(value, float | int):
        value = round(value * 100, 6)
    if isinstance(value, float | int) and float(value).is_integer():
        return tr.number(value) if tr is not None else f"{int(value):,}"
    return f"{value:g}"


def range_text(lever: Lever, tr: Translator) -> str:
    """The accepted range, e.g. ``0 – 100 %`` or ``≥ 0``, with an empty value's meaning."""
    if lever.kind == "switch":
        return ""
    low = "" if lever.low is None else shown(lever.low, lever.percent, tr)
    # an amount of money is bounded only by a plausible maximum (10^12 or more): not shown
    unbounded = lever.high is None or lever.high >= PLAUSIBLE_MAXIMUM
    high = "" if unbounded else shown(lever.high, lever.percent, tr)
    if low and high:
        text = f"{low} – {high}"
    elif low:
        text = f"{'>' if lever.low_open else '≥'} {low}"
    else:
        text = f"≤ {high}"
    if lever.percent:
        text += " %"
    if lever.optional:
        text += "; " + tr("explore.empty_means_none")
    return tr("explore.range", range=text)


def path_text(scenario: Scenario, lever: Lever, tr: Translator) -> str:
    """A lever's path over the years: ``2016: 500,000 → 2017: 100,000``."""
    steps = levers.path(scenario, lever.name, lever.section)
    return " → ".join(f"{y}: {shown(v, lever.percent, tr) or '–'}" for y, v in steps)


@solara.component
def LeverInput(
    state: SessionState, scenario: Scenario, lever: Lever, tr: Translator, year: int | None
):
    """One lever: its value, unit, range, help and path over the years.

    Args:
        state: the session, whose settings an edit changes.
        lever: the lever shown.
        tr: the page's language.
        scenario: the scenario as run (a new one after every change: the input redraws).
        year: the year an edit holds from, to the horizon (None: every year); the
            lever shows its value in force in that year.
    """
    label, help_text = tr.lever(lever.section, lever.name, lever.help)
    in_year = scenario.start_year if year is None else year
    value = levers.value_at(scenario, lever.name, in_year, lever.section)

    def commit(new: Any) -> None:
        try:
            state.set_values(levers.held_values(scenario, lever.name, new, year, lever.section))
        except ScenarioError as exc:
            state.error.set(state.problem(exc))

    if lever.kind == "switch":
        solara.Checkbox(label=label, value=bool(value), on_value=commit)
    else:
        unit = "%" if lever.percent else tr.unit(lever.unit, scenario.currency)

        def typed(text: str) -> None:
            try:
                commit(levers.parse(lever, text, in_percent=True))
            except ValueError:
                state.error.set(f"{lever.key}: {tr('explore.not_a_number', text=text)}")

        solara.InputText(
            f"{label} ({unit})",
            value=shown(value, lever.percent, tr),
            on_value=typed,
            continuous_update=False,
            classes=[f"coopsim-lever-{lever.name}"],
        )
        if lever.slider and value is not None:
            scale = 100 if lever.percent else 1
            slider = solara.SliderInt if lever.kind == "integer" else solara.SliderFloat
            step = {} if lever.kind == "integer" else {"step": 1.0 if lever.percent else 0.05}
            slider(
                "",
                value=value * scale if lever.percent else value,
                min=lever.low * scale,
                max=lever.high * scale,
                on_value=lambda v: commit(v / scale if lever.percent else v),
                **step,
            )
    notes = [help_text, range_text(lever, tr)]
    if lever.percent:
        notes.append(f"({tr.unit(lever.unit, scenario.currency)})")
    if len(levers.path(scenario, lever.name, lever.section)) > 1:
        notes.append(tr("explore.path", path=path_text(scenario, lever, tr)))
    solara.Text(" ".join(n for n in notes if n), classes=["coopsim-help"])


@solara.component
def LeverGroups(state: SessionState, tr: Translator):
    """Every policy and market lever, grouped; the inputs of one group are shown at a time.

    An edit holds for every year, or from a chosen year to the horizon: the user picks.
    (Only one group's inputs exist at once: the page stays light, which keeps each
    redraw after a simulated year quick.)
    """
    _ = state.settings.value  # re-render when the settings (and so the scenario) change
    scenario = state.simulation.scenario
    groups = {
        f"{section}.{group}": members
        for section in ("policy", "market")
        for group, members in levers.grouped(section).items()
    }
    names = {key: tr(f"group.{key}") for key in groups}
    open_group = solara.use_reactive(next(iter(groups)))
    scopes = {tr("explore.all_years"): None} | {
        tr("explore.from_year", year=y): y
        for y in range(scenario.start_year + 1, scenario.end_year + 1)
    }
    scope = solara.use_reactive(None)
    if scope.value is not None and not scenario.start_year < scope.value <= scenario.end_year:
        scope.set(None)
    solara.Text(tr("explore.levers"), style={"font-weight": "600", "margin-top": "8px"})
    solara.Select(
        tr("explore.lever_group"),
        values=list(names.values()),
        value=names[open_group.value],
        on_value=lambda label: open_group.set(next(k for k, v in names.items() if v == label)),
    )
    solara.Select(
        tr("explore.applies_to"),
        values=list(scopes),
        value=next(k for k, v in scopes.items() if v == scope.value),
        on_value=lambda label: scope.set(scopes[label]),
        classes=["coopsim-lever-scope"],
    )
    for lever in groups[open_group.value]:
        LeverInput(state, scenario, lever, tr, scope.value)


@solara.component
def ChangesEditor(state: SessionState, tr: Translator):
    """The schedule of policy changes by year: remove a change or add one."""
    _ = state.settings.value  # re-render when the scenario changes
    scenario = state.simulation.scenario
    policy = levers.levers("policy")
    names = [n for n, lv in policy.items() if lv.kind in ("number", "integer", "switch")]
    labels = {n: tr.lever("policy", n, "")[0] for n in names}
    year = solara.use_reactive(min(scenario.start_year + 1, scenario.end_year))
    chosen = solara.use_reactive(names[0])
    text = solara.use_reactive("")

    def change(y: int, name: str, value: object) -> None:
        state.set_changes(levers.changes_with(scenario, y, name, value))

    def add() -> None:
        name = chosen.value
        try:
            value = levers.parse(policy[name], text.value)
        except ValueError:
            state.error.set(
                f"policy.changes.{year.value}.{name}: {tr('explore.not_a_number', text=text.value)}"
            )
            return
        change(year.value, name, value)

    with solara.Details(summary=tr("explore.changes", n=len(levers.change_rows(scenario)))):
        for y, name, value in levers.change_rows(scenario):
            with solara.Row(style={"align-items": "center"}):
                solara.Text(f"{y}: {tr.lever('policy', name, '')[0]} → {shown(value, tr=tr)}")
                solara.Button(
                    icon_name="mdi-delete",
                    icon=True,
                    on_click=lambda y=y, name=name: change(y, name, None),
                )
        years = [str(y) for y in range(scenario.start_year, scenario.end_year + 1)]
        solara.Select(
            tr("explore.change_year"),
            values=years,
            value=str(year.value),
            on_value=lambda v: year.set(int(v)),
        )
        solara.Select(
            tr("explore.change_lever"),
            values=list(labels.values()),
            value=labels[chosen.value],
            on_value=lambda label: chosen.set(next(k for k, v in labels.items() if v == label)),
        )
        solara.InputText(tr("explore.change_value"), value=text, continuous_update=True)
        solara.Button(tr("explore.add_change"), on_click=add, outlined=True)
