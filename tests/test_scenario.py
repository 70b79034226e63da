"""Scenario files: validation errors, schedules of levers, and dotted-key overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coopsim import Scenario, ScenarioError, load_scenario
from coopsim.scenario import validate_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
KAZAKHSTAN = SCENARIOS / "kazakhstan_2016.toml"
VILLAGE = SCENARIOS / "village_machinery.toml"


def _error_for(tmp_path: Path, text: str) -> tuple[Path, str]:
    """Write ``text`` as a scenario file, load it and return the path and the error message."""
    path = tmp_path / "bad_scenario.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return path, str(info.value)


def _assert_one_line(message: str) -> None:
    assert message.strip(), "empty error message"
    assert "\n" not in message and "\r" not in message, f"not one line: {message!r}"


def _names_key(message: str, key: str) -> bool:
    """True when ``key`` appears as a whole dotted key (not as part of a longer one)."""
    return re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", message) is not None


# (id, file text, dotted key the message must name, what it must say was expected)
BAD_FILES = [
    ("unknown-top-level-key", 'nme = "x"\n', "nme", ["unknown key"]),
    (
        "misspelt-policy-key",
        "[policy]\nmember_grnt = 5\n",
        "policy.member_grnt",
        ["unknown key"],
    ),
    (
        "misspelt-farm-type-key",
        "[population.household_plot]\nshar = 0.75\n",
        "population.household_plot.shar",
        ["unknown key"],
    ),
    (
        "string-for-a-number",
        '[policy]\nmember_grant = "lots"\n',
        "policy.member_grant",
        ["valid number", "'lots'"],
    ),
    (
        "negative-where-ge-0",
        "[policy]\nmember_grant = -5\n",
        "policy.member_grant",
        ["greater than or equal to 0", "-5"],
    ),
    (
        "share-above-1",
        "[population.household_plot]\nshare = 1.5\n",
        "population.household_plot.share",
        ["less than or equal to 1", "1.5"],
    ),
    (
        "farm-type-shares-not-adding-to-1",
        "[population.household_plot]\nshare = 0.5\n",
        "population",
        ["add up to 1", "household_plot", "peasant_farm", "commercial_farm", "0.7"],
    ),
    (
        "unknown-cost-sharing-rule",
        'cost_sharing = "equal"\n',
        "cost_sharing",
        ["'patronage'", "'shapley'", "'equal'"],
    ),
    (
        "policy-change-without-year",
        "[[policy.changes]]\nmember_grant = 5\n",
        "policy.changes.0.year",
        ["missing"],
    ),
    (
        "policy-change-before-start-year",
        "start_year = 2016\n[[policy.changes]]\nyear = 2010\nmember_grant = 5\n",
        "policy.changes.0.year",
        ["2010", "2016"],
    ),
    (
        "second-market-change-before-start-year",
        "start_year = 2016\n[[market.changes]]\nyear = 2018\nprice_crop = 60000\n"
        "[[market.changes]]\nyear = 2012\nprice_crop = 40000\n",
        "market.changes.1.year",
        ["2012", "2016"],
    ),
    (
        "changes-a-number-not-a-list",
        "[policy]\nchanges = 5\n",
        "policy.changes",
        ["valid list"],
    ),
    (
        "changes-a-table-not-a-list",
        "[policy.changes]\nyear = 2017\nmember_grant = 5\n",
        "policy.changes",
        ["valid list"],
    ),
    (
        "negative-lever-in-a-change",
        "[[policy.changes]]\nyear = 2017\nmember_grant = -1\n",
        "policy.changes.0.member_grant",
        ["greater than or equal to 0"],
    ),
    (
        "misspelt-lever-in-a-change",
        "[[policy.changes]]\nyear = 2017\nmember_grnt = 1\n",
        "policy.changes.0.member_grnt",
        ["unknown key"],
    ),
    (
        "named-farms-count-not-farms",
        '[population]\nfarms = 5\n[[population.named_farms]]\nname = "Aidar"\n',
        "population",
        ["farms is 5", "1 named_farms"],
    ),
    (
        "unknown-asset-of-a-named-farm",
        '[population]\nfarms = 2\n[[population.named_farms]]\nassets = ["plough"]\n'
        "[[population.named_farms]]\n",
        "population.named_farms.0.assets.0",
        ["'tractor'", "'barn'", "'plough'"],
    ),
    (
        "simulated-farms-above-farms",
        "[population]\nfarms = 10\nsimulated_farms = 20\n",
        "population",
        ["simulated_farms cannot exceed farms"],
    ),
    (
        "start-up-aid-entry-above-1",
        "[policy]\nstart_up_aid = [0.10, 1.5, 0.06]\n",
        "policy.start_up_aid.1",
        ["less than or equal to 1", "1.5"],
    ),
    (
        "bool-where-a-list-is-expected",
        "[policy]\nstart_up_aid = true\n",
        "policy.start_up_aid",
        ["valid list"],
    ),
    (
        "number-where-a-section-is-expected",
        "policy = 5\n",
        "policy",
        ["valid dictionary"],
    ),
    (
        "bool-where-a-number-is-expected",
        "[policy]\nkpi_pressure = true\n",
        "policy.kpi_pressure",
        ["number"],
    ),
]


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [pytest.param(text, key, expected, id=name) for name, text, key, expected in BAD_FILES],
)
def test_bad_scenario_file_gives_one_line_error_naming_file_key_and_expectation(
    tmp_path: Path, text: str, key: str, expected: list[str]
) -> None:
    path, message = _error_for(tmp_path, text)
    _assert_one_line(message)
    assert str(path) in message
    assert _names_key(message, key), f"{key!r} not named in {message!r}"
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_invalid_toml_error_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    path, message = _error_for(tmp_path, 'name = "unterminated\nyears = 3\n')
    _assert_one_line(message)
    assert str(path) in message
    assert "not valid TOML" in message
    assert "line 1" in message


def test_missing_file_error_is_one_line_naming_file(tmp_path: Path) -> None:
    path = tmp_path / "no_such_scenario.toml"
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    message = str(info.value)
    _assert_one_line(message)
    assert str(path) in message
    assert "no such scenario file" in message


def test_several_errors_still_give_one_line_naming_the_first(tmp_path: Path) -> None:
    path, message = _error_for(tmp_path, "years = -1\n[policy]\nmember_grant = -5\nbudget = -1\n")
    _assert_one_line(message)
    assert str(path) in message
    assert _names_key(message, "years")
    assert "(and 2 more)" in message


def test_key_with_a_line_break_still_gives_a_one_line_error(tmp_path: Path) -> None:
    path, message = _error_for(tmp_path, '"member\\ngrant" = 1\n')
    _assert_one_line(message)
    assert str(path) in message
    assert "unknown key" in message


@pytest.mark.parametrize("path", [KAZAKHSTAN, VILLAGE], ids=["kazakhstan", "village"])
def test_shipped_scenario_files_validate(path: Path) -> None:
    scenario = load_scenario(path)
    assert isinstance(scenario, Scenario)
    assert scenario.years >= 1
    assert scenario.end_year == scenario.start_year + scenario.years - 1


def test_kazakhstan_file_holds_its_programme() -> None:
    scenario = load_scenario(KAZAKHSTAN)
    assert scenario.population.farms == 500_000
    assert scenario.population.regions == 14
    assert [c.year for c in scenario.policy.changes] == [2017, 2018, 2022]


def test_village_file_names_its_ten_farms() -> None:
    scenario = load_scenario(VILLAGE)
    assert scenario.population.farms == 10
    assert len(scenario.population.named_farms) == 10
    assert scenario.population.named_farms[0].assets == ["tractor"]


def test_a_file_giving_only_the_number_of_farms_takes_every_other_default(tmp_path: Path) -> None:
    path = tmp_path / "farms_only.toml"
    path.write_text("[population]\nfarms = 500_000\n", encoding="utf-8")
    assert load_scenario(path) == Scenario()


# --- schedules --------------------------------------------------------------------------------


def test_policy_in_resolves_kazakhstan_schedule_before_at_and_after_changes() -> None:
    scenario = load_scenario(KAZAKHSTAN)
    grant = {y: scenario.policy_in(y).member_grant for y in range(2016, 2031)}
    assert grant[2016] == 0
    assert grant[2017] == 100_000
    assert all(grant[y] == 100_000 for y in range(2018, 2022))
    assert grant[2022] == 0
    assert grant[2030] == 0
    assert scenario.policy_in(2016).kpi_pressure == 0.0
    assert scenario.policy_in(2017).kpi_pressure == 0.3
    assert scenario.policy_in(2022).kpi_pressure == 0.0
    assert scenario.policy_in(2021).campaign == 0.15
    assert scenario.policy_in(2022).campaign == 0.03


def test_levers_no_change_mentions_stay_as_set_at_the_start() -> None:
    scenario = load_scenario(KAZAKHSTAN)
    for year in (2016, 2017, 2022, 2030):
        policy = scenario.policy_in(year)
        assert policy.audit_subsidy == 0.5
        assert policy.budget == 20_000_000_000
        assert policy.credit_rate == 0.05


def test_a_later_change_keeps_levers_an_earlier_change_set(tmp_path: Path) -> None:
    path = tmp_path / "two_changes.toml"
    path.write_text(
        "[population]\nfarms = 100\n"
        "[[policy.changes]]\nyear = 2019\nkpi_pressure = 0.5\n"
        "[[policy.changes]]\nyear = 2017\nmember_grant = 1000\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.policy_in(2016).member_grant == 0
    assert scenario.policy_in(2018).member_grant == 1000
    assert scenario.policy_in(2018).kpi_pressure == 0
    assert scenario.policy_in(2019).member_grant == 1000
    assert scenario.policy_in(2019).kpi_pressure == 0.5


def test_market_in_resolves_a_price_change_before_at_and_after_its_year(tmp_path: Path) -> None:
    path = tmp_path / "market.toml"
    path.write_text(
        "start_year = 2016\n[population]\nfarms = 100\n"
        "[market]\nprice_crop = 50000\noff_farm_wage = 900000\n"
        "[[market.changes]]\nyear = 2020\nprice_crop = 65000\n",
        encoding="utf-8",
    )
    scenario = load_scenario(path)
    assert scenario.market_in(2016).price_crop == 50_000
    assert scenario.market_in(2019).price_crop == 50_000
    assert scenario.market_in(2020).price_crop == 65_000
    assert scenario.market_in(2027).price_crop == 65_000
    assert scenario.market_in(2027).off_farm_wage == 900_000


# --- with_values ------------------------------------------------------------------------------


def test_with_values_sets_top_level_and_nested_dotted_keys() -> None:
    base = load_scenario(KAZAKHSTAN)
    changed = base.with_values(
        {
            "years": 3,
            "cost_sharing": "shapley",
            "policy.member_grant": 5_000,
            "population.household_plot.share": 0.70,
            "population.peasant_farm.share": 0.29,
        }
    )
    assert changed.years == 3
    assert changed.cost_sharing == "shapley"
    assert changed.policy.member_grant == 5_000
    assert changed.policy_in(2016).member_grant == 5_000
    assert changed.population.household_plot.share == 0.70
    assert changed.population.peasant_farm.share == 0.29
    assert base.years == 15
    assert base.policy.member_grant == 0


def test_with_values_creates_a_policy_change_for_a_new_year() -> None:
    base = load_scenario(KAZAKHSTAN)
    changed = base.with_values({"policy.changes.2019.member_grant": 7})
    assert sorted(c.year for c in changed.policy.changes) == [2017, 2018, 2019, 2022]
    assert changed.policy_in(2018).member_grant == 100_000
    assert changed.policy_in(2019).member_grant == 7
    assert changed.policy_in(2021).member_grant == 7
    assert changed.policy_in(2022).member_grant == 0
    assert changed.policy_in(2019).kpi_pressure == 0.3


def test_with_values_edits_an_existing_policy_change_in_place() -> None:
    base = load_scenario(KAZAKHSTAN)
    changed = base.with_values({"policy.changes.2017.kpi_pressure": 0.9})
    assert [c.year for c in changed.policy.changes] == [2017, 2018, 2022]
    assert changed.policy_in(2017).kpi_pressure == 0.9
    assert changed.policy_in(2017).member_grant == 100_000
    assert changed.policy_in(2022).kpi_pressure == 0.0


def test_with_values_creates_a_market_change() -> None:
    base = load_scenario(KAZAKHSTAN)
    changed = base.with_values({"market.changes.2020.off_farm_wage": 1_200_000})
    assert changed.market_in(2019).off_farm_wage == 900_000
    assert changed.market_in(2020).off_farm_wage == 1_200_000


@pytest.mark.parametrize(
    ("key", "named"),
    [
        ("nothing", "nothing"),
        ("policy.member_grnt", "policy.member_grnt"),
        ("population.household_plot.shares", "population.household_plot.shares"),
        ("policy.changes.2019.member_grnt", "member_grnt"),
        ("market.changes.2019.price_crp", "price_crp"),
    ],
)
def test_with_values_rejects_unknown_keys_naming_them(key: str, named: str) -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(KAZAKHSTAN).with_values({key: 1})
    message = str(info.value)
    _assert_one_line(message)
    assert named in message


def test_with_values_rejects_an_invalid_value_naming_the_key() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(KAZAKHSTAN).with_values({"policy.member_grant": -1})
    _assert_one_line(str(info.value))
    assert _names_key(str(info.value), "policy.member_grant")


def test_with_values_rejects_a_change_before_start_year() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(KAZAKHSTAN).with_values({"policy.changes.2010.member_grant": 1})
    assert "2010" in str(info.value)


def test_with_values_rejects_a_change_year_that_is_not_a_number() -> None:
    with pytest.raises(ScenarioError) as info:
        load_scenario(KAZAKHSTAN).with_values({"policy.changes.soon.member_grant": 1})
    assert "soon" in str(info.value)


def test_a_coops_overheads_follow_the_wage_by_their_wage_share() -> None:
    # the wage rises from 3,000 to 12,000 (× 4); half of the overheads are wages:
    # 1 + 0.5 × (4 − 1) = 2.5 times the first year's overheads
    scenario = validate_scenario(
        {
            "start_year": 1950,
            "population": {"farms": 100},
            "market": {
                "off_farm_wage": 3_000,
                "changes": [{"year": 1980, "off_farm_wage": 12_000}],
            },
        }
    )
    assert scenario.overhead_index(1950) == 1.0
    assert scenario.overhead_index(1979) == 1.0
    assert scenario.overhead_index(1980) == 2.5
    fixed = scenario.with_values({"costs.overhead_wage_share": 0.0})
    assert fixed.overhead_index(1980) == 1.0
