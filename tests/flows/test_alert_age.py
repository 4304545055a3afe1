"""Alerts only for what is new (spec §5, CLOUDINTEL_ALERTS_MAX_AGE_DAYS): a first run over an archive
stores every event, alerts none and says how many it left unalerted; a later run alerts once on a new
event. Real HTTP on 127.0.0.1, a real warehouse, the `cloudintel` command in Prefect's test harness."""

from __future__ import annotations

import json
import re
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cloudintel.cli import app
from cloudintel.corpus_server import serve_corpus
from core.errors import ConfigError
from extractors.entities import OrganizationIndex
from flows.alerting.outbox import fire_alerts
from flows.alerting.rules import AlertConfig, Rule, load_alert_config
from flows.daily import daily_pipeline
from flows.report import summary_text
from tests.conftest import CORPUS
from tests.flows.test_alerting import add_event, cloud_deal
from tests.support.faultserver import GOOD_PAGE
from warehouse.alerts import alerts_json
from warehouse.engine import session_scope
from warehouse.runs import RunSummary

ORGS = OrganizationIndex.load()
TODAY = date(2025, 11, 20)


def test_a_rule_skips_events_older_than_its_limit_and_counts_them(database_url: str) -> None:
    add_event(database_url, "http://a/old", cloud_deal())  # dated 2025-11-03
    rules = AlertConfig((Rule("deals", "new-cloud-deal", ("log",), max_age_days=14),))
    counts = fire_alerts(database_url, rules, ORGS, today=TODAY)  # 17 days later
    assert (counts.fired, counts.too_old) == (0, 1)
    add_event(database_url, "http://a/new", cloud_deal("OpenAI expanded its AWS deal by $10 billion."))
    assert fire_alerts(database_url, rules, ORGS, today=date(2025, 11, 10)).fired == 1  # the new one only
    assert fire_alerts(database_url, rules, ORGS, today=date(2025, 11, 10)).fired == 0
    with session_scope(database_url) as session:
        assert len(alerts_json(session)) == 1


def test_no_limit_alerts_any_date(database_url: str) -> None:
    add_event(database_url, "http://a/old", cloud_deal())
    rules = AlertConfig((Rule("deals", "new-cloud-deal", ("log",), max_age_days=0),))
    assert fire_alerts(database_url, rules, ORGS, today=TODAY + timedelta(days=3650)).fired == 1


def test_the_setting_is_the_default_and_a_rule_may_override_it(tmp_path: Path) -> None:
    path = tmp_path / "alerts.yaml"
    path.write_text(
        "rules:\n  - {name: a, kind: new-cloud-deal, channels: [log]}\n"
        "  - {name: b, kind: high-impact, max_age_days: 0, channels: [log]}\n"
    )
    assert [r.max_age_days for r in load_alert_config(path, ORGS, 14).rules] == [14, 0]
    path.write_text("rules:\n  - {name: a, kind: new-cloud-deal, max_age_days: two weeks, channels: [log]}\n")
    with pytest.raises(ConfigError, match=r"alerts.yaml:2: max_age_days must be a whole number"):
        load_alert_config(path, ORGS, 14)


def test_the_run_summary_says_how_many_events_it_stored_without_alerting() -> None:
    summary = RunSummary(run_id=1, events_new=412, alerts_too_old=9)
    assert summary.to_dict()["alerts_too_old"] == 9
    assert summary_text(summary, 14).endswith(
        "\n  stored 9 events older than 14 days without alerting (events an alert rule matches; "
        "CLOUDINTEL_ALERTS_MAX_AGE_DAYS; 0 alerts on any date)"
    )
    assert "stored 1 event older than their rule's max_age_days" in summary_text(
        RunSummary(alerts_too_old=1), 0
    )
    assert "without alerting" not in summary_text(RunSummary(alerts_too_old=0), 14)


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_a_first_run_over_an_archive_alerts_nothing_and_a_new_deal_alerts_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    """`cloudintel run` over the sample corpus (2024-2025 news) with the default limit of 14 days."""
    monkeypatch.delenv("CLOUDINTEL_ALERTS_MAX_AGE_DAYS")  # the default, 14 days
    monkeypatch.setenv("CLOUDINTEL_HOME", str(tmp_path))
    monkeypatch.setenv("CLOUDINTEL_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLOUDINTEL_DATABASE_URL", database_url)
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    sources = corpus / "sources.yaml"
    with serve_corpus(corpus) as base_url:
        sources.write_text(sources.read_text().replace("{{BASE}}", base_url))
        first = CliRunner().invoke(app, ["run", "--sources", str(sources)])
        assert first.exit_code == 0, first.output
        rows = dict(re.findall(r"^  ([A-Z][A-Za-z ()0-9]+?) +(\d+)$", first.stdout, re.MULTILINE))
        assert int(rows["Events new"]) >= 10 and rows["Alerts fired"] == "0"
        stored = re.search(r"^  stored (\d+) events older than 14 days without alerting ", first.stdout, re.M)
        assert stored is not None, first.stdout
        assert int(stored.group(1)) == int(rows["Too old to alert"]) >= 9  # the archive's cloud deals
        with session_scope(database_url) as session:
            assert alerts_json(session) == []

        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        (corpus / "pages" / "fresh.html").write_bytes(
            GOOD_PAGE.replace(b"2025-05-01T12:00:00Z", now.encode())
        )
        with sources.open("a") as more:
            more.write(f'  - name: fresh\n    kind: page\n    url: "{base_url}/pages/fresh.html"\n')
        second = CliRunner().invoke(app, ["run", "--sources", str(sources), "--format", "json"])
        assert second.exit_code == 0, second.output
        third = daily_pipeline(sources=str(sources))
    with session_scope(database_url) as session:
        fired = alerts_json(session)
    summary = json.loads(second.stdout)
    assert summary["events_new"] == 1 and summary["alerts_fired"] >= 1 and summary["alerts_too_old"] == 0
    assert [a["rule"] for a in fired if a["rule"] == "new-cloud-deal"] == ["new-cloud-deal"]
    assert len({a["event_id"] for a in fired}) == 1  # only the new event
    assert third["alerts_fired"] == 0
