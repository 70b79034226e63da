"""Measure the costliest settings of a step against the dashboard's compute budget.

    python benchmarks/step_cost.py [--farms 10000] [--years 3]

Each setting below is a scenario built to be slow: every farm in a coop from the start
(coops of the size that costs most for that setting), aware and trusting. For each, the
set-up and the slowest of the first ``--years`` steps are timed and set against
``coopsim.dashboard.budget.estimate``; the estimates are meant as upper bounds, so
``ratio`` (the larger of set-up and step, measured / estimated) should stay below 1.
The last line printed is one JSON object with every setting's times, estimates and
ratio, and the largest ratio.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import time
from typing import Any

from coopsim import CoopModel, sized
from coopsim.dashboard.budget import estimate
from coopsim.scenario import validate_scenario
from coopsim.tuning import tune_process

BASE: dict[str, Any] = {
    "name": "costly",
    "population": {
        "farms": 500_000,
        "awareness": 1.0,
        "trust": 1.0,
        "initial_membership_rate": 1.0,
        "initial_coop_size": 10,
    },
}

SETTINGS: dict[str, dict[str, Any]] = {
    "patronage, no voice": {"behaviour.voice": False},
    "voice (the defaults)": {},
    "voice, coops of 2": {"population.initial_coop_size": 2},
    "shapley, coops of 2": {"cost_sharing": "shapley", "population.initial_coop_size": 2},
    "shapley, exact to 13": {
        "cost_sharing": "shapley",
        "behaviour.shapley_exact_max": 13,
        "population.initial_coop_size": 13,
    },
    "shapley, exact to 15": {
        "cost_sharing": "shapley",
        "behaviour.shapley_exact_max": 15,
        "population.initial_coop_size": 15,
    },
    "shapley, 2,000 orders": {
        "cost_sharing": "shapley",
        "behaviour.shapley_permutations": 2000,
        "population.initial_coop_size": 100,
    },
    "200 ties, villages of 5,000": {
        "behaviour.voice": False,
        "network.village_ties": 200,
        "population.village_size": 5000,
    },
    "100 secession samples": {"behaviour.voice": False, "behaviour.secession_samples": 100},
    "mergers every year": {"behaviour.voice": False, "behaviour.merger_search_probability": 1.0},
}


def scenario_of(changes: dict[str, Any], farms: int) -> Any:
    """The costly base with ``changes`` (dotted keys), at ``farms`` simulated farms."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        *path, name = key.split(".")
        node = data
        for part in path:
            node = node.setdefault(part, {})
        node[name] = value
    return sized(validate_scenario(data), farms=farms)


def measure(changes: dict[str, Any], farms: int, years: int) -> dict[str, float]:
    """Set-up and slowest step of the setting, each with its estimate."""
    scenario = scenario_of(changes, farms)
    started = time.perf_counter()
    model = CoopModel(spec=scenario)
    setup = time.perf_counter() - started
    steps = []
    for _ in range(years):
        started = time.perf_counter()
        model.step()
        steps.append(time.perf_counter() - started)
    cost = estimate(scenario)
    return {
        "setup_s": round(setup, 3),
        "setup_estimate_s": round(cost.setup_seconds(farms), 3),
        "step_s": round(max(steps), 3),
        "step_estimate_s": round(cost.seconds(farms), 3),
        "ratio": round(max(setup / cost.setup_seconds(farms), max(steps) / cost.seconds(farms)), 2),
    }


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--farms", type=int, default=10_000, help="simulated farms")
    parser.add_argument("--years", type=int, default=3, help="steps timed")
    args = parser.parse_args(argv)
    tune_process()
    results = {}
    for name, changes in SETTINGS.items():
        results[name] = measure(changes, args.farms, args.years)
        print(name, results[name], flush=True)
    worst = max(r["ratio"] for r in results.values())
    summary = {"farms": args.farms, "settings": results, "largest_ratio": worst}
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    sys.exit(0 if main()["largest_ratio"] <= 1 else 1)
