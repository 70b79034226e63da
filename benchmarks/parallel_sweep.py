"""Throughput of a sweep on 1 and 2 workers, and the same results on every executor.

    python benchmarks/parallel_sweep.py [--runs 100] [--farms 500000] [--years 15] [--one-worker]

Sweeps ``--runs`` replicates of Kazakhstan 2016 (default: 100 runs at full scale, 500,000
farms each) three times into fresh folders: one after the other in this process, in a
local process pool of 2 workers, and on a local Dask cluster of 2 worker processes.
Prints one JSON line: seconds and runs per minute of each, the speed-up of 2 workers
over one, whether the three merged tables are identical, value for value, and the
peak memory of this process after the one-worker sweep (which runs every model in it).
With ``--one-worker`` only that sweep runs: its time and peak memory.

At full scale this takes about an hour on 2 cores; ``--runs 8 --farms 100000`` gives a
first answer in a few minutes.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from coopsim.experiments import load_experiment, run_sweep

ROOT = Path(__file__).resolve().parent.parent
SCENARIO = ROOT / "scenarios" / "kazakhstan_2016.toml"


def spec_text(runs: int, farms: int, years: int) -> str:
    """An experiment of ``runs`` replicates of one point: the seed is what varies."""
    return (
        f'name = "parallel sweep benchmark"\nscenario = "{SCENARIO}"\nfarms = {farms}\n'
        f"years = {years}\nreplications = {runs}\nseed = 16\n"
        '[design]\nkind = "grid"\n'
        '[[factors]]\nkey = "policy.investment_subsidy"\nvalues = [0.25]\n'
    )


def timed_sweep(spec: Path, out: Path, **where: object) -> tuple[float, pd.DataFrame]:
    """Seconds a sweep took and its merged table."""
    started = time.perf_counter()
    report = run_sweep(load_experiment(spec), out, **where)
    seconds = time.perf_counter() - started
    if report.failed:
        raise SystemExit(f"{len(report.failed)} runs failed: {next(iter(report.failed.values()))}")
    return seconds, pd.read_parquet(out / "runs.parquet")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--farms", type=int, default=500_000)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--one-worker", action="store_true", help="only the one-worker sweep")
    args = parser.parse_args(argv)
    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        spec = root / "benchmark.toml"
        spec.write_text(spec_text(args.runs, args.farms, args.years), encoding="utf-8")
        one_s, one = timed_sweep(spec, root / "one", workers=1)
        one_peak_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if args.one_worker:
            result = {"runs": args.runs, "farms": args.farms, "years": args.years}
            result |= {"one_worker_s": round(one_s, 1), "one_worker_peak_rss_mb": one_peak_mb}
            print(json.dumps(result), flush=True)
            return 0
        pool_s, pool = timed_sweep(spec, root / "pool", workers=2)
        with LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster:
            dask_s, dask = timed_sweep(spec, root / "dask", scheduler=cluster.scheduler_address)
    result = {
        "runs": args.runs,
        "farms": args.farms,
        "years": args.years,
        "one_worker_s": round(one_s, 1),
        "pool_2_workers_s": round(pool_s, 1),
        "dask_2_workers_s": round(dask_s, 1),
        "runs_per_minute_one": round(60 * args.runs / one_s, 2),
        "one_worker_peak_rss_mb": one_peak_mb,
        "speedup_pool": round(one_s / pool_s, 2),
        "speedup_dask": round(one_s / dask_s, 2),
        "pool_identical": bool(one.equals(pool)),
        "dask_identical": bool(one.equals(dask)),
    }
    print(json.dumps(result), flush=True)
    return 0 if result["pool_identical"] and result["dask_identical"] else 1


if __name__ == "__main__":
    sys.exit(main())
