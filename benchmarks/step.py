"""Time one yearly step: the vectorised fast path against the per-farm reference.

    python benchmarks/step.py --farms 100000

Builds the default scenario (Kazakhstan 2016) at the given number of farms, lets it
run a few years so that coops exist, then copies the state into two models that
differ only in how farms decide, and times one step of each. Both must reach the
same memberships (checked). The last line printed is one JSON object:

    {"farms": ..., "fast_step_s": ..., "reference_step_s": ..., "ratio": ...,
     "setup_s": ..., "peak_rss_mb": ..., "same_decisions": true, ...}

``fast_step_s`` is the median over ``--repeat`` fast steps; ``ratio`` compares the
first of them with the reference step, which starts from the same state. The
machine is noisy: compare ratios measured in one run rather than absolute seconds
across machines. ``peak_rss_mb`` is measured before the reference model is built.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

from coopsim import CoopModel, load_scenario, sized
from coopsim.tuning import tune_process

ROOT = Path(__file__).resolve().parent.parent


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--farms", type=int, default=100_000, help="simulated farms")
    parser.add_argument(
        "--scenario", default=str(ROOT / "scenarios" / "kazakhstan_2016.toml"), help="scenario"
    )
    parser.add_argument("--warmup-years", type=int, default=4, help="years run before timing")
    parser.add_argument("--repeat", type=int, default=3, help="fast steps timed (median)")
    parser.add_argument("--skip-reference", action="store_true", help="time only the fast path")
    args = parser.parse_args(argv)

    scenario = sized(load_scenario(args.scenario), farms=args.farms)
    tune_process()
    started = time.perf_counter()
    model = CoopModel(spec=scenario)
    setup_s = time.perf_counter() - started
    for _ in range(args.warmup_years):
        model.step()
    fast_times = []
    for _ in range(args.repeat):
        t = time.perf_counter()
        model.step()
        fast_times.append(time.perf_counter() - t)
        if len(fast_times) == 1:
            after_first_step = model.farms.coop.copy()
    result = {
        "farms": args.farms,
        "fast_step_s": round(statistics.median(fast_times), 4),
        "fast_steps_s": [round(x, 4) for x in fast_times],
        "setup_s": round(setup_s, 3),
        "peak_rss_mb": round(_peak_rss_mb(), 1),  # the fast model alone
    }
    del model
    gc.collect()

    if not args.skip_reference:
        # the same seed and warm-up reach the very same state; then farms decide one by one
        reference = CoopModel(spec=scenario)
        for _ in range(args.warmup_years):
            reference.step()
        reference.decision_path = "reference"
        t = time.perf_counter()
        reference.step()
        reference_s = time.perf_counter() - t
        result["reference_step_s"] = round(reference_s, 3)
        result["ratio"] = round(reference_s / fast_times[0], 1)
        result["same_decisions"] = bool(np.array_equal(reference.farms.coop, after_first_step))
    print(json.dumps(result))
    return result


if __name__ == "__main__":
    sys.exit(0 if main() else 1)
