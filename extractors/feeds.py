"""Parse RSS/Atom feeds (feedparser) into the article links behind their items. Pure: bytes in, items out.

Hostile feeds are normal input: a feed that declares entities is refused before feedparser sees it
(feedparser's loose parser, its fallback when expat stops an entity bomb, expands them without limit),
an item whose link is not a fetchable URL is skipped with its reason, and text fields are cut to a
bounded length.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin

import feedparser

from extractors.urls import url_problem

ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
MAX_FIELD_CHARS = {"title": 1_000, "author": 500, "summary": 20_000}
MAX_SKIPPED_REASONS = 5  # reasons listed; the rest are counted


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
    skipped: list[str] = field(default_factory=list)  # items whose link cannot be fetched, with why


def parse_feed(body: bytes | str, feed_url: str) -> ParsedFeed:
    """Items of an RSS or Atom document; a malformed feed keeps what feedparser recovered."""
    raw = body.encode("utf-8", "replace") if isinstance(body, str) else body
    if ENTITY_DECLARATION.search(raw):
        return ParsedFeed(
            problem="the feed declares XML entities (<!ENTITY>), which feeds do not need and entity bombs "
            "use; refused unread",
            is_feed=False,
        )
    try:
        parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
    except (KeyError, AttributeError, ValueError) as broken:  # feedparser's loose parser on broken markup
        return ParsedFeed(
            problem=f"the feed's markup is too broken to read ({type(broken).__name__}: {broken}); "
            "check the feed URL, or tell the site",
            is_feed=False,
        )
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
    skipped: list[str] = []
    seen: set[str] = set()
    for number, entry in enumerate(parsed.entries, 1):
        url, why = _entry_url(entry, feed_url)
        if url is None:
            skipped.append(f"item {number}: {why}")
            continue
        if url in seen:
            continue
        seen.add(url)
        items.append(
            FeedItem(
                url=url,
                title=_clean(entry.get("title"), "title"),
                published=_entry_date(entry),
                summary=_clean(entry.get("summary"), "summary"),
                author=_clean(entry.get("author"), "author"),
            )
        )
    return ParsedFeed(items=items, problem=problem, skipped=skipped)


def skipped_note(skipped: list[str]) -> str:
    """One line naming the first skipped items and counting the rest."""
    shown = "; ".join(skipped[:MAX_SKIPPED_REASONS])
    more = f"; and {len(skipped) - MAX_SKIPPED_REASONS} more" if len(skipped) > MAX_SKIPPED_REASONS else ""
    return f"{len(skipped)} items skipped: {shown}{more}"


def _entry_url(entry: feedparser.FeedParserDict, feed_url: str) -> tuple[str | None, str]:
    """The item's article URL, or None and why none of its links can be fetched."""
    candidates = [entry.get("link")]
    candidates += [link.get("href") for link in entry.get("links", []) if link.get("rel") == "alternate"]
    if entry.get("guidislink"):
        candidates.append(entry.get("id"))
    why = "no link"
    for candidate in candidates:
        if not candidate:
            continue
        problem: str | None
        try:
            url = urldefrag(urljoin(feed_url, candidate.strip())).url
        except ValueError as exc:
            url, problem = "", f"malformed ({exc})"
        else:
            problem = url_problem(url)
        if problem is None:
            return url, ""
        why = f"link {candidate.strip()[:100]!r} cannot be fetched: {problem}"
    return None, why


def _entry_date(entry: feedparser.FeedParserDict) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _clean(value: str | None, name: str) -> str | None:
    text = " ".join(value[: MAX_FIELD_CHARS[name] * 4].split()) if value else ""
    return text[: MAX_FIELD_CHARS[name]] or None
