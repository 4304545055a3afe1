"""The alert outbox: one row per (event, rule), written before any delivery, with each channel's status.

A failed delivery stays `failed` and is retried on the next run; a delivered channel is never sent
again. Re-running fires nothing twice: the (event, rule) pair is unique in the table. An alert on an
event an analyst dismissed is never sent: its channels not yet delivered become `dismissed`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, select

from warehouse.engine import chunks
from warehouse.schema import Alert, Event, EventOverride

PENDING, SENDING, DELIVERED, FAILED = "pending", "sending", "delivered", "failed"
DISMISSED = "dismissed"  # the event was dismissed before this channel got the alert: never sent
OUTSTANDING = (PENDING, SENDING, FAILED)  # what delivery still has to try


def alerted(session: Session, event_ids: Sequence[str]) -> dict[str, dict[str, str | None]]:
    """For each event, the rules that already alerted on it and the impact level they saw."""
    out: dict[str, dict[str, str | None]] = {}
    for part in chunks(event_ids):
        for alert in session.exec(select(Alert).where(col(Alert.event_id).in_(part))).all():
            out.setdefault(alert.event_id, {})[alert.rule] = alert.impact_level
    return out


def add_alert(
    session: Session, event_id: str, rule: str, level: str | None, channels: Sequence[str], message: str
) -> Alert:
    """Record an alert to be delivered (the outbox); the caller commits before delivering."""
    alert = Alert(
        event_id=event_id,
        rule=rule,
        impact_level=level,
        channels=list(channels),
        message=message,
        delivery={channel: PENDING for channel in channels},
    )
    session.add(alert)
    session.flush()
    return alert


def undelivered(session: Session, after: int = 0, limit: int | None = None) -> list[Alert]:
    """Alerts with a channel still pending or failed, oldest first, from id `after` on (delivered ones,
    and those on events an analyst dismissed, are not read)."""
    return list(
        session.exec(
            select(Alert)
            .where(
                col(Alert.outstanding).is_(True),
                col(Alert.id) > after,
                col(Alert.event_id).not_in(_dismissed()),
            )
            .order_by(col(Alert.id))
            .limit(limit)
        ).all()
    )


def mark(session: Session, alert_id: int, channel: str, status: str, error: str | None) -> None:
    """Record a channel's delivery status: sending (about to try), delivered or failed."""
    alert = session.get(Alert, alert_id)
    if alert is None:
        return
    alert.delivery = {**alert.delivery, channel: status}
    errors = {k: v for k, v in alert.errors.items() if k != channel}
    alert.errors = {**errors, channel: error or "failed"} if status == FAILED else errors
    alert.attempts += status == SENDING
    alert.outstanding = any(state in OUTSTANDING for state in alert.delivery.values())
    session.add(alert)


def mark_many(
    session: Session, alert_ids: Sequence[int], channel: str, status: str, error: str | None
) -> None:
    """`mark` for every alert of a digest, in the caller's transaction."""
    for alert_id in alert_ids:
        mark(session, alert_id, channel, status, error)


def alerts_by_id(session: Session, alert_ids: Sequence[int]) -> list[Alert]:
    """These alerts, in id order."""
    found: list[Alert] = []
    for part in chunks(alert_ids):
        found += session.exec(select(Alert).where(col(Alert.id).in_(part))).all()
    return sorted(found, key=lambda a: a.id or 0)


def events_by_id(session: Session, event_ids: Sequence[str]) -> list[Event]:
    """These events (those that exist), in the order given."""
    found: dict[str, Event] = {}
    for part in chunks(event_ids):
        for event in session.exec(select(Event).where(col(Event.id).in_(part))):
            found[event.id] = event
    return [found[i] for i in event_ids if i in found]


def _dismissed() -> Any:
    """Ids of events an analyst dismissed (a subquery)."""
    return select(EventOverride.event_id).where(col(EventOverride.dismissed).is_(True))


def dismissed_among(session: Session, event_ids: Sequence[str]) -> set[str]:
    """Which of these events an analyst dismissed: alert rules skip them."""
    found: set[str] = set()
    for part in chunks(event_ids):
        found.update(session.exec(_dismissed().where(col(EventOverride.event_id).in_(part))).all())
    return found


def withdraw_dismissed(session: Session) -> int:
    """Mark `dismissed` every channel not yet delivered of the alerts on events an analyst dismissed
    (they are never sent); returns how many channels."""
    withdrawn = 0
    alerts = session.exec(
        select(Alert).where(col(Alert.outstanding).is_(True), col(Alert.event_id).in_(_dismissed()))
    ).all()
    for alert in alerts:
        for channel, status in list(alert.delivery.items()):
            if status in OUTSTANDING and alert.id is not None:
                mark(session, alert.id, channel, DISMISSED, None)
                withdrawn += 1
    return withdrawn


def alerts_json(session: Session) -> list[dict[str, Any]]:
    """Every alert fired so far, oldest first, as §4 of the guide shapes them plus delivery per channel."""
    rows = session.exec(select(Alert).order_by(col(Alert.fired_at), col(Alert.id))).all()
    return [
        {
            "id": str(a.id),
            "event_id": a.event_id,
            "rule": a.rule,
            "fired_at": a.fired_at.isoformat(),
            "channels": list(a.channels),
            "message": a.message,
            "delivery": dict(a.delivery),
            "errors": dict(a.errors),
        }
        for a in rows
    ]


def events_for_alerts(session: Session, limit: int) -> list[Event]:
    """Up to `limit` events changed since the alert rules last looked at them, once their impact is
    judged."""
    return list(
        session.exec(
            select(Event)
            .where(col(Event.alerts_pending).is_(True), col(Event.impact_pending).is_(False))
            .order_by(col(Event.id))
            .limit(limit)
        ).all()
    )


def done_with_alerts(session: Session, events: Sequence[Event]) -> None:
    """The rules have looked at these events."""
    for event in events:
        event.alerts_pending = False
        session.add(event)
