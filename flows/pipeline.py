"""The order of the pipeline, independent of the engine that runs its steps.

`run_pipeline` calls each step through a `Steps` table: Prefect tasks (`flows/daily.py`), or the
plain functions of `flows/steps.py` (`plain_steps`, for benchmarks that measure what Prefect costs).
Article batches flow through a bounded window, so memory does not grow with the number of articles.
"""

from __future__ import annotations

import logging
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any, Protocol

from sqlmodel import Session

from extractors.feeds import FeedItem
from flows import steps
from flows.alerting.rules import load_alert_config
from flows.alerting.secrets import channel_environment
from flows.fetching.client import Validators
from flows.ingest import SourceRead
from flows.process import settle_process
from flows.progress import reporter
from flows.settings import Settings
from flows.sources_file import SourceSpec
from flows.workers import worker_pool
from models.judge import ImpactJudge
from warehouse.documents import pending_extraction, retryable_failures, save_validators, validators_for
from warehouse.engine import get_engine, session_scope, write
from warehouse.events import EventChanges, pending_impact
from warehouse.locks import run_lock
from warehouse.runs import RunSummary, finish_run, start_run
from warehouse.schema import utcnow
from warehouse.sources import record_source_outcome, register_sources, resting

BATCHES_IN_FLIGHT = 2  # fetch batches submitted ahead of the one being stored
# A Prefect task costs ~5-30 ms all in, a feed ~5 ms; a group's links stay in memory while its articles
# are fetched, with the next group's read ahead (~1 KB a link: 2 x 10 feeds of 250 items ~ 5 MB).
SOURCES_PER_TASK = 10
# Event extraction (~2 ms a document) and classification (~0.3 ms an event) are sequential by nature
# (clustering sees the documents before), so each is one task, which commits every so many batches: a
# transaction holds its documents in memory (~2 MB per 100). A task per batch cost 10-40 ms each.
EXTRACT_BATCHES_PER_TRANSACTION = 2
CLASSIFY_BATCHES_PER_TRANSACTION = 10


class Future(Protocol):
    def result(self) -> Any: ...


@dataclass(frozen=True)
class Done:
    """A step already run: its value, shaped like a future."""

    value: Any

    def result(self) -> Any:
        return self.value


@dataclass(frozen=True)
class Steps:
    """How each step is submitted: each returns a future of the step's result."""

    read_sources: Callable[..., Future]
    fetch_batch: Callable[..., Future]
    store_batch: Callable[..., Future]
    extract: Callable[..., Future]
    classify: Callable[..., Future]
    alerts: Callable[..., Future]


def in_this_thread(step: Callable[..., Any]) -> Callable[..., Future]:
    """Submit `step` by running it at once in the calling thread."""
    return lambda *args: Done(step(*args))


def plain_steps() -> Steps:
    """The steps run in the calling thread, without Prefect."""
    return Steps(
        in_this_thread(steps.read_sources_step),
        in_this_thread(steps.fetch_batch_step),
        in_this_thread(steps.store_batch_step),
        in_this_thread(steps.extract_step),
        in_this_thread(steps.classify_step),
        in_this_thread(steps.alerts_step),
    )


