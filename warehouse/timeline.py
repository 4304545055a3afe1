"""Timeline queries: events with their sources, filtered, in the JSON shape of the output contract (§4).

Analyst corrections (warehouse/overrides.py) apply to every read: dismissed events and events merged
into another are left out (`include_dismissed` shows the dismissed ones), an edited event carries its
edited facts (stored on the event by `warehouse.events.refresh_event`), a merged event the sources of
the events merged into it, and a corrected event an additive `analyst` field."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlmodel import Session, col, func, or_, select

from core.vocabulary import LEVEL_RANK
from warehouse.overrides import analyst_fields, final_event, hidden, merged_away, merged_from
from warehouse.schema import Document, Event, EventMention, EventOverride, EventParty


@dataclass(frozen=True)
class TimelineFilter:
    """What `cloudintel timeline` and `/api/events` filter on; companies are canonical names."""

    companies: Sequence[str] = field(default_factory=tuple)
    types: Sequence[str] = field(default_factory=tuple)
    statuses: Sequence[str] = field(default_factory=tuple)
    since: str | None = None  # YYYY-MM-DD, inclusive
    until: str | None = None  # YYYY-MM-DD, inclusive
    min_impact: str | None = None  # low | medium | high
    query: str | None = None  # words (or "quoted phrases") each found in the title, a party or evidence
    include_dismissed: bool = False  # show events an analyst dismissed (flagged in their `analyst` field)


Order = Literal["asc", "desc", "impact"]
TERMS = re.compile(r'"([^"]*)"|(\S+)')


def search_terms(query: str | None) -> list[str]:
    """The terms of a search: words, and "quoted phrases" kept whole (blank ones dropped)."""
    found = (quoted or word.strip('"') for quoted, word in TERMS.findall(query or ""))
    return [" ".join(term.split()) for term in found if term.strip()]


def _filtered(where: TimelineFilter) -> Any:
    """The events query for a filter (no order, no paging)."""
    query = select(Event).where(col(Event.id).not_in(merged_away() if where.include_dismissed else hidden()))
    if where.companies:
        matching = select(EventParty.event_id).where(col(EventParty.party).in_(list(where.companies)))
        query = query.where(col(Event.id).in_(matching))
    if where.types:
        query = query.where(col(Event.type).in_(list(where.types)))
    if where.statuses:
        query = query.where(col(Event.status).in_(list(where.statuses)))
    if where.since:
        query = query.where(col(Event.date) >= where.since)
    if where.until:
        query = query.where(col(Event.date) <= where.until)
    if where.min_impact:
        query = query.where(col(Event.impact_rank) >= LEVEL_RANK[where.min_impact])
    for term in search_terms(where.query):
        # case-insensitive substring with LIKE's wildcards escaped: lower() LIKE on SQLite, ILIKE on PostgreSQL
        query = query.where(
            or_(
                col(Event.title).icontains(term, autoescape=True),
                col(Event.id).in_(
                    select(EventParty.event_id).where(col(EventParty.party).icontains(term, autoescape=True))
                ),
                col(Event.id).in_(
                    select(EventMention.event_id).where(
                        col(EventMention.evidence).icontains(term, autoescape=True)
                    )
                ),
                col(Event.id).in_(  # the evidence of the events merged into it
                    select(EventOverride.merged_into).where(
                        col(EventOverride.event_id).in_(
                            select(EventMention.event_id).where(
                                col(EventMention.evidence).icontains(term, autoescape=True)
                            )
                        )
                    )
                ),
            )
        )
    return query


def timeline(
    session: Session,
    where: TimelineFilter,
    *,
    limit: int | None = None,
    offset: int = 0,
    judged_by: bool = False,
    order: Order = "asc",
    facts: bool = False,
) -> list[dict[str, Any]]:
    """Events matching `where`, oldest first (`order="desc"`: newest first; `"impact"`: most important
    first, see IMPACT_ORDER), each with its sources, as §4 of the guide shapes them; `judged_by` adds
    who judged the impact (model version, rule set or "analyst") for display, `facts` the fields beyond
    the contract that exports carry (see `as_json`)."""
    if order == "desc":
        ordered = _filtered(where).order_by(col(Event.date).desc(), col(Event.id).desc())
    elif order == "impact":
        ordered = _filtered(where).order_by(*IMPACT_ORDER)
    else:
        ordered = _filtered(where).order_by(col(Event.date), col(Event.id))
    query = ordered.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return as_json(session, session.exec(query).all(), judged_by=judged_by, facts=facts)


# Most important first: level (high > medium > low, unjudged last), then the size of the commitment
# (dollars, then megawatts, then GPUs; unknown sizes after known ones), then the newest. Never by
# `impact_score`: that is the classifier's confidence in the level, not a measure of impact.
IMPACT_ORDER = (
    col(Event.impact_rank).is_(None),
    col(Event.impact_rank).desc(),
    col(Event.amount_usd).is_(None),
    col(Event.amount_usd).desc(),
    col(Event.capacity_mw).is_(None),
    col(Event.capacity_mw).desc(),
    col(Event.gpus).is_(None),
    col(Event.gpus).desc(),
    col(Event.date).desc(),
    col(Event.id),
)


def impact_key(event: dict[str, Any]) -> tuple[Any, ...]:
    """The same order as IMPACT_ORDER for events in the contract's shape: `sorted(events,
    key=impact_key)` puts the most important first. The score plays no part."""

    def size(value: float | None) -> tuple[bool, float]:
        return (value is None, -(value or 0))

    level = event["impact"]["level"]
    return (
        level not in LEVEL_RANK,
        -LEVEL_RANK.get(level, -1),
        size(event["amount_usd"]),
        size(event["capacity_mw"]),
        size(event["gpus"]),
        _descending(event["date"]),
        event["id"],
    )


def _descending(day: str) -> tuple[int, ...]:
    """A YYYY-MM-DD day as a key that sorts the newest first."""
    return tuple(-int(part) for part in day.split("-"))


def rank_by_impact(events: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events in the contract's shape, most important first (see `impact_key`)."""
    return sorted(events, key=impact_key)


def count_matching(session: Session, where: TimelineFilter) -> int:
    """How many events match `where`."""
    return int(session.exec(select(func.count()).select_from(_filtered(where).subquery())).one())


def companies(session: Session) -> list[tuple[str, int]]:
    """Every party with events, most events first."""
    rows = session.exec(
        select(EventParty.party, func.count())
        .where(col(EventParty.event_id).not_in(hidden()))
        .group_by(col(EventParty.party))
        .order_by(func.count().desc())
    ).all()
    return [(party, int(n)) for party, n in rows]


def event_detail(session: Session, event_id: str, judged_by: bool = False) -> dict[str, Any] | None:
    """One event with every source and evidence sentence, or None; an event merged into another is
    shown as that one, a dismissed event is shown flagged."""
    event = session.get(Event, final_event(session, event_id))
    return as_json(session, [event], judged_by=judged_by)[0] if event else None


def relationships(session: Session, company: str, judged_by: bool = False) -> dict[str, list[dict[str, Any]]]:
    """Each counterparty of `company` with the events between them, oldest first ("" for its own
    capacity and pricing events)."""
    by_counterparty: dict[str, list[dict[str, Any]]] = {}
    for event in timeline(session, TimelineFilter(companies=[company]), judged_by=judged_by):
        others = [p for p in event["parties"] if p != company] or [""]
        for other in others:
            by_counterparty.setdefault(other, []).append(event)
    return dict(
        sorted(by_counterparty.items(), key=lambda item: (item[0] == "", item[1][0]["date"], item[0]))
    )


def as_json(
    session: Session, events: Sequence[Event], judged_by: bool = False, facts: bool = False
) -> list[dict[str, Any]]:
    """Events in the output contract's shape, their sources oldest first. `judged_by` adds who judged
    the impact (the web API); `facts` adds, after the contract's fields, `price_change_pct` (pricing
    events) and `first_seen` (when the warehouse first stored the event, ISO 8601 UTC); either adds
    `roles` last (party -> customer, provider, investor, partner or builder; empty for events stored
    before roles were read, until `cloudintel extract`). An event an analyst
    corrected carries `analyst` after `sources` (see `warehouse.overrides.analyst_fields`); a merged
    event lists the sources of the events merged into it too (each URL once)."""
    ids = [e.id for e in events]
    sources: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
    shown_as = {i: i for i in ids}
    merged = merged_from(session, ids)
    for target, parts in merged.items():
        shown_as.update({m: target for m in parts})
    mention_ids = list(shown_as)
    for start in range(0, len(mention_ids), 500):
        rows = session.exec(
            select(EventMention, Document)
            .join(Document, col(Document.id) == col(EventMention.document_id))
            .where(col(EventMention.event_id).in_(mention_ids[start : start + 500]))
            .order_by(col(Document.published_at), col(Document.id), col(EventMention.id))
        ).all()
        for mention, document in rows:
            listed = sources[shown_as[mention.event_id]]
            seen = next((s for s in listed if s["url"] == document.url), None)
            if seen is not None:
                if mention.event_id == shown_as[mention.event_id]:  # source of an event and one merged
                    seen["evidence"] = mention.evidence  # into it: the event's own sentence
                continue
            listed.append(
                {
                    "url": document.url,
                    "title": document.title,
                    "published": document.published_at.isoformat() if document.published_at else None,
                    "evidence": mention.evidence,
                }
            )
    for target in merged:  # its own and the merged events' sources, oldest first
        sources[target].sort(key=lambda source: source["published"] or "")
    shaped = [
        {
            "id": e.id,
            "type": e.type,
            "status": e.status,
            "date": e.date,
            "parties": sorted(e.parties),
            "title": e.title,
            "amount_usd": whole_number(e.amount_usd),
            "capacity_mw": whole_number(e.capacity_mw),
            "gpus": e.gpus,
            "duration_years": whole_number(e.duration_years),
            "impact": {"level": e.impact_level, "score": e.impact_score, "themes": sorted(e.themes)},
            "sources": sources[e.id],
        }
        for e in events
    ]
    corrected = analyst_fields(session, ids)
    for row in shaped:
        if row["id"] in corrected:
            row["analyst"] = corrected[row["id"]]
    if judged_by:
        for row, event in zip(shaped, events, strict=True):
            row["judged_by"] = event.model_version
    if facts:
        for row, event in zip(shaped, events, strict=True):
            row["price_change_pct"] = whole_number(event.price_change_pct)
            row["first_seen"] = event.created_at.isoformat() if event.created_at else None
    if judged_by or facts:
        for row, event in zip(shaped, events, strict=True):
            row["roles"] = {party: role for party, role in event.roles or ()}
    return shaped


def whole_number(value: float | None) -> int | float | None:
    """Whole numbers as integers (38000000000, not 38000000000.0)."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value
