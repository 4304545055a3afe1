"""Main text and event detection on worker processes (flows/workers.py) give exactly what the same
steps give in the calling thread: the same documents, timeline and alerts, stored in the same order."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import flows.workers
from flows.pipeline import plain_steps, run_pipeline
from flows.settings import Settings
from flows.sources_file import load_sources
from tests.conftest import CORPUS
from warehouse.alerts import alerts_json
from warehouse.engine import session_scope
from warehouse.timeline import TimelineFilter, timeline

LOG = logging.getLogger("test")


def run(settings: Settings, base_url: str) -> tuple[dict, list[dict], list[tuple], list[tuple]]:
    specs = load_sources(CORPUS / "sources.yaml", base_url)
    summary = run_pipeline(specs, settings, plain_steps(), LOG).to_dict()
    with session_scope(settings.warehouse_url) as session:
        events = [
            {k: v for k, v in e.items() if k != "sources"}
            | {"evidence": [s["evidence"] for s in e["sources"]]}
            for e in timeline(session, TimelineFilter())
        ]
        alerts = sorted((a["event_id"], a["rule"]) for a in alerts_json(session))
        documents = [
            tuple(row)
            for row in session.connection().exec_driver_sql(
                "SELECT id, url, title, text, content_hash, published_at FROM documents ORDER BY id"
            )
        ]
    for key in ("seconds", "durations", "run_id"):
        summary.pop(key, None)
    return summary, events, alerts, documents


def test_worker_processes_give_what_the_calling_thread_gives(
    tmp_path: Path, corpus_base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(flows.workers.WORKERS_ENV, "0")
    inline = run(Settings(home=tmp_path / "inline", allow_loopback=True, batch_size=5), corpus_base_url)
    monkeypatch.setenv(flows.workers.WORKERS_ENV, "2")
    started: list[int] = []
    original = flows.workers._LazyPool.executor

    def counted(pool: flows.workers._LazyPool):  # type: ignore[no-untyped-def]
        started.append(pool.workers)
        return original(pool)

    monkeypatch.setattr(flows.workers._LazyPool, "executor", counted)
    on_workers = run(Settings(home=tmp_path / "workers", allow_loopback=True, batch_size=5), corpus_base_url)
    assert started and set(started) == {2}  # the pool was used, for pages and for events
    assert len(inline[1]) == 14
    assert on_workers == inline
    assert not flows.workers.workers_active()  # the pool ends with the run


def test_an_unchanged_run_starts_no_worker(
    tmp_path: Path, corpus_base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = Settings(home=tmp_path, allow_loopback=True)
    run(settings, corpus_base_url)
    monkeypatch.setattr(flows.workers._LazyPool, "executor", lambda pool: pytest.fail("a worker started"))
    summary, *_ = run(settings, corpus_base_url)
    assert summary["documents_new"] == 0
