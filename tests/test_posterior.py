"""The shipped posterior: what the library draws parameter sets from."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from coopsim.experiments.calibration import read_best
from coopsim.posterior import draw_parameters, parameter_keys, shipped_posterior
from coopsim.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
CALIBRATED = ROOT / "experiments" / "calibrated"


def test_the_shipped_posterior_is_the_last_generation_of_the_shipped_calibration() -> None:
    full = pd.read_parquet(CALIBRATED / "posterior.parquet")
    last = full[full.generation == full.generation.max()].reset_index(drop=True)
    shipped = shipped_posterior()
    assert list(shipped.columns) == ["weight", *read_best(CALIBRATED / "best.toml")]
    assert shipped.weight.sum() == pytest.approx(1)
    pd.testing.assert_frame_equal(shipped[parameter_keys()], last[parameter_keys()])


def test_the_library_defaults_are_a_particle_of_the_shipped_posterior() -> None:
    posterior = shipped_posterior()
    defaults = Scenario()
    values = np.array(
        [getattr(getattr(defaults, k.split(".")[0]), k.split(".")[1]) for k in parameter_keys()]
    )
    # best.toml rounds the MAP particle to four decimals
    gaps = (posterior[parameter_keys()] - values).abs().max(axis=1)
    assert gaps.min() <= 5e-5


def test_draws_follow_the_weights() -> None:
    posterior = pd.DataFrame({"weight": [0.0, 3.0, 1.0], "x": [10.0, 20.0, 30.0]})
    draws = [d["x"] for d in draw_parameters(4_000, seed=1, posterior=posterior)]
    assert 10.0 not in draws
    # three in four draws are 20: 3,000 expected, binomial sd about 27
    assert abs(draws.count(20.0) - 3_000) < 150


@given(seed=st.integers(0, 2**32), draws=st.integers(1, 30))
def test_a_draw_depends_only_on_the_seed_and_its_number(seed, draws) -> None:
    posterior = pd.DataFrame({"weight": np.ones(50), "x": np.arange(50.0), "y": -np.arange(50.0)})
    few = draw_parameters(draws, seed, posterior)
    more = draw_parameters(draws + 5, seed, posterior)
    assert more[:draws] == few
    # a draw is one particle: its parameters stay together
    assert all(d["y"] == -d["x"] for d in more)
