"""Progress of a run as it goes: a rich progress bar on a terminal (sources, articles, events, with
counts, elapsed time and ETA), nothing extra elsewhere (the pipeline's log lines say the same, one per
batch, which suits files and CI logs).

The command line turns the bar on around a run (`showing_progress`); the pipeline reports to
`reporter()`, which is a no-op unless a bar is showing in this process (a run on a worker shows none).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

STAGES = ("sources", "articles", "events")


class Reporter(Protocol):
    def total(self, stage: str, more: int) -> None:
        """`more` items of `stage` are now known to be coming."""

    def advance(self, stage: str, done: int) -> None:
        """`done` more items of `stage` are finished."""


class Silent:
    """Reports nothing (no terminal, or no command line around the run)."""

    def total(self, stage: str, more: int) -> None:
        pass

    def advance(self, stage: str, done: int) -> None:
        pass


class Bar:
    """A rich progress bar with one line per stage."""

    def __init__(self, stream: TextIO) -> None:
        self.progress = Progress(
            TextColumn("{task.description:<9}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=Console(file=stream),
            transient=False,
        )
        self.tasks = {stage: self.progress.add_task(stage, total=0) for stage in STAGES}

    def total(self, stage: str, more: int) -> None:
        task = self.tasks[stage]
        current = self.progress.tasks[task].total or 0
        self.progress.update(task, total=current + more)

    def advance(self, stage: str, done: int) -> None:
        self.progress.advance(self.tasks[stage], done)


_current: Reporter = Silent()


def reporter() -> Reporter:
    """Where the pipeline reports its progress in this process."""
    return _current


@contextmanager
def showing_progress(stream: TextIO | None = None) -> Iterator[None]:
    """Show a progress bar on `stream` (stderr) while the block runs, if it is a terminal."""
    global _current
    stream = stream or sys.stderr
    if not stream.isatty():
        yield
        return
    bar = Bar(stream)
    _current = bar
    try:
        with bar.progress:
            yield
    finally:
        _current = Silent()
