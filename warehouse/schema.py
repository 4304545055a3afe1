"""The warehouse's tables (SQLModel).

sources ─< documents ─< event_mentions >─ events ─< alerts
http_cache (conditional-GET validators per URL)      pipeline_runs (one row per run)
event_overrides, event_splits: analyst corrections, keyed by event id (and document URL), with no
foreign key to events, so they outlive an event that re-extraction removes and find it again
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Index, Text, UniqueConstraint
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores UTC; always gives back timezone-aware UTC datetimes (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def when(*, index: bool = False, now: bool = False) -> Any:
    """A timezone-aware UTC datetime column."""
    column: Column[datetime] = Column(UTCDateTime(), index=index, nullable=not now)
    if now:
        return Field(default_factory=utcnow, sa_column=column)
    return Field(default=None, sa_column=column)


class Source(SQLModel, table=True):
    """A configured feed, page or newsroom, with the outcome of its last fetch."""

    __tablename__ = "sources"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, index=True, max_length=200)
    kind: str = Field(max_length=20)
    url: str = Field(sa_column=Column(Text, nullable=False))
    selector: str | None = Field(default=None, sa_column=Column(Text))
    last_fetched_at: datetime | None = when()
    last_status: str | None = Field(default=None, max_length=20)  # ok | not_modified | failed
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    consecutive_failures: int = 0
    backoff_until: datetime | None = when()  # a source failing run after run is skipped until then
    items_last_seen: int = 0


class HttpCache(SQLModel, table=True):
    """Validators kept per URL so the next GET is conditional (a 304 costs nothing)."""

    __tablename__ = "http_cache"
    url: str = Field(sa_column=Column(Text, primary_key=True))
    etag: str | None = Field(default=None, sa_column=Column(Text))
    last_modified: str | None = Field(default=None, max_length=100)
    checked_at: datetime = when(now=True)


class Document(SQLModel, table=True):
    """One article, by canonical URL; a failed fetch is kept with its reason, a syndicated copy points
    at its original (`duplicate_of`)."""

    __tablename__ = "documents"
    # the syndicated-copy look-up (content hash of a fetched page) on every page stored
    __table_args__ = (Index("ix_documents_hash_status", "content_hash", "fetch_status"),)
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    source_id: int | None = Field(default=None, foreign_key="sources.id", index=True)
    title: str | None = Field(default=None, sa_column=Column(Text))
    author: str | None = Field(default=None, max_length=300)
    text: str | None = Field(default=None, sa_column=Column(Text))
    content_hash: str | None = Field(default=None, max_length=64)
    published_at: datetime | None = when(index=True)
    published_from: str | None = Field(default=None, max_length=20)  # json-ld | meta | time | feed
    feed_title: str | None = Field(default=None, sa_column=Column(Text))
    feed_summary: str | None = Field(default=None, sa_column=Column(Text))
    site_name: str | None = Field(default=None, max_length=200)  # the page's own: "Baobab Cloud Blog"
    fetch_status: str = Field(default="ok", max_length=20, index=True)  # ok | failed | duplicate
    http_status: int | None = None
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    retry_next_run: bool = False  # the failure was transient (timeout, reset, 429, 5xx)
    extracted_hash: str | None = Field(default=None, max_length=64)  # content_hash events were extracted from
    duplicate_of: int | None = Field(default=None, foreign_key="documents.id")
    first_seen_at: datetime = when(now=True)
    fetched_at: datetime | None = when()


class Event(SQLModel, table=True):
    """A real-world partnership, capacity or pricing event (filled by event extraction)."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_type_date", "type", "date", "id"),
        Index("ix_events_date_id", "date", "id"),
    )
    id: str = Field(primary_key=True, max_length=64)
    type: str = Field(index=True, max_length=20)
    status: str = Field(max_length=20)
    date: str = Field(index=True, max_length=10)
    parties: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    amount_usd: float | None = None
    capacity_mw: float | None = None
    gpus: int | None = None
    duration_years: float | None = None
    price_change_pct: float | None = None
    impact_level: str | None = Field(default=None, max_length=10, index=True)
    impact_rank: int | None = Field(default=None, index=True)  # 0 low, 1 medium, 2 high: for --min-impact
    impact_score: float | None = None
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    roles: list[list[str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )  # [party, role]
    model_version: str | None = Field(default=None, max_length=80)
    impact_pending: bool = Field(default=True, index=True)  # changed since its impact was judged
    alerts_pending: bool = Field(default=True, index=True)  # changed since alert rules looked at it
    created_at: datetime = when(now=True)


class EventParty(SQLModel, table=True):
    """One party of an event, for indexed company filters."""

    __tablename__ = "event_parties"
    __table_args__ = (Index("ix_event_parties_party_event", "party", "event_id"),)
    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=64)
    party: str = Field(primary_key=True, index=True, max_length=200)


