"""Tests for extractors.entities: the bundled organization list, the mention matcher and schema errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import ConfigError
from extractors.entities import CATEGORIES, DEFAULT_PATH, OrganizationIndex, default_index
from tests.conftest import CORPUS_ORGANIZATIONS

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "cloudintel" / "corpus"
GOLD = [json.loads(line) for line in (CORPUS / "gold.jsonl").read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="module")
def index() -> OrganizationIndex:
    return OrganizationIndex.load(extra=CORPUS_ORGANIZATIONS)


def names(index: OrganizationIndex, text: str) -> list[str]:
    return [mention.name for mention in index.find(text)]


# --------------------------------------------------------------------------------------------------
# The bundled list
# --------------------------------------------------------------------------------------------------


def test_bundled_file_loads_with_enough_unique_entries(index: OrganizationIndex) -> None:
    assert DEFAULT_PATH.is_file()
    assert len(index) >= 130
    assert len(set(index.names)) == len(index.names)
    assert default_index() is default_index()


def test_the_shipped_list_holds_none_of_the_sample_corpus_fictional_organizations() -> None:
    fictional = OrganizationIndex.from_yaml(CORPUS_ORGANIZATIONS.read_text(encoding="utf-8"))
    shipped = OrganizationIndex.load()
    assert fictional.names and not set(fictional.names) & set(shipped.names)


def test_no_alias_claimed_by_two_organizations(index: OrganizationIndex) -> None:
    owners: dict[str, set[str]] = {}
    for org in index.organizations:
        for form in (org.name, *org.aliases):
            owners.setdefault(" ".join(form.lower().split()), set()).add(org.name)
    assert {form: orgs for form, orgs in owners.items() if len(orgs) > 1} == {}


def test_categories_and_cloud_flag(index: OrganizationIndex) -> None:
    for org in index.organizations:
        assert org.categories and set(org.categories) <= set(CATEGORIES), org.name
        if {"hyperscale_cloud", "gpu_cloud"} & set(org.categories):
            assert org.cloud_provider, org.name
    counts = Counter(category for org in index.organizations for category in org.categories)
    assert all(counts[category] > 0 for category in CATEGORIES)


@pytest.mark.parametrize(
    ("name", "cloud"),
    [
        ("Amazon Web Services", True),
        ("Microsoft", True),
        ("Google", True),
        ("Oracle", True),
        ("CoreWeave", True),
        ("Lambda", True),
        ("Nebius", True),
        ("Crusoe", True),
        ("Nscale", True),
        ("IREN", True),
        ("Alpstack", True),
        ("OpenAI", False),
        ("SoftBank", False),
        ("MGX", False),
        ("Anthropic", False),
        ("xAI", False),
        ("Meta", False),
        ("Broadcom", False),
        ("Northfjord Ferries", False),
        ("Nvidia", False),
        ("Nobody Inc", False),
    ],
)
def test_cloud_providers_match_the_corpus_conventions(
    index: OrganizationIndex, name: str, cloud: bool
) -> None:
    assert index.is_cloud_provider(name) is cloud


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("aws", "Amazon Web Services"),
        ("AWS", "Amazon Web Services"),
        ("amazon", "Amazon Web Services"),
        ("Amazon  Web   Services", "Amazon Web Services"),
        ("azure", "Microsoft"),
        ("oci", "Oracle"),
        ("google cloud", "Google"),
        ("ALPHABET", "Google"),
        ("meta platforms", "Meta"),
        ("meta", "Meta"),
        ("lambda", "Lambda"),
        ("sk hynix", "SK Hynix"),
        ("a16z", "Andreessen Horowitz"),
        ("nobody", None),
        ("", None),
    ],
)
def test_resolve(index: OrganizationIndex, query: str, expected: str | None) -> None:
    org = index.resolve(query)
    assert (org.name if org else None) == expected


def test_get_is_exact(index: OrganizationIndex) -> None:
    org = index.get("Amazon Web Services")
    assert org is not None and "AWS" in org.aliases and org.cloud_provider
    assert index.get("AWS") is None
    assert index.get("amazon web services") is None
    assert index.is_cloud_provider("AWS")


# --------------------------------------------------------------------------------------------------
# Matching
# --------------------------------------------------------------------------------------------------

POSITIVE = [
    ("Azure is Microsoft's cloud.", ["Microsoft", "Microsoft"]),
    ("OpenAI will run workloads on OCI.", ["OpenAI", "Oracle"]),
    ("OpenAI adds Google Cloud as a supplier.", ["OpenAI", "Google"]),
    ("Alphabet shares rose.", ["Google"]),
    ("Google DeepMind released a model.", ["Google"]),
    ("AWS signs a $38B deal.", ["Amazon Web Services"]),
    ("Amazon Web Services and Amazon both said so.", ["Amazon Web Services", "Amazon Web Services"]),
    (
        "Amazon will invest $4 billion more in Anthropic, its AI partner.",
        ["Amazon Web Services", "Anthropic"],
    ),
    ("Amazon is building new data centers in Indiana.", ["Amazon Web Services"]),
    ("Amazon said demand for cloud services grew.", ["Amazon Web Services"]),
    ("Microsoft's cloud", ["Microsoft"]),
    ("OpenAI’s compute deals", ["OpenAI"]),
    ("OpenAI's compute deals", ["OpenAI"]),
    ("the Microsoft-OpenAI partnership", ["Microsoft", "OpenAI"]),
    ("the Nvidia-backed GPU cloud", ["Nvidia"]),
    ("Intel's foundry", ["Intel"]),
    ("AMD and Nvidia", ["AMD", "Nvidia"]),
    ("chip designer Arm said", ["Arm"]),
    ("GPU cloud provider Lambda will deploy Nvidia GPUs", ["Lambda", "Nvidia"]),
    ("Lambda Labs raised money", ["Lambda"]),
    ("AWS Lambda functions on the cloud; Lambda rents GPUs.", ["Amazon Web Services", "Lambda"]),
    ("Meta plans a 5 GW campus; Meta's Hyperion", ["Meta", "Meta"]),
    ("Meta Platforms said", ["Meta"]),
    ("Apple integrates ChatGPT into the iPhone.", ["Apple"]),
    ("Oracle and OpenAI add 4.5GW", ["Oracle", "OpenAI"]),
    ("Oracle & OpenAI add 4.5GW", ["Oracle", "OpenAI"]),
    ("xAI brings 100,000 H100s online", ["xAI"]),
    ("SoftBank, Oracle and the Abu Dhabi investor MGX", ["SoftBank", "Oracle", "MGX"]),
    ("Together AI rents H100s", ["Together AI"]),
    ("SK hynix and Samsung Electronics supply HBM", ["SK Hynix", "Samsung"]),
    ("Taiwan Semiconductor Manufacturing Co and TSMC", ["TSMC", "TSMC"]),
    ("Google\nCloud and Microsoft\u00a0Azure", ["Google", "Microsoft"]),
    ("(CoreWeave)", ["CoreWeave"]),
    ("CRWV shares", ["CoreWeave"]),
    ("a16z led the round", ["Andreessen Horowitz"]),
    ("Northfjord Ferries moves to Azure", ["Northfjord Ferries", "Microsoft"]),
    ("Alpstack trims prices", ["Alpstack"]),
    ("Constellation will restart the Three Mile Island nuclear reactor", ["Constellation Energy"]),
    ("Safe Superintelligence, known as SSI", ["Safe Superintelligence", "Safe Superintelligence"]),
    ("Character.AI and AI21 Labs", ["Character.AI", "AI21 Labs"]),
]


@pytest.mark.parametrize(("text", "expected"), POSITIVE, ids=[text[:40] for text, _ in POSITIVE])
def test_finds(index: OrganizationIndex, text: str, expected: list[str]) -> None:
    assert names(index, text) == expected


NEGATIVE = [
    "Amazon reported strong holiday sales of books and clothing.",
    "The Amazon rainforest is shrinking.",
    "artificial intelligence and market intel",
    "the army marched arm in arm",
    "Arm in arm they left.",  # gated: no chip context in the text
    "AMDx is not a company; neither is AMD64",
    "metadata and meta tags; a meta description",
    "A Meta-analysis of 40 trials.",
    "an apple a day; the Big Apple",
    "lambda functions and the lambda calculus",
    "Our Lambda functions run on serverless infrastructure.",
    "a price oracle on the blockchain",
    "Push the OCI image to the registry.",
    "azure skies over the bay",
    "Together, the companies will build data centers.",
    "to bring together AI researchers",
    "we scale AI workloads",
    "the model's perplexity fell",
    "Nvidia MGX servers ship in Q3",
    "Explainable AI (XAI) is a field",
    "Robinson Crusoe on his island",
    "a network switch; Switch to the new plan",
    "an inflection point for the industry",
    "Inflection point reached.",
    "OpenAIs",
    "xOpenAI",
    "Googled",
    "_AWS_",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_does_not_find(index: OrganizationIndex, text: str) -> None:
    assert index.find(text) == []


def test_mentions_carry_offsets_and_surface(index: OrganizationIndex) -> None:
    text = "Anthropic picks Amazon Web Services; Google Cloud and AWS compete."
    mentions = index.find(text)
    assert [(m.name, m.surface) for m in mentions] == [
        ("Anthropic", "Anthropic"),
        ("Amazon Web Services", "Amazon Web Services"),
        ("Google", "Google Cloud"),
        ("Amazon Web Services", "AWS"),
    ]
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.surface


def test_failed_long_candidate_falls_back_to_shorter_name(index: OrganizationIndex) -> None:
    # "Together AI" (case-sensitive) fails in lowercase; nothing shorter matches there, and the scan goes on.
    assert names(index, "together ai and Together AI") == ["Together AI"]
    # "Meta Platforms" is case-insensitive; "Meta" alone is not.
    assert names(index, "META PLATFORMS and META") == ["Meta"]


@pytest.mark.parametrize("event", GOLD, ids=[event["key"] for event in GOLD])
def test_every_gold_party_is_found_in_its_pages(index: OrganizationIndex, event: dict) -> None:
    found: set[str] = set()
    for page in event["pages"]:
        html = (CORPUS / "pages" / f"{page}.html").read_text(encoding="utf-8")
        found |= set(names(index, BeautifulSoup(html, "html.parser").get_text(" ")))
    assert set(event["parties"]) <= found


ALIAS_BITS = ["Amazon", "AWS", "Lambda", "Meta", "meta", "Google Cloud", "OpenAI", "’s", "-", "Arm", "Intel"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(ALIAS_BITS), st.sampled_from([" ", "\n"]))))
def test_find_never_raises_and_is_well_formed(index: OrganizationIndex, parts: list[str]) -> None:
    text = "".join(parts)
    previous_end = 0
    for mention in index.find(text):
        assert previous_end <= mention.start < mention.end <= len(text)
        assert text[mention.start : mention.end] == mention.surface
        assert index.get(mention.name) is not None
        previous_end = mention.end


# --------------------------------------------------------------------------------------------------
# Schema errors and user files
# --------------------------------------------------------------------------------------------------

VALID = """\
organizations:
- name: Acme Cloud
  aliases: [Acme]
  categories: [gpu_cloud]
  cloud_provider: true
