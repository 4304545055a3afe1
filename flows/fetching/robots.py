"""robots.txt, fetched once per host and run, read with the standard library's parser (RFC 9309)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

GetRobots = Callable[[str], tuple[int | None, str]]


class RobotsCache:
    """Answers whether a URL may be fetched; `get` returns (status or None if unreachable, text)."""

    def __init__(self, get: GetRobots, user_agent: str) -> None:
        self._get = get
        self._agent = user_agent.split("/", 1)[0]
        self._parsers: dict[str, RobotFileParser] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            parser = self._parsers.get(origin)
            if parser is None:
                parser = self._parsers[origin] = self._load(origin)
        return parser.can_fetch(self._agent, url)

    def _load(self, origin: str) -> RobotFileParser:
        parser = RobotFileParser(f"{origin}/robots.txt")
        status, text = self._get(f"{origin}/robots.txt")
        if status == 200:
            parser.parse(text.splitlines())
        elif status is not None and 400 <= status < 500:
            parser.allow_all = True  # RFC 9309 §2.3.1.3: no robots.txt, no rules
        else:
            parser.allow_all = True  # unreachable or 5xx: the page fetch itself will fail or retry
        return parser
