"""Alerts: rules fire once per (event, rule), deliveries reach real receivers on 127.0.0.1 exactly once,
events an analyst dismissed never alert, article text cannot inject markup, and channel secrets never
show."""

from __future__ import annotations

import email
import json
import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from core.errors import ConfigError
from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from flows.alerting.channels import deliver
from flows.alerting.outbox import deliver_pending, fire_alerts
from flows.alerting.rules import AlertConfig, Rule, load_alert_config
from tests.support.receivers import SmtpReceiver, WebhookReceiver
from warehouse.alerts import alerts_json, undelivered
from warehouse.engine import session_scope
from warehouse.events import set_impact, store_mentions
from warehouse.overrides import dismiss
from warehouse.schema import Document

ORGS = OrganizationIndex.load()
HOSTILE = (
    "OpenAI signs with AWS <script>alert(1)</script> *bold* <@channel> [click](http://evil.example) @here"
)


@pytest.fixture()
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.stop()


def add_event(db: str, url: str, candidate: Candidate, level: str = "high") -> str:
    with session_scope(db) as session:
        document = Document(url=url, title="t", text="t", published_at=datetime(2025, 11, 3, tzinfo=UTC))
        session.add(document)
        session.flush()
        changes = store_mentions(session, document, [candidate])
        event_id = (changes.new or changes.changed)[0]
        set_impact(session, event_id, level, 0.9, ["capacity"], "test")
    return event_id


def cloud_deal(evidence: str = "OpenAI signed a $38 billion deal with AWS on Monday.") -> Candidate:
    return Candidate(
        "partnership",
        ("Amazon Web Services", "OpenAI"),
        "announced",
        date(2025, 11, 3),
        evidence,
        amount_usd=38e9,
    )


def chip_deal() -> Candidate:
    return Candidate(
        "partnership", ("Broadcom", "OpenAI"), "announced", date(2025, 11, 3), "OpenAI and Broadcom."
    )


def config(*channels: str, **templates: str) -> AlertConfig:
    return AlertConfig((Rule("new-cloud-deal", "new-cloud-deal", channels),), dict(templates))


def send(db: str, cfg: AlertConfig, tmp_path: Path, environ: dict[str, str] | None = None):
    return deliver_pending(db, cfg, tmp_path / "alerts.jsonl", environ or {})


def test_a_cloud_deal_alerts_once_and_never_again(
    database_url: str, webhook: WebhookReceiver, tmp_path: Path
) -> None:
    deal = add_event(database_url, "http://a/1", cloud_deal())
    add_event(database_url, "http://a/2", chip_deal())
    cfg = config("hook", "jsonl", hook=webhook.url)
    assert fire_alerts(database_url, cfg, ORGS).fired == 1  # Broadcom is not a cloud provider
    counts = send(database_url, cfg, tmp_path)
    assert (counts.delivered, counts.failed) == (2, 0)
    assert len(webhook.received) == 1 and deal in webhook.received[0]["message"]
    assert len((tmp_path / "alerts.jsonl").read_text().splitlines()) == 1

    add_event(database_url, "http://b/1", cloud_deal())  # another outlet reports the same deal
    assert fire_alerts(database_url, cfg, ORGS).fired == 0
    assert send(database_url, cfg, tmp_path).delivered == 0
    assert len(webhook.received) == 1
    with session_scope(database_url) as session:
        [alert] = alerts_json(session)
    assert alert["rule"] == "new-cloud-deal" and alert["delivery"] == {
        "hook": "delivered",
        "jsonl": "delivered",
    }


def test_an_event_an_analyst_dismissed_is_never_alerted(
    database_url: str, webhook: WebhookReceiver, tmp_path: Path
) -> None:
    event = add_event(database_url, "http://a/1", cloud_deal())
    with session_scope(database_url) as session:
        dismiss(session, event, "not a deal")
    cfg = config("hook", "jsonl", hook=webhook.url)
    assert fire_alerts(database_url, cfg, ORGS).fired == 0
    add_event(database_url, "http://b/1", cloud_deal())  # a later source of the dismissed event
    assert fire_alerts(database_url, cfg, ORGS).fired == 0
    assert send(database_url, cfg, tmp_path).delivered == 0
    assert webhook.requests == 0 and not (tmp_path / "alerts.jsonl").exists()
    with session_scope(database_url) as session:
        assert alerts_json(session) == []


