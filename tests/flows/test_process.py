"""Once-per-process tuning: the start-up heap is frozen (its garbage collected first, later garbage still
collected), malloc arenas are capped once, an explicit MALLOC_ARENA_MAX is respected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter, so that nothing in pytest's own process is frozen. Automatic collection is off:
# the only collections are settle_process's own and the probe's explicit one at the end.
PROBE = """
import gc, json, sys, weakref
sys.path.insert(0, {root!r})
from flows import process
called = []
process.ctypes.CDLL = lambda name: type("Libc", (), {{"mallopt": lambda self, *a: called.append(a)}})()

class Cycle:
    def __init__(self):
        self.me = self

gc.disable()
alive = Cycle()
garbage_before = weakref.ref(Cycle())
frozen = [gc.get_freeze_count()]
process.settle_process()
frozen.append(gc.get_freeze_count())
process.settle_process()
frozen.append(gc.get_freeze_count())
garbage_after = weakref.ref(Cycle())
garbage_after().alive = alive  # a new cycle that points into the frozen heap
gc.collect()
print(json.dumps({{
    "mallopt": called,
    "frozen": frozen,
    "alive_frozen": not any(o is alive for o in gc.get_objects()),
    "garbage_before_collected": garbage_before() is None,
    "garbage_after_collected": garbage_after() is None,
}}))
"""


def run_probe(env: dict[str, str]) -> dict[str, Any]:
    code = PROBE.format(root=str(ROOT))
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    return json.loads(output.stdout)


@pytest.fixture(scope="module")
def settled() -> dict[str, Any]:
    return run_probe({"PATH": "/usr/bin:/bin"})


def test_settle_process_caps_arenas_once(settled: dict[str, Any]) -> None:
    assert settled["mallopt"] == [[-8, 2]]


def test_an_explicit_malloc_arena_max_is_left_alone() -> None:
    assert run_probe({"PATH": "/usr/bin:/bin", "MALLOC_ARENA_MAX": "4"})["mallopt"] == []


def test_the_start_up_heap_is_frozen_once_without_its_garbage(settled: dict[str, Any]) -> None:
    before, after_first, after_second = settled["frozen"]
    assert before == 0 < after_first == after_second
    assert settled["alive_frozen"]  # out of the collector's sight
    assert settled["garbage_before_collected"]  # collected, not frozen with the rest


def test_garbage_made_after_the_freeze_is_still_collected(settled: dict[str, Any]) -> None:
    assert settled["garbage_after_collected"]
