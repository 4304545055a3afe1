"""Features of an event for the impact classifier: its text, and numbers from its facts.

`prepare` turns an event (facts, evidence, parties) into a flat record; the scikit-learn
pipeline in `models/impact_model.py` reads records only, so it needs no organization list.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from extractors.quantities import find_chips, find_money
from models.impact_rules import rule_impact

VAGUE_BILLIONS = re.compile(
    r"\b(?:multi-?billion|billions|tens of billions|hundreds of billions)\b", re.IGNORECASE
)
EXPANSION = re.compile(
    r"\b(?:expand\w*|extend\w*|more|additional|further|again|existing|another)\b", re.IGNORECASE
)

THRESHOLDS = {
    "amount_usd": (1e9, 1e10),
    "capacity_mw": (100.0, 1000.0),
    "gpus": (10_000.0, 100_000.0),
}


def prepare(facts: EventFacts, title: str, evidence: str, orgs: OrganizationIndex) -> dict[str, Any]:
    """A flat record of one event, with its parties' categories and the rule baseline's verdict."""
    categories = sorted({c for p in facts.parties if (org := orgs.get(p)) for c in org.categories})
    rules = rule_impact(facts, evidence, orgs)
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
        "rule_level": rules.level,
        "rule_themes": list(rules.themes),
        # what the evidence says beyond the extracted facts: sums in any currency, vague sizes
        "any_money": max((m.value for m in find_money(evidence) if m.value >= 1e6), default=0.0),
        "vague_billions": bool(VAGUE_BILLIONS.search(evidence)),
        "vague_chips": any(c.count is None for c in find_chips(evidence)),
        "expansion": bool(EXPANSION.search(evidence)),
    }


def text_of(records: list[Mapping[str, Any]]) -> list[str]:
    """The words the text features are built from."""
    return [f"{r['title']} {r['evidence']}" for r in records]


def numbers_of(records: list[Mapping[str, Any]]) -> list[dict[str, float]]:
    """Structured features: log sizes, threshold flags, price change, type, status, categories, rules."""
    rows = []
    for r in records:
        row: dict[str, float] = {f"type={r['type']}": 1.0, f"status={r['status']}": 1.0}
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
        row["duration_given"] = float(r.get("duration_years") is not None)
        money = r.get("any_money") or 0.0
        row["any_money>=1e9"], row["any_money>=1e10"] = float(money >= 1e9), float(money >= 1e10)
        row["vague_billions"] = float(bool(r.get("vague_billions")))
        row["vague_chips"] = float(bool(r.get("vague_chips")))
        row["expansion"] = float(bool(r.get("expansion")))
        row["no_size"] = float(not any(r.get(k) for k in ("amount_usd", "capacity_mw", "gpus")) and not money)
        row["parties"] = float(r.get("parties") or 0)
        for category in r.get("categories") or []:
            row[f"category={category}"] = 1.0
        row[f"rule_level={r['rule_level']}"] = 1.0
        for theme in r.get("rule_themes") or []:
            row[f"rule_theme={theme}"] = 1.0
        rows.append(row)
    return rows
