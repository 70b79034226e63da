"""Calibration: shared behaviour fitted to the country scenarios' reported figures."""

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from coopsim.experiments.calibration import (
    FILES,
    Target,
    calibrate,
    load_calibration,
    losses,
    read_best,
    target_errors,
    undefined_figures,
    write_results,
)
from coopsim.experiments.executor import Sequential
from coopsim.experiments.runner import RunResult
from coopsim.experiments.spec import scenario_value
from coopsim.results import ResultFolder
from coopsim.scenario import Scenario, ScenarioError

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION = ROOT / "experiments" / "calibration.toml"
CALIBRATED = ROOT / "experiments" / "calibrated.toml"
COUNTRIES = ("germany_1950", "japan_1960", "kazakhstan_2016", "canada_federation")


def _small_spec(tmp_path: Path, **extra: str) -> Path:
    text = f"""
name = "small"
samples = 2
replications = 2
seed = 5

[[parameters]]
key = "behaviour.merger_search_probability"
min = 0.1
max = 0.5

[[parameters]]
key = "behaviour.autonomy_premium_peasant_farm"
min = 0.02
max = 0.3

[[countries]]
scenario = "{(ROOT / "scenarios" / "kazakhstan_2016.toml").as_posix()}"
farms = 2_000

[[countries.targets]]
column = "coops_registered"
year = 2021
value = 1_500

[[countries.targets]]
column = "membership_rate"
year = 2020
value = 0.05
weight = 2
"""
    for key, value in extra.items():
        text = text.replace(key, value)
    path = tmp_path / "calibration.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loss_is_the_weighted_mean_of_squared_log_errors() -> None:
    errors = pd.DataFrame(
        {
            "point": [0, 0, 1, 1],
            "log_error": [math.log(2), 0.0, math.log(0.5), math.log(1.1)],
            "weight": [1.0, 3.0, 1.0, 3.0],
        }
    )
    ranked = losses(errors, [{"x": 0.1}, {"x": 0.2}])
    # point 0: (ln 2)² · 1 / 4 = 0.1201; point 1: ((ln 0.5)² + 3 (ln 1.1)²) / 4 = 0.1269
    assert list(ranked.index) == [0, 1]
    assert ranked.loss.tolist() == pytest.approx([0.120113, 0.126927], abs=1e-6)
    assert ranked.x.tolist() == [0.1, 0.2]


def test_errors_compare_the_replicate_mean_with_the_reported_figure(tmp_path) -> None:
    calibration = load_calibration(_small_spec(tmp_path))

    def result(point: int, replicate: int, coops: float, rate: float) -> RunResult:
        table = pd.DataFrame(
            {"year": [2020, 2021], "coops_registered": [0, coops], "membership_rate": [rate, 0]}
        )
        return RunResult(f"p{point}-c0-r{replicate}", table)

    results = [result(0, 0, 1_000, 0.05), result(0, 1, 2_000, 0.15)]
    errors = target_errors(calibration, results).set_index("figure")
    assert errors.at["coops_registered, 2021", "simulated"] == 1_500
    assert errors.at["coops_registered, 2021", "log_error"] == pytest.approx(0.0)
    assert errors.at["membership_rate, 2020", "simulated"] == pytest.approx(0.10)
    assert errors.at["membership_rate, 2020", "log_error"] == pytest.approx(math.log(2))
    assert errors.at["membership_rate, 2020", "weight"] == 2


def test_a_rate_target_is_the_mean_over_its_years_of_one_column_per_another() -> None:
    target = Target(
        column="mergers", per="coops_registered", first_year=2001, year=2003, value=0.03
    )
    table = pd.DataFrame(
        {"mergers": [9, 10, 4, 2, 7], "coops_registered": [50, 100, 100, 50, 10]},
        index=[2000, 2001, 2002, 2003, 2004],
    )
    # (10/100 + 4/100 + 2/50) / 3 = 0.06
    assert target.simulated(table) == pytest.approx(0.06)
    assert target.label == "mergers per coops_registered, 2001–2003"


def test_a_rate_target_leaves_out_the_years_whose_divisor_is_zero() -> None:
    target = Target(column="mergers", per="coops_registered", first_year=2001, year=2003, value=1)
    table = pd.DataFrame(
        {"mergers": [3, 0, 5], "coops_registered": [10, 0, 0]}, index=[2001, 2002, 2003]
    )
    # 2002 is 0/0 and 2003 is 5/0: only 2001 has a figure
    assert target.simulated(table) == pytest.approx(0.3)


