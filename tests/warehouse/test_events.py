"""Event writes: mentions cluster into events, re-extraction is idempotent, ids never change."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from extractors.events import Candidate
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.schema import Document, Event, EventMention, EventParty
from warehouse.timeline import TimelineFilter, event_detail, relationships, timeline


def add_document(db: str, url: str, published: datetime) -> Document:
    with session_scope(db) as session:
        document = Document(url=url, title=url, text="t", published_at=published)
        session.add(document)
        session.flush()
        return document


def deal(
    day: date, amount: float | None = 38e9, parties: tuple[str, ...] = ("Amazon Web Services", "OpenAI")
):
    return Candidate("partnership", parties, "announced", day, f"evidence {day}", amount_usd=amount)


def store(db: str, document: Document, *candidates: Candidate):
    with session_scope(db) as session:
        return store_mentions(session, document, list(candidates))


def test_sources_of_one_event_cluster_and_a_later_article_joins_it(database_url: str) -> None:
    first = add_document(database_url, "http://a/1", datetime(2025, 11, 3, 13, tzinfo=UTC))
    second = add_document(database_url, "http://b/1", datetime(2025, 11, 3, 20, tzinfo=UTC))
    week_later = add_document(database_url, "http://c/1", datetime(2025, 11, 10, 9, tzinfo=UTC))
    created = store(database_url, first, deal(date(2025, 11, 3)))
    assert len(created.new) == 1
    assert store(database_url, second, deal(date(2025, 11, 3))).new == []
    assert store(database_url, week_later, deal(date(2025, 11, 10), amount=None)).new == []
    with session_scope(database_url) as session:
        [event] = timeline(session, TimelineFilter())
    assert (
        event["id"] == created.new[0] and event["date"] == "2025-11-03" and event["amount_usd"] == 38000000000
    )
    assert [s["url"] for s in event["sources"]] == ["http://a/1", "http://b/1", "http://c/1"]


def test_re_extracting_a_document_changes_nothing(database_url: str) -> None:
    document = add_document(database_url, "http://a/1", datetime(2025, 11, 3, tzinfo=UTC))
    [event_id] = store(database_url, document, deal(date(2025, 11, 3))).new
    again = store(database_url, document, deal(date(2025, 11, 3)))
    assert again.new == [] and again.removed == []
    with session_scope(database_url) as session:
        assert session.exec(select(Event.id)).all() == [event_id]
        assert len(session.exec(select(EventMention)).all()) == 1
        assert sorted(session.exec(select(EventParty.party)).all()) == ["Amazon Web Services", "OpenAI"]


def test_a_later_expansion_is_a_new_event(database_url: str) -> None:
    may = add_document(database_url, "http://a/may", datetime(2025, 5, 15, tzinfo=UTC))
    sept = add_document(database_url, "http://a/sept", datetime(2025, 9, 25, tzinfo=UTC))
    store(database_url, may, deal(date(2025, 5, 15), 4e9, ("CoreWeave", "OpenAI")))
    store(database_url, sept, deal(date(2025, 9, 25), 6.5e9, ("CoreWeave", "OpenAI")))
    with session_scope(database_url) as session:
        history = relationships(session, "OpenAI")
    assert [e["amount_usd"] for e in history["CoreWeave"]] == [4000000000, 6500000000]


def test_an_event_no_document_mentions_any_more_is_removed(database_url: str) -> None:
    document = add_document(database_url, "http://a/1", datetime(2025, 11, 3, tzinfo=UTC))
    [event_id] = store(database_url, document, deal(date(2025, 11, 3))).new
    assert store(database_url, document).removed == [event_id]
    with session_scope(database_url) as session:
        assert event_detail(session, event_id) is None
        assert session.exec(select(EventParty)).all() == []


def test_timeline_filters(database_url: str) -> None:
    one = add_document(database_url, "http://a/1", datetime(2025, 1, 21, tzinfo=UTC))
    two = add_document(database_url, "http://a/2", datetime(2025, 6, 10, tzinfo=UTC))
    store(database_url, one, deal(date(2025, 1, 21), None, ("Microsoft", "OpenAI")))
    store(database_url, two, Candidate("pricing", ("Google",), "reported", date(2025, 6, 10), "cut"))
    with session_scope(database_url) as session:
        assert [e["type"] for e in timeline(session, TimelineFilter())] == ["partnership", "pricing"]
        assert [e["parties"] for e in timeline(session, TimelineFilter(companies=["Google"]))] == [["Google"]]
        assert timeline(session, TimelineFilter(types=["capacity"])) == []
        assert len(timeline(session, TimelineFilter(statuses=["reported"]))) == 1
        assert len(timeline(session, TimelineFilter(since="2025-02-01"))) == 1
        assert len(timeline(session, TimelineFilter(until="2025-01-21"))) == 1
        assert len(timeline(session, TimelineFilter(), limit=1, offset=1)) == 1
