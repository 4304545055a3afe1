"""Event detection on articles written for these tests (not the corpus): each rule of the guide."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractors.entities import OrganizationIndex
from extractors.events import Candidate, detect_events
from tests.conftest import CORPUS_ORGANIZATIONS

ORGS = OrganizationIndex.load(extra=CORPUS_ORGANIZATIONS)
THURSDAY = datetime(2025, 11, 6, 15, 0, tzinfo=UTC)  # a Thursday


def detect(title: str, *paragraphs: str, published: datetime = THURSDAY) -> list[Candidate]:
    return detect_events(title, "\n\n".join(paragraphs), published, ORGS)


def test_deal_days_after_another_change_names_only_the_new_counterparty() -> None:
    [event] = detect(
        "OpenAI signs $38B compute deal with AWS days after reworking its Microsoft partnership",
        "OpenAI has signed a seven-year, $38 billion agreement to buy computing capacity from Amazon Web "
        "Services, the companies said on Monday, days after it reworked its partnership with Microsoft.",
    )
    assert event.type == "partnership" and event.parties == ("Amazon Web Services", "OpenAI")
    assert event.amount_usd == 38e9 and event.duration_years == 7 and event.status == "announced"
    assert event.date == date(2025, 11, 3)  # "on Monday" before a Thursday publication


def test_unnamed_sources_make_a_reported_event() -> None:
    [event] = detect(
        "Nebius lands Microsoft capacity contract, sources say",
        "Nebius has agreed to supply GPU capacity to Microsoft worth about $2 billion, according to two people "
        "familiar with the matter.",
    )
    assert event.status == "reported" and event.parties == ("Microsoft", "Nebius")
    assert event.amount_usd == 2e9


def test_talks_make_an_in_talks_event() -> None:
    [event] = detect(
        "Anthropic in talks with Google over more TPUs",
        "Anthropic is in advanced talks with Google to secure additional TPU capacity from Google Cloud, the "
        "company confirmed on Wednesday.",
    )
    assert event.status == "in_talks" and event.parties == ("Anthropic", "Google")


def test_chip_brand_in_a_product_name_is_not_a_party() -> None:
    [event] = detect(
        "Crusoe to host Nvidia GB200 systems for Mistral",
        "Crusoe will deploy Nvidia GB200 systems for Mistral AI in Norway under a multi-year contract, the "
        "companies said on Tuesday.",
    )
    assert event.parties == ("Crusoe", "Mistral AI") and event.duration_years is None


def test_price_cut_with_its_percentage() -> None:
    [event] = detect(
        "DigitalOcean lowers GPU droplet prices",
        "DigitalOcean said on Wednesday it will cut the price of its H100 GPU droplets by 30% from next month.",
    )
    assert event.type == "pricing" and event.parties == ("DigitalOcean",) and event.price_change_pct == -30


def test_unchanged_price_is_not_an_event() -> None:
    assert (
        detect(
            "Mistral releases a new model at the same price",
            "Mistral AI on Tuesday released a larger model; its API price is unchanged from the previous version.",
        )
        == []
    )


def test_capacity_of_one_company_with_its_power() -> None:
    [event] = detect(
        "Amazon to build 2.2GW data center campus in Indiana",
        "Amazon Web Services said on Monday it plans to build a new data center campus of 2.2 gigawatts in "
        "Indiana, its largest in the state.",
    )
    assert (
        event.type == "capacity" and event.parties == ("Amazon Web Services",) and event.capacity_mw == 2200
    )


def test_capacity_without_a_figure_or_a_new_site_is_not_an_event() -> None:
    assert (
        detect(
            "Lambda explains its cloud",
            "Lambda said on Monday that its instances run in third-party data centers near Dallas.",
        )
        == []
    )


@pytest.mark.parametrize(
    "title",
    [
        "Opinion: Why the compute boom will end",
        "Oracle reports fiscal second-quarter results as cloud revenue jumps",
        "CoreWeave sued by investors over Microsoft disclosures",
        "Lambda to Participate in Two Technology Investor Conferences in March",
        "Oracle to Host Fiscal Third-Quarter Earnings Conference Call",
    ],
)
def test_genres_that_are_never_events(title: str) -> None:
    assert (
        detect(
            title,
            "Oracle said on Tuesday it signed a $30 billion cloud agreement with OpenAI for more capacity, and "
            "Microsoft agreed to buy capacity from CoreWeave.",
        )
        == []
    )


def test_a_deal_recalled_without_attribution_or_date_is_not_an_event() -> None:
    assert (
        detect(
            "OpenAI rethinks its cloud strategy",
            "OpenAI has moved to broaden its cloud options as demand for its models grows.",
            "Microsoft poured funding and engineering support into OpenAI for years, steering customers to Azure.",
        )
        == []
    )


def test_a_deal_outside_the_headline_s_companies_is_context() -> None:
    events = detect(
        "Lambda signs multi-year GPU deal with Microsoft",
        "Lambda has signed a multi-year agreement to deploy GPU infrastructure for Microsoft, the company said "
        "on Monday. Separately, IREN signed a $9.7 billion contract to supply capacity to Microsoft.",
    )
    assert [e.parties for e in events] == [("Lambda", "Microsoft")]


def test_vague_sizes_give_no_figures() -> None:
    [event] = detect(
        "Nscale signs deal with Microsoft",
        "Nscale signed a multibillion-dollar agreement to provide tens of thousands of GPUs to Microsoft, the "
        "company said on Thursday.",
    )
    assert event.amount_usd is None and event.gpus is None


def test_two_sentences_about_one_event_give_one_candidate() -> None:
    events = detect(
        "Google and Anthropic expand TPU deal",
        "Google and Anthropic on Thursday announced an expanded agreement covering up to one million TPUs. "
        "Google said the expanded agreement is worth tens of billions of dollars.",
    )
    assert len(events) == 1 and events[0].gpus == 1_000_000


def test_explicit_month_day_dates_the_event() -> None:
    [event] = detect(
        "Meta plans 1GW Ohio cluster",
        "Meta Platforms said on Sunday, November 2, it will bring a new 1GW cluster online in Ohio in 2026.",
    )
    assert event.date == date(2025, 11, 2)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=3000))
def test_detection_never_raises_on_arbitrary_text(title: str, text: str) -> None:
    for event in detect_events(title, text, THURSDAY, ORGS):
        assert event.type in ("partnership", "capacity", "pricing") and event.parties
