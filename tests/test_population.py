"""The synthetic population: villages, farm types and the coops a scenario starts with."""

import numpy as np
import pandas as pd

from coopsim import Scenario
from coopsim.population import initial_memberships, make_farms


def _population(values: dict):
    scenario = Scenario().with_values(values)
    return scenario.population, scenario.behaviour


def test_initial_coops_are_of_one_village_and_one_farm_type_and_the_asked_size() -> None:
    rng = np.random.default_rng(3)
    farms = make_farms(*_population({"population.farms": 5_000}), rng)
    label = initial_memberships(farms, membership_rate=0.6, coop_size=7, rng=rng)
    members = pd.DataFrame({"coop": label, "village": farms.village, "kind": farms.kind}).query(
        "coop >= 0"
    )
    per_coop = members.groupby("coop").agg(
        villages=("village", "nunique"), kinds=("kind", "nunique"), size=("village", "size")
    )
    assert (per_coop.villages == 1).all()
    assert (per_coop.kinds == 1).all()
    assert per_coop["size"].between(2, 7).all()
    # coops are numbered 0, 1, … without gaps
    assert sorted(per_coop.index) == list(range(len(per_coop)))
    # about 60 % of farms were asked; only those left alone in their group stay out
    assert 0.5 < (label >= 0).mean() <= 0.62


def test_no_initial_coops_without_initial_membership() -> None:
    rng = np.random.default_rng(0)
    farms = make_farms(*_population({"population.farms": 500}), rng)
    assert (initial_memberships(farms, 0.0, 20, rng) == -1).all()


def test_mixed_initial_coops_hold_several_farm_types_of_one_village() -> None:
    rng = np.random.default_rng(3)
    farms = make_farms(*_population({"population.farms": 5_000}), rng)
    label = initial_memberships(
        farms, membership_rate=0.9, coop_size=40, rng=rng, by_farm_type=False
    )
    members = pd.DataFrame({"coop": label, "village": farms.village, "kind": farms.kind}).query(
        "coop >= 0"
    )
    per_coop = members.groupby("coop").agg(
        villages=("village", "nunique"), kinds=("kind", "nunique"), size=("village", "size")
    )
    assert (per_coop.villages == 1).all()
    assert per_coop["size"].between(2, 40).all()
    # villages of ~80 farms, 90 % of them members: most coops mix plots and peasant farms
    assert (per_coop.kinds >= 2).mean() > 0.9
    # each village's members in chunks of 40 whatever their type (a chunk of one stays out)
    asked = pd.Series(farms.village[label >= 0]).value_counts()
    chunks = (asked // 40) + (asked % 40 >= 2)
    assert len(per_coop) == chunks.sum()
