"""Parties as the warehouse has seen them: each with its number of events and one sentence that
names it (for `cloudintel orgs --unknown`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from warehouse.schema import EventMention, EventParty


@dataclass(frozen=True)
class SeenParty:
    name: str
    events: int
    example: str  # an evidence sentence of one of its events


def seen_parties(session: Session) -> list[SeenParty]:
    """Every party of an event, most events first, with the evidence of its earliest mention."""
    counts = session.exec(
        select(EventParty.party, func.count(), func.min(EventParty.event_id))
        .group_by(col(EventParty.party))
        .order_by(func.count().desc(), col(EventParty.party))
    ).all()
    examples = dict(
        session.exec(
            select(EventMention.event_id, func.min(EventMention.evidence)).group_by(
                col(EventMention.event_id)
            )
        ).all()
    )
    return [SeenParty(party, int(n), examples.get(first, "")) for party, n, first in counts]


def party_evidence(session: Session, parties: list[str], limit: int = 20) -> list[str]:
    """Evidence sentences of the events any of these parties is in, newest mentions first (at most
    `limit`): where the warehouse has seen them described ("GPU cloud Lumenfield")."""
    if not parties:
        return []
    rows = session.exec(
        select(EventMention.evidence)
        .join(EventParty, col(EventParty.event_id) == col(EventMention.event_id))
        .where(col(EventParty.party).in_(parties))
        .order_by(col(EventMention.id).desc())
        .limit(limit)
    ).all()
    return list(dict.fromkeys(rows))
