"""Ranking by impact (issue 17 item 3): level, then the size of the commitment (dollars, megawatts,
GPUs), then the newest; never the score (the classifier's confidence). In SQL on SQLite and
PostgreSQL, and the same key in Python for events already in the contract's shape."""

from __future__ import annotations

from tests.cli.warehouse_events import SAMPLE, Spec, build
from warehouse.engine import session_scope
from warehouse.schema import Event
from warehouse.timeline import TimelineFilter, rank_by_impact, timeline

EXTRA = [
    Spec(
        "2025-02-01",
        ("Meta",),
        "Meta plans a 5 GW campus",
        "Meta plans 5 GW.",
        level="high",
        score=0.99,
        type="capacity",
        capacity_mw=5000,
    ),
    Spec(
        "2025-02-02",
        ("xAI",),
        "xAI brings 200,000 GPUs online",
        "xAI runs 200,000 GPUs.",
        level="high",
        score=0.99,
        type="capacity",
        gpus=200000,
    ),
    Spec(
        "2025-02-03",
        ("Anthropic", "Google"),
        "Anthropic and Google widen ties",
        "No size given.",
        level="high",
        score=0.99,
    ),
    Spec(
        "2025-02-04",
        ("Mistral AI", "Microsoft"),
        "Mistral takes a $900B order (medium)",
        "A big number.",
        level="medium",
        score=0.99,
        amount_usd=900e9,
    ),
    Spec(
        "2024-02-04",
        ("Lambda", "Nvidia"),
        "Lambda leases Nvidia GPUs",
        "Lambda leases GPUs.",
        level="medium",
        score=0.5,
    ),
    Spec(
        "2025-02-04",
        ("Lambda", "Nvidia"),
        "Lambda leases more Nvidia GPUs",
        "Lambda leases more.",
        level="medium",
        score=0.4,
    ),
]

EXPECTED = [
    "Stargate: OpenAI, Oracle and SoftBank commit $500B",  # high, $500B, score 0.6
    "OpenAI signs a $38B deal with AWS",  # high, $38B, 0.93
    "Microsoft extends its OpenAI partnership",  # high, $10B, 0.88
    "Meta plans a 5 GW campus",  # high, no dollars, 5,000 MW
    "xAI brings 200,000 GPUs online",  # high, GPUs only
    "Anthropic and Google widen ties",  # high, no size
    "Mistral takes a $900B order (medium)",  # medium: below every high, whatever its size
    "Lambda leases more Nvidia GPUs",  # medium, no size: the newer first
    "Lambda leases Nvidia GPUs",
    "CoreWeave buys more Nvidia GPUs",  # low at 0.97: last of the judged
]


def test_sql_ranks_by_level_then_size_then_date_never_score(database_url: str) -> None:
    ids = build(database_url, SAMPLE + EXTRA)
    with session_scope(database_url) as session:
        unjudged = session.get(Event, ids[-1])
        assert unjudged is not None
        unjudged.impact_level = unjudged.impact_rank = unjudged.impact_score = None  # type: ignore[assignment]
        session.add(unjudged)
    with session_scope(database_url) as session:
        ranked = timeline(session, TimelineFilter(), order="impact")
    assert [e["title"] for e in ranked] == [*EXPECTED[:7], EXPECTED[8], EXPECTED[9], EXPECTED[7]]
    assert [e["title"] for e in rank_by_impact(ranked[::-1])] == [e["title"] for e in ranked]


def test_a_low_event_at_097_ranks_below_a_high_one_at_088_and_500b_above_10b(database_url: str) -> None:
    build(database_url, SAMPLE)
    with session_scope(database_url) as session:
        ranked = timeline(session, TimelineFilter(), order="impact")
        oldest_first = timeline(session, TimelineFilter())
        page = timeline(session, TimelineFilter(), order="impact", limit=2, offset=1)
    titles = [e["title"] for e in ranked]
    low, high = (
        titles.index("CoreWeave buys more Nvidia GPUs"),
        titles.index("Microsoft extends its OpenAI partnership"),
    )
    assert [ranked[low]["impact"]["score"], ranked[high]["impact"]["score"]] == [0.97, 0.88] and high < low
    assert titles.index("Stargate: OpenAI, Oracle and SoftBank commit $500B") == 0 < high
    assert [e["title"] for e in rank_by_impact(oldest_first)] == titles
    assert [e["title"] for e in page] == titles[1:3]


def test_python_key_on_the_whole_extra_set(database_url: str) -> None:
    build(database_url, SAMPLE + EXTRA)
    with session_scope(database_url) as session:
        events = timeline(session, TimelineFilter())
    assert [e["title"] for e in rank_by_impact(events)] == EXPECTED
    by_score = sorted(events, key=lambda e: -e["impact"]["score"])
    assert [e["title"] for e in by_score] != EXPECTED  # the data tells the two orders apart
