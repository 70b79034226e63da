"""Scenario discovery and robustness: known answers on made-up sweeps, and the commands."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim.experiments.analysis import AnalysisError
from coopsim.experiments.discovery import Condition, discover
from coopsim.experiments.robustness import rank_policies, regret_of, robustness, wilson

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "experiments" / "programmes_under_uncertainty.toml"
PNG = b"\x89PNG\r\n\x1a\n"


def made_up_sweep(folder: Path, table: pd.DataFrame, policies: list[str]) -> Path:
    """A sweep folder whose merged table is ``table`` (one row per run, year 2030)."""
    folder.mkdir(parents=True, exist_ok=True)
    uncertainties = [c for c in table.columns if "." in c]
    manifest = {
        "factors": uncertainties,
        "uncertainties": uncertainties,
        "policies": [{"name": n, "levers": {}} for n in policies],
        "runs": [],
    }
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    table = table.assign(year=2030)
    table.insert(0, "run_id", [f"r{i}" for i in range(len(table))])
    table.insert(1, "point", range(len(table)))
    table.to_parquet(folder / "runs.parquet", index=False)
    return folder


# ---- conditions -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "threshold"),
    [
        ("< 1000", "<", 1000),
        (">=0.25", ">=", 0.25),
        (" <= 1_000 ", "<=", 1000),
        ("> 1,500.5", ">", 1500.5),
        ("< -2e3", "<", -2000),
    ],
)
def test_conditions_read_an_operator_and_a_number(text: str, op: str, threshold: float) -> None:
    condition = Condition.parse(text)
    assert (condition.op, condition.threshold) == (op, threshold)


@pytest.mark.parametrize("text", ["1000", "<< 5", "< five", "= 3", ""])
def test_other_conditions_are_refused_with_an_example(text: str) -> None:
    with pytest.raises(AnalysisError, match=re.escape("e.g. '< 1000'")):
        Condition.parse(text)


def test_a_missing_value_never_meets_a_condition() -> None:
    met = Condition.parse("< 5")(np.array([1.0, 5.0, np.nan, 7.0]))
    assert met.tolist() == [True, False, False, False]


# ---- scenario discovery ---------------------------------------------------------------


@pytest.fixture(scope="module")
def trust_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """400 runs whose outcome is low exactly when trust < 0.3; price plays no part."""
    rng = np.random.default_rng(3)
    trust = rng.uniform(0.1, 0.6, 400)
    price = rng.uniform(100_000, 200_000, 400)
    table = pd.DataFrame(
        {
            "replicate": 0,
            "seed": 1,
            "policy": "only",
            "draw": range(400),
            "population.trust": trust,
            "market.price_livestock": price,
            "coops_active": np.where(trust < 0.3, 100.0, 2_000.0),
        }
    )
    return made_up_sweep(tmp_path_factory.mktemp("trust"), table, ["only"])


def test_prim_finds_the_range_of_the_input_that_decides(trust_sweep: Path) -> None:
    result = discover(trust_sweep, "coops_active", Condition.parse("< 1000"), write=False)
    assert result.cases == int(
        (pd.read_parquet(trust_sweep / "runs.parquet")["coops_active"] < 1000).sum()
    )
    box = result.prim_box.set_index("input")
    assert box.loc["population.trust", "restricted"]
    assert not box.loc["market.price_livestock", "restricted"]
    assert box.loc["population.trust", "high"] == pytest.approx(0.3, abs=0.03)
    stats = result.chosen_stats
    assert stats["coverage"] >= 0.8 and stats["density"] >= 0.95
    cart = result.cart_boxes
    assert set(cart["input"]) == {"population.trust"}
    assert cart["high"].max() == pytest.approx(0.3, abs=0.01)
    assert cart.groupby("box")["coverage"].first().sum() == pytest.approx(1.0)


def test_discovery_writes_boxes_trajectory_and_plots(trust_sweep: Path) -> None:
    result = discover(trust_sweep, "coops_active", Condition.parse("< 1000"), 2030)
    names = {p.name for p in result.files}
    assert names == {
        "prim_trajectory.csv",
        "prim_box.csv",
        "cart_boxes.csv",
        "prim_tradeoff.png",
        "prim_box.png",
        "run.json",
    }
    folder = trust_sweep / "discovery" / "coops_active-2030"
    trajectory = pd.read_csv(folder / "prim_trajectory.csv")
    assert trajectory["coverage"].iloc[0] == 1.0
    assert trajectory["mass"].is_monotonic_decreasing
    assert (folder / "prim_tradeoff.png").read_bytes()[:8] == PNG
    assert json.loads((folder / "run.json").read_text())["condition"] == "< 1000"


def test_discovery_refuses_a_condition_no_run_or_every_run_meets(trust_sweep: Path) -> None:
    with pytest.raises(AnalysisError, match="no run of 400 has coops_active < 50"):
        discover(trust_sweep, "coops_active", Condition.parse("< 50"), write=False)
    with pytest.raises(AnalysisError, match="every run of 400"):
        discover(trust_sweep, "coops_active", Condition.parse("> 0"), write=False)
    with pytest.raises(AnalysisError, match="no policy 'other'; the policies are: 'only'"):
        discover(trust_sweep, "coops_active", Condition.parse("< 1000"), policy="other")


# ---- robustness -----------------------------------------------------------------------

# Three draws, two policies. More is better: the best per draw is 10, 9, 8, so A's
# regrets are 0, 4, 0 and B's 3, 0, 0: B has the smaller largest regret. Less is better:
# the best per draw is 7, 5, 8, A's regrets 3, 0, 0 and B's 0, 4, 0: A comes first.
WIDE = pd.DataFrame({"A": [10.0, 5.0, 8.0], "B": [7.0, 9.0, 8.0]})


def test_regret_is_the_shortfall_from_the_best_policy_of_each_draw() -> None:
    assert regret_of(WIDE, "max").to_dict("list") == {"A": [0, 4, 0], "B": [3, 0, 0]}
    assert regret_of(WIDE, "min").to_dict("list") == {"A": [3, 0, 0], "B": [0, 4, 0]}
    most = rank_policies(WIDE, "max", Condition.parse(">= 8"))
    assert most["policy"].tolist() == ["B", "A"]
    assert most["max_regret"].tolist() == [3, 4]
    assert most["mean_regret"].tolist() == pytest.approx([1, 4 / 3])
    assert most["satisficing"].tolist() == pytest.approx([2 / 3, 2 / 3])
    low, high = wilson(2, 3)
    assert most["satisficing_low"].iloc[0] == pytest.approx(low)
    # Wilson's interval for 2 of 3 at 95 %: (0.208, 0.939), by hand from its formula
    assert (low, high) == pytest.approx((0.2077, 0.9385), abs=1e-3)
    assert rank_policies(WIDE, "min", None)["policy"].tolist() == ["A", "B"]


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=3, max_size=3),
        min_size=1,
        max_size=20,
    ),
    st.sampled_from(["max", "min"]),
)
def test_regret_is_never_negative_and_zero_for_the_best(rows: list, goal: str) -> None:
    wide = pd.DataFrame(rows, columns=["a", "b", "c"])
    regret = regret_of(wide, goal)  # type: ignore[arg-type]
    assert (regret.to_numpy() >= 0).all()
    assert (regret.min(axis="columns") == 0).all()
    table = rank_policies(wide, goal, Condition.parse("> 0"))  # type: ignore[arg-type]
    assert (
        (table["satisficing_low"] <= table["satisficing"])
        & (table["satisficing"] <= table["satisficing_high"])
    ).all()
    assert table["satisficing_low"].min() >= 0 and table["satisficing_high"].max() <= 1


def test_robustness_averages_replicates_and_refuses_a_sweep_of_one_policy(tmp_path: Path) -> None:
    rows = []
    for draw, (a, b) in enumerate([(10, 7), (5, 9), (8, 8)]):
        for replicate, noise in enumerate([-1.0, 1.0]):  # means are the WIDE table
            rows.append(("A", draw, replicate, a + noise))
            rows.append(("B", draw, replicate, b - noise))
    table = pd.DataFrame(rows, columns=["policy", "draw", "replicate", "coops_active"])
    table.insert(3, "seed", 1)
    folder = made_up_sweep(tmp_path / "two", table, ["A", "B"])
    result = robustness(folder, "coops_active", goal="max", condition=Condition.parse(">= 8"))
    assert result.table["policy"].tolist() == ["B", "A"]
    assert result.table["max_regret"].tolist() == [3, 4]
    assert result.draws == 3
    assert {p.name for p in result.files} == {
        "robustness.csv",
        "regret.csv",
        "robustness.png",
        "run.json",
    }
    one = made_up_sweep(tmp_path / "one", table[table["policy"] == "A"], ["A"])
    with pytest.raises(AnalysisError, match="fewer than two"):
        robustness(one, "coops_active")


# ---- the commands on the shipped experiment ----------------------------------------------


@pytest.fixture(scope="module")
def shipped_sweep(
    tmp_path_factory: pytest.TempPathFactory,
    run_coopsim: Callable[..., subprocess.CompletedProcess[str]],
) -> Path:
    """The shipped experiment of policies and uncertainties, on a smaller sample."""
    folder = tmp_path_factory.mktemp("programmes")
    spec = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    spec |= {
        "scenario": str(SHIPPED.parent / spec["scenario"]),
        "farms": 400,
        "years": 8,
        "replications": 1,
    }
    spec["design"]["samples"] = 10
    path = folder / "programmes.toml"
    path.write_text(tomli_w.dumps(spec), encoding="utf-8")
    out = folder / "out"
    proc = run_coopsim("sweep", path, "--out", out, "--workers", "1", "--csv", cwd=folder)
    assert proc.returncode == 0, proc.stderr
    assert "40 runs (40 design points × 1 replications)" in proc.stdout
    return out


def test_robustness_command_ranks_the_shipped_policies(
    shipped_sweep: Path, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    proc = run_coopsim(
        "robustness",
        shipped_sweep,
        "--outcome",
        "membership_rate",
        "--threshold",
        ">= 0.02",
        cwd=shipped_sweep,
    )
    assert proc.returncode == 0, proc.stderr
    assert "4 policies on the same 10 draws" in proc.stdout
    folder = shipped_sweep / "robustness" / "membership_rate-2023"
    table = pd.read_csv(folder / "robustness.csv")
    assert len(table) == 4 and table["max_regret"].is_monotonic_increasing
    # without any programme no coop is ever founded: it satisfices on no draw
    assert table.set_index("policy").loc["no programme", "satisficing"] == 0
    regret = pd.read_csv(folder / "regret.csv")
    assert len(regret) == 40 and (regret["regret"] >= 0).all()
    assert (folder / "robustness.png").read_bytes()[:8] == PNG


def test_discover_command_writes_boxes_for_one_policy(
    shipped_sweep: Path, run_coopsim: Callable[..., subprocess.CompletedProcess[str]]
) -> None:
    runs = pd.read_csv(shipped_sweep / "runs.csv")
    legislated = runs[(runs["policy"] == "as legislated") & (runs["year"] == 2023)]
    threshold = float(legislated["membership_rate"].median())
    proc = run_coopsim(
        "discover",
        shipped_sweep,
        "--outcome",
        "membership_rate",
        "--where",
        f"<= {threshold}",
        "--policy",
        "as legislated",
        cwd=shipped_sweep,
    )
    assert proc.returncode == 0, proc.stderr
    cases = int((legislated["membership_rate"] <= threshold).sum())
    assert f"{cases} of 10 runs of the policy 'as legislated'" in proc.stdout
    folder = shipped_sweep / "discovery" / "membership_rate-2023-as_legislated"
    assert (folder / "prim_tradeoff.png").read_bytes()[:8] == PNG
    box = pd.read_csv(folder / "prim_box.csv")
    assert set(box["input"]) == {
        k for k in runs.columns if k.split(".")[0] in ("behaviour", "population", "market", "costs")
    }
    bad = run_coopsim(
        "discover",
        shipped_sweep,
        "--outcome",
        "membership_rate",
        "--where",
        "about 5",
        cwd=shipped_sweep,
    )
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
    assert "give an operator" in bad.stderr
