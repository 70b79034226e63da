"""Every scenario number is finite and within its unit's plausible range; text is plain text."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pytest
from annotated_types import Le, Lt
from pydantic import BaseModel, ValidationError, create_model
from schema_walk import fields as schema_fields
from schema_walk import leaves

from coopsim import CoopModel, Scenario, ScenarioError, load_scenario, sized, units
from coopsim.scenario import MAX_CHANGES, PolicyChange, _field, _Section, validate_scenario

ROOT = Path(__file__).resolve().parents[1]
FARMS = {"population": {"farms": 1_000}}


def _error(data: dict) -> str:
    with pytest.raises(ScenarioError) as info:
        validate_scenario({**FARMS, **data}, source="absurd.toml")
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
@pytest.mark.parametrize(
    ("section", "field"),
    [
        ("market", "price_crop"),
        ("market", "off_farm_wage"),
        ("policy", "member_grant"),
        ("policy", "output_subsidy_livestock"),
        ("costs", "price_combine"),
        ("costs", "capacity_barn"),
    ],
)
def test_infinite_or_undefined_numbers_are_refused_naming_the_key(
    section: str, field: str, value: float
) -> None:
    message = _error({section: {field: value}})
    assert message.startswith(f"absurd.toml: {section}.{field}: ")
    assert "finite number" in message


@pytest.mark.parametrize(
    ("data", "key", "words"),
    [
        ({"market": {"price_crop": 1e308}}, "market.price_crop", "money per tonne"),
        ({"policy": {"member_grant": 1e16}}, "policy.member_grant", "an amount of money"),
        (
            {"policy": {"changes": [{"year": 2017, "output_subsidy_livestock": 1e308}]}},
            "policy.changes.0.output_subsidy_livestock",
            "money per tonne",
        ),
        ({"costs": {"capacity_truck": 1e10}}, "costs.capacity_truck", "tonnes"),
        ({"costs": {"capacity_tractor": 2e9}}, "costs.capacity_tractor", "hectares"),
        ({"policy": {"kpi_coops_per_region": 3e7}}, "policy.kpi_coops_per_region", "farms"),
        (
            {"population": {"farms": 1_000, "household_plot": {"cash": 1e300}}},
            "population.household_plot.cash",
            "an amount of money",
        ),
        ({"seed": 2**64}, "seed", "an integer"),
    ],
)
def test_a_value_beyond_its_units_plausible_maximum_is_refused_saying_which_range(
    data: dict, key: str, words: str
) -> None:
    message = _error(data)
    assert message.startswith(f"absurd.toml: {key}: at most ")
    assert f"the plausible range of {words}" in message
    assert "docs/scenarios.md" in message


@pytest.mark.parametrize(
    "model", [Scenario, PolicyChange, create_model("M", __base__=Scenario)], ids=str
)
def test_every_number_of_the_schema_has_an_upper_bound(model: type[BaseModel]) -> None:
    fields = {
        ".".join(path): bounds
        for path, annotation, bounds in schema_fields(model)
        if leaves(annotation)[0] & {int, float} and not leaves(annotation)[0] & {list, bool}
    }
    assert len(fields) > 40 if model is not PolicyChange else len(fields) > 15
    unbounded = [k for k, c in fields.items() if not any(isinstance(m, Le | Lt) for m in c)]
    assert not unbounded, f"no upper bound: {unbounded}"


def test_a_field_added_later_is_bounded_by_its_unit_alone() -> None:
    later = create_model(
        "Later",
        __base__=_Section,
        fertiliser_price=(float, _field(100.0, "currency/t", "A field added later.", ge=0)),
        orchards=(float, _field(0.0, "ha", "Another.", ge=0)),
    )
    assert later(fertiliser_price=units.MONEY_PER_QUANTITY.maximum).fertiliser_price == 1e12
    for data in ({"fertiliser_price": 1e13}, {"orchards": 2e9}, {"orchards": math.inf}):
        with pytest.raises(ValidationError):
            later(**data)


def test_a_field_with_a_unit_of_no_known_kind_cannot_be_declared() -> None:
    with pytest.raises(ValueError, match=r"furlongs.*coopsim/units\.py"):
        _field(1.0, "furlongs", "A distance.")


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.toml")), ids=lambda p: p.stem)
def test_every_shipped_scenario_is_within_the_plausible_ranges(path: Path) -> None:
    assert load_scenario(path).population.farms >= 10


def test_money_at_its_plausible_maximum_still_gives_finite_tables() -> None:
    # Every money field at its unit's maximum: the arithmetic must stay finite (numpy's
    # overflow warnings are errors in the tests).
    money = {}
    for section in ("market", "costs", "policy"):
        model = type(getattr(Scenario(), section))
        for name, info in model.model_fields.items():
            unit = (info.json_schema_extra or {}).get("unit", "") if name != "changes" else ""
            kind = units.kind_of(unit) if unit else None
            if kind in (units.MONEY, units.MONEY_PER_QUANTITY) and name not in (
                "start_up_aid_cap",
                "budget",
            ):
                money[f"{section}.{name}"] = kind.maximum
    assert len(money) > 20
    spec = sized(load_scenario(ROOT / "scenarios" / "kazakhstan_2016.toml"), farms=300)
    table = CoopModel(spec=spec.with_values({**money, "years": 3}), rng=1).run()
    numbers = table.drop(columns=["price_member", "price_nonmember"]).to_numpy(float)
    assert np.isfinite(numbers).all()
    assert not np.isinf(table[["price_member", "price_nonmember"]].to_numpy(float)).any()


def test_two_changes_in_one_year_are_refused_naming_both() -> None:
    changes = [
        {"year": 2017, "member_grant": 100_000},
        {"year": 2018, "kpi_pressure": 0.2},
        {"year": 2017, "start_up_grant": 5},
    ]
    message = _error({"policy": {"changes": changes}})
    assert message.startswith(
        "absurd.toml: policy.changes.2.year: 2017 is already the year of policy.changes.0"
    )


def test_a_factor_in_a_changes_year_edits_the_change_in_force() -> None:
    base = validate_scenario(
        {**FARMS, "policy": {"changes": [{"year": 2017, "member_grant": 100_000}]}}
    )
    edited = base.with_values({"policy.changes.2017.member_grant": 7})
    assert edited.policy_in(2017).member_grant == 7
    assert len(edited.policy.changes) == 1


def test_more_changes_than_years_of_the_longest_run_are_refused_quickly() -> None:
    # 100,000 entries holding only a year: refused by their number, not validated one by one
    changes = [{"year": 2016 + i} for i in range(100_000)]
    message = _error({"policy": {"changes": changes}})
    assert message.startswith("absurd.toml: policy.changes: ")
    assert f"at most {MAX_CHANGES} items" in message


def test_a_dotted_key_into_a_change_needs_exactly_year_and_lever() -> None:
    base = validate_scenario(FARMS)
    with pytest.raises(ScenarioError, match=re.escape("<section>.changes.<year>.<lever>")):
        base.with_values({"policy.changes.2017.extra.member_grant": 1})


@pytest.mark.parametrize(
    ("field", "text", "shown"),
    [
        ("name", "Village\x1b]0;owned\x07", "\\x1b"),
        ("name", "Village\x1b[2J", "\\x1b"),
        ("currency", "K\u202eZT", "\\u202e"),
        ("description", "line one\x00line two", "\\x00"),
        ("sources", "a\u2028b", "\\u2028"),
    ],
)
def test_text_with_control_characters_is_refused_naming_the_key(
    field: str, text: str, shown: str
) -> None:
    message = _error({field: text})
    assert message.startswith(f"absurd.toml: {field}: text without control characters")
    assert shown in message
    assert "\x1b" not in message and "\u202e" not in message


def test_text_may_hold_line_breaks_tabs_and_any_script() -> None:
    text = "Ауыл\tVillage [/] [bold]\n*Dorf* — 村\r\n$x$"
    scenario = validate_scenario({**FARMS, "name": text, "description": text})
    assert scenario.name == text


def test_text_beyond_the_length_limit_is_refused() -> None:
    message = _error({"description": "x" * 20_001})
    assert "text of at most 20,000 characters (got 20,001)" in message
