"""Ship a calibration: its result into experiments/calibrated/, its posterior into the library.

    python scripts/ship_calibration.py out/calibration

copies the result files of ``coopsim calibrate`` (``best.toml``, ``posterior.parquet``,
``summary.csv``, ``generations.csv``, ``fit.csv``, ``run.json``) into
``experiments/calibrated/``, the pair plot into ``docs/img/calibration_pairs.png``, and
the last generation's weights and parameters into ``coopsim/data/posterior.parquet``,
which :mod:`coopsim.posterior` reads. The defaults in ``coopsim/scenario.py`` are then
set to ``best.toml`` by hand; ``tests/experiments/test_calibration.py`` checks that they are.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

from coopsim.experiments.calibration import read_best
from coopsim.posterior import POSTERIOR

ROOT = Path(__file__).resolve().parent.parent
KEPT = ("best.toml", "posterior.parquet", "summary.csv", "generations.csv", "fit.csv", "run.json")


def main(result: Path) -> None:
    """Copy the result and write the shipped posterior."""
    target = ROOT / "experiments" / "calibrated"
    target.mkdir(exist_ok=True)
    for name in KEPT:
        shutil.copyfile(result / name, target / name)
    shutil.copyfile(result / "pairs.png", ROOT / "docs" / "img" / "calibration_pairs.png")
    posterior = pd.read_parquet(result / "posterior.parquet")
    keys = list(read_best(result / "best.toml"))
    last = posterior[posterior.generation == posterior.generation.max()]
    POSTERIOR.parent.mkdir(exist_ok=True)
    last[["weight", *keys]].to_parquet(POSTERIOR, index=False)
    print(f"shipped {result} to {target}, {POSTERIOR} ({len(last)} particles)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/ship_calibration.py OUT")
    main(Path(sys.argv[1]))
