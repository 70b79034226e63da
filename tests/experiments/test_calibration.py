"""Calibration: a posterior of the shared behaviour, fitted to observed figures by ABC-SMC."""

import math
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopsim.experiments.calibration import (
    FILES,
    UNDEFINED,
    Target,
    calibrate,
    database_digest,
    distance,
    load_calibration,
    map_particle,
    posterior_summary,
    posterior_table,
    read_best,
    write_results,
)
from coopsim.experiments.executor import ProcessPool, Sequential
from coopsim.experiments.runner import RunResult
from coopsim.experiments.spec import scenario_value
from coopsim.results import ResultFolder
from coopsim.scenario import Scenario, ScenarioError

ROOT = Path(__file__).resolve().parents[2]
CALIBRATION = ROOT / "experiments" / "calibration.toml"
CALIBRATED = ROOT / "experiments" / "calibrated" / "best.toml"
COUNTRIES = ("germany_1950", "japan_1960", "kazakhstan_2016", "canada_federation")


def _small_spec(tmp_path: Path, **extra: str) -> Path:
    text = f"""
name = "small"
particles = 6
generations = 2
max_simulations = 100
model_discrepancy = 0.1
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
farms = 1_000

[[countries.targets]]
column = "coops_registered"
year = 2021
value = 1_500
uncertainty = 0.1

[[countries.targets]]
column = "membership_rate"
year = 2020
value = 0.05
uncertainty = 0.2
"""
    for key, value in extra.items():
        assert key in text, key
        text = text.replace(key, value)
    path = tmp_path / "calibration.toml"
    path.write_text(text, encoding="utf-8")
    return path


# --- the distance -------------------------------------------------------------------------------


def test_the_distance_is_the_root_mean_square_of_standardised_log_errors() -> None:
    figures = [("a", 100.0, math.log(2)), ("b", 0.5, 0.1)]
    # a: ln(200/100) / ln 2 = 1; b: exact, 0 → sqrt((1 + 0) / 2)
    assert distance({"a": 200.0, "b": 0.5}, figures) == pytest.approx(math.sqrt(0.5))
    # half is as far as double
    assert distance({"a": 50.0, "b": 0.5}, figures) == pytest.approx(math.sqrt(0.5))
    # b: ln(0.5·e^0.2 / 0.5) / 0.1 = 2 → sqrt((0 + 4) / 2)
    assert distance({"a": 100.0, "b": 0.5 * math.exp(0.2)}, figures) == pytest.approx(math.sqrt(2))


def test_a_figure_of_zero_counts_as_a_billionth_and_an_undefined_one_ranks_last() -> None:
    figures = [("a", 1.0, 1.0)]
    assert distance({"a": 0.0}, figures) == pytest.approx(-math.log(1e-9))
    assert distance({"a": math.nan}, figures) == UNDEFINED


@given(
    observed=st.lists(st.floats(1e-3, 1e6), min_size=1, max_size=6),
    ratios=st.lists(st.floats(1e-3, 1e3), min_size=6, max_size=6),
    sigma=st.floats(0.01, 5),
    k=st.floats(0.1, 10),
)
def test_the_distance_is_zero_only_on_the_figures_and_scales_with_one_over_sigma(
    observed, ratios, sigma, k
) -> None:
    figures = [(f"f{i}", value, sigma) for i, value in enumerate(observed)]
    exact = {name: value for name, value, _ in figures}
    assert distance(exact, figures) == pytest.approx(0.0, abs=1e-9)
    simulated = {name: value * ratios[i] for i, (name, value, _) in enumerate(figures)}
    d = distance(simulated, figures)
    assert d >= 0
    wider = [(name, value, sigma * k) for name, value, _ in figures]
    assert distance(simulated, wider) == pytest.approx(d / k, rel=1e-9, abs=1e-12)


def test_the_model_discrepancy_is_added_to_each_figures_uncertainty_in_quadrature(
    tmp_path,
) -> None:
    calibration = load_calibration(_small_spec(tmp_path))
    # √(0.1² + 0.1²) and √(0.2² + 0.1²)
    assert calibration.figures() == [
        ("c0t0", 1_500, pytest.approx(0.141421, abs=1e-6)),
        ("c0t1", 0.05, pytest.approx(0.223607, abs=1e-6)),
    ]


def test_a_particles_figures_are_read_from_its_countries_tables(tmp_path) -> None:
    calibration = load_calibration(_small_spec(tmp_path))
    table = pd.DataFrame(
        {"year": [2020, 2021], "coops_registered": [0, 1_200], "membership_rate": [0.1, 0]}
    )
    figures = calibration.simulated_figures([RunResult("g0-p0-c0", table)])
    assert figures == {"c0t0": 1_200, "c0t1": pytest.approx(0.1)}
    with pytest.raises(RuntimeError, match="g0-p1-c0 failed: ValueError: boom"):
        calibration.simulated_figures([RunResult("g0-p1-c0", None, "ValueError: boom")])


