"""The compute budget of a session: no upload makes a step take more than about 2 s."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopsim import ScenarioError, load_scenario
from coopsim.dashboard import budget
from coopsim.dashboard.pages.compare import compare_farms
from coopsim.dashboard.session import LIMITS, SCENARIO_DIR, SessionState, Settings, farms_allowed
from coopsim.scenario import validate_scenario

# The upload of issue 15 (4 kB): a step at 10,000 farms took 14.4 s instead of 0.01 s.
COSTLY = b"""
name = "costly"
cost_sharing = "shapley"
[population]
farms = 500_000
village_size = 5000
awareness = 1.0
trust = 1.0
initial_membership_rate = 1.0
initial_coop_size = 16
[network]
village_ties = 200
[behaviour]
shapley_exact_max = 16
shapley_permutations = 5000
secession_samples = 100
merger_search_probability = 1.0
"""


@pytest.fixture(scope="module")
def session() -> SessionState:
    return SessionState()


def test_the_costly_upload_runs_with_so_few_farms_that_a_step_stays_within_the_budget(
    session: SessionState,
) -> None:
    assert session.upload("costly.toml", COSTLY), session.upload_error.value
    sim = session.simulation
    farms = len(sim.model.farms)
    cost = budget.estimate(sim.scenario)
    assert LIMITS.farms[0] <= farms < 1_000
    assert cost.seconds(farms) <= budget.STEP_SECONDS
    assert cost.setup_seconds(farms) <= budget.SETUP_SECONDS
    assert "behaviour.shapley_exact_max = 16" in cost.costly
    # the estimate is an upper bound of the measured step (benchmarks/step_cost.py)
    sim.step()
    assert sim.model.year == sim.scenario.start_year + 1


def test_asking_for_more_farms_than_the_budget_allows_gives_the_most_it_allows(
    session: SessionState,
) -> None:
    assert session.upload("costly.toml", COSTLY)
    session.apply(Settings(source=session.settings.value.source, farms=50_000))
    assert len(session.simulation.model.farms) == farms_allowed(session.simulation.scenario)


def test_a_session_may_not_ask_for_the_largest_farms_over_the_longest_years() -> None:
    # 50,000 farms × 80 years: the farms of a run to the horizon are bounded
    scenario = load_scenario(SCENARIO_DIR / "kazakhstan_2016.toml").with_values({"years": 80})
    farms = farms_allowed(scenario)
    assert farms < LIMITS.farms[1]
    assert farms * scenario.years * budget.estimate(scenario).step <= budget.RUN_SECONDS


@pytest.mark.parametrize("path", sorted(SCENARIO_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_runs_at_the_dashboards_default_size(path: Path) -> None:
    scenario = load_scenario(path)
    assert farms_allowed(scenario) >= min(scenario.population.farms, 10_000)


def test_a_scenario_of_named_farms_too_costly_to_step_is_refused_naming_the_settings(
    session: SessionState,
) -> None:
    farms = "".join('[[population.named_farms]]\nname = "F"\n' for _ in range(3_000))
    text = "[population]\nfarms = 3000\nregions = 1\n[behaviour]\nshapley_exact_max = 16\n" + farms
    assert not session.upload("named.toml", text.encode())
    message = session.upload_error.value
    assert message.startswith("named.toml: too costly for the dashboard even at 3,000")
    assert "behaviour.shapley_exact_max = 16" in message
    assert "\n" not in message
    assert not any(k.endswith("named.toml") for k in session.catalogue.value)


def test_shapley_orders_of_a_whole_region_are_bounded_in_memory() -> None:
    scenario = validate_scenario(
        {
            "population": {"farms": 50_000, "regions": 1},
            "cost_sharing": "shapley",
            "behaviour": {"shapley_permutations": 5_000},
        }
    )
    # one merged coop could hold every farm of the region: 5,000 orders × its members
    assert farms_allowed(scenario) * 5_000 <= budget.SHAPLEY_ROWS
    with pytest.raises(ScenarioError, match="rows of one coop"):
        budget.check(scenario, 1_000)


def test_the_settling_of_a_scenario_that_starts_with_coops_counts_in_its_set_up() -> None:
    # Japan starts with 95 % of its households in coops of ~475 members, which settle for
    # fifteen rounds before 1960 (about 7 s at 20,000 households, against 0.5 s a step)
    japan = load_scenario(SCENARIO_DIR / "japan_1960.toml")
    kazakhstan = load_scenario(SCENARIO_DIR / "kazakhstan_2016.toml")  # no coop at the start
    cost, plain = budget.estimate(japan), budget.estimate(kazakhstan)
    ties = budget.SETUP_PER_TIE * japan.network.village_ties
    assert cost.setup == pytest.approx(ties + budget.SETTLING * cost.step)
    assert plain.setup == pytest.approx(budget.SETUP_PER_TIE * kazakhstan.network.village_ties)
    farms = farms_allowed(japan)
    assert farms < farms_allowed(kazakhstan)
    assert cost.setup_seconds(farms) <= budget.SETUP_SECONDS < cost.setup_seconds(farms + 100)
    with pytest.raises(ScenarioError, match="its set-up, with its coops settling, could take"):
        budget.check(japan.with_values({"behaviour.shapley_exact_max": 16}), 1_000)


def test_a_comparison_simulates_fewer_farms_the_more_runs_it_makes() -> None:
    scenario = load_scenario(SCENARIO_DIR / "germany_1950.toml")
    few, many = compare_farms(scenario, 2), compare_farms(scenario, 3 * 8)
    assert many < few <= LIMITS.compare_farms[1]
    years = scenario.years
    cost = budget.estimate(scenario)
    assert many * 24 * (years * cost.step + cost.setup) <= budget.COMPARE_SECONDS


def test_without_shapley_values_a_session_may_simulate_the_most_farms() -> None:
    plain = validate_scenario({"population": {"farms": 500_000}, "behaviour": {"voice": False}})
    assert farms_allowed(plain) == LIMITS.farms[1]
    assert budget.estimate(plain).seconds(LIMITS.farms[1]) < 0.5
