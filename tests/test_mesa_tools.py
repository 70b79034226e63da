"""Mesa's own tools drive the model: keywords, running, DataCollector, batch_run, SolaraViz."""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np
import pytest

from coopsim import CoopModel, ScenarioError
from coopsim.agents import Cooperative, Farm
from coopsim.records import MODEL_COLUMNS, TABLE_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
KAZAKHSTAN = str(ROOT / "scenarios" / "kazakhstan_2016.toml")
VILLAGE = str(ROOT / "scenarios" / "village_machinery.toml")


def small(**values: object) -> CoopModel:
    return CoopModel(KAZAKHSTAN, population__simulated_farms=1_000, years=4, **values)


# --- keywords ---------------------------------------------------------------------------------


def test_scenario_fields_are_keywords_with_a_double_underscore_for_the_dot() -> None:
    model = small(policy__member_grant=123_000, market__price_crop=61_000)
    assert model.parameters.policy.member_grant == 123_000
    assert model.parameters.market.price_crop == 61_000
    assert model.parameters.population.simulated_farms == 1_000
    assert model.parameters.years == 4


def test_a_change_by_year_is_a_keyword_too() -> None:
    model = small(policy__changes__2017__member_grant=7)
    assert model.parameters.policy_in(2017).member_grant == 7
    assert model.parameters.policy_in(2016).member_grant == 0  # the start value is kept


def test_rng_is_the_seed_and_the_scenario_seed_is_the_default() -> None:
    assert small().seed == 2016  # kazakhstan_2016.toml: seed = 2016
    assert small(rng=5).seed == 5
    a, b = small(rng=5), small(rng=5)
    a.run(), b.run()
    assert a.table().equals(b.table())


@pytest.mark.parametrize(
    ("values", "named"),
    [
        ({"policy__member_grantt": 1}, "policy.member_grantt: no such scenario field"),
        ({"policy__member_grant": -1}, "policy.member_grant: Input should be greater than"),
        ({"population__simulated_farms": "many"}, "population.simulated_farms"),
    ],
)
def test_unknown_keys_and_bad_values_get_the_scenario_files_one_line_error(
    values: dict, named: str
) -> None:
    with pytest.raises(ScenarioError) as error:
        CoopModel(KAZAKHSTAN, **values)
    message = str(error.value)
    assert named in message and "\n" not in message
    assert message.startswith(KAZAKHSTAN)


def test_a_model_needs_a_file_or_a_scenario_but_not_both() -> None:
    with pytest.raises(ScenarioError, match="either scenario_file"):
        CoopModel()
    with pytest.raises(ScenarioError, match="either scenario_file"):
        CoopModel(KAZAKHSTAN, spec=small().parameters)


def test_a_missing_file_is_named() -> None:
    with pytest.raises(ScenarioError, match=r"no-such\.toml: no such scenario file"):
        CoopModel("no-such.toml")


def test_mesas_scenario_keyword_carries_the_seed_and_a_coopsim_scenario_is_refused() -> None:
    from mesa.experimental.scenarios import Scenario as MesaScenario

    model = CoopModel(VILLAGE, scenario=MesaScenario(rng=11))
    assert model.seed == 11 and model.scenario.rng == 11
    assert CoopModel(VILLAGE, scenario=MesaScenario()).seed == 7  # the file's own seed
    with pytest.raises(ScenarioError, match="spec="):
        CoopModel(VILLAGE, scenario=model.parameters)


# --- running ----------------------------------------------------------------------------------


def test_running_turns_false_after_the_last_year_and_run_stops_there() -> None:
    model = small()
    model.step()
    model.step()
    assert model.running
    table = model.run()
    assert not model.running
    assert list(table["year"]) == [2016, 2017, 2018, 2019]


def test_a_step_after_the_last_year_simulates_nothing() -> None:
    model = small()
    model.run()
    rows, year, coops = len(model.table()), model.year, model.farms.coop.copy()
    model.step()
    model.step()
    assert len(model.table()) == rows and model.year == year
    np.testing.assert_array_equal(model.farms.coop, coops)
    assert len(model.datacollector.get_model_vars_dataframe()) == rows


# --- DataCollector ----------------------------------------------------------------------------


def test_the_datacollector_gives_every_column_of_the_table_each_year() -> None:
    model = small()
    table = model.run()
    collected = model.datacollector.get_model_vars_dataframe()
    assert list(collected.columns) == list(TABLE_COLUMNS) == list(table.columns)
    np.testing.assert_array_equal(collected.to_numpy(), table.to_numpy())


def test_agent_reporters_for_farms_work_when_the_agents_are_made() -> None:
    model = CoopModel(VILLAGE, agents=True)
    model.datacollector = mesa.DataCollector(
        agenttype_reporters={Farm: {"land_ha": "land_ha", "coop": "coop"}}
    )
    model.step()
    model.datacollector.collect(model)
    farms = model.datacollector.get_agenttype_vars_dataframe(Farm)
    assert len(farms) == 10
    np.testing.assert_allclose(np.sort(farms["land_ha"].to_numpy()), np.sort(model.farms.land_ha))


def test_agents_are_made_on_demand_and_are_views_of_the_arrays() -> None:
    model = small()
    assert Farm not in model.agents_by_type  # none made at set-up
    farm = model.farm(3)
    assert model.farm(3) is farm and len(model.agents_by_type[Farm]) == 1
    model.farms.land_ha[3] = 42.0
    assert farm.land_ha == 42.0
    with pytest.raises(IndexError):
        model.farm(len(model.farms))


def test_with_all_agents_made_the_coops_agents_follow_the_register() -> None:
    model = CoopModel(KAZAKHSTAN, population__simulated_farms=2_000, years=8, agents=True)
    model.run()
    alive = {k for k in range(len(model.coops)) if model.coops.status[k] != 0}
    assert alive, "the run should have coops"
    assert {a.index for a in model.agents_by_type[Cooperative]} == alive
    assert len(model.agents_by_type[Farm]) == len(model.farms)


# --- batch_run --------------------------------------------------------------------------------


def test_batch_run_works_as_written_in_the_readme() -> None:
    results = mesa.batch_run(
        CoopModel,
        parameters={
            "scenario_file": KAZAKHSTAN,
            "population__simulated_farms": 2000,
            "policy__member_grant": [0, 200000],
        },
        rng=[1, 2],
        max_steps=100,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    assert len(results) == 4
    for row in results:
        assert set(MODEL_COLUMNS) <= set(row)
        assert row["year"] == 2030 and row["Step"] == 15
    assert {(r["policy__member_grant"], r["rng"]) for r in results} == {
        (g, s) for g in (0, 200000) for s in (1, 2)
    }
    by_seed = {r["rng"]: r for r in results if r["policy__member_grant"] == 0}
    assert by_seed[1]["farms"] != by_seed[2]["farms"]  # the seeds differ
