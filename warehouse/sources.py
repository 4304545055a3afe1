"""Sources in the warehouse: registered from the sources file, with each fetch's outcome."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from warehouse.schema import Document, Source, utcnow


@dataclass(frozen=True)
class SourceRow:
    """A source as `cloudintel sources` shows it."""

    name: str
    kind: str
    url: str
    last_fetched_at: str | None
    last_status: str | None
    last_error: str | None
    consecutive_failures: int
    backoff_until: str | None
    documents: int


def register_sources(session: Session, specs: list[tuple[str, str, str, str | None]]) -> dict[str, int]:
    """Insert or update sources given as (name, kind, url, selector); returns their ids by name."""
    ids: dict[str, int] = {}
    for name, kind, url, selector in specs:
        source = session.exec(select(Source).where(Source.name == name)).first() or Source(
            name=name, kind=kind, url=url
        )
        source.kind, source.url, source.selector = kind, url, selector
        session.add(source)
        session.flush()
        assert source.id is not None
        ids[name] = source.id
    return ids


def record_source_outcome(
    session: Session, source_id: int, status: str, error: str | None, items: int
) -> None:
    """Remember how a source's last fetch went; failures in a row are counted."""
    source = session.get(Source, source_id)
    if source is None:
        return
    source.last_fetched_at = utcnow()
    source.last_status = status
    source.last_error = error
    source.consecutive_failures = source.consecutive_failures + 1 if status == "failed" else 0
    source.backoff_until = backoff_until(source.consecutive_failures, source.last_fetched_at)
    if status == "ok":
        source.items_last_seen = items
    session.add(source)


FAILURES_BEFORE_BACKOFF = 3
MAX_BACKOFF = timedelta(days=7)


def backoff_until(failures: int, now: datetime) -> datetime | None:
    """After 3 failures in a row a source rests 6 h, doubling with each further failure (at most 7 days)."""
    if failures < FAILURES_BEFORE_BACKOFF:
        return None
    return now + min(timedelta(hours=6) * 2 ** (failures - FAILURES_BEFORE_BACKOFF), MAX_BACKOFF)


def resting(session: Session, now: datetime) -> dict[str, datetime]:
    """Sources backing off at `now`, by name, with when they are tried again."""
    rows = session.exec(select(Source).where(col(Source.backoff_until).is_not(None))).all()
    return {s.name: s.backoff_until for s in rows if s.backoff_until and s.backoff_until > now}


def list_sources(session: Session) -> list[SourceRow]:
    """Every source with its last fetch status and error, and how many documents it brought."""
    rows = []
    for source in session.exec(select(Source).order_by(Source.name)).all():
        documents = len(session.exec(select(Document.id).where(Document.source_id == source.id)).all())
        rows.append(
            SourceRow(
                name=source.name,
                kind=source.kind,
                url=source.url,
                last_fetched_at=source.last_fetched_at.isoformat() if source.last_fetched_at else None,
                last_status=source.last_status,
                last_error=source.last_error,
                consecutive_failures=source.consecutive_failures,
                backoff_until=source.backoff_until.isoformat() if source.backoff_until else None,
                documents=documents,
            )
        )
    return rows
