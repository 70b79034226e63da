"""Each country scenario tells its story, and its levers act where history says they did.

Runs are scaled samples (each simulated farm and coop stands for several real ones;
counts are in real units), at the sizes the calibration uses. docs/validation.md shows
the same scenarios over 20 replicates, and docs/levers.md every lever's effect.
"""

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coopsim.entities import CENTRAL
from coopsim.model import CoopModel, sized
from coopsim.scenario import load_scenario

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
SIZES = {"germany_1950": 8_000, "japan_1960": 12_120, "kazakhstan_2016": 20_000}
SEEDS = (1, 2, 3, 4, 5)  # the done criteria are means of five seeds
EVENTS = ("farm_exits", "mergers", "rule_changes", "secessions")


@cache
def run(name: str, seed: int | None = None, **values: object) -> pd.DataFrame:
    """One run of a country scenario at its test size, with values changed by keyword."""
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    if name in SIZES:
        scenario = sized(scenario, farms=SIZES[name])
    model = CoopModel(spec=scenario, rng=seed, **values)
    return model.run().set_index("year")


def scale_of(name: str) -> float:
    """Real farms (and coops) per simulated one in the test run of a scenario."""
    scenario = load_scenario(SCENARIOS / f"{name}.toml")
    return scenario.population.farms / SIZES.get(name, scenario.population.simulated_farms)


def mean_over_seeds(name: str, column: str, year: int, **values: object) -> float:
    return float(np.mean([run(name, seed, **values).at[year, column] for seed in SEEDS]))


# --- levers that history says mattered --------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "subsidy"),
    [
        ("germany_1950", {"policy__merger_subsidy": 0.0}),
        ("japan_1960", {"policy__changes__1961__merger_subsidy": 0.0}),
    ],
)
def test_without_the_merger_subsidy_more_coops_are_left_in_1980(name, subsidy) -> None:
    with_it = mean_over_seeds(name, "coops_registered", 1980)
    without = mean_over_seeds(name, "coops_registered", 1980, **subsidy)
    assert without >= 1.1 * with_it


def test_japans_national_merger_plan_moves_its_count_after_1985() -> None:
    no_plan = {"policy__changes__1988__merger_plan_coops_per_region": 0.0}
    with_plan = mean_over_seeds("japan_1960", "coops_registered", 2000)
    without = mean_over_seeds("japan_1960", "coops_registered", 2000, **no_plan)
    assert without >= 1.1 * with_plan
    # before the plan, the same
    assert mean_over_seeds("japan_1960", "coops_registered", 1985) == mean_over_seeds(
        "japan_1960", "coops_registered", 1985, **no_plan
    )


def test_kazakh_farms_found_coops_of_their_own_without_kpi_pressure() -> None:
    table = run("kazakhstan_2016", 1, policy__changes__2017__kpi_pressure=0.0)
    assert table.loc[2016:2030, "coops_nominal"].eq(0).all()
    assert table.at[2030, "coops_active"] > 0
    assert table.loc[2017:, "foundings"].sum() > 0


def test_kazakh_paper_coops_follow_the_grants_and_shrink_with_enforcement() -> None:
    def registrations(**values: object) -> float:
        return np.mean(
            [
                run("kazakhstan_2016", seed, **values).loc[2017:2021, "nominal_registrations"].sum()
                for seed in SEEDS
            ]
        )

    base = registrations()
    assert base > 0
    assert registrations(policy__changes__2017__start_up_grant=0.0) < 0.5 * base
    assert registrations(policy__audit_probability=0.4) < 0.5 * base


# --- the countries' stories ---------------------------------------------------------------------


def test_germany_ends_near_7000_coops_and_its_farms_within_a_quarter_of_300000() -> None:
    coops = mean_over_seeds("germany_1950", "coops_registered", 2010)
    farms = mean_over_seeds("germany_1950", "farms", 2010)
    assert 7_027 * 0.75 <= coops <= 7_027 * 1.25
    assert 300_000 * 0.75 <= farms <= 300_000 * 1.25


