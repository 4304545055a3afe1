"""Analyst labels override the model everywhere, survive re-scoring and feed the next training."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from core.errors import ConfigError, TerminalError
from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from flows.analysis import classify_events
from models.judge import ImpactJudge
from models.training import example, load_examples
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.labels import add_label, all_event_ids, analyst_rows
from warehouse.schema import Document
from warehouse.timeline import event_detail

ORGS = OrganizationIndex.load()


def test_an_analyst_label_overrides_the_model_and_trains_the_next(database_url: str, tmp_path: Path) -> None:
    with session_scope(database_url) as session:
        document = Document(
            url="http://a/1", title="t", text="t", published_at=datetime(2025, 3, 12, tzinfo=UTC)
        )
        session.add(document)
        session.flush()
        candidate = Candidate(
            "partnership",
            ("Microsoft", "Northfjord Ferries"),
            "announced",
            date(2025, 3, 12),
            "Northfjord signed an agreement with Microsoft.",
        )
        [event_id] = store_mentions(session, document, [candidate]).new
    judge = ImpactJudge.load(tmp_path / "no-model", ORGS)
    classify_events(database_url, [event_id], judge)
    with session_scope(database_url) as session:
        assert event_detail(session, event_id)["impact"]["level"] == "low"
        add_label(session, event_id, "medium", ["regulatory"])
    assert classify_events(database_url, [event_id], judge) == 0  # labelled events are not re-scored
    with session_scope(database_url) as session:
        shown = event_detail(session, event_id, judged_by=True)
        rows = analyst_rows(session)
        assert all_event_ids(session) == [event_id]
    assert shown["impact"] == {"level": "medium", "score": 1.0, "themes": ["regulatory"]}
    assert shown["judged_by"] == "analyst"
    [row] = rows
    labelled = example(row)
    assert labelled.level == "medium" and labelled.facts.parties == ("Microsoft", "Northfjord Ferries")


def test_labelling_an_unknown_event_is_a_clear_error(database_url: str) -> None:
    with pytest.raises(TerminalError, match="no event 'nope'"), session_scope(database_url) as session:
        add_label(session, "nope", "high", [])


def test_a_bad_training_row_names_its_line(tmp_path: Path) -> None:
    data = tmp_path / "events.jsonl"
    data.write_text('{"type": "pricing"}\n')
    with pytest.raises(ConfigError, match=r"events\.jsonl:1: bad training row \(missing"):
        load_examples(data)
