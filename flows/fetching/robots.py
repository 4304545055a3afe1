"""robots.txt, fetched once per host and run, read with Protego (RFC 9309: the longest matching rule
wins, `*` and `$` patterns; the standard library's parser takes the first match and ignores both)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

GetRobots = Callable[[str], tuple[int | None, str]]
MAX_ROBOTS_CHARS = 500_000  # RFC 9309 §2.5 asks parsers to read at least 500 KiB


class RobotsCache:
    """Answers whether a URL may be fetched; `get` returns (status or None if unreachable, text)."""

    def __init__(self, get: GetRobots, user_agent: str) -> None:
        self._get = get
        self._agent = user_agent.split("/", 1)[0]
        self._rules: dict[str, Protego | None] = {}  # None: no rules, everything allowed
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if origin not in self._rules:
                self._rules[origin] = self._load(origin)
            rules = self._rules[origin]
        return rules is None or rules.can_fetch(url, self._agent)

    def _load(self, origin: str) -> Protego | None:
        status, text = self._get(f"{origin}/robots.txt")
        if status != 200:
            return None  # 4xx: no rules (RFC 9309 §2.3.1.3); unreachable or 5xx: the page fetch will tell
        return Protego.parse(text[:MAX_ROBOTS_CHARS])
