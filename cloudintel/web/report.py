"""A self-contained HTML report (no scripts, no external assets) and file exports of the timeline."""

from __future__ import annotations

import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from cloudintel.render import CSV_FIELDS, analyst_edited, csv_row
from core.vocabulary import EVENT_TYPES, LEVEL_RANK
from warehouse.timeline import rank_by_impact

TEMPLATES = Path(__file__).resolve().parent / "templates"
WIDTH, LEFT, LANE = 960, 110, 46


def render_report(events: list[dict[str, Any]], since: str | None, top: int = 15) -> str:
    """The report's HTML; every value is escaped by the template engine."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]))
    ranked = rank_by_impact(events)  # level, then the commitment's size: never the confidence
    return environment.get_template("report.html").render(
        events=events,
        first=events[0]["date"] if events else None,
        last=events[-1]["date"] if events else None,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        chart=_chart(events),
        top=[_row(e) for e in ranked[:top]],
        recent=[e for e in events if not since or e["date"] >= since],
        since=since,
    )


def _row(event: dict[str, Any]) -> dict[str, Any]:
    source = event["sources"][0] if event["sources"] else {}
    url = source.get("url") or ""
    return {
        **event,
        "evidence": source.get("evidence", ""),
        "url": url if url.startswith(("http://", "https://")) else "",
        "source_title": source.get("title"),
    }


def _chart(events: list[dict[str, Any]]) -> dict[str, Any]:
    """Positions of one dot per event: x by date, one lane per type, radius by impact."""
    lanes = list(EVENT_TYPES)
    height = LANE * len(lanes) + 30
    if not events:
        return {"width": WIDTH, "height": height, "left": LEFT, "lanes": [], "ticks": [], "dots": []}
    days = [date.fromisoformat(e["date"]).toordinal() for e in events]
    low, span = min(days), max(max(days) - min(days), 1)

    def x(day: int) -> float:
        return round(LEFT + (WIDTH - LEFT - 20) * (day - low) / span, 1)

    years = range(date.fromordinal(low).year, date.fromordinal(max(days)).year + 2)
    ticks = [
        {"x": x(date(y, 1, 1).toordinal()), "label": str(y)}
        for y in years
        if low <= date(y, 1, 1).toordinal() <= low + span
    ]
    dots = [
        {
            "x": x(day),
            "y": LANE * lanes.index(e["type"]) + 25,
            "r": 5 + 4 * LEVEL_RANK.get(e["impact"]["level"], 0),
            "type": e["type"],
            "date": e["date"],
            "title": e["title"],
        }
        for e, day in zip(events, days, strict=True)
    ]
    return {
        "width": WIDTH,
        "height": height,
        "left": LEFT,
        "lanes": [{"name": name, "y": LANE * i + 25} for i, name in enumerate(lanes)],
        "ticks": ticks,
        "dots": dots,
    }


def export(events: list[dict[str, Any]], fmt: str, out: Path) -> None:
    """Write the timeline as CSV (formula-safe), JSON (the output contract) or Parquet."""
    if fmt == "json":
        out.write_text(json.dumps(events, indent=2) + "\n", encoding="utf-8")
    elif fmt == "csv":
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(CSV_FIELDS)
            writer.writerows(csv_row(e) for e in events)
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        flat = [
            {
                **{
                    k: e[k]
                    for k in (
                        "id",
                        "date",
                        "type",
                        "status",
                        "title",
                        "amount_usd",
                        "capacity_mw",
                        "gpus",
                        "duration_years",
                    )
                },
                "amount_usd": float(e["amount_usd"]) if e["amount_usd"] is not None else None,
                "capacity_mw": float(e["capacity_mw"]) if e["capacity_mw"] is not None else None,
                "duration_years": float(e["duration_years"]) if e["duration_years"] is not None else None,
                "parties": e["parties"],
                "impact_level": e["impact"]["level"],
                "impact_score": e["impact"]["score"],
                "themes": e["impact"]["themes"],
                "source_urls": [s["url"] for s in e["sources"]],
                "analyst_edited": analyst_edited(e),
                "roles": [f"{party}: {role}" for party, role in (e.get("roles") or {}).items()],
            }
            for e in events
        ]
        pq.write_table(pa.Table.from_pylist(flat), out)
