"""Analyst labels of impact: stored, applied to the event at once, and fed to the next training."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from core.errors import NotFound, UsageError
from core.vocabulary import LEVEL_RANK, THEMES
from warehouse.schema import AnalystLabel, Event, EventMention

ANALYST_VERSION = "analyst"


def add_label(session: Session, event_id: str, level: str, themes: Sequence[str]) -> None:
    """Record (or replace) an analyst's label and show it on the event."""
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        raise UsageError(f"unknown theme {unknown[0]!r}; themes are {', '.join(THEMES)}")
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"no event {event_id!r}; list ids with `cloudintel timeline`")
    label = session.get(AnalystLabel, event_id) or AnalystLabel(event_id=event_id, level=level)
    label.level, label.themes = level, sorted(themes)
    session.add(label)
    event.impact_level, event.impact_rank, event.impact_score = level, LEVEL_RANK[level], 1.0
    event.themes, event.model_version = sorted(themes), ANALYST_VERSION
    event.impact_pending, event.alerts_pending = False, True
    session.add(event)


def analyst_rows(session: Session) -> list[dict[str, Any]]:
    """Labelled events as training rows (the shape of models/data/impact_events.jsonl)."""
    labels = {label.event_id: label for label in session.exec(select(AnalystLabel)).all()}
    rows = []
    for event in session.exec(select(Event).where(col(Event.id).in_(list(labels)))).all():
        evidence = " ".join(
            session.exec(select(EventMention.evidence).where(EventMention.event_id == event.id)).all()
        )
        label = labels[event.id]
        rows.append(
            {
                "id": event.id,
                "type": event.type,
                "status": event.status,
                "date": event.date,
                "parties": list(event.parties),
                "title": event.title,
                "evidence": evidence,
                "amount_usd": event.amount_usd,
                "capacity_mw": event.capacity_mw,
                "gpus": event.gpus,
                "duration_years": event.duration_years,
                "price_change_pct": event.price_change_pct,
                "level": label.level,
                "themes": list(label.themes),
                "split": "train",
            }
        )
    return rows


def all_event_ids(session: Session) -> list[str]:
    """Every event id, for re-scoring."""
    return list(session.exec(select(Event.id)).all())
