"""Idempotent writes of events: a document's mentions are replaced, events recomputed from mentions.

Analyst corrections (warehouse/overrides.py) are applied here, whenever an event is recomputed: an
edit replaces the sources' facts, a merged event's mentions count for the event it was merged into, a
split source is pinned to its own event. Clustering compares a mention with what the sources say of
an event, never with an analyst's edit, so re-extraction clusters as it did before the correction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, col, delete, select

from core.vocabulary import LEVEL_RANK
from extractors.clustering import WINDOW_DAYS, EventFacts, best_match, event_id, merge
from extractors.events import Candidate
from extractors.titles import headline
from warehouse.schema import (
    Alert,
    AnalystLabel,
    Document,
    Event,
    EventMention,
    EventOverride,
    EventParty,
    EventSplit,
)


@dataclass
class EventChanges:
    """Events a batch created, changed or removed."""

    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def store_mentions(session: Session, document: Document, candidates: Sequence[Candidate]) -> EventChanges:
    """Replace what `document` says about events with `candidates`, clustering each into an event."""
    assert document.id is not None
    changes = EventChanges()
    previous = session.exec(select(EventMention).where(EventMention.document_id == document.id)).all()
    touched = {m.event_id for m in previous}
    for mention in previous:
        session.delete(mention)
    if previous:
        session.flush()
    mentioned: set[str] = set()
    pins = {
        pin.event_id: pin.new_event_id
        for pin in session.exec(select(EventSplit).where(EventSplit.document_url == document.url)).all()
    }
    for candidate in candidates:
        known = best_match(candidate, _events_near(session, candidate))
        if known is None:
            known = event_id(candidate)
        known = pins.get(known, known)  # an analyst split this source off into its own event
        if session.get(Event, known) is None:
            changes.new.append(known)
            session.add(_placeholder(known, candidate))
            session.flush()
        if known in mentioned:
            continue  # two sentences of one page about one event: one source
        mentioned.add(known)
        session.add(_mention(known, document, candidate))
        touched.add(known)
    session.flush()
    touched |= merge_targets(session, touched)
    for event in sorted(touched):
        if refresh_event(session, event):
            if event not in changes.new:
                changes.changed.append(event)
        else:
            changes.removed.append(event)
    return changes


def refresh_event(session: Session, event_id_: str) -> bool:
    """Recompute an event from its mentions (oldest source first), then apply the analyst's edits;
    remove it if no mention is left, its own or one of an event an analyst merged into it (the
    merged event's mentions are its sources, but its facts are its own unless it has no mention)."""
    event = session.get(Event, event_id_)
    if event is None:
        return False
    merged_from = session.exec(
        select(EventOverride.event_id).where(EventOverride.merged_into == event_id_)
    ).all()
    mentions = session.exec(
        select(EventMention)
        .where(col(EventMention.event_id).in_([event_id_, *merged_from]))
        .order_by(col(EventMention.published_at), col(EventMention.document_id), col(EventMention.id))
    ).all()  # by document on a tie: re-extraction renumbers mentions, never documents
    mentions = [m for m in mentions if m.event_id == event_id_] or mentions
    if not mentions:
        if session.exec(select(Alert.id).where(Alert.event_id == event_id_)).first() is None:
            session.exec(delete(EventParty).where(col(EventParty.event_id) == event_id_))
            session.delete(event)
        return False
    facts = merge([as_candidate(m) for m in mentions])
    override = session.get(EventOverride, event_id_)
    edits = dict(override.edits) if override else {}
    facts = edited(facts, edits)
    event.type, event.status, event.date = facts.type, facts.status, facts.date.isoformat()
    for name in FIGURES:
        setattr(event, name, getattr(facts, name))
    event.title = edits.get("title") or headline(facts, [m.evidence for m in mentions])
    event.roles = [list(r) for r in facts.roles]
    event.impact_pending = event.alerts_pending = True
    if list(event.parties) != list(facts.parties):
        event.parties = list(facts.parties)
        session.exec(delete(EventParty).where(col(EventParty.event_id) == event_id_))
        session.add_all(EventParty(event_id=event_id_, party=p) for p in facts.parties)
    session.add(event)
    return True


FIGURES = ("amount_usd", "capacity_mw", "gpus", "duration_years", "price_change_pct")


def edited(facts: EventFacts, edits: dict[str, Any]) -> EventFacts:
    """The facts with an analyst's edits (field -> value, as warehouse/overrides.py stores them) applied;
    the title is not a fact (`refresh_event` takes an edited title as is)."""
    changes: dict[str, Any] = {k: v for k, v in edits.items() if k != "title"}
    if "date" in changes:
        changes["date"] = date.fromisoformat(changes["date"])
    if "parties" in changes:
        changes["parties"] = tuple(changes["parties"])
    return replace(facts, **changes) if changes else facts


def merge_targets(session: Session, ids: set[str]) -> set[str]:
    """The events an analyst merged any of `ids` into (their facts and sources include these)."""
    targets: set[str] = set()
    for start in range(0, len(ids), 500):
        part = sorted(ids)[start : start + 500]
        targets |= {
            t
            for t in session.exec(
                select(EventOverride.merged_into).where(col(EventOverride.event_id).in_(part))
            ).all()
            if t
        }
    return targets


def as_candidate(mention: EventMention) -> Candidate:
    """A stored mention as the extractor produced it."""
    return Candidate(
        type=mention.type,
        parties=tuple(mention.parties),
        status=mention.status,
        date=date.fromisoformat(mention.date),
        evidence=mention.evidence,
        roles=tuple((party, role) for party, role in mention.roles or ()),
        **{name: getattr(mention, name) for name in FIGURES},
    )


def _events_near(session: Session, candidate: Candidate) -> list[tuple[str, EventFacts]]:
    """Events a mention could join: same type, within the window, sharing a party (`same_event` asks
    for half the parties in common, so no other event can match; the party index keeps this look-up
    small however many events the window holds)."""
    if not candidate.parties:
        return []
    low = (candidate.date - timedelta(days=WINDOW_DAYS)).isoformat()
    high = (candidate.date + timedelta(days=WINDOW_DAYS)).isoformat()
    sharing = select(EventParty.event_id).where(col(EventParty.party).in_(list(candidate.parties)))
    corrected = select(EventOverride.event_id)
    split_off = select(EventSplit.new_event_id)  # they hold only the sources an analyst pinned there
    rows = session.exec(
        select(Event).where(
            Event.type == candidate.type,
            col(Event.date) >= low,
            col(Event.date) <= high,
            col(Event.id).in_(sharing),
            col(Event.id).not_in(corrected),
            col(Event.id).not_in(split_off),
        )
    ).all()
    near = [(row.id, _facts(row)) for row in rows]
    # a corrected event is compared as its own sources state it, before any edit or merge
    wider = (
        (candidate.date - timedelta(days=2 * WINDOW_DAYS)).isoformat(),
        (candidate.date + timedelta(days=2 * WINDOW_DAYS)).isoformat(),
    )
    nearby_corrected = select(EventMention.event_id).where(
        EventMention.type == candidate.type,
        col(EventMention.date) >= wider[0],
        col(EventMention.date) <= wider[1],
        col(EventMention.event_id).in_(corrected),
        col(EventMention.event_id).not_in(split_off),
    )
    for corrected_id in sorted(set(session.exec(nearby_corrected).all())):
        facts = sources_facts(session, corrected_id)
        if facts is not None:
            near.append((corrected_id, facts))
    return near


def sources_facts(session: Session, event_id_: str) -> EventFacts | None:
    """An event's facts as its own mentions state them (no edit, no merged event), or None."""
    mentions = session.exec(
        select(EventMention)
        .where(EventMention.event_id == event_id_)
        .order_by(col(EventMention.published_at), col(EventMention.document_id), col(EventMention.id))
    ).all()
    return merge([as_candidate(m) for m in mentions]) if mentions else None


def _facts(event: Event) -> EventFacts:
    return EventFacts(
        type=event.type,
        parties=tuple(event.parties),
        status=event.status,
        date=date.fromisoformat(event.date),
        roles=tuple((party, role) for party, role in event.roles or ()),
        **{name: getattr(event, name) for name in FIGURES},
    )


def _placeholder(event_id_: str, candidate: Candidate) -> Event:
    """An event row to hang the first mention on; `refresh_event` fills it in (parties included)."""
    return Event(
        id=event_id_, type=candidate.type, status=candidate.status, date=candidate.date.isoformat(), title=""
    )


def _mention(event_id_: str, document: Document, candidate: Candidate) -> EventMention:
    assert document.id is not None
    return EventMention(
        event_id=event_id_,
        document_id=document.id,
        evidence=candidate.evidence,
        type=candidate.type,
        parties=list(candidate.parties),
        status=candidate.status,
        date=candidate.date.isoformat(),
        published_at=document.published_at,
        roles=[list(r) for r in candidate.roles],
        **{name: getattr(candidate, name) for name in FIGURES},
    )


def events_to_classify(session: Session, ids: Sequence[str]) -> list[tuple[str, EventFacts, str, str]]:
    """(id, facts, headline, evidence sentences joined) of the given events that no analyst labelled;
    the headline is the oldest source's, as in the impact model's training rows (the event's own title
    is built from the facts, so it would only repeat them)."""
    out = []
    for chunk in range(0, len(ids), 500):
        part = list(ids[chunk : chunk + 500])
        labelled = select(AnalystLabel.event_id).where(col(AnalystLabel.event_id).in_(part))
        events = session.exec(
            select(Event).where(col(Event.id).in_(part), col(Event.id).not_in(labelled))
        ).all()
        evidence: dict[str, list[str]] = {}
        headline: dict[str, str] = {}
        rows = session.exec(
            select(EventMention.event_id, EventMention.evidence, Document.title)
            .join(Document, col(Document.id) == col(EventMention.document_id))
            .where(col(EventMention.event_id).in_(part))
            .order_by(col(EventMention.published_at), col(EventMention.document_id))
        ).all()
        for event_id_, sentence, title in rows:
            evidence.setdefault(event_id_, []).append(sentence)
            headline.setdefault(event_id_, title or "")
        out += [
            (e.id, _facts(e), headline.get(e.id, e.title), " ".join(evidence.get(e.id, []))) for e in events
        ]
    return out


def set_impact(
    session: Session, event_id_: str, level: str, score: float, themes: Sequence[str], version: str
) -> None:
    """Record an event's impact and the model (or rule set) that judged it."""
    event = session.get(Event, event_id_)
    if event is None:
        return
    if event.impact_level is not None and event.impact_level != level:
        event.alerts_pending = True  # a rule that asks for upgrades may alert again
    event.impact_level, event.impact_score, event.themes = level, round(score, 3), sorted(themes)
    event.impact_rank = LEVEL_RANK[level]
    event.model_version = version
    event.impact_pending = False
    session.add(event)


def pending_impact(session: Session) -> list[str]:
    """Events whose impact is still to be judged (new or changed, maybe by an interrupted run)."""
    return list(
        session.exec(select(Event.id).where(col(Event.impact_pending).is_(True)).order_by(Event.id)).all()
    )


def clear_pending_impact(session: Session, ids: Sequence[str]) -> None:
    """Events an analyst labelled keep their label: nothing more to judge."""
    for start in range(0, len(ids), 500):
        for event in session.exec(
            select(Event).where(col(Event.id).in_(list(ids[start : start + 500])))
        ).all():
            event.impact_pending = False
            session.add(event)
