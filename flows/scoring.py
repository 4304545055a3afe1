"""Score a timeline against gold events (`cloudintel score`): the warehouse's, or a saved one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from extractors.entities import OrganizationIndex
from extractors.scoring import score
from flows.settings import Settings
from warehouse.alerts import alerts_json
from warehouse.engine import session_scope
from warehouse.timeline import TimelineFilter, timeline


def score_timeline(
    settings: Settings, gold: Path, saved: Path | None = None, saved_alerts: Path | None = None
) -> dict[str, Any]:
    """Precision and recall (overall and per type), duplicates, fact, status and impact accuracy of
    the warehouse's timeline (or of a `timeline --format json` file) against the gold events of a
    `gold.jsonl`; the new-cloud-deal alerts (the warehouse's, or an `alerts --format json` file)
    against the gold cloud deals; and, when an `articles.jsonl` lies beside the gold file, the events
    found on pages that hold none."""
    orgs = settings.organization_index()
    expected = [  # the gold's names as the list writes them ("Alibaba Cloud" is Alibaba's)
        {**event, "parties": sorted({_named(orgs, p) for p in event.get("parties", [])})}
        for event in _json_lines(gold)
    ]
    if saved is not None:
        predicted = _json(saved, "a `timeline --format json` file")
        alerts = _json(saved_alerts, "an `alerts --format json` file") if saved_alerts else None
    else:
        with session_scope(settings.warehouse_url) as session:
            predicted, alerts = timeline(session, TimelineFilter()), alerts_json(session)
    articles = gold.parent / "articles.jsonl"
    distractors = (
        {row["page"] for row in _json_lines(articles) if not row.get("events")}
        if articles.is_file()
        else None
    )
    return score(predicted, expected, alerts, distractors).to_dict()


def _named(orgs: OrganizationIndex, name: str) -> str:
    org = orgs.resolve(name)
    return org.name if org is not None else name


def _json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not {what} ({exc})") from exc


def _json_lines(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a JSON-lines file ({exc})") from exc
