"""Timeline order and full-text search in SQL (issue 17 item 1), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.cli.warehouse_events import SAMPLE, Spec, build
from warehouse.engine import session_scope
from warehouse.timeline import TimelineFilter, count_matching, search_terms, timeline


def titles(url: str, query: str | None = None, **kwargs: object) -> list[str]:
    with session_scope(url) as session:
        return [e["title"] for e in timeline(session, TimelineFilter(query=query), **kwargs)]  # type: ignore[arg-type]


OLDEST_FIRST = [s.title for s in SAMPLE]


def test_order_asc_is_oldest_first_and_desc_newest_first(database_url: str) -> None:
    build(database_url, SAMPLE)
    assert titles(database_url) == OLDEST_FIRST
    assert titles(database_url, order="asc") == OLDEST_FIRST
    assert titles(database_url, order="desc") == OLDEST_FIRST[::-1]
    assert titles(database_url, order="desc", limit=2, offset=1) == OLDEST_FIRST[::-1][1:3]


def test_same_day_events_keep_one_order_both_ways(database_url: str) -> None:
    same = [
        Spec("2025-05-05", ("Nvidia", f"Lab {n}"), f"deal {n}", f"Lab {n} buys chips from Nvidia.")
        for n in range(3)
    ]
    build(database_url, same)
    asc = titles(database_url)
    assert titles(database_url, order="desc") == asc[::-1] and sorted(asc) == ["deal 0", "deal 1", "deal 2"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("stargate", ["Stargate: OpenAI, Oracle and SoftBank commit $500B"]),  # title, any case
        ("SOFTBANK", ["Stargate: OpenAI, Oracle and SoftBank commit $500B"]),  # a party
        ("amazon web", ["OpenAI signs a $38B deal with AWS"]),  # a party only (the title says AWS)
        ("h100", ["CoreWeave buys more Nvidia GPUs"]),  # the evidence sentence only
        ("seven-year", ["OpenAI signs a $38B deal with AWS"]),  # evidence, with punctuation
        ("openai", [OLDEST_FIRST[0], OLDEST_FIRST[2], OLDEST_FIRST[3]]),
        ("openai oracle", [OLDEST_FIRST[2]]),  # every word must be found
        ('"compute venture"', [OLDEST_FIRST[2]]),  # a phrase
        ('"venture compute"', []),  # ... in that order
        ("50%", []),  # LIKE wildcards are literal: % matches nothing here
        ("$500", [OLDEST_FIRST[2]]),
        ("_", []),
        ("nothing-like-this", []),
    ],
)
def test_query_searches_title_parties_and_evidence_in_any_case(
    database_url: str, query: str, expected: list[str]
) -> None:
    build(database_url, SAMPLE)
    assert titles(database_url, query) == expected
    with session_scope(database_url) as session:
        assert count_matching(session, TimelineFilter(query=query)) == len(expected)


def test_query_combines_with_the_other_filters_and_order(database_url: str) -> None:
    build(database_url, SAMPLE)
    with session_scope(database_url) as session:
        found = timeline(
            session, TimelineFilter(query="openai", since="2024-01-01", companies=["Amazon Web Services"])
        )
    assert [e["title"] for e in found] == [OLDEST_FIRST[3]]
    assert titles(database_url, "openai", order="desc") == [OLDEST_FIRST[3], OLDEST_FIRST[2], OLDEST_FIRST[0]]


def test_search_terms() -> None:
    assert search_terms('OpenAI  "cloud   deal" "unclosed') == ["OpenAI", "cloud deal", "unclosed"]
    assert search_terms("   ") == [] and search_terms('""') == [] and search_terms(None) == []
