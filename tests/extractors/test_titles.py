"""Titles that state the news from the facts, roles and terms (extractors/titles.py)."""

from __future__ import annotations

from datetime import date

from extractors.clustering import EventFacts
from extractors.titles import headline, money


def facts(
    type_: str = "partnership", parties: tuple[str, ...] = ("Amazon Web Services", "OpenAI"), **kw: object
) -> EventFacts:
    fields: dict[str, object] = {
        "status": "announced",
        "amount_usd": None,
        "capacity_mw": None,
        "gpus": None,
        "duration_years": None,
        "price_change_pct": None,
        **kw,
    }
    return EventFacts(type=type_, parties=parties, date=date(2025, 11, 3), **fields)  # type: ignore[arg-type]


CLOUD_DEAL = (("Amazon Web Services", "provider"), ("OpenAI", "customer"))


def test_a_compute_deal_names_buyer_seller_and_size() -> None:
    deal = facts(amount_usd=38e9, duration_years=7, roles=CLOUD_DEAL)
    assert headline(deal) == "OpenAI signs $38B, 7-year compute deal with Amazon Web Services"
    assert headline(facts(status="in_talks", roles=CLOUD_DEAL)) == (
        "OpenAI in talks with Amazon Web Services on compute deal"
    )
    assert headline(facts(status="reported", capacity_mw=1200, roles=CLOUD_DEAL)) == (
        "OpenAI signs compute deal with Amazon Web Services (1.2 GW) (reported)"
    )


def test_a_change_of_terms_is_the_news() -> None:
    roles = (("Microsoft", "provider"), ("OpenAI", "customer"))
    restructured = facts(parties=("Microsoft", "OpenAI"), amount_usd=250e9, roles=roles)
    evidence = ["OpenAI has committed to buy $250B of Azure, and Microsoft no longer holds exclusivity."]
    assert headline(restructured, evidence) == "Microsoft gives up exclusivity over OpenAI's cloud ($250B)"
    ended = facts(parties=("Figure AI", "OpenAI"))
    assert headline(ended, ["Figure AI said it has ended its collaboration agreement with OpenAI."]) == (
        "Figure AI and OpenAI end their deal"
    )


def test_investments_capacity_and_prices() -> None:
    invest = facts(
        parties=("Anthropic", "Microsoft"),
        amount_usd=5e9,
        roles=(("Anthropic", "partner"), ("Microsoft", "investor")),
    )
    assert headline(invest) == "Microsoft invests $5B in Anthropic"
    assert headline(facts("capacity", ("Meta",), capacity_mw=2000, amount_usd=10e9)) == (
        "Meta adds 2 GW of capacity ($10B)"
    )
    assert headline(facts("pricing", ("Oracle",), price_change_pct=-45)) == "Oracle cuts prices by 45%"
    assert headline(facts("pricing", ("Oracle",), price_change_pct=12.5)) == "Oracle raises prices by 12.5%"
    assert money(17.4e9) == "$17.4B" and money(500e6) == "$500M"
