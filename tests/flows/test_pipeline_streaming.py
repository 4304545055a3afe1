"""Sources are read a group at a time and their articles stored group by group, alerts fired and
delivered a batch at a time: the warehouse and the deliveries end the same as with one group and one
batch, and an article listed by feeds of two groups is fetched once."""

from __future__ import annotations

import json
import logging
from dataclasses import replace
from pathlib import Path

import pytest

import flows.alerting.outbox
import flows.pipeline
from flows.pipeline import plain_steps, run_pipeline
from flows.settings import Settings
from flows.sources_file import load_sources
from tests.conftest import CORPUS
from warehouse.alerts import alerts_json
from warehouse.engine import session_scope
from warehouse.timeline import TimelineFilter, timeline

LOG = logging.getLogger("test")


def run(
    settings: Settings, base_url: str, *, twice_listed: bool = False
) -> tuple[dict, list[dict], list[tuple]]:
    specs = load_sources(CORPUS / "sources.yaml", base_url)
    if twice_listed:  # every feed again under another name: each of its articles listed by two sources
        specs += [replace(s, name=f"{s.name}-again", url=f"{s.url}?again") for s in specs if s.kind == "feed"]
    summary = run_pipeline(specs, settings, plain_steps(), LOG).to_dict()
    with session_scope(settings.warehouse_url) as session:
        events = [
            {k: v for k, v in e.items() if k != "sources"}
            | {"evidence": [s["evidence"] for s in e["sources"]]}
            for e in timeline(session, TimelineFilter())
        ]
        alerts = sorted((a["event_id"], a["rule"], str(a["delivery"])) for a in alerts_json(session))
    delivered = sorted(json.loads(line)["alert_id"] for line in settings.alerts_log.read_text().splitlines())
    assert delivered == sorted({*delivered})  # each alert written to the JSONL channel once
    return summary, events, alerts


def test_small_groups_and_batches_store_what_one_group_stores(
    tmp_path: Path, corpus_base_url: str, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    one_group = Settings(home=tmp_path / "one", allow_loopback=True)
    whole, expected, expected_alerts = run(one_group, corpus_base_url)
    monkeypatch.setattr(flows.pipeline, "SOURCES_PER_TASK", 2)
    monkeypatch.setattr(flows.alerting.outbox, "FIRE_BATCH", 3)
    monkeypatch.setattr(flows.alerting.outbox, "DELIVER_BATCH", 2)
    small = Settings(home=tmp_path / "small", database_url=database_url, allow_loopback=True, batch_size=3)
    summary, events, alerts = run(small, corpus_base_url, twice_listed=True)
    assert len(expected) == 14 and events == expected
    assert len(expected_alerts) >= 9 and alerts == expected_alerts
    assert "pending" not in str(alerts) and "failed" not in str(alerts)
    assert summary["alerts_delivered"] == whole["alerts_delivered"] > len(expected_alerts)  # log + jsonl
    assert whole["documents_new"] == summary["documents_new"] == 27
    assert summary["documents_unchanged"] == 0  # an article listed by two groups' feeds: fetched once
    assert summary["sources_ok"] == 11