def test_a_figure_that_is_zero_over_zero_makes_its_point_rank_last_not_fit_perfectly() -> None:
    errors = pd.DataFrame(
        {
            "point": [0, 0, 1, 1],
            "scenario": ["Germany"] * 4,
            "figure": ["a", "mergers per coops_registered, 1951–1980"] * 2,
            # point 1 cannot give its second figure (0/0 in every year): NaN, not a fit
            "log_error": [math.log(2), 0.1, 0.0, math.nan],
            "weight": [1.0, 3.0, 1.0, 3.0],
        }
    )
    ranked = losses(errors, [{"x": 0.1}, {"x": 0.2}])
    assert list(ranked.index) == [0, 1]
    assert ranked.loss.iloc[1] == math.inf
    missing = undefined_figures(errors)
    assert missing.to_dict("records") == [
        {"scenario": "Germany", "figure": "mergers per coops_registered, 1951–1980", "points": 1}
    ]


def test_target_errors_give_no_error_for_a_figure_no_year_has(tmp_path) -> None:
    calibration = load_calibration(_small_spec(tmp_path))
    table = pd.DataFrame(
        {"year": [2020, 2021], "coops_registered": [0, 0], "membership_rate": [math.nan, 0]}
    )
    results = [RunResult(f"p0-c0-r{r}", table) for r in range(2)]
    errors = target_errors(calibration, results).set_index("figure")
    assert math.isnan(errors.at["membership_rate, 2020", "log_error"])
    assert losses(errors.reset_index(), [{"x": 0.1}]).loss.iloc[0] == math.inf


def test_a_failed_run_stops_the_calibration(tmp_path) -> None:
    calibration = load_calibration(_small_spec(tmp_path))
    with pytest.raises(RuntimeError, match="p0-c0-r1"):
        target_errors(calibration, [RunResult("p0-c0-r1", None, "ValueError: boom")])


