"""Experiment files: one-line errors naming the file, the key and what was expected."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from coopsim import ScenarioError
from coopsim.experiments import load_experiment

GRID = '[design]\nkind = "grid"\n'
SUBSIDY = '[[factors]]\nkey = "policy.investment_subsidy"\n'


def _error(path: Path) -> str:
    with pytest.raises(ScenarioError) as info:
        load_experiment(path)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message, f"not one line: {message!r}"
    assert message.startswith(f"{path}: "), message
    return message


# (id, body after the common head, raw file?, what the message must say)
BAD_SPECS = [
    ("not-toml", 'name = "x\n', True, ["not valid TOML"]),
    (
        "unknown-key",
        'nme = "x"\n' + GRID + SUBSIDY + "values = [0.1]\n",
        False,
        ["nme: unknown key"],
    ),
    ("no-factors", GRID, False, ["factors: required (or uncertainties"]),
    (
        "no-scenario-file",
        'scenario = "nowhere.toml"\n[[factors]]\nkey = "years"\nvalues = [2]\n',
        True,
        ["scenario: ", "nowhere.toml: no such scenario file"],
    ),
    (
        "string-for-replications",
        'scenario = "x.toml"\nreplications = "ten"\n' + GRID + SUBSIDY + "values = [0.1]\n",
        True,
        ["replications: Input should be a valid integer", "'ten'"],
    ),
    (
        "bad-design-kind",
        '[design]\nkind = "sobolev"\n' + SUBSIDY + "values = [0.1]\n",
        False,
        ["design.kind", "'sobolev'"],
    ),
    (
        "not-a-scenario-field",
        GRID + '[[factors]]\nkey = "policy.subsidy"\nvalues = [1]\n',
        False,
        ["factors.0.key", "policy.subsidy is not a scenario field"],
    ),
    (
        "change-year-not-a-year",
        GRID + '[[factors]]\nkey = "policy.changes.next.member_grant"\nvalues = [1]\n',
        False,
        ["factors.0.key", "policy.changes.next.member_grant"],
    ),
    (
        "value-the-scenario-rejects",
        GRID + SUBSIDY + "values = [0.25, 25]\n",
        False,
        ["factors.0.values", "policy.investment_subsidy = 25", "less than or equal to 1"],
    ),
    (
        "range-end-the-scenario-rejects",
        '[design]\nkind = "latin"\nsamples = 4\n' + SUBSIDY + "min = -0.5\nmax = 0.5\n",
        False,
        ["factors.0.min/max", "-0.5", "greater than or equal to 0"],
    ),
    (
        "grid-without-values",
        GRID + SUBSIDY + "min = 0.0\nmax = 0.5\n",
        False,
        ["factors.0.values: required for a grid"],
    ),
    (
        "range-upside-down",
        '[design]\nkind = "latin"\nsamples = 4\n' + SUBSIDY + "min = 0.5\nmax = 0.1\n",
        False,
        ["factors.0.max: must be greater than min"],
    ),
    (
        "sobol-samples-not-a-power-of-2",
        '[design]\nkind = "sobol"\nsamples = 100\n' + SUBSIDY + "min = 0.0\nmax = 0.5\n",
        False,
        ["design.samples", "power of 2", "100"],
    ),
    (
        "sampled-design-without-samples",
        '[design]\nkind = "latin"\n' + SUBSIDY + "min = 0.0\nmax = 0.5\n",
        False,
        ["design.samples: required for a latin design"],
    ),
    (
        "seed-as-a-factor",
        GRID + '[[factors]]\nkey = "seed"\nvalues = [1, 2]\n',
        False,
        ["factors.0.key", "seed cannot be varied"],
    ),
    (
        "same-factor-twice",
        GRID + SUBSIDY + "values = [0.1]\n" + SUBSIDY + "values = [0.2]\n",
        False,
        ["factors.1.key", "listed twice"],
    ),
    (
        "repeated-value",
        GRID + SUBSIDY + "values = [0.1, 0.1]\n",
        False,
        ["factors.0.values: values must be distinct"],
    ),
    (
        "infinite-end-of-a-latin-range",
        '[design]\nkind = "latin"\nsamples = 4\n' + SUBSIDY + "min = 0.0\nmax = inf\n",
        False,
        ["factors.0.max", "finite number"],
    ),
    (
        "range-up-to-1e308",
        '[design]\nkind = "latin"\nsamples = 4\n'
        '[[factors]]\nkey = "market.price_crop"\nmin = 1.0\nmax = 1e308\n',
        False,
        ["factors.0.min/max", "market.price_crop = 1e+308", "plausible range of money per tonne"],
    ),
    (
        "integer-on-a-grid-factor",
        GRID + SUBSIDY + "values = [0.1, 0.2]\ninteger = true\n",
        False,
        ["factors.0.integer", "a grid runs its values as written"],
    ),
    (
        "nan-in-grid-values",
        GRID + SUBSIDY + "values = [0.1, nan]\n",
        False,
        ["factors.0.values.1: should be a valid boolean", "a finite number", "(got nan)"],
    ),
    (
        "unknown-output",
        'outputs = ["membership"]\n' + GRID + SUBSIDY + "values = [0.1]\n",
        False,
        ["outputs.0", "'membership' is not a column", "membership_rate"],
    ),
]


@pytest.mark.parametrize(
    ("body", "raw", "expected"), [c[1:] for c in BAD_SPECS], ids=[c[0] for c in BAD_SPECS]
)
def test_bad_spec_gives_one_line_naming_file_key_and_expectation(
    write_spec: Callable[..., Path], body: str, raw: bool, expected: list[str]
) -> None:
    message = _error(write_spec(body, raw=raw))
    for part in expected:
        assert part in message, f"{part!r} not in {message!r}"


def test_a_master_seed_beyond_64_bits_is_refused(write_spec: Callable[..., Path]) -> None:
    message = _error(write_spec(GRID + SUBSIDY + "values = [0.1]\n", seed=2**64))
    assert message.endswith(
        "seed: Input should be less than or equal to 9223372036854775807 (got 18446744073709551616)"
    )


def test_missing_experiment_file_is_one_line(tmp_path: Path) -> None:
    message = _error(tmp_path / "nothing.toml")
    assert "no such experiment file" in message


def test_farms_the_scenario_rejects_are_reported_with_the_file(
    write_spec: Callable[..., Path],
) -> None:
    message = _error(write_spec(GRID + SUBSIDY + "values = [0.1]\n", farms=600_000))
    assert re.search(
        r"farms: 600000 is rejected by the scenario .*simulated_farms cannot exceed farms", message
    ), message


def test_scenario_path_is_relative_to_the_experiment_file(tmp_path: Path) -> None:
    folder = tmp_path / "experiments"
    folder.mkdir()
    (tmp_path / "scenarios").mkdir()
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"
    (tmp_path / "scenarios" / "kz.toml").write_text(scenario.read_text(encoding="utf-8"))
    spec = folder / "e.toml"
    spec.write_text('scenario = "../scenarios/kz.toml"\n' + GRID + SUBSIDY + "values = [0.1]\n")
    assert load_experiment(spec).scenario.name == "Kazakhstan 2016"


def test_experiment_applies_farms_and_years_to_the_base_scenario(
    write_spec: Callable[..., Path],
) -> None:
    experiment = load_experiment(
        write_spec(GRID + SUBSIDY + "values = [0.1]\n", farms=700, years=4)
    )
    assert experiment.scenario.population.simulated_farms == 700
    assert experiment.scenario.years == 4


def test_factor_on_a_whole_number_field_is_sampled_as_integers(
    write_spec: Callable[..., Path],
) -> None:
    body = (
        '[design]\nkind = "latin"\nsamples = 4\n'
        '[[factors]]\nkey = "population.village_size"\nmin = 20\nmax = 120\n'
        '[[factors]]\nkey = "policy.changes.2017.member_grant"\nmin = 0\nmax = 1e5\n'
    )
    size, grant = load_experiment(write_spec(body)).factors
    assert size.integer is True  # village_size is an int field
    assert grant.integer is False  # member_grant is a float lever, also in a change


def test_spec_hash_changes_with_the_scenario_not_with_the_file_location(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    body = GRID + SUBSIDY + "values = [0.1]\n"
    first = load_experiment(write_spec(body, name="a.toml"))
    moved = load_experiment(write_spec(body, name="b.toml"))
    longer = load_experiment(write_spec(body, years=4, name="c.toml"))
    assert first.hash == moved.hash
    assert first.hash != longer.hash
