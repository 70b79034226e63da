"""The calibrated posterior of the shared behaviour, as shipped with the library.

``coopsim calibrate experiments/calibration.toml`` writes a posterior (ABC-SMC, see
:mod:`coopsim.experiments.calibration`); its last generation ships as
``coopsim/data/posterior.parquet``: one row per particle, its parameters by dotted
scenario key and its normalised ``weight``. The library's defaults are the posterior's
MAP particle; this module gives the spread around it, for whoever wants to carry
the uncertainty of the parameters into a run (the validation page, the dashboard's
Compare page, experiments): :func:`draw_parameters` draws parameter sets in proportion
to their weights.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

DRAWS_STREAM = 1
"""Mixed into the seed of the draws, so that they never share a stream with the seeds."""

POSTERIOR = Path(__file__).parent / "data" / "posterior.parquet"
"""The shipped posterior: the last generation of the calibration, one row per particle."""


@cache
def shipped_posterior() -> pd.DataFrame:
    """The shipped posterior: ``weight`` (summing to 1) and one column per parameter."""
    frame = pd.read_parquet(POSTERIOR)
    return frame.assign(weight=frame["weight"] / frame["weight"].sum())


def parameter_keys() -> list[str]:
    """The calibrated parameters' dotted scenario keys."""
    return [c for c in shipped_posterior().columns if c != "weight"]


def draw_parameters(
    draws: int, seed: int, posterior: pd.DataFrame | None = None
) -> list[dict[str, float]]:
    """``draws`` parameter sets drawn from the posterior in proportion to their weights.

    The draws depend only on ``seed``; draw ``i`` is the same whatever ``draws`` is, so
    replicate ``i`` of a comparison keeps its parameters when replicates are added.

    Args:
        draws: how many parameter sets.
        seed: the seed of the draws (e.g. a comparison's master seed).
        posterior: particles with a ``weight`` column; the shipped posterior if None.
    """
    if posterior is None:
        posterior = shipped_posterior()
    keys = [c for c in posterior.columns if c != "weight"]
    weights = posterior["weight"].to_numpy() / posterior["weight"].sum()
    rows = []
    # a stream of its own: replicate r's seed comes from SeedSequence(seed).spawn()[r]
    for child in np.random.SeedSequence([seed, DRAWS_STREAM]).spawn(draws):
        i = int(np.random.default_rng(child).choice(len(posterior), p=weights))
        rows.append({key: float(posterior[key].iloc[i]) for key in keys})
    return rows
