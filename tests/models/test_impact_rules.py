"""The rule baseline applies §3 of the guide literally, thresholds included."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from models.impact_rules import rule_impact

ORGS = OrganizationIndex.load()


def facts(
    kind: str = "partnership",
    parties: tuple[str, ...] = ("CoreWeave", "OpenAI"),
    day: date = date(2025, 1, 1),
    **figures: float,
) -> EventFacts:
    """An announced event of these parties with these figures (the others unknown)."""
    values = {
        "amount_usd": None,
        "capacity_mw": None,
        "gpus": None,
        "duration_years": None,
        "price_change_pct": None,
    }
    values.update(figures)
    return EventFacts(kind, parties, "announced", day, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("figures", "level"),
    [
        ({"amount_usd": 10e9}, "high"),
        ({"amount_usd": 9.99e9}, "medium"),
        ({"amount_usd": 1e9}, "medium"),
        ({"capacity_mw": 1000}, "high"),
        ({"capacity_mw": 100}, "medium"),
        ({"gpus": 100_000}, "high"),
        ({"gpus": 10_000}, "medium"),
    ],
)
def test_size_thresholds(figures: dict[str, float], level: str) -> None:
    assert rule_impact(facts(**figures), "signed a deal", ORGS).level == level


def test_small_deal_of_a_minor_party_is_low() -> None:
    small = facts(parties=("Microsoft", "Northfjord Ferries"), amount_usd=5e7)
    assert rule_impact(small, "signed an agreement", ORGS).level == "low"


def test_named_supplier_between_major_players_without_a_size_is_medium() -> None:
    assert rule_impact(facts(parties=("Lambda", "Microsoft")), "signed a deal", ORGS).level == "medium"


def test_exclusivity_change_between_lab_and_hyperscaler_is_high() -> None:
    event = facts(parties=("Microsoft", "OpenAI"))
    assert rule_impact(event, "Microsoft is no longer the exclusive cloud provider", ORGS).level == "high"


@pytest.mark.parametrize(("pct", "level"), [(-60, "high"), (-45, "medium"), (-10, "medium"), (-7, "low")])
def test_price_changes_of_a_major_provider(pct: float, level: str) -> None:
    impact = rule_impact(facts("pricing", ("Google",), price_change_pct=pct), "cuts prices", ORGS)
    assert impact.level == level and "cost" in impact.themes


def test_data_residency_is_regulatory() -> None:
    event = facts(parties=("Microsoft", "Northfjord Ferries"))
    assert "regulatory" in rule_impact(event, "so that data stays inside the country", ORGS).themes
