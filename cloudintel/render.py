"""Plain-text and CSV renderings of timeline data for the terminal; article text is neutralised
(control characters dropped; CSV cells that a spreadsheet would run as a formula are quoted)."""

from __future__ import annotations

import csv
import io
from typing import Any

CSV_FIELDS = (
    "id",
    "date",
    "type",
    "status",
    "parties",
    "title",
    "amount_usd",
    "capacity_mw",
    "gpus",
    "duration_years",
    "impact_level",
    "impact_score",
    "themes",
    "sources",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def plain(text: object) -> str:
    """Text safe for a terminal: no control or escape characters."""
    return "".join(ch for ch in str(text) if ch.isprintable())


def cell(value: object) -> str:
    """A CSV cell a spreadsheet will show, never run: formula-like text gets a leading quote."""
    text = plain("" if value is None else value)
    return "'" + text if text.startswith(FORMULA_START) and not _is_number(text) else text


def timeline_table(events: list[dict[str, Any]]) -> str:
    if not events:
        return "no events match (run `cloudintel run` or widen the filters)"
    footer = ["(* impact set by an analyst)"] if any(e.get("judged_by") == "analyst" for e in events) else []
    lines = []
    for e in events:
        impact = (e["impact"]["level"] or "-") + ("*" if e.get("judged_by") == "analyst" else "")
        lines.append(f"{e['date']}  {e['type']:<11} {e['status']:<9} {impact:<7} {plain(e['title'])[:80]}")
        lines.append(f"{'':12}{e['id']}  ({len(e['sources'])} source{'s' if len(e['sources']) != 1 else ''})")
    return "\n".join(lines + footer)


def csv_row(e: dict[str, Any]) -> list[str]:
    """One event as CSV cells (see CSV_FIELDS)."""
    return [
        cell(v)
        for v in (
            e["id"],
            e["date"],
            e["type"],
            e["status"],
            "; ".join(e["parties"]),
            e["title"],
            e["amount_usd"],
            e["capacity_mw"],
            e["gpus"],
            e["duration_years"],
            e["impact"]["level"],
            e["impact"]["score"],
            "; ".join(e["impact"]["themes"]),
            " ".join(s["url"] for s in e["sources"]),
        )
    ]


def timeline_csv(events: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_FIELDS)
    writer.writerows(csv_row(e) for e in events)
    return out.getvalue()


def event_text(e: dict[str, Any]) -> str:
    figures = {k: e[k] for k in ("amount_usd", "capacity_mw", "gpus", "duration_years") if e[k] is not None}
    lines = [
        plain(e["title"]),
        f"  id: {e['id']}",
        f"  {e['type']}, {e['status']}, {e['date']}; parties: {', '.join(e['parties'])}",
        f"  impact: {e['impact']['level']} ({e['impact']['score']}); themes: {', '.join(e['impact']['themes']) or '-'}"
        f"; judged by {e.get('judged_by') or '-'}",
    ]
    if figures:
        lines.append("  " + ", ".join(f"{k} {v:,}" for k, v in figures.items()))
    for source in e["sources"]:
        lines += [
            f"  - {plain(source['published'] or '?')[:10]} {plain(source['title'] or '')}",
            f"    {plain(source['url'])}",
            f"    \u201c{plain(source['evidence'])}\u201d",
        ]
    return "\n".join(lines)


def relationships_text(company: str, groups: dict[str, list[dict[str, Any]]]) -> str:
    if not groups:
        return f"no events of {company} yet"
    lines = []
    for counterparty, events in groups.items():
        lines.append(
            f"{company} \u2194 {counterparty}" if counterparty else f"{company} (own capacity and pricing)"
        )
        lines += [f"  {e['date']}  {e['type']:<11} {plain(e['title'])}" for e in events]
    return "\n".join(lines)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def alerts_table(alerts: list[dict[str, Any]]) -> str:
    if not alerts:
        return "no alerts yet"
    lines = []
    for a in alerts:
        status = ", ".join(f"{channel} {state}" for channel, state in a["delivery"].items())
        lines.append(f"{a['fired_at'][:16]}  {a['rule']:<16} {plain(a['message'].splitlines()[0])[:90]}")
        lines.append(f"{'':18}{status}" + "".join(f"\n{'':18}! {plain(e)}" for e in a["errors"].values()))
    return "\n".join(lines)
