"""The HTTP client against a real misbehaving server on 127.0.0.1: every fault ends in a clear result."""

from __future__ import annotations

import time

import pytest

from flows.fetching.client import Fetcher, Validators
from flows.settings import Settings
from tests.support.faultserver import FaultServer


def fetch(settings: Settings, url: str, validators: Validators | None = None):
    with Fetcher(settings) as fetcher:
        return fetcher.fetch(url, validators)


def test_good_page_is_fetched_with_its_validators(settings: Settings, fault_server: FaultServer) -> None:
    result = fetch(settings, f"{fault_server.base_url}/good")
    assert result.ok and result.status == 200
    assert b"Nscale" in result.body
    assert result.content_type == "text/html" and result.charset == "utf-8"
    assert result.validators.etag == '"good-v1"'


def test_conditional_get_with_a_matching_etag_gives_not_modified(
    settings: Settings, corpus_base_url: str
) -> None:
    url = f"{corpus_base_url}/feeds/cloudwire.xml"
    first = fetch(settings, url)
    again = fetch(settings, url, first.validators)
    assert first.ok and first.validators.etag
    assert again.outcome == "not_modified" and again.status == 304 and again.body == b""


@pytest.mark.parametrize("status", [404, 410])
def test_gone_pages_fail_once_without_retry(
    settings: Settings, fault_server: FaultServer, status: int
) -> None:
    result = fetch(settings, f"{fault_server.base_url}/status/{status}")
    assert result.outcome == "failed" and result.status == status and not result.transient
    assert f"server answered {status}" in (result.error or "")
    assert fault_server.hits[f"/status/{status}"] == 1


def test_server_error_is_retried_then_reported_as_transient(
    settings: Settings, fault_server: FaultServer
) -> None:
    result = fetch(settings, f"{fault_server.base_url}/status/500")
    assert result.outcome == "failed" and result.transient and result.status == 500
    assert fault_server.hits["/status/500"] == settings.retries + 1


def test_a_503_then_200_succeeds_on_retry(settings: Settings, fault_server: FaultServer) -> None:
    result = fetch(settings, f"{fault_server.base_url}/flaky")
    assert result.ok and result.attempts == 2


def test_429_retry_after_is_honoured(settings: Settings, fault_server: FaultServer) -> None:
    started = time.monotonic()
    result = fetch(settings, f"{fault_server.base_url}/429")
    assert result.ok and result.attempts == 2
    assert time.monotonic() - started >= 0.9  # waited the server's Retry-After: 1


def test_timeout_is_a_transient_failure(settings: Settings, fault_server: FaultServer) -> None:
    result = fetch(settings, f"{fault_server.base_url}/slow")
    assert result.outcome == "failed" and result.transient
    assert "timed out" in (result.error or "")


def test_slow_drip_is_cut_at_the_total_timeout(settings: Settings, fault_server: FaultServer) -> None:
    started = time.monotonic()
    result = fetch(settings, f"{fault_server.base_url}/drip")
    assert result.outcome == "failed" and "took over" in (result.error or "")
    assert time.monotonic() - started < (settings.total_timeout + 1) * (settings.retries + 1) + 1


def test_connection_reset_mid_body_is_a_transient_failure(
    settings: Settings, fault_server: FaultServer
) -> None:
    result = fetch(settings, f"{fault_server.base_url}/reset")
    assert result.outcome == "failed" and result.transient
    assert "connection failed" in (result.error or "")


def test_unreachable_host_fails_cleanly(settings: Settings, closed_port: int) -> None:
    result = fetch(settings, f"http://127.0.0.1:{closed_port}/page")
    assert result.outcome == "failed" and result.transient and "ConnectError" in (result.error or "")


def test_redirect_loop_is_detected(settings: Settings, fault_server: FaultServer) -> None:
    result = fetch(settings, f"{fault_server.base_url}/loop/a")
    assert result.outcome == "failed" and "redirect loop" in (result.error or "")
    assert fault_server.hits["/loop/a"] == 1 and fault_server.hits["/loop/b"] == 1


def test_redirect_is_followed_and_final_url_kept(settings: Settings, fault_server: FaultServer) -> None:
    result = fetch(settings, f"{fault_server.base_url}/to-good")
    assert result.ok and result.final_url.endswith("/good")


@pytest.mark.parametrize("path", ["/big", "/big-chunked", "/gzip-bomb"])
def test_response_over_the_size_cap_is_refused(
    settings: Settings, fault_server: FaultServer, path: str
) -> None:
    result = fetch(settings, f"{fault_server.base_url}{path}")
    assert result.outcome == "failed" and "cap" in (result.error or "")
    assert not result.transient


def test_robots_txt_disallow_is_honoured(settings: Settings, fault_server: FaultServer) -> None:
    result = fetch(settings, f"{fault_server.base_url}/private/page")
    assert result.outcome == "failed" and "robots.txt" in (result.error or "")
    assert fault_server.hits["/private/page"] == 0


def test_user_agent_is_received_by_the_server(settings: Settings, fault_server: FaultServer) -> None:
    assert fetch(settings, f"{fault_server.base_url}/good").ok
    assert settings.user_agent.startswith("cloudintel/")
    for path in ("/robots.txt", "/good"):
        assert fault_server.headers[path]["User-Agent"] == settings.user_agent


def test_many_fetches_keep_input_order(settings: Settings, fault_server: FaultServer) -> None:
    urls = [f"{fault_server.base_url}/{p}" for p in ("good", "status/404", "to-good", "pdf")]
    with Fetcher(settings) as fetcher:
        results = fetcher.fetch_many((url, None) for url in urls)
    assert [r.url for r in results] == urls
    assert [r.outcome for r in results] == ["ok", "failed", "ok", "ok"]


def test_robots_rules_are_read_as_rfc_9309_says(settings: Settings, fault_server: FaultServer) -> None:
    """The longest matching rule wins (Allow: /private/open over Disallow: /private/), and `$` anchors."""
    with Fetcher(settings) as fetcher:
        opened = fetcher.fetch(f"{fault_server.base_url}/private/open")
        pdf = fetcher.fetch(f"{fault_server.base_url}/report.pdf")
    assert opened.ok
    assert not pdf.ok and "robots.txt" in (pdf.error or "") and fault_server.hits["/report.pdf"] == 0
