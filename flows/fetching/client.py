"""A polite, guarded HTTP client built on httpx.

Timeouts (connect, read, whole response), a response size cap, manually followed redirects (each hop
re-checked by the outbound guard, loops detected), a clear User-Agent, robots.txt honoured, a
per-host concurrency limit, conditional GET (ETag / Last-Modified) and retries with exponential
backoff on timeouts, resets, 429 (honouring Retry-After) and 5xx. A fetch never raises: it returns
a `FetchResult` whose `error` says what went wrong and what to do.
"""

from __future__ import annotations

import random
import ssl
import threading
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from functools import cache
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from core.errors import BlockedURLError, CloudintelError, FetchError, TransientFetchError
from flows.fetching.guard import Resolver, check_url, system_resolver
from flows.fetching.inflate import EncodingRefused, Inflater
from flows.fetching.robots import RobotsCache
from flows.settings import Settings

Outcome = Literal["ok", "not_modified", "failed"]
REDIRECTS = {301, 302, 303, 307, 308}
MAX_RETRY_AFTER = 60.0


@dataclass(frozen=True)
class Validators:
    """What a server gave to make the next GET conditional."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass
class FetchResult:
    """The outcome of fetching one URL."""

    url: str
    final_url: str
    outcome: Outcome
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    charset: str | None = None
    validators: Validators = field(default_factory=Validators)
    error: str | None = None
    transient: bool = False
    attempts: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    def text(self) -> str | bytes:
        """The body decoded by the header's charset, or raw bytes for the parser to sniff."""
        if self.charset:
            try:
                return self.body.decode(self.charset, errors="replace")
            except LookupError:
                return self.body
        return self.body


@cache
def tls_context() -> ssl.SSLContext:
    """One TLS context per process: loading the CA bundle costs 15–35 ms, and the pipeline opens a
    client per source and per batch."""
    return httpx.create_ssl_context()


