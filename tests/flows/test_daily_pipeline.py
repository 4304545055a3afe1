"""The daily flow end to end: real HTTP on 127.0.0.1, a real SQLite warehouse, Prefect's test harness."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlmodel import select

from extractors.entities import OrganizationIndex
from extractors.scoring import score
from flows.daily import daily_pipeline
from models.artifacts import save
from models.training import load_examples, train
from tests.conftest import CORPUS
from tests.support.faultserver import FaultServer
from warehouse.alerts import alerts_json
from warehouse.engine import session_scope
from warehouse.schema import Document, PipelineRun, Source
from warehouse.timeline import TimelineFilter, timeline

pytestmark = [pytest.mark.flow, pytest.mark.usefixtures("prefect_harness")]


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    monkeypatch.setenv("CLOUDINTEL_HOME", str(tmp_path))
    monkeypatch.setenv("CLOUDINTEL_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLOUDINTEL_READ_TIMEOUT", "2")
    monkeypatch.setenv("CLOUDINTEL_RETRIES", "1")
    monkeypatch.setenv("CLOUDINTEL_MAX_BYTES", "500000")
    monkeypatch.setenv("CLOUDINTEL_RETRY_BACKOFF", "0.05")
    monkeypatch.setenv("CLOUDINTEL_DATABASE_URL", database_url)
    return tmp_path


def stored(database_url: str) -> list[Document]:
    with session_scope(database_url) as session:
        return list(session.exec(select(Document)).all())


def test_corpus_run_stores_every_page_once_and_a_second_run_nothing(
    home: Path, database_url: str, corpus_base_url: str, corpus_pages: dict[str, dict[str, object]]
) -> None:
    sources = str(CORPUS / "sources.yaml")
    examples, digest = load_examples()
    save(train(examples, OrganizationIndex.load())[0], home / "models", digest, {})
    first = daily_pipeline(sources=sources, base_url=corpus_base_url)

    documents = stored(database_url)
    good = {d.url.rsplit("/", 1)[1].removesuffix(".html"): d for d in documents if d.fetch_status == "ok"}
    failed = [d for d in documents if d.fetch_status == "failed"]
    assert sorted(good) == sorted(corpus_pages)  # all 27 pages, each once
    assert [d.url.rsplit("/", 1)[1] for d in failed] == ["podcast-gpu-shortage.html"]
    assert "404" in (failed[0].last_error or "")
    assert first["documents_new"] == 27 and first["documents_failed"] == 1
    assert first["sources_ok"] == 6 and first["sources_failed"] == 0
    assert any("podcast-gpu-shortage" in e.get("url", "") for e in first["errors"])  # type: ignore[union-attr]

    for slug, expected in corpus_pages.items():
        document = good[slug]
        assert document.published_at is not None
        assert document.published_at.isoformat().replace("+00:00", "Z") == str(expected["published"]).replace(
            "+00:00", "Z"
        ), slug
        for phrase in expected["chrome"]:  # type: ignore[union-attr]
            assert phrase not in (document.text or ""), f"{slug}: chrome {phrase!r} in the stored text"
        for phrase in expected["body"]:  # type: ignore[union-attr]
            assert phrase in (document.text or ""), f"{slug}: body {phrase!r} lost"

    gold = [json.loads(line) for line in (CORPUS / "gold.jsonl").read_text().splitlines()]
    with session_scope(database_url) as session:
        events = timeline(session, TimelineFilter())
    result = score(events, gold)
    assert result.f1 >= 0.95 and result.duplicates == 0 and result.fact_accuracy >= 0.95, result.to_dict()
    assert result.to_dict()["level_accuracy"] >= 0.9  # the trained model's impact levels
    assert all(e["impact"]["level"] and 0 <= e["impact"]["score"] <= 1 for e in events)
    assert first["events_new"] == len(events)

    with session_scope(database_url) as session:
        fired = alerts_json(session)
    cloud_deals = {
        e["id"]
        for e in events
        if e["type"] == "partnership"
        and {"Amazon Web Services", "Microsoft", "Google", "Oracle", "CoreWeave", "Lambda"}
        & set(e["parties"])
    }
    assert sorted(a["event_id"] for a in fired if a["rule"] == "new-cloud-deal") == sorted(cloud_deals)
    assert len(cloud_deals) == sum(g["cloud_deal"] for g in gold) == 9
    assert first["alerts_fired"] == len(fired) and first["alerts_failed"] == 0

    second = daily_pipeline(sources=sources, base_url=corpus_base_url)
    assert second["documents_new"] == 0 and second["documents_updated"] == 0 and second["events_new"] == 0
    assert second["alerts_fired"] == 0 and second["alerts_delivered"] == 0
    with session_scope(database_url) as session:
        assert timeline(session, TimelineFilter()) == events  # same ids, same facts, same sources
    assert second["not_modified"] == 6  # five feeds and the page source answer 304
    assert len(stored(database_url)) == len(documents)
    with session_scope(database_url) as session:
        runs = session.exec(select(PipelineRun).order_by(PipelineRun.id)).all()
        assert [(r.status, r.documents_new) for r in runs] == [("completed", 27), ("completed", 0)]


def test_broken_sources_never_fail_the_run(
    home: Path, database_url: str, fault_server: FaultServer, closed_port: int
) -> None:
    base = fault_server.base_url
    sources = home / "sources.yaml"
    sources.write_text(
        "sources:\n"
        f"  - {{name: malformed, kind: feed, url: '{base}/malformed-feed.xml'}}\n"
        f"  - {{name: html-not-feed, kind: feed, url: '{base}/html-feed.xml'}}\n"
        f"  - {{name: dead-host, kind: feed, url: 'http://127.0.0.1:{closed_port}/feed.xml'}}\n"
        f"  - {{name: pdf, kind: page, url: '{base}/pdf'}}\n"
        f"  - {{name: too-big, kind: page, url: '{base}/big'}}\n"
        f"  - {{name: undecodable, kind: page, url: '{base}/undecodable'}}\n"
        f"  - {{name: loop, kind: page, url: '{base}/loop/a'}}\n"
    )
    summary = daily_pipeline(sources=str(sources))

    assert summary["sources_ok"] == 5 and summary["sources_failed"] == 2
    documents = {d.url.removeprefix(base): d for d in stored(database_url)}
    assert documents["/good"].fetch_status == "ok"  # the item the malformed feed still gave
    assert documents["/undecodable"].fetch_status == "ok" and "Norw" in (documents["/undecodable"].text or "")
    reasons = {path: d.last_error or "" for path, d in documents.items() if d.fetch_status == "failed"}
    assert "404" in reasons["/status/404"]
    assert "not an HTML page" in reasons["/pdf"]
    assert "cap" in reasons["/big"]
    assert "redirect loop" in reasons["/loop/a"]
    with session_scope(database_url) as session:
        by_name = {s.name: s for s in session.exec(select(Source)).all()}
    assert by_name["malformed"].last_status == "recovered" and "malformed feed" in (
        by_name["malformed"].last_error or ""
    )
    assert by_name["html-not-feed"].last_status == "failed" and "HTML page" in (
        by_name["html-not-feed"].last_error or ""
    )
    assert by_name["dead-host"].last_status == "failed" and "ConnectError" in (
        by_name["dead-host"].last_error or ""
    )


def test_held_out_corpus_keeps_its_measured_quality(home: Path, database_url: str, tmp_path: Path) -> None:
    """A corpus written apart from the extractor (tests/fixtures/heldout-corpus): a regression guard at
    the level measured in docs/events.md (F1 0.94 after general fixes)."""
    from cloudintel.corpus_server import serve_corpus

    corpus = Path(__file__).resolve().parents[1] / "fixtures" / "heldout-corpus"
    with serve_corpus(corpus) as base_url:
        daily_pipeline(sources=str(corpus / "sources.yaml"), base_url=base_url)
    gold = [json.loads(line) for line in (corpus / "gold.jsonl").read_text().splitlines()]
    with session_scope(database_url) as session:
        result = score(timeline(session, TimelineFilter()), gold)
    assert result.f1 >= 0.9 and result.duplicates == 0 and result.fact_accuracy >= 0.95, result.to_dict()


def test_the_flow_runs_on_the_settings_it_is_given_and_prefect_stores_no_database_url(
    home: Path, database_url: str, fault_server: FaultServer
) -> None:
    from prefect import get_client

    from flows.settings import load_settings

    given_url = f"sqlite:///{home / 'given.db'}"
    given = load_settings(database_url=given_url)  # the environment names another warehouse
    sources = home / "sources.yaml"
    sources.write_text(f"sources:\n  - {{name: one, kind: page, url: '{fault_server.base_url}/good'}}\n")
    state = daily_pipeline(sources=str(sources), settings=given, return_state=True)

    assert state.result()["documents_new"] == 1
    assert [d.url for d in stored(given_url)] == [f"{fault_server.base_url}/good"]
    assert stored(database_url) == []
    with get_client(sync_client=True) as client:
        parameters = client.read_flow_run(state.state_details.flow_run_id).parameters
    assert parameters["settings"]["database_url"] == "**********"
    assert given_url not in json.dumps(parameters)
