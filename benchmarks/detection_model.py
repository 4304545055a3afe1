"""Learned event detection (models/detection.py) against the keyword rules it is to replace
(extractors/events.py), on the labelled corpus models/data/detection.

    python benchmarks/detection_model.py

Sentence level: 5-fold cross-validation grouped by article (type of each sentence, status of each
event sentence, hard negatives called events). Article level, the measure both can take: the pairs
(article, event type) an article states, from the model's out-of-fold sentence predictions and from
`detect_events` over the same article (headline as title, the rest as its text, the shipped
organization list).
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extractors.entities import OrganizationIndex  # noqa: E402
from extractors.events import detect_events  # noqa: E402
from models.detection import NONE, cross_validate, load_corpus  # noqa: E402


def article_pairs(sentences: list, labels: list[str]) -> set[tuple[str, str]]:
    return {(s.article, label) for s, label in zip(sentences, labels, strict=True) if label != NONE}


def prf(found: set, truth: set) -> dict[str, float]:
    hit = len(found & truth)
    p = hit / len(found) if found else 1.0
    r = hit / len(truth) if truth else 1.0
    return {
        "precision": round(p, 3),
        "recall": round(r, 3),
        "f1": round(2 * p * r / (p + r) if p + r else 0, 3),
    }


def rules_pairs(sentences: list) -> set[tuple[str, str]]:
    orgs = OrganizationIndex.load()
    by_article: dict[str, list] = {}
    for s in sentences:
        by_article.setdefault(s.article, []).append(s)
    found = set()
    for article, rows in by_article.items():
        title, body = rows[0].text, "\n\n".join(r.text for r in rows[1:])
        for candidate in detect_events(title, body, datetime(2025, 6, 1, tzinfo=UTC), orgs):
            found.add((article, candidate.type))
    return found


def main() -> None:
    sentences = load_corpus()
    report = cross_validate(sentences)
    truth = article_pairs(sentences, [s.label for s in sentences])
    print(report.pop("type_report"))
    report["article_level"] = {
        "pairs": len(truth),
        "model": prf(article_pairs(sentences, report.pop("predicted")), truth),
        "rules": prf(rules_pairs(sentences), truth),
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
