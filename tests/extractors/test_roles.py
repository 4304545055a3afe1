"""Party roles from the structure of the sentence (extractors/roles.py): the verb's direction first,
then a possessive, then what the parties are; wording of real 2024-2025 announcements."""

from __future__ import annotations

import pytest

from extractors.entities import OrganizationIndex
from extractors.roles import party_roles

ORGS = OrganizationIndex.load()


def roles(sentence: str, kind: str = "partnership") -> dict[str, str]:
    mentions = ORGS.find(sentence)
    parties = sorted({m.name for m in mentions})
    categories = {m.name: (org.categories[0] if (org := ORGS.get(m.name)) else None) for m in mentions}
    return dict(party_roles(kind, parties, mentions, sentence, categories))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (  # a cloud supplying a cloud: only the verb can tell
            "Nebius has agreed to supply Microsoft with dedicated GPU infrastructure worth $17.4 billion.",
            {"Nebius": "provider", "Microsoft": "customer"},
        ),
        (
            "Microsoft will buy AI capacity from Nebius under a five-year contract.",
            {"Nebius": "provider", "Microsoft": "customer"},
        ),
        (
            "Oracle will provide OpenAI with 4.5 gigawatts of data center capacity, the companies said.",
            {"Oracle": "provider", "OpenAI": "customer"},
        ),
        (  # a possessive names the seller
            "Anthropic will expand its use of Google's TPU chips in a deal worth tens of billions.",
            {"Anthropic": "customer", "Google": "provider"},
        ),
        (  # no direction in the words: a cloud and a lab
            "OpenAI signed a seven-year, $38 billion agreement with Amazon Web Services.",
            {"Amazon Web Services": "provider", "OpenAI": "customer"},
        ),
        (
            "Microsoft said it will invest up to $5 billion in Anthropic.",
            {"Microsoft": "investor", "Anthropic": "partner"},
        ),
        (  # two labs, no seller: partners
            "OpenAI and Anthropic signed an agreement on safety testing.",
            {"OpenAI": "partner", "Anthropic": "partner"},
        ),
    ],
)
def test_roles_of_a_partnership(sentence: str, expected: dict[str, str]) -> None:
    assert roles(sentence) == expected


def test_one_party_events_build_or_sell() -> None:
    assert roles("Oracle cut GPU prices by 20%.", "pricing") == {"Oracle": "provider"}
    assert roles("Meta will build a 2 GW data center in Louisiana.", "capacity") == {"Meta": "builder"}


def test_a_huge_sentence_is_read_only_to_its_bound() -> None:
    sentence = "Nebius will supply Microsoft with GPUs. " + "filler words " * 50_000
    assert roles(sentence) == {"Nebius": "provider", "Microsoft": "customer"}
