"""The EMA Workbench adapter: the example of docs/ema.md runs as written, and keys are checked."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from coopsim import ScenarioError
from coopsim.ema import model

ROOT = Path(__file__).resolve().parents[2]
KAZAKHSTAN = ROOT / "scenarios" / "kazakhstan_2016.toml"
SECTION = "## Experiments and PRIM, end to end"


def ema_example() -> str:
    text = (ROOT / "docs" / "ema.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    (code,) = re.findall(r"```python\n(.*?)```", section, re.S)
    return code


@pytest.fixture(scope="module")
def example() -> dict:
    """The namespace of docs/ema.md's example, run from the repository's root."""
    namespace: dict = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        exec(compile(ema_example(), "docs/ema.md", "exec"), namespace)
    return namespace


def test_the_documented_example_runs_experiments_with_replications(example: dict) -> None:
    experiments, outcomes = example["experiments"], example["outcomes"]
    assert len(experiments) == 16 * 2
    assert set(experiments["policy__investment_subsidy"].round(6).unique()).__len__() == 2
    assert outcomes["membership_rate"].shape == (32,)
    assert ((outcomes["membership_rate"] >= 0) & (outcomes["membership_rate"] <= 1)).all()
    # 500 simulated farms stand for 1,000 real ones each: counts come in steps of 1,000
    # per replication, so a mean over 2 in steps of 500
    assert np.allclose(outcomes["coops_active"] % 500, 0)


def test_the_documented_prim_box_starts_from_the_whole_space(example: dict) -> None:
    trajectory = example["box"].peeling_trajectory
    first = trajectory.iloc[0]
    assert first["coverage"] == 1.0 and first["mass"] == 1.0
    cases = example["low"]
    assert first["density"] == pytest.approx(cases.mean())
    assert 0 < cases.sum() < len(cases)  # the threshold tells runs apart
    assert trajectory["density"].iloc[-1] >= first["density"]


def test_replications_share_seeds_across_experiments_and_repeat_exactly() -> None:
    def made_model() -> object:
        return model(
            KAZAKHSTAN,
            levers={"policy.investment_subsidy": (0.0, 0.5)},
            uncertainties={"population.trust": (0.15, 0.5)},
            outcomes=["membership_rate"],
            farms=300,
            years=4,
            replications=3,
            seed=5,
        )

    made, again = made_model(), made_model()
    seeds = [r["seed"] for r in made.replications]
    assert len(set(seeds)) == 3
    assert [r["seed"] for r in again.replications] == seeds
    values = {"policy__investment_subsidy": 0.3, "population__trust": 0.6}
    first = made.function(seed=seeds[0], **values)
    assert made.function(seed=seeds[0], **values) == first
    assert set(first) == {"membership_rate"}
    kinds = {p.name: type(p).__name__ for p in [*made.levers, *made.uncertainties]}
    assert kinds == {
        "policy__investment_subsidy": "RealParameter",
        "population__trust": "RealParameter",
    }


@pytest.mark.parametrize(
    ("levers", "uncertainties", "outcomes", "message"),
    [
        ({"population.trust": (0.1, 0.2)}, {}, ["farms"], "not a policy lever"),
        ({}, {"policy.member_grant": (0, 5)}, ["farms"], "is a policy lever; put it in levers"),
        ({"policy.member_grnt": (0, 5)}, {}, ["farms"], "policy.member_grnt is not a scenario"),
        ({"policy.investment_subsidy": (0.0, 2.0)}, {}, ["farms"], "is rejected by"),
        ({"policy.member_grant": (5, 1)}, {}, ["farms"], "needs low < high"),
        ({}, {}, ["farmz"], "'farmz' is not a column of the model table"),
    ],
)
def test_bad_keys_ranges_and_outcomes_are_one_line_errors(
    levers: dict, uncertainties: dict, outcomes: list, message: str
) -> None:
    with pytest.raises(ScenarioError, match=re.escape(message)) as info:
        model(KAZAKHSTAN, levers, uncertainties, outcomes, farms=200, years=2)
    assert "\n" not in str(info.value)


def test_integer_and_categorical_ranges_become_their_parameters() -> None:
    made = model(
        KAZAKHSTAN,
        levers={"policy.member_grant": (0, 200_000), "policy.credit_grace_years": [0, 2, 4]},
        uncertainties={},
        outcomes=["farms"],
        farms=200,
        years=2,
    )
    kinds = {p.name: type(p).__name__ for p in made.levers}
    assert kinds == {
        "policy__member_grant": "IntegerParameter",
        "policy__credit_grace_years": "CategoricalParameter",
    }


def test_a_process_pool_of_the_workbench_gives_the_sequential_results() -> None:
    from ema_workbench import MultiprocessingEvaluator, SequentialEvaluator

    made = model(
        KAZAKHSTAN,
        levers={"policy.investment_subsidy": (0.0, 0.5)},
        uncertainties={"population.trust": (0.15, 0.5)},
        outcomes=["membership_rate", "coops_active"],
        farms=300,
        years=5,
        replications=2,
        seed=3,
    )
    results = []
    for evaluator in (SequentialEvaluator(made), MultiprocessingEvaluator(made, n_processes=2)):
        with evaluator:
            results.append(
                evaluator.perform_experiments(
                    scenarios=4, policies=1, uncertainty_sampling_kwargs={"rng": 42}
                )
            )
    (first, first_out), (second, second_out) = results
    assert first["population__trust"].tolist() == second["population__trust"].tolist()
    for name in ("membership_rate", "coops_active"):
        assert np.array_equal(first_out[name], second_out[name])
    assert first_out["membership_rate"].shape == (4, 2)
