"""The rule baseline of strategic impact: ../shared/spec/events.md §3 applied literally.

`level` is the highest tier any rule reaches; `score` is a fixed confidence per kind of rule (a
stated figure over a threshold is surer than a reading of the wording); `themes` come from the
event's facts, its parties' categories and words of its evidence sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex

RULES_VERSION = "rules-1"
LEVELS = ("low", "medium", "high")
MAJOR = {"hyperscale_cloud", "gpu_cloud", "ai_lab", "chip_maker"}

PRIMARY_CHANGE = re.compile(
    r"\b(?:exclusiv\w*|primary|main|preferred|right of first refusal)\b", re.IGNORECASE
)
FINANCING = re.compile(
    r"\b(?:invest\w*|funding|financ\w*|equity|stake|put\w* [^.]{0,30}into|pour\w* [^.]{0,30}into|raise\w*)\b",
    re.IGNORECASE,
)
RESILIENCE = re.compile(
    r"\b(?:exclusiv\w*|right of first refusal|supplier|multi-?cloud|second source|diversif\w*|failover|"
    r"no longer|other (?:cloud )?providers?|own infrastructure)\b",
    re.IGNORECASE,
)
REGULATORY = re.compile(
    r"\b(?:sovereign\w*|data residency|in-country|inside the country|within the country|antitrust|competition "
    r"authority|export control\w*|regulat\w*|compliance)\b",
    re.IGNORECASE,
)
COMPUTE = re.compile(
    r"\b(?:capacity|compute|computing|gpus?|tpus?|chips?|accelerators?|data ?cent(?:er|re)s?|infrastructure|"
    r"training|clusters?|gigawatts?|megawatts?)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Impact:
    """A strategic-impact judgement."""

    level: str
    score: float
    themes: tuple[str, ...]
    version: str


def rule_impact(facts: EventFacts, evidence: str, orgs: OrganizationIndex) -> Impact:
    """Classify one event by the guide's rules; `evidence` is its evidence sentences joined."""
    categories = {p: set(org.categories) if (org := orgs.get(p)) else set() for p in facts.parties}
    level, score = _level(facts, evidence, categories)
    return Impact(level, score, _themes(facts, evidence, categories), RULES_VERSION)


def _level(facts: EventFacts, evidence: str, categories: dict[str, set[str]]) -> tuple[str, float]:
    amount, mw, gpus = facts.amount_usd or 0, facts.capacity_mw or 0, facts.gpus or 0
    cut = -(facts.price_change_pct or 0)
    change = abs(facts.price_change_pct or 0)
    all_categories = set().union(*categories.values()) if categories else set()
    lab_and_cloud = "ai_lab" in all_categories and "hyperscale_cloud" in all_categories
    if amount >= 10e9 or mw >= 1000 or gpus >= 100_000:
        return "high", 0.95
    if facts.type == "pricing" and cut >= 50 and all_categories & {"hyperscale_cloud", "ai_lab"}:
        return "high", 0.85
    if facts.type == "partnership" and lab_and_cloud and PRIMARY_CHANGE.search(evidence):
        return "high", 0.8
    if amount >= 1e9 or mw >= 100 or gpus >= 10_000 or (facts.type == "pricing" and change >= 10):
        return "medium", 0.9
    major = [p for p, cats in categories.items() if cats & MAJOR]
    if facts.type == "partnership" and len(major) >= 2 and not amount:
        return "medium", 0.7
    return "low", 0.75


def _themes(facts: EventFacts, evidence: str, categories: dict[str, set[str]]) -> tuple[str, ...]:
    themes: set[str] = set()
    all_categories = set().union(*categories.values()) if categories else set()
    compute = bool(COMPUTE.search(evidence)) or bool(facts.capacity_mw or facts.gpus)
    if facts.type == "capacity" or (facts.type == "partnership" and compute and all_categories & MAJOR):
        themes.add("capacity")
    if facts.type == "pricing" or FINANCING.search(evidence):
        themes.add("cost")
    if facts.type == "partnership" and RESILIENCE.search(evidence):
        themes.add("resilience")
    challengers = {"gpu_cloud", "chip_maker"} & all_categories or "Oracle" in facts.parties
    if (facts.type == "pricing" and (facts.price_change_pct or 0) < 0 and all_categories & MAJOR) or (
        facts.type == "partnership" and (challengers or RESILIENCE.search(evidence))
    ):
        themes.add("competition")
    if REGULATORY.search(evidence):
        themes.add("regulatory")
    return tuple(sorted(themes))
