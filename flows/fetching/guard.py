"""The outbound guard: refuse URLs that could turn the crawler against its own network.

Only http and https; the host is resolved once and every address must be globally routable; the
connection then goes to the vetted address (DNS pinning), so a rebinding answer cannot redirect it.
`allow_loopback` admits 127.0.0.0/8 and ::1 (demo and tests) and nothing else.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

from core.errors import BlockedURLError
from extractors.urls import url_problem

Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for `host`."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def check_url(url: str, *, allow_loopback: bool, resolver: Resolver = system_resolver) -> str:
    """The address to connect to for `url`; raise `BlockedURLError` unless `url` is http(s) to a host
    whose addresses are all allowed. Connecting to the returned address (not the name again) means
    a second DNS answer cannot point the connection elsewhere."""
    problem = url_problem(url)
    if problem is not None:
        raise BlockedURLError(f"{url[:200]}: not fetched, the URL {problem}")
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        addresses = [host] if _is_ip(host) else resolver(host, port)
    except OSError as exc:
        raise BlockedURLError(f"{url}: cannot resolve host {host!r} ({exc}); check the URL") from exc
    if not addresses:
        raise BlockedURLError(f"{url}: host {host!r} has no address")
    for address in addresses:
        reason = refusal(address, allow_loopback=allow_loopback)
        if reason:
            raise BlockedURLError(f"{url}: refused, {host} resolves to {address} ({reason})")
    return addresses[0]


def refusal(address: str, *, allow_loopback: bool) -> str | None:
    """Why `address` may not be contacted, or None when it may."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if allow_loopback else "loopback; set CLOUDINTEL_ALLOW_LOOPBACK=1 for local testing"
    if ip.is_global and not ip.is_multicast:
        return None
    for label in ("private", "link_local", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{label}"):
            return f"{label.replace('_', '-')} address, always refused"
    return "not a globally routable address, always refused"


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True