- name: Beta Labs
  categories: [ai_lab]
  cloud_provider: false
"""


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        (
            VALID.replace("  aliases: [Acme]", "  alias: [Acme]"),
            3,
            "unknown field 'alias'; did you mean 'aliases'",
        ),
        (VALID.replace("- name: Beta Labs\n", "- aliases: [Beta]\n"), 6, "missing 'name'"),
        (VALID.replace("[ai_lab]", "[ai_labs]"), 7, "unknown category 'ai_labs'"),
        (
            VALID.replace("categories: [ai_lab]", "aliases: [ACME]\n  categories: [ai_lab]"),
            7,
            "duplicate alias 'ACME'",
        ),
        (VALID.replace("- name: Beta Labs", "- name: Acme Cloud"), 6, "duplicate organization name"),
        (VALID.replace("cloud_provider: true", "cloud_provider: yes please"), 5, "must be true or false"),
        (VALID.replace("cloud_provider: true", "cloud_provider: false"), 2, "must be true"),
        (VALID.replace("  cloud_provider: false\n", ""), 6, "missing 'cloud_provider'"),
        (VALID.replace("[Acme]", "Acme"), 3, "must be a list"),
        (VALID.replace("[Acme]", "[Acme, '']"), 3, "non-empty string"),
        (VALID.replace("[Acme]", "[Acme, '--']"), 3, "no letter or digit"),
        (VALID.replace("[Acme]", "[Acme, acme]"), 3, "listed twice"),
        (VALID + "  context_aliases: [Beta]\n", 9, "no 'context' words"),
        (VALID + "  context: [x]\n  context_aliases: [Gamma]\n", 10, "is not a name or alias"),
        (VALID + "  exclude: [Acme]\n", 9, "exclusion 'Acme' is a name of 'Acme Cloud'"),
        ("organizations:\n- name: a: b\n", 2, "not valid YAML"),
        ("", 1, "empty"),
        ("orgs: []\n", 1, "unknown top-level key 'orgs'"),
        ("organizations: []\n", 1, "no organizations"),
        ("organizations:\n- just a string\n", 2, "must be a mapping"),
    ],
)
def test_schema_errors_name_file_and_line(text: str, line: int, reason: str) -> None:
    with pytest.raises(ConfigError) as info:
        OrganizationIndex.from_yaml(text, "orgs.yaml")
    message = str(info.value)
    assert message.startswith(f"orgs.yaml:{line}: "), message
    assert reason in message, message


def test_load_reports_the_file_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(VALID.replace("[ai_lab]", "[lab]"), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"^{bad}:7: unknown category"):
        OrganizationIndex.load(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        OrganizationIndex.load(tmp_path / "missing.yaml")


def test_extra_file_adds_and_replaces_entries(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "organizations:\n"
        "- name: Acme Cloud\n  aliases: [Acme]\n  categories: [gpu_cloud]\n  cloud_provider: true\n"
        "- name: Lambda\n  aliases: [Lambda Labs]\n  case_sensitive_aliases: [Lambda]\n"
        "  categories: [gpu_cloud]\n  cloud_provider: true\n",
        encoding="utf-8",
    )
    index = OrganizationIndex.load(extra=extra)
    assert len(index) == len(OrganizationIndex.load()) + 1
    assert index.is_cloud_provider("Acme")
    # The replacement Lambda has no context gate, so bare "Lambda" now matches anywhere.
    assert names(index, "Acme and Lambda met") == ["Acme Cloud", "Lambda"]


def test_extra_file_cannot_steal_a_bundled_alias(tmp_path: Path) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text(
        "organizations:\n- name: Not Amazon\n  aliases: [AWS]\n  categories: [other]\n  cloud_provider: false\n",
        encoding="utf-8",
    )
    with pytest.raises(
        ConfigError, match=rf"^{extra}:3: duplicate alias 'AWS': already a name of 'Amazon Web Services'"
    ):
        OrganizationIndex.load(extra=extra)


def test_case_sensitive_and_gated_names_in_a_user_file() -> None:
    index = OrganizationIndex.from_yaml(
        "organizations:\n"
        "- name: Pear\n  case_sensitive_aliases: [Pear, PEAR]\n  categories: [other]\n  cloud_provider: false\n"
        "  context: [phone, laptop computer]\n  exclude: [Pear tree]\n"
    )
    assert names(index, "Pear and PEAR and pear") == []
    assert names(index, "Pear and PEAR and pear sell a laptop\ncomputer") == ["Pear", "Pear"]
    assert names(index, "A Pear tree; Pear phone") == ["Pear"]
