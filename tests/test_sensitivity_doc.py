"""docs/sensitivity.md ranks the Kazakhstan parameters with intervals of at most ±0.1.

The page is written by docs/gen_sensitivity.py from the sweep of
experiments/sensitivity_kazakhstan.toml; the indices it computed are kept in
experiments/sensitivity/. These tests check that the page shows the kept indices, in
order, for every parameter of the design, and that no interval is wider than ±0.1.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from coopsim.experiments import load_experiment

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "sensitivity.md"


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_sensitivity", ROOT / "docs" / "gen_sensitivity.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


GENERATOR = _generator()
NAMES = [f"{outcome}-{year}" for outcome, year in GENERATOR.OUTCOMES]


def _block(name: str) -> str:
    page = PAGE.read_text(encoding="utf-8")
    found = re.search(
        rf"<!-- sensitivity:{name}:start -->\n(.*?)\n<!-- sensitivity:{name}:end -->", page, re.S
    )
    assert found is not None, f"no {name} block in {PAGE}"
    return found.group(1)


@pytest.mark.parametrize("name", NAMES)
def test_the_page_ranks_every_parameter_by_the_kept_indices(name) -> None:
    kept = pd.read_csv(ROOT / "experiments" / "sensitivity" / f"{name}.csv")
    factors = load_experiment(ROOT / "experiments" / "sensitivity_kazakhstan.toml").spec.factors
    assert set(kept.factor) == {f.key for f in factors}
    assert kept.ST.is_monotonic_decreasing
    assert _block(name) == GENERATOR.ranked(kept)


@pytest.mark.parametrize("name", NAMES)
def test_every_interval_is_at_most_a_tenth(name) -> None:
    kept = pd.read_csv(ROOT / "experiments" / "sensitivity" / f"{name}.csv")
    assert kept[["S1_conf", "ST_conf"]].to_numpy().max() <= GENERATOR.WIDEST


def test_the_page_states_the_runtime_of_its_sweep() -> None:
    assert re.fullmatch(r"19,456 runs in \d+ minutes \(.*\), coopsim .*\.", _block("runtime"))
