"""Idempotent writes of fetched pages: one document per canonical URL, syndicated copies marked."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlmodel import Session, col, select

from warehouse.schema import Document, HttpCache, utcnow

PageOutcome = Literal["ok", "not_modified", "failed"]


@dataclass
class PageRecord:
    """What the pipeline learnt about one article URL in this run."""

    requested_url: str
    source_id: int | None
    outcome: PageOutcome
    url: str | None = None  # canonical URL, when fetched
    title: str | None = None
    author: str | None = None
    text: str | None = None
    content_hash: str | None = None
    published_at: datetime | None = None
    published_from: str | None = None
    feed_title: str | None = None
    feed_summary: str | None = None
    site_name: str | None = None
    http_status: int | None = None
    error: str | None = None
    transient: bool = False
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class StoreResult:
    """Counts of new, updated, unchanged, duplicate, failed and not_modified pages, and the ids of
    documents whose text is new or changed (they go on to event extraction)."""

    counts: Counter[str]
    changed: list[int]


def store_pages(session: Session, records: list[PageRecord]) -> StoreResult:
    """Store a batch of fetched pages idempotently."""
    result = StoreResult(Counter(), [])
    for record in records:
        outcome, document = _store_one(session, record)
        result.counts[outcome] += 1
        if record.etag or record.last_modified:
            save_validators(session, record.requested_url, record.etag, record.last_modified)
        session.flush()
        if outcome in ("new", "updated") and document is not None and document.id is not None:
            result.changed.append(document.id)
    return result


def _store_one(session: Session, record: PageRecord) -> tuple[str, Document | None]:
    if record.outcome == "not_modified":
        return "not_modified", None
    if record.outcome == "failed":
        return _store_failure(session, record), None
    assert record.url is not None
    existing = _by_url(session, record.url) or _by_url(session, record.requested_url)
    original = None
    if record.content_hash:
        original = session.exec(
            select(Document).where(
                Document.content_hash == record.content_hash,
                Document.fetch_status == "ok",
                Document.url != record.url,
            )
        ).first()
    if (
        existing is not None
        and existing.fetch_status in ("ok", "duplicate")
        and existing.content_hash == record.content_hash
    ):
        existing.fetched_at = utcnow()
        return "unchanged", existing
    was_known_ok = existing is not None and existing.fetch_status == "ok"
    document = existing or Document(url=record.url, source_id=record.source_id)
    document.url = record.url
    document.title = record.title
    document.author = record.author
    document.text = record.text
    document.content_hash = record.content_hash
    document.published_at = record.published_at or document.published_at
    document.published_from = record.published_from
    document.feed_title = record.feed_title or document.feed_title
    document.feed_summary = record.feed_summary or document.feed_summary
    document.site_name = record.site_name
    document.http_status = record.http_status
    document.last_error = None
    document.retry_next_run = False
    document.fetched_at = utcnow()
    if original is not None and original.id != document.id:
        document.fetch_status = "duplicate"
        document.duplicate_of = original.id
        outcome = "duplicate"
    else:
        document.fetch_status = "ok"
        document.duplicate_of = None
        outcome = "updated" if was_known_ok else "new"
    session.add(document)
    return outcome, document


def _store_failure(session: Session, record: PageRecord) -> str:
    existing = _by_url(session, record.requested_url)
    if existing is not None and existing.fetch_status in ("ok", "duplicate"):
        existing.last_error = record.error  # keep the good copy; remember why the refresh failed
        return "failed"
    document = existing or Document(url=record.requested_url, source_id=record.source_id)
    document.fetch_status = "failed"
    document.retry_next_run = record.transient
    document.http_status = record.http_status
    document.last_error = record.error
    document.feed_title = record.feed_title or document.feed_title
    document.fetched_at = utcnow()
    session.add(document)
    return "failed"


def _by_url(session: Session, url: str) -> Document | None:
    return session.exec(select(Document).where(Document.url == url)).first()


def retryable_failures(session: Session) -> list[tuple[str, int | None]]:
    """Failed documents worth another try: timeouts, resets, 429 and 5xx (not 404s or refusals)."""
    rows = session.exec(
        select(Document.url, Document.source_id).where(
            Document.fetch_status == "failed", col(Document.retry_next_run).is_(True)
        )
    ).all()
    return [(url, source_id) for url, source_id in rows]


def validators_for(session: Session, urls: list[str]) -> dict[str, tuple[str | None, str | None]]:
    """Stored (ETag, Last-Modified) per URL, for the URLs that have them."""
    rows = session.exec(select(HttpCache).where(col(HttpCache.url).in_(urls))).all() if urls else []
    return {row.url: (row.etag, row.last_modified) for row in rows}


def save_validators(session: Session, url: str, etag: str | None, last_modified: str | None) -> None:
    """Remember a URL's validators (insert or update)."""
    row = session.get(HttpCache, url) or HttpCache(url=url)
    row.etag, row.last_modified, row.checked_at = etag, last_modified, utcnow()
    session.add(row)


def pending_extraction(session: Session) -> list[int]:
    """Fetched documents whose current text has not had its events extracted, oldest first."""
    rows = session.exec(
        select(Document.id)
        .where(
            Document.fetch_status == "ok",
            (col(Document.extracted_hash).is_(None))
            | (col(Document.extracted_hash) != col(Document.content_hash)),
        )
        .order_by(col(Document.published_at), col(Document.id))
    ).all()
    return [i for i in rows if i is not None]


def fetched_documents(session: Session, ids: Sequence[int]) -> Sequence[Document]:
    """These documents, those fetched, oldest article first (so an event's id and facts do not depend
    on batch order)."""
    return session.exec(
        select(Document)
        .where(col(Document.id).in_(list(ids)), Document.fetch_status == "ok")
        .order_by(col(Document.published_at), col(Document.id))
    ).all()


def fetched_document_ids(session: Session) -> list[int]:
    """Every fetched document, for a full re-extraction."""
    return [i for i in session.exec(select(Document.id).where(Document.fetch_status == "ok")).all() if i]