def run_pipeline(
    specs: list[SourceSpec],
    settings: Settings,
    submit: Steps,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> RunSummary:
    """Read sources → fetch, extract and store articles → events → impact → alerts; returns the summary.

    One run at a time per warehouse (a second is refused). Work an interrupted run left is found
    again from the warehouse: pages not stored (their feed's validators are saved only after its
    articles are), documents not yet extracted, events not yet judged or alerted."""
    settle_process()  # before the run starts its threads
    with run_lock(get_engine(settings.warehouse_url)), worker_pool():
        return _run(specs, settings, submit, logger)


def _run(
    specs: list[SourceSpec],
    settings: Settings,
    submit: Steps,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> RunSummary:
    started = time.monotonic()
    db = settings.warehouse_url
    summary = RunSummary()
    ids = write(
        db, lambda session: register_sources(session, [(s.name, s.kind, s.url, s.selector) for s in specs])
    )
    with session_scope(db) as session:
        summary.run_id = start_run(session)
        feed_validators = _validators(session, [s.url for s in specs])
        backing_off = resting(session, utcnow())
    for name, until in backing_off.items():
        summary.sources_skipped += 1
        summary.errors.append(
            {"source": name, "error": f"failing run after run: backing off until {until:%Y-%m-%d %H:%M} UTC"}
        )
    specs = [s for s in specs if s.name not in backing_off]
    reporter().total("sources", len(specs))

    counts = _ingest(specs, ids, feed_validators, settings, submit, summary, logger)

    stage = time.monotonic()
    orgs = settings.organization_index()
    with session_scope(db) as session:
        changed = pending_extraction(session)
    per_transaction = settings.batch_size * EXTRACT_BATCHES_PER_TRANSACTION
    reporter().total("events", len(changed))
    events = submit.extract(db, changed, orgs, per_transaction).result() if changed else EventChanges()
    reporter().advance("events", len(changed))
    summary.events_new = len(events.new)
    summary.durations["events"] = round(time.monotonic() - stage, 3)

    stage = time.monotonic()
    with session_scope(db) as session:
        touched = pending_impact(session)
    judge = ImpactJudge.load(settings.model_folder, orgs)
    if judge.problem:
        logger.warning("impact model not used, rule baseline instead: %s", judge.problem)
        summary.errors.append({"source": "impact model", "error": f"{judge.problem} (rule baseline used)"})
    if touched:
        submit.classify(db, touched, judge, settings.batch_size * CLASSIFY_BATCHES_PER_TRANSACTION).result()
    summary.durations["classify"] = round(time.monotonic() - stage, 3)

    stage = time.monotonic()
    channels = load_alert_config(settings.alerts_file, orgs).channels.values()
    alerts = submit.alerts(db, settings, orgs, channel_environment(channels, os.environ)).result()
    summary.alerts_fired, summary.alerts_delivered, summary.alerts_failed, summary.alerts_too_old = (
        alerts.fired,
        alerts.delivered,
        alerts.failed,
        alerts.too_old,
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
    logger.info("run %s finished in %.1f s", summary.run_id, summary.seconds)
    return summary


def _ingest(
    specs: list[SourceSpec],
    ids: dict[str, int],
    feed_validators: dict[str, Validators],
    settings: Settings,
    submit: Steps,
    summary: RunSummary,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> Counter[str]:
    """Read the sources a group at a time (the next group is read while this one's articles are
    fetched), fetch and store each group's articles, then save its feeds' validators: only the URLs
    seen this run are kept, so memory does not grow with the number of articles."""
    db = settings.warehouse_url
    jobs = [(s, ids[s.name], feed_validators.get(s.url)) for s in specs]
    groups = [jobs[i : i + SOURCES_PER_TASK] for i in range(0, len(jobs), SOURCES_PER_TASK)]
    seen: set[str] = set()  # each article URL once per run, though several feeds list it
    counts: Counter[str] = Counter()
    ahead = submit.read_sources(groups[0], settings) if groups else None
    with session_scope(db) as session:
        retries = retryable_failures(session)  # failed last time for a passing reason: tried again
    for number in range(max(len(groups), 1)):  # once at least: the retries
        stage = time.monotonic()
        reads = ahead.result() if ahead else []
        ahead = submit.read_sources(groups[number + 1], settings) if number + 1 < len(groups) else None
        _add_duration(summary, "read_sources", stage)
        items = _record_sources(db, reads, summary, seen, retries if number == 0 else [])
        reporter().advance("sources", len(reads))
        reporter().total("articles", len(items))
        logger.info("%d sources read: %d new article links", len(reads), len(items))
        stage = time.monotonic()
        counts += _fetch_and_store(items, settings, submit, summary, logger)
        write(db, partial(_save_feed_validators, reads=reads))  # only now: their articles are stored
        _add_duration(summary, "fetch_extract_store", stage)
    return counts


def _add_duration(summary: RunSummary, name: str, since: float) -> None:
    summary.durations[name] = round(summary.durations.get(name, 0.0) + time.monotonic() - since, 3)


def _fetch_and_store(
    items: list[tuple[FeedItem, int]],
    settings: Settings,
    submit: Steps,
    summary: RunSummary,
    logger: logging.Logger | logging.LoggerAdapter[Any],
) -> Counter[str]:
    """Fetch batches ahead in a bounded window and store each as it arrives, one writer at a time."""
    db = settings.warehouse_url
    batches = [items[i : i + settings.batch_size] for i in range(0, len(items), settings.batch_size)]
    counts: Counter[str] = Counter()
    window: deque[Future] = deque()
    for number, batch in enumerate([*batches, *([None] * BATCHES_IN_FLIGHT)], 1):
        if batch is not None:
            with session_scope(db) as session:
                validators = _validators(session, [item.url for item, _ in batch])
            window.append(submit.fetch_batch(batch, settings, validators))
        if len(window) > BATCHES_IN_FLIGHT or (batch is None and window):
            records = window.popleft().result().records
            stored = submit.store_batch(db, records).result()
            counts.update(stored.counts)
            reporter().advance("articles", len(records))
            summary.errors += [
                {"url": r.requested_url, "error": r.error or ""} for r in records if r.outcome == "failed"
            ]
            logger.info(
                "batch %d/%d stored: %s", number - BATCHES_IN_FLIGHT, len(batches), dict(stored.counts)
            )
    return counts


def _save_feed_validators(session: Session, reads: list[SourceRead]) -> None:
    for read in reads:
        if read.status != "failed" and (read.validators.etag or read.validators.last_modified):
            save_validators(session, read.spec.url, read.validators.etag, read.validators.last_modified)


def _validators(session: Session, urls: list[str]) -> dict[str, Validators]:
    return {url: Validators(*pair) for url, pair in validators_for(session, urls).items()}


def _record_sources(
    db: str,
    reads: list[SourceRead],
    summary: RunSummary,
    seen_urls: set[str],
    retries: list[tuple[str, int | None]],
) -> list[tuple[FeedItem, int]]:
    """Store each source's outcome; return the article links not seen earlier in the run, and
    `retries` (earlier failures worth another try)."""

    def work(session: Session) -> tuple[list[tuple[FeedItem, int]], RunSummary]:
        seen = RunSummary()  # counted afresh if a concurrent run makes this transaction start over
        items: dict[str, tuple[FeedItem, int]] = {}
        for read in reads:
            record_source_outcome(session, read.source_id, read.status, read.error, len(read.items))
            if read.status == "failed":
                seen.sources_failed += 1
                seen.errors.append({"source": read.spec.name, "error": read.error or ""})
                continue
            seen.sources_ok += 1
            seen.not_modified += read.status == "not_modified"
            if read.error:
                seen.errors.append({"source": read.spec.name, "error": read.error})
            for item in read.items:
                if item.url not in seen_urls:
                    items.setdefault(item.url, (item, read.source_id))
        for url, source_id in retries:
            if url not in seen_urls:
                items.setdefault(url, (FeedItem(url=url), source_id))
        return list(items.values()), seen

    items, seen = write(db, work)
    seen_urls.update(item.url for item, _ in items)
    summary.sources_ok += seen.sources_ok
    summary.sources_failed += seen.sources_failed
    summary.not_modified += seen.not_modified
    summary.errors += seen.errors
    return items