class Fetcher:
    """Fetch URLs politely; thread-safe; use as a context manager."""

    def __init__(self, settings: Settings, resolver: Resolver = system_resolver) -> None:
        self.settings = settings
        self.resolver = resolver
        self.client = httpx.Client(
            timeout=httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=settings.total_timeout,
            ),
            follow_redirects=False,
            trust_env=False,  # no HTTP(S)_PROXY or netrc from the environment: sites see us directly
            cookies=CookieJar(
                DefaultCookiePolicy(allowed_domains=[])
            ),  # keeps no cookie: nothing carries between sites
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=settings.fetch_workers, max_keepalive_connections=8),
            verify=tls_context(),
        )
        self.robots = RobotsCache(self._get_robots, settings.user_agent)
        self._host_slots: dict[str, threading.BoundedSemaphore] = defaultdict(
            lambda: threading.BoundedSemaphore(settings.per_host_concurrency)
        )
        self._slots_lock = threading.Lock()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def fetch_many(self, requests: Iterable[tuple[str, Validators | None]]) -> list[FetchResult]:
        """Fetch many URLs concurrently (bounded overall and per host), results in input order."""
        items = list(requests)
        if not items:
            return []
        workers = min(self.settings.fetch_workers, len(items))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            return list(pool.map(lambda item: self.fetch(*item), items))

    def fetch(self, url: str, validators: Validators | None = None) -> FetchResult:
        """Fetch one URL (conditional when `validators` are given), retrying transient failures."""
        started = time.monotonic()
        attempts = 0
        while True:
            attempts += 1
            try:
                result = self._fetch_once(url, validators)
            except TransientFetchError as exc:
                delay = self._retry_delay(attempts, exc)
                if delay is None:
                    return self._failure(url, exc, attempts, started, transient=True)
                time.sleep(delay)
                continue
            except CloudintelError as exc:
                return self._failure(url, exc, attempts, started, transient=False)
            result.attempts = attempts
            result.seconds = time.monotonic() - started
            return result

    def _failure(
        self, url: str, exc: CloudintelError, attempts: int, started: float, *, transient: bool
    ) -> FetchResult:
        status = exc.status if isinstance(exc, FetchError | TransientFetchError) else None
        return FetchResult(
            url=url,
            final_url=url,
            outcome="failed",
            status=status,
            error=str(exc),
            transient=transient,
            attempts=attempts,
            seconds=time.monotonic() - started,
        )

    def _retry_delay(self, attempts: int, exc: TransientFetchError) -> float | None:
        if attempts > self.settings.retries:
            return None
        if exc.retry_after is not None:
            return min(exc.retry_after, MAX_RETRY_AFTER)
        base = self.settings.retry_backoff * 2 ** (attempts - 1)
        return base + random.uniform(0, base / 2)

    def _fetch_once(self, url: str, validators: Validators | None) -> FetchResult:
        current = url
        visited = {url}
        for _ in range(self.settings.max_redirects + 1):
            address = check_url(current, allow_loopback=self.settings.allow_loopback, resolver=self.resolver)
            if not self.robots.allowed(current):
                raise BlockedURLError(
                    f"{current}: robots.txt of {urlsplit(current).netloc} disallows this path for our "
                    "User-Agent; remove the source or ask the site"
                )
            headers = _conditional_headers(validators) if current == url else {}
            response = self._request(current, headers, address)
            if response.status in REDIRECTS:
                location = response.headers.get("location")
                if not location:
                    raise _fetch_error(current, response.status, "redirect without a Location header")
                try:
                    current = urljoin(current, location)
                except ValueError as exc:
                    raise _fetch_error(
                        current, response.status, f"redirect to a malformed URL ({exc})"
                    ) from exc
                if current in visited:
                    raise _fetch_error(url, response.status, f"redirect loop through {current}")
                visited.add(current)
                continue
            return self._result(url, current, response)
        raise _fetch_error(url, None, f"more than {self.settings.max_redirects} redirects")

    def _request(self, url: str, headers: dict[str, str], address: str) -> _Response:
        host = urlsplit(url).netloc
        with self._slots_lock:
            slot = self._host_slots[host]
        with slot:
            return self._stream(url, headers, address)

    def _stream(self, url: str, headers: dict[str, str], address: str) -> _Response:
        deadline = time.monotonic() + self.settings.total_timeout
        cap = self.settings.max_bytes
        pinned, extensions = _pinned(url, address)
        try:
            with self.client.stream(
                "GET", pinned, headers={**headers, "Host": urlsplit(url).netloc}, extensions=extensions
            ) as response:
                declared = response.headers.get("content-length", "")
                if declared.isdigit() and int(declared) > cap:
                    raise _fetch_error(
                        url, response.status_code, f"response of {declared} bytes is over the {cap}-byte cap"
                    )
                chunks: list[bytes] = []
                size = 0
                if response.status_code not in (204, 304):  # read error bodies too: the connection is reused
                    inflater = Inflater(response.headers.get("content-encoding", ""))
                    for raw in response.iter_raw():
                        for chunk in inflater.pieces(raw):  # counted as they are produced
                            size += len(chunk)
                            if size > cap:
                                raise _fetch_error(
                                    url, 200, f"response is over the {cap}-byte cap (CLOUDINTEL_MAX_BYTES)"
                                )
                            chunks.append(chunk)
                        if time.monotonic() > deadline:
                            raise _transient(
                                url, None, f"response took over {self.settings.total_timeout:.0f} s"
                            )
                return _Response(response.status_code, response.headers, b"".join(chunks))
        except httpx.TimeoutException as exc:
            raise _transient(url, None, f"timed out ({type(exc).__name__})") from exc
        except httpx.InvalidURL as exc:
            raise _fetch_error(url, None, f"not a valid URL ({exc})") from exc
        except (httpx.DecodingError, zlib.error) as exc:
            raise _fetch_error(url, None, f"undecodable compressed body ({exc})") from exc
        except EncodingRefused as exc:
            raise _fetch_error(url, None, str(exc)) from exc
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise _transient(
                url, None, f"connection failed ({type(exc).__name__}: {exc or 'no detail'})"
            ) from exc

    def _result(self, url: str, final_url: str, response: _Response) -> FetchResult:
        status = response.status
        if status == 304:
            return FetchResult(url=url, final_url=final_url, outcome="not_modified", status=304)
        if status == 429 or status >= 500:
            raise _transient(url, status, f"server answered {status}", _retry_after(response.headers))
        if status != 200:
            advice = (
                "the page is gone; remove it from the source" if status in (404, 410) else "check the URL"
            )
            raise _fetch_error(url, status, f"server answered {status}; {advice}")
        content_type = response.headers.get("content-type", "")
        mime, _, params = content_type.partition(";")
        charset = None
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.lower() == "charset" and value:
                charset = value.strip("\"' ")
        return FetchResult(
            url=url,
            final_url=final_url,
            outcome="ok",
            status=status,
            body=response.body,
            content_type=mime.strip().lower(),
            charset=charset,
            validators=Validators(response.headers.get("etag"), response.headers.get("last-modified")),
        )

    def _get_robots(self, robots_url: str) -> tuple[int | None, str]:
        """Fetch a robots.txt (guarded, not itself subject to robots): (status, text)."""
        try:
            address = check_url(
                robots_url, allow_loopback=self.settings.allow_loopback, resolver=self.resolver
            )
            response = self._request(robots_url, {}, address)
        except CloudintelError:
            return None, ""
        return response.status, response.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class _Response:
    status: int
    headers: httpx.Headers
    body: bytes


def _pinned(url: str, address: str) -> tuple[str, dict[str, str]]:
    """The URL with its host replaced by the vetted address; TLS still checks the real name (SNI)."""
    parts = urlsplit(url)
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    extensions = {"sni_hostname": parts.hostname or ""} if parts.scheme == "https" else {}
    return parts._replace(netloc=netloc).geturl(), extensions


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def _fetch_error(url: str, status: int | None, reason: str) -> FetchError:
    return FetchError(f"{url}: {reason}", status)


def _transient(
    url: str, status: int | None, reason: str, retry_after: float | None = None
) -> TransientFetchError:
    return TransientFetchError(f"{url}: {reason}; retried, and tried again next run", status, retry_after)
