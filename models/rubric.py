"""The strategic-impact rubric of the guide (../shared/spec/events.md §3), written once.

It is a rubric, not a model: `rubric` gives the highest tier any rule of §3 reaches on an event record
(models/features.py `prepare`: the facts, the parties' roles, the sums in the evidence and the cues of
the qualitative rules), with a fixed confidence per kind of rule (a stated figure over a threshold is
surer than a reading of the wording); `rubric_themes` gives the themes from the facts, the parties'
categories and the theme cues. The rule baseline (models/impact_rules.py) is this rubric alone; the
trained model reads its verdict as one feature among the text and the facts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

THRESHOLDS = {
    "amount_usd": (1e9, 1e10),
    "capacity_mw": (100.0, 1000.0),
    "gpus": (10_000.0, 100_000.0),
    "usd_estimate": (1e9, 1e10),
}
MAJOR_CATEGORIES = frozenset({"hyperscale_cloud", "gpu_cloud", "ai_lab", "chip_maker"})
CHALLENGER_CATEGORIES = frozenset({"gpu_cloud", "chip_maker"})


@dataclass(frozen=True)
class Verdict:
    """A level and how sure the rule that gave it is."""

    level: str
    confidence: float


def size_level(r: Mapping[str, Any]) -> int:
    """§3's size rules alone: 2 (high), 1 (medium) or 0, from the figures and the evidence's sums."""
    level = 0
    for name, (medium, high) in THRESHOLDS.items():
        value = r.get(name) or 0.0
        level = max(level, 2 if value >= high else 1 if value >= medium else 0)
    if r.get("vague_tens_of_billions"):
        level = max(level, 2)
    elif r.get("vague_billions"):
        level = max(level, 1)
    return level


def rubric(r: Mapping[str, Any]) -> Verdict:
    """§3 read with the cues: the highest tier a rule reaches, as models/data/README.md applies them."""
    cues = set(r.get("cues") or ())
    kind, pct = r["type"], r.get("price_change_pct")
    sized = size_level(r)
    if sized == 2:
        return Verdict("high", 0.95)
    if (
        kind == "partnership"
        and r.get("lab_and_hyperscaler")
        and (
            r.get("terms_change")
            or ("primary" in cues and not cues & {"primary_kept", "built_for", "distribution"})
        )
    ):
        return Verdict("high", 0.8)
    if (
        kind == "pricing"
        and pct is not None
        and pct <= -50
        and (r.get("hyperscale") or r.get("frontier_labs"))
        and not cues & {"small_model", "discount_tier"}
        and not r.get("superseded")
    ):
        return Verdict("high", 0.85)
    if sized == 1 or (pct is not None and abs(pct) >= 10):
        return Verdict("medium", 0.9)
    if (
        kind == "partnership"
        and (r.get("major_parties") or 0) >= 2
        and no_size(r)
        and not cues & {"expansion", "pilot"}
    ):
        return Verdict("medium", 0.7)
    return Verdict("low", 0.75)


def rubric_themes(r: Mapping[str, Any]) -> tuple[str, ...]:
    """The themes §3 names, from the event's type and figures, its parties and the theme cues."""
    cues = set(r.get("cues") or ())
    kind, pct = r["type"], r.get("price_change_pct")
    categories = set(r.get("categories") or ())
    major = bool(categories & MAJOR_CATEGORIES)
    themes: set[str] = set()
    if kind == "capacity" or (
        kind == "partnership" and major and ("compute" in cues or r.get("capacity_mw") or r.get("gpus"))
    ):
        themes.add("capacity")
    if kind == "pricing" or "financing" in cues:
        themes.add("cost")
    if kind == "partnership" and "resilience" in cues:
        themes.add("resilience")
    challenger = bool(categories & CHALLENGER_CATEGORIES) or r.get("challenger")
    if (kind == "pricing" and (pct or 0) < 0 and major) or (
        kind == "partnership" and (challenger or "resilience" in cues)
    ):
        themes.add("competition")
    if "regulatory" in cues:
        themes.add("regulatory")
    return tuple(sorted(themes))


def no_size(r: Mapping[str, Any]) -> bool:
    """No dollar, MW or GPU figure at all, in the facts or in the evidence."""
    return not any(r.get(k) for k in ("amount_usd", "capacity_mw", "gpus", "any_money"))
