"""Executors: where the runs of a sweep are carried out.

Each executor takes run tasks and yields their results as they finish, in any
order. All three call the same function, :func:`coopsim.experiments.runner.run_one`,
with the same tasks, so a spec gives identical results on each:

* :func:`sequential`: one run after the other, in this process;
* :func:`process_pool`: a local pool of worker processes (``concurrent.futures``);
* :func:`dask_cluster`: the workers of a running Dask distributed cluster, given its
  scheduler's address. The workers need coopsim installed (the same version).

A worker lost in the middle of a run turns into failed results for the runs it
took with it; the sweep records them and goes on.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any

from coopsim.experiments.runner import RunResult, RunTask, one_line, run_one


class ExecutorError(RuntimeError):
    """An executor that cannot start (no Dask installed, no scheduler at the address)."""


def sequential(tasks: Iterable[RunTask]) -> Iterator[RunResult]:
    """Run the tasks one after the other in this process."""
    for task in tasks:
        yield run_one(task)


def process_pool(tasks: Iterable[RunTask], workers: int) -> Iterator[RunResult]:
    """Run the tasks in ``workers`` local processes.

    Processes are started with ``spawn``: forking a process that already runs
    threads (a progress bar's, a Dask client's) can deadlock.
    """
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context)
    try:
        pending = {pool.submit(run_one, task): task for task in tasks}
        for future in as_completed(pending):
            task = pending.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # the worker process died (BrokenProcessPool)
                yield RunResult(task.run_id, None, one_line(exc))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def dask_cluster(tasks: Iterable[RunTask], address: str) -> Iterator[RunResult]:
    """Run the tasks on the Dask distributed cluster whose scheduler is at ``address``.

    Raises:
        ExecutorError: when Dask is not installed or the scheduler cannot be reached.
    """
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ExecutorError("--scheduler needs Dask: pip install 'coopsim[experiments]'") from None
    try:
        client = Client(address, timeout="10s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ExecutorError(
            f"cannot reach the Dask scheduler at {address} ({one_line(exc)})"
        ) from None
    return _dask_results(client, list(tasks), dask_completed)


def _dask_results(client: Any, tasks: list[RunTask], completed: Any) -> Iterator[RunResult]:
    with client:
        keys = [f"coopsim-run-{task.run_id}" for task in tasks]
        futures = client.map(run_one, tasks, key=keys, pure=False)
        by_key = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        for future in completed(futures):
            task = by_key[future.key]
            try:
                yield future.result()
            except Exception as exc:  # a worker lost (KilledWorker) or a failed transfer
                yield RunResult(task.run_id, None, one_line(exc))
            finally:
                future.release()


def execute(
    tasks: Iterable[RunTask], *, workers: int = 1, scheduler: str | None = None
) -> Iterator[RunResult]:
    """Run the tasks where asked: on a Dask cluster, in a pool, or in this process.

    Args:
        tasks: the runs to carry out.
        workers: local processes; 1 runs in this process. Ignored with ``scheduler``.
        scheduler: address of a Dask scheduler, e.g. ``tcp://10.0.0.5:8786``.
    """
    if scheduler is not None:
        return dask_cluster(tasks, scheduler)
    if workers > 1:
        return process_pool(tasks, workers)
    return sequential(tasks)


def describe(*, workers: int = 1, scheduler: str | None = None) -> str:
    """The executor :func:`execute` uses, in words (for the manifest and the console)."""
    if scheduler is not None:
        return f"Dask cluster at {scheduler}"
    if workers > 1:
        return f"process pool, {workers} workers"
    return "sequential, in one process"
