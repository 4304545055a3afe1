"""Event extraction and impact classification over stored documents, as plain functions (no Prefect).

`flows/daily.py` runs them as tasks per batch; `cloudintel extract` runs them over the whole
warehouse when the extractor or the organization list has changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from extractors.entities import OrganizationIndex
from extractors.events import detect_events
from models.judge import ImpactJudge
from warehouse.engine import session_scope, write
from warehouse.events import (
    EventChanges,
    clear_pending_impact,
    events_to_classify,
    set_impact,
    store_mentions,
)
from warehouse.schema import Document


def extract_events(database_url: str, document_ids: Sequence[int], orgs: OrganizationIndex) -> EventChanges:
    """Detect the events of these documents and cluster them into the timeline, oldest article first
    (so an event's id and facts do not depend on batch order)."""

    def work(session: Session) -> EventChanges:
        changes = EventChanges()
        documents = session.exec(
            select(Document)
            .where(col(Document.id).in_(list(document_ids)), Document.fetch_status == "ok")
            .order_by(col(Document.published_at), col(Document.id))
        ).all()
        for document in documents:
            candidates = detect_events(document.title or "", document.text or "", document.published_at, orgs)
            result = store_mentions(session, document, candidates)
            document.extracted_hash = document.content_hash  # done, in the same transaction
            session.add(document)
            changes.new += result.new
            changes.changed += [e for e in result.changed if e not in changes.new]
            changes.removed += result.removed
        return changes

    return write(database_url, work)


def classify_events(database_url: str, event_ids: Sequence[str], judge: ImpactJudge) -> int:
    """Judge the strategic impact of these events (analyst-labelled ones keep their label), in one
    batch; returns how many were classified."""
    with session_scope(database_url) as session:
        ids = list(dict.fromkeys(event_ids))
        rows = events_to_classify(session, ids)
        impacts = judge.judge([(facts, title, evidence) for _, facts, title, evidence in rows])
        for (event_id, *_), impact in zip(rows, impacts, strict=True):
            set_impact(session, event_id, impact.level, impact.score, impact.themes, impact.version)
        clear_pending_impact(session, ids)
    return len(rows)


def all_document_ids(database_url: str) -> list[int]:
    """Every fetched document, for a full re-extraction."""
    with session_scope(database_url) as session:
        return [i for i in session.exec(select(Document.id).where(Document.fetch_status == "ok")).all() if i]
