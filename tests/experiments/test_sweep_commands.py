"""``coopsim sweep`` and ``coopsim analyze`` as a user runs them, and failed runs."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from coopsim.experiments import analyze, load_experiment, run_sweep
from coopsim.experiments.store import RUN_COLUMNS, RunStore
from coopsim.records import MODEL_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
SMOKE = ROOT / "experiments" / "smoke.toml"
PNG = b"\x89PNG\r\n\x1a\n"

# population.farms = 600 with 800 simulated farms is rejected by the scenario, the other
# three combinations are fine: each value alone passes the spec's checks.
FAILING = (
    '[design]\nkind = "grid"\n'
    '[[factors]]\nkey = "population.farms"\nvalues = [600, 5000]\n'
    '[[factors]]\nkey = "population.simulated_farms"\nvalues = [500, 800]\n'
)


@pytest.fixture(scope="module")
def smoke(
    tmp_path_factory: pytest.TempPathFactory,
    run_coopsim: Callable[..., subprocess.CompletedProcess[str]],
) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The shipped smoke experiment swept by the command."""
    folder = tmp_path_factory.mktemp("smoke")
    out = folder / "out"
    proc = run_coopsim("sweep", SMOKE, "--out", out, "--workers", "1", "--csv", cwd=folder)
    return proc, out


def test_smoke_experiment_is_small(smoke: tuple) -> None:
    experiment = load_experiment(SMOKE)
    manifest = RunStore(smoke[1]).read_manifest()
    assert len(manifest["runs"]) <= 12
    assert experiment.scenario.population.simulated_farms <= 2000
    assert experiment.scenario.years <= 5


def test_sweep_command_reports_runs_and_writes_manifest_and_merged_table(smoke: tuple) -> None:
    proc, out = smoke
    assert proc.returncode == 0, proc.stderr
    assert "12 runs (4 design points × 3 replications), 0 already in" in proc.stdout
    assert "12 runs done, 0 failed, 0 already on disk" in proc.stdout
    merged = pd.read_parquet(out / "runs.parquet")
    keys = ["policy.changes.2017.member_grant", "policy.changes.2017.kpi_pressure"]
    assert list(merged.columns[:6]) == [*RUN_COLUMNS, *keys]
    assert "membership_rate" in merged.columns
    assert len(merged) == 12 * 5
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["spec_hash"] == load_experiment(SMOKE).hash
    assert manifest["versions"]["coopsim"] and manifest["versions"]["numpy"]
    assert all(r["status"] == "done" and r["run_s"] > 0 for r in manifest["runs"])
    assert {r["seed"] for r in manifest["runs"]} == set(merged["seed"])


