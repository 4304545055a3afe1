"""Score a timeline against a labelled corpus's gold events (the measure of issues 3 and 14).

A predicted event matches a gold event when it has the same type, party sets overlapping with
Jaccard ≥ 0.5 and dates at most 3 days apart; matching is one-to-one, best pairs first. A
predicted event that would match a gold event already taken is a duplicate. Facts (status among
them) and the impact level are compared on matched pairs (numbers within 1%). Precision and recall
are also given per event type; with the run's alerts, those of the new-cloud-deal rule are scored
against the gold events marked `cloud_deal`; with the corpus's distractor pages (pages with no gold
event), the events found only on them are counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FACTS = ("amount_usd", "capacity_mw", "gpus", "duration_years", "status")
CLOUD_DEAL_RULE = "new-cloud-deal"
MAX_DAYS = 3
MIN_JACCARD = 0.5


@dataclass
class Score:
    """Event precision, recall and F1, duplicates, and per-fact accuracy."""

    gold: int
    predicted: int
    matched: int
    duplicates: int
    fact_correct: dict[str, int] = field(default_factory=dict)
    level_correct: int = 0  # impact level equal to the gold impact_level, on matched pairs
    misses: list[str] = field(default_factory=list)  # gold keys not found
    spurious: list[str] = field(default_factory=list)  # predicted ids matching no gold
    wrong_facts: list[str] = field(default_factory=list)
    by_type: dict[str, dict[str, int]] = field(default_factory=dict)  # type -> gold, predicted, matched
    alerts: dict[str, int] | None = None  # alerted, correct, cloud_deals, found
    from_distractors: list[str] | None = None  # predicted ids whose every source is a distractor page

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def fact_accuracy(self) -> float:
        total = self.matched * len(FACTS)
        return sum(self.fact_correct.values()) / total if total else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "gold": self.gold,
            "predicted": self.predicted,
            "matched": self.matched,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "duplicates": self.duplicates,
            "fact_accuracy": round(self.fact_accuracy, 4),
            "fact_accuracy_by_field": {
                f: round(self.fact_correct.get(f, 0) / self.matched, 4) if self.matched else 1.0
                for f in FACTS
            },
            "status_accuracy": round(self.fact_correct.get("status", 0) / self.matched, 4)
            if self.matched
            else 1.0,
            "level_accuracy": round(self.level_correct / self.matched, 4) if self.matched else 1.0,
            "by_type": {
                kind: {
                    **counts,
                    "precision": _ratio(counts["matched"], counts["predicted"]),
                    "recall": _ratio(counts["matched"], counts["gold"]),
                }
                for kind, counts in sorted(self.by_type.items())
            },
            "cloud_deal_alerts": None
            if self.alerts is None
            else {
                **self.alerts,
                "precision": _ratio(self.alerts["correct"], self.alerts["alerted"]),
                "recall": _ratio(self.alerts["found"], self.alerts["cloud_deals"]),
            },
            "events_from_distractors": self.from_distractors,
            "misses": self.misses,
            "spurious": self.spurious,
            "wrong_facts": self.wrong_facts,
        }


def score(
    predicted: Sequence[dict[str, Any]],
    gold: Sequence[dict[str, Any]],
    alerts: Sequence[dict[str, Any]] | None = None,
    distractor_pages: set[str] | None = None,
) -> Score:
    """Compare predicted events (timeline JSON) with gold events (gold.jsonl rows); `alerts` are the
    run's alerts (alerts JSON), `distractor_pages` the names of the corpus's pages with no event."""
    pairs = sorted(
        (
            (-_jaccard(p["parties"], g["parties"]), _days(p["date"], g["date"]), pi, gi)
            for pi, p in enumerate(predicted)
            for gi, g in enumerate(gold)
            if _matches(p, g)
        ),
    )
    taken_p: dict[int, int] = {}
    taken_g: set[int] = set()
    for _, _, pi, gi in pairs:
        if pi not in taken_p and gi not in taken_g:
            taken_p[pi] = gi
            taken_g.add(gi)
    matchable = {pi for _, _, pi, _ in pairs}
    result = Score(gold=len(gold), predicted=len(predicted), matched=len(taken_p), duplicates=0)
    result.duplicates = len(matchable - set(taken_p))
    result.misses = [str(g.get("key", gi)) for gi, g in enumerate(gold) if gi not in taken_g]
    result.spurious = [str(p.get("id", pi)) for pi, p in enumerate(predicted) if pi not in matchable]
    for pi, gi in taken_p.items():
        if (predicted[pi].get("impact") or {}).get("level") == gold[gi].get("impact_level"):
            result.level_correct += 1
        for fact in FACTS:
            if _same(predicted[pi].get(fact), gold[gi].get(fact)):
                result.fact_correct[fact] = result.fact_correct.get(fact, 0) + 1
            else:
                result.wrong_facts.append(
                    f"{gold[gi].get('key', gi)}.{fact}: {predicted[pi].get(fact)!r} != {gold[gi].get(fact)!r}"
                )
    for kind in {e["type"] for e in [*predicted, *gold]}:
        result.by_type[kind] = {
            "gold": sum(g["type"] == kind for g in gold),
            "predicted": sum(p["type"] == kind for p in predicted),
            "matched": sum(predicted[pi]["type"] == kind for pi in taken_p),
        }
    if alerts is not None:
        result.alerts = _alerts(predicted, gold, taken_p, alerts)
    if distractor_pages is not None:
        result.from_distractors = [
            str(p.get("id", pi))
            for pi, p in enumerate(predicted)
            if p.get("sources") and all(_page(s["url"]) in distractor_pages for s in p["sources"])
        ]
    return result


def _alerts(
    predicted: Sequence[dict[str, Any]],
    gold: Sequence[dict[str, Any]],
    taken: dict[int, int],
    alerts: Sequence[dict[str, Any]],
) -> dict[str, int]:
    """New-cloud-deal alerts against the gold events marked `cloud_deal`."""
    alerted = {a["event_id"] for a in alerts if a["rule"] == CLOUD_DEAL_RULE}
    gold_of = {predicted[pi]["id"]: gold[gi] for pi, gi in taken.items()}
    return {
        "alerted": len(alerted),
        "correct": sum(bool(gold_of.get(e, {}).get("cloud_deal")) for e in alerted),
        "cloud_deals": sum(bool(g.get("cloud_deal")) for g in gold),
        "found": sum(bool(g.get("cloud_deal")) and e in alerted for e, g in gold_of.items()),
    }


def _page(url: str) -> str:
    """A corpus page's name from its URL (…/pages/<name>.html)."""
    return url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html")


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 1.0


def _matches(p: dict[str, Any], g: dict[str, Any]) -> bool:
    return (
        p["type"] == g["type"]
        and _jaccard(p["parties"], g["parties"]) >= MIN_JACCARD
        and _days(p["date"], g["date"]) <= MAX_DAYS
    )


def _jaccard(a: Sequence[str], b: Sequence[str]) -> float:
    union = set(a) | set(b)
    return len(set(a) & set(b)) / len(union) if union else 0.0


def _days(a: str, b: str) -> int:
    return abs((date.fromisoformat(a) - date.fromisoformat(b)).days)


def _same(a: object, b: object) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) <= 0.01 * max(abs(a), abs(b))
    return a == b
