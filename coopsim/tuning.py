"""Process-wide settings for speed, made once by each entry point, never by the model.

The command line (``coopsim run``, ``sweep``, ``calibrate``), the experiments' workers
and the dashboard's server call :func:`tune_process` before they build models. A
program that imports coopsim as a library may call it too; results do not depend on
it (see :class:`coopsim.model.CoopModel`), only the speed does.

* **Freed memory is kept for reuse.** A yearly step at national scale creates many
  temporary arrays of tens of megabytes. By default glibc hands each back to the
  operating system when it is freed and maps fresh pages for the next one, which made
  element-wise work on 500,000 farms about twice as slow. Raising glibc's thresholds
  keeps the memory in the process: peak memory is unchanged, the process just does
  not shrink between steps. Elsewhere than glibc this does nothing.
* **BLAS runs on one thread.** The model's matrix products are small (farms × 4
  assets); BLAS threads only wait on each other there, and on a busy machine made a
  step twice as slow. Parallel work is done by running several models at once (the
  experiments' process pools and Dask workers), not by threading one; the one
  exception is the compiled Shapley loop, which splits a national run's calls over the
  cores (:data:`coopsim.economics.allocation.SPLIT_FROM`), with the same shares.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools

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
