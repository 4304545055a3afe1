"""An unknown company written two ways in two articles ("Tessellate" / "Tessellate Silicon") is one
party of the timeline, under the longer form unless a source gives the shorter with a legal suffix
("Halite Inc."), whichever article came first; different companies are left alone."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlmodel import select

from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from extractors.org_recognizer import legal_name, name_core
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


def ingest(db: str, url: str, *candidates: Candidate, text: str = "t", site: str | None = None) -> list[str]:
    """Store one article's mentions as the pipeline does: name forms folded, then clustered."""
    with session_scope(db) as session:
        published = datetime(2026, 2, 3, tzinfo=UTC)
        document = Document(url=url, title=url, text=text, published_at=published, site_name=site)
        session.add(document)
        session.flush()
        folded, _ = fold_name_forms(session, candidates, ORGS, text, site)
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
    assert legal_name("Halite", "Halite, Inc. said") and legal_name("Halite", "by Halite Ltd.")
    assert not legal_name("Halite", "Halite Cloud Inc.") and not legal_name("Halite", "Halite said")


def test_a_longer_form_after_the_short_one_renames_it_and_joins_its_event(database_url: str) -> None:
    [first] = ingest(database_url, "http://a/1", lease(("CoreWeave", "Tessellate")))
    assert ingest(database_url, "http://b/1", lease(("CoreWeave", "Tessellate Silicon"))) == []
    events, parties, mentions = stored(database_url)
    assert events == [["CoreWeave", "Tessellate Silicon"]] and parties == ["CoreWeave", "Tessellate Silicon"]
    assert mentions == [["CoreWeave", "Tessellate Silicon"], ["CoreWeave", "Tessellate Silicon"]]
    with session_scope(database_url) as session:
        event = session.get(Event, first)
        assert event is not None and ["Tessellate Silicon", "partner"] in event.roles


def test_a_short_form_after_the_longer_one_joins_its_event(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("CoreWeave", "Tessellate Silicon")))
    assert ingest(database_url, "http://b/1", lease(("CoreWeave", "Tessellate"))) == []
    events, parties, _ = stored(database_url)
    assert events == [["CoreWeave", "Tessellate Silicon"]] and parties == ["CoreWeave", "Tessellate Silicon"]


def test_a_legal_name_is_the_shorter_form_whichever_article_writes_it(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("CoreWeave", "Halite Cloud")))
    later = ingest(
        database_url, "http://b/1", lease(("CoreWeave", "Halite")), text="Halite Inc. signed a lease."
    )
    assert later == []
    events, parties, mentions = stored(database_url)
    assert events == [["CoreWeave", "Halite"]] and parties == ["CoreWeave", "Halite"]
    assert mentions == [["CoreWeave", "Halite"], ["CoreWeave", "Halite"]]
    ingest(database_url, "http://c/1", lease(("CoreWeave", "Halite Cloud")))  # the legal name is stored
    assert stored(database_url)[1] == ["CoreWeave", "Halite"]


def test_the_name_of_a_company_s_own_site_is_the_shorter_form(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("Ferrum AI", "Kestrel-4")), site="Kestrel-4 Blog")
    ingest(database_url, "http://b/1", lease(("Ferrum AI", "Kestrel-4 Cloud")), site="The Wire")
    assert stored(database_url)[1] == ["Ferrum AI", "Kestrel-4"]


def test_an_unknown_longer_form_folds_and_another_name_does_not(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("Halite", "Microsoft")))
    ingest(database_url, "http://b/1", lease(("Halite Energy", "Microsoft"), day=20))  # folded
    ingest(database_url, "http://c/1", lease(("Halitex Cloud", "Oracle"), day=25))  # another name
    _, parties, _ = stored(database_url)
    assert parties == ["Halite Energy", "Halitex Cloud", "Microsoft", "Oracle"]


def test_folding_twice_stores_nothing_twice(database_url: str) -> None:
    ingest(database_url, "http://a/1", lease(("CoreWeave", "Tessellate")))
    ingest(database_url, "http://b/1", lease(("CoreWeave", "Tessellate Silicon")))
    before = stored(database_url)
    ingest(database_url, "http://c/1", lease(("CoreWeave", "Tessellate")))
    events, parties, mentions = stored(database_url)
    assert events == before[0] and parties == before[1] and len(mentions) == 3
