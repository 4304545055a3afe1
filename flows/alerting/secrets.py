"""Channel secrets kept out of every log line, and out of the URLs they are put into.

A channel's URL template may name environment variables (`${SLACK_URL}`); what they hold, and the
secret-looking parts of the URL they make (user, password, tokens in the path or query), are
registered with the log-record factory: every record of every logger (Apprise's, Prefect's, ours) is
redacted as it is created, before any handler (the console, Prefect's API) sees it, also when a
message quotes only a piece of a token. A value put inside a longer template is URL-quoted, so it cannot change the URL's
host or scheme.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import quote, urlsplit

VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_SEPARATORS = re.compile(r"[/:@?&=#,+;]")
MIN_PIECE = 6  # shorter pieces of a secret are not redacted on their own (too many false hits)
MASK = "***"


def variables(template: str) -> list[str]:
    """The environment variables a channel template names."""
    return VARIABLE.findall(template)


def channel_environment(templates: Iterable[str], environ: Mapping[str, str]) -> dict[str, str]:
    """Only the environment variables the channel templates name: what alert tasks are given (on
    Dask the task's arguments are pickled to the workers), never the whole environment."""
    return {name: environ[name] for template in templates for name in variables(template) if name in environ}


def substitute(template: str, environ: Mapping[str, str]) -> str:
    """The template with its variables' values; a value inside a longer template is URL-quoted."""
    whole = VARIABLE.fullmatch(template.strip())
    if whole:
        return environ[whole.group(1)]
    return VARIABLE.sub(lambda m: quote(environ[m.group(1)], safe=""), template)


def secret_pieces(url: str, values: Iterable[str]) -> set[str]:
    """What must never be printed of a channel: its URL, the variables' values, its user, password,
    path and query, and each token-like piece of those (a piece with a digit or a capital letter)."""
    parts = urlsplit(url)
    whole = {url, *values, parts.username or "", parts.password or "", parts.path, parts.query}
    pieces = {p for text in whole for p in _SEPARATORS.split(text) if len(p) >= MIN_PIECE and not p.islower()}
    return {s for s in whole | pieces if len(s) >= MIN_PIECE} - {parts.hostname or ""}


class Redactor:
    """Replaces every registered secret in a record's message (longest first) by ***."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pattern: re.Pattern[str] | None = None
        self._secrets: set[str] = set()

    def register(self, secrets: Iterable[str]) -> None:
        with self._lock:
            self._secrets |= set(secrets)
            ordered = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None

    def redact(self, text: str) -> str:
        pattern = self._pattern
        return pattern.sub(MASK, text) if pattern else text

    def install(self) -> None:
        """Redact every log record from now on, whichever logger creates it."""
        create = logging.getLogRecordFactory()

        def redacting(*args: object, **kwargs: object) -> logging.LogRecord:
            record = create(*args, **kwargs)  # type: ignore[arg-type]
            if self._pattern is not None:
                message = record.getMessage()
                redacted = self.redact(message)
                if redacted != message:
                    record.msg, record.args = redacted, ()
            return record

        logging.setLogRecordFactory(redacting)


REDACTOR = Redactor()
REDACTOR.install()