@pytest.mark.parametrize("digest", [False, True], ids=["single", "digest"])
def test_an_alert_queued_before_its_event_was_dismissed_is_never_delivered(
    database_url: str, webhook: WebhookReceiver, tmp_path: Path, digest: bool
) -> None:
    dismissed = add_event(database_url, "http://a/1", cloud_deal())
    other = Candidate(
        "partnership", ("Microsoft", "OpenAI"), "announced", date(2025, 11, 4), "Microsoft and OpenAI."
    )
    kept = add_event(database_url, "http://a/2", other)
    cfg = replace(config("hook", "jsonl", hook=webhook.url), digests=frozenset({"hook"} if digest else ()))
    assert fire_alerts(database_url, cfg, ORGS).fired == 2
    with session_scope(database_url) as session:
        dismiss(session, dismissed)
    counts = send(database_url, cfg, tmp_path)
    assert (counts.delivered, counts.failed, counts.withdrawn) == (2, 0, 2)  # the kept event's 2 channels
    assert webhook.requests == 1 and dismissed not in webhook.received[0]["message"]
    assert kept in webhook.received[0]["message"]
    assert [r["event_id"] for r in map(json.loads, (tmp_path / "alerts.jsonl").read_text().splitlines())] == [
        kept
    ]
    with session_scope(database_url) as session:
        status = {a["event_id"]: a["delivery"] for a in alerts_json(session)}
        assert undelivered(session) == []  # nothing left to retry
    assert status[dismissed] == {"hook": "dismissed", "jsonl": "dismissed"}
    assert status[kept] == {"hook": "delivered", "jsonl": "delivered"}
    assert send(database_url, cfg, tmp_path).delivered == 0 and webhook.requests == 1


def test_a_raised_impact_alerts_again_only_under_a_rule_asking_for_upgrades(
    database_url: str, tmp_path: Path
) -> None:
    event = add_event(database_url, "http://a/1", cloud_deal(), level="medium")
    cfg = AlertConfig(
        (
            Rule("big", "high-impact", ("jsonl",), min_level="medium", upgrades=True),
            Rule("big-once", "high-impact", ("jsonl",), min_level="medium"),
        )
    )
    assert fire_alerts(database_url, cfg, ORGS).fired == 2
    with session_scope(database_url) as session:
        set_impact(session, event, "high", 0.95, [], "test")
    assert fire_alerts(database_url, cfg, ORGS).fired == 1
    assert fire_alerts(database_url, cfg, ORGS).fired == 0
    with session_scope(database_url) as session:
        assert sorted(a["rule"] for a in alerts_json(session)) == ["big", "big-once", "big:upgrade-high"]


def test_a_receiver_failing_once_gets_the_alert_exactly_once(database_url: str, tmp_path: Path) -> None:
    receiver = WebhookReceiver(fail_first=1)
    try:
        cfg = config("hook", hook=receiver.url)
        add_event(database_url, "http://a/1", cloud_deal())
        fire_alerts(database_url, cfg, ORGS)
        counts = send(database_url, cfg, tmp_path)
        assert (counts.delivered, counts.failed) == (1, 0)
        assert receiver.requests == 2 and len(receiver.received) == 1
        assert send(database_url, cfg, tmp_path).delivered == 0 and len(receiver.received) == 1
    finally:
        receiver.stop()


def test_a_receiver_redirecting_the_alert_elsewhere_is_not_followed(
    database_url: str, tmp_path: Path
) -> None:
    target = WebhookReceiver()
    redirector = WebhookReceiver(redirect_to=target.url.replace("json://", "http://"))
    try:
        cfg = config("hook", hook=redirector.url)
        add_event(database_url, "http://a/1", cloud_deal())
        fire_alerts(database_url, cfg, ORGS)
        counts = send(database_url, cfg, tmp_path)
        assert (counts.delivered, counts.failed) == (0, 1)
        assert redirector.requests >= 1 and target.requests == 0
        insisting = config("hook", hook=f"{target.url}?redirect=yes")
        assert send(database_url, insisting, tmp_path).failed == 1 and target.requests == 0
    finally:
        redirector.stop()
        target.stop()


def test_a_silent_receiver_costs_only_its_timeout_and_is_retried_next_run(
    database_url: str, tmp_path: Path
) -> None:
    silent = WebhookReceiver(stall=30)
    try:
        cfg = config("hook", hook=silent.url + "?cto=1&rto=1")
        add_event(database_url, "http://a/1", cloud_deal())
        fire_alerts(database_url, cfg, ORGS)
        started = time.monotonic()
        counts = send(database_url, cfg, tmp_path)
        assert counts.failed == 1 and time.monotonic() - started < 8  # two 1 s timeouts and a 1 s pause
    finally:
        silent.stop()
    with session_scope(database_url) as session:
        [alert] = alerts_json(session)
    assert alert["delivery"] == {"hook": "failed"} and alert["errors"]["hook"]
    working = WebhookReceiver()
    try:
        assert send(database_url, config("hook", hook=working.url), tmp_path).delivered == 1
        assert len(working.received) == 1
    finally:
        working.stop()


