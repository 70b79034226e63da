"""What a user can take away: tables as CSV and the scenario as a TOML file.

The exported scenario reproduces the run: it is the scenario exactly as run (the
user's lever settings, the schedule of changes, the number of simulated farms and
years) with the run's seed written into it, so ``coopsim run FILE`` gives the same
table. The coopsim version that made the run is in the file's header comment (the
scenario schema has no field for it). Charts are exported as PNG or SVG by
:mod:`coopsim.dashboard.widgets.chart_export`.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import tomli_w

from coopsim import Scenario, __version__


def csv_bytes(table: pd.DataFrame) -> bytes:
    """A table as UTF-8 CSV (missing values as empty fields, like ``model.csv``)."""
    return table.to_csv(index=False).encode("utf-8")


def scenario_toml(scenario: Scenario, seed: int, years_run: int | None = None) -> str:
    """The scenario as a TOML file that reproduces the run with ``seed``.

    Args:
        scenario: the scenario as run.
        seed: the run's seed; written as the scenario's ``seed``.
        years_run: how many years had been simulated (said in the header).
    """
    data = scenario.model_dump(mode="json", exclude_none=True)
    data["seed"] = int(seed)
    done = f"; {years_run} of {scenario.years} years had been simulated" if years_run else ""
    header = (
        f"# {scenario.name}: exported from the coopsim {__version__} dashboard on "
        f"{dt.date.today().isoformat()}{done}.\n"
        f"# Seed {seed}. Reproduce the run with:  coopsim run THIS_FILE.toml --out DIR\n"
        "# Empty fields (no budget cap, commercial credit rate, ...) are left out.\n\n"
    )
    return header + tomli_w.dumps(data, multiline_strings=True)


def file_stem(name: str) -> str:
    """A file name made of a scenario's name: letters, digits and underscores."""
    stem = "".join(c.lower() if c.isalnum() else "_" for c in name).strip("_")
    while "__" in stem:
        stem = stem.replace("__", "_")
    return stem or "scenario"
