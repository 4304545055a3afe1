"""Fire alerts for new or changed events and deliver what the outbox still holds (plain functions).

Firing and delivery are separate steps: every alert is committed to the warehouse before any
channel is tried, so a crash or a failed channel never loses an alert and a delivered channel is
never sent again. A digest channel gets one message listing every alert still to deliver to it,
marked delivered (or failed, to be in the next run's digest) together. Events an analyst dismissed
never alert: the rules skip them, and their queued alerts are withdrawn before delivery.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

from sqlmodel import Session

from core.vocabulary import LEVEL_RANK
from extractors.entities import OrganizationIndex
from extractors.org_recognizer import division_form
from flows.alerting.channels import deliver
from flows.alerting.messages import render, render_digest
from flows.alerting.rules import LEDGER_KINDS, AlertConfig, AlertEvent, matches, too_old
from flows.analysis import recognizer
from warehouse.alerts import (
    DELIVERED,
    FAILED,
    OUTSTANDING,
    SENDING,
    add_alert,
    alerted,
    alerts_by_id,
    dismissed_among,
    done_with_alerts,
    events_by_id,
    events_for_alerts,
    mark,
    mark_many,
    undelivered,
    withdraw_dismissed,
)
from warehouse.engine import session_scope, write
from warehouse.exposure import top_share_shifts
from warehouse.parties import party_evidence
from warehouse.relationship_states import transitions_caused
from warehouse.timeline import as_json

FIRE_BATCH = 500  # events the rules look at per transaction: memory stays flat however many changed
DELIVER_BATCH = 500  # alerts read from the outbox at a time
RETRY_PAUSE = 1.0  # seconds before the one in-run retry of a failed channel
DIGEST_SIZE = 200  # alerts in one digest message; more make several (a first run without an age limit)


@dataclass
class AlertCounts:
    """Alerts fired this run, and channel deliveries that succeeded or failed."""

    fired: int = 0
    delivered: int = 0
    failed: int = 0
    too_old: int = 0  # events a rule would have alerted on, dated before its age limit
    withdrawn: int = 0  # channels of queued alerts not sent because the event was dismissed


def fire_alerts(
    database_url: str, config: AlertConfig, orgs: OrganizationIndex, today: date | None = None
) -> AlertCounts:
    """Add an alert to the outbox for every (event, rule) that matches, is within the rule's age limit
    and has not alerted yet (or, under a rule that asks for upgrades, whose impact rose since), for the
    events that changed since the rules last looked, a batch per transaction; counts what was added
    (`fired`) and the matching events left unalerted as too old (`too_old`)."""
    counts = AlertCounts()
    today = today or datetime.now(UTC).date()
    while True:
        # a run firing the same alert first wins; this batch then starts over and skips it
        batch = write(database_url, lambda session: _fire_batch(session, config, orgs, today))
        if batch is None:
            return counts
        counts.fired += batch.fired
        counts.too_old += batch.too_old


def _fire_batch(
    session: Session, config: AlertConfig, orgs: OrganizationIndex, today: date
) -> AlertCounts | None:
    """Fire the alerts of the next batch of events; None when no event is left to look at."""
    events = events_for_alerts(session, FIRE_BATCH)
    if not events:
        return None
    counts = AlertCounts()
    shaped = {e["id"]: e for e in as_json(session, events)}
    seen = alerted(session, [e.id for e in events])
    dismissed = dismissed_among(session, [e.id for e in events])
    ledger = any(rule.kind in LEDGER_KINDS for rule in config.rules)
    for event in events:
        if event.id in dismissed:  # an analyst said it is no event: never alerted
            continue
        view = AlertEvent(
            event.id, event.type, tuple(event.parties), event.impact_level, event.price_change_pct, event.date
        )
        if event.type == "partnership" and any(orgs.resolve(p) is None for p in event.parties):
            view = replace(view, clouds=_described_clouds(session, shaped[event.id], orgs))
        if ledger and event.type == "partnership":
            view = replace(
                view,
                transitions=tuple(transitions_caused(session, shaped[event.id])),
                shifts=tuple(top_share_shifts(session, shaped[event.id], orgs).values()),
            )
        matching = [rule for rule in config.rules if matches(rule, view, orgs)]
        counts.too_old += any(too_old(rule, view, today) for rule in matching)
        for rule in matching:
            if too_old(rule, view, today):
                continue
            key = _alert_key(rule.name, rule.upgrades, view.level, seen.get(event.id, {}))
            if key is None:
                continue
            title, body = render(rule.name, shaped[event.id])
            if rule.kind == "relationship-change":
                body = "\n".join([*view.transitions, body])
            add_alert(session, event.id, key, view.level, rule.channels, f"{title}\n{body}")
            seen.setdefault(event.id, {})[key] = view.level
            counts.fired += 1
    done_with_alerts(session, events)  # in the same transaction as the alerts it added
    return counts


def _described_clouds(session: Session, event: dict[str, object], orgs: OrganizationIndex) -> tuple[str, ...]:
    """Parties of an event the list lacks that its sentences, or those of the party's other events,
    describe as a cloud or compute provider ("Sesterce, a French GPU cloud provider"; "has leased 200
    megawatts to GPU cloud Lumenfield" for a later Lumenfield deal; "Halite Cloud" for Halite): a deal
    with one is a new cloud deal."""
    parties = set(event["parties"])  # type: ignore[arg-type]
    sentences = [str(s.get("evidence") or "") for s in event["sources"]]  # type: ignore[attr-defined]
    sentences += party_evidence(session, sorted(p for p in parties if orgs.resolve(p) is None))
    found = recognizer(orgs).find_many(list(dict.fromkeys(sentences)))
    clouds = {f.name for mentions in found for f in mentions if f.cloud_provider}
    # "Halite Cloud" in a sentence is the party "Halite" (flows.analysis.fold_name_forms)
    return tuple(sorted(p for p in parties if p in clouds or any(division_form(p, c) for c in clouds)))


def _alert_key(rule: str, upgrades: bool, level: str | None, seen: Mapping[str, str | None]) -> str | None:
    """The outbox key of a new alert, or None when this rule has already alerted on this event."""
    if rule not in seen:
        return rule
    if not upgrades or level is None:
        return None
    highest = max(
        (LEVEL_RANK[lv] for key, lv in seen.items() if (key == rule or key.startswith(f"{rule}:")) and lv),
        default=-1,
    )
    key = f"{rule}:upgrade-{level}"
    return key if LEVEL_RANK[level] > highest and key not in seen else None


def deliver_pending(
    database_url: str, config: AlertConfig, jsonl: Path, environ: Mapping[str, str]
) -> AlertCounts:
    """Try every channel not yet delivered once, and once more after a pause, a batch of alerts at a
    time; a digest channel gets its alerts in one message after that. A channel is marked `sending`
    (committed) before it is tried: after a crash it is tried again with the same idempotency key (the
    alert id; a digest's is made of its alert ids), which webhook receivers use to drop the repeat.
    Alerts on events an analyst dismissed are withdrawn first (`dismissed`, never sent)."""
    counts = AlertCounts()
    with session_scope(database_url) as session:
        counts.withdrawn = withdraw_dismissed(session)
    digests: dict[str, list[int]] = {}
    after = 0
    while True:
        with session_scope(database_url) as session:
            alerts = undelivered(session, after, DELIVER_BATCH)
            work = []
            for a in alerts:
                for channel, status in a.delivery.items():
                    if a.id is None or status not in OUTSTANDING:
                        continue
                    if channel in config.digests:
                        digests.setdefault(channel, []).append(a.id)
                    else:
                        work.append(Delivery(a.id, a.event_id, a.rule, a.message, channel))
        if not alerts:
            break
        after = alerts[-1].id or after  # the batch is in id order
        _deliver(database_url, config, jsonl, environ, work, counts)
    for channel, ids in digests.items():
        chunks = [ids[i : i + DIGEST_SIZE] for i in range(0, len(ids), DIGEST_SIZE)]
        _deliver_digests(database_url, config, jsonl, environ, channel, chunks, counts)
    return counts


@dataclass(frozen=True)
class Delivery:
    """One channel of one alert, still to be delivered."""

    alert_id: int
    event_id: str
    rule: str
    message: str
    channel: str


def _deliver(
    database_url: str,
    config: AlertConfig,
    jsonl: Path,
    environ: Mapping[str, str],
    work: list[Delivery],
    counts: AlertCounts,
) -> None:
    for attempt in range(2):
        retry = []
        for item in work:
            with session_scope(database_url) as session:
                mark(session, item.alert_id, item.channel, SENDING, None)
            title, _, body = item.message.partition("\n")
            record = {
                "alert_id": item.alert_id,
                "event_id": item.event_id,
                "rule": item.rule,
                "title": title,
                "message": body,
            }
            result = deliver(
                item.channel,
                config.channels.get(item.channel),
                title,
                body,
                record,
                jsonl,
                environ,
                str(item.alert_id),
            )
            with session_scope(database_url) as session:
                mark(session, item.alert_id, item.channel, DELIVERED if result.ok else FAILED, result.error)
            if result.ok:
                counts.delivered += 1
            elif attempt == 0:
                retry.append(item)
            else:
                counts.failed += 1
        if not retry:
            return
        work = retry
        time.sleep(RETRY_PAUSE)


def _deliver_digests(
    database_url: str,
    config: AlertConfig,
    jsonl: Path,
    environ: Mapping[str, str],
    channel: str,
    chunks: list[list[int]],
    counts: AlertCounts,
) -> None:
    """Send each chunk of alert ids to `channel` as one digest message; all its alerts are marked
    sending, then delivered or failed, together."""
    for attempt in range(2):
        retry = []
        for ids in chunks:
            with session_scope(database_url) as session:
                title, body = _digest(session, ids)
                mark_many(session, ids, channel, SENDING, None)
            key = "digest-" + hashlib.sha256(f"{channel}|{','.join(map(str, ids))}".encode()).hexdigest()[:32]
            record: dict[str, object] = {"digest": channel, "alert_ids": ids, "title": title, "message": body}
            result = deliver(channel, config.channels.get(channel), title, body, record, jsonl, environ, key)
            with session_scope(database_url) as session:
                mark_many(session, ids, channel, DELIVERED if result.ok else FAILED, result.error)
            if result.ok:
                counts.delivered += len(ids)
            elif attempt == 0:
                retry.append(ids)
            else:
                counts.failed += len(ids)
        if not retry:
            return
        chunks = retry
        time.sleep(RETRY_PAUSE)


def _digest(session: Session, alert_ids: Sequence[int]) -> tuple[str, str]:
    """(title, body) of the digest of these alerts: each event once, with the rules that alerted on it."""
    rules: dict[str, list[str]] = {}
    for alert in alerts_by_id(session, alert_ids):
        rules.setdefault(alert.event_id, []).append(alert.rule)
    shaped = {e["id"]: e for e in as_json(session, events_by_id(session, list(rules)))}
    return render_digest(
        [(shaped[event_id], names) for event_id, names in rules.items() if event_id in shaped]
    )
