"""Document writes are idempotent: one row per canonical URL, copies marked, failures kept with reasons."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import select

from extractors.fingerprint import content_hash
from warehouse.documents import PageRecord, retryable_failures, store_pages, validators_for
from warehouse.engine import session_scope
from warehouse.schema import Document

TEXT = "CoreWeave signed a $4 billion expansion with OpenAI, people familiar with the matter said."


@pytest.fixture()
def db(database_url: str) -> str:
    return database_url


def ok(url: str, text: str = TEXT, **extra: object) -> PageRecord:
    return PageRecord(
        requested_url=url,
        source_id=None,
        outcome="ok",
        url=url,
        title="t",
        text=text,
        content_hash=content_hash(text),
        published_at=datetime(2025, 5, 15, 12, tzinfo=UTC),
        **extra,
    )


def store(db: str, *records: PageRecord) -> dict[str, int]:
    with session_scope(db) as session:
        return dict(store_pages(session, list(records)).counts)


def documents(db: str) -> list[Document]:
    with session_scope(db) as session:
        return list(session.exec(select(Document).order_by(Document.id)).all())


def test_storing_the_same_page_twice_stores_it_once(db: str) -> None:
    assert store(db, ok("http://a.example/1")) == {"new": 1}
    assert store(db, ok("http://a.example/1")) == {"unchanged": 1}
    assert len(documents(db)) == 1


def test_dates_come_back_timezone_aware_utc(db: str) -> None:
    store(db, ok("http://a.example/1"))
    assert documents(db)[0].published_at == datetime(2025, 5, 15, 12, tzinfo=UTC)


def test_changed_text_updates_the_same_row(db: str) -> None:
    store(db, ok("http://a.example/1"))
    assert store(db, ok("http://a.example/1", TEXT + " Updated.")) == {"updated": 1}
    [doc] = documents(db)
    assert doc.text and doc.text.endswith("Updated.")


def test_syndicated_copy_under_another_url_is_a_duplicate(db: str) -> None:
    store(db, ok("http://a.example/1"))
    copy = TEXT.upper().replace(",", " ,")  # same words, other case and punctuation
    assert store(db, ok("http://b.example/wire/1", copy)) == {"duplicate": 1}
    original, duplicate = documents(db)
    assert duplicate.fetch_status == "duplicate" and duplicate.duplicate_of == original.id
    assert store(db, ok("http://b.example/wire/1", copy)) == {"unchanged": 1}
    assert len(documents(db)) == 2


def test_failure_is_recorded_with_its_reason_and_retried_only_if_transient(db: str) -> None:
    gone = PageRecord(
        requested_url="http://a.example/gone",
        source_id=None,
        outcome="failed",
        http_status=404,
        error="server answered 404",
    )
    slow = PageRecord(
        requested_url="http://a.example/slow",
        source_id=None,
        outcome="failed",
        error="timed out",
        transient=True,
    )
    assert store(db, gone, slow) == {"failed": 2}
    assert {d.url: d.last_error for d in documents(db)} == {
        "http://a.example/gone": "server answered 404",
        "http://a.example/slow": "timed out",
    }
    with session_scope(db) as session:
        assert retryable_failures(session) == [("http://a.example/slow", None)]


def test_a_failed_page_that_later_succeeds_becomes_one_good_document(db: str) -> None:
    store(
        db,
        PageRecord(
            requested_url="http://a.example/1",
            source_id=None,
            outcome="failed",
            error="reset",
            transient=True,
        ),
    )
    assert store(db, ok("http://a.example/1")) == {"new": 1}
    [doc] = documents(db)
    assert doc.fetch_status == "ok" and doc.last_error is None and not doc.retry_next_run


def test_a_failed_refresh_keeps_the_good_copy(db: str) -> None:
    store(db, ok("http://a.example/1"))
    store(db, PageRecord(requested_url="http://a.example/1", source_id=None, outcome="failed", error="500"))
    [doc] = documents(db)
    assert doc.fetch_status == "ok" and doc.text == TEXT and doc.last_error == "500"


def test_validators_are_kept_per_url(db: str) -> None:
    store(db, ok("http://a.example/1", etag='"v1"', last_modified="Mon, 03 Nov 2025 17:40:00 GMT"))
    with session_scope(db) as session:
        assert validators_for(session, ["http://a.example/1", "http://a.example/2"]) == {
            "http://a.example/1": ('"v1"', "Mon, 03 Nov 2025 17:40:00 GMT")
        }
