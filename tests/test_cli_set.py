"""``coopsim run --set KEY=VALUE``: one headless variant without writing a scenario file."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from coopsim.cli import setting
from coopsim.scenario import ScenarioError
from tests.commandline import assert_one_error_line, coopsim

ROOT = Path(__file__).resolve().parents[1]
VILLAGE = ROOT / "scenarios" / "village_machinery.toml"
KAZAKHSTAN = ROOT / "scenarios" / "kazakhstan_2016.toml"


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("policy.member_grant=5", "policy.member_grant", 5),
        ("market.price_crop = 60_000", "market.price_crop", 60_000),
        ("policy.investment_subsidy=0.25", "policy.investment_subsidy", 0.25),
        ("federation.central_tier=true", "federation.central_tier", True),
        ('name="A test"', "name", "A test"),
        ("name=My run", "name", "My run"),
    ],
)
def test_a_setting_is_a_key_and_a_toml_value(text: str, key: str, value: object) -> None:
    assert setting(text) == (key, value)
    assert type(setting(text)[1]) is type(value)


@pytest.mark.parametrize("text", ["policy.member_grant", "=5", ""])
def test_a_setting_without_key_or_equals_sign_is_refused(text: str) -> None:
    with pytest.raises(ScenarioError, match="give KEY=VALUE"):
        setting(text)


def test_run_with_settings_applies_them_and_records_them(tmp_path: Path) -> None:
    out = tmp_path / "grant"
    proc = coopsim(
        "run",
        VILLAGE,
        "--set",
        "policy.member_grant=5",
        "--set",
        "policy.changes.2019.start_up_grant=1000",
        "--out",
        out,
        "--quiet",
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    listing = json.loads((out / "run.json").read_text())
    assert listing["settings"] == [
        "policy.member_grant=5",
        "policy.changes.2019.start_up_grant=1000",
    ]
    policy = listing["scenario"]["policy"]
    assert policy["member_grant"] == 5
    assert {"year": 2019, "start_up_grant": 1000} in [
        {k: v for k, v in c.items() if v is not None} for c in policy["changes"]
    ]


def test_a_setting_changes_the_results_as_the_same_change_in_a_file_would(tmp_path: Path) -> None:
    text = KAZAKHSTAN.read_text(encoding="utf-8").replace(
        "member_grant = 100_000", "member_grant = 400_000", 1
    )
    edited = tmp_path / "edited.toml"
    edited.write_text(text, encoding="utf-8")
    common = ("--farms", "500", "--years", "5", "--quiet")
    runs = {
        "set": ("run", KAZAKHSTAN, "--set", "policy.changes.2017.member_grant=400000"),
        "file": ("run", edited),
        "base": ("run", KAZAKHSTAN),
    }
    tables = {}
    for name, args in runs.items():
        proc = coopsim(*args, *common, "--out", tmp_path / name, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        tables[name] = pd.read_parquet(tmp_path / name / "model.parquet")
    pd.testing.assert_frame_equal(tables["set"], tables["file"])
    assert tables["set"]["members"].iloc[-1] > tables["base"]["members"].iloc[-1]


@pytest.mark.parametrize(
    ("setting_text", "named"),
    [
        ("policy.member_grnt=5", "policy.member_grnt: no such scenario field"),
        ("policy.member_grant=x", "policy.member_grant: Input should be a valid number"),
        ("policy.investment_subsidy=25", "less than or equal to 1 (got 25)"),
        ("policy.changes.soon.member_grant=1", "'soon' is not a year"),
        ("member_grant", "give KEY=VALUE"),
    ],
)
def test_a_bad_setting_is_one_line_and_leaves_earlier_results_intact(
    tmp_path: Path, setting_text: str, named: str
) -> None:
    out = tmp_path / "out"
    first = coopsim("run", VILLAGE, "--out", out, "--quiet", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    proc = coopsim("run", VILLAGE, "--set", setting_text, "--out", out, cwd=tmp_path)
    assert_one_error_line(proc, f"--set {setting_text}", str(VILLAGE), named)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
