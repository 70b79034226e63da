"""Every shipped scenario, at a small size and a fixed seed, gives the tables recorded here.

The tables (model, lineage, payments, and the decision log where it is kept) are in
``tests/golden/``. A change that is not meant to change any result (a restructuring, a
speed-up) must leave them as they are; one that is meant to (a new mechanism, a new
default) records them again and says so in its commit:

    python tests/test_golden_tables.py --write

Counts, names and events must match exactly; money and shares to 1e-9 relative, so
that another machine's BLAS rounding the last bit differently does not fail the test.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).resolve().parent / "golden"


@dataclass(frozen=True)
class Case:
    """One scenario file at a size and seed, with the tables to record."""

    name: str
    file: str
    seed: int
    farms: int | None = None
    years: int | None = None
    values: dict = field(default_factory=dict)
    decisions: bool = False
    path: str = "fast"


CASES = (
    Case("kazakhstan", "kazakhstan_2016.toml", 1, farms=3_000),
    Case(
        "kazakhstan_shapley", "kazakhstan_2016.toml", 5, 3_000, values={"cost_sharing": "shapley"}
    ),
    Case("germany", "germany_1950.toml", 2, farms=4_000),
    Case("japan", "japan_1960.toml", 3, farms=6_000),
    Case("canada", "canada_federation.toml", 4, farms=4_000),
    Case("village", "village_machinery.toml", 7, decisions=True),
    Case("village_shapley", "village_machinery.toml", 8, values={"cost_sharing": "shapley"}),
    Case("reference", "kazakhstan_2016.toml", 11, 1_500, years=6, decisions=True, path="reference"),
)


def tables(case: Case) -> dict[str, pd.DataFrame]:
    """Run a case and return its tables by name."""
    from coopsim import CoopModel, load_scenario, sized

    spec = load_scenario(ROOT / "scenarios" / case.file)
    values = dict(case.values)
    if case.years is not None:
        values["years"] = case.years
    if values:
        spec = spec.with_values(values)
    if case.farms is not None:
        spec = sized(spec, farms=case.farms)
    model = CoopModel(spec=spec, rng=case.seed, log_decisions=case.decisions, decisions=case.path)
    out = {"model": model.run(), "lineage": model.lineage_table()}
    out["payments"] = model.payments_table()
    if case.decisions:
        out["decisions"] = model.decision_table()
    return out


def _assert_same(new: pd.DataFrame, old: pd.DataFrame, where: str) -> None:
    assert list(new.columns) == list(old.columns), where
    assert len(new) == len(old), where
    for column in old.columns:
        a, b = new[column].to_numpy(), old[column].to_numpy()
        if np.issubdtype(b.dtype, np.floating):
            np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-6, err_msg=f"{where}: {column}")
        else:
            np.testing.assert_array_equal(a, b, err_msg=f"{where}: {column}")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_tables_are_those_recorded(case: Case) -> None:
    for name, table in tables(case).items():
        path = GOLDEN / f"{case.name}.{name}.csv"
        recorded = pd.read_csv(path, keep_default_na=False, na_values=[""])
        again = pd.read_csv(
            pd.io.common.StringIO(table.to_csv(index=False)), keep_default_na=False, na_values=[""]
        )
        _assert_same(again, recorded, path.name)


def write() -> None:
    """Record every case's tables again."""
    from coopsim.tuning import tune_process

    tune_process()
    GOLDEN.mkdir(exist_ok=True)
    for case in CASES:
        for name, table in tables(case).items():
            table.to_csv(GOLDEN / f"{case.name}.{name}.csv", index=False)
            print(f"wrote {case.name}.{name}.csv")


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        sys.exit("usage: python tests/test_golden_tables.py --write")
    write()
