"""Executors: where the runs of a sweep are carried out.

Each executor takes run tasks and yields their results as they finish, in any
order. All three call the same function, :func:`coopsim.experiments.runner.run_one`,
with the same tasks, so a spec gives identical results on each:

* :class:`Sequential`: one run after the other, in this process;
* :class:`ProcessPool`: a local pool of worker processes (``concurrent.futures``);
* :class:`DaskCluster`: the workers of a running Dask distributed cluster, given its
  scheduler's address. The workers need coopsim installed (the same version).

An executor is a context manager: it connects (or fails) when entered, before a
sweep writes anything, and lets go of its workers when left. A worker lost in the
middle of a run turns into failed results for the runs it took with it; the sweep
records them and goes on.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, Protocol, Self

from coopsim.experiments.runner import RunResult, RunTask, one_line, run_one


class ExecutorError(RuntimeError):
    """An executor that cannot start (no Dask installed, no scheduler at the address)."""


class Executor(Protocol):
    """Where runs are carried out: entered before a sweep, left after it."""

    description: str
    """The executor in words, for the manifest and the console."""

    def __enter__(self) -> Self: ...

    def __exit__(self, *exc: object) -> None: ...

    def map(self, tasks: Iterable[RunTask]) -> Iterator[RunResult]:
        """Carry out the tasks; yield each result as it finishes, in any order."""
        ...


class Sequential:
    """Runs one after the other in this process."""

    description = "sequential, in one process"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def map(self, tasks: Iterable[RunTask]) -> Iterator[RunResult]:
        """Run the tasks; yield each result as it finishes."""
        for task in tasks:
            yield run_one(task)


def _exit_with_parent(parent: int, niceness: int = 0) -> None:
    """In a pool worker: end the worker when the sweep that started it is gone.

    Pool workers wait for tasks on a queue that they hold open themselves, so a sweep
    killed with SIGKILL would leave them waiting forever. With ``niceness`` the worker
    also yields the processor to others (``os.nice``).
    """
    if niceness:
        os.nice(niceness)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


class ProcessPool:
    """Runs in a pool of local worker processes.

    Processes are started with ``spawn``: forking a process that already runs
    threads (a progress bar's, a Dask client's) can deadlock.

    Args:
        workers: number of processes.
        niceness: how much the workers yield the processor to other processes (0: not
            at all; the dashboard's background runs yield to the page's own steps).
    """

    def __init__(self, workers: int, niceness: int = 0) -> None:
        self.workers = workers
        self.niceness = niceness
        self.description = f"process pool, {workers} workers"
        self._pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> Self:
        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_exit_with_parent,
            initargs=(os.getpid(), self.niceness),
        )
        return self

    def __exit__(self, *exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def map(self, tasks: Iterable[RunTask]) -> Iterator[RunResult]:
        """Run the tasks in the pool; yield each result as it finishes."""
        assert self._pool is not None, "use the executor in a with block"
        pending = {self._pool.submit(run_one, task): task for task in tasks}
        for future in as_completed(pending):
            task = pending.pop(future)
            try:
                yield future.result()
            except Exception as exc:  # the worker process died (BrokenProcessPool)
                yield RunResult(task.run_id, None, one_line(exc))


class DaskCluster:
    """Runs on the workers of a running Dask distributed cluster.

    The connection timeout is Dask's own setting, ``distributed.comm.timeouts.connect``
    (30 s unless configured, e.g. ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=5s``).

    Args:
        address: the scheduler's address, e.g. ``tcp://10.0.0.5:8786``.
    """

    def __init__(self, address: str) -> None:
        self.address = address
        self.description = f"Dask cluster at {address}"
        self._client: Any = None

    def __enter__(self) -> Self:
        try:
            from distributed import Client
        except ImportError:
            raise ExecutorError(
                "--scheduler needs Dask: pip install 'coopsim[experiments]'"
            ) from None
        try:
            self._client = Client(self.address, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(
                f"cannot reach the Dask scheduler at {self.address} ({one_line(exc)})"
            ) from None
        return self

    def __exit__(self, *exc: object) -> None:
        if self._client is not None:
            self._client.close()

    def map(self, tasks: Iterable[RunTask]) -> Iterator[RunResult]:
        """Submit the tasks to the cluster; yield each result as it finishes."""
        from distributed import as_completed as dask_completed

        assert self._client is not None, "use the executor in a with block"
        tasks = list(tasks)
        keys = [f"coopsim-run-{task.run_id}" for task in tasks]
        futures = self._client.map(run_one, tasks, key=keys, pure=False)
        by_key = {future.key: task for future, task in zip(futures, tasks, strict=True)}
        for future in dask_completed(futures, loop=self._client.loop):
            task = by_key[future.key]
            try:
                yield future.result()
            except Exception as exc:  # a worker lost (KilledWorker) or a failed transfer
                yield RunResult(task.run_id, None, one_line(exc))
            finally:
                future.release()


def executor_for(*, workers: int = 1, scheduler: str | None = None) -> Executor:
    """The executor asked for: a Dask cluster, a process pool, or this process.

    Args:
        workers: local processes; 1 runs in this process. Ignored with ``scheduler``.
        scheduler: address of a Dask scheduler.
    """
    if scheduler is not None:
        return DaskCluster(scheduler)
    if workers > 1:
        return ProcessPool(workers)
    return Sequential()
