"""The impact model's life: train it on the labelled data plus analyst labels, evaluate it on the
held-out split beside the rule baseline (models/ does the fitting; this wires data, warehouse and
artifact together for the CLI and tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from core.errors import ModelUnavailable
from flows.settings import Settings
from models.artifacts import load_in_force, save
from models.training import DATA, Example, evaluate, example, load_examples, train
from warehouse.engine import session_scope
from warehouse.labels import analyst_rows


def analyst_examples(settings: Settings) -> list[Example]:
    """The warehouse's analyst labels as training examples."""
    with session_scope(settings.warehouse_url) as session:
        return [example(row) for row in analyst_rows(session)]


def train_model(settings: Settings, data: Path | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Fit on the training split plus analyst labels, evaluate on the held-out split, save the model
    with its card in the model folder; returns (card, metrics)."""
    orgs = settings.organization_index()
    examples, data_hash = load_examples(data or DATA)
    labelled = analyst_examples(settings)
    model, seconds = train(examples + labelled, orgs)
    test = [e for e in examples if e.split == "test"]
    metrics = evaluate(model, test, orgs)
    metrics.update(
        training_seconds=round(seconds, 2),
        analyst_labels=len(labelled),
        training_examples=len(examples) - len(test) + len(labelled),
    )
    card = save(model, settings.model_folder, data_hash, _compact(metrics))
    return card, metrics


def evaluate_model(settings: Settings, data: Path | None = None) -> tuple[dict[str, Any], str | None]:
    """The model in force (trained into the model folder, else the shipped one; without a usable one,
    the rule baseline alone) on the held-out split and against
    analyst labels; returns (metrics, why the model could not be used)."""
    orgs = settings.organization_index()
    examples, _ = load_examples(data or DATA)
    try:
        model, card = load_in_force(settings.model_folder)
        problem = None
    except ModelUnavailable as exc:
        model, card, problem = None, {"version": None}, str(exc)
    metrics = evaluate(model, [e for e in examples if e.split == "test"], orgs)
    labelled = analyst_examples(settings)
    if labelled:
        metrics["analyst_labels"] = evaluate(model, labelled, orgs)
    metrics["model_version"] = card["version"]
    return metrics, problem


def _compact(metrics: dict[str, Any]) -> dict[str, Any]:
    """Metrics for the model card: without the long text reports."""
    return {
        k: ({kk: vv for kk, vv in v.items() if kk != "classification_report"} if isinstance(v, dict) else v)
        for k, v in metrics.items()
    }
