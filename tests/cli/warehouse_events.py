"""A small real warehouse of events for the CLI and timeline tests: documents, mentions clustered
into events by the real write path, and an impact per event (no Prefect, no model)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from extractors.events import Candidate
from warehouse.engine import session_scope
from warehouse.events import set_impact, store_mentions
from warehouse.schema import Document, Event


@dataclass(frozen=True)
class Spec:
    """One event to store: its facts, title, evidence sentence and impact."""

    day: str
    parties: tuple[str, ...]
    title: str
    evidence: str
    level: str = "medium"
    score: float = 0.8
    type: str = "partnership"
    amount_usd: float | None = None
    capacity_mw: float | None = None
    gpus: int | None = None
    price_change_pct: float | None = None
    roles: tuple[tuple[str, str], ...] = ()


def build(url: str, specs: list[Spec]) -> list[str]:
    """Store each spec as one event (one document each); returns the event ids in spec order."""
    ids: list[str] = []
    for n, spec in enumerate(specs):
        day = date.fromisoformat(spec.day)
        with session_scope(url) as session:
            document = Document(
                url=f"https://news.example/{n}",
                title=f"Article {n}",
                text=spec.evidence,
                published_at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
            )
            session.add(document)
            session.flush()
            candidate = Candidate(
                spec.type,
                tuple(sorted(spec.parties)),
                "announced",
                day,
                spec.evidence,
                amount_usd=spec.amount_usd,
                capacity_mw=spec.capacity_mw,
                gpus=spec.gpus,
                price_change_pct=spec.price_change_pct,
                roles=spec.roles,
            )
            [event_id] = store_mentions(session, document, [candidate]).new
            event = session.get(Event, event_id)
            assert event is not None
            event.title = spec.title
            session.add(event)
            set_impact(session, event_id, spec.level, spec.score, ["capacity"], "test-judge")
        ids.append(event_id)
    return ids


SAMPLE = [
    Spec(
        "2023-03-01",
        ("Microsoft", "OpenAI"),
        "Microsoft extends its OpenAI partnership",
        "Microsoft said it will extend its partnership with OpenAI.",
        level="high",
        score=0.88,
        amount_usd=10e9,
    ),
    Spec(
        "2024-06-10",
        ("CoreWeave", "Nvidia"),
        "CoreWeave buys more Nvidia GPUs",
        "CoreWeave ordered 20,000 H100 accelerators from Nvidia.",
        level="low",
        score=0.97,
        gpus=20000,
    ),
    Spec(
        "2025-01-21",
        ("OpenAI", "Oracle", "SoftBank"),
        "Stargate: OpenAI, Oracle and SoftBank commit $500B",
        "OpenAI, SoftBank and Oracle announced Stargate, a $500 billion compute venture.",
        level="high",
        score=0.6,
        amount_usd=500e9,
    ),
    Spec(
        "2025-11-03",
        ("Amazon Web Services", "OpenAI"),
        "OpenAI signs a $38B deal with AWS",
        "OpenAI signed a seven-year, $38 billion agreement with Amazon Web Services for GPU capacity.",
        roles=(("Amazon Web Services", "provider"), ("OpenAI", "customer")),
        level="high",
        score=0.93,
        amount_usd=38e9,
    ),
]


def contract(events: list[dict[str, Any]]) -> list[str]:
    """The titles of contract-shaped events, in order."""
    return [e["title"] for e in events]
