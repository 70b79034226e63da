"""What charts draw besides a run: the programme's aims and its country's reported history.

Both are kept apart from what was simulated, on sight and in words: an aim is a dashed
line named as an aim, never drawn as data (observations, not plans); a reported figure
is a marker with its year and source. Neither changes while a run goes on, so a page
makes them once per scenario and language (:func:`fixed_lines`).

* Aims come from the scenario's policy levers, year by year (:data:`AIMS`): the KPI of
  registered coops per region times the regions, in the years it is pushed
  (``kpi_pressure`` above 0); a national merger plan's coops per region, likewise; the
  yearly budget cap.
* Reported figures are the observed targets of ``experiments/calibration.toml``
  (``[[countries.targets]]``), for the scenario file the calibration names, in the
  columns the charts show (a ratio of two columns is not charted).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from coopsim.dashboard.widgets.charts import (
    SERIES,
    Line,
    cells,
    on_axis,
    run_years,
    series_name,
    writer,
)
from coopsim.experiments.calibration import CalibrationSpec, Target
from coopsim.i18n import Translator
from coopsim.inputs import read_toml
from coopsim.scenario import Scenario

CALIBRATION = Path(__file__).resolve().parents[3] / "experiments" / "calibration.toml"
"""The calibration file whose observed targets are drawn as reported history."""

AIM_COLOUR = "#6b6b6b"
REPORTED_COLOUR = "#111111"


@dataclass(frozen=True)
class Aim:
    """A programme's aim drawn on a column's chart, in the years it is in force.

    Attributes:
        column: the model-table column the aim is a level of.
        lever: the policy lever holding the aim.
        pressure: a lever that must be above 0 for the aim to be pursued (or none).
        per_region: the lever is per region; the chart shows it times the regions.
        label: the locale key of the line's name.
    """

    column: str
    lever: str
    pressure: str | None
    per_region: bool
    label: str


AIMS: tuple[Aim, ...] = (
    Aim("coops_registered", "kpi_coops_per_region", "kpi_pressure", True, "echart.aim_kpi"),
    Aim(
        "coops_registered",
        "merger_plan_coops_per_region",
        "merger_plan_pressure",
        True,
        "echart.aim_merger_plan",
    ),
    Aim("subsidy_paid", "budget", None, False, "echart.budget_cap"),
)
"""The aims the scenario's policy levers can set (registered coops: active and nominal)."""


@functools.cache
def reported_targets(path: Path = CALIBRATION) -> dict[str, tuple[Target, ...]]:
    """The observed figures of the calibration file, by scenario file name (without .toml).

    An installation without the repository's ``experiments/`` has none.
    """
    if not path.exists():
        return {}
    spec = CalibrationSpec.model_validate(read_toml(path, "calibration"))
    return {Path(c.scenario).stem: tuple(c.targets) for c in spec.countries}


def aim_lines(scenario: Scenario, tr: Translator, column: str) -> list[Line]:
    """The programme's aims for a column, each year they are in force (dashed lines)."""
    years = run_years(scenario)
    kind = SERIES[column][1].kind
    write = writer(tr, kind, scenario.currency)
    lines = []
    for aim in (a for a in AIMS if a.column == column):
        values = np.full(len(years), np.nan)
        for i, year in enumerate(years):
            policy = scenario.policy_in(year)
            level = getattr(policy, aim.lever)
            pushed = aim.pressure is None or getattr(policy, aim.pressure) > 0
            if level is not None and level > 0 and pushed:
                values[i] = level * (scenario.population.regions if aim.per_region else 1)
        if np.isfinite(values).any():
            shown, texts = cells(values, write, 1.0)
            lines.append(Line(tr(aim.label), shown, texts, "aim", AIM_COLOUR))
    return lines


def reported_lines(scenario: Scenario, tr: Translator, column: str, source: str) -> list[Line]:
    """Figures reported for the scenario's country in a column (markers with their sources).

    Args:
        scenario: the scenario run.
        tr: the page's language.
        column: the model-table column charted.
        source: the scenario's file name in the dashboard's list, as the calibration
            names its country (an uploaded scenario's name starts with ``⇧``: none).
    """
    years = run_years(scenario)
    series = SERIES[column][1]
    write = writer(tr, series.kind, scenario.currency)
    values = np.full(len(years), np.nan)
    texts: list[str | None] = [None] * len(years)
    for target in reported_targets().get(Path(source).stem, ()):
        if target.column != column or target.per or target.year not in years:
            continue
        i = target.year - years[0]
        values[i] = target.value * series.factor
        when = (
            tr("echart.mean_of", first=target.first_year, last=target.year)
            if target.first_year
            else str(target.year)
        )
        texts[i] = tr(
            "echart.reported_text",
            column=series_name(tr, column),
            value=write(target.value),
            when=when,
            source=target.source,
        )
    if not np.isfinite(values).any():
        return []
    shown = on_axis(values)
    return [Line(tr("echart.reported"), shown, tuple(texts), "reported", REPORTED_COLOUR)]


def fixed_lines(scenario: Scenario, tr: Translator, source: str) -> dict[str, list[Line]]:
    """Every charted column's aims and reported figures (they do not change as a run goes on)."""
    return {
        column: aim_lines(scenario, tr, column) + reported_lines(scenario, tr, column, source)
        for column in SERIES
    }
