"""The year's economy: sums over groups of farms, as every process asks for them."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim import CoopModel, load_scenario, sized
from coopsim.economics.coop_costs import Group
from coopsim.processes.markets import YearEconomy


@pytest.fixture(scope="module")
def economy() -> YearEconomy:
    scenario = sized(load_scenario("scenarios/kazakhstan_2016.toml"), farms=2_000)
    model = CoopModel(spec=scenario, rng=1)
    for _ in range(3):  # some farms in coops by then
        model.step()
    return model.economy


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_sums_over_groups_of_farms_are_the_sums_added_farm_by_farm(economy, data) -> None:
    # any farms that deliver all they grow (the sums are of the whole value a farm would
    # market), any number of groups (some left empty), the groups in runs (founders by
    # village) or mixed (members by coop): the same sums, to the last bit, as adding the
    # farms one by one in their order
    whole = np.flatnonzero(economy.delivery == 1.0)
    picked = data.draw(st.sets(st.integers(0, len(whole) - 1), max_size=300))
    farms = whole[sorted(picked)]
    groups = data.draw(st.integers(1, 12))
    size = len(farms)
    group_of = np.array(
        data.draw(st.lists(st.integers(0, groups - 1), min_size=size, max_size=size)), np.int64
    )
    if data.draw(st.booleans()):
        group_of = np.sort(group_of)
    summed = economy.groups_of_farms(farms, group_of, groups)
    one_by_one = economy.farm_group(farms).sum_by(group_of, groups)
    for field in fields(Group):
        np.testing.assert_array_equal(
            getattr(summed, field.name), getattr(one_by_one, field.name), err_msg=field.name
        )