def test_germany_coops_fall_while_the_land_they_serve_grows_and_farms_fall() -> None:
    germany = run("germany_1950", 1)
    coops = germany.coops_registered
    assert coops[1950] > coops[1960] > coops[1980] > coops[2010]
    # farms fall faster than coops (by five against three or four), so members per coop
    # fall; the land a coop's members farm grows
    served = germany.mean_coop_size * germany.land_per_farm_ha
    assert served[2010] > 1.5 * served[1950]
    assert germany.at[2010, "farms"] < 0.5 * germany.at[1950, "farms"]
    assert germany.at[2010, "land_per_farm_ha"] > 2 * germany.at[1950, "land_per_farm_ha"]
    assert germany.loc[1951:, "mergers"].sum() > 0.5 * (coops[1950] - coops[2010])


def test_japan_keeps_its_farm_households_as_part_time_farmers_and_members() -> None:
    japan = run("japan_1960", 1)
    assert japan.at[2000, "part_time_farms"] > japan.at[1960, "part_time_farms"]
    assert japan.at[2000, "membership_rate"] > 0.8
    # the merger law's first decade and the plan after 1985 take the count down (means of
    # five seeds: one simulated coop stands for 500); the 1970s' small rebound by
    # secessions is a known miss (docs/validation.md)
    coops = {
        year: mean_over_seeds("japan_1960", "coops_registered", year)
        for year in (1961, 1971, 1981, 2000)
    }
    assert coops[1961] > 1.5 * coops[1971]
    assert coops[1981] > 1.5 * coops[2000]


def test_kazakhstan_registers_coops_that_never_operate_under_its_kpis() -> None:
    kazakhstan = run("kazakhstan_2016", 1)
    programme = kazakhstan.loc[2017:2021]
    assert (programme.coops_nominal > 0).all()
    assert (programme.coops_registered > programme.coops_active).all()
    assert kazakhstan.at[2021, "membership_rate"] < 0.2  # far from the 500,000 farms aimed at


def test_canada_coops_federate_and_keep_a_large_share_of_the_market() -> None:
    scenario = load_scenario(SCENARIOS / "canada_federation.toml")
    model = CoopModel(spec=scenario)
    table = model.run().set_index("year")
    assert {"union_founded", "central_founded"} <= set(model.lineage_table().event)
    assert model.coops.active(CENTRAL).sum() == 1  # the wholesale federation lasts
    assert table.coop_market_share.loc[1960:].between(0.3, 0.8).all()
    assert table.at[1995, "farms"] < table.at[1955, "farms"]


# --- a consistent start ---------------------------------------------------------------------


# Japan's merger law came in 1961, its second year: a first year without mergers is
# history, not a shock. The start is checked with the law in force from the first year.
FROM_THE_START = {"japan_1960": {"policy__merger_subsidy": 0.5}}


# Canada was a known miss from the calibration by ABC-SMC until the sampled Shapley orders
# came from each coop's own seed: at the MAP its local co-ops merged more in the first year
# than after (a mean of 16 real mergers over 15 seeds, against 9-11 in years 2-5). With
# the new draws the same 15 seeds give 10 against 3-9: the excess that is left is within
# what five seeds allow, so it is checked like the other countries.
@pytest.mark.parametrize(
    "name", ["germany_1950", "japan_1960", "kazakhstan_2016", "canada_federation"]
)
def test_the_first_year_shows_no_shock(name) -> None:
    # each event of the first year lies within what the following ten years show
    # (averaged over seeds: one year of one run is noisy)
    tables = [run(name, seed, **FROM_THE_START.get(name, {})) for seed in SEEDS]
    firsts = np.array([t.iloc[0][list(EVENTS)].to_numpy(float) for t in tables])
    first = firsts.mean(axis=0)
    following = np.mean([t.iloc[1:11][list(EVENTS)].to_numpy(float) for t in tables], axis=0)
    # a mean over the seeds moves in steps of one simulated event in one seed: a single
    # rare event (a rule switch in one coop of one run) is within that step; and a mean of
    # five seeds carries the year's price shocks: twice its standard error is allowed too
    # (the shocks the start once had were many times that: a year-1 exit wave of 8.7 % of
    # Germany's farms, 1,520 mergers, 260 secessions in Canada)
    sampling = 2 * firsts.std(axis=0, ddof=1) / np.sqrt(len(SEEDS))
    step = scale_of(name) / len(SEEDS)
    low = following.min(axis=0) - step - sampling
    high = following.max(axis=0) + step + sampling
    for event, value, lo, hi in zip(EVENTS, first, low, high, strict=True):
        assert lo <= value <= hi, (
            f"{name}: {event} {value:g} in the first year, {lo:g}–{hi:g} after"
        )
