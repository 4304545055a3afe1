"""The rule baseline of strategic impact: the guide's rubric (models/rubric.py) alone, without the
model. It judges impact when no trained model can be used, flagged as such."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from models.features import prepare
from models.rubric import rubric, rubric_themes

RULES_VERSION = "rules-2"


@dataclass(frozen=True)
class Impact:
    """A strategic-impact judgement."""

    level: str
    score: float
    themes: tuple[str, ...]
    version: str


def rule_impact(facts: EventFacts, evidence: str, orgs: OrganizationIndex, title: str = "") -> Impact:
    """Classify one event by the rubric; `evidence` is its evidence sentences joined."""
    record = prepare(facts, title, evidence, orgs)
    verdict = rubric(record)
    return Impact(verdict.level, verdict.confidence, rubric_themes(record), RULES_VERSION)
