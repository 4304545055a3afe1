"""Features of an event for the impact classifier: its text, and numbers from its facts.

`prepare` turns an event (facts, evidence, parties) into a flat record; the scikit-learn
pipeline in `models/impact_model.py` reads records only, so it needs no organization list.

Besides the facts, the record carries readings of §3 of the guide (../shared/spec/events.md) that the
labels need and the facts do not hold: which parties are major players, frontier labs or hyperscale
clouds (the lists in models/data/README.md), the event's money in any currency at a rough dollar rate,
vague sizes ("multibillion"), and cues for the qualitative rules: a change to an exclusive or primary
provider, a cut on a flagship rather than on a small model or a discount tier, a new supplier rather
than an expansion with an existing one, a pilot.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from extractors.quantities import find_chips, find_money
from extractors.relationship_terms import relationship_term
from models.rubric import THRESHOLDS, no_size, rubric, size_level

# --- who the parties are (models/data/README.md, "Major players" and "Frontier labs") -------------
FRONTIER_LABS = frozenset({"OpenAI", "Anthropic", "Google", "Meta", "xAI", "Mistral AI", "DeepSeek"})
MAJOR_PLAYERS = FRONTIER_LABS | {
    # large GPU clouds
    "CoreWeave", "Nebius", "Lambda", "Crusoe", "Nscale", "IREN",
    # large chip makers, and the two challengers
    "Nvidia", "AMD", "Intel", "Broadcom", "TSMC", "Samsung", "SK Hynix", "Micron", "Qualcomm", "Arm",
    "Cerebras", "Groq",
    # others of the same size
    "Apple", "ByteDance", "SAP", "Deutsche Telekom", "Palantir", "IBM", "SoftBank", "MGX", "BlackRock",
    "Global Infrastructure Partners", "Safe Superintelligence",
}  # fmt: skip
# challengers for the competition theme: Oracle, the large GPU clouds, non-Nvidia chip makers
CHALLENGERS = frozenset(
    {"Oracle", "AMD", "Cerebras", "Groq", "Qualcomm", "CoreWeave", "Nebius", "Lambda", "Crusoe", "Nscale", "IREN"}
)  # fmt: skip

# rough dollar value of one unit of each currency: enough to place a sum against $1B and $10B
USD_PER = {
    "USD": 1.0, "EUR": 1.1, "GBP": 1.3, "CHF": 1.15, "JPY": 0.0068, "CNY": 0.14, "INR": 0.012,
    "AUD": 0.65, "CAD": 0.73, "HKD": 0.13, "SGD": 0.75, "NZD": 0.6, "TWD": 0.031, "BRL": 0.18,
    "KRW": 0.00073, "SAR": 0.27, "AED": 0.27, "SEK": 0.095, "NOK": 0.093, "DKK": 0.15, "ZAR": 0.055,
    "MXN": 0.055,
}  # fmt: skip

# "billions of yen" is a few hundred million dollars at most: not a vague billion-dollar commitment
VAGUE_BILLIONS = re.compile(
    r"\b(?:multi-?billion|billions)\b(?! of (?:yen|rupees|won|roubles|rubles|pesos))", re.IGNORECASE
)
# currency words extractors.quantities does not read ("8 billion pounds", "3 trillion won")
MORE_MONEY = re.compile(
    r"\b(?P<num>\d+(?:\.\d+)?)\s*(?P<scale>million|billion|trillion)\s+(?P<cur>pounds|won)\b", re.IGNORECASE
)
SCALE = {"million": 1e6, "billion": 1e9, "trillion": 1e12}
MORE_CURRENCIES = {"pounds": "GBP", "won": "KRW"}
VAGUE_TENS_OF_BILLIONS = re.compile(r"\b(?:tens|hundreds) of billions\b", re.IGNORECASE)
VAGUE_COUNT_WORD = re.compile(r"thousand|million|hundred|dozen")  # every vague chip count has one
VALUED_BEFORE = re.compile(r"\bvalu(?:ed|es|ing|ation)\b[^$€£¥\d.;]{0,40}$", re.IGNORECASE)
# a running total after an increment ("worth $6.5B, bringing the total value of its contracts to $22.4B"):
# the event is the increment (issue 14: an increment is not a running total)
TOTAL_BEFORE = re.compile(
    r"\b(?:bring(?:s|ing)?|brought|tak(?:es|ing)|took|lift(?:s|ing|ed)?|rais(?:es|ing|ed))\s+(?:the|its|their)\s+"
    r"(?:\w+\s+){0,6}?(?:total|tally|sum)\b[^$€£¥\d.;]{0,80}$|\b(?:in total|total(?:ling|ing)?|to date)\b[^$€£¥\d.;]{0,12}$",
    re.IGNORECASE,
)
VALUATION_AFTER = re.compile(r"\s*(?:pre-money |post-money )?valuation", re.IGNORECASE)
# an expansion or extension of a relationship the parties already have (not "additional capacity")
RELATION = (
    r"(?:partnership|deal|contract|agreement|collaboration|cooperation|relationship|tie-up|alliance|use|work|ties|"
    r"supplier|partner|interconnect|integration|programme|program|investment|commitment|order|lease)"
)
EXPANSION = re.compile(
    rf"\b(?:expand\w*|extend\w*|extension|deepen\w*|renew\w*|broaden\w*|widen\w*)\b(?: [\w'-]+){{0,4}}? {RELATION}s?\b|"
    rf"\b(?:existing|earlier|current|long-standing|longstanding) (?:[\w'-]+ ){{0,2}}?{RELATION}s?\b|"
    r"\b(?:expansion of|building on|builds on|follow-on|second phase|tops? up|topped up)\b",
    re.IGNORECASE,
)
NEW_SUPPLIER = re.compile(
    r"\b(?:first|new|adds?|added|adding|selects?|selected|picks?|picked|chooses|chose|names?|named|"
    r"turns? to|taps?|tapped|brings?|moves?|moving|switch\w*|begins?|starts?|signs? (?:up|on))\b",
    re.IGNORECASE,
)
PILOT = re.compile(
    r"\b(?:pilot\w*|trials?|tests?|testing|proof[- ]of[- ]concept|evaluat\w*|small)\b", re.IGNORECASE
)
# an exclusive or primary provider; "preferred partner" alone is for distributing a model (README)
PRIMARY = re.compile(
    r"\b(?:exclusiv\w*|primary|(?:main|principal|sole) (?:\w+ ){0,2}?(?:cloud|compute|provider|partner|supplier)|"
    r"preferred (?:cloud|provider|compute|training)|right of first refusal)\b",
    re.IGNORECASE,
)
PRIMARY_KEPT = re.compile(
    r"\b(?:remains?|stays?|continu\w*|still|retains?|keeps?|confirm\w*|reaffirm\w*|existing|extend\w*)\b",
    re.IGNORECASE,
)
BUILT_FOR = re.compile(
    r"\b(?:built|designed|reserved|dedicated) (?:exclusively )?for\b|\bexclusively for\b", re.IGNORECASE
)
DISTRIBUTION = re.compile(
    r"\b(?:distribut\w*|host\w*|offer\w* [^.]{0,30}models?|resell\w*|marketplace|catalog(?:ue)?|"
    r"preferred partner for)\b",
    re.IGNORECASE,
)
FLAGSHIP = re.compile(
    r"\b(?:flagship|headline|most (?:capable|advanced|powerful)|top(?:-end| model)|"
    r"GPT-?(?:3\.5|4|4o|5)(?: Turbo)?|o1|o3|Claude (?:\d(?:\.\d)? )?Opus|Opus|Gemini (?:\d(?:\.\d)? )?(?:Pro|Ultra)|"
    r"ERNIE (?:Bot|4\.0|4\.5|X1)|DeepSeek[- ](?:V\d(?:\.\d)?|R1)|Qwen[- ]?Max|Mistral Large|Grok[- ]?\d)\b",
    re.IGNORECASE,
)
# small or side models; not "Flash", which the dev corpus treats as a flagship production model
SMALL_MODEL = re.compile(
    r"\b(?:mini|nano|lite|light|small|tiny|haiku|speed|turbo-instruct|embeddings?|"
    r"realtime|audio|vision|visual|VL|coder|long-context|legacy|older|previous|open-weight|distilled|"
    r"\w+-(?:mini|lite|long|VL))\b",
    re.IGNORECASE,
)
DISCOUNT_TIER = re.compile(
    r"\b(?:batch\w*|cach\w*|off-peak|night\w*|overnight|savings plans?|reserv\w*|commit\w*|spot|"
    r"interruptible|preemptible|discount\w*|promotion\w*|promo|introductory|egress|data[- ]transfer|"
    r"switching|leaving|departing|free tier|students?|for a year|per[- ]region|regional tier|"
    r"volume)\b",
    re.IGNORECASE,
)
TERMINATION = re.compile(
    r"\b(?:collaps\w*|terminat\w*|abandon\w*|call(?:s|ed)? off|scrap\w*|walk(?:s|ed)? away|"
    r"reject\w*|block\w*|unwind\w*|cancel\w*|ends?|ended|ending)\b",
    re.IGNORECASE,
)
# Theme cues, read by the rubric's themes (models/rubric.py) and by the model
REGULATORY = re.compile(
    r"\b(?:sovereign\w*|residency|in-country|local(?:ly)? (?:hosted|stored)|kept in|inside (?:the|its) "
    r"(?:country|borders)|antitrust|competition (?:authority|regulator|watchdog)|regulat\w*|watchdog|"
    r"export\w*|licen[cs]es?|blacklist\w*|entity list|sanction\w*|FERC|Data Act|GDPR|EU-only|"
    r"classified|government|public sector|national security|security assurances|complian\w*|"
    r"approv\w*|scrutiny|probe|CMA|FTC|European Commission)\b",
    re.IGNORECASE,
)
RESILIENCE = re.compile(
    r"\b(?:second (?:source|supplier|provider|cloud)|failover|fail-over|backup|standby|overflow|burst|"
    r"redundan\w*|multi-?cloud|interconnect\w*|diversif\w*|beyond|no longer|ends? (?:its )?exclusiv\w*|"
    r"right of first refusal|own (?:infrastructure|data cent\w*)|on-site|behind-the-meter|off-grid|"
    r"beside the grid|alongside|in addition to|as well as)\b",
    re.IGNORECASE,
)
COMPETITION = re.compile(
    r"\b(?:challeng\w*|rival\w*|compet\w*|switch\w*|moves?|moving|migrat\w*|undercut\w*|instead of|"
    r"away from|alternative|share|TPUs?|Trainium|Inferentia|MI\d{3}\w*|Instinct|Gaudi|Ascend|"
    r"wafer|LPUs?|neocloud)\b",
    re.IGNORECASE,
)
FINANCING = re.compile(
    r"\b(?:invest\w*|funding|fund(?:s|ed)?|financ\w*|equity|stake|shares?|warrants?|debt|loan|credit|"
    r"bonds?|raise[sd]?|raising|round|series [a-h]|backstop\w*|guarantee\w*|joint venture|valuation)\b",
    re.IGNORECASE,
)
COMPUTE = re.compile(
    r"\b(?:capacity|compute|computing|gpus?|tpus?|chips?|accelerators?|data ?cent(?:er|re)s?|campus|"
    r"infrastructure|training|clusters?|supercomputer|gigawatts?|megawatts?|GW|MW|servers?|racks?|"
    r"power|nuclear|reactor|memory|HBM|wafers?|fabs?)\b",
    re.IGNORECASE,
)
# headline models and the day a successor took the headline: a cut on one of them after that day is a
# cut on a superseded model, not on the provider's flagship (models/data/README.md, "Flagship")
SUPERSEDED_ON = (
    (re.compile(r"\bgpt-?3\.5", re.IGNORECASE), date(2023, 3, 14)),  # GPT-4
    (re.compile(r"\bgpt-?4(?![.o\w-]| ?turbo)", re.IGNORECASE), date(2023, 11, 6)),  # GPT-4 Turbo
    (re.compile(r"\bgpt-?4[- ]turbo", re.IGNORECASE), date(2024, 5, 13)),  # GPT-4o
    (re.compile(r"\bgpt-?4o(?![- ]mini)", re.IGNORECASE), date(2025, 8, 7)),  # GPT-5
    (re.compile(r"\bo1(?![- ]mini)\b", re.IGNORECASE), date(2025, 4, 16)),  # o3
    (re.compile(r"\bgemini 1\.0 pro", re.IGNORECASE), date(2024, 2, 15)),  # Gemini 1.5 Pro
    (re.compile(r"\bgemini 1\.5 pro", re.IGNORECASE), date(2025, 3, 25)),  # Gemini 2.5 Pro
)

# cues per event type: the qualitative rules of §3 read only the cues of their own type (a flagship cut
# is a pricing rule; a primary-provider change or a new supplier are partnership rules), the theme cues
# apply to every type
THEME_CUES = {
    "regulatory": REGULATORY,
    "resilience": RESILIENCE,
    "competition": COMPETITION,
    "financing": FINANCING,
    "compute": COMPUTE,
}
CUES = {
    "partnership": {
        "expansion": EXPANSION,
        "new_supplier": NEW_SUPPLIER,
        "pilot": PILOT,
        "primary": PRIMARY,
        "primary_kept": PRIMARY_KEPT,
        "built_for": BUILT_FOR,
        "distribution": DISTRIBUTION,
        "termination": TERMINATION,
        **THEME_CUES,
    },
    "capacity": {"expansion": EXPANSION, "pilot": PILOT, **THEME_CUES},
    "pricing": {
        "flagship": FLAGSHIP,
        "small_model": SMALL_MODEL,
        "discount_tier": DISCOUNT_TIER,
        **THEME_CUES,
    },
}
# searched in lowercased text without re.IGNORECASE, which is several times faster
LOWERCASE_CUES = {
    kind: {name: re.compile(pattern.pattern.lower()) for name, pattern in cues.items()}
    for kind, cues in CUES.items()
}


def prepare(facts: EventFacts, title: str, evidence: str, orgs: OrganizationIndex) -> dict[str, Any]:
    """A flat record of one event: its facts, its parties' roles, its sums and the cues of §3's rules."""
    categories = sorted({c for p in facts.parties if (org := orgs.get(p)) for c in org.categories})
    hyperscale = {p for p in facts.parties if (org := orgs.get(p)) and "hyperscale_cloud" in org.categories}
    labs = FRONTIER_LABS.intersection(facts.parties)
    text = f"{title}. {evidence}"
    lowered = text.lower()
    money = usd_estimate(evidence)
    return {
        "type": facts.type,
        "status": facts.status,
        "title": title,
        "evidence": evidence,
        "amount_usd": facts.amount_usd,
        "capacity_mw": facts.capacity_mw,
        "gpus": facts.gpus,
        "duration_years": facts.duration_years,
        "price_change_pct": facts.price_change_pct,
        "categories": categories,
        "parties": len(facts.parties),
        # what the evidence says beyond the extracted facts: sums in any currency, vague sizes
        "any_money": money,
        "usd_estimate": max(money, facts.amount_usd or 0.0),
        "vague_billions": bool(VAGUE_BILLIONS.search(text)),
        "vague_tens_of_billions": bool(VAGUE_TENS_OF_BILLIONS.search(text)),
        "vague_chips": bool(VAGUE_COUNT_WORD.search(lowered))
        and any(c.count is None for c in find_chips(evidence)),
        # who the parties are
        "major_parties": len(MAJOR_PLAYERS.intersection(facts.parties) | hyperscale),
        "frontier_labs": len(labs),
        "hyperscale": len(hyperscale),
        "lab_and_hyperscaler": any(lab != cloud for lab in labs for cloud in hyperscale),
        "challenger": bool(CHALLENGERS.intersection(facts.parties)),
        "cues": [
            name for name, pattern in LOWERCASE_CUES.get(facts.type, {}).items() if pattern.search(lowered)
        ],
        "superseded": facts.type == "pricing" and superseded(title, facts.date),
        # exclusivity given up or turned into a right of first refusal: a change, whatever is kept
        "terms_change": facts.type == "partnership"
        and relationship_term([title, evidence]) in ("non_exclusive", "right_of_first_refusal"),
    }


def superseded(title: str, day: date) -> bool:
    """Whether the first headline model the title names had a newer headline model on `day`."""
    found = [(m.start(), until) for pattern, until in SUPERSEDED_ON if (m := pattern.search(title))]
    return bool(found) and min(found)[1] < day


def usd_estimate(evidence: str) -> float:
    """The largest sum of at least $1M the evidence states, in rough US dollars; valuations, and running
    totals after an earlier sum, left out."""
    best = 0.0
    for money in find_money(evidence):
        value = money.value * USD_PER.get(money.currency, 0.0)
        if value < 1e6:
            continue
        before = evidence[max(0, money.start - 130) : money.start]
        if (
            VALUED_BEFORE.search(before[-50:])
            or VALUATION_AFTER.match(evidence[money.end :])
            or (best and TOTAL_BEFORE.search(before))
        ):
            continue
        best = max(best, value)
    for m in MORE_MONEY.finditer(evidence):
        value = float(m["num"]) * SCALE[m["scale"].lower()] * USD_PER[MORE_CURRENCIES[m["cur"].lower()]]
        if not VALUED_BEFORE.search(evidence[max(0, m.start() - 50) : m.start()]):
            best = max(best, value)
    return best


def text_of(records: list[Mapping[str, Any]]) -> list[str]:
    """The words the text features are built from."""
    return [f"{r['title']} {r['evidence']}" for r in records]


def numbers_of(records: list[Mapping[str, Any]]) -> list[dict[str, float]]:
    """Structured features: log sizes, threshold flags, price change, type, status, parties, cues, §3 level."""
    rows = []
    for r in records:
        kind = r["type"]
        row: dict[str, float] = {f"type={kind}": 1.0, f"status={r['status']}": 1.0}
        for name, (medium, high) in THRESHOLDS.items():
            value = r.get(name) or 0.0
            row[f"log_{name}"] = math.log10(1 + value)
            row[f"{name}>=medium"] = float(value >= medium)
            row[f"{name}>=high"] = float(value >= high)
            row[f"{name}_given"] = float(r.get(name) is not None)
        pct = r.get("price_change_pct")
        if pct is not None:
            row["price_change_abs"] = abs(pct) / 100
            row["price_cut"] = float(pct < 0)
            row["price_change>=10"] = float(abs(pct) >= 10)
            row["price_change>=50"] = float(abs(pct) >= 50)
            row["price_cut>=50"] = float(pct <= -50)
        row["duration_given"] = float(r.get("duration_years") is not None)
        row["vague_billions"] = float(bool(r.get("vague_billions")))
        row["vague_tens_of_billions"] = float(bool(r.get("vague_tens_of_billions")))
        row["vague_chips"] = float(bool(r.get("vague_chips")))
        row["no_size"] = float(no_size(r))
        row["parties"] = float(r.get("parties") or 0)
        for category in r.get("categories") or []:
            row[f"category={category}"] = 1.0
        majors = r.get("major_parties") or 0
        row["major_parties>=1"] = float(majors >= 1)
        row["major_parties>=2"] = float(majors >= 2)
        row["frontier_lab"] = float(bool(r.get("frontier_labs")))
        row["hyperscale"] = float(bool(r.get("hyperscale")))
        row["major_provider"] = float(bool(r.get("frontier_labs") or r.get("hyperscale")))
        row["lab_and_hyperscaler"] = float(bool(r.get("lab_and_hyperscaler")))
        row["challenger"] = float(bool(r.get("challenger")))
        row["superseded"] = float(bool(r.get("superseded")))
        for cue in r.get("cues") or []:
            row[f"cue={cue}"] = 1.0
        row[f"size_level={size_level(r)}"] = 1.0
        row[f"guide_level={rubric(r).level}"] = 1.0
        rows.append(row)
    return rows