def test_article_text_reaches_webhook_and_email_as_plain_text(
    database_url: str, webhook: WebhookReceiver, tmp_path: Path
) -> None:
    smtp = SmtpReceiver()
    try:
        cfg = config("hook", "mail", hook=webhook.url, mail=smtp.url)
        add_event(database_url, "http://a/1", cloud_deal(HOSTILE))
        fire_alerts(database_url, cfg, ORGS)
        assert send(database_url, cfg, tmp_path).delivered == 2
    finally:
        smtp.stop()
    [mail] = smtp.messages
    body = email.message_from_bytes(mail).get_payload(decode=True).decode("utf-8")
    for text in (webhook.received[0]["message"], body):
        for raw in ("<script>", "<@channel>", "*bold*", "[click](", "@here"):
            assert raw not in text
        assert "alert(1)" in text and "bold" in text and "click" in text  # shown, as text


def test_channel_secrets_never_show(database_url: str, tmp_path: Path, closed_port: int) -> None:
    secret = "s3cr3t-t0ken-value"
    cfg = config(
        "hook", hook="json://user:${HOOK_TOKEN}@127.0.0.1:" + str(closed_port) + "/${HOOK_TOKEN}?cto=1&rto=1"
    )
    add_event(database_url, "http://a/1", cloud_deal())
    fire_alerts(database_url, cfg, ORGS)
    assert send(database_url, cfg, tmp_path, {"HOOK_TOKEN": secret}).failed == 1
    with session_scope(database_url) as session:
        shown = str(alerts_json(session))
    assert secret not in shown and "hook" in shown
    missing = send(database_url, cfg, tmp_path, {})
    assert missing.failed == 1
    with session_scope(database_url) as session:
        assert "HOOK_TOKEN is not set" in alerts_json(session)[0]["errors"]["hook"]


def test_apprise_warnings_about_a_bad_token_show_no_piece_of_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    token = "T1JJ3T3L2/A1BRTD4JD/TIiajkdnl-sEcReT!!"  # Apprise quotes an invalid third part in full
    caplog.set_level(logging.DEBUG)
    outcome = deliver(
        "slack", "slack://${SLACK_TOKEN}/#general", "t", "b", {}, tmp_path / "a.jsonl", {"SLACK_TOKEN": token}
    )
    logged = caplog.text + str(outcome.error)
    assert not outcome.ok and "invalid Slack" in logged
    assert "sEcReT" not in logged and "TIiajkdnl" not in logged


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules:\n  - {name: a, kind: new-cloud-deal, chanels: [log]}\n", "did you mean 'channels'"),
        ("rules:\n  - {name: a, kind: new-cloud-dael, channels: [log]}\n", "did you mean 'new-cloud-deal'"),
        ("rules:\n  - {name: a, kind: high-impact, channels: [slack]}\n", "channel 'slack' is not defined"),
        (
            "rules:\n  - {name: a, kind: watchlist, companies: [Nonexistent Corp], channels: [log]}\n",
            "unknown company",
        ),
        ("rules: {}\n", "'rules' must be a list"),
    ],
)
def test_alerts_file_mistakes_are_refused_with_the_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_alert_config(path, ORGS)
    assert str(caught.value).startswith(f"{path}:")


def test_bundled_alerts_file_loads() -> None:
    bundled = Path(__file__).resolve().parents[2] / "flows" / "alerting" / "alerts.yaml"
    assert [r.kind for r in load_alert_config(bundled, ORGS).rules] == [
        "new-cloud-deal",
        "high-impact",
        "price-cut",
    ]


def test_a_value_inside_a_channel_template_cannot_retarget_the_url() -> None:
    from flows.alerting.secrets import channel_environment, substitute

    hostile = {"TOKEN": "x@evil.example:80/", "URL": "json://127.0.0.1:9/hook", "OTHER": "unrelated"}
    assert urlsplit(substitute("json://127.0.0.1:9/${TOKEN}", hostile)).hostname == "127.0.0.1"
    assert substitute("${URL}", hostile) == "json://127.0.0.1:9/hook"  # a whole URL from the environment
    assert channel_environment(["json://h/${TOKEN}", "${URL}"], hostile) == {
        "TOKEN": hostile["TOKEN"],
        "URL": hostile["URL"],
    }
