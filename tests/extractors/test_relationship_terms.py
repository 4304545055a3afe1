"""The relationship terms an event's sentences state (extractors/relationship_terms.py)."""

from __future__ import annotations

import pytest

from extractors.relationship_terms import MAX_CHARS, is_investment, relationship_term


@pytest.mark.parametrize(
    ("sentence", "state"),
    [
        (
            "Microsoft, which has been OpenAI's exclusive cloud provider since 2019, invested again.",
            "exclusive",
        ),
        ("OpenAI's models will run exclusively on Azure under the extended agreement.", "exclusive"),
        ("The deal makes Lambda the exclusive GPU supplier for the lab's training runs.", "exclusive"),
        (
            "Microsoft will no longer be OpenAI's exclusive cloud provider but retains a right of first refusal.",
            "right_of_first_refusal",
        ),
        ("Microsoft has a right of first refusal on new OpenAI capacity.", "right_of_first_refusal"),
        ("Microsoft gives up its right of first refusal over OpenAI's compute.", "non_exclusive"),
        ("Microsoft no longer holds a right of first refusal on OpenAI's compute.", "non_exclusive"),
        ("Azure is no longer the start-up's exclusive cloud provider.", "non_exclusive"),
        ("The two companies ended their exclusivity arrangement on Tuesday.", "non_exclusive"),
        ("The supply agreement is non-exclusive, the filing shows.", "non_exclusive"),
        ("Snowflake terminated its contract with the GPU cloud last week.", "ended"),
        ("The companies scrapped the partnership after six months.", "ended"),
        ("Figure said it had exited its collaboration agreement with OpenAI.", "ended"),
        ("OpenAI signs a $38 billion, seven-year deal with AWS.", None),
        (
            "Nebius told Reuters in an exclusive interview that it signed a $17.4 billion deal with Microsoft.",
            None,
        ),
        ("CoreWeave expanded its agreement with OpenAI by $6.5 billion.", None),
    ],
)
def test_the_state_a_sentence_sets(sentence: str, state: str | None) -> None:
    assert relationship_term([sentence]) == state


@pytest.mark.parametrize(
    ("sentence", "investment"),
    [
        ("Amazon will invest another $4 billion in Anthropic.", True),
        ("SoftBank leads a $40 billion funding round in OpenAI.", True),
        (
            "Anthropic commits to buy $30 billion of Azure compute; Microsoft will invest up to $5 billion.",
            False,
        ),
        ("OpenAI signed a $38 billion contract with AWS.", False),
    ],
)
def test_an_investment_is_not_a_purchase(sentence: str, investment: bool) -> None:
    assert is_investment([sentence]) is investment


def test_only_the_first_max_chars_are_read() -> None:
    hostile = "exclusive " * 200_000 + "right of first refusal " * 50_000  # 3 MB: cut, never scanned whole
    assert relationship_term([hostile]) is None  # "exclusive exclusive ..." names no relationship term
    assert relationship_term(["x" * MAX_CHARS, "terminated its contract"]) is None  # beyond the cut
    assert relationship_term(["x" * (MAX_CHARS - 40), "terminated its contract"]) == "ended"
