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


# The IANA special-purpose address registries (IPv4 and IPv6, as of 2025), kept here rather than taken
# from the ipaddress module: Python 3.11's tables miss 192.0.0.0/24 and fec0::/10, among others.
FORBIDDEN_V4 = tuple(
    (ipaddress.IPv4Network(net), why)
    for net, why in (
        ("0.0.0.0/8", "this-network"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "shared (carrier-grade NAT)"),
        ("169.254.0.0/16", "link-local"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.31.196.0/24", "AS112"),
        ("192.52.193.0/24", "AMT"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("192.175.48.0/24", "direct delegation AS112"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved"),
    )
)
LOOPBACK_V4 = ipaddress.IPv4Network("127.0.0.0/8")
GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")  # everything else (ULA, link- and site-local,
# multicast, discard, IPv4-compatible) is refused outright
FORBIDDEN_V6 = tuple(
    (ipaddress.IPv6Network(net), why)
    for net, why in (
        ("2001::/23", "IETF protocol assignments (Teredo, ORCHID, benchmarking...)"),
        ("2001:db8::/32", "documentation"),
        ("3fff::/20", "documentation"),
    )
)
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def refusal(address: str, *, allow_loopback: bool) -> str | None:
    """Why `address` may not be contacted, or None when it may. An IPv6 address that carries an IPv4
    address (mapped, IPv4-compatible, NAT64, 6to4) is judged by that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "not an IP address (a zone index or a malformed answer), always refused"
    translated = False  # reached through a translator (NAT64, 6to4): never the local machine
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(ip)
        if embedded is None:
            return _v6_refusal(ip, allow_loopback)
        translated = ip.ipv4_mapped is None
        ip = embedded
    if ip in LOOPBACK_V4:
        if translated:
            return "loopback address inside a translated IPv6 address, always refused"
        return None if allow_loopback else "loopback; set CLOUDINTEL_ALLOW_LOOPBACK=1 for local testing"
    for network, why in FORBIDDEN_V4:
        if ip in network:
            return f"{why} address, always refused"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip in NAT64 or (ip in IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in SIX_TO_FOUR:
        return ip.sixtofour
    return None


def _v6_refusal(ip: ipaddress.IPv6Address, allow_loopback: bool) -> str | None:
    if ip == ipaddress.IPv6Address("::1"):
        return None if allow_loopback else "loopback; set CLOUDINTEL_ALLOW_LOOPBACK=1 for local testing"
    if ip not in GLOBAL_UNICAST_V6:
        return "not a global unicast address (private, link-local, site-local, multicast...), always refused"
    for network, why in FORBIDDEN_V6:
        if ip in network:
            return f"{why} address, always refused"
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
