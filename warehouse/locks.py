"""One pipeline run at a time per warehouse, and one schema migration at a time.

PostgreSQL: session advisory locks (released when the connection or process dies). SQLite: an
exclusive `flock` on a file beside the database (released by the kernel when the process dies).
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from core.errors import RunInProgress

RUN_LOCK = 7_240_318
MIGRATION_LOCK = 7_240_317


@contextmanager
def exclusive(engine: Engine, key: int, suffix: str, wait: bool) -> Iterator[bool]:
    """Hold the lock named by `key` (PostgreSQL) or `<database><suffix>` (SQLite); yields whether it
    was taken (always True when `wait`)."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            if wait:
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
                taken = True
            else:
                taken = bool(connection.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar())
            try:
                yield taken
            finally:
                if taken:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                connection.commit()
        return
    database = engine.url.database
    if not database or database == ":memory:":
        yield True
        return
    with Path(f"{database}{suffix}").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
            taken = True
        except BlockingIOError:
            taken = False
        try:
            yield taken
        finally:
            if taken:
                fcntl.flock(handle, fcntl.LOCK_UN)


_held: set[str] = set()  # warehouses this process holds the run lock of (the lock is re-entrant)


@contextmanager
def run_lock(engine: Engine) -> Iterator[None]:
    """Hold the warehouse for one run; a second run at the same time is refused, not queued. The
    command line takes it before starting Prefect, the flow again (a no-op then) for deployments."""
    key = engine.url.render_as_string(hide_password=True)
    if key in _held:
        yield
        return
    with exclusive(engine, RUN_LOCK, ".run.lock", wait=False) as taken:
        if not taken:
            raise RunInProgress(
                "another cloudintel run is in progress on this warehouse; this one stopped before doing "
                "anything (the schedule's next run will pick up everything)"
            )
        _held.add(key)
        try:
            yield
        finally:
            _held.discard(key)
