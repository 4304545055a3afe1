"""Ingestion steps as plain functions (no Prefect): read a source, fetch and extract its pages.

`flows/daily.py` wraps these in Prefect tasks; keeping them plain lets them be tested and benchmarked
apart from the orchestration.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlsplit

from extractors.feeds import FeedItem, parse_feed, skipped_note
from extractors.fingerprint import content_hash
from extractors.pages import extract_links, parse_article
from flows.fetching.client import Fetcher, FetchResult, Validators
from flows.sources_file import SourceSpec
from flows.workers import page_records
from warehouse.documents import PageRecord

HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
# One batch's main-text extraction at a time per process (where it runs inline, without worker
# processes: flows/workers.py): it is pure-Python CPU work under the GIL, so
# batches extracting in several task threads only take turns and thrash each other's caches (1,000
# articles on 4 threads: 21–23 CPU s without this lock, 19–20 with it, 17–18 sequential); other
# batches meanwhile wait on the network, which needs no lock.
EXTRACTING = threading.Lock()
SourceStatus = Literal["ok", "recovered", "not_modified", "failed"]


@dataclass
class SourceRead:
    """The outcome of reading one source: the article links it lists now."""

    spec: SourceSpec
    source_id: int
    status: SourceStatus
    items: list[FeedItem] = field(default_factory=list)
    error: str | None = None
    validators: Validators = field(default_factory=Validators)
    http_status: int | None = None


SourceJob = tuple[SourceSpec, int, Validators | None]  # a source, its id, its stored validators


def read_sources(jobs: list[SourceJob], fetcher: Fetcher) -> list[SourceRead]:
    """Read several sources at once (requests in flight bounded by the fetcher), results in order."""
    if not jobs:
        return []
    with ThreadPoolExecutor(max_workers=min(fetcher.settings.fetch_workers, len(jobs))) as pool:
        return list(pool.map(lambda job: _guarded_read(job, fetcher), jobs))


def _guarded_read(job: SourceJob, fetcher: Fetcher) -> SourceRead:
    """`read_source`, with anything unexpected kept as that source's failure, never the run's."""
    spec, source_id, validators = job
    try:
        return read_source(spec, source_id, fetcher, validators)
    except Exception as exc:
        reason = f"unexpected {type(exc).__name__} while reading it ({str(exc)[:200]}); please report it"
        return SourceRead(spec, source_id, "failed", error=f"{spec.url}: {reason}")


def read_source(
    spec: SourceSpec, source_id: int, fetcher: Fetcher, validators: Validators | None
) -> SourceRead:
    """Fetch a feed or newsroom listing (conditionally) and list its articles (at most
    `max_items_per_source`); a page lists itself."""
    read = _read_source(spec, source_id, fetcher, validators)
    cap = fetcher.settings.max_items_per_source
    if len(read.items) > cap:
        note = f"{spec.url}: lists {len(read.items)} links; only the first {cap} are followed"
        read.items = read.items[:cap]
        read.error = f"{read.error}; {note}" if read.error else note
        read.status = "recovered"
    return read


def _read_source(
    spec: SourceSpec, source_id: int, fetcher: Fetcher, validators: Validators | None
) -> SourceRead:
    if spec.kind == "page":
        return SourceRead(spec, source_id, "ok", items=[FeedItem(url=spec.url)])
    result = fetcher.fetch(spec.url, validators)
    read = SourceRead(spec, source_id, "failed", validators=result.validators, http_status=result.status)
    if result.outcome == "not_modified":
        read.status = "not_modified"
        return read
    if not result.ok:
        read.error = result.error
        return read
    if spec.kind == "feed":
        parsed = parse_feed(result.body, result.final_url)
        if not parsed.is_feed:
            read.error = f"{spec.url}: {parsed.problem}"
            return read
        read.items = parsed.items
        problems = [
            p for p in (parsed.problem, skipped_note(parsed.skipped) if parsed.skipped else None) if p
        ]
        read.status = "recovered" if problems else "ok"
        read.error = f"{spec.url}: {'; '.join(problems)}" if problems else None
        return read
    links = extract_links(result.text(), result.final_url, spec.selector or "a[href]")
    read.items = [FeedItem(url=link) for link in links]
    read.status = "ok" if links else "failed"
    read.error = (
        None if links else f"{spec.url}: the selector {spec.selector!r} matched no article links; fix it"
    )
    return read


def fetch_pages(
    items: list[tuple[FeedItem, int]], fetcher: Fetcher, validators: dict[str, Validators]
) -> list[PageRecord]:
    """Fetch article pages (conditionally) and extract their main text and metadata."""
    results = fetcher.fetch_many((item.url, validators.get(item.url)) for item, _ in items)
    return page_records(items, results)


def page_records_inline(work: Sequence[tuple[FeedItem, int, FetchResult]]) -> list[PageRecord]:
    """`page_record` of each (item, source id, fetch), in this process."""
    with EXTRACTING:
        return [page_record(item, source_id, result) for item, source_id, result in work]


def page_record(item: FeedItem, source_id: int, result: FetchResult) -> PageRecord:
    """Turn one fetch into what the warehouse stores: the article, a 304, or a failure with its reason."""
    record = PageRecord(
        requested_url=item.url,
        source_id=source_id,
        outcome=result.outcome,
        http_status=result.status,
        error=result.error,
        transient=result.transient,
        feed_title=item.title,
        feed_summary=item.summary,
    )
    if not result.ok:
        return record
    if result.content_type not in HTML_TYPES:
        record.outcome, record.error = (
            "failed",
            (f"{item.url}: not an HTML page (Content-Type {result.content_type}); only articles are read"),
        )
        return record
    article = parse_article(result.text(), result.final_url)
    if not article.text.strip():
        record.outcome, record.error = "failed", f"{item.url}: no article text found on the page"
        return record
    record.url = canonical_url(article.canonical_url, result.final_url)
    record.title = article.title or item.title
    record.author = article.author or item.author
    record.site_name = article.site
    record.text = article.text
    record.content_hash = content_hash(article.text)
    record.published_at = article.published or item.published
    record.published_from = (
        article.published_from if article.published else ("feed" if item.published else None)
    )
    record.etag, record.last_modified = result.validators.etag, result.validators.last_modified
    return record


def canonical_url(declared: str | None, final_url: str) -> str:
    """The page's declared canonical URL when it names the page fetched (same scheme, host and path:
    it may only drop a query such as tracking parameters), else the URL fetched.

    A canonical link to another page is not trusted: a page could claim another article's URL, on
    another site or its own, and replace that article's stored text. Syndicated and AMP copies are
    recognised by their content hash instead.
    """
    if declared and _page_of(declared) == _page_of(final_url):
        return declared
    return final_url


def _page_of(url: str) -> tuple[str, str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc.lower(), parts.path.rstrip("/") or "/"
