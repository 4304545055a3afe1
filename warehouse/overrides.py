"""Analyst corrections of events that stick: dismiss, edit facts, merge two events, split a source off.

Each is an override keyed by the event's stable id (and, for a split, the source's document URL),
stored apart from the events: re-extraction, re-runs and re-clustering recompute events from their
mentions, and `warehouse.events.refresh_event` applies the overrides again every time. Reads
(warehouse/timeline.py) hide dismissed events and events merged into another, and mark corrected
events with an `analyst` field. `undo` removes an event's overrides and recomputes what they touched.
"""

from __future__ import annotations

import getpass
import hashlib
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlmodel import Session, col, or_, select

from core.errors import NotFound, UsageError
from core.vocabulary import EVENT_TYPES, STATUSES
from warehouse.events import merge_targets, refresh_event
from warehouse.schema import Document, Event, EventMention, EventOverride, EventSplit, utcnow


def login_name() -> str:
    """Who corrects when nobody says: the login name of the user running the command or the web app."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "analyst"


# the facts an analyst may edit, in the output contract's order
EDITABLE = (
    "type",
    "status",
    "date",
    "parties",
    "title",
    "amount_usd",
    "capacity_mw",
    "gpus",
    "duration_years",
)


def _event(session: Session, event_id: str) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(f"no event {event_id!r}; list ids with `cloudintel timeline`")
    return event


def _override(session: Session, event_id: str, note: str | None, by: str) -> EventOverride:
    override = session.get(EventOverride, event_id) or EventOverride(event_id=event_id)
    if note is not None:
        override.note = note
    override.edited_by, override.edited_at = by, utcnow()
    return override


def check_edits(edits: dict[str, Any]) -> dict[str, Any]:
    """Edits as stored (field -> value), or `UsageError` naming the first value that cannot be a fact."""
    unknown = [k for k in edits if k not in EDITABLE]
    if unknown:
        raise UsageError(f"cannot edit {unknown[0]!r}; editable facts are {', '.join(EDITABLE)}")
    if not edits:
        raise UsageError("nothing to edit: give at least one fact (--amount-usd, --status, --parties...)")
    clean: dict[str, Any] = {}
    for name, value in edits.items():
        if name == "type" and value not in EVENT_TYPES:
            raise UsageError(f"unknown type {value!r}; types are {', '.join(EVENT_TYPES)}")
        if name == "status" and value not in STATUSES:
            raise UsageError(f"unknown status {value!r}; statuses are {', '.join(STATUSES)}")
        if name == "date":
            try:
                value = date.fromisoformat(str(value)).isoformat()
            except ValueError:
                raise UsageError(f"date {value!r} is not YYYY-MM-DD") from None
        if name == "parties":
            value = sorted({" ".join(str(p).split()) for p in value} - {""})
            if not value:
                raise UsageError("parties: give at least one party")
        if name == "title":
            value = " ".join(str(value).split())
            if not value:
                raise UsageError("title: give some text")
        if name in ("amount_usd", "capacity_mw", "duration_years", "gpus") and value is not None:
            if value < 0:
                raise UsageError(f"{name} cannot be negative")
            value = int(value) if name == "gpus" else float(value)
        clean[name] = value
    return clean


def dismiss(session: Session, event_id: str, note: str | None = None, by: str = "") -> None:
    """Hide an event everywhere (`timeline --include-dismissed` shows it, flagged)."""
    _event(session, event_id)
    override = _override(session, event_id, note, by)
    override.dismissed = True
    session.add(override)


def edit(
    session: Session, event_id: str, edits: dict[str, Any], note: str | None = None, by: str = ""
) -> dict[str, Any]:
    """Replace some of an event's facts (they stay replaced when the event is recomputed); returns
    every edit the event now has."""
    clean = check_edits(edits)
    _event(session, event_id)
    override = _override(session, event_id, note, by)
    override.edits = {**override.edits, **clean}
    session.add(override)
    session.flush()
    refresh_event(session, event_id)
    return dict(override.edits)


def final_event(session: Session, event_id: str) -> str:
    """The event `event_id` now shows as: itself, or the event it was merged into (followed along)."""
    seen = {event_id}
    while (override := session.get(EventOverride, event_id)) is not None and override.merged_into:
        event_id = override.merged_into
        if event_id in seen:
            break
        seen.add(event_id)
    return event_id


def merge(session: Session, event_id: str, into: str, note: str | None = None, by: str = "") -> str:
    """Show `event_id` as part of `into` (the event it ends in, if `into` was itself merged): one event
    with both events' sources, its facts recomputed from all of them. Returns that event's id."""
    _event(session, event_id)
    _event(session, into)
    target = final_event(session, into)
    if target == event_id:
        raise UsageError(f"cannot merge {event_id!r} into itself")
    override = _override(session, event_id, note, by)
    override.merged_into = target
    session.add(override)
    # events merged into this one now end in the target
    for earlier in session.exec(select(EventOverride).where(EventOverride.merged_into == event_id)).all():
        earlier.merged_into = target
        session.add(earlier)
    session.flush()
    refresh_event(session, target)
    return target


def split_id(event: Event, document_url: str) -> str:
    """The new event's id: stable for (event, source), at most 64 characters."""
    digest = hashlib.sha256(f"split|{event.id}|{document_url}".encode()).hexdigest()[:10]
    kind = re.sub(r"[^a-z0-9]+", "-", event.type.lower())
    return f"{event.date}-{kind}-split-{digest}"


