"""Which URLs the pipeline follows: absolute http(s), a well-formed host (a DNS name or an IP literal,
IPv6 only in brackets), no credentials, no whitespace or control characters, at most 2,048 characters. Pure: the feed
and page parsers drop the links that fail, the outbound guard refuses them, each with the reason."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

MAX_URL_CHARS = 2048
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
_SPACE_OR_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def url_problem(url: str) -> str | None:
    """Why `url` is not an absolute http(s) URL with a well-formed host, or None when it is."""
    if len(url) > MAX_URL_CHARS:
        return f"longer than {MAX_URL_CHARS} characters"
    if _SPACE_OR_CONTROL.search(url):
        return "holds whitespace or control characters"
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 -- raises ValueError on a bad port
    except ValueError as exc:
        return f"malformed ({exc})"
    if not parts.scheme:
        return "is not an absolute http(s) URL"
    if parts.scheme not in ("http", "https"):
        return f"only http and https URLs are fetched (got {parts.scheme!r})"
    if not host:
        return "no host"
    if parts.username is not None or parts.password is not None:
        return "holds credentials (user:password@), which are never sent"
    if "[" in parts.netloc:
        return None if _is_ipv6(host) else f"bracketed host {host!r} is not an IPv6 address"
    return None if _is_ipv4(host) or _is_dns_name(host) else f"host {host!r} is not a well-formed name"


def _is_ipv6(host: str) -> bool:
    try:
        ipaddress.IPv6Address(host)
    except ValueError:
        return False
    return True


def _is_ipv4(host: str) -> bool:
    try:
        ipaddress.IPv4Address(host)
    except ValueError:
        return False
    return True


def _is_dns_name(host: str) -> bool:
    try:
        ascii_host = host.rstrip(".").encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.split(".")
    return (
        len(ascii_host) <= 253
        and all(_LABEL.fullmatch(label) for label in labels)
        and not labels[-1].isdigit()
    )
