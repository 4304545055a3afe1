"""An unknown company written two ways in two articles is one party of the timeline, whichever article
came first: under its full name ("Tessellate" / "Tessellate Silicon"), or without its cloud division's
word ("Halite" / "Halite Cloud"); different companies are left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from extractors.org_recognizer import division_form, name_core
from flows.alerting.outbox import _described_clouds
from flows.analysis import fold_name_forms
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.schema import Document, Event, EventMention, EventParty

ORGS = OrganizationIndex.load()


def lease(parties: tuple[str, ...], day: int = 3) -> Candidate:
    return Candidate(
        "partnership",
        tuple(sorted(parties)),
        "announced",
        date(2026, 2, day),
        f"{' and '.join(parties)} sign a lease ({day})",
        amount_usd=4.7e9,
        roles=tuple((p, "partner") for p in sorted(parties)),
    )


def ingest(db: str, url: str, *candidates: Candidate) -> list[str]:
    """Store one article's mentions as the pipeline does: name forms folded, then clustered."""
    with session_scope(db) as session:
        document = Document(url=url, title=url, text="t", published_at=datetime(2026, 2, 3, tzinfo=UTC))
        session.add(document)
        session.flush()
        folded, _ = fold_name_forms(session, candidates, ORGS)
        return store_mentions(session, document, folded).new


def stored(db: str) -> tuple[list[list[str]], list[str], list[list[str]]]:
    with session_scope(db) as session:
        return (
            [e.parties for e in session.exec(select(Event)).all()],
            sorted(set(session.exec(select(EventParty.party)).all())),
            [m.parties for m in session.exec(select(EventMention)).all()],
        )


def test_the_core_of_a_name_drops_company_words_only() -> None:
    assert name_core("Halite Cloud") == "Halite"
    assert name_core("Kestrel-4 Compute") == "Kestrel-4"
    assert name_core("Penrose Data Centres") == "Penrose"
    assert name_core("Halite") is None  # nothing to drop
    assert name_core("Data Cloud") is None  # what is left is a company word
    assert name_core("Texas Energy") is None  # what is left is a place
    assert division_form("Halite", "Halite Cloud") and not division_form("Tessellate", "Tessellate Silicon")


def test_a_longer_form_after_the_short_one_joins_its_event(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("CoreWeave", "Halite")))
    assert ingest(database_url, "http://b/1", lease(("CoreWeave", "Halite Cloud"))) == []
    events, parties, mentions = stored(database_url)
    assert events == [["CoreWeave", "Halite"]] and parties == ["CoreWeave", "Halite"]
    assert mentions == [["CoreWeave", "Halite"], ["CoreWeave", "Halite"]]


def test_a_short_form_after_the_longer_one_renames_it_and_joins_its_event(database_url: str) -> None:
    [first] = ingest(database_url, "http://a/1", lease(("CoreWeave", "Halite Cloud")))
    assert ingest(database_url, "http://b/1", lease(("CoreWeave", "Halite"))) == []
    events, parties, mentions = stored(database_url)
    assert events == [["CoreWeave", "Halite"]] and parties == ["CoreWeave", "Halite"]
    assert mentions == [["CoreWeave", "Halite"], ["CoreWeave", "Halite"]]
    with session_scope(database_url) as session:
        event = session.get(Event, first)
        assert event is not None and ["Halite", "partner"] in event.roles


def test_an_unknown_longer_form_folds_and_another_name_does_not(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("Halite", "Microsoft")))
    ingest(database_url, "http://b/1", lease(("Halite Energy", "Microsoft"), day=20))  # its full name
    ingest(database_url, "http://c/1", lease(("Halitex Cloud", "Oracle"), day=25))  # another name
    _, parties, _ = stored(database_url)
    assert parties == ["Halite Energy", "Halitex Cloud", "Microsoft", "Oracle"]


def test_a_full_name_wins_over_its_short_form_whichever_came_first(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("CoreWeave", "Tessellate")))
    assert ingest(database_url, "http://b/1", lease(("CoreWeave", "Tessellate Silicon"))) == []
    ingest(database_url, "http://c/1", lease(("Hashridge Holdings", "Meta"), day=10))
    assert ingest(database_url, "http://d/1", lease(("Hashridge", "Meta"), day=10)) == []
    events, parties, _ = stored(database_url)
    assert parties == ["CoreWeave", "Hashridge Holdings", "Meta", "Tessellate Silicon"], parties
    assert sorted(events) == [["CoreWeave", "Tessellate Silicon"], ["Hashridge Holdings", "Meta"]]


def test_folding_twice_stores_nothing_twice(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("CoreWeave", "Halite Cloud")))
    ingest(database_url, "http://b/1", lease(("CoreWeave", "Halite")))
    before = stored(database_url)
    ingest(database_url, "http://c/1", lease(("CoreWeave", "Halite Cloud")))
    events, parties, mentions = stored(database_url)
    assert events == before[0] and parties == before[1] and len(mentions) == 3


def test_a_name_seen_only_beside_its_longer_form_is_not_its_short_form(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("Lantern", "Lantern Compute", "Parable Labs")))
    ingest(database_url, "http://b/1", lease(("Lantern Compute", "Thimble"), day=20))
    events, _, _ = stored(database_url)
    assert ["Lantern Compute", "Thimble"] in events


def test_a_party_its_sentences_write_with_its_cloud_word_is_a_cloud(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("Ferrum AI", "Kestrel-4 Cloud")))  # "... sign a lease (3)"
    ingest(database_url, "http://b/1", lease(("Ferrum AI", "Kestrel-4")))
    event = {"parties": ["Ferrum AI", "Kestrel-4"], "sources": [{"evidence": "Ferrum AI rents GPUs."}]}
    with session_scope(database_url) as session:
        assert _described_clouds(session, event, ORGS) == ("Kestrel-4",)
