"""The daily pipeline: ingest → extract → classify → store → alert, as a Prefect flow.

Tasks are per source (read a feed) and per batch of articles (fetch + main-text extraction, store),
never per document: a Prefect task run costs milliseconds, a page only a few.
Documents whose text is new or changed go on to event extraction and clustering (sequential
batches, oldest article first, so event ids do not depend on batch order), then impact
classification, then alerts: fired into the warehouse outbox, then delivered.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from sqlmodel import Session

from cloudintel.settings import Settings
from cloudintel.sources_file import SourceSpec, load_sources
from extractors.entities import OrganizationIndex
from extractors.feeds import FeedItem
from flows.alerting.outbox import AlertCounts, deliver_pending, fire_alerts
from flows.alerting.rules import load_alert_config
from flows.analysis import classify_events, extract_events
from flows.fetching.client import Fetcher, Validators
from flows.ingest import SourceRead, fetch_pages, read_source
from flows.report import summary_markdown
from models.judge import ImpactJudge
from warehouse.documents import (
    PageRecord,
    StoreResult,
    retryable_failures,
    save_validators,
    store_pages,
    validators_for,
)
from warehouse.engine import session_scope
from warehouse.events import EventChanges
from warehouse.listing import by_publication
from warehouse.runs import RunSummary, finish_run, start_run
from warehouse.sources import record_source_outcome, register_sources


@task(name="read-source", cache_policy=NO_CACHE, retries=0)
def read_source_task(
    spec: SourceSpec, source_id: int, fetcher: Fetcher, validators: Validators | None
) -> SourceRead:
    """Fetch one source and list its article links (its own retries live in the HTTP client)."""
    return read_source(spec, source_id, fetcher, validators)


@task(name="fetch-extract-batch", cache_policy=NO_CACHE)
def fetch_batch_task(
    items: list[tuple[FeedItem, int]], fetcher: Fetcher, validators: dict[str, Validators]
) -> list[PageRecord]:
    """Fetch a batch of article pages and extract main text and metadata."""
    return fetch_pages(items, fetcher, validators)


@task(name="store-batch", cache_policy=NO_CACHE)
def store_batch_task(database_url: str, records: list[PageRecord]) -> StoreResult:
    """Write a batch of documents idempotently."""
    with session_scope(database_url) as session:
        return store_pages(session, records)


@task(name="extract-events-batch", cache_policy=NO_CACHE)
def extract_task(database_url: str, document_ids: list[int], orgs: OrganizationIndex) -> EventChanges:
    """Detect and cluster the events of a batch of documents."""
    return extract_events(database_url, document_ids, orgs)


@task(name="classify-batch", cache_policy=NO_CACHE)
def classify_task(database_url: str, event_ids: list[str], judge: ImpactJudge) -> int:
    """Judge the impact of a batch of events."""
    return classify_events(database_url, event_ids, judge)


@task(name="alerts", cache_policy=NO_CACHE)
def alerts_task(
    database_url: str, event_ids: list[str], settings: Settings, orgs: OrganizationIndex
) -> AlertCounts:
    """Fire alerts for these events, then deliver everything the outbox still holds."""
    config = load_alert_config(settings.alerts_file, orgs)
    fired = fire_alerts(database_url, event_ids, config, orgs)
    counts = deliver_pending(database_url, config, settings.alerts_log, os.environ)
    counts.fired = fired
    return counts


@flow(name="daily-pipeline", task_runner=ThreadPoolTaskRunner(max_workers=4), log_prints=False)
def daily_pipeline(sources: str, base_url: str | None = None) -> dict[str, object]:
    """Run the whole pipeline once over the sources file; returns the run summary as a dict.

    `base_url` replaces the `{{BASE}}` placeholder of the bundled corpus's sources file.
    Settings come from `CLOUDINTEL_*` environment variables (the flow is an entry point of its own
    when a deployment runs it).
    """
    settings = Settings()
    specs = load_sources(Path(sources), base_url)
    load_alert_config(
        settings.alerts_file, settings.organization_index()
    )  # a typo fails now, not after fetching
    return run_pipeline(specs, settings).to_dict()


def run_pipeline(specs: list[SourceSpec], settings: Settings) -> RunSummary:
    """The body of the flow: needs a Prefect flow run context for its tasks."""
    logger = get_run_logger()
    started = time.monotonic()
    db = settings.warehouse_url
    summary = RunSummary()
    with session_scope(db) as session:
        summary.run_id = start_run(session)
        ids = register_sources(session, [(s.name, s.kind, s.url, s.selector) for s in specs])
        feed_validators = _validators(session, [s.url for s in specs])

    with Fetcher(settings) as fetcher:
        stage = time.monotonic()
        futures = [
            read_source_task.submit(s, ids[s.name], fetcher, feed_validators.get(s.url)) for s in specs
        ]
        reads = [future.result() for future in futures]
        summary.durations["read_sources"] = round(time.monotonic() - stage, 3)
        items = _record_sources(db, reads, summary)
        logger.info("%d sources read: %d article links", len(reads), len(items))

        stage = time.monotonic()
        with session_scope(db) as session:
            page_validators = _validators(session, [item.url for item, _ in items])
        batches = [items[i : i + settings.batch_size] for i in range(0, len(items), settings.batch_size)]
        fetched = [fetch_batch_task.submit(batch, fetcher, page_validators) for batch in batches]
        stored = [store_batch_task.submit(db, future.result()) for future in fetched]
        counts: Counter[str] = Counter()
        changed: list[int] = []
        for number, (future, fetch_future) in enumerate(zip(stored, fetched, strict=True), 1):
            counts.update(future.result().counts)
            changed += future.result().changed
            logger.info("batch %d/%d stored: %s", number, len(batches), dict(future.result().counts))
            summary.errors += [
                {"url": r.requested_url, "error": r.error or ""}
                for r in fetch_future.result()
                if r.outcome == "failed"
            ]
        summary.durations["fetch_extract_store"] = round(time.monotonic() - stage, 3)

    stage = time.monotonic()
    orgs = settings.organization_index()
    events = EventChanges()
    with session_scope(db) as session:
        changed = by_publication(session, changed)
    for i in range(0, len(changed), settings.batch_size):  # sequential: clustering sees earlier batches
        batch = extract_task.submit(db, changed[i : i + settings.batch_size], orgs).result()
        events.new += batch.new
        events.changed += batch.changed
    summary.events_new = len(events.new)
    summary.durations["events"] = round(time.monotonic() - stage, 3)
    stage = time.monotonic()
    touched = list(dict.fromkeys(events.new + events.changed))
    judge = ImpactJudge.load(settings.model_folder, orgs)
    if judge.problem:
        logger.warning("impact model not used, rule baseline instead: %s", judge.problem)
        summary.errors.append({"source": "impact model", "error": f"{judge.problem} (rule baseline used)"})
    for i in range(0, len(touched), settings.batch_size * 10):
        classify_task.submit(db, touched[i : i + settings.batch_size * 10], judge).result()
    summary.durations["classify"] = round(time.monotonic() - stage, 3)

    stage = time.monotonic()
    alerts = alerts_task.submit(db, touched, settings, orgs).result()
    summary.alerts_fired, summary.alerts_delivered, summary.alerts_failed = (
        alerts.fired,
        alerts.delivered,
        alerts.failed,
    )
    summary.durations["alerts"] = round(time.monotonic() - stage, 3)

    summary.documents_new = counts["new"]
    summary.documents_updated = counts["updated"]
    summary.documents_unchanged = counts["unchanged"] + counts["not_modified"]
    summary.documents_duplicate = counts["duplicate"]
    summary.documents_failed = counts["failed"]
    summary.not_modified += counts["not_modified"]
    summary.seconds = round(time.monotonic() - started, 3)
    summary.durations["total"] = summary.seconds
    with session_scope(db) as session:
        finish_run(session, summary)
    create_markdown_artifact(
        key="daily-pipeline-summary", markdown=summary_markdown(summary), description="cloudintel run summary"
    )
    logger.info("run %s finished in %.1f s", summary.run_id, summary.seconds)
    return summary


def _validators(session: Session, urls: list[str]) -> dict[str, Validators]:
    return {url: Validators(*pair) for url, pair in validators_for(session, urls).items()}


def _record_sources(db: str, reads: list[SourceRead], summary: RunSummary) -> list[tuple[FeedItem, int]]:
    """Store each source's outcome and validators; return the article links, each URL once."""
    items: dict[str, tuple[FeedItem, int]] = {}
    with session_scope(db) as session:
        for read in reads:
            record_source_outcome(session, read.source_id, read.status, read.error, len(read.items))
            if read.status == "failed":
                summary.sources_failed += 1
                summary.errors.append({"source": read.spec.name, "error": read.error or ""})
                continue
            summary.sources_ok += 1
            if read.status == "not_modified":
                summary.not_modified += 1
            if read.error:
                summary.errors.append({"source": read.spec.name, "error": read.error})
            if read.validators.etag or read.validators.last_modified:
                save_validators(session, read.spec.url, read.validators.etag, read.validators.last_modified)
            for item in read.items:
                items.setdefault(item.url, (item, read.source_id))
        for url, source_id in retryable_failures(session):
            items.setdefault(url, (FeedItem(url=url), source_id))
    return list(items.values())
