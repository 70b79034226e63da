"""How a process runs models fast: its settings, its cores and its garbage.

The command line (``coopsim run``, ``sweep``, ``calibrate``), the experiments' workers
and the dashboard's server call :func:`tune_process` before they build models. A
program that imports coopsim as a library may call it too; results do not depend on
it (see :class:`coopsim.model.CoopModel`), only the speed does. :func:`on_cores` runs a
compiled loop's blocks on every core, and :func:`collected_after` frees a finished
model cheaply, between the runs of a worker.

* **Freed memory is kept for reuse.** A yearly step at national scale creates many
  temporary arrays of tens of megabytes. By default glibc hands each back to the
  operating system when it is freed and maps fresh pages for the next one, which made
  element-wise work on 500,000 farms about twice as slow. Raising glibc's thresholds
  keeps the memory in the process: peak memory is unchanged, the process just does
  not shrink between steps. Elsewhere than glibc this does nothing.
* **BLAS runs on one thread.** The model's matrix products are small (farms × 4
  assets); BLAS threads only wait on each other there, and on a busy machine made a
  step twice as slow. Parallel work is done by running several models at once (the
  experiments' process pools and Dask workers), not by threading one; the exceptions
  are the compiled loops of a national run (the Shapley shares,
  :data:`coopsim.economics.allocation.SPLIT_FROM`, and the members' ranks,
  :data:`coopsim.processes.ranking.COMPILED_FROM`), which release Python's lock and
  split their work over the cores (:func:`on_cores`) with the same results.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from threadpoolctl import ThreadpoolController

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3


@functools.cache
def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory for reuse; returns whether it could."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        ok = libc.mallopt(_M_MMAP_THRESHOLD, 1 << 30) == 1
        ok &= libc.mallopt(_M_TRIM_THRESHOLD, (1 << 31) - 1) == 1
    except (OSError, AttributeError):
        return False
    return bool(ok)


@functools.cache
def blas() -> ThreadpoolController:
    """The process's BLAS thread pools (looked up once: the lookup takes milliseconds)."""
    return ThreadpoolController()


def single_blas_thread() -> None:
    """Run BLAS on one thread for the rest of the process."""
    blas().limit(limits=1, user_api="blas")


def tune_process() -> None:
    """Both settings of the module docstring, for an entry point that runs models."""
    keep_freed_memory()
    single_blas_thread()


@functools.cache
def core_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def on_cores(block: Callable[[int, int], np.ndarray], bounds: Sequence[int]) -> np.ndarray:
    """``block(first, last)`` for each pair of consecutive ``bounds``, joined in order.

    The blocks run at once, one thread each: ``block`` should be a compiled loop that
    releases Python's lock and whose blocks are independent, so that the result is the
    same however the work is cut.
    """
    if len(bounds) == 2:
        return block(bounds[0], bounds[1])
    with ThreadPoolExecutor(len(bounds) - 1) as pool:
        return np.concatenate(list(pool.map(block, bounds[:-1], bounds[1:])))


@contextlib.contextmanager
def collected_after() -> Iterator[None]:
    """Collect the garbage the block leaves (a finished model), skipping what was there before.

    A Mesa model refers to itself, so only Python's cycle collector frees it. A full
    collection walks every object of the process, most of them its imports (some
    110,000 in a worker: 70–90 ms, 3 % of a 2.7 s Kazakhstan run); objects that existed
    before the block are set aside (``gc.freeze``) while it runs and collects, so the
    collection walks only what the block made (5 ms), and given back to the collector
    after.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        gc.unfreeze()
