"""Train and evaluate the impact classifier on labelled events (models/data/impact_events.jsonl).

Rows have the guide's facts, a title and an evidence sentence, the labels (`level`, `themes`) and a
fixed `split` (train or test); fitting never sees the test rows. Analyst labels from the warehouse
join the training rows. Evaluation puts the rule baseline beside the model.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import (
    accuracy_score,
    brier_score_loss,
    classification_report,
    confusion_matrix,
    f1_score,
)
from sklearn.preprocessing import MultiLabelBinarizer

from core.errors import ConfigError
from core.vocabulary import LEVELS, THEMES
from extractors.clustering import EventFacts
from extractors.entities import OrganizationIndex
from models.features import prepare
from models.impact_model import ImpactModel
from models.impact_rules import rule_impact

DATA = Path(__file__).resolve().parent / "data" / "impact_events.jsonl"
REQUIRED = ("type", "status", "parties", "title", "evidence", "level", "themes", "split")


@dataclass(frozen=True)
class Example:
    """One labelled event."""

    facts: EventFacts
    title: str
    evidence: str
    level: str
    themes: tuple[str, ...]
    split: str = "train"


def load_examples(path: Path = DATA) -> tuple[list[Example], str]:
    """The labelled events of a JSONL file and the file's SHA-256; a bad row names file and line."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read training data ({exc})") from exc
    examples = []
    for number, line in enumerate(raw.decode("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            missing = [k for k in REQUIRED if k not in row]
            if missing:
                raise ValueError(f"missing {', '.join(missing)}")
            if row["level"] not in LEVELS or not set(row["themes"]) <= set(THEMES):
                raise ValueError(f"unknown level {row['level']!r} or themes {row['themes']!r}")
            examples.append(example(row))
        except (ValueError, KeyError, TypeError) as exc:
            raise ConfigError(f"{path}:{number}: bad training row ({exc})") from exc
    return examples, hashlib.sha256(raw).hexdigest()


def example(row: dict[str, Any]) -> Example:
    """A labelled event from a JSON row (training file or analyst label)."""
    facts = EventFacts(
        type=row["type"],
        parties=tuple(row["parties"]),
        status=row["status"],
        date=date.fromisoformat(row.get("date") or "2000-01-01"),
        amount_usd=row.get("amount_usd"),
        capacity_mw=row.get("capacity_mw"),
        gpus=row.get("gpus"),
        duration_years=row.get("duration_years"),
        price_change_pct=row.get("price_change_pct"),
    )
    return Example(
        facts,
        row["title"],
        row["evidence"],
        row["level"],
        tuple(sorted(row["themes"])),
        row.get("split", "train"),
    )


def records(examples: Sequence[Example], orgs: OrganizationIndex) -> list[dict[str, Any]]:
    return [prepare(e.facts, e.title, e.evidence, orgs) for e in examples]


def train(examples: Sequence[Example], orgs: OrganizationIndex) -> tuple[ImpactModel, float]:
    """Fit on the training rows; returns the model and the seconds it took."""
    rows = [e for e in examples if e.split != "test"]
    started = time.perf_counter()
    model = ImpactModel.fit(records(rows, orgs), [e.level for e in rows], [e.themes for e in rows])
    return model, time.perf_counter() - started


def evaluate(
    model: ImpactModel | None, examples: Sequence[Example], orgs: OrganizationIndex
) -> dict[str, Any]:
    """Metrics of the model (if any) and of the rule baseline on `examples`."""
    report: dict[str, Any] = {"examples": len(examples)}
    truth_levels = [e.level for e in examples]
    truth_themes = [e.themes for e in examples]
    baseline = [rule_impact(e.facts, e.evidence, orgs, e.title) for e in examples]
    report["rules"] = _metrics(truth_levels, truth_themes, [(b.level, b.score, b.themes) for b in baseline])
    if model is not None:
        started = time.perf_counter()
        predicted = model.predict(records(examples, orgs))
        seconds = time.perf_counter() - started
        report["model"] = _metrics(truth_levels, truth_themes, predicted)
        report["model"]["events_per_second"] = round(len(examples) / seconds) if seconds else None
        probabilities = model.level.predict_proba(records(examples, orgs))
        report["model"]["calibration"] = _calibration(truth_levels, list(model.level.classes_), probabilities)
    return report


def _metrics(
    levels: Sequence[str],
    themes: Sequence[Sequence[str]],
    predicted: Sequence[tuple[str, float, Sequence[str]]],
) -> dict[str, Any]:
    predicted_levels = [p[0] for p in predicted]
    binarizer = MultiLabelBinarizer(classes=list(THEMES))
    truth = binarizer.fit_transform(themes)
    guess = binarizer.transform([p[2] for p in predicted])
    order = ["high", "medium", "low"]
    return {
        "level_accuracy": round(float(accuracy_score(levels, predicted_levels)), 4),
        "level_macro_f1": round(float(f1_score(levels, predicted_levels, average="macro", labels=order)), 4),
        "confusion_matrix": {
            "labels": order,
            "rows_true_columns_predicted": confusion_matrix(levels, predicted_levels, labels=order).tolist(),
        },
        "classification_report": classification_report(
            levels, predicted_levels, labels=order, zero_division=0
        ),
        "themes_micro_f1": round(float(f1_score(truth, guess, average="micro", zero_division=0)), 4),
        "theme_f1": {
            theme: round(float(f1_score(truth[:, i], guess[:, i], zero_division=0)), 4)
            for i, theme in enumerate(THEMES)
        },
    }


def _calibration(levels: Sequence[str], classes: list[str], probabilities: np.ndarray) -> dict[str, Any]:
    """Brier score per level and a reliability table: confidence bins against observed accuracy."""
    brier = {
        str(c): round(float(brier_score_loss([lv == c for lv in levels], probabilities[:, i])), 4)
        for i, c in enumerate(classes)
    }
    confidence = probabilities.max(axis=1)
    correct = np.array([classes[i] == lv for i, lv in zip(probabilities.argmax(axis=1), levels, strict=True)])
    bins = []
    for low, high in ((0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)):
        inside = (confidence >= low) & (confidence < high)
        if inside.any():
            bins.append(
                {
                    "confidence": f"{low:.1f}-{min(high, 1.0):.1f}",
                    "events": int(inside.sum()),
                    "mean_confidence": round(float(confidence[inside].mean()), 3),
                    "accuracy": round(float(correct[inside].mean()), 3),
                }
            )
    return {"brier": brier, "reliability": bins}