def test_a_rate_target_is_the_mean_over_its_years_of_one_column_per_another() -> None:
    target = Target(
        column="mergers",
        per="coops_registered",
        first_year=2001,
        year=2003,
        value=0.03,
        uncertainty=0.1,
    )
    table = pd.DataFrame(
        {"mergers": [9, 10, 4, 2, 7], "coops_registered": [50, 100, 100, 50, 10]},
        index=[2000, 2001, 2002, 2003, 2004],
    )
    # (10/100 + 4/100 + 2/50) / 3 = 0.06
    assert target.simulated(table) == pytest.approx(0.06)
    assert target.label == "mergers per coops_registered, 2001–2003"


def test_a_rate_target_leaves_out_the_years_whose_divisor_is_zero() -> None:
    target = Target(
        column="mergers", per="coops_registered", first_year=2001, year=2003, value=1, uncertainty=1
    )
    table = pd.DataFrame(
        {"mergers": [3, 0, 5], "coops_registered": [10, 0, 0]}, index=[2001, 2002, 2003]
    )
    # 2002 is 0/0 and 2003 is 5/0: only 2001 has a figure
    assert target.simulated(table) == pytest.approx(0.3)


# --- the posterior's summary --------------------------------------------------------------------


def test_the_map_is_the_particle_where_the_weighted_particles_crowd(tmp_path) -> None:
    calibration = load_calibration(_small_spec(tmp_path))
    keys = calibration.keys  # priors 0.1–0.5 and 0.02–0.3
    posterior = pd.DataFrame(
        {
            "generation": [1] * 6,
            # a crowd of four near (0.3, 0.1), two loners; the loners weigh as much each
            "weight": [0.1, 0.1, 0.1, 0.1, 0.3, 0.3],
            keys[0]: [0.30, 0.31, 0.29, 0.30, 0.12, 0.48],
            keys[1]: [0.10, 0.10, 0.11, 0.09, 0.28, 0.03],
        }
    )
    best = map_particle(posterior, calibration)
    assert (best[keys[0]], best[keys[1]]) in {
        (0.30, 0.10),
        (0.31, 0.10),
        (0.29, 0.11),
        (0.30, 0.09),
    }
    # a weighted crowd wins over an unweighted one
    posterior.loc[:3, "weight"] = 0.001
    posterior.loc[4:, keys[0]] = [0.12, 0.13]
    posterior.loc[4:, keys[1]] = [0.28, 0.27]
    assert map_particle(posterior, calibration)[keys[0]] in (0.12, 0.13)


def test_the_summary_gives_weighted_quantiles_of_the_last_generation_only() -> None:
    posterior = pd.DataFrame(
        {
            "generation": [0, 0, 1, 1, 1, 1],
            "weight": [0.5, 0.5, 0.1, 0.1, 0.1, 0.7],
            "x": [100.0, 200.0, 1.0, 2.0, 3.0, 4.0],
        }
    )
    summary = posterior_summary(posterior, ["x"]).iloc[0]
    # weighted mean: 0.1 + 0.2 + 0.3 + 2.8 = 3.4
    assert summary["mean"] == pytest.approx(3.4)
    # the median interpolates between the weights' midpoints (0.05, 0.15, 0.25, 0.65):
    # 3 + (0.5 - 0.25) / 0.4 = 3.625
    assert summary["median"] == pytest.approx(3.625)
    # below the first midpoint: the smallest value; above the last: the largest
    assert summary["q05"] == pytest.approx(1.0)
    assert summary["q95"] == pytest.approx(4.0)


# --- a small calibration, end to end ------------------------------------------------------------


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    """A two-generation calibration run in this process, and what it wrote."""
    tmp_path = tmp_path_factory.mktemp("small")
    calibration = load_calibration(_small_spec(tmp_path))
    database = tmp_path / "abc.db"
    lines: list[str] = []
    history = calibrate(calibration, Sequential(), database, lines.append)
    with ResultFolder(tmp_path / "out", FILES) as folder:
        written = write_results(calibration, history, database, folder)
    return calibration, history, written, lines, tmp_path


