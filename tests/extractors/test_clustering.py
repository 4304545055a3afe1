"""Clustering: one event per real-world event, a later expansion is new, ids are stable."""

from __future__ import annotations

from datetime import date

from extractors.clustering import EventFacts, best_match, event_id, merge, same_event
from extractors.events import Candidate


def mention(parties: tuple[str, ...], day: date, amount: float | None = None, **extra: object) -> Candidate:
    fields: dict[str, object] = {"status": "announced", "evidence": "e", "amount_usd": amount, **extra}
    return Candidate("partnership", parties, date=day, **fields)  # type: ignore[arg-type]


def facts(c: Candidate) -> EventFacts:
    return merge([c])


def test_same_parties_days_apart_are_one_event() -> None:
    first = mention(("CoreWeave", "OpenAI"), date(2025, 5, 15), 4e9)
    assert same_event(mention(("CoreWeave", "OpenAI"), date(2025, 5, 16), 4e9), facts(first))
    assert same_event(mention(("CoreWeave", "OpenAI"), date(2025, 5, 22)), facts(first))  # a week later


def test_a_later_expansion_of_the_same_parties_is_a_new_event() -> None:
    may = facts(mention(("CoreWeave", "OpenAI"), date(2025, 5, 15), 4e9))
    assert not same_event(mention(("CoreWeave", "OpenAI"), date(2025, 9, 25), 6.5e9), may)  # months later
    assert not same_event(mention(("CoreWeave", "OpenAI"), date(2025, 5, 20), 6.5e9), may)  # another sum


def test_party_overlap_of_at_least_half_matches() -> None:
    stargate = facts(mention(("MGX", "OpenAI", "Oracle", "SoftBank"), date(2025, 1, 21)))
    assert same_event(mention(("OpenAI", "Oracle", "SoftBank"), date(2025, 1, 22)), stargate)
    assert not same_event(mention(("Microsoft", "OpenAI"), date(2025, 1, 21)), stargate)


def test_best_match_prefers_the_closest_party_set() -> None:
    events = [
        ("a", facts(mention(("MGX", "OpenAI", "Oracle", "SoftBank"), date(2025, 1, 21)))),
        ("b", facts(mention(("OpenAI", "Oracle"), date(2025, 1, 21)))),
    ]
    assert best_match(mention(("OpenAI", "Oracle"), date(2025, 1, 22)), events) == "b"
    assert best_match(mention(("Google", "OpenAI"), date(2025, 1, 22)), events) is None


def test_merge_takes_earliest_date_best_status_and_first_stated_figures() -> None:
    merged = merge(
        [
            mention(("Google", "OpenAI"), date(2025, 6, 10), status="reported"),
            mention(("Google", "OpenAI"), date(2025, 6, 9), 2e9, status="announced", duration_years=3.0),
            mention(("Google", "OpenAI"), date(2025, 6, 12), 3e9),
        ]
    )
    assert merged.date == date(2025, 6, 9) and merged.status == "announced"
    assert merged.amount_usd == 2e9 and merged.duration_years == 3.0


def test_event_ids_are_stable_and_readable() -> None:
    c = mention(("Lambda", "Microsoft"), date(2025, 11, 3))
    assert event_id(c) == event_id(mention(("Lambda", "Microsoft"), date(2025, 11, 3)))
    assert event_id(c) != event_id(mention(("Lambda", "Microsoft"), date(2025, 11, 3), evidence="other"))
    assert event_id(c).startswith("2025-11-03-partnership-lambda-microsoft-")


def test_an_event_id_fits_the_warehouse_column_however_many_parties() -> None:
    parties = ("Gildhall Digital Infrastructure", "Lantern Compute", "OpenAI", "Parable Labs")
    long_id = event_id(mention(parties, date(2025, 11, 3)))
    assert len(long_id) <= 64 and long_id.startswith("2025-11-03-partnership-gildhall-digital-")
