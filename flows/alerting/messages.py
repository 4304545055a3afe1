"""Alert messages: the facts of an event as plain text that no channel can render as markup.

Article text (evidence sentences, titles, URLs) is neutralised: angle brackets become look-alikes
(no HTML, no Slack `<@channel>` or `<url|text>`), Markdown emphasis, code and link characters are
escaped (so no emphasis and no [text](link)), and @channel/@here/@everyone mentions are broken with a zero-width joiner.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

_MARKDOWN = re.compile(r"([\\*_`~\[\]])")
_MENTION = re.compile(r"@(?=(?:channel|here|everyone|all)\b)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def neutralise(text: str) -> str:
    """Text that renders as itself in plain text, HTML, Slack and Markdown channels."""
    text = _CONTROL.sub(" ", text).replace("<", "\u2039").replace(">", "\u203a")
    text = _MARKDOWN.sub(r"\\\1", text)
    return _MENTION.sub("@\u200d", text)


def safe_url(url: str) -> str:
    """A URL with characters that could close or open markup percent-encoded."""
    return quote(url, safe=":/?=&%#+,;~-._!$'@")


def render(rule: str, event: dict[str, Any]) -> tuple[str, str]:
    """(title, body) of the alert `rule` raises for `event` (timeline JSON shape)."""
    parties = " & ".join(event["parties"])
    kind = {"partnership": "deal", "capacity": "capacity", "pricing": "pricing"}[event["type"]]
    title = f"[cloudintel] {rule}: {parties} ({kind}, {event['status']}, {event['date']})"
    figures = [
        f"amount ${event['amount_usd'] / 1e9:,.2f}B" if event.get("amount_usd") else "",
        f"capacity {event['capacity_mw']:,.0f} MW" if event.get("capacity_mw") else "",
        f"GPUs {event['gpus']:,}" if event.get("gpus") else "",
        f"duration {event['duration_years']:g} years" if event.get("duration_years") else "",
    ]
    impact = event.get("impact") or {}
    lines = [
        neutralise(event.get("title") or ""),
        "Figures: " + (", ".join(f for f in figures if f) or "not disclosed"),
        f"Impact: {impact.get('level') or 'unscored'}"
        + (f" ({impact['score']:.2f})" if impact.get("score") is not None else "")
        + (f"; themes: {', '.join(impact['themes'])}" if impact.get("themes") else ""),
        f"Date: {event['date']}",
    ]
    sources = event.get("sources") or []
    if sources:
        lines.append(f"Evidence: \u201c{neutralise(sources[0]['evidence'])}\u201d")
        lines.append(f"Source: {safe_url(sources[0]['url'])}")
    lines.append(f"Event: {event['id']}")
    return title, "\n".join(lines)  # the title holds only list names, dates and the rule name


def render_digest(entries: Sequence[tuple[dict[str, Any], Sequence[str]]]) -> tuple[str, str]:
    """(title, body) of a digest: one entry per event (timeline JSON shape) with the rules that alerted
    on it, in the order given."""
    count = len(entries)
    title = f"[cloudintel] digest: {count} new event{'s' if count != 1 else ''}"
    lines: list[str] = []
    for number, (event, rules) in enumerate(entries, 1):
        impact = event.get("impact") or {}
        kind = {"partnership": "deal", "capacity": "capacity", "pricing": "pricing"}.get(
            event["type"], "event"
        )
        parties = " & ".join(neutralise(p) for p in event["parties"])
        lines.append(
            f"{number}) {event['date']} | impact {impact.get('level') or 'unscored'} | {parties} "
            f"({kind}, {event['status']})"
        )
        lines.append(f"   {neutralise(event.get('title') or '')}")
        sources = event.get("sources") or []
        if sources:
            lines.append(f"   Source: {safe_url(sources[0]['url'])}")
        lines.append(f"   Event: {event['id']} | rules: {', '.join(rules)}")
    return title, "\n".join(lines)
