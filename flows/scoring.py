"""Score a timeline against gold events (`cloudintel score`): the warehouse's, or a saved one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from extractors.scoring import score
from flows.settings import Settings
from warehouse.engine import session_scope
from warehouse.timeline import TimelineFilter, timeline


def score_timeline(settings: Settings, gold: Path, saved: Path | None = None) -> dict[str, Any]:
    """Precision, recall, F1, duplicates, fact and impact accuracy of the warehouse's timeline (or of
    a `timeline --format json` file) against the gold events of a `gold.jsonl`."""
    expected = _json_lines(gold)
    if saved is not None:
        try:
            predicted = json.loads(saved.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{saved}: not a `timeline --format json` file ({exc})") from exc
    else:
        with session_scope(settings.warehouse_url) as session:
            predicted = timeline(session, TimelineFilter())
    return score(predicted, expected).to_dict()


def _json_lines(path: Path) -> list[dict[str, Any]]:
    try:
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: not a gold.jsonl file ({exc})") from exc
