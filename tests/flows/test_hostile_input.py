"""What the open web sends, over a real loopback server: each hostile input costs one record, never the
run, never unbounded time or memory (issue 15, items 1-5)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from extractors.feeds import FeedItem
from flows.fetching.client import Fetcher
from flows.ingest import fetch_pages, read_source
from flows.settings import Settings
from flows.sources_file import SourceSpec
from tests.conftest import ROOT
from tests.support.faultserver import FaultServer
from warehouse.documents import PageRecord

HANG_GUARD_SECONDS = 120  # not a speed target: only so a regression fails instead of hanging the suite


def feed(fault_server: FaultServer, path: str) -> SourceSpec:
    return SourceSpec(name=path.rsplit("/", 1)[-1], kind="feed", url=f"{fault_server.base_url}{path}")


def pages(settings: Settings, fault_server: FaultServer, *paths: str) -> list[PageRecord]:
    """Fetch and extract these pages in a thread, failing (not hanging) if that never ends."""
    found: list[PageRecord] = []

    def work() -> None:
        with Fetcher(settings) as fetcher:
            items = [(FeedItem(url=f"{fault_server.base_url}{p}"), None) for p in paths]  # no source row
            found.extend(fetch_pages(items, fetcher, {}))

    worker = threading.Thread(target=work, daemon=True)
    worker.start()
    worker.join(HANG_GUARD_SECONDS)
    assert not worker.is_alive(), "page extraction did not finish"
    return found


def test_a_page_of_unclosed_script_tags_is_extracted_in_linear_time(
    settings: Settings, fault_server: FaultServer
) -> None:
    [record] = pages(settings, fault_server, "/hostile/unclosed-scripts")
    assert record.outcome == "ok" and "GPU capacity in Finland" in (record.text or "")


def test_malformed_links_in_a_feed_are_skipped_with_their_reasons_and_the_good_items_kept(
    settings: Settings, fault_server: FaultServer
) -> None:
    with Fetcher(settings) as fetcher:
        read = read_source(feed(fault_server, "/hostile/bad-links.xml"), 1, fetcher, None)
    assert [i.url.removeprefix(fault_server.base_url) for i in read.items] == ["/good", "/to-good"]
    assert read.status == "recovered"
    error = read.error or ""
    assert "4 items skipped" in error
    assert "'http://[bad]/'" in error and "'http://[127.0.0.1]/'" in error
    assert (
        "longer than 2048 characters" in error and "'8.8.8.8%25.attacker.test' is not a well-formed" in error
    )


def test_a_feed_declaring_entities_is_refused_before_parsing(
    settings: Settings, fault_server: FaultServer
) -> None:
    with Fetcher(settings) as fetcher:
        read = read_source(feed(fault_server, "/hostile/entities.xml"), 1, fetcher, None)
    assert read.status == "failed" and read.items == []
    assert "declares XML entities" in (read.error or "")


def test_stacked_content_encodings_are_refused(settings: Settings, fault_server: FaultServer) -> None:
    [record] = pages(settings, fault_server, "/hostile/gzip-stacked")
    assert record.outcome == "failed" and "stacked Content-Encoding" in (record.error or "")


def test_decompression_stops_at_the_cap_without_inflating_more(
    fault_server: FaultServer, tmp_path: Path
) -> None:
    """200 MB of zeros in 200 KB of gzip, under a 5 MB cap: the fetch fails at the cap, and the process
    never holds more than a few pieces beyond it (httpx alone inflated whole network chunks first)."""
    code = (
        "import json, resource, sys; from flows.fetching.client import Fetcher; "
        "from flows.settings import Settings; "
        f"s = Settings(home={str(tmp_path)!r}, allow_loopback=True, max_bytes=5_000_000); "
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "r = Fetcher(s).fetch(sys.argv[1]); "
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss; "
        "print(json.dumps({'outcome': r.outcome, 'error': r.error, 'grew_kb': after - before}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, f"{fault_server.base_url}/hostile/gzip-dense"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=HANG_GUARD_SECONDS,
        check=True,
    )
    result = json.loads(done.stdout)
    assert result["outcome"] == "failed" and "byte cap" in result["error"]
    assert result["grew_kb"] < 40_000, result  # the cap is 5 MB; a whole inflated read was 60+ MB


@pytest.mark.parametrize(
    "selector",
    ["a[href", "a:has(", "::nope", "a" * 1001, "div > > a"],
    ids=["bracket", "paren", "pseudo", "long", "combinator"],
)
def test_a_bad_css_selector_is_refused_when_the_sources_file_loads(selector: str) -> None:
    from core.errors import ConfigError
    from flows.sources_file import parse_sources

    text = f"sources:\n  - name: n\n    kind: newsroom\n    url: https://x.example/\n    selector: {json.dumps(selector)}\n"
    with pytest.raises(ConfigError, match=r"^s\.yaml:2: selector "):
        parse_sources(text, "s.yaml")


def test_no_cookie_set_by_one_page_is_sent_with_the_next_request(
    settings: Settings, fault_server: FaultServer
) -> None:
    with Fetcher(settings) as fetcher:  # one client for the whole batch, as in a run
        fetcher.fetch(f"{fault_server.base_url}/hostile/set-cookie")
        fetcher.fetch(f"{fault_server.base_url}/good")
    assert "cookie" not in {name.lower() for name in fault_server.headers["/good"]}


def test_proxy_variables_in_the_environment_are_not_followed(
    settings: Settings, fault_server: FaultServer, closed_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, f"http://127.0.0.1:{closed_port}")
    [record] = pages(settings, fault_server, "/good")
    assert record.outcome == "ok"


def test_a_page_claiming_another_page_as_canonical_cannot_replace_its_text(
    settings: Settings, fault_server: FaultServer
) -> None:
    from sqlmodel import select

    from warehouse.documents import store_pages
    from warehouse.engine import session_scope
    from warehouse.schema import Document

    for path in ("/good", "/hostile/claims-good"):
        records = pages(settings, fault_server, path)
        with session_scope(settings.warehouse_url) as session:
            store_pages(session, records)
    with session_scope(settings.warehouse_url) as session:
        stored = {
            d.url.removeprefix(fault_server.base_url): d.text or "" for d in session.exec(select(Document))
        }
    assert set(stored) == {"/good", "/hostile/claims-good"}
    assert "Nscale agreed to supply Microsoft" in stored["/good"] and "impostor" not in stored["/good"]
