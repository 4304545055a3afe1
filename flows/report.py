"""Render a run summary: Markdown for the Prefect artifact, plain lines for the terminal."""

from __future__ import annotations

from warehouse.runs import RunSummary

ROWS = (
    ("Sources ok", "sources_ok"),
    ("Sources failed", "sources_failed"),
    ("Sources backing off", "sources_skipped"),
    ("Documents new", "documents_new"),
    ("Documents updated", "documents_updated"),
    ("Documents unchanged", "documents_unchanged"),
    ("Documents duplicate", "documents_duplicate"),
    ("Documents failed", "documents_failed"),
    ("Not modified (304)", "not_modified"),
    ("Events new", "events_new"),
    ("Alerts fired", "alerts_fired"),
    ("Alerts delivered", "alerts_delivered"),
    ("Alerts failed", "alerts_failed"),
    ("Too old to alert", "alerts_too_old"),
)


def summary_markdown(summary: RunSummary) -> str:
    """The summary as a Markdown table plus its errors, each with what to do."""
    lines = [
        f"# cloudintel run {summary.run_id}: {summary.status} in {summary.seconds:.1f} s",
        "",
        "| | |",
        "|---|---:|",
    ]
    lines += [f"| {label} | {getattr(summary, name)} |" for label, name in ROWS]
    if summary.errors:
        lines += ["", "## Failures", ""]
        lines += [f"- {_escape(_line(error))}" for error in summary.errors]
    return "\n".join(lines) + "\n"


def summary_text(summary: RunSummary, max_age_days: int | None = None) -> str:
    """The summary as aligned plain-text lines for stderr or stdout; `max_age_days` is the run's
    CLOUDINTEL_ALERTS_MAX_AGE_DAYS, named in the line on events too old to alert."""
    lines = [f"run {summary.run_id}: {summary.status} in {summary.seconds:.1f} s"]
    lines += [f"  {label:<22}{getattr(summary, name):>6}" for label, name in ROWS]
    lines += [f"  ! {_line(error)}" for error in summary.errors]
    if summary.alerts_too_old:
        lines.append(f"  {too_old_line(summary.alerts_too_old, max_age_days)}")
    return "\n".join(lines)


def too_old_line(count: int, max_age_days: int | None) -> str:
    """What the run stored without alerting for its age (events an alert rule matches), and the setting
    that decides it: `max_age_days` is CLOUDINTEL_ALERTS_MAX_AGE_DAYS, None when not known."""
    events = f"{count} event{'s' if count != 1 else ''}"
    if max_age_days:
        limit = f"older than {max_age_days} days"
        why = "CLOUDINTEL_ALERTS_MAX_AGE_DAYS; 0 alerts on any date"
    elif max_age_days == 0:
        limit, why = "older than their rule's max_age_days", "0 alerts on any date"
    else:
        limit = "older than the alert age limit"
        why = "CLOUDINTEL_ALERTS_MAX_AGE_DAYS or a rule's max_age_days; 0 alerts on any date"
    return f"stored {events} {limit} without alerting (events an alert rule matches; {why})"


def _line(error: dict[str, str]) -> str:
    """`source: message`, without repeating a URL the message already starts with."""
    where = error.get("source") or error.get("url") or "?"
    message = error.get("error", "")
    return message if message.startswith(where) else f"{where}: {message}"


def _escape(text: str) -> str:
    return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
