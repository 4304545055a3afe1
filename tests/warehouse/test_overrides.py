"""Analyst corrections (warehouse/overrides.py) on SQLite and PostgreSQL: dismiss, edit, merge and split
are applied to every read, survive re-extraction of the documents (the real write path,
`store_mentions`), and `undo` restores what the sources say."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlmodel import select

from core.errors import NotFound, UsageError
from extractors.events import Candidate
from tests.cli.test_cli import CONTRACT_KEYS
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.overrides import dismiss, edit, merge, split, undo
from warehouse.schema import Document, Event, EventOverride
from warehouse.timeline import TimelineFilter, companies, count_matching, event_detail, timeline

AWS_DEAL = Candidate(
    "partnership",
    ("Amazon Web Services", "OpenAI"),
    "announced",
    date(2025, 11, 3),
    "OpenAI signed a $38 billion deal with Amazon Web Services.",
    amount_usd=38e9,
)
ORACLE_DEAL = Candidate(
    "partnership",
    ("OpenAI", "Oracle"),
    "reported",
    date(2025, 11, 5),
    "OpenAI is said to have agreed a cloud contract with Oracle.",
)
PRICE_CUT = Candidate(
    "pricing",
    ("Google",),
    "announced",
    date(2025, 6, 1),
    "Google cut TPU prices by 20%.",
    price_change_pct=-20.0,
)


def document(db: str, url: str, day: date) -> Document:
    with session_scope(db) as session:
        found = session.exec(select(Document).where(Document.url == url)).first()
        if found is not None:
            return found
        doc = Document(
            url=url, title=url, text="t", published_at=datetime(day.year, day.month, day.day, tzinfo=UTC)
        )
        session.add(doc)
        session.flush()
        return doc


def store(db: str, url: str, *candidates: Candidate) -> list[str]:
    """Store (or re-extract) a document's candidates; returns the new event ids."""
    doc = document(db, url, candidates[0].date if candidates else date(2025, 1, 1))
    with session_scope(db) as session:
        return store_mentions(session, doc, list(candidates)).new


def listed(db: str, **where: Any) -> list[dict[str, Any]]:
    with session_scope(db) as session:
        return timeline(session, TimelineFilter(**where))


def test_a_dismissed_event_is_hidden_everywhere_stays_dismissed_when_re_extracted_and_undo_brings_it_back(
    database_url: str,
) -> None:
    [aws] = store(database_url, "http://a/aws", AWS_DEAL)
    [cut] = store(database_url, "http://a/cut", PRICE_CUT)
    with session_scope(database_url) as session:
        dismiss(session, cut, note="not a price change", by="ana")
    assert [e["id"] for e in listed(database_url)] == [aws]
    assert "analyst" not in listed(database_url)[0]  # no override: exactly the contract
    assert list(listed(database_url)[0]) == CONTRACT_KEYS
    with session_scope(database_url) as session:
        assert count_matching(session, TimelineFilter()) == 1
        assert "Google" not in dict(companies(session))
        shown = event_detail(session, cut)
        override = session.get(EventOverride, cut)
        assert override is not None and (override.note, override.edited_by) == ("not a price change", "ana")
    assert shown is not None and shown["analyst"] == {"edited": [], "dismissed": True, "merged_from": []}
    flagged = listed(database_url, include_dismissed=True)
    assert [(e["id"], e.get("analyst", {}).get("dismissed")) for e in flagged] == [(cut, True), (aws, None)]

    assert store(database_url, "http://a/cut", PRICE_CUT) == []  # re-extraction: same event, still dismissed
    assert [e["id"] for e in listed(database_url)] == [aws]
    store(database_url, "http://a/cut")  # the page no longer states it: the event goes...
    store(database_url, "http://a/cut", PRICE_CUT)  # ...and when it comes back, it is still dismissed
    assert [e["id"] for e in listed(database_url)] == [aws]
    assert [e["id"] for e in listed(database_url, include_dismissed=True)] == [cut, aws]

    with session_scope(database_url) as session:
        assert undo(session, cut) == ["dismissal"]
    assert [e["id"] for e in listed(database_url)] == [cut, aws]
    assert all("analyst" not in e for e in listed(database_url))


def test_edited_facts_replace_the_sources_in_reads_and_filters_and_survive_re_extraction(
    database_url: str,
) -> None:
    [aws] = store(database_url, "http://a/aws", AWS_DEAL)
    with session_scope(database_url) as session:
        edits = edit(
            session,
            aws,
            {"status": "reported", "amount_usd": 50e9, "parties": ["OpenAI", "Microsoft"], "gpus": 1000},
            by="ana",
        )
    assert edits == {
        "status": "reported",
        "amount_usd": 50e9,
        "parties": ["Microsoft", "OpenAI"],
        "gpus": 1000,
    }

    def check() -> None:
        [event] = listed(database_url)
        assert (event["id"], event["status"], event["amount_usd"], event["parties"], event["gpus"]) == (
            aws,
            "reported",
            50000000000,
            ["Microsoft", "OpenAI"],
            1000,
        )
        assert event["analyst"] == {
            "edited": ["status", "parties", "amount_usd", "gpus"],
            "dismissed": False,
            "merged_from": [],
        }
        assert [e["id"] for e in listed(database_url, companies=["Microsoft"])] == [aws]  # filters see edits
        assert listed(database_url, companies=["Amazon Web Services"]) == []
        assert [e["id"] for e in listed(database_url, statuses=["reported"])] == [aws]

    check()
    assert store(database_url, "http://a/aws", AWS_DEAL) == []  # re-extracting the document
    check()
    # a later article as the sources state the deal still joins it (clustering ignores the edits)
    assert (
        store(database_url, "http://b/aws", replace(AWS_DEAL, evidence="AWS will host OpenAI for $38B."))
        == []
    )
    check()
    assert len(listed(database_url)[0]["sources"]) == 2

    with session_scope(database_url) as session:
        edit(session, aws, {"title": "OpenAI commits $50B to Microsoft", "date": "2025-11-04"})
    [event] = listed(database_url)
    assert (event["title"], event["date"]) == ("OpenAI commits $50B to Microsoft", "2025-11-04")
    assert event["status"] == "reported"  # earlier edits stay

    with session_scope(database_url) as session:
        undo(session, aws)
    [event] = listed(database_url)
    assert (event["status"], event["amount_usd"], event["parties"], event["date"]) == (
        "announced",
        38000000000,
        ["Amazon Web Services", "OpenAI"],
        "2025-11-03",
    )
    assert "analyst" not in event