def test_analyze_command_prints_factor_summary_and_writes_plots(
    smoke: tuple, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    _, out = smoke
    proc = run_coopsim("analyze", out, "--outcome", "coops_active", "--year", "2019", cwd=out)
    assert proc.returncode == 0, proc.stderr
    assert "coops_active in 2019: 12 finished runs at 4 design points" in proc.stdout
    assert "policy.changes.2017.member_grant" in proc.stdout
    folder = out / "analysis" / "coops_active-2019"
    plots = sorted(folder.glob("factor-*.png"))
    assert len(plots) == 2
    assert all(p.read_bytes().startswith(PNG) for p in plots)


def test_sweep_with_csv_writes_the_merged_table_as_csv_too(smoke: tuple) -> None:
    proc, out = smoke
    assert f"wrote {out / 'runs.parquet'}, {out / 'runs.csv'}, {out / 'manifest.json'}" in (
        " ".join(proc.stdout.split())
    )
    merged = pd.read_parquet(out / "runs.parquet")
    pd.testing.assert_frame_equal(pd.read_csv(out / "runs.csv"), merged, check_dtype=False)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["scenario"]["policy"]["budget"] == 20_000_000_000  # the whole scenario
    assert len(manifest["scenario_digest"]) == 64


def test_the_smoke_experiments_levers_act_within_its_five_years(smoke: tuple) -> None:
    result = analyze(smoke[1], "membership_rate", write=False)
    grant = result.factors[result.factors["factor"] == "policy.changes.2017.member_grant"]
    without, with_grant = grant.iloc[0], grant.iloc[1]
    assert with_grant["level"] == 400_000
    assert with_grant["ci_low"] > without["ci_high"]  # intervals apart, not just means
    assert with_grant["mean"] - without["mean"] > 0.1
    nominal = analyze(smoke[1], "coops_nominal", write=False).points
    assert nominal["mean"].nunique() > 1


def test_intervals_of_shares_and_counts_stay_in_their_range(smoke: tuple) -> None:
    for outcome, (low, high) in {"membership_rate": (0, 1), "coops_nominal": (0, np.inf)}.items():
        result = analyze(smoke[1], outcome, write=False)
        for table in (result.factors, result.points):
            assert (table["ci_low"] >= low).all() and (table["ci_high"] <= high).all()
            assert (table["ci_low"] <= table["mean"]).all()
            assert (table["mean"] <= table["ci_high"]).all()


def test_analysis_of_a_sweep_matches_its_merged_table(smoke: tuple) -> None:
    _, out = smoke
    result = analyze(out, "farm_income_mean", write=False)
    runs = pd.read_parquet(out / "runs.parquet")
    last = runs[runs["year"] == runs["year"].max()]
    expected = last.groupby("point")["farm_income_mean"].mean()
    assert result.year == 2020
    assert result.points.set_index("point")["mean"].tolist() == pytest.approx(expected.tolist())


def test_analyze_an_unknown_outcome_is_a_one_line_error(
    smoke: tuple, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    _, out = smoke
    proc = run_coopsim("analyze", out, "--outcome", "farms", cwd=out)
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"error: {out}: no outcome 'farms'; one of: membership_rate, coops_active, "
        "coops_nominal, farm_income_mean, subsidy_paid"
    ]


def test_sweep_on_a_bad_spec_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path,
    write_spec: Callable[..., Path],
    run_coopsim: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    spec = write_spec('[design]\nkind = "grid"\n[[factors]]\nkey = "policy.grant"\nvalues = [1]\n')
    proc = run_coopsim("sweep", spec, "--out", tmp_path / "out", cwd=tmp_path)
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {spec}: factors.0.key"), proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert not (tmp_path / "out").exists()


def test_failed_run_is_recorded_with_its_error_and_the_others_finish(
    tmp_path: Path, write_spec: Callable[..., Path]
) -> None:
    out = tmp_path / "out"
    report = run_sweep(load_experiment(write_spec(FAILING, replications=1)), out)
    assert report.done == 3
    [(run_id, error)] = report.failed.items()
    assert error.startswith("ScenarioError: ") and "simulated_farms cannot exceed farms" in error
    store = RunStore(out)
    failure = json.loads(store.failure_path(run_id).read_text())
    assert failure["values"] == {"population.farms": 600, "population.simulated_farms": 800}
    assert "Traceback" in failure["traceback"]
    manifest = store.read_manifest()
    statuses = {r["run_id"]: r["status"] for r in manifest["runs"]}
    assert statuses.pop(run_id) == "failed"
    assert set(statuses.values()) == {"done"}
    assert manifest["counts"] == {"done": 3, "failed": 1, "pending": 0}
    merged = pd.read_parquet(out / "runs.parquet")
    assert run_id not in set(merged["run_id"]) and merged["run_id"].nunique() == 3
    assert list(merged.columns[6 : 6 + len(MODEL_COLUMNS)]) == list(MODEL_COLUMNS)


def test_rerun_tries_failed_runs_again_and_skips_finished_ones(
    tmp_path: Path,
    write_spec: Callable[..., Path],
    run_coopsim: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    spec = write_spec(FAILING, replications=1)
    out = tmp_path / "out"
    first = run_coopsim("sweep", spec, "--out", out, "--workers", "1", cwd=tmp_path)
    again = run_coopsim("sweep", spec, "--out", out, "--workers", "1", cwd=tmp_path)
    for proc, done, skipped in ((first, 3, 0), (again, 0, 3)):
        assert proc.returncode == 1, proc.stderr  # a failed run: exit status 1
        assert f"{done} runs done, 1 failed, {skipped} already on disk" in proc.stdout
        assert "simulated_farms cannot exceed farms" in proc.stdout


def test_sweep_refuses_workers_and_scheduler_together(
    tmp_path: Path, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    proc = run_coopsim(
        "sweep", SMOKE, "--out", tmp_path, "--workers", "2", "--scheduler", "x", cwd=tmp_path
    )
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == ["error: give either --workers or --scheduler, not both"]


def test_sweep_with_an_unreachable_scheduler_is_a_one_line_error(
    tmp_path: Path, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    out = tmp_path / "out"
    proc = run_coopsim(
        *("sweep", SMOKE, "--out", out, "--scheduler", "tcp://127.0.0.1:1"),
        cwd=tmp_path,
        DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="1s",  # Dask's own setting, 30 s by default
    )
    assert proc.returncode == 2
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and "cannot reach the Dask scheduler at tcp://127.0.0.1:1" in lines[0]
    assert not out.exists()  # nothing written before the cluster answered


def test_a_sweep_named_like_markup_finishes_and_prints_its_name_as_written(
    tmp_path: Path,
    write_spec: Callable[..., Path],
    run_coopsim: Callable[..., subprocess.CompletedProcess[str]],
) -> None:
    spec = write_spec('[design]\nkind = "grid"\n[[factors]]\nkey = "years"\nvalues = [2]\n')
    spec.write_text(spec.read_text().replace('name = "test"', 'name = "Sweep [/] [red]A"'))
    out = tmp_path / "out"
    proc = run_coopsim("sweep", spec, "--out", out, "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "Sweep [/] [red]A: 2 runs (1 design points × 2 replications)" in proc.stdout
    assert RunStore(out).read_manifest()["state"] == "finished"


def test_sweep_into_a_place_that_cannot_be_written_fails_in_one_line_before_any_run(
    tmp_path: Path, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    proc = run_coopsim("sweep", SMOKE, "--out", blocker / "out", "--workers", "1", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == [
        f"error: {blocker / 'out'}: cannot write here ({blocker} is a file, not a folder)"
    ]
    assert proc.stdout == ""


def test_analyze_that_cannot_write_its_folder_says_so_in_one_line(
    smoke: tuple, tmp_path: Path, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    out = tmp_path / "sweep"
    shutil.copytree(smoke[1], out)
    shutil.rmtree(out / "analysis", ignore_errors=True)
    (out / "analysis").write_text("a file where the analysis folder would go")
    proc = run_coopsim("analyze", out, "--outcome", "coops_active", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    [line] = proc.stderr.splitlines()
    assert line.startswith(f"error: {out / 'analysis' / 'coops_active-2020'}: cannot write here")


def test_a_second_analysis_replaces_the_first_as_a_whole(smoke: tuple, tmp_path: Path) -> None:
    out = tmp_path / "sweep"
    shutil.copytree(smoke[1], out)
    folder = out / "analysis" / "coops_active-2020"
    first = analyze(out, "coops_active")
    listing = json.loads((folder / "run.json").read_text())
    assert {*listing["files"], "run.json"} == {p.name for p in first.files}
    assert {p.name for p in folder.iterdir()} == {p.name for p in first.files}
    # a plot of an earlier analysis (a factor since dropped) goes with the folder it was in
    (folder / "factor-dropped.png").write_bytes(PNG)
    analyze(out, "coops_active")
    assert not (folder / "factor-dropped.png").exists()
    assert not [p for p in folder.parent.iterdir() if p.name.endswith((".partial", ".old"))]
