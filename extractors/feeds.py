"""Parse RSS/Atom feeds (feedparser) into the article links behind their items. Pure: bytes in, items out."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin, urlsplit

import feedparser


@dataclass(frozen=True)
class FeedItem:
    """One feed item: the article it links to and what the feed says about it."""

    url: str
    title: str | None = None
    published: datetime | None = None
    summary: str | None = None
    author: str | None = None


@dataclass(frozen=True)
class ParsedFeed:
    """The items of a feed; `problem` says why the feed was malformed (items recovered are kept)."""

    items: list[FeedItem] = field(default_factory=list)
    problem: str | None = None
    is_feed: bool = True


def parse_feed(body: bytes | str, feed_url: str) -> ParsedFeed:
    """Items of an RSS or Atom document; a malformed feed keeps what feedparser recovered."""
    parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"malformed feed, recovered {len(parsed.entries)} items ({type(exc).__name__}: {exc})"
    if not parsed.get("version") and not parsed.entries:
        head = (body[:512].decode("utf-8", "replace") if isinstance(body, bytes) else body[:512]).lower()
        what = "an HTML page" if "<html" in head or "<!doctype html" in head else "a document"
        return ParsedFeed(
            problem=f"this URL answers {what} that is not RSS or Atom; check the feed URL, "
            "or use kind: newsroom (with a selector) or kind: page",
            is_feed=False,
        )
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in parsed.entries:
        url = _entry_url(entry, feed_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        items.append(
            FeedItem(
                url=url,
                title=_clean(entry.get("title")),
                published=_entry_date(entry),
                summary=_clean(entry.get("summary")),
                author=_clean(entry.get("author")),
            )
        )
    return ParsedFeed(items=items, problem=problem)


def _entry_url(entry: feedparser.FeedParserDict, feed_url: str) -> str | None:
    candidates = [entry.get("link")]
    candidates += [link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"]
    if entry.get("guidislink"):
        candidates.append(entry.get("id"))
    for candidate in candidates:
        if candidate:
            url = urldefrag(urljoin(feed_url, candidate.strip())).url
            if urlsplit(url).scheme in ("http", "https"):
                return url
    return None


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _clean(value: str | None) -> str | None:
    text = " ".join(value.split()) if value else ""
    return text or None
