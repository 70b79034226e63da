"""Arms files (``coopsim report --compare ARMS.toml``): read, checked, and refused in one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopsim import ScenarioError, load_scenario
from coopsim.experiments.arms import Arm, Edit, read_arms

KAZAKHSTAN = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"


@pytest.fixture(scope="module")
def base():
    return load_scenario(KAZAKHSTAN)


def arms_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "arms.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_each_arm_holds_its_levers_from_its_year(tmp_path, base):
    path = arms_file(
        tmp_path,
        """
[[arm]]
name = "As set"

[[arm]]
name = "Higher grant"
from = 2017
member_grant = 300_000
start_up_grant = 0

[[arm]]
name = "No KPI"
kpi_pressure = 0.0
""",
    )
    arms = read_arms(path, base)
    assert arms == [
        Arm("As set"),
        Arm("Higher grant", (Edit("member_grant", 300_000, 2017), Edit("start_up_grant", 0, 2017))),
        Arm("No KPI", (Edit("kpi_pressure", 0.0, 2016),)),
    ]
    # the grant holds from 2017 on, overriding the scenario's schedule (0 from 2022)
    assert arms[1].scenario(base).policy_in(2025).member_grant == 300_000


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("", "no arms"),
        ('[[arm]]\nname = "a"\n[other]\nx = 1\n', "other: unknown key"),
        ("[[arm]]\nmember_grant = 5\n", "arm 1: name"),
        ('[[arm]]\nname = "a"\n[[arm]]\nname = "a"\n', "arm 2: name: 'a' is already"),
        ('[[arm]]\nname = "a"\nmember_grants = 5\n', "arm 1: member_grants: not a policy lever"),
        (
            '[[arm]]\nname = "a"\nkpi_pressure = 7\n',
            "arm 1: policy.kpi_pressure: Input should be less than or equal to 1 (got 7)",
        ),
        ('[[arm]]\nname = "a"\nfrom = 1990\nkpi_pressure = 0\n', "from: expected a year"),
        ("[[arm]\n", "arms.toml"),
    ],
)
def test_a_bad_arms_file_is_refused_in_one_line_naming_it(tmp_path, base, text, named):
    path = arms_file(tmp_path, text)
    with pytest.raises(ScenarioError) as caught:
        read_arms(path, base)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert named in message


def test_a_missing_arms_file_is_named(tmp_path, base):
    with pytest.raises(ScenarioError, match="no such arms file"):
        read_arms(tmp_path / "missing.toml", base)
