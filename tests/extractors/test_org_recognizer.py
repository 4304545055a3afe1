"""Tests for extractors.org_recognizer: known and unknown organizations, names, categories, limits.

One recognizer per module (spaCy loads once per session). The index is a small list written here, so
which names are "unknown" does not change when the bundled list grows.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from extractors.entities import CATEGORIES, OrganizationIndex
from extractors.org_recognizer import (
    MAX_CHARS,
    FoundOrg,
    OrgRecognizer,
    describe_category,
    normalise_name,
    site_company,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "fixtures" / "org_sentences.jsonl"

LIST = """
organizations:
- name: Microsoft
  aliases: [Microsoft Corp, Microsoft Azure]
  case_sensitive_aliases: [Azure]
  categories: [hyperscale_cloud]
  cloud_provider: true
- name: Amazon Web Services
  aliases: [AWS]
  categories: [hyperscale_cloud]
  cloud_provider: true
- name: Nvidia
  categories: [chip_maker, investor]
  cloud_provider: false
- name: OpenAI
  categories: [ai_lab]
  cloud_provider: false
- name: CoreWeave
  categories: [gpu_cloud]
  cloud_provider: true
- name: Lambda
  aliases: [Lambda Labs]
  categories: [gpu_cloud]
  cloud_provider: true
  context: [GPU, GPUs, cloud]
  context_aliases: [Lambda]