def test_a_small_calibration_writes_its_posterior_summary_and_best_point(small) -> None:
    calibration, _, written, lines, tmp_path = small
    out = tmp_path / "out"
    assert [p.name for p in written] == [*FILES, "run.json"]
    assert len(lines) == 2 and lines[0].startswith("generation 0: 6 of 6 particles kept")
    posterior = pd.read_parquet(out / "posterior.parquet")
    assert sorted(posterior.generation.unique()) == [0, 1]
    assert (posterior.groupby("generation").size() == 6).all()
    assert posterior.groupby("generation").weight.sum().to_numpy() == pytest.approx([1, 1])
    for parameter in calibration.spec.parameters:
        assert posterior[parameter.key].between(parameter.min, parameter.max).all()
    # generation 1 keeps only particles within generation 0's median distance
    threshold = float(np.median(posterior.loc[posterior.generation == 0, "distance"]))
    assert (posterior.loc[posterior.generation == 1, "distance"] <= threshold + 1e-9).all()
    summary = pd.read_csv(out / "summary.csv").set_index("parameter")
    assert (summary.q05 <= summary["median"]).all() and (summary["median"] <= summary.q95).all()
    best = read_best(out / "best.toml")
    assert best == {key: round(summary.at[key, "map"], 4) for key in calibration.keys}
    assert "posterior's MAP particle" in (out / "best.toml").read_text(encoding="utf-8")
    # the MAP is one of the last generation's particles
    last = posterior[posterior.generation == 1]
    assert ((last[calibration.keys] - summary["map"].to_numpy()).abs().max(axis=1) < 1e-12).any()
    fit = pd.read_csv(out / "fit.csv")
    assert fit.figure.tolist() == [
        "Kazakhstan 2016: coops_registered, 2021",
        "Kazakhstan 2016: membership_rate, 2020",
    ]
    generations = pd.read_csv(out / "generations.csv")
    assert generations.simulations.iloc[0] == 6 and generations.simulations.iloc[1] >= 6
    assert database_digest(out / "abc.db") == calibration.digest()


def test_the_posterior_is_the_same_on_a_process_pool_and_when_resumed(small, tmp_path) -> None:
    calibration, history, _, _, _ = small
    expected = posterior_table(history, calibration)
    pooled = calibrate(calibration, ProcessPool(2), tmp_path / "pool.db")
    pd.testing.assert_frame_equal(posterior_table(pooled, calibration), expected)
    # stop after one generation, then continue from the database
    one = load_calibration(_small_spec(tmp_path, **{"generations = 2": "generations = 1"}))
    database = tmp_path / "resumed.db"
    calibrate(one, Sequential(), database)
    resumed = calibrate(calibration, Sequential(), database)
    pd.testing.assert_frame_equal(posterior_table(resumed, calibration), expected)