class AnalystLabel(SQLModel, table=True):
    """An analyst's impact judgement of an event: overrides the model everywhere, trains the next one."""

    __tablename__ = "analyst_labels"
    event_id: str = Field(foreign_key="events.id", primary_key=True, max_length=64)
    level: str = Field(max_length=10)
    themes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    labeled_at: datetime = when(now=True)


class EventOverride(SQLModel, table=True):
    """An analyst's correction of an event (warehouse/overrides.py): dismissed, facts edited (`edits`:
    field -> value, applied over what the sources say whenever the event is recomputed), or merged into
    another event. Keyed by the event's stable id, without a foreign key: it survives re-extraction."""

    __tablename__ = "event_overrides"
    event_id: str = Field(primary_key=True, max_length=64)
    dismissed: bool = False
    edits: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    merged_into: str | None = Field(default=None, index=True, max_length=64)
    note: str | None = Field(default=None, sa_column=Column(Text))
    edited_by: str = Field(default="", max_length=100)
    edited_at: datetime = when(now=True)


class EventSplit(SQLModel, table=True):
    """An analyst's split: the source at `document_url`, clustered into `event_id`, belongs to the event
    `new_event_id` instead (re-extraction keeps pinning it there)."""

    __tablename__ = "event_splits"
    __table_args__ = (UniqueConstraint("event_id", "document_url"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(index=True, max_length=64)
    document_url: str = Field(sa_column=Column(Text, nullable=False))
    new_event_id: str = Field(index=True, max_length=64)
    note: str | None = Field(default=None, sa_column=Column(Text))
    edited_by: str = Field(default="", max_length=100)
    edited_at: datetime = when(now=True)


class EventMention(SQLModel, table=True):
    """A document that is a source of an event, with the sentence that states it."""

    __tablename__ = "event_mentions"
    __table_args__ = (UniqueConstraint("event_id", "document_id"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=64)
    document_id: int = Field(foreign_key="documents.id", index=True)
    evidence: str = Field(sa_column=Column(Text, nullable=False))
    # the event as this document states it (clustering recomputes the event from these)
    type: str = Field(max_length=20)
    parties: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(max_length=20)
    date: str = Field(max_length=10)
    amount_usd: float | None = None
    capacity_mw: float | None = None
    gpus: int | None = None
    duration_years: float | None = None
    price_change_pct: float | None = None
    roles: list[list[str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )  # [party, role]
    published_at: datetime | None = when()


class Alert(SQLModel, table=True):
    """One alert per (event, rule), recorded before delivery (outbox)."""

    __tablename__ = "alerts"
    __table_args__ = (UniqueConstraint("event_id", "rule"),)
    id: int | None = Field(default=None, primary_key=True)
    event_id: str = Field(foreign_key="events.id", index=True, max_length=64)
    rule: str = Field(max_length=100)  # a rule name, or "<rule>:upgrade-<level>" for an impact upgrade
    fired_at: datetime = when(now=True)
    impact_level: str | None = Field(default=None, max_length=10)
    channels: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    message: str = Field(sa_column=Column(Text, nullable=False))
    delivery: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )  # channel: status
    errors: dict[str, str] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )  # channel: last error
    attempts: int = 0
    outstanding: bool = Field(default=True, index=True)  # a channel is not delivered yet


class PipelineRun(SQLModel, table=True):
    """One pipeline run: its counts, errors and durations."""

    __tablename__ = "pipeline_runs"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = when(now=True)
    finished_at: datetime | None = when()
    status: str = Field(default="running", max_length=20)  # running | completed | failed
    sources_ok: int = 0
    sources_failed: int = 0
    sources_skipped: int = 0
    documents_new: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    documents_duplicate: int = 0
    documents_failed: int = 0
    not_modified: int = 0
    events_new: int = 0
    alerts_fired: int = 0
    alerts_delivered: int = 0
    alerts_failed: int = 0
    errors: list[dict[str, str]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    durations: dict[str, float] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
