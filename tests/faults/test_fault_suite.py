"""The fault suite: one run over every misbehaviour the fault server knows, mixed with good pages.
The run completes, stores what was good exactly once, records each failure with its reason, and a
second run doubles nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import select

from extractors.feeds import parse_feed
from flows.daily import daily_pipeline
from tests.support.faultserver import BILLION_LAUGHS, FaultServer
from warehouse.engine import session_scope
from warehouse.schema import Document, Source

pytestmark = [pytest.mark.flow, pytest.mark.faults, pytest.mark.usefixtures("prefect_harness")]

PAGE_FAULTS = {  # path: what the stored failure must say
    "/status/404": "404",
    "/status/410": "410",
    "/status/500": "500",
    "/status/502": "502",
    "/status/503": "503",
    "/429": None,  # honours Retry-After, then succeeds (a copy of /good)
    "/slow": "timed out",
    "/drip": "took over",
    "/reset": "connection failed",
    "/truncated": "connection failed",
    "/gzip-bomb": "cap",
    "/huge": "cap",
    "/huge-chunked": "cap",
    "/loop/a": "redirect loop",
    "/to-private": "private",
    "/pdf": "not an HTML page",
    "/private/page": "robots.txt",
}
GOOD_PAGES = ("/good", "/undecodable", "/latin1-no-charset", "/wrong-charset", "/flaky", "/to-good")
FEED_FAULTS = {
    "malformed": ("/malformed-feed.xml", "recovered"),
    "html-not-feed": ("/html-feed.xml", "failed"),
    "laughs": ("/billion-laughs.xml", None),
    "xxe": ("/xxe.xml", None),
    "links": ("/links-100k", "recovered"),
}


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> Path:
    for name, value in {
        "CLOUDINTEL_HOME": str(tmp_path),
        "CLOUDINTEL_ALLOW_LOOPBACK": "1",
        "CLOUDINTEL_READ_TIMEOUT": "1.5",
        "CLOUDINTEL_TOTAL_TIMEOUT": "3",
        "CLOUDINTEL_RETRIES": "1",
        "CLOUDINTEL_RETRY_BACKOFF": "0.05",
        "CLOUDINTEL_MAX_BYTES": "8000000",
        "CLOUDINTEL_MAX_ITEMS_PER_SOURCE": "50",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CLOUDINTEL_DATABASE_URL", database_url)  # SQLite, and PostgreSQL marked `postgres`
    return tmp_path


def test_every_fault_is_survived_recorded_and_nothing_is_lost_or_doubled(
    home: Path, database_url: str
) -> None:
    server = FaultServer(slow_seconds=5).start()
    try:
        base = server.base_url
        lines = ["sources:"]
        lines += [
            f"  - {{name: 'page{path}', kind: page, url: '{base}{path}'}}"
            for path in [*PAGE_FAULTS, *GOOD_PAGES]
        ]
        lines += [
            f"  - {{name: {name}, url: '{base}{path}', "
            + ("kind: newsroom, selector: 'ul.news a'}" if name == "links" else "kind: feed}")
            for name, (path, _) in FEED_FAULTS.items()
        ]
        (home / "sources.yaml").write_text("\n".join(lines) + "\n")
        first = daily_pipeline(sources=str(home / "sources.yaml"))
        second = daily_pipeline(sources=str(home / "sources.yaml"))
        secret_requests = server.hits["/secret"]
    finally:
        server.stop()

    with session_scope(database_url) as session:
        documents = session.exec(select(Document)).all()
        sources = {s.name: s for s in session.exec(select(Source)).all()}
    by_path = {d.url.removeprefix(base).split("?")[0]: d for d in documents}
    assert max(Counter(d.url for d in documents).values()) == 1  # nothing stored twice
    # nothing good lost: every good page is stored, once; the same article under other URLs is
    # recognised as a copy of it (/to-good redirects to /good; /flaky and /429 serve the same text)
    assert "/to-good" not in by_path
    for path in ("/undecodable", "/latin1-no-charset", "/wrong-charset"):
        assert by_path[path].fetch_status == "ok", path
    copies = [by_path[p] for p in ("/good", "/flaky", "/429")]
    [original] = [d for d in copies if d.fetch_status == "ok"]
    assert all(d.duplicate_of == original.id for d in copies if d is not original)
    survived = 0
    for path, reason in PAGE_FAULTS.items():
        if reason is None:
            survived += 1  # served after its Retry-After (checked above)
            continue
        document = by_path[path]
        assert document.fetch_status == "failed" and reason in (document.last_error or ""), (
            path,
            document.last_error,
        )
        survived += 1
    for name, (_, status) in FEED_FAULTS.items():
        if status:
            assert sources[name].last_status == status, (name, sources[name].last_error)
    assert "only the first 50" in (sources["links"].last_error or "")
    assert secret_requests == 0  # the XXE feed's external entity was never fetched
    assert first["sources_ok"] + first["sources_failed"] == len(PAGE_FAULTS) + len(GOOD_PAGES) + len(
        FEED_FAULTS
    )
    assert second["documents_new"] == 0 and second["documents_duplicate"] == 0
    print(
        f"faults tried {len(PAGE_FAULTS) + len(FEED_FAULTS)}, survived {survived + len(FEED_FAULTS)}, "
        f"articles lost 0, duplicates 0"
    )


def test_entity_tricks_in_feeds_are_not_expanded() -> None:
    parsed = parse_feed(BILLION_LAUGHS, "http://127.0.0.1:1/f.xml")
    assert all(len(item.title or "") < 10_000 for item in parsed.items)


def test_a_source_failing_run_after_run_backs_off(home: Path, database_url: str, closed_port: int) -> None:
    (home / "sources.yaml").write_text(
        f"sources:\n  - {{name: dead, kind: feed, url: 'http://127.0.0.1:{closed_port}/feed.xml'}}\n"
    )
    runs = [daily_pipeline(sources=str(home / "sources.yaml")) for _ in range(4)]
    assert [r["sources_failed"] for r in runs] == [1, 1, 1, 0]
    assert runs[3]["sources_skipped"] == 1
    assert "backing off until" in str(runs[3]["errors"])
    with session_scope(database_url) as session:
        [source] = session.exec(select(Source)).all()
    assert source.consecutive_failures == 3 and source.backoff_until is not None
