"""The same flow on Prefect's Dask task runner (a local cluster of 2 worker processes) gives the same
warehouse as the default thread runner, on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.daily import daily_pipeline, with_dask
from tests.conftest import CORPUS
from warehouse.engine import session_scope
from warehouse.timeline import TimelineFilter, timeline

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


def run_into(
    home: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, pipeline, base_url: str
) -> list[dict]:
    monkeypatch.setenv("CLOUDINTEL_HOME", str(home))
    monkeypatch.setenv("CLOUDINTEL_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLOUDINTEL_DATABASE_URL", database_url)
    summary = pipeline(sources=str(CORPUS / "sources.yaml"), base_url=base_url)
    assert summary["documents_new"] == 27
    with session_scope(database_url) as session:
        return [
            {k: v for k, v in e.items() if k != "sources"}
            | {"sources": [s["evidence"] for s in e["sources"]]}
            for e in timeline(session, TimelineFilter())
        ]


def test_dask_runner_gives_the_same_timeline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, corpus_base_url: str, database_url: str
) -> None:
    reference = f"sqlite:///{tmp_path / 'threads.db'}"
    threads = run_into(tmp_path / "threads", reference, monkeypatch, daily_pipeline, corpus_base_url)
    dask = run_into(tmp_path / "dask", database_url, monkeypatch, with_dask(workers=2), corpus_base_url)
    assert len(threads) == 14 and dask == threads
