"""Properties every run must keep, year after year, over random small scenarios."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim import CoopModel, Scenario, load_scenario, sized
from coopsim.entities import DISSOLVED, NO_COOP, PRIMARY
from coopsim.records import EVENTS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

COUNT_COLUMNS = (
    "farms",
    "members",
    "coops_registered",
    "coops_active",
    "coops_nominal",
    "mean_coop_size",
    "median_coop_size",
    *EVENTS,
    "subsidy_paid",
    "subsidy_per_active_member",
)
BUDGET_SLACK = 1e-9
"""Relative slack on the budget cap, for floating-point sums of payments only."""


@cache
def _kazakhstan() -> Scenario:
    return load_scenario(SCENARIOS / "kazakhstan_2016.toml")


@st.composite
def scenarios(draw: st.DrawFn, max_farms: int = 1_500) -> Scenario:
    """A small scaled sample of Kazakhstan 2016 with random levers and behaviour."""
    values: dict[str, Any] = {
        "seed": draw(st.integers(0, 2**31 - 1)),
        "years": draw(st.integers(3, 6)),
        "cost_sharing": draw(st.sampled_from(["patronage", "shapley"])),
        "population.awareness": draw(st.floats(0.0, 1.0)),
        "population.initial_membership_rate": draw(st.sampled_from([0.0, 0.1, 0.3, 0.6])),
        "population.initial_coop_size": draw(st.integers(3, 40)),
        "behaviour.merger_search_probability": draw(st.floats(0.0, 1.0)),
        "behaviour.revision_probability": draw(st.floats(0.1, 1.0)),
        "policy.kpi_pressure": draw(st.floats(0.0, 1.0)),
        "policy.kpi_coops_per_region": draw(st.sampled_from([0.0, 107.0, 2_000.0])),
        "policy.member_grant": draw(st.sampled_from([0.0, 100_000.0, 2_000_000.0])),
        "policy.start_up_grant": draw(st.sampled_from([0.0, 500_000.0, 10_000_000.0])),
        "policy.member_grant_needs_operation": draw(st.booleans()),
        "policy.output_subsidy_crop": draw(st.sampled_from([0.0, 5_000.0])),
        "policy.merger_subsidy": draw(st.floats(0.0, 1.0)),
        "policy.start_up_aid": draw(st.sampled_from([[], [0.10, 0.08, 0.06, 0.05, 0.04]])),
        "policy.budget": draw(
            st.one_of(
                st.none(),
                st.just(0.0),
                st.floats(1e6, 1e11).map(float),
            )
        ),
    }
    farms = draw(st.integers(200, max_farms))
    return sized(_kazakhstan(), farms=farms).with_values(values)


def _check_memberships(model: CoopModel) -> None:
    farms, coops = model.farms, model.coops
    in_coop = farms.coop != NO_COOP
    # a farm's coop is a registered primary coop (one entry per farm: at most one coop)
    assert (farms.coop >= NO_COOP).all()
    assert (farms.coop < len(coops)).all()
    assert (coops.status[farms.coop[in_coop]] != DISSOLVED).all()
    assert (coops.tier[farms.coop[in_coop]] == PRIMARY).all()
    assert not (in_coop & ~farms.farming).any(), "a farm that quit is still in a coop"
    registered = coops.registered(PRIMARY)
    counted = np.bincount(farms.coop[in_coop], minlength=len(coops))
    np.testing.assert_array_equal(coops.members[registered], counted[registered])
    assert (coops.members >= 0).all()


def _check_budget(model: CoopModel, year: int) -> None:
    treasury = model.treasury
    assert treasury.year == year
    assert treasury.paid >= 0
    if treasury.budget is not None:
        assert treasury.paid <= treasury.budget * (1 + BUDGET_SLACK)
    ledger = [row for row in treasury.ledger if row[0] == year]
    payments = [row for row in ledger if row[1] != "clawback"]
    assert all(0 <= paid <= claimed * (1 + BUDGET_SLACK) for *_, claimed, paid in payments)
    # the budget counts what was paid out; paper coops' repayments are booked apart
    np.testing.assert_allclose(sum(row[4] for row in payments), treasury.paid, rtol=1e-9, atol=1e-6)
    clawed = [row for row in ledger if row[1] == "clawback"]
    assert all(paid == claimed < 0 for *_, claimed, paid in clawed)
    assert (model.coops.grants >= -1e-6).all()  # nobody pays back more than it received


def _check_table(table: pd.DataFrame, scenario: Scenario) -> None:
    assert table["year"].tolist() == list(range(scenario.start_year, scenario.end_year + 1))
    for column in COUNT_COLUMNS:
        assert (table[column] >= 0).all(), column
    assert table["membership_rate"].between(0, 1).all()
    assert table["coop_market_share"].between(0, 1).all()
    np.testing.assert_allclose(
        table["coops_registered"], table["coops_active"] + table["coops_nominal"], rtol=1e-12
    )
    assert (table["members"] <= table["farms"] * (1 + 1e-12)).all()
    for year, paid in zip(table["year"], table["subsidy_paid"], strict=True):
        budget = scenario.policy_in(int(year)).budget
        if budget is not None:
            assert paid <= budget * (1 + BUDGET_SLACK), (year, paid, budget)


@settings(max_examples=25, deadline=None)
@given(scenario=scenarios())
def test_memberships_counts_and_budget_hold_every_year(scenario: Scenario) -> None:
    model = CoopModel(spec=scenario)
    _check_memberships(model)
    for year in range(scenario.start_year, scenario.end_year + 1):
        model.step()
        _check_memberships(model)
        _check_budget(model, year)
    _check_table(model.table(), scenario)


@settings(max_examples=15, deadline=None)
@given(scenario=scenarios(max_farms=600))
def test_fast_decisions_equal_reference_decisions(scenario: Scenario) -> None:
    fast = CoopModel(spec=scenario)
    reference = CoopModel(spec=scenario, decisions="reference")
    pd.testing.assert_frame_equal(fast.run(), reference.run())
    pd.testing.assert_frame_equal(fast.lineage_table(), reference.lineage_table())
    np.testing.assert_array_equal(fast.farms.coop, reference.farms.coop)
    np.testing.assert_array_equal(fast.coops.members, reference.coops.members)