def test_a_merged_event_shows_once_with_both_events_sources_and_stays_merged(database_url: str) -> None:
    [aws] = store(database_url, "http://a/aws", AWS_DEAL)
    [oracle] = store(database_url, "http://a/oracle", ORACLE_DEAL)
    assert len(listed(database_url)) == 2
    with session_scope(database_url) as session:
        assert merge(session, oracle, aws, note="same deal") == aws

    def check() -> None:
        [event] = listed(database_url)
        assert event["id"] == aws and event["analyst"]["merged_from"] == [oracle]
        assert [s["url"] for s in event["sources"]] == ["http://a/aws", "http://a/oracle"]
        assert [e["id"] for e in listed(database_url, query="said to have agreed")] == [aws]
        with session_scope(database_url) as session:
            assert event_detail(session, oracle) == event  # the merged id shows the event it is part of
            assert count_matching(session, TimelineFilter()) == 1

    check()
    store(database_url, "http://a/oracle", ORACLE_DEAL)
    store(database_url, "http://a/aws", AWS_DEAL)
    check()

    with session_scope(database_url) as session:
        with pytest.raises(UsageError):
            merge(session, aws, oracle)  # oracle ends in aws: that would merge aws into itself
        undo(session, oracle)
    assert sorted(e["id"] for e in listed(database_url)) == sorted([aws, oracle])


def test_a_split_source_gets_its_own_event_and_stays_there_when_re_extracted(database_url: str) -> None:
    [aws] = store(database_url, "http://a/aws", AWS_DEAL)
    later = Candidate(
        "partnership",
        ("Amazon Web Services", "OpenAI"),
        "announced",
        date(2025, 11, 10),
        "OpenAI adds a second AWS region for training.",
    )
    assert store(database_url, "http://b/region", later) == []  # clustered into the deal
    assert len(listed(database_url)[0]["sources"]) == 2

    with session_scope(database_url) as session:
        with pytest.raises(UsageError):
            split(session, aws, "http://nowhere/x")
        new = split(session, aws, "http://b/region", note="a separate expansion")
        assert len(new) <= 64

    def check() -> None:
        events = {e["id"]: e for e in listed(database_url)}
        assert sorted(events) == sorted([aws, new])
        assert [s["url"] for s in events[aws]["sources"]] == ["http://a/aws"]
        assert [s["url"] for s in events[new]["sources"]] == ["http://b/region"]
        assert events[new]["analyst"]["split_from"] == aws
        assert events[new]["date"] == "2025-11-10"

    check()
    assert store(database_url, "http://b/region", later) == []  # re-extracted: pinned to the same new event
    store(database_url, "http://a/aws", AWS_DEAL)
    check()

    with session_scope(database_url) as session:
        undo(session, new)
        assert session.get(Event, new) is None
    [event] = listed(database_url)
    assert event["id"] == aws and len(event["sources"]) == 2


def test_bad_corrections_are_refused(database_url: str) -> None:
    [aws] = store(database_url, "http://a/aws", AWS_DEAL)
    with session_scope(database_url) as session:
        bad: dict[str, Any]
        for bad in ({"status": "rumoured"}, {"type": "merger"}, {"date": "3 Nov"}, {"parties": []}, {}):
            with pytest.raises(UsageError):
                edit(session, aws, bad)
        with pytest.raises(UsageError):
            edit(session, aws, {"impact": "high"})
        with pytest.raises(NotFound):
            dismiss(session, "no-such-event")
        with pytest.raises(NotFound):
            undo(session, aws)  # nothing to undo
        with pytest.raises(UsageError):
            split(session, aws, "http://a/aws")  # its only source


def test_training_rows_of_a_labelled_event_carry_its_edited_facts(database_url: str) -> None:
    from warehouse.labels import add_label, analyst_rows

    [aws] = store(database_url, "http://a/aws", AWS_DEAL)
    with session_scope(database_url) as session:
        add_label(session, aws, "high", ["capacity"])
        edit(session, aws, {"type": "capacity", "capacity_mw": 1200, "amount_usd": None})
    store(database_url, "http://a/aws", AWS_DEAL)  # re-extracted: the edits stay
    with session_scope(database_url) as session:
        [row] = analyst_rows(session)
    assert (row["id"], row["type"], row["capacity_mw"], row["amount_usd"], row["level"]) == (
        aws,
        "capacity",
        1200,
        None,
        "high",
    )
