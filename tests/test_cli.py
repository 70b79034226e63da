"""The ``coopsim`` console command, run for real in a subprocess."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from commandline import assert_one_error_line, coopsim

from coopsim.records import MODEL_COLUMNS

ROOT = Path(__file__).resolve().parents[1]
KAZAKHSTAN = ROOT / "scenarios" / "kazakhstan_2016.toml"
VILLAGE = ROOT / "scenarios" / "village_machinery.toml"
BAD_SCENARIO = '[policy]\nmember_grant = "lots"\n'
START_YEAR = 2016
RUN_YEARS = {"village": 5, "kazakhstan": 4}
"""Years each fixture run simulates (both scenarios start in 2016)."""


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {
        str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def village_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The village scenario run for 5 years with the decision log."""
    out = tmp_path_factory.mktemp("village") / "out"
    proc = coopsim(
        "run",
        VILLAGE,
        "--years",
        str(RUN_YEARS["village"]),
        "--out",
        out,
        "--decisions",
        "--quiet",
        cwd=out.parent,
    )
    assert proc.returncode == 0, proc.stderr
    return out


@pytest.fixture(scope="module")
def kazakhstan_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kazakhstan 2016 as a 1,500-farm sample for 4 years."""
    out = tmp_path_factory.mktemp("kazakhstan") / "out"
    proc = coopsim(
        "run",
        KAZAKHSTAN,
        "--farms",
        "1500",
        "--years",
        str(RUN_YEARS["kazakhstan"]),
        "--seed",
        "3",
        "--out",
        out,
        cwd=out.parent,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return out


@pytest.fixture(scope="module")
def bad_run_over_results(
    village_run: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[subprocess.CompletedProcess[str], Path, dict, dict]:
    """A bad scenario run with --out pointing at a folder of earlier results.

    Returns the process, the bad file, and the folder's files before and after.
    """
    base = tmp_path_factory.mktemp("rerun")
    out = base / "out"
    shutil.copytree(village_run, out)
    bad = base / "bad_scenario.toml"
    bad.write_text(BAD_SCENARIO, encoding="utf-8")
    before = _snapshot(out)
    proc = coopsim("run", bad, "--out", out, "--decisions", cwd=base)
    return proc, bad, before, _snapshot(out)


def test_run_on_a_bad_scenario_exits_2_with_one_error_line_naming_file_and_key(
    bad_run_over_results: tuple,
) -> None:
    proc, bad, _, _ = bad_run_over_results
    assert_one_error_line(proc, str(bad), "policy.member_grant")


def test_run_on_a_bad_scenario_leaves_earlier_results_intact(bad_run_over_results: tuple) -> None:
    _, _, before, after = bad_run_over_results
    assert {"model.parquet", "model.csv", "decisions.parquet", "run.json"} <= set(before)
    assert after.keys() == before.keys()
    for name, (content, mtime) in before.items():
        assert after[name][0] == content, f"{name} changed"
        assert after[name][1] == mtime, f"{name} was rewritten"


def test_run_on_a_bad_scenario_creates_no_output_folder(tmp_path: Path) -> None:
    bad = tmp_path / "bad_scenario.toml"
    bad.write_text("[population.household_plot]\nshare = 1.5\n", encoding="utf-8")
    proc = coopsim("run", bad, "--out", tmp_path / "out", cwd=tmp_path)
    assert_one_error_line(proc, str(bad), "population.household_plot.share")
    assert not (tmp_path / "out").exists()


def test_run_error_names_a_file_whose_path_has_square_brackets(tmp_path: Path) -> None:
    folder = tmp_path / "runs[red]"
    folder.mkdir()
    bad = folder / "scenario[bold].toml"
    bad.write_text(BAD_SCENARIO, encoding="utf-8")
    proc = coopsim("run", bad, cwd=tmp_path)
    assert_one_error_line(proc, str(bad), "policy.member_grant")


@pytest.mark.parametrize("case", ["village", "kazakhstan"])
def test_run_writes_model_table_as_parquet_and_csv_with_documented_columns(
    case: str, request: pytest.FixtureRequest
) -> None:
    out: Path = request.getfixturevalue(f"{case}_run")
    parquet = pd.read_parquet(out / "model.parquet")
    csv = pd.read_csv(out / "model.csv")
    missing = [c for c in MODEL_COLUMNS if c not in parquet.columns]
    assert not missing, f"model.parquet lacks {missing}"
    assert list(parquet.columns[: len(MODEL_COLUMNS)]) == list(MODEL_COLUMNS)
    assert parquet["year"].tolist() == list(range(START_YEAR, START_YEAR + RUN_YEARS[case]))
    assert list(csv.columns) == list(parquet.columns)
    pd.testing.assert_frame_equal(csv, parquet, check_dtype=False)


def test_run_reports_real_units_for_a_scaled_sample(kazakhstan_run: Path) -> None:
    table = pd.read_parquet(kazakhstan_run / "model.parquet")
    # 1,500 simulated farms stand for 500,000: farm counts are in the hundreds of thousands
    assert (table["farms"] > 400_000).all()
    assert (table["farms"] <= 500_000).all()


def test_run_with_decisions_writes_a_decision_log(village_run: Path) -> None:
    decisions = pd.read_parquet(village_run / "decisions.parquet")
    assert len(decisions) > 0
    assert {"year", "farm", "action", "coop", "payoff_alone", "payoff_option"} <= set(
        decisions.columns
    )
    assert set(decisions["farm"]) <= set(range(10))


def test_explain_tells_a_founding_farms_decisions_in_sentences_starting_with_a_year(
    village_run: Path,
) -> None:
    decisions = pd.read_parquet(village_run / "decisions.parquet")
    chosen = decisions[decisions["action"].isin(["joined", "founded"])]
    assert len(chosen) > 0, "no farm joined or founded"
    farm, year, action = chosen.iloc[0][["farm", "year", "action"]]
    proc = coopsim("explain", village_run, str(int(farm)), cwd=village_run.parent)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    own = decisions[decisions["farm"] == farm]
    if "name" in decisions.columns:  # a named farm's story opens with its name
        assert lines[0] == own["name"].iloc[0]
        lines = lines[1:]
    assert len(lines) == len(own), proc.stdout
    assert all(re.match(r"\d{4}: ", line) for line in lines), proc.stdout
    assert any(line.startswith(f"{int(year)}: {action}") for line in lines), proc.stdout


def test_explain_tells_the_same_decisions_in_kazakh(village_run: Path) -> None:
    english = coopsim("explain", village_run, "0", cwd=village_run.parent)
    kazakh = coopsim("explain", village_run, "0", "--lang", "kk", cwd=village_run.parent)
    assert kazakh.returncode == 0, kazakh.stderr
    pairs = list(zip(english.stdout.splitlines(), kazakh.stdout.splitlines(), strict=True))
    assert pairs[0][0] == pairs[0][1]  # the farm's name
    for en, kk in pairs[1:]:
        assert en[:6] == kk[:6] and en != kk  # the same year, other words
    assert any("кооператив" in kk for _, kk in pairs[1:])


def test_explain_refuses_an_unknown_language(village_run: Path) -> None:
    proc = coopsim("explain", village_run, "0", "--lang", "de", cwd=village_run.parent)
    assert_one_error_line(proc, "'de'", "en, kk, ru")
    assert proc.stdout == ""


def test_validate_accepts_a_good_scenario_file(tmp_path: Path) -> None:
    proc = coopsim("validate", KAZAKHSTAN, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout
    assert proc.stderr == ""


def test_run_into_a_folder_that_cannot_be_written_fails_before_simulating(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = blocker / "results"
    proc = coopsim("run", VILLAGE, "--out", out, cwd=tmp_path)
    assert_one_error_line(proc, str(out), "cannot write")
    assert proc.stdout == ""  # nothing was simulated or summarised
    assert blocker.read_text() == "not a folder"


def test_farms_on_a_scenario_of_named_farms_names_the_option_and_the_named_farms(
    tmp_path: Path,
) -> None:
    proc = coopsim("run", VILLAGE, "--farms", "5", cwd=tmp_path)
    assert_one_error_line(
        proc, "--farms 5", str(VILLAGE), "gives its 10 farms by name (population.named_farms)"
    )


def test_a_run_named_like_markup_finishes_and_prints_its_name_as_written(tmp_path: Path) -> None:
    path = tmp_path / "markup.toml"
    text = VILLAGE.read_text(encoding="utf-8")
    path.write_text(text.replace('name = "The village\'s machinery"', 'name = "V [/] [red]x"'))
    proc = coopsim("run", path, "--years", "2", "--out", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("V [/] [red]x: 10 simulated farms")
    assert (tmp_path / "out" / "run.json").exists()