# --- the files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {'key = "behaviour.merger_search_probability"': 'key = "behaviour.no_such"'},
            "parameters.0.key: no such scenario field",
        ),
        ({"year = 2021": "year = 2040"}, "countries.0.targets.0.year: 2040 is outside 2016–2030"),
        ({"min = 0.1": "min = 0.9"}, "parameters.0: min must be below max"),
        ({"particles = 6": "particles = 1"}, "particles"),
        (
            {'column = "membership_rate"': 'column = "members_rate"'},
            "'members_rate' is not a model column",
        ),
        ({"value = 1_500": 'value = "many"'}, "countries.0.targets.0.value"),
        ({"value = 1_500": "value = inf"}, "countries.0.targets.0.value: Input should be a finite"),
        ({"uncertainty = 0.2": "uncertainty = 0"}, "countries.0.targets.1.uncertainty"),
        ({"uncertainty = 0.2\n": ""}, "countries.0.targets.1.uncertainty: required key"),
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
                'key = "behaviour.autonomy_premium_peasant_farm"': (
                    'key = "behaviour.merger_search_probability"'
                )
            },
            "parameters: a key is given twice",
        ),
        ({"max_simulations = 100": "max_simulations = 0"}, "max_simulations"),
        ({"farms = 1_000": "farms = 12_000_000"}, "countries.0.farms"),
    ],
)
def test_bad_calibration_files_give_one_line_errors(tmp_path, change, message) -> None:
    path = _small_spec(tmp_path, **change)
    with pytest.raises(ScenarioError, match=message) as info:
        load_calibration(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_more_runs_than_a_calibration_may_have_are_refused_before_any(tmp_path) -> None:
    path = _small_spec(tmp_path, **{"max_simulations = 100": "max_simulations = 1_000_000"})
    text = path.read_text(encoding="utf-8")
    country = text[text.index("[[countries]]") :]
    path.write_text(text + "\n" + country, encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"2,000,000 runs \(max_simulations × countries\)"):
        load_calibration(path)


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


# --- the command --------------------------------------------------------------------------------


def _calibrate(path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "coopsim.cli", "calibrate", str(path), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
        cwd=path.parent,
    )


def test_the_command_reports_a_bad_file_without_a_traceback(tmp_path) -> None:
    done = _calibrate(_small_spec(tmp_path, **{"year = 2021": "year = 2040"}), tmp_path / "o")
    assert done.returncode != 0
    assert "2040 is outside" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()


def test_calibrate_into_a_place_that_cannot_be_written_fails_before_any_run(tmp_path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    done = _calibrate(_small_spec(tmp_path), blocker / "out")
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {blocker / 'out'}: cannot write here ({blocker} is a file, not a folder)"
    ]
    assert "generation" not in done.stdout  # not one run was started


def test_calibrate_where_no_particle_can_be_scored_says_which_figure(tmp_path) -> None:
    # no coop is registered in 2016: mergers per coops_registered is 0/0 in every run
    path = _small_spec(
        tmp_path,
        **{
            'column = "membership_rate"\nyear = 2020': (
                'column = "mergers"\nper = "coops_registered"\nyear = 2016'
            ),
            "farms = 1_000": "farms = 300",
        },
    )
    done = _calibrate(path, tmp_path / "out")
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines()[0].startswith(
        "error: calibration stopped: no particle could be scored (Kazakhstan 2016: mergers per "
        "coops_registered, 2016 is undefined (0/0 in every year))"
    )
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


def test_a_stopped_calibration_continues_and_a_changed_file_is_refused(tmp_path) -> None:
    path = _small_spec(tmp_path, **{"generations = 2": "generations = 1"})
    out = tmp_path / "out"
    database = tmp_path / ".out.abc.db"
    # a calibration stopped after its first generation leaves its database beside out
    calibrate(load_calibration(path), Sequential(), database)
    path.write_text(
        path.read_text(encoding="utf-8").replace("generations = 1", "generations = 2"),
        encoding="utf-8",
    )
    done = _calibrate(path, out)
    assert done.returncode == 0, done.stderr
    assert f"continuing the calibration kept in {database}" in done.stdout
    assert "generation 0" not in done.stdout and "generation 1:" in done.stdout
    assert not database.exists()
    assert sorted(pd.read_parquet(out / "posterior.parquet").generation.unique()) == [0, 1]
    # a database of another file is not continued, and the result in out stays whole
    calibrate(load_calibration(path), Sequential(), database)
    path.write_text(
        path.read_text(encoding="utf-8").replace("value = 1_500", "value = 1_600"),
        encoding="utf-8",
    )
    before = (out / "run.json").read_bytes()
    done = _calibrate(path, out)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"error: {database} holds an unfinished calibration of other priors, figures or "
        "scenarios; delete it to start this one afresh"
    ]
    assert (out / "run.json").read_bytes() == before


def test_the_smoke_calibration_writes_its_posterior_on_two_workers(tmp_path) -> None:
    out = tmp_path / "smoke"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "coopsim.cli",
            "calibrate",
            str(ROOT / "experiments" / "calibration_smoke.toml"),
            "--out",
            str(out),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    posterior = pd.read_parquet(out / "posterior.parquet")
    keys = ["behaviour.autonomy_premium_peasant_farm", "behaviour.autonomy_premium_commercial_farm"]
    assert {"generation", "weight", "distance", *keys} <= set(posterior.columns)
    last = posterior[posterior.generation == 1]
    assert len(last) == 16 and last.weight.sum() == pytest.approx(1)
    summary = pd.read_csv(out / "summary.csv")
    assert summary.parameter.tolist() == keys
    assert summary.columns.tolist() == [
        *("parameter", "mean", "q05", "median", "q95", "prior_min", "prior_max", "map")
    ]
    # the posterior is narrower than the uniform prior it started from (width 0.3)
    assert ((summary.q95 - summary.q05) < 0.9 * 0.3).any()


def test_a_finished_calibration_is_extended_by_a_larger_budget(tmp_path) -> None:
    path = _small_spec(tmp_path, **{"generations = 2": "generations = 1"})
    out = tmp_path / "out"
    assert _calibrate(path, out).returncode == 0
    path.write_text(
        path.read_text(encoding="utf-8").replace("generations = 1", "generations = 2"),
        encoding="utf-8",
    )
    done = _calibrate(path, out)
    assert done.returncode == 0, done.stderr
    assert "continuing the calibration" in done.stdout and "generation 0" not in done.stdout
    extended = pd.read_parquet(out / "posterior.parquet")
    assert sorted(extended.generation.unique()) == [0, 1]
    # the same as a calibration run with the larger budget from the start
    whole = tmp_path / "whole"
    assert _calibrate(path, whole).returncode == 0
    pd.testing.assert_frame_equal(extended, pd.read_parquet(whole / "posterior.parquet"))