"""


@pytest.fixture(scope="module")
def index() -> OrganizationIndex:
    return OrganizationIndex.from_yaml(LIST, "test-list")


@pytest.fixture(scope="module")
def recognizer(index: OrganizationIndex) -> OrgRecognizer:
    return OrgRecognizer(index)


def unknown(recognizer: OrgRecognizer, text: str) -> dict[str, str | None]:
    """Unknown organizations found in ``text``: name -> category."""
    return {f.name: f.category for f in recognizer.find(text) if not f.known}


def names(recognizer: OrgRecognizer, text: str) -> list[str]:
    return [f.name for f in recognizer.find(text)]


# --------------------------------------------------------------------------------------------------
# Known organizations: exactly the list's mentions
# --------------------------------------------------------------------------------------------------


def test_known_organizations_are_where_the_list_finds_them(
    recognizer: OrgRecognizer, index: OrganizationIndex
) -> None:
    text = "Microsoft's Azure unit signed a $6 billion deal with CoreWeave for Nvidia GB200 GPUs."
    found = [f for f in recognizer.find(text) if f.known]
    expected = index.find(text)
    assert [(f.name, f.start, f.end, f.surface) for f in found] == [
        (m.name, m.start, m.end, m.surface) for m in expected
    ]
    by_name = {f.name: f for f in found}
    assert by_name["CoreWeave"].category == "gpu_cloud" and by_name["CoreWeave"].cloud_provider
    assert by_name["Nvidia"].category == "chip_maker" and not by_name["Nvidia"].cloud_provider
    assert all(text[f.start : f.end] == f.surface for f in recognizer.find(text))


def test_a_context_gated_list_name_counts_only_with_its_context(recognizer: OrgRecognizer) -> None:
    # the list gates bare "Lambda" on cloud words; without them it is neither known nor unknown
    assert "Lambda" not in names(recognizer, "Lambda calculus is taught in every computer science course.")
    found = recognizer.find("GPU cloud Lambda raised $480 million.")
    assert [(f.name, f.known, f.category) for f in found] == [("Lambda", True, "gpu_cloud")]


def test_the_list_wins_an_overlap(recognizer: OrgRecognizer) -> None:
    # NER reads "Nvidia GB200" as one organization; the list's "Nvidia" wins and GB200 is no company
    found = recognizer.find("The Nscale Group will deploy 100,000 Nvidia GB200 chips in Norway in Q3.")
    assert [(f.name, f.known) for f in found] == [("Nscale Group", False), ("Nvidia", True)]


# --------------------------------------------------------------------------------------------------
# Unknown organizations and their categories
# --------------------------------------------------------------------------------------------------


def test_apposition_names_an_unknown_gpu_cloud(recognizer: OrgRecognizer) -> None:
    text = "Sesterce, a French GPU cloud provider, signed a deal with Microsoft for 40 MW in Marseille."
    found = recognizer.find(text)
    assert [f.name for f in found] == ["Sesterce", "Microsoft"]
    sesterce = found[0]
    assert sesterce == FoundOrg("Sesterce", 0, 8, "Sesterce", False, "gpu_cloud", True)


@pytest.mark.parametrize(
    ("text", "name", "category"),
    [
        (
            "Data-center developer Aligned agreed to build a 300 MW campus for AWS.",
            "Aligned",
            "data_center_operator",
        ),
        ("Chipmaker Tenstorrent raised $700 million from a group of investors.", "Tenstorrent", "chip_maker"),
        ("Former bitcoin miner TeraWulf leased 200 MW to CoreWeave.", "TeraWulf", "data_center_operator"),
        ("OpenAI and French AI lab Mistral both rent GPUs from CoreWeave.", "Mistral", "ai_lab"),
        ("Infrastructure investor Stonepeak committed $3.2 billion to the site.", "Stonepeak", "investor"),
        ("A deal with GPU cloud provider Voltstack covers 20,000 GPUs.", "Voltstack", "gpu_cloud"),
        (
            "Iceland's atNorth, a Nordic colocation provider, will host the cluster.",
            "atNorth",
            "data_center_operator",
        ),
        (
            "Evroc, a Swedish hyperscaler, picked Nvidia chips for its Arlanda site.",
            "Evroc",
            "hyperscale_cloud",
        ),
        ("Ardian, a French private equity firm, bought the operator.", "Ardian", "investor"),
        ("Fluidstack, the London-based AI cloud, signed with Microsoft.", "Fluidstack", "gpu_cloud"),
        (
            "Sify, one of India's largest data center operators, won the contract.",
            "Sify",
            "data_center_operator",
        ),
        ("Vexa Power, a Texas utility, will supply the campus.", "Vexa Power", "other"),
    ],
)
def test_category_from_how_the_text_describes_the_company(
    recognizer: OrgRecognizer, text: str, name: str, category: str
) -> None:
    found = unknown(recognizer, text)
    assert found.get(name, "missing") == category, found


def test_relative_clause_describes_a_data_center_operator(recognizer: OrgRecognizer) -> None:
    text = "Applied Digital, which operates data centers in North Dakota, signed a lease with CoreWeave."
    assert unknown(recognizer, text) == {"Applied Digital": "data_center_operator"}


def test_an_unknown_cloud_is_a_cloud_provider_and_an_undescribed_company_has_no_category(
    recognizer: OrgRecognizer,
) -> None:
    found = {
        f.name: f
        for f in recognizer.find("Nebul, a Dutch neocloud, signed a lease with Kestrel Systems Inc.")
    }
    assert found["Nebul"].category == "gpu_cloud" and found["Nebul"].cloud_provider
    assert found["Kestrel Systems"].category is None and not found["Kestrel Systems"].cloud_provider


def test_company_shaped_names_that_ner_mislabels(recognizer: OrgRecognizer) -> None:
    # out of the box NER reads "Data4" as a place and "TeraWulf" as a date or facility
    assert "Data4" in unknown(recognizer, "Data4 will build a 250 MW campus near Milan.")
    assert "TeraWulf" in unknown(recognizer, "Shares rose after TeraWulf signed a lease with Microsoft.")


def test_deal_context_and_organization_only_contexts(recognizer: OrgRecognizer) -> None:
    assert "Poolside" in unknown(recognizer, "Under the deal, CoreWeave will rent 40,000 GPUs to Poolside.")
    assert "Bernstein" in unknown(recognizer, "Analysts at Bernstein expect capex to rise in 2026.")
    assert "Ardian" in unknown(recognizer, "The Verne Group was acquired by Ardian last year.")


# --------------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("surface", "name"),
    [
        ("Fluidstack Ltd.", "Fluidstack"),
        ("TeraWulf's", "TeraWulf"),
        ("the Nscale Group", "Nscale Group"),
        ("Nebius Group N.V.", "Nebius Group"),
        ("Crusoe Energy Systems, LLC", "Crusoe Energy Systems"),
        ("Siemens AG", "Siemens"),
        ("Data4 S.A.", "Data4"),
        ("Hut 8 Corp.", "Hut 8"),
        ("Kestrel Systems, Inc.'s", "Kestrel Systems"),
        ("DigitalBridge Group plc", "DigitalBridge Group"),
        ("Aker ASA", "Aker"),
        ("Northern Data GmbH", "Northern Data"),
        # other countries' legal forms, and Indonesia's leading "PT"
        ("Tavira Cloud S.L.", "Tavira Cloud"),
        ("Karadeniz Bulut A.Ş.", "Karadeniz Bulut"),
        ("Vltavská Data a.s.", "Vltavská Data"),
        ("Godavari AI Private Limited", "Godavari AI"),
        ("PT Awan Nusantara Tbk", "Awan Nusantara"),
        ("Najran Cloud Company", "Najran Cloud"),
        ("Wisła Compute Sp. z o.o.", "Wisła Compute"),
        ("Carpați Cloud SRL", "Carpați Cloud"),
        ("Selat Digital Berhad", "Selat Digital"),
        ("Inbhear Data DAC", "Inbhear Data"),
        ("Dzintars Labs SIA", "Dzintars Labs"),
        ("Taiga Compute OOO", "Taiga Compute"),
        ("Pt Reyes Farms", "Pt Reyes Farms"),  # "PT" only in capitals
    ],
)
def test_normalise_name(surface: str, name: str) -> None:
    assert normalise_name(surface) == name


def test_names_in_text_are_normalised_and_keep_their_surface(recognizer: OrgRecognizer) -> None:
    text = "Hive Digital Technologies Ltd. leased 20 MW to TeraWulf's customer Fluidstack Ltd."
    found = {f.name: f for f in recognizer.find(text)}
    assert set(found) >= {"Hive Digital Technologies", "TeraWulf", "Fluidstack"}
    assert found["Hive Digital Technologies"].surface == "Hive Digital Technologies Ltd."
    assert text[found["Fluidstack"].start : found["Fluidstack"].end] == found["Fluidstack"].surface


# --------------------------------------------------------------------------------------------------
# Never organizations
# --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Jensen Huang, the chief executive of Nvidia, spoke in Abilene, Texas, on Monday.",  # person, places
        "The company expects 1.2 GW of capacity online by Q3 2026 and 40 MW more in June.",  # units, dates
        "Blackwell and Hopper GPUs sold out for the year, while H100 prices fell to $2 an hour.",  # products
        "Together, the two companies will deploy 100,000 accelerators in EUR and USD-priced deals.",
        "Texas, the largest market for new data centers, added 4 GW last year.",  # apposition of a place
        "Nvidia will invest $5 billion in Indiana, the company said.",  # a reporting clause
        "The work is being done with a Bergen-based Microsoft partner.",  # "X-based" is a place
        "TeraWulf Inc. (NASDAQ: WULF) did not comment.",  # the ticker is no company
    ],
)
def test_hard_negatives_add_no_unknown_organization(recognizer: OrgRecognizer, text: str) -> None:
    found = unknown(recognizer, text)
    assert found.keys() <= {"TeraWulf"}, found


def test_filters_are_by_shape_not_by_word(recognizer: OrgRecognizer) -> None:
    # units, chip model numbers, quarters and currency codes the test sentences above do not use
    text = "Vexa Cloud, a GPU cloud, added 12 kW racks of MI355X and B300 chips in H2 for SGD 40 million."
    assert unknown(recognizer, text) == {"Vexa Cloud": "gpu_cloud"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a capitalised name ending in a company word is a company, with the category that word gives
        (
            "Tarn Telecom will rent 3,000 GPUs from Verlaine Cloud.",
            {"Tarn Telecom": None, "Verlaine Cloud": "gpu_cloud"},
        ),
        ("Ostric Labs trains its models on rented chips.", {"Ostric Labs": "ai_lab"}),
        # places: in a dateline, after "from", before "data centre"; unless the text calls one a company
        ("PUNE, June 3 - Verlaine Cloud from Chennai signed a lease.", {"Verlaine Cloud": "gpu_cloud"}),
        ("Google signs a solar deal for its Santiago data centre.", {}),
        ("Arcadia, a data-center developer, signed a lease.", {"Arcadia": "data_center_operator"}),
    ],
)
def test_name_shapes_places_and_headlines(
    recognizer: OrgRecognizer, text: str, expected: dict[str, str | None]
) -> None:
    assert unknown(recognizer, text) == expected


def test_a_headline_verb_ends_a_name(recognizer: OrgRecognizer) -> None:
    found = unknown(recognizer, "Bitfrost Mining Announces Transition to AI Cloud; Orders 12,000 GPUs")
    assert found and not any("Announces" in name or "Transition" in name for name in found), found


def test_a_name_s_company_word_is_no_descriptor_of_the_next_word(recognizer: OrgRecognizer) -> None:
    assert "Introduces" not in unknown(recognizer, "Quillon Cloud Introduces Reserved Tier With 30% Discount")


def test_the_owner_of_a_site_is_the_company(recognizer: OrgRecognizer) -> None:
    found = unknown(recognizer, "Vespera signed a 10-year lease for 120 MW at Dorran's Abilene site.")
    assert "Dorran" in found and not any("Abilene" in name for name in found), found


def test_a_ticker_marks_the_name_before_it_and_is_no_name_itself(recognizer: OrgRecognizer) -> None:
    found = unknown(recognizer, "Corvid (CRVD): 300 MW of Laredo goes to AI hosting")
    assert list(found) == ["Corvid"], found  # not "CRVD", not "MW of Laredo"


def test_a_word_and_a_number_acting_is_a_company(recognizer: OrgRecognizer) -> None:
    assert "Vireo-7" in unknown(recognizer, "Vireo-7 launched a two-year committed tier for its clusters.")
    assert "Llama-3" not in unknown(recognizer, "Meta released Llama-3 last year.")


def test_title_case_verbs_by_shape_and_base_form_end_names(recognizer: OrgRecognizer) -> None:
    found = unknown(recognizer, "Tamarind Digital Finalizes 15-Year, 1.2 GW Lease With OpenAI")
    assert "Tamarind Digital" in found and not any("Finalizes" in name for name in found), found
    found = unknown(recognizer, "Boreal Power to Acquire Vastmark Data Centres for $300 Million")
    assert "Vastmark Data Centres" in found and not any("Acquire" in name for name in found), found


def test_hyphenated_names_and_names_after_a_company_noun(recognizer: OrgRecognizer) -> None:
    assert "Quarter-Wave Systems" in unknown(
        recognizer, "Quarter-Wave Systems will supply 4,000 chips to Meta."
    )
    found = unknown(recognizer, "It rented 1,024 GPUs of the Peruvian company Nube Andina for two years.")
    assert "Nube Andina" in found and not any("company" in name for name in found), found
    assert "Nordvik Kraft" in unknown(recognizer, "BRIEF-Nordvik Kraft signs PPA with Halvard Compute")
    assert "Bay 12 Labs" in unknown(recognizer, "CoreWeave signed a $500 million deal with Bay 12 Labs.")


def test_describe_category_reads_the_head_first() -> None:
    assert describe_category("an investor in AI startups") == "investor"
    assert describe_category("a maker of AI chips") == "chip_maker"
    assert describe_category("a bitcoin miner turned AI host") == "data_center_operator"
    assert describe_category("a city in Texas") is None


# --------------------------------------------------------------------------------------------------
# Batch, limits, loading
# --------------------------------------------------------------------------------------------------


def test_find_many_is_find_for_each_text(recognizer: OrgRecognizer) -> None:
    texts = [
        "Sesterce, a French GPU cloud provider, signed with Microsoft.",
        "",
        "No company here.",
        "Chipmaker Tenstorrent raised $700 million.",
    ]
    assert recognizer.find_many(texts) == [recognizer.find(text) for text in texts]
    assert recognizer.find_many([]) == []
    assert recognizer.find_many(texts)[1] == []


def test_long_input_is_cut_not_parsed_whole(recognizer: OrgRecognizer) -> None:
    filler = "The market grew again. " * (MAX_CHARS // 23 + 10)
    text = filler + "Sesterce, a French GPU cloud provider, signed with CoreWeave."
    assert len(text) > MAX_CHARS
    assert recognizer.find(text) == []  # everything after MAX_CHARS is ignored
    nlp = recognizer._pipeline()
    assert nlp.max_length <= 2 * MAX_CHARS


@pytest.mark.parametrize(
    "text",
    [
        "A" * 3000,  # one huge token
        "🙂 Sesterce, a GPU cloud 🙂 " * 20,  # symbols around names
        "Aaa, " * 400,
        "   \n\t ",
        "(NASDAQ: " * 50,
        "Foo, which " * 200,
    ],
)
def test_odd_input_gives_sane_spans(recognizer: OrgRecognizer, text: str) -> None:
    for found in recognizer.find(text):
        assert text[found.start : found.end] == found.surface
        assert len(found.surface) <= 80 and found.name.strip() == found.name
        assert found.name[0].isalnum() and found.name[-1].isalnum(), found


def test_pipeline_runs_only_what_ner_needs(recognizer: OrgRecognizer) -> None:
    nlp = recognizer._pipeline()
    assert nlp.pipe_names == ["ner"]  # tagger, parser, attribute_ruler, lemmatizer excluded
    # the list's EntityRuler runs before ner: NER sees "Microsoft Azure" as one list organization
    doc = recognizer._docs(["Microsoft Azure and Sesterce signed a deal."])[0]
    assert [(e.text, e.ent_id_) for e in doc.ents if e.ent_id_] == [("Microsoft Azure", "Microsoft")]


def test_recognizers_of_different_lists_share_spacy_but_not_names(recognizer: OrgRecognizer) -> None:
    other = OrgRecognizer(OrganizationIndex.from_yaml(LIST.replace("name: CoreWeave", "name: Sesterce")))
    text = "Sesterce signed a deal with CoreWeave, a GPU cloud provider."
    assert [(f.name, f.known) for f in other.find(text)] == [("Sesterce", True), ("CoreWeave", False)]
    assert [(f.name, f.known) for f in recognizer.find(text)][-1] == ("CoreWeave", True)
    assert other._pipeline() is recognizer._pipeline()


def test_building_a_recognizer_does_not_load_spacy() -> None:
    code = (
        "import sys\n"
        "from extractors.entities import OrganizationIndex\n"
        "from extractors.org_recognizer import OrgRecognizer\n"
        "OrgRecognizer(OrganizationIndex.load())\n"
        "print('spacy' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------------------------------
# The labelled sentences (written by the recognizer's author; see docs/organizations.md)
# --------------------------------------------------------------------------------------------------


def test_labelled_sentences_are_well_formed() -> None:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 60
    for row in rows:
        assert row["text"].strip() and isinstance(row["orgs"], list)
        for org in row["orgs"]:
            assert org["name"] and (org["category"] is None or org["category"] in CATEGORIES)


def test_unknown_organizations_on_the_labelled_sentences(
    recognizer: OrgRecognizer, index: OrganizationIndex
) -> None:
    rows = [json.loads(line) for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    found = recognizer.find_many([row["text"] for row in rows])
    tp = fp = fn = 0
    for row, orgs in zip(rows, found, strict=True):
        expected = {o["name"].lower() for o in row["orgs"] if index.resolve(o["name"]) is None}
        predicted = {f.name.lower() for f in orgs if not f.known}
        tp += len(expected & predicted)
        fp += len(predicted - expected)
        fn += len(expected - predicted)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    # the figures in docs/organizations.md are 1.00 and 0.89 with the benchmark's six-name list
    assert precision >= 0.9 and recall >= 0.8, (precision, recall)


def test_a_nationality_before_ai_leaves_no_organization_named_ai(recognizer: OrgRecognizer) -> None:
    found = recognizer.find("Polarise, a German AI cloud provider, signed a lease with Verne for 20 MW.")
    assert [f.name for f in found] == ["Polarise", "Verne"]
    assert found[0].category == "gpu_cloud" and found[0].cloud_provider


def test_a_product_after_a_listed_name_is_no_company(recognizer: OrgRecognizer) -> None:
    text = "Sahelink will run Google Distributed Cloud in its data center, the telecom operator said."
    assert "Distributed Cloud" not in unknown(recognizer, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a short code of capitals and digits before a company word ("N7 Cloud"), not a chip ("H100")
        ("K9 Cloud will host 1,000 H100 GPUs in Daejeon.", {"K9 Cloud": "gpu_cloud"}),
        # "GPU" ends a name before a verb or punctuation, not before a noun or after "the"
        ("Patagon GPU has signed a regional bank as a customer.", {"Patagon GPU": "gpu_cloud"}),
        ("Varda GPU capacity will double next year, Varda said.", {"Varda": None}),
        # a region before a company word is part of the name
        ("Konkan Cloud signed a ₹900 crore deal with a Pune bank.", {"Konkan Cloud": "gpu_cloud"}),
    ],
)
def test_code_names_hardware_tails_and_regional_names(
    recognizer: OrgRecognizer, text: str, expected: dict[str, str | None]
) -> None:
    assert unknown(recognizer, text) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # NER reads a place where a deal preposition names a seller no gazetteer knows
        (
            "Ardent will buy $2 billion of computing capacity from Quellstone, people familiar said.",
            "Quellstone",
        ),
        # joined by "and" to an organization, before a corporate verb
        ("Halvard Power Corp and Brennmoor sign a long-term electricity supply agreement.", "Brennmoor"),
        # two capitalised words acting in a deal
        ("Marrow Analytics inks $40 million compute deal with Vexa Cloud", "Marrow Analytics"),
        # a one-word subject the sentence calls a company
        ("Tindra has switched on 8,000 GPUs at its campus, the company said on Monday.", "Tindra"),
        # a two-word name ending in AI, not at the start of the sentence
        ("The start-up will rent capacity from Osaka's Hibari AI for two years.", "Hibari AI"),
    ],
)
def test_company_cues_for_names_ner_misses(recognizer: OrgRecognizer, text: str, name: str) -> None:
    assert name in unknown(recognizer, text)


@pytest.mark.parametrize(
    "text",
    [
        "Generative AI is changing how companies buy compute, the firm said.",
        "The deal with Texas was signed in Austin.",
        "New York Mayor Eric Adams signed a lease with the landlord.",
    ],
)
def test_these_cues_leave_concepts_places_and_people_alone(recognizer: OrgRecognizer, text: str) -> None:
    assert unknown(recognizer, text) == {}


def test_gpu_after_an_article_is_a_product_not_part_of_a_name(recognizer: OrgRecognizer) -> None:
    assert "Radeon GPU" not in unknown(recognizer, "We benchmarked the Radeon GPU, and it was fast.")


def test_a_verb_before_a_described_name_is_no_place_modifier(recognizer: OrgRecognizer) -> None:
    # "the Abu Dhabi technology investor MGX" makes "Abu Dhabi" a place; a verb between makes it a subject
    found = unknown(recognizer, "Tarrow Labs acquires inference chip developer Quorra Systems")
    assert found == {"Tarrow Labs": "ai_lab", "Quorra Systems": "chip_maker"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a name ending in AI opening a sentence before "is": a company unless shaped like an adjective
        ("Tarvik AI is charging 8% less for reserved H100s from July.", {"Tarvik AI": None}),
        ("Agentic AI is the next wave, the analyst said.", {}),
        # a place and the technology before a noun: neither a company
        ("Zephyr Cloud will build a Pune AI data centre next year.", {"Zephyr Cloud": "gpu_cloud"}),
        # a headline's number and plural noun are no name; a newsletter is no company
        (
            "Orsk Silicon to Supply 12,000 Training Accelerators to Vell Compute",
            {"Vell Compute": "gpu_cloud"},
        ),
        ("The Daily Rack: a Lisbon campus and a Porto lease", {}),
        # a capitalised number word opens a name; "Semi" ends one
        (
            "Lima-based Four Winds AI has agreed to rent GPUs from Varga Semi.",
            {"Four Winds AI": None, "Varga Semi": "chip_maker"},
        ),
        # "Silicon" and "Data" end company names, with a category
        (
            "Maple Row Data signed a lease with Orsk Silicon on Monday.",
            {"Maple Row Data": "data_center_operator", "Orsk Silicon": "chip_maker"},
        ),
    ],
)
def test_ai_places_headline_numbers_newsletters_and_name_ends(
    recognizer: OrgRecognizer, text: str, expected: dict[str, str | None]
) -> None:
    assert unknown(recognizer, text) == expected


def test_a_journal_named_for_the_company_its_first_person_text_names_is_its_site() -> None:
    orgs = OrganizationIndex.load()
    text = "Today we are enlarging it: Azure will dedicate an extra 200 MW of capacity to Pukeko."
    found = site_company("Pukeko Journal", orgs, text)
    assert found is not None and found.name == "Pukeko"
    assert site_company("Pukeko Journal", orgs, "Pukeko reported results on Monday.") is None
    assert site_company("The Wall Street Journal", orgs, "On Wall Street we saw stocks rise.") is None


@pytest.mark.parametrize(
    ("site", "name", "category"),
    [
        ("The Tessel Blog", "Tessel", None),
        ("Vantor Cloud Blog", "Vantor Cloud", "gpu_cloud"),
        ("Vantor Cloud", "Vantor Cloud", "gpu_cloud"),
        ("Google Cloud Press Room", "Google", "hyperscale_cloud"),
        ("The Verge", None, None),
        ("Datacentre Weekly", None, None),
        ("Quellor Labs — Journal", "Quellor Labs", "ai_lab"),
        ("Kaveri Compute Notes", "Kaveri Compute", "gpu_cloud"),
        ("The Wall Street Journal", None, None),
        ("Field Notes", None, None),
        ("Ingrid's Compute Notes", None, None),
        ("Kettle Engineering & Product Blog", "Kettle", None),
    ],
)
def test_a_company_site_names_its_company(site: str, name: str | None, category: str | None) -> None:
    found = site_company(site, OrganizationIndex.load())
    assert (found.name, found.category) == (name, category) if name else found is None
