"""Lever controls read from the scenario schema; the schedule of policy changes."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopsim import ScenarioError, levers, load_scenario
from coopsim.scenario import MarketLevers, PolicyLevers

SCENARIO_DIR = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture
def kazakhstan():
    return load_scenario(SCENARIO_DIR / "kazakhstan_2016.toml")


@pytest.mark.parametrize(("section", "model"), [("policy", PolicyLevers), ("market", MarketLevers)])
def test_every_lever_of_the_schema_is_in_exactly_one_group(section, model):
    placed = [lv.name for group in levers.grouped(section).values() for lv in group]
    assert sorted(placed) == sorted(model.model_fields)
    assert "other" not in levers.grouped(section)


def test_units_ranges_and_help_come_from_the_schema():
    policy = levers.levers("policy")
    subsidy = policy["investment_subsidy"]
    assert (subsidy.unit, subsidy.low, subsidy.high, subsidy.optional) == (
        "share of price",
        0.0,
        1.0,
        False,
    )
    # no bound of its own: the plausible maximum of an amount of money (coopsim.units)
    assert policy["budget"].optional and policy["budget"].high == 1e15
    assert policy["credit_grace_years"].kind == "integer"
    assert policy["member_grant_needs_operation"].kind == "switch"
    assert policy["start_up_aid"].kind == "shares"
    margin = levers.levers("market")["buyers_margin"]
    assert margin.high == 1.0 and margin.high_open
    price = levers.levers("market")["price_crop"]
    assert price.low == 0.0 and price.low_open
    assert price.help == "Reference (buyers') price of crops."


def test_typed_values_are_read_in_the_lever_type():
    policy = levers.levers("policy")
    assert levers.parse(policy["member_grant"], "150,000") == 150_000.0
    assert levers.parse(policy["member_grant"], "150 000") == 150_000.0
    assert levers.parse(policy["member_grant"], "150\u202f000") == 150_000.0  # kk, ru
    assert levers.parse(policy["credit_grace_years"], "3") == 3
    assert levers.parse(policy["budget"], " ") is None
    assert levers.parse(policy["start_up_aid"], "0.1; 0.08 0.06") == [0.1, 0.08, 0.06]
    assert levers.parse(policy["member_grant_needs_operation"], "on") is True
    for lever, text in [
        (policy["member_grant"], "a lot"),
        (policy["member_grant"], ""),
        (policy["credit_grace_years"], "2.5"),
        (policy["member_grant"], "inf"),
        (policy["member_grant_needs_operation"], "maybe"),
    ]:
        with pytest.raises(ValueError):
            levers.parse(lever, text)


def test_a_change_is_added_replaced_and_removed(kazakhstan):
    added = levers.changes_with(kazakhstan, 2019, "member_grant", 250_000.0)
    assert {"year": 2019, "member_grant": 250_000.0} in added
    spec = kazakhstan.with_values({"policy.changes": added})
    assert (2019, "member_grant", 250_000.0) in levers.change_rows(spec)
    removed = levers.changes_with(spec, 2019, "member_grant", None)
    assert [c["year"] for c in removed] == [2017, 2018, 2022]
    only = levers.changes_with(kazakhstan, 2017, "kpi_pressure", None)
    assert "kpi_pressure" not in next(c for c in only if c["year"] == 2017)


def test_a_lever_held_from_a_year_overrides_the_later_schedule(kazakhstan):
    spec = levers.with_lever_from(kazakhstan, "member_grant", 300_000.0, 2018)
    assert spec.policy_in(2017).member_grant == 100_000  # the schedule before 2018
    assert [spec.policy_in(y).member_grant for y in (2018, 2022, 2030)] == [300_000] * 3
    assert spec.policy_in(2022).kpi_pressure == 0.0  # other scheduled changes stay
    start = levers.with_lever_from(kazakhstan, "kpi_pressure", 0.0, 2016)
    assert {start.policy_in(y).kpi_pressure for y in range(2016, 2031)} == {0.0}
    with pytest.raises(ScenarioError):
        levers.with_lever_from(kazakhstan, "kpi_pressure", 7.0, 2018)


def test_shares_and_rates_are_typed_in_percent():
    policy = levers.levers("policy")
    assert policy["investment_subsidy"].percent and policy["credit_rate"].percent
    assert not policy["member_grant"].percent and not policy["credit_leverage"].percent
    assert levers.parse(policy["investment_subsidy"], "25", in_percent=True) == 0.25
    assert levers.parse(policy["investment_subsidy"], "12.5 %", in_percent=True) == 0.125
    assert levers.parse(policy["start_up_aid"], "10; 8", in_percent=True) == [0.1, 0.08]
    assert levers.parse(policy["credit_rate"], "", in_percent=True) is None  # optional
    assert levers.parse(policy["member_grant"], "25", in_percent=True) == 25.0  # not a share
    assert levers.parse(policy["investment_subsidy"], "25") == 25.0  # range checked later


def test_sliders_only_where_the_range_is_narrow():
    policy, market = levers.levers("policy"), levers.levers("market")
    assert policy["investment_subsidy"].slider and policy["credit_grace_years"].slider
    assert market["crop_yield_index"].slider
    assert not policy["member_grant"].slider  # up to 10^15: no slider covers it
    assert not policy["min_coop_members"].slider
    assert not policy["start_up_aid"].slider  # a list of shares


def test_a_levers_path_over_the_years(kazakhstan):
    assert levers.path(kazakhstan, "member_grant") == [(2016, 0), (2017, 100_000), (2022, 0)]
    assert [levers.value_at(kazakhstan, "member_grant", y) for y in (2016, 2021, 2022)] == [
        0,
        100_000,
        0,
    ]
    assert levers.overridden(kazakhstan, "member_grant", 2018) == [(2022, 0)]
    assert levers.overridden(kazakhstan, "member_grant", 2016) == levers.path(
        kazakhstan, "member_grant"
    )


def test_held_values_for_every_year_drop_the_levers_schedule_only(kazakhstan):
    values = levers.held_values(kazakhstan, "member_grant", 300_000.0, None)
    spec = kazakhstan.with_values(values)
    assert {spec.policy_in(y).member_grant for y in range(2016, 2031)} == {300_000}
    assert spec.policy_in(2022).kpi_pressure == kazakhstan.policy_in(2022).kpi_pressure
    later = kazakhstan.with_values(levers.held_values(kazakhstan, "member_grant", 1.0, 2020))
    assert [later.policy_in(y).member_grant for y in (2019, 2020)] == [100_000, 1.0]


def test_a_market_lever_with_a_schedule_is_held_the_same_way():
    germany = load_scenario(SCENARIO_DIR / "germany_1950.toml")
    steps = levers.path(germany, "off_farm_wage", "market")
    assert len(steps) > 2  # deflated wages rise by decade
    values = levers.held_values(germany, "off_farm_wage", 5_000.0, None, "market")
    spec = germany.with_values(values)
    assert {spec.market_in(y).off_farm_wage for y in range(1950, 2011)} == {5_000.0}
