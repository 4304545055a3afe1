"""Judge events' impact with the trained model, or with the rule baseline when no usable model exists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from core.errors import CloudintelError
from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from models.artifacts import load_in_force
from models.features import prepare
from models.impact_model import ImpactModel
from models.impact_rules import RULES_VERSION, Impact, rule_impact

FALLBACK_VERSION = f"{RULES_VERSION}:fallback"


@dataclass
class ImpactJudge:
    """The model (with its version) or, when `model` is None, the rules with the reason why."""

    orgs: OrganizationIndex
    model: ImpactModel | None
    version: str
    problem: str | None = None

    @classmethod
    def load(cls, folder: Path, orgs: OrganizationIndex) -> ImpactJudge:
        """The model trained into `folder`, else the shipped one; a corrupt or incompatible one gives
        the rules, flagged."""
        try:
            model, card = load_in_force(folder)
        except CloudintelError as exc:
            return cls(orgs, None, FALLBACK_VERSION, str(exc))
        return cls(orgs, model, str(card["version"]))

    def judge(self, events: Sequence[tuple[EventFacts, str, str]]) -> list[Impact]:
        """Impact of each (facts, title, evidence), in one batch."""
        if self.model is None:
            return [
                Impact(i.level, i.score, i.themes, self.version)
                for i in (rule_impact(facts, evidence, self.orgs, title) for facts, title, evidence in events)
            ]
        records = [prepare(facts, title, evidence, self.orgs) for facts, title, evidence in events]
        return [
            Impact(level, score, themes, self.version) for level, score, themes in self.model.predict(records)
        ]