def split(session: Session, event_id: str, document_url: str, note: str | None = None, by: str = "") -> str:
    """Move the source at `document_url` out of `event_id` into a new event, and keep it there when its
    document is re-extracted. Returns the new event's id."""
    event = _event(session, event_id)
    row = session.exec(
        select(EventMention, Document)
        .join(Document, col(Document.id) == col(EventMention.document_id))
        .where(EventMention.event_id == event_id, Document.url == document_url)
    ).first()
    if row is None:
        urls = session.exec(
            select(Document.url)
            .join(EventMention, col(EventMention.document_id) == col(Document.id))
            .where(EventMention.event_id == event_id)
        ).all()
        raise UsageError(f"{document_url!r} is not a source of {event_id!r}; its sources: {', '.join(urls)}")
    mention, _ = row
    if len(urls_of(session, event_id)) < 2:
        raise UsageError(
            f"{event_id!r} has one source: nothing to split it from (dismiss or edit it instead)"
        )
    new_id = split_id(event, document_url)
    pin = session.exec(
        select(EventSplit).where(EventSplit.event_id == event_id, EventSplit.document_url == document_url)
    ).first() or EventSplit(event_id=event_id, document_url=document_url, new_event_id=new_id)
    pin.note, pin.edited_by, pin.edited_at = note, by, utcnow()
    session.add(pin)
    if session.get(Event, new_id) is None:
        session.add(Event(id=new_id, type=mention.type, status=mention.status, date=mention.date, title=""))
        session.flush()
    mention.event_id = new_id
    session.add(mention)
    session.flush()
    for touched in sorted({event_id, new_id} | merge_targets(session, {event_id})):
        refresh_event(session, touched)
    made = session.get(Event, new_id)
    if made is not None:  # an analyst's split is no news: alert rules do not look at it now
        made.alerts_pending = False
        session.add(made)
    return new_id


def urls_of(session: Session, event_id: str) -> list[str]:
    return list(
        session.exec(
            select(Document.url)
            .join(EventMention, col(EventMention.document_id) == col(Document.id))
            .where(EventMention.event_id == event_id)
        ).all()
    )


def undo(session: Session, event_id: str) -> list[str]:
    """Remove every correction of `event_id` (its dismissal, edits, merge; the splits made from it, or
    the split that made it) and recompute the events they touched. Returns what was undone."""
    undone: list[str] = []
    touched: set[str] = {event_id}
    override = session.get(EventOverride, event_id)
    if override is not None:
        if override.dismissed:
            undone.append("dismissal")
        if override.edits:
            undone.append("edits of " + ", ".join(sorted(override.edits)))
        if override.merged_into:
            undone.append(f"merge into {override.merged_into}")
            touched.add(override.merged_into)
        session.delete(override)
    pins = session.exec(
        select(EventSplit).where(or_(EventSplit.event_id == event_id, EventSplit.new_event_id == event_id))
    ).all()
    for pin in pins:
        undone.append(f"split of {pin.document_url} into {pin.new_event_id}")
        touched |= {pin.event_id, pin.new_event_id}
        document = session.exec(select(Document).where(Document.url == pin.document_url)).first()
        if document is not None:
            moved = session.exec(
                select(EventMention).where(
                    EventMention.event_id == pin.new_event_id, EventMention.document_id == document.id
                )
            ).first()
            already = session.exec(
                select(EventMention.id).where(
                    EventMention.event_id == pin.event_id, EventMention.document_id == document.id
                )
            ).first()
            if moved is not None and already is None:
                moved.event_id = pin.event_id
                session.add(moved)
            elif moved is not None:
                session.delete(moved)
        session.delete(pin)
    if not undone:
        _event(session, event_id)
        raise NotFound(f"{event_id!r} has no analyst corrections to undo")
    session.flush()
    touched |= merge_targets(session, touched)
    for each in sorted(touched):
        refresh_event(session, each)
    session.flush()
    return undone


def hidden() -> Any:
    """Ids of events no list shows: dismissed, or merged into another (a subquery)."""
    return select(EventOverride.event_id).where(
        or_(col(EventOverride.dismissed).is_(True), col(EventOverride.merged_into).is_not(None))
    )


def merged_away() -> Any:
    """Ids of events merged into another (a subquery): shown only as part of it."""
    return select(EventOverride.event_id).where(col(EventOverride.merged_into).is_not(None))


def merged_from(session: Session, ids: Sequence[str]) -> dict[str, list[str]]:
    """For each of `ids`, the events merged into it."""
    found: dict[str, list[str]] = {}
    for start in range(0, len(ids), 500):
        for source, target in session.exec(
            select(EventOverride.event_id, EventOverride.merged_into)
            .where(col(EventOverride.merged_into).in_(list(ids[start : start + 500])))
            .order_by(col(EventOverride.event_id))
        ).all():
            found.setdefault(str(target), []).append(source)
    return found


def analyst_fields(session: Session, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The additive `analyst` field of each of `ids` that an analyst corrected: `edited` (the edited
    facts, in the contract's order), `dismissed`, `merged_from` (ids), and `split_from` for an event
    made by a split."""
    merged = merged_from(session, ids)
    overrides: dict[str, EventOverride] = {}
    split_from: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        for row in session.exec(select(EventOverride).where(col(EventOverride.event_id).in_(part))).all():
            overrides[row.event_id] = row
        for pin in session.exec(select(EventSplit).where(col(EventSplit.new_event_id).in_(part))).all():
            split_from[pin.new_event_id] = pin.event_id
    fields: dict[str, dict[str, Any]] = {}
    for event_id in ids:
        override = overrides.get(event_id)
        if override is None and event_id not in merged and event_id not in split_from:
            continue
        edits = override.edits if override else {}
        fields[event_id] = {
            "edited": [name for name in EDITABLE if name in edits],
            "dismissed": bool(override and override.dismissed),
            "merged_from": merged.get(event_id, []),
        }
        if event_id in split_from:
            fields[event_id]["split_from"] = split_from[event_id]
    return fields
