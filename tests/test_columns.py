"""Every column of a run's tables has a unit and a scaling, and its Parquet file says so.

The registry of :mod:`coopsim.columns` must cover every column the model writes for
every shipped scenario, and agree with the tables of ``docs/outputs.md``; the files
``coopsim run --out`` writes carry it in their field metadata, with the scenario's
currency filled in.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from commandline import coopsim

from coopsim.columns import DECISIONS, MODEL, PAYMENTS, TABLES, Column, arrow_table, write_parquet
from coopsim.model import CoopModel, sized
from coopsim.records import TABLE_COLUMNS
from coopsim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
OUTPUTS = ROOT / "docs" / "outputs.md"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))
KAZAKHSTAN = ROOT / "scenarios" / "kazakhstan_2016.toml"
SCALED = {"yes": True, "no": False, "–": None}
"""The documentation's ``scaled`` column, as the registry holds it."""


def doc_columns(heading: str) -> list[tuple[str, str, bool | None]]:
    """(column, unit, scaled) of every row of the column tables under a ``## `` heading."""
    page = OUTPUTS.read_text(encoding="utf-8")
    start = page.index(f"\n## {heading}\n")
    section = page[start + 1 :]
    section = section[: section.find("\n## ", 1)]
    rows, header = [], None
    for line in section.splitlines():
        if not line.startswith("|"):
            header = None
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif cells[0].startswith("`") and header[0] == "column":
            unit, scaled = cells[header.index("unit")], cells[header.index("scaled")]
            rows.append((cells[0].strip("`"), unit, SCALED[scaled]))
    return rows


@pytest.mark.parametrize(
    ("heading", "registry"),
    [
        ("`model.parquet` / `model.csv`", MODEL),
        ("`payments.parquet`", PAYMENTS),
        ("`decisions.parquet` (with `--decisions`)", DECISIONS),
    ],
)
def test_the_registry_gives_the_units_and_scaling_of_docs_outputs(
    heading: str, registry: dict[str, Column]
) -> None:
    documented = doc_columns(heading)
    assert documented, f"no column table under {heading} in {OUTPUTS}"
    registered = [(name, column.unit, column.scaled) for name, column in registry.items()]
    assert registered == documented


def test_the_model_registry_lists_the_model_tables_columns_in_order() -> None:
    assert tuple(MODEL) == TABLE_COLUMNS


def test_every_column_has_a_description_and_money_is_in_currency() -> None:
    for table, registry in TABLES.items():
        for name, column in registry.items():
            assert column.description, f"{table}.{name} has no description"
            assert column.is_money == ("currency" in column.unit), f"{table}.{name}"


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_every_column_of_each_shipped_scenarios_tables_is_registered(
    path: Path, tmp_path: Path
) -> None:
    spec = load_scenario(path)
    if not spec.population.named_farms:  # named farms are always simulated one by one
        spec = sized(spec, farms=200)
    model = CoopModel(spec=spec.with_values({"years": 1}), log_decisions=True)
    table = model.run()
    assert list(table.columns) == list(MODEL)
    assert list(model.payments_table().columns) == list(PAYMENTS)
    assert set(model.decision_table().columns) <= set(DECISIONS)

    write_parquet(table, tmp_path / "model.parquet", spec.currency)
    schema = pq.read_schema(tmp_path / "model.parquet")
    for name, column in MODEL.items():
        meta = {k.decode(): v.decode() for k, v in schema.field(name).metadata.items()}
        assert meta["scaled"] == ("true" if column.scaled else "false"), name
        assert meta["description"] == column.description, name
        if column.is_money:
            assert meta["currency"] == spec.currency, name
            assert meta["unit"].startswith(spec.currency), name
        else:
            assert "currency" not in meta, name
            assert meta["unit"] == column.unit, name
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "model.parquet"), table)


@pytest.fixture(scope="module")
def kazakhstan_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Kazakhstan 2016 as a 200-farm sample for one year, with the decision log."""
    out = tmp_path_factory.mktemp("units") / "out"
    proc = coopsim(
        "run",
        KAZAKHSTAN,
        "--farms",
        "200",
        "--years",
        "1",
        "--out",
        out,
        "--decisions",
        "--quiet",
        cwd=out.parent,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def _metadata(path: Path, column: str) -> dict[str, str] | None:
    meta = pq.read_schema(path).field(column).metadata
    return None if meta is None else {k.decode(): v.decode() for k, v in meta.items()}


def test_run_writes_units_currency_and_scaling_into_model_parquet(kazakhstan_run: Path) -> None:
    model = kazakhstan_run / "model.parquet"
    subsidy = _metadata(model, "subsidy_paid")
    assert subsidy is not None
    assert subsidy["unit"] == "KZT/year"
    assert subsidy["currency"] == "KZT"
    assert subsidy["scaled"] == "true"
    rate = _metadata(model, "membership_rate")
    assert rate is not None
    assert rate["unit"] == "share (0–1)"
    assert rate["scaled"] == "false"
    assert "currency" not in rate
    assert _metadata(model, "price_member")["unit"] == "KZT/t"
    assert _metadata(model, "cash_mean")["unit"] == "KZT per farm"
    assert _metadata(model, "coops_unions")["scaled"] == "false"
    assert _metadata(model, "year") == {
        "unit": "calendar year",
        "scaled": "false",
        "description": MODEL["year"].description,
    }


def test_run_writes_units_into_payments_and_decisions_but_not_lineage(
    kazakhstan_run: Path,
) -> None:
    payments = kazakhstan_run / "payments.parquet"
    assert _metadata(payments, "paid")["unit"] == "KZT"
    assert _metadata(payments, "paid")["scaled"] == "true"
    assert "unit" not in _metadata(payments, "instrument")
    decisions = kazakhstan_run / "decisions.parquet"
    assert _metadata(decisions, "payoff_alone")["unit"] == "KZT/year"
    assert _metadata(decisions, "payoff_alone")["scaled"] == "false"
    assert _metadata(decisions, "farm")["unit"] == "index"
    lineage = kazakhstan_run / "lineage.parquet"
    assert _metadata(lineage, "members") is None


def test_files_with_units_read_back_as_the_same_tables(kazakhstan_run: Path) -> None:
    model = pd.read_parquet(kazakhstan_run / "model.parquet")
    assert list(model.columns) == list(MODEL)
    assert model["year"].dtype == "int64"
    assert model["coops_unions"].dtype == "int64"
    csv = pd.read_csv(kazakhstan_run / "model.csv")
    pd.testing.assert_frame_equal(csv, model, check_dtype=False)


def test_columns_the_registry_does_not_know_are_left_without_metadata() -> None:
    frame = pd.DataFrame({"run_id": ["a", "b"], "subsidy_paid": [1.0, 2.0], "year": [2016, 2017]})
    table = arrow_table(frame, "CAD")
    assert table.schema.field("run_id").metadata is None
    assert table.schema.field("subsidy_paid").metadata[b"unit"] == b"CAD/year"
    assert table.to_pandas().equals(frame)
