"""Digest channels (`digest: true`): one message per run listing the run's alerts instead of one per
alert, exactly as idempotent as single alerts. Real JSON webhooks on 127.0.0.1, a real warehouse."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.errors import ConfigError
from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from flows.alerting.outbox import AlertCounts, deliver_pending, fire_alerts
from flows.alerting.rules import AlertConfig, Rule, load_alert_config
from flows.settings import Settings
from flows.steps import alerts_step
from tests.support.receivers import WebhookReceiver
from warehouse.alerts import SENDING, alerts_json, mark_many
from warehouse.engine import session_scope
from warehouse.events import set_impact, store_mentions
from warehouse.schema import Document

ORGS = OrganizationIndex.load()
CLOUDS = ("Amazon Web Services", "Microsoft", "Google", "Oracle", "CoreWeave")


def add_deal(db: str, number: int, cloud: str, buyer: str = "OpenAI") -> str:
    """A new cloud deal of `cloud` and `buyer`, reported by its own article; its event id."""
    day = date(2025, 11, number)
    with session_scope(db) as session:
        document = Document(
            url=f"http://news.test/{number}",
            title=f"deal {number}",
            text="t",
            published_at=datetime(2025, 11, number, tzinfo=UTC),
        )
        session.add(document)
        session.flush()
        evidence = f"{buyer} signed a ${number} billion compute deal with {cloud}."
        candidate = Candidate(
            "partnership", (cloud, buyer), "announced", day, evidence, amount_usd=number * 1e9
        )
        changes = store_mentions(session, document, [candidate])
        event_id = (changes.new or changes.changed)[0]
        set_impact(session, event_id, "high", 0.9, ["capacity"], "test")
    return event_id


def digest_config(hook: str, *rules: Rule) -> AlertConfig:
    rules = rules or (Rule("new-cloud-deal", "new-cloud-deal", ("hook", "jsonl")),)
    return AlertConfig(rules, {"hook": hook}, frozenset({"hook"}))


def send(db: str, cfg: AlertConfig, tmp_path: Path, environ: dict[str, str] | None = None) -> AlertCounts:
    return deliver_pending(db, cfg, tmp_path / "alerts.jsonl", environ or {})


def delivery(db: str, channel: str) -> list[str]:
    with session_scope(db) as session:
        return [a["delivery"][channel] for a in alerts_json(session)]


def test_five_new_events_make_one_digest_post_and_a_rerun_sends_nothing(
    database_url: str, tmp_path: Path
) -> None:
    receiver = WebhookReceiver()
    try:
        events = [add_deal(database_url, n, cloud) for n, cloud in enumerate(CLOUDS, 1)]
        cfg = digest_config(receiver.url)
        assert fire_alerts(database_url, cfg, ORGS).fired == 5
        counts = send(database_url, cfg, tmp_path)
        assert (counts.delivered, counts.failed) == (10, 0)  # 5 alerts to the digest, 5 to jsonl
        assert receiver.requests == 1
        [post] = receiver.received
        assert post["title"] == "[cloudintel] digest: 5 new events"
        for number, (event_id, cloud) in enumerate(zip(events, CLOUDS, strict=True), 1):
            assert event_id in post["message"] and cloud in post["message"]
            assert f"2025-11-0{number} | impact high |" in post["message"]
            assert f"Source: http://news.test/{number}" in post["message"]
        assert post["message"].count("rules: new-cloud-deal") == 5
        assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 5  # not a digest channel
        assert delivery(database_url, "hook") == ["delivered"] * 5

        assert fire_alerts(database_url, cfg, ORGS).fired == 0
        assert send(database_url, cfg, tmp_path).delivered == 0
        assert receiver.requests == 1
    finally:
        receiver.stop()


def test_an_event_two_rules_alert_on_is_listed_once_with_both(database_url: str, tmp_path: Path) -> None:
    receiver = WebhookReceiver()
    try:
        event = add_deal(database_url, 3, "Oracle")
        cfg = digest_config(
            receiver.url,
            Rule("new-cloud-deal", "new-cloud-deal", ("hook",)),
            Rule("big", "high-impact", ("hook",)),
        )
        assert fire_alerts(database_url, cfg, ORGS).fired == 2
        assert send(database_url, cfg, tmp_path).delivered == 2
        [post] = receiver.received
        assert post["title"] == "[cloudintel] digest: 1 new event"
        assert post["message"].count(event) == 1 and "rules: new-cloud-deal, big" in post["message"]
    finally:
        receiver.stop()


def test_a_digest_the_receiver_missed_while_down_comes_whole_next_run(
    tmp_path: Path, closed_port: int, settings: Settings
) -> None:
    """Through the pipeline's alerts step and an alerts file: the receiver is down (nothing listens on
    its port) for the first run, which fires 3 alerts; the next run fires 2 more and, the receiver up,
    sends one digest of all 5."""
    alerts_file = tmp_path / "alerts.yaml"
    alerts_file.write_text(
        "channels:\n"
        "  hook:\n"
        "    url: json://127.0.0.1:${HOOK_PORT}/hook?cto=1&rto=1\n"
        "    digest: true\n"
        "rules:\n"
        "  - {name: new-cloud-deal, kind: new-cloud-deal, channels: [hook]}\n"
    )
    settings = settings.model_copy(update={"alerts": alerts_file, "alerts_max_age_days": 0})
    db = settings.warehouse_url
    for number, cloud in enumerate(CLOUDS[:3], 1):
        add_deal(db, number, cloud)
    down = alerts_step(db, settings, ORGS, {"HOOK_PORT": str(closed_port)})
    assert (down.fired, down.delivered, down.failed) == (3, 0, 3)
    assert delivery(db, "hook") == ["failed"] * 3

    for number, cloud in enumerate(CLOUDS[3:], 4):
        add_deal(db, number, cloud)
    receiver = WebhookReceiver()
    try:
        environ = {"HOOK_PORT": str(receiver.server_address[1])}
        up = alerts_step(db, settings, ORGS, environ)
        assert (up.fired, up.delivered, up.failed) == (2, 5, 0)
        [post] = receiver.received
        assert post["title"] == "[cloudintel] digest: 5 new events"
        assert all(f"2025-11-0{n} |" in post["message"] for n in range(1, 6))
        assert delivery(db, "hook") == ["delivered"] * 5
        again = alerts_step(db, settings, ORGS, environ)
        assert (again.fired, again.delivered, receiver.requests) == (0, 0, 1)
    finally:
        receiver.stop()


def test_a_digest_cut_off_after_sending_is_resent_with_the_same_idempotency_key(
    database_url: str, tmp_path: Path
) -> None:
    """A run killed between the POST and the record leaves the digest's alerts `sending`: the next run
    sends the same digest with the same key, and a receiver that honours the key drops it."""
    receiver = WebhookReceiver()
    try:
        for number, cloud in enumerate(CLOUDS[:2], 1):
            add_deal(database_url, number, cloud)
        cfg = digest_config(receiver.url, Rule("new-cloud-deal", "new-cloud-deal", ("hook",)))
        fire_alerts(database_url, cfg, ORGS)
        assert send(database_url, cfg, tmp_path).delivered == 2
        with session_scope(database_url) as session:
            ids = [int(a["id"]) for a in alerts_json(session)]
            mark_many(session, ids, "hook", SENDING, None)  # as a kill right after the POST leaves them
        assert send(database_url, cfg, tmp_path).delivered == 2
        assert (receiver.requests, receiver.repeats, len(receiver.received)) == (2, 1, 1)
        assert delivery(database_url, "hook") == ["delivered"] * 2
    finally:
        receiver.stop()


def test_a_digest_over_many_alerts_is_split_into_messages_of_digest_size(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import flows.alerting.outbox

    monkeypatch.setattr(flows.alerting.outbox, "DIGEST_SIZE", 2)
    receiver = WebhookReceiver()
    try:
        for number, cloud in enumerate(CLOUDS, 1):
            add_deal(database_url, number, cloud)
        cfg = digest_config(receiver.url, Rule("new-cloud-deal", "new-cloud-deal", ("hook",)))
        fire_alerts(database_url, cfg, ORGS)
        assert send(database_url, cfg, tmp_path).delivered == 5
        assert [p["title"].rsplit(": ", 1)[1] for p in receiver.received] == [
            "2 new events",
            "2 new events",
            "1 new event",
        ]
    finally:
        receiver.stop()


def test_the_alerts_file_marks_digest_channels(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(
        "channels:\n"
        "  hook: json://127.0.0.1:9/hook\n"
        "  morning:\n"
        "    url: json://127.0.0.1:9/morning\n"
        "    digest: true\n"
        "  evening: {url: 'json://127.0.0.1:9/evening', digest: false}\n"
        "rules:\n"
        "  - {name: a, kind: new-cloud-deal, channels: [hook, morning, evening]}\n"
    )
    cfg = load_alert_config(path, ORGS)
    assert cfg.digests == {"morning"}
    assert cfg.channels == {
        "hook": "json://127.0.0.1:9/hook",
        "morning": "json://127.0.0.1:9/morning",
        "evening": "json://127.0.0.1:9/evening",
    }


@pytest.mark.parametrize(
    ("channel", "message"),
    [
        (
            "{url: 'json://h/x', digets: true}",
            r"alerts.yaml:2: channel 'hook': unknown field 'digets'; did you mean 'digest'",
        ),
        (
            "{url: 'json://h/x', digest: daily}",
            r"alerts.yaml:2: channel 'hook': digest must be true or false",
        ),
        ("{digest: true}", r"alerts.yaml:2: channel 'hook' needs an Apprise URL"),
    ],
)
def test_digest_mistakes_are_refused_with_the_line(tmp_path: Path, channel: str, message: str) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(
        f"channels:\n  hook: {channel}\nrules:\n  - {{name: a, kind: new-cloud-deal, channels: [hook]}}\n"
    )
    with pytest.raises(ConfigError, match=message):
        load_alert_config(path, ORGS)
