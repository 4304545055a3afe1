"""Deliver an alert to one channel: the log, a JSONL file, or any Apprise URL (Slack, Teams, Discord,
email, JSON webhooks, ...). Channel URLs may name environment variables (`${SLACK_URL}`) so secrets
stay out of files; no URL ever appears in a log line, an error or command output."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import apprise

LOG = logging.getLogger("cloudintel.alerts")
_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
DEFAULT_TIMEOUTS = {"cto": "5", "rto": "10"}  # Apprise's connect and read timeouts, seconds
WEBHOOK_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}  # take custom headers ("+Name=value")


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
    missing = [name for name in _VARIABLE.findall(template) if not environ.get(name)]
    if missing:
        return Delivery(False, f"channel {channel!r}: environment variable {missing[0]} is not set")
    url = _with_timeouts(_VARIABLE.sub(lambda m: environ[m.group(1)], template), key)
    notifier = apprise.Apprise()
    if not notifier.add(url):
        return Delivery(
            False, f"channel {channel!r}: not a valid Apprise URL (scheme {urlsplit(url).scheme!r})"
        )
    with apprise.LogCapture(level=logging.WARNING) as captured:
        sent = notifier.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
    if sent:
        return Delivery(True)
    return Delivery(False, f"channel {channel!r}: {_redact(captured.getvalue(), url) or 'delivery failed'}")


def _with_timeouts(url: str, key: str | None) -> str:
    query = urlsplit(url).query
    params = dict(DEFAULT_TIMEOUTS)
    if key and urlsplit(url).scheme in WEBHOOK_SCHEMES:
        params["+Idempotency-Key"] = key
    extra = "&".join(f"{k}={v}" for k, v in params.items() if f"{k}=" not in query)
    if not extra:
        return url
    return f"{url}{'&' if '?' in url else '?'}{extra}"


def _redact(log: str, url: str) -> str:
    """Apprise's complaint, one line, without the URL or anything secret in it."""
    parts = urlsplit(url)
    secrets = [url, parts.netloc, parts.password or "", parts.username or "", parts.path, parts.query]
    text = " ".join(log.split())
    for secret in sorted((s for s in secrets if s and len(s) > 3), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text[:300]
