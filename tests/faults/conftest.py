"""Fixtures of the fault tests: one PREFECT_HOME for the session, a slowed corpus server, and a clean
reference run (its warehouse is what every crash or concurrency scenario must end up holding). The fault
suite (test_fault_suite.py) runs its flows in this process, under tests/conftest.py's `prefect_harness`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import fresh_warehouse
from tests.faults.harness import (
    HOOK_STALL,
    Reference,
    alerts_file,
    received_events,
    resolved_sources,
    run_env,
    slow_corpus,
    snapshot,
    start_run,
)
from tests.support.receivers import WebhookReceiver


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One temporary PREFECT_HOME for every run of the session (a fresh one costs ~10 s per run)."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="session")
def slow_base_url() -> Iterator[str]:
    with slow_corpus() as base_url:
        yield base_url


@pytest.fixture(scope="session")
def reference(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    prefect_home: Path,
    slow_base_url: str,
) -> Iterator[Reference]:
    """A clean run to completion, on the test backend (SQLite, or PostgreSQL with CLOUDINTEL_TEST_BACKEND)."""
    folder = tmp_path_factory.mktemp("reference")
    receiver = WebhookReceiver(stall=HOOK_STALL)
    try:
        url = fresh_warehouse(request, folder)
        env = run_env(
            prefect_home=prefect_home,
            home=folder,
            database_url=url,
            alerts=alerts_file(receiver.url, folder),
        )
        run = start_run(resolved_sources(slow_base_url, folder), env, folder / "reference.log")
        code = run.wait(300)
        assert code == 0, f"the reference run failed (exit {code}):\n{run.stderr[-3000:]}"
        assert run.flow_started_at is not None
        done = next((t for t, line in run.lines if re.search(r" - run \d+ finished in", line)), None)
        assert done is not None, f"no 'run N finished' line in the reference run:\n{run.stderr[-3000:]}"
        yield Reference(
            warehouse=snapshot(url),
            received=received_events(receiver.received),
            startup=run.flow_started_at - run.started,
            work=done - run.flow_started_at,
            total=run.lines[-1][0] - run.started,
        )
    finally:
        receiver.stop()
