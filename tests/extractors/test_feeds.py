"""Feed parsing: RSS and Atom of the corpus, malformed feeds recovered, non-feeds recognised."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.feeds import parse_feed
from extractors.urls import url_problem
from tests.support.faultserver import HTML_AS_FEED, MALFORMED_FEED

FEEDS = Path(__file__).resolve().parents[2] / "cloudintel" / "corpus" / "feeds"
BASE = "http://127.0.0.1:8000"


def corpus_feed(name: str):
    body = (FEEDS / name).read_bytes().replace(b"{{BASE}}", BASE.encode())
    return parse_feed(body, f"{BASE}/feeds/{name}")


@pytest.mark.parametrize(
    ("name", "count"),
    [
        ("compute-ledger.xml", 9),
        ("dcpulse.xml", 6),
        ("cloudwire.xml", 6),
        ("cloudwire-pricing.xml", 2),
        ("frontier-brief.xml", 5),
    ],
)
def test_every_corpus_item_links_to_a_page(name: str, count: int) -> None:
    parsed = corpus_feed(name)
    assert len(parsed.items) == count
    assert all(item.url.startswith(f"{BASE}/pages/") for item in parsed.items)


def test_bare_ampersand_feed_is_recovered_and_flagged() -> None:
    parsed = corpus_feed("dcpulse.xml")
    assert parsed.problem and "malformed feed" in parsed.problem
    assert any(item.title and "Oracle & OpenAI" in item.title for item in parsed.items)


def test_item_dates_are_utc_whatever_the_feed_offset() -> None:
    dates = {item.url.rsplit("/", 1)[1]: item.published for item in corpus_feed("dcpulse.xml").items}
    assert dates["oracle-openai-4-5-gw.html"] == datetime(2025, 7, 22, 16, 45, tzinfo=UTC)


def test_relative_links_resolve_against_the_feed_url() -> None:
    parsed = parse_feed(MALFORMED_FEED, "http://127.0.0.1:1/malformed-feed.xml")
    assert [item.url for item in parsed.items] == ["http://127.0.0.1:1/good", "http://127.0.0.1:1/status/404"]
    assert parsed.problem is not None


def test_an_html_page_is_not_a_feed() -> None:
    parsed = parse_feed(HTML_AS_FEED, "http://127.0.0.1:1/html-feed.xml")
    assert not parsed.is_feed and parsed.items == []
    assert "HTML page" in (parsed.problem or "") and "newsroom" in (parsed.problem or "")


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(body: bytes) -> None:
    parsed = parse_feed(body, "http://127.0.0.1:1/f.xml")
    assert all(item.url.startswith("http") for item in parsed.items)


FEED_PARTS = st.sampled_from(
    [
        '<?xml version="1.0"?>',
        "<!DOCTYPE rss [",
        '<!ENTITY a "xxxxxxxx">',
        "<!entity b SYSTEM 'file:///etc/passwd'>",
        "]>",
        '<rss version="2.0"><channel><title>',
        "&a;",
        "</title><item><link>",
        "http://[bad]/",
        "/good",
        "http://x.example/a",
        "</link></item>",
        "</channel></rss>",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FEED_PARTS, st.text(max_size=20)), max_size=25))
def test_the_feed_pre_check_refuses_every_entity_declaration_and_keeps_only_fetchable_links(
    parts: list[str],
) -> None:
    body = "".join(parts).encode()
    parsed = parse_feed(body, "http://127.0.0.1:1/f.xml")
    if b"<!entity" in body.lower():
        assert not parsed.is_feed and parsed.items == [] and "entities" in (parsed.problem or "")
    assert all(url_problem(item.url) is None for item in parsed.items)
    assert all(len(item.title or "") <= 1_000 for item in parsed.items)


def test_markup_that_breaks_feedparser_is_a_broken_feed_not_a_crash() -> None:
    # found by the property test above: feedparser's loose parser raised KeyError('links') on it
    body = (
        b'<rss version="2.0"><channel><title></title><item><link><!DOCTYPE rss [</link></item></link></item>'
    )
    parsed = parse_feed(body, "http://127.0.0.1:1/f.xml")
    assert not parsed.is_feed and parsed.items == [] and "too broken" in (parsed.problem or "")
