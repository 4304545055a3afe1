"""Parties as the warehouse has seen them: each with its number of events and one sentence that
names it (for `cloudintel orgs --unknown`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from warehouse.schema import Event, EventMention, EventParty


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


def stored_forms(session: Session, name: str) -> list[str]:
    """Stored parties written `name` or `name` followed by more words ("Halite", "Halite Cloud")."""
    escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    rows = session.exec(
        select(EventParty.party)
        .where((col(EventParty.party) == name) | col(EventParty.party).like(f"{escaped} %", escape="\\"))
        .distinct()
    ).all()
    return sorted(rows)


def rename_party(session: Session, old: str, new: str) -> list[str]:
    """Write party `old` as `new` in every event, party row and mention that names it; the events
    renamed."""
    ids = sorted(session.exec(select(EventParty.event_id).where(EventParty.party == old).distinct()).all())
    has_new = set(session.exec(select(EventParty.event_id).where(EventParty.party == new)).all())
    for party in session.exec(select(EventParty).where(EventParty.party == old)).all():
        session.delete(party)
    session.flush()
    session.add_all(EventParty(event_id=event_id, party=new) for event_id in ids if event_id not in has_new)
    named: list[Event | EventMention] = [
        *session.exec(select(Event).where(col(Event.id).in_(ids))).all(),
        *session.exec(select(EventMention).where(col(EventMention.event_id).in_(ids))).all(),
    ]
    for row in named:
        if old in row.parties:
            row.parties = sorted({new if p == old else p for p in row.parties})
            row.roles = [[new if p == old else p, role] for p, role in row.roles]
            session.add(row)
    session.flush()
    return ids


def party_apart(session: Session, name: str, other: str) -> bool:
    """Whether `name` is a party of an event that `other` is not a party of."""
    with_other = select(EventParty.event_id).where(EventParty.party == other)
    return (
        session.exec(
            select(EventParty.event_id).where(
                EventParty.party == name, col(EventParty.event_id).not_in(with_other)
            )
        ).first()
        is not None
    )
