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
    "price_change_pct",
    "first_seen",
    "judged_by",
    "evidence",
    "analyst_edited",
    "roles",
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
        count = f"({len(e['sources'])} source{'s' if len(e['sources']) != 1 else ''})"
        lines.append(f"{'':12}{e['id']}  {count}{analyst_note(e)}")
    return "\n".join(lines + footer)


def analyst_note(e: dict[str, Any]) -> str:
    """'  [analyst: dismissed; edited status, amount_usd; merged from X]' for a corrected event, else ''."""
    analyst = e.get("analyst")
    if not analyst:
        return ""
    parts = ["dismissed"] if analyst["dismissed"] else []
    if analyst["edited"]:
        parts.append("edited " + ", ".join(analyst["edited"]))
    if analyst["merged_from"]:
        parts.append("merged from " + ", ".join(analyst["merged_from"]))
    if analyst.get("split_from"):
        parts.append("split from " + analyst["split_from"])
    return f"  [analyst: {'; '.join(parts) or 'corrected'}]"


def analyst_edited(e: dict[str, Any]) -> bool:
    """Whether an analyst corrected the event (dismissed, edited, merged or split it)."""
    return "analyst" in e


def csv_row(e: dict[str, Any]) -> list[str]:
    """One event as CSV cells (see CSV_FIELDS): `sources` holds the source URLs (space-separated),
    `evidence` each source's evidence sentence in the same order (" | "-separated); `price_change_pct`,
    `first_seen` and `judged_by` are empty when the events do not carry them; `analyst_edited` is true
    for an event an analyst corrected (`cloudintel event dismiss|edit|merge|split`); `roles` is
    "party: role" pairs ("; "-separated), empty when the events do not carry them."""
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
            e.get("price_change_pct"),
            e.get("first_seen"),
            e.get("judged_by"),
            " | ".join(s["evidence"] for s in e["sources"]),
            "true" if analyst_edited(e) else "false",
            "; ".join(f"{party}: {role}" for party, role in (e.get("roles") or {}).items()),
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
        f"  impact: {e['impact']['level']} (confidence {e['impact']['score']}); "
        f"themes: {', '.join(e['impact']['themes']) or '-'}"
        f"; judged by {e.get('judged_by') or '-'}",
    ]
    if figures:
        lines.append("  " + ", ".join(f"{k} {v:,}" for k, v in figures.items()))
    if note := analyst_note(e):
        lines.append("  " + note.strip())
    for source in e["sources"]:
        lines += [
            f"  - {plain(source['published'] or '?')[:10]} {plain(source['title'] or '')}",
            f"    {plain(source['url'])}",
            f"    \u201c{plain(source['evidence'])}\u201d",
        ]
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


def sources_table(rows: list[Any]) -> str:
    """`cloudintel sources`: each source's last fetch status, document count and error."""
    if not rows:
        return "no sources yet: run `cloudintel run --sources PATH` first"
    lines = []
    for row in rows:
        status = row.last_status or "never"
        failures = f" ({row.consecutive_failures} failures in a row)" if row.consecutive_failures > 1 else ""
        if row.backoff_until:
            failures += f"; backing off until {row.backoff_until[:16]}"
        lines.append(
            f"{row.name:<28} {row.kind:<9} {status:<13} {row.documents:>4} docs  {row.url}{failures}"
        )
        if row.last_error:
            lines.append(f"    ! {row.last_error}")
    return "\n".join(lines)


def documents_table(rows: list[dict[str, Any]]) -> str:
    """`cloudintel documents`: publication date, status, source and title (or error) of each."""
    lines = []
    for row in rows:
        day = (row["published_at"] or "")[:10] or "?"
        label = row["title"] or row["error"] or ""
        lines.append(f"{day:<10}  {row['status']:<9} {row['source'] or '':<26} {plain(label)[:90]}")
    return "\n".join(lines)


def score_text(result: dict[str, Any]) -> str:
    """`cloudintel score`: event, fact and impact figures, then each miss, spurious event and wrong fact."""
    facts = "  ".join(f"{k} {v:.2f}" for k, v in result["fact_accuracy_by_field"].items())
    lines = [
        f"events: precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"({result['matched']} of {result['gold']} gold, {result['predicted']} predicted, "
        f"{result['duplicates']} duplicates)",
        f"facts: accuracy {result['fact_accuracy']:.3f}  ({facts})",
        f"status: accuracy {result['status_accuracy']:.3f};  impact: level accuracy "
        f"{result['level_accuracy']:.3f} on matched events",
    ]
    lines += [
        f"  {kind:<11} precision {c['precision']:.3f}  recall {c['recall']:.3f}  "
        f"({c['matched']} of {c['gold']} gold, {c['predicted']} predicted)"
        for kind, c in result["by_type"].items()
    ]
    if (alerts := result["cloud_deal_alerts"]) is not None:
        lines.append(
            f"new-cloud-deal alerts: precision {alerts['precision']:.3f}  recall {alerts['recall']:.3f}  "
            f"({alerts['found']} of {alerts['cloud_deals']} gold cloud deals, {alerts['alerted']} alerted)"
        )
    if result["events_from_distractors"] is not None:
        lines.append(f"events found only on distractor pages: {len(result['events_from_distractors'])}")
    for label, name in (("misses", "miss"), ("spurious", "spurious"), ("wrong_facts", "wrong_fact")):
        lines += [f"  {name}: {item}" for item in result[label]]
    return "\n".join(lines)


def metrics_text(metrics: dict[str, Any], reports: bool = True) -> str:
    """`cloudintel model train|evaluate`: level and theme figures of the model and the rule baseline."""
    lines = []
    for name in ("model", "rules"):
        if name not in metrics:
            continue
        m = metrics[name]
        lines.append(
            f"{name:>6}: level accuracy {m['level_accuracy']:.3f}, macro-F1 {m['level_macro_f1']:.3f}, "
            f"themes micro-F1 {m['themes_micro_f1']:.3f}  "
            + " ".join(f"{t}={f:.2f}" for t, f in m["theme_f1"].items())
        )
        if reports:
            lines.append(
                "        confusion (rows true, columns predicted; high, medium, low): "
                f"{m['confusion_matrix']['rows_true_columns_predicted']}"
            )
            lines += ["        " + line for line in m["classification_report"].splitlines() if line]
        if "calibration" in m:
            bins = ", ".join(
                f"{b['confidence']}: {b['events']} at {b['accuracy']:.2f}"
                for b in m["calibration"]["reliability"]
            )
            lines.append(f"        calibration: Brier {m['calibration']['brier']}; reliability {bins}")
    return "\n".join(lines)


def page_text(record: dict[str, Any]) -> str:
    """`cloudintel page --format text`: the title, date and main text of one page, or why it failed."""
    if "error" in record:
        return f"== {plain(record['input'])}\n! {plain(record['error'])}\n"
    return (
        f"== {plain(record['input'])}\n{plain(record['title'] or '(no title)')}\n"
        f"{record['published'] or '(no date)'}\n\n"
        + "\n".join(plain(line) for line in record["text"].splitlines())
        + "\n"
    )
