"""Once-per-process tuning: the start-up heap is frozen, an explicit MALLOC_ARENA_MAX is respected."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import gc, sys
sys.path.insert(0, {root!r})
from flows import process
called = []
process.ctypes.CDLL = lambda name: type("Libc", (), {{"mallopt": lambda self, *a: called.append(a)}})()
before = gc.get_freeze_count()
process.settle_process()
process.settle_process()
print(before, gc.get_freeze_count() > 0, called)
"""


def run_probe(env: dict[str, str]) -> str:
    code = PROBE.format(root=str(ROOT))
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    ).stdout.strip()


def test_settle_process_freezes_once_and_caps_arenas() -> None:
    assert run_probe({"PATH": "/usr/bin:/bin"}) == "0 True [(-8, 2)]"


def test_an_explicit_malloc_arena_max_is_left_alone() -> None:
    assert run_probe({"PATH": "/usr/bin:/bin", "MALLOC_ARENA_MAX": "4"}) == "0 True []"


def test_gc_still_collects_what_the_run_creates_after_the_freeze() -> None:
    from flows.process import settle_process

    settle_process()

    class Cycle:
        def __init__(self) -> None:
            self.me = self

    Cycle()
    assert gc.collect() >= 1  # the new cycle is garbage the collector still sees
