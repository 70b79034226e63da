"""The Explore page's lever controls: every policy and market lever, changes by year.

Each control shows the lever's unit, range and one-line help as the scenario schema
gives them (:mod:`coopsim.levers`); a change starts the simulation again.
"""

from __future__ import annotations

import solara

from coopsim import levers
from coopsim.dashboard.session import SessionState
from coopsim.i18n import Translator
from coopsim.levers import Lever


def shown(value: object) -> str:
    """A lever's value as it is typed: ``500,000``, ``0.25``, ``0.1; 0.08``, or empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(f"{v:g}" for v in value)
    if isinstance(value, float | int) and float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def range_text(lever: Lever, tr: Translator) -> str:
    """The accepted range, e.g. ``0 – 1`` or ``≥ 0``, with an empty value's meaning."""
    low = "" if lever.low is None else shown(lever.low)
    high = "" if lever.high is None else shown(lever.high)
    if lever.kind == "switch":
        return ""
    if low and high:
        text = f"{low} – {high}"
    elif low:
        text = f"{'>' if lever.low_open else '≥'} {low}"
    else:
        text = f"≤ {high}"
    if lever.optional:
        text += "; " + tr("explore.empty_means_none")
    return tr("explore.range", range=text)


@solara.component
def LeverInput(state: SessionState, lever: Lever, tr: Translator):
    """One lever: its value (at the start), unit, range, help and scheduled changes."""
    scenario = state.simulation.scenario
    label, help_text = tr.lever(lever.section, lever.name, lever.help)
    value = lever.value_in(scenario)
    if lever.kind == "switch":
        solara.Checkbox(
            label=label, value=bool(value), on_value=lambda v: state.set_value(lever.key, v)
        )
    else:
        unit = tr.unit(lever.unit, scenario.currency)

        def typed(text: str) -> None:
            try:
                state.set_value(lever.key, levers.parse(lever, text))
            except ValueError:
                state.error.set(f"{lever.key}: {tr('explore.not_a_number', text=text)}")

        solara.InputText(
            f"{label} ({unit})", value=shown(value), on_value=typed, continuous_update=False
        )
    notes = [help_text, range_text(lever, tr)]
    if lever.section == "policy":
        later = [
            f"{y} → {shown(v)}" for y, name, v in levers.change_rows(scenario) if name == lever.name
        ]
        if later:
            notes.append(tr("explore.scheduled", changes=", ".join(later)))
    solara.Text(" ".join(n for n in notes if n), classes=["coopsim-help"])


@solara.component
def LeverGroups(state: SessionState, tr: Translator):
    """Every policy and market lever, grouped; the inputs of one group are shown at a time.

    (Only one group's inputs exist at once: the page stays light, which keeps each
    redraw after a simulated year quick.)
    """
    _ = state.settings.value  # re-render when the settings (and so the scenario) change
    groups = {
        f"{section}.{group}": members
        for section in ("policy", "market")
        for group, members in levers.grouped(section).items()
    }
    names = {key: tr(f"group.{key}") for key in groups}
    open_group = solara.use_reactive(next(iter(groups)))
    solara.Text(tr("explore.levers"), style={"font-weight": "600", "margin-top": "8px"})
    solara.Select(
        tr("explore.lever_group"),
        values=list(names.values()),
        value=names[open_group.value],
        on_value=lambda label: open_group.set(next(k for k, v in names.items() if v == label)),
    )
    for lever in groups[open_group.value]:
        LeverInput(state, lever, tr)


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
                solara.Text(f"{y}: {tr.lever('policy', name, '')[0]} → {shown(value)}")
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
