"""Keep freed memory for reuse, so large numpy temporaries do not cost page faults.

A yearly step at national scale creates many temporary arrays of tens of megabytes.
By default glibc hands each back to the operating system when it is freed and maps
fresh pages for the next one; measured here, that made element-wise work on 500,000
farms about twice as slow. Raising glibc's thresholds keeps the memory in the
process for the next temporary. Peak memory is unchanged; the process just does not
shrink between steps. Elsewhere than glibc this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_done = False


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed memory for reuse; returns whether it could."""
    global _done
    if _done:
        return True
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        ok = libc.mallopt(_M_MMAP_THRESHOLD, 1 << 30) == 1
        ok &= libc.mallopt(_M_TRIM_THRESHOLD, (1 << 31) - 1) == 1
    except (OSError, AttributeError):
        return False
    _done = ok
    return ok