def test_a_small_calibration_runs_and_writes_its_best_point(tmp_path) -> None:
    calibration = load_calibration(_small_spec(tmp_path))
    ranked, errors = calibrate(calibration, Sequential())
    assert len(ranked) == 2 and len(errors) == 2 * 2
    assert ranked.loss.is_monotonic_increasing
    # the same design and seeds give the same losses
    again, _ = calibrate(calibration, Sequential())
    pd.testing.assert_frame_equal(ranked, again)
    with ResultFolder(tmp_path / "out", FILES) as folder:
        written = write_results(calibration, ranked, errors, folder)
    assert [p.name for p in written] == ["points.csv", "errors.csv", "best.toml", "run.json"]
    best = read_best(tmp_path / "out" / "best.toml")
    assert best == pytest.approx(
        {
            "behaviour.merger_search_probability": round(
                ranked.iloc[0]["behaviour.merger_search_probability"], 4
            ),
            "behaviour.autonomy_premium_peasant_farm": round(
                ranked.iloc[0]["behaviour.autonomy_premium_peasant_farm"], 4
            ),
        }
    )
    assert pd.read_csv(tmp_path / "out" / "points.csv").loss.tolist() == pytest.approx(
        ranked.loss.tolist()
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {'key = "behaviour.merger_search_probability"': 'key = "behaviour.no_such"'},
            "parameters.0.key: no such scenario field",
        ),
        ({"year = 2021": "year = 2040"}, "countries.0.targets.0.year: 2040 is outside 2016–2030"),
        ({"min = 0.1": "min = 0.9"}, "parameters.0: min must be below max"),
        ({"samples = 2": "samples = 0"}, "samples"),
        (
            {'column = "membership_rate"': 'column = "members_rate"'},
            "'members_rate' is not a model column",
        ),
        ({"value = 1_500": 'value = "many"'}, "countries.0.targets.0.value"),
        ({"value = 1_500": "value = inf"}, "countries.0.targets.0.value: Input should be a finite"),
        ({"weight = 2": "weight = 1e308"}, "countries.0.targets.1.weight"),
        (
            {"max = 0.5": "max = 1.5"},
            r"parameters.0.max: behaviour.merger_search_probability = 1.5 is rejected by the "
            r"scenario of countries.0 \(behaviour.merger_search_probability: Input should be "
            "less than or equal to 1",
        ),
        (
            {"min = 0.02": "min = -0.5"},
            r"parameters.1.min: behaviour.autonomy_premium_peasant_farm = -0.5 is rejected",
        ),
        ({"max = 0.3": "max = nan"}, "parameters.1.max: Input should be a finite number"),
        (
            {
                "samples = 2": "samples = 10_000\nrounds = 10",
                "replications = 2": "replications = 20",
            },
            r"samples: 2,000,000 runs \(rounds × samples × countries × replications\); at most",
        ),
        ({"farms = 2_000": "farms = 12_000_000"}, "countries.0.farms"),
    ],
)
def test_bad_calibration_files_give_one_line_errors(tmp_path, change, message) -> None:
    path = _small_spec(tmp_path, **change)
    with pytest.raises(ScenarioError, match=message) as info:
        load_calibration(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_the_command_reports_a_bad_file_without_a_traceback(tmp_path) -> None:
    path = _small_spec(tmp_path, **{"year = 2021": "year = 2040"})
    done = subprocess.run(
        [sys.executable, "-m", "coopsim.cli", "calibrate", str(path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "2040 is outside" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_the_shipped_calibration_file_is_valid_and_names_every_country() -> None:
    calibration = load_calibration(CALIBRATION)
    names = {Path(c.scenario).stem for c in calibration.spec.countries}
    assert names == set(COUNTRIES)
    # every figure names where it was observed
    assert all(t.source for c in calibration.spec.countries for t in c.targets)


def test_the_library_defaults_are_the_calibrated_values() -> None:
    best = read_best(CALIBRATED)
    assert set(best) == {p.key for p in load_calibration(CALIBRATION).spec.parameters}
    for key, value in best.items():
        assert scenario_value(Scenario(), key) == (True, value), key


@pytest.mark.parametrize("country", COUNTRIES)
def test_country_files_set_no_shared_behaviour(country: str) -> None:
    data = tomllib.loads((ROOT / "scenarios" / f"{country}.toml").read_text(encoding="utf-8"))
    assert "behaviour" not in data
    shared = [p.key for p in load_calibration(CALIBRATION).spec.parameters]
    for key in shared:
        section, field = key.split(".")
        assert field not in data.get(section, {}), key
    assert "autonomy_premium_sd" not in data.get("behaviour", {})


def test_a_second_round_searches_a_smaller_box_around_the_first_rounds_best(tmp_path) -> None:
    path = _small_spec(
        tmp_path, **{"replications = 2": "replications = 1\nrounds = 2\nshrink = 0.5"}
    )
    calibration = load_calibration(path)
    ranked, errors = calibrate(calibration, Sequential())
    assert sorted(ranked.index) == [0, 1, 2, 3] and sorted(errors.point.unique()) == [0, 1, 2, 3]
    first = ranked.loc[[0, 1]].sort_values("loss").iloc[0]
    key = "behaviour.autonomy_premium_peasant_farm"  # range 0.02–0.3: the box is 0.14 wide
    low = min(max(first[key] - 0.07, 0.02), 0.3 - 0.14)
    assert ranked.loc[[2, 3], key].between(low, low + 0.14).all()
    # the first round is the one a single-round calibration would run
    one_round = load_calibration(_small_spec(tmp_path, **{"replications = 2": "replications = 1"}))
    alone, _ = calibrate(one_round, Sequential())
    pd.testing.assert_frame_equal(ranked.loc[[0, 1]].sort_index(), alone.sort_index())


def _calibrate(path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopsim.cli", "calibrate", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )


def test_calibrate_into_a_place_that_cannot_be_written_fails_before_any_run(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = _calibrate(_small_spec(tmp_path), blocker / "out")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {blocker / 'out'}: cannot write here ({blocker} is a file, not a folder)"
    ]
    assert "runs" not in done.stdout  # not one run was started


def test_calibrate_where_no_point_can_be_scored_says_which_figure_and_writes_nothing(
    tmp_path,
) -> None:
    # no coop is registered in 2016: mergers per coops_registered is 0/0 in every run
    path = _small_spec(
        tmp_path,
        **{
            'column = "membership_rate"\nyear = 2020': (
                'column = "mergers"\nper = "coops_registered"\nyear = 2016'
            ),
            "farms = 2_000": "farms = 300",
            "replications = 2": "replications = 1",
        },
    )
    done = _calibrate(path, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == [
        "error: no point could be scored (Kazakhstan 2016: mergers per coops_registered, 2016 "
        "is undefined (0/0 in every year)); nothing was written"
    ]
    assert not (tmp_path / "out").exists()
