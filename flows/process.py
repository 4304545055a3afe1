"""Once-per-process tuning for the pipeline's batch work, wherever it runs (the flow's process, a Dask
worker). Both measured in docs/benchmarks.md ("Pipeline against its floor", "Memory")."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import os
from functools import cache

M_ARENA_MAX = -8  # glibc's mallopt parameter number
MALLOC_ARENAS = 2


@cache
def settle_process() -> None:
    """Cap malloc arenas and freeze the start-up heap, once per process."""
    _cap_malloc_arenas()
    _freeze_start_up_heap()


def _cap_malloc_arenas() -> None:
    """glibc gives threads their own malloc arenas (up to 8 per core); with the fetch and task threads
    each holding freed pages of its own, the flow's peak RSS at 10,000 articles was 364 MB against
    336 MB with 2 arenas, no slower. An explicit MALLOC_ARENA_MAX is left as it is; other C libraries
    (musl, macOS) have no such call and nothing to cap."""
    if "MALLOC_ARENA_MAX" in os.environ:
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)
    except (OSError, AttributeError):
        pass


def _freeze_start_up_heap() -> None:
    """Put what is alive now (imported modules, Prefect's client, settings) out of the garbage
    collector's sight. Main-text extraction allocates fast, so full collections are frequent, and each
    walks every object: with Prefect imported (~250,000 objects) extraction was ~17 % slower."""
    gc.collect()  # garbage collected now is not frozen with the rest
    gc.freeze()
