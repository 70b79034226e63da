"""The same spec gives identical results in one process, in a process pool and on Dask."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from distributed import LocalCluster

from coopsim.experiments import load_experiment, run_sweep
from coopsim.experiments.executor import ProcessPool
from coopsim.experiments.store import RunStore

KAZAKHSTAN = Path(__file__).resolve().parents[2] / "scenarios" / "kazakhstan_2016.toml"
SPEC = (
    '[design]\nkind = "latin"\nsamples = 3\n'
    '[[factors]]\nkey = "policy.changes.2017.member_grant"\nmin = 0\nmax = 300000\n'
    '[[factors]]\nkey = "population.trust"\nmin = 0.2\nmax = 0.7\n'
)


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A real Dask cluster on loopback: two worker processes of one thread."""
    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def sweeps(tmp_path_factory: pytest.TempPathFactory, scheduler: str) -> dict[str, Path]:
    """The same experiment swept sequentially, by a pool of two and on the Dask cluster."""
    folder = tmp_path_factory.mktemp("executors")
    spec = folder / "experiment.toml"
    spec.write_text(
        f'scenario = "{KAZAKHSTAN}"\nfarms = 600\nyears = 4\nreplications = 2\nseed = 5\n{SPEC}'
    )
    experiment = load_experiment(spec)
    where = {"sequential": {"workers": 1}, "pool": {"workers": 2}, "dask": {"scheduler": scheduler}}
    folders = {}
    for name, options in where.items():
        folders[name] = folder / name
        report = run_sweep(experiment, folders[name], **options)
        assert report.done == 6 and not report.failed, report
    return folders


@pytest.mark.parametrize("other", ["pool", "dask"])
def test_merged_table_is_identical_to_the_sequential_sweeps(
    sweeps: dict[str, Path], other: str
) -> None:
    expected = pd.read_parquet(sweeps["sequential"] / "runs.parquet")
    got = pd.read_parquet(sweeps[other] / "runs.parquet")
    assert len(expected) == 6 * 4
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


@pytest.mark.parametrize("other", ["pool", "dask"])
def test_each_run_file_is_identical_to_the_sequential_one(
    sweeps: dict[str, Path], other: str
) -> None:
    reference, store = RunStore(sweeps["sequential"]), RunStore(sweeps[other])
    assert store.finished() == reference.finished()
    for run_id in reference.finished():
        pd.testing.assert_frame_equal(
            store.read_run(run_id), reference.read_run(run_id), check_exact=True
        )


def test_dask_runs_were_carried_out_by_the_cluster_workers(sweeps: dict[str, Path]) -> None:
    manifest = RunStore(sweeps["dask"]).read_manifest()
    assert manifest["executor"].startswith("Dask cluster at tcp://127.0.0.1:")
    local = RunStore(sweeps["sequential"]).read_manifest()
    assert {r["pid"] for r in manifest["runs"]}.isdisjoint({r["pid"] for r in local["runs"]})


def test_a_pool_with_niceness_yields_the_processor_to_others() -> None:
    """The dashboard's background runs: the worker is nicer than the process that made it."""
    with ProcessPool(1, niceness=5) as pool:
        worker = pool._pool.submit(os.nice, 0).result()  # os.nice(0) reads the niceness
    assert worker == min(os.nice(0) + 5, 19)
    with ProcessPool(1) as pool:
        assert pool._pool.submit(os.nice, 0).result() == os.nice(0)
