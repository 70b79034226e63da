"""The model: reproducibility, the reference decision path, and whole-run outcomes."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coopsim import CoopModel, Scenario, load_scenario, sized
from coopsim.entities import ACTIVE, DISSOLVED, PRIMARY, REGIONAL_UNION

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"

FOUNDING_EVENTS = {"founded", "registered_nominal", "seceded_from"}
"""Lineage events that register a new primary coop during a run."""


@cache
def _scenario(name: str) -> Scenario:
    return load_scenario(SCENARIOS / f"{name}.toml")


def village() -> Scenario:
    return _scenario("village_machinery")


def kazakhstan(farms: int = 1_500, years: int = 6, **values: object) -> Scenario:
    """Kazakhstan 2016 as a small scaled sample, with optional dotted-key overrides."""
    scenario = sized(_scenario("kazakhstan_2016"), farms=farms)
    return scenario.with_values({"years": years, **values})


def _run(scenario: Scenario, **kwargs: object) -> CoopModel:
    model = CoopModel(spec=scenario, **kwargs)
    model.run()
    return model


def _assert_same_run(a: CoopModel, b: CoopModel) -> None:
    pd.testing.assert_frame_equal(a.table(), b.table())
    pd.testing.assert_frame_equal(a.lineage_table(), b.lineage_table())
    pd.testing.assert_frame_equal(a.payments_table(), b.payments_table())
    np.testing.assert_array_equal(a.farms.coop, b.farms.coop)
    np.testing.assert_array_equal(a.farms.farming, b.farms.farming)
    np.testing.assert_array_equal(a.coops.status, b.coops.status)
    np.testing.assert_array_equal(a.coops.members, b.coops.members)


# --- reproducibility --------------------------------------------------------------------------


def test_same_scenario_and_seed_give_identical_runs() -> None:
    scenario = kazakhstan(**{"population.initial_membership_rate": 0.2})
    _assert_same_run(_run(scenario), _run(scenario))


def test_scenario_seed_is_used_when_no_seed_is_given() -> None:
    scenario = kazakhstan(years=4)
    _assert_same_run(_run(scenario), _run(scenario, seed=scenario.seed))


def test_different_seeds_give_different_runs() -> None:
    scenario = kazakhstan(years=4, **{"population.initial_membership_rate": 0.2})
    a, b = _run(scenario, seed=1), _run(scenario, seed=2)
    assert not a.table().equals(b.table())
    assert not np.array_equal(a.farms.land_ha, b.farms.land_ha)
    assert not np.array_equal(a.farms.coop, b.farms.coop)


def test_different_scenario_seeds_give_different_runs() -> None:
    a = _run(kazakhstan(years=4, seed=11))
    b = _run(kazakhstan(years=4, seed=12))
    assert not a.table()["farm_income_mean"].equals(b.table()["farm_income_mean"])


# --- the reference decision path --------------------------------------------------------------


REFERENCE_CASES = {
    "village": lambda: village(),
    "kazakhstan-1500-farms": lambda: kazakhstan(),
    "kazakhstan-existing-coops": lambda: kazakhstan(
        **{"population.initial_membership_rate": 0.3, "behaviour.merger_search_probability": 0.5}
    ),
    "kazakhstan-shapley": lambda: kazakhstan(
        cost_sharing="shapley", **{"population.initial_membership_rate": 0.3}
    ),
    "village-shapley": lambda: village().with_values({"cost_sharing": "shapley"}),
}


@pytest.mark.parametrize("case", list(REFERENCE_CASES))
def test_reference_decisions_give_the_same_run_as_the_fast_path(case: str) -> None:
    scenario = REFERENCE_CASES[case]()
    fast = _run(scenario, log_decisions=True)
    reference = _run(scenario, log_decisions=True, decisions="reference")
    _assert_same_run(fast, reference)
    pd.testing.assert_frame_equal(fast.decision_table(), reference.decision_table())


def test_reference_cases_are_not_trivial() -> None:
    """The cases above see coops founded and farms joining, so agreement means something."""
    runs = [_run(REFERENCE_CASES[c]()).table() for c in REFERENCE_CASES]
    assert all(t["foundings"].sum() > 0 or t["joins"].sum() > 0 for t in runs)
    assert any(t["joins"].sum() > 0 for t in runs)


# --- whole-run outcomes -----------------------------------------------------------------------


def test_village_pools_its_machines_in_one_coop_and_the_poorest_cannot_pay_in() -> None:
    model = _run(village())
    assert model.farms.farming.all()
    assert len(model.farms) == 10
    coop = model.farms.coop[0]
    assert coop >= 0
    # the eight farms with machines or barns; the two household plots have 150,000 of
    # savings, less than their equity, joining costs and part of the founding cost
    assert (model.farms.coop[:8] == coop).all() and (model.farms.coop[8:] == -1).all()
    assert model.coops.status[coop] == ACTIVE
    assert model.coops.tier[coop] == PRIMARY
    assert model.coops.members[coop] == 8
    last = model.table().iloc[-1]
    assert last["coops_active"] == 1
    assert last["members"] == 8
    assert last["membership_rate"] == 0.8


def test_without_any_subsidy_nothing_is_paid() -> None:
    scenario = kazakhstan(
        years=3,
        policy={},
        **{
            "population.initial_membership_rate": 0.3,
            "population.awareness": 0.6,
            "behaviour.exit_after_bad_years": 50,  # the members stay: coops to pay
        },
    )
    assert scenario.policy == Scenario().policy
    model = _run(scenario)
    table = model.table()
    assert (table["coops_active"] > 0).all(), "no active coops: the check would be vacuous"
    assert (table["subsidy_paid"] == 0).all()
    assert (table["subsidy_per_active_member"] == 0).all()
    assert model.payments_table().empty


def test_subsidies_paid_match_the_payments_table() -> None:
    model = _run(kazakhstan(**{"population.initial_membership_rate": 0.2}))
    table = model.table().set_index("year")
    payments = model.payments_table()
    assert not payments.empty
    paid = payments.groupby("year")["paid"].sum().reindex(table.index, fill_value=0.0)
    np.testing.assert_allclose(table["subsidy_paid"], paid, rtol=1e-9)


def test_lineage_records_a_founding_for_every_coop_founded() -> None:
    scenario = kazakhstan(**{"population.initial_membership_rate": 0.2})
    model = _run(scenario, log_decisions=True)
    lineage = model.lineage_table()
    coops = model.coops
    existing = lineage.loc[lineage["event"] == "existing", "coop"]
    assert len(existing) > 0
    assert sorted(existing) == list(range(len(existing)))
    founded_in_run = np.flatnonzero(coops.tier == PRIMARY)
    founded_in_run = founded_in_run[founded_in_run >= len(existing)]
    assert len(founded_in_run) > 0

    foundings = lineage[lineage["event"].isin(FOUNDING_EVENTS)]
    assert foundings["coop"].is_unique
    assert sorted(foundings["coop"]) == founded_in_run.tolist()
    year_of = dict(zip(foundings["coop"], foundings["year"], strict=True))
    for k in founded_in_run.tolist():
        assert year_of[k] == coops.founded[k]

    years = range(scenario.start_year, scenario.end_year + 1)
    per_year = foundings.groupby("year").size().reindex(years, fill_value=0)
    table = model.table().set_index("year")
    np.testing.assert_allclose(per_year.to_numpy() * model.scale, table["foundings"], rtol=1e-12)


def test_lineage_records_founded_for_every_coop_farms_chose_to_found() -> None:
    scenario = kazakhstan(farms=10_000, years=9, **{"population.awareness": 0.6})
    model = _run(scenario, log_decisions=True)
    decisions = model.decision_table()
    chosen = set(decisions.loc[decisions["action"] == "founded", "coop"].tolist())
    assert chosen, "no farm founded a coop: the check would be vacuous"
    lineage = model.lineage_table()
    founded = set(lineage.loc[lineage["event"] == "founded", "coop"].tolist())
    assert founded == chosen


def test_village_lineage_is_one_founding() -> None:
    lineage = _run(village()).lineage_table()
    assert lineage["event"].tolist() == ["founded"]
    assert lineage["members"].tolist() == [8]
    assert lineage["year"].tolist() == [2016]


def test_dissolved_coops_keep_no_members() -> None:
    model = _run(kazakhstan(**{"population.initial_membership_rate": 0.3}))
    dissolved = model.coops.status == DISSOLVED
    assert dissolved.any(), "no coop dissolved: the check would be vacuous"
    assert (model.coops.members[dissolved] == 0).all()
    assert not np.isin(model.farms.coop, np.flatnonzero(dissolved)).any()


def test_a_run_in_which_regional_unions_form_completes_with_consistent_unions() -> None:
    # a whole (unsampled) population of 1,500 farms in two regions, most of them already
    # in coops: regional shares are large enough for unions to pay
    scenario = _scenario("kazakhstan_2016").with_values(
        {
            "years": 3,
            "population.farms": 1_500,
            "population.regions": 2,
            "population.initial_membership_rate": 0.6,
        }
    )
    model = _run(scenario)
    lineage = model.lineage_table()
    assert (lineage["event"] == "union_founded").any()
    coops = model.coops
    for union in np.flatnonzero(coops.active(REGIONAL_UNION)).tolist():
        in_union = (coops.union == union) & coops.registered(PRIMARY)
        assert coops.members[union] == in_union.sum() >= 2
        assert (coops.region[in_union] == coops.region[union]).all()
