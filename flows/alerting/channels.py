"""Deliver an alert to one channel: the log, a JSONL file, or any Apprise URL (Slack, Teams, Discord,
email, JSON webhooks, ...). Channel URLs may name environment variables (`${SLACK_URL}`) so secrets
stay out of files; no URL ever appears in a log line, an error or command output."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import apprise

from flows.alerting.secrets import REDACTOR, secret_pieces, substitute, variables

LOG = logging.getLogger("cloudintel.alerts")
DEFAULT_TIMEOUTS = {"cto": "5", "rto": "10"}  # Apprise's connect and read timeouts, seconds
WEBHOOK_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}  # take custom headers ("+Name=value")
NO_REDIRECTS = apprise.AppriseAsset(http_redirects=False)  # a receiver cannot send an alert elsewhere


@dataclass(frozen=True)
class Delivery:
    """How sending to one channel went; `error` never contains the channel's URL."""

    ok: bool
    error: str | None = None


def deliver(
    channel: str,
    template: str | None,
    title: str,
    body: str,
    record: dict[str, object],
    jsonl: Path,
    environ: Mapping[str, str],
    key: str | None = None,
) -> Delivery:
    """Send one alert to one channel; webhooks get `key` as an Idempotency-Key header."""
    if channel == "log":
        LOG.warning("%s\n%s", title, body)
        return Delivery(True)
    if channel == "jsonl":
        try:
            jsonl.parent.mkdir(parents=True, exist_ok=True)
            with jsonl.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            return Delivery(False, f"cannot append to {jsonl}: {exc.strerror}")
        return Delivery(True)
    if template is None:
        return Delivery(False, f"channel {channel!r} is not defined in the alerts file")
    names = variables(template)
    missing = [name for name in names if not environ.get(name)]
    if missing:
        return Delivery(False, f"channel {channel!r}: environment variable {missing[0]} is not set")
    url = _with_timeouts(substitute(template, environ), key)
    if parse_qs(urlsplit(url).query).get("redirect", ["no"]) != ["no"]:
        return Delivery(
            False, f"channel {channel!r}: alerts never follow redirects; drop 'redirect=' from its URL"
        )
    REDACTOR.register(secret_pieces(url, [environ[name] for name in names]))  # before Apprise logs a word
    notifier = apprise.Apprise(asset=NO_REDIRECTS)
    with apprise.LogCapture(level=logging.WARNING) as captured:
        if not notifier.add(url):
            return Delivery(
                False, f"channel {channel!r}: not a valid Apprise URL (scheme {urlsplit(url).scheme!r})"
            )
        sent = notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
    if sent:
        return Delivery(True)
    complaint = REDACTOR.redact(" ".join(captured.getvalue().split()))[:300]
    return Delivery(False, f"channel {channel!r}: {complaint or 'delivery failed'}")


def _with_timeouts(url: str, key: str | None) -> str:
    query = urlsplit(url).query
    params = dict(DEFAULT_TIMEOUTS)
    if key and urlsplit(url).scheme in WEBHOOK_SCHEMES:
        params["+Idempotency-Key"] = key
    extra = "&".join(f"{k}={v}" for k, v in params.items() if f"{k}=" not in query)
    if not extra:
        return url
    return f"{url}{'&' if '?' in url else '?'}{extra}"
