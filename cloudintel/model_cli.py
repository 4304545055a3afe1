"""`cloudintel model ...`: train, evaluate and apply the impact classifier (calls flows/impact.py and
flows/analysis.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cloudintel import render
from cloudintel.shell import Format, FormatOption, echo_json, require_warehouse, settings

model_app = typer.Typer(help="Train, evaluate and apply the impact classifier.", no_args_is_help=True)
DataOption = Annotated[
    Path | None,
    typer.Option("--data", help="Labelled events (JSONL); default: models/data/impact_events.jsonl."),
]


@model_app.command("train")
def model_train(data: DataOption = None, output: FormatOption = Format.table) -> None:
    """Fit the impact model on the training split plus analyst labels; save it with its card."""
    from flows.impact import train_model

    card, metrics = train_model(settings(), data)
    if output is Format.json:
        echo_json(card)
        return
    typer.echo(
        f"model {card['version']} saved in {settings().model_folder} ({metrics['training_seconds']:.1f} s to "
        f"train on {metrics['training_examples']} events, {metrics['analyst_labels']} of them analyst labels)"
    )
    typer.echo(render.metrics_text(metrics))


@model_app.command("evaluate")
def model_evaluate(data: DataOption = None, output: FormatOption = Format.table) -> None:
    """Classification report, confusion matrix, per-theme F1 and calibration on the held-out split,
    with the rule baseline beside the model, and agreement with analyst labels."""
    from flows.impact import evaluate_model

    metrics, problem = evaluate_model(settings(), data)
    if problem:
        typer.echo(f"cloudintel: {problem}; showing the rule baseline only", err=True)
    if output is Format.json:
        echo_json(metrics)
        return
    typer.echo(f"model {metrics['model_version']} on {metrics['examples']} held-out events")
    typer.echo(render.metrics_text(metrics))
    if "analyst_labels" in metrics:
        typer.echo(f"\nagainst {metrics['analyst_labels']['examples']} analyst labels:")
        typer.echo(render.metrics_text(metrics["analyst_labels"], reports=False))


@model_app.command("rescore")
def model_rescore(
    rules: Annotated[
        bool,
        typer.Option(
            "--rules", help="Score with the rule baseline (the guide's rubric) instead of the model."
        ),
    ] = False,
) -> None:
    """Re-score every stored event with the current model (trained, else shipped; analyst labels stay).
    Refuses when no model is usable, unless --rules asks for the rule baseline. `score` is the
    classifier's confidence in the level, not a measure of impact."""
    from flows.analysis import rescore

    require_warehouse()
    count, judge = rescore(settings(), rules)
    typer.echo(f"{count} events re-scored with {judge.version}", err=True)
