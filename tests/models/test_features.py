"""The model's readings of §3: sums in any currency, vague sizes, and the cues of the qualitative rules."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.entities import OrganizationIndex
from models.features import prepare, superseded, usd_estimate
from models.rubric import rubric
from tests.models.test_impact_rules import facts

ORGS = OrganizationIndex.load()


def level(
    kind: str,
    parties: tuple[str, ...],
    text: str,
    day: date = date(2025, 6, 1),
    **figures: float,
) -> str:
    return rubric(prepare(facts(kind, parties, day, **figures), text, text, ORGS)).level


@pytest.mark.parametrize(
    ("text", "dollars"),
    [
        ("AWS will invest 8 billion pounds in UK data centres.", 10.4e9),
        ("Amazon will invest 20 billion Australian dollars in Australia.", 13e9),
        ("Naver will invest 3 trillion won in a data centre.", 2.19e9),
        ("Sakura Internet will spend 120 billion yen on GPUs.", 0.816e9),
        ("Groq raised $750 million, valuing the chip maker at $6.9 billion.", 0.75e9),
        ("CoreWeave raised $1.1 billion at a $19 billion valuation.", 1.1e9),
        ("The two firms signed a partnership.", 0.0),
        # the event is the increment, not the running total after it
        (
            "Lumen signed a $2 billion expansion, bringing the total value of its contracts to $9 billion.",
            2e9,
        ),
        ("Lumen's contracts now total $9 billion.", 9e9),
    ],
)
def test_sums_in_any_currency_at_a_rough_dollar_rate_without_valuations(text: str, dollars: float) -> None:
    assert usd_estimate(text) == pytest.approx(dollars, rel=0.01)


@pytest.mark.parametrize(
    ("kind", "parties", "text", "figures", "expected"),
    [
        # flagship cuts by a major provider are high; small models, discount tiers, small providers are not
        (
            "pricing",
            ("Google",),
            "Google cut Gemini 2.5 Pro, its most capable model, by 60%.",
            {"price_change_pct": -60},
            "high",
        ),
        (
            "pricing",
            ("OpenAI",),
            "OpenAI cut the price of GPT-5 mini by 60%.",
            {"price_change_pct": -60},
            "medium",
        ),
        (
            "pricing",
            ("OpenAI",),
            "Batch API jobs are billed at a 50% discount.",
            {"price_change_pct": -50},
            "medium",
        ),
        ("pricing", ("Lambda",), "Lambda cut its B200 prices by 55%.", {"price_change_pct": -55}, "medium"),
        ("pricing", ("Alpstack",), "Alpstack trimmed GPU prices 7%.", {"price_change_pct": -7}, "low"),
        ("pricing", ("Google",), "Google raised Gemini prices 60%.", {"price_change_pct": 60}, "medium"),
        # exclusive or primary provider: created or moved is high; confirmed, or "built exclusively for", is not
        (
            "partnership",
            ("Google", "Mistral AI"),
            "Google Cloud becomes Mistral AI's primary cloud provider.",
            {},
            "high",
        ),
        (
            "partnership",
            ("Amazon Web Services", "Anthropic"),
            "Anthropic chose AWS as the main partner for training its models.",
            {},
            "high",
        ),
        (
            "partnership",
            ("Microsoft", "OpenAI"),
            "Azure remains OpenAI's exclusive cloud under their existing agreement.",
            {},
            "low",
        ),
        (
            "partnership",
            ("Microsoft", "xAI"),
            "Microsoft built 8,000 GPUs exclusively for xAI.",
            {"gpus": 8000},
            "low",
        ),
        (
            "partnership",
            ("Cohere", "Firmus"),
            "Cohere names Firmus its exclusive cloud in Australia.",
            {},
            "low",
        ),
        # a new named supplier between major players with no size is medium; an expansion or a pilot is not
        (
            "partnership",
            ("Anthropic", "Oracle"),
            "Anthropic signed its first deal with Oracle Cloud.",
            {},
            "medium",
        ),
        (
            "partnership",
            ("CoreWeave", "Meta"),
            "Meta expanded its existing contract with CoreWeave.",
            {},
            "low",
        ),
        (
            "partnership",
            ("Deutsche Telekom", "Google"),
            "Deutsche Telekom and Google Cloud pilot a sovereign AI service.",
            {},
            "low",
        ),
        (
            "partnership",
            ("Genesis Cloud", "Liquid AI"),
            "Liquid AI signs an undisclosed deal with Genesis Cloud.",
            {},
            "low",
        ),
        (
            "partnership",
            ("Databricks", "OpenAI"),
            "Databricks will pay OpenAI $100 million.",
            {"amount_usd": 100e6},
            "low",
        ),
        # vague sizes
        ("capacity", ("Google",), "Google will spend billions of dollars on a new campus.", {}, "medium"),
        ("capacity", ("Sakura Internet",), "Sakura Internet will invest billions of yen in GPUs.", {}, "low"),
        ("capacity", ("xAI",), "xAI is raising tens of billions of dollars for a new cluster.", {}, "high"),
        ("capacity", ("Amazon Web Services",), "AWS will spend 15.7 billion euros in Aragon.", {}, "high"),
    ],
)
def test_the_guide_read_with_cues(
    kind: str, parties: tuple[str, ...], text: str, figures: dict[str, float], expected: str
) -> None:
    assert level(kind, parties, text, **figures) == expected


def test_a_cut_on_a_superseded_headline_model_is_not_a_flagship_cut() -> None:
    assert superseded("OpenAI halves gpt-3.5-turbo input price", date(2024, 1, 25))
    assert not superseded("ChatGPT API priced 90% below existing GPT-3.5 models", date(2023, 3, 1))
    assert not superseded("GPT-4o launched at half the price of GPT-4 Turbo", date(2024, 5, 13))
    text = "OpenAI halved the price of gpt-3.5-turbo input tokens."
    assert level("pricing", ("OpenAI",), text, date(2024, 1, 25), price_change_pct=-50) == "medium"
    assert level("pricing", ("OpenAI",), text, date(2023, 3, 1), price_change_pct=-50) == "high"


def test_giving_up_exclusivity_between_a_frontier_lab_and_a_hyperscaler_is_high_whatever_is_kept() -> None:
    text = "Microsoft is no longer OpenAI's exclusive cloud provider; it keeps a right of first refusal."
    assert level("partnership", ("Microsoft", "OpenAI"), text) == "high"
    kept = "OpenAI said Microsoft remains its primary cloud provider."
    assert level("partnership", ("Microsoft", "OpenAI"), kept) != "high"
