"""Experiments of policies and uncertainties: the file, the plan, and the runs on disk."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coopsim import ScenarioError
from coopsim.experiments import load_experiment, make_plan, run_sweep
from coopsim.experiments.store import POLICY_COLUMNS, RUN_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "experiments" / "programmes_under_uncertainty.toml"

POLICIES = """
[design]
kind = "latin"
samples = 3

[[policies]]
name = "none"
levers = { "policy.investment_subsidy" = 0.0, "policy.changes.2017.member_grant" = 0 }

[[policies]]
name = "as is"

[[policies]]
name = "generous"
levers = { "policy.changes.2017.member_grant" = 400_000 }

[[uncertainties]]
key = "population.trust"
min = 0.15
max = 0.5

[[uncertainties]]
key = "market.price_livestock"
min = 110_000
max = 190_000
"""


def test_policies_are_completed_with_the_levers_in_force_in_the_scenario(
    write_spec: Callable[..., Path],
) -> None:
    experiment = load_experiment(write_spec(POLICIES))
    levers = {p.name: p.levers for p in experiment.policies}
    # Kazakhstan repays 25 % of investment and pays 100,000 KZT a member from 2017
    assert levers == {
        "none": {"policy.investment_subsidy": 0.0, "policy.changes.2017.member_grant": 0},
        "as is": {"policy.investment_subsidy": 0.25, "policy.changes.2017.member_grant": 100_000},
        "generous": {
            "policy.investment_subsidy": 0.25,
            "policy.changes.2017.member_grant": 400_000,
        },
    }
    assert experiment.keys == [
        "policy.investment_subsidy",
        "policy.changes.2017.member_grant",
        "population.trust",
        "market.price_livestock",
    ]
    assert experiment.scenario.with_values(levers["as is"]) == experiment.scenario


def test_every_policy_meets_every_draw_on_the_same_seeds(write_spec: Callable[..., Path]) -> None:
    experiment = load_experiment(write_spec(POLICIES, replications=2))
    runs = make_plan(experiment).runs
    assert len(runs) == 3 * 3 * 2
    by_draw: dict[tuple[int, int], list] = {}
    for run in runs:
        by_draw.setdefault((run.draw, run.replicate), []).append(run)
    for (draw, _), same in by_draw.items():
        assert [r.policy for r in same] == ["none", "as is", "generous"]
        assert len({r.seed for r in same}) == 1  # common random numbers
        uncertain = [
            {k: r.values[k] for k in ("population.trust", "market.price_livestock")} for r in same
        ]
        assert all(u == uncertain[0] for u in uncertain), draw
        assert len({r.run_id for r in same}) == 3


@settings(max_examples=25, deadline=None)
@given(
    names=st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=1, max_size=4, unique=True),
    samples=st.integers(1, 6),
    replications=st.integers(1, 3),
)
def test_plans_cross_policies_and_draws_whatever_their_numbers(
    tmp_path_factory: pytest.TempPathFactory, names: list[str], samples: int, replications: int
) -> None:
    folder = tmp_path_factory.mktemp("plan")
    body = f'name = "t"\nscenario = "{ROOT / "scenarios" / "kazakhstan_2016.toml"}"\n'
    body += f"farms = 300\nyears = 2\nreplications = {replications}\n"
    body += f'[design]\nkind = "latin"\nsamples = {samples}\n'
    for i, name in enumerate(names):
        body += (
            f'[[policies]]\nname = "{name}"\nlevers = {{ "policy.member_grant" = {i * 1000} }}\n'
        )
    body += '[[uncertainties]]\nkey = "population.trust"\nmin = 0.1\nmax = 0.6\n'
    (folder / "e.toml").write_text(body, encoding="utf-8")
    plan = make_plan(load_experiment(folder / "e.toml"))
    assert len(plan.runs) == len(names) * samples * replications
    pairs = {(r.policy, r.draw) for r in plan.runs}
    assert pairs == {(n, d) for n in names for d in range(samples)}
    for run in plan.runs:
        assert run.values["policy.member_grant"] == names.index(run.policy) * 1000


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            POLICIES + '[[factors]]\nkey = "years"\nvalues = [2]\n',
            "factors: give either factors, or policies and uncertainties",
        ),
        (
            POLICIES.replace('key = "population.trust"', 'key = "policy.campaign"'),
            "uncertainties.0.key: policy.campaign is a policy lever",
        ),
        (
            POLICIES.replace('"policy.investment_subsidy" = 0.0', '"market.price_crop" = 1'),
            "policies.0.levers.market.price_crop: not a policy lever",
        ),
        (POLICIES.replace('name = "as is"', 'name = "none"'), "policies.1.name: 'none'"),
        (
            POLICIES.replace(
                '"policy.investment_subsidy" = 0.0', '"policy.investment_subsidy" = 2.0'
            ),
            "policies.0.levers: policy.investment_subsidy = 2.0 is rejected by the scenario",
        ),
        (
            POLICIES.replace("400_000", "100_000"),
            "policies.2.levers: the same levers as policies.1 ('as is')",
        ),
        (POLICIES.replace('kind = "latin"', 'kind = "sobol"'), "design.kind: policies ×"),
        (
            POLICIES.replace('"policy.investment_subsidy"', '"policy.investment_subsidyy"'),
            "policies.0.levers.policy.investment_subsidyy: not a scenario field",
        ),
    ],
    ids=[
        "both",
        "lever-as-uncertainty",
        "uncertainty-as-lever",
        "name-twice",
        "bad-value",
        "same-levers",
        "sobol",
        "unknown-lever",
    ],
)
def test_bad_policies_and_uncertainties_are_one_line_errors(
    write_spec: Callable[..., Path], body: str, message: str
) -> None:
    with pytest.raises(ScenarioError) as info:
        load_experiment(write_spec(body))
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_the_merged_table_names_policy_and_draw_and_every_lever(
    write_spec: Callable[..., Path], tmp_path: Path
) -> None:
    experiment = load_experiment(write_spec(POLICIES, farms=300, years=3, replications=1))
    report = run_sweep(experiment, tmp_path / "out", csv=True, keep=("payments",))
    assert report.done == 9 and not report.failed
    merged = pd.read_parquet(tmp_path / "out" / "runs.parquet")
    front = [*RUN_COLUMNS, *POLICY_COLUMNS, *experiment.keys]
    assert list(merged.columns[: len(front)]) == front
    assert merged.groupby("policy")["draw"].nunique().to_dict() == {
        "none": 3,
        "as is": 3,
        "generous": 3,
    }
    generous = merged[merged["policy"] == "generous"]
    assert (generous["policy.changes.2017.member_grant"] == 400_000).all()
    csv = pd.read_csv(tmp_path / "out" / "runs.csv")
    pd.testing.assert_frame_equal(csv, merged, check_dtype=False)
    payments = sorted((tmp_path / "out" / "runs").glob("*.payments.parquet"))
    assert len(payments) == 9
    assert len(pd.read_parquet(payments[0]).columns) > 0
    paid = pq.read_schema(payments[0]).field("paid").metadata
    assert paid[b"currency"] == b"KZT" and paid[b"scaled"] == b"true"


def test_the_shipped_experiment_states_what_it_asks() -> None:
    experiment = load_experiment(SHIPPED)
    spec = tomllib.loads(SHIPPED.read_text(encoding="utf-8"))
    assert [p.name for p in experiment.policies] == [p["name"] for p in spec["policies"]]
    assert len(experiment.policies) == 4 and len(experiment.spec.uncertainties) >= 5
    assert all(not f.key.startswith("policy.") for f in experiment.spec.uncertainties)
    runs = len(make_plan(experiment).runs)
    assert f"{runs} runs" in " ".join(experiment.spec.description.split())


def test_plain_names_map_every_scenario_key_one_to_one() -> None:
    from coopsim import Scenario
    from coopsim.experiments import dotted_key, plain_name
    from tests.schema_walk import fields

    keys = [".".join(path) for path, _, _ in fields(Scenario)]
    assert len(keys) > 100
    for key in keys:
        assert "__" not in key, key  # else the mapping could not be reversed
        name = plain_name(key)
        assert name.isidentifier() and dotted_key(name) == key
    assert len({plain_name(k) for k in keys}) == len(keys)
