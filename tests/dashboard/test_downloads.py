"""Downloads: the CSV reloads to the table, the TOML to the same run (charts: test_charts)."""

from __future__ import annotations

import io
import tomllib

import pandas as pd
from pagetools import render, widgets

from coopsim import CoopModel, __version__
from coopsim.dashboard.pages import explore
from coopsim.dashboard.session import Settings
from coopsim.dashboard.widgets import downloads
from coopsim.scenario import validate_scenario


def test_model_table_csv_reloads_to_the_same_table(state):
    for _ in range(4):
        state.step()
    table = state.simulation.model.table()
    back = pd.read_csv(io.BytesIO(downloads.csv_bytes(table)))
    pd.testing.assert_frame_equal(back, table, check_dtype=False)


def test_exported_scenario_reproduces_the_run(state):
    settings = Settings(
        farms=2_000,
        seed=11,
        values={"policy.member_grant": 150_000.0, "market.price_crop": 60_000.0},
    )
    assert state.apply(settings)
    for _ in range(3):
        state.step()
    text = downloads.scenario_toml(state.simulation.scenario, state.simulation.seed, years_run=3)
    assert f"coopsim {__version__}" in text.splitlines()[0]
    assert "Seed 11" in text
    spec = validate_scenario(tomllib.loads(text))
    assert spec.seed == 11
    assert spec.population.simulated_farms == 2_000
    assert spec.policy.member_grant == 150_000
    again = CoopModel(spec=spec)
    for _ in range(3):
        again.step()
    pd.testing.assert_frame_equal(again.table(), state.simulation.model.table())


def test_a_named_farm_scenario_exports_too(state):
    assert state.choose("village_machinery.toml")
    text = downloads.scenario_toml(state.simulation.scenario, state.simulation.seed)
    spec = validate_scenario(tomllib.loads(text))
    assert spec == state.simulation.scenario


def test_the_page_offers_every_download(state):
    rc = render(explore.Page(state))
    names = {w.filename for w in widgets(rc) if hasattr(w, "filename")}
    assert names == {
        "kazakhstan_2016_model.csv",
        "kazakhstan_2016_lineage.csv",
        "kazakhstan_2016_payments.csv",
        "kazakhstan_2016_charts.png",
        "kazakhstan_2016_charts.svg",
        "kazakhstan_2016_seed2016.toml",
    }
    rc.close()


def test_file_names_are_safe():
    assert downloads.file_stem("Kazakhstan 2016") == "kazakhstan_2016"
    assert downloads.file_stem("The village's machinery") == "the_village_s_machinery"
    assert downloads.file_stem("../../etc") == "etc"
    assert downloads.file_stem("???") == "scenario"
