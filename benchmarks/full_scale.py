"""Time every country scenario at full scale: one simulated farm per real farm.

    python benchmarks/full_scale.py [--country germany] [--years 5]

Each country runs in a process of its own (so that its peak memory is its own): the
scenario file at ``--scale`` real farms per simulated one (1: full scale), for its whole
period or its first ``--years``. Set-up (drawing the farms, the network and the coops,
and their settling rounds), every yearly step and the tables are timed. That process
imports coopsim from this checkout, not from wherever the environment installed it, so
that a second checkout sharing the environment measures its own code. One JSON line
per country:

    {"country": ..., "farms": ..., "years": ..., "setup_s": ..., "median_year_s": ...,
     "slowest_year_s": ..., "tables_s": ..., "run_s": ..., "peak_rss_mb": ...}

``run_s`` is set-up, steps and tables together (not Python's start-up and imports). The
machine is noisy: compare runs made together rather than seconds across days.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from coopsim import CoopModel, ScenarioError, load_scenario, sized
from coopsim.tuning import tune_process

ROOT = Path(__file__).resolve().parent.parent
COUNTRIES = {
    "kazakhstan": "kazakhstan_2016.toml",
    "germany": "germany_1950.toml",
    "japan": "japan_1960.toml",
    "canada": "canada_federation.toml",
}


def measure(country: str, scale: float, years: int | None) -> dict[str, float | int | str]:
    """Set-up, yearly steps and tables of one country's run, in this process."""
    scenario = sized(load_scenario(ROOT / "scenarios" / COUNTRIES[country]), scale=scale)
    if years is not None:
        scenario = scenario.with_values({"years": min(years, scenario.years)})
    started = time.perf_counter()
    model = CoopModel(spec=scenario)
    setup = time.perf_counter() - started
    steps = []
    while model.running:
        started = time.perf_counter()
        model.step()
        steps.append(time.perf_counter() - started)
    started = time.perf_counter()
    model.table(), model.lineage_table()
    tables = time.perf_counter() - started
    return {
        "country": country,
        "farms": len(model.farms),
        "years": len(steps),
        "setup_s": round(setup, 2),
        "median_year_s": round(statistics.median(steps), 3),
        "slowest_year_s": round(max(steps), 3),
        "tables_s": round(tables, 2),
        "run_s": round(setup + sum(steps) + tables, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--country", choices=sorted(COUNTRIES), help="one country (default: all)")
    parser.add_argument("--years", type=int, help="only the first years of each run")
    parser.add_argument("--scale", type=float, default=1.0, help="real farms per simulated one")
    parser.add_argument("--here", action="store_true", help="measure in this process")
    args = parser.parse_args(argv)
    if args.here:
        tune_process()
        try:
            result = measure(args.country, args.scale, args.years)
        except ScenarioError as error:  # e.g. more simulated farms than the schema allows
            print(json.dumps({"country": args.country, "error": str(error)}), flush=True)
            return 1
        print(json.dumps(result), flush=True)
        return 0
    failed = 0
    for country in [args.country] if args.country else list(COUNTRIES):
        command = [sys.executable, __file__, "--here", "--country", country]
        command += ["--scale", str(args.scale)]
        command += ["--years", str(args.years)] if args.years is not None else []
        path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path}
        failed += subprocess.run(command, check=False, env=env).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
