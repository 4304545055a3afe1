"""The outbound guard refuses forbidden addresses before any connection, also after a redirect."""

from __future__ import annotations

import contextlib
import ipaddress
import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import BlockedURLError
from flows.fetching.client import Fetcher
from flows.fetching.guard import check_url, refusal
from flows.settings import Settings
from tests.support.faultserver import FaultServer


def resolver_to(*addresses: str):
    """A resolver the test controls: every name resolves to `addresses`."""

    def resolve(host: str, port: int) -> list[str]:
        return list(addresses)

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "240.0.0.1",
        "0.0.0.0",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "ff02::1",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1: loopback in disguise, not admitted as loopback
        "2002:a9fe:a9fe::1",  # 6to4 of 169.254.169.254
        "::10.0.0.1",  # IPv4-compatible
        "192.0.0.8",  # missing from Python 3.11's tables
        "fec0::1",  # site-local, likewise
        "2001::1",  # Teredo
        "2001:db8::1",
        "198.18.0.1",
        "100::1",
        "::",
    ],
)
def test_non_public_addresses_are_always_refused(address: str) -> None:
    with pytest.raises(BlockedURLError, match="always refused"):
        check_url("http://news.example/a", allow_loopback=True, resolver=resolver_to(address))


@given(st.ip_addresses(v=4))
@settings(max_examples=500)
def test_an_ipv4_address_inside_ipv6_gets_the_verdict_of_the_ipv4_address(v4: ipaddress.IPv4Address) -> None:
    expected = refusal(str(v4), allow_loopback=False) is None
    for form in (
        f"::ffff:{v4}",
        str(ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(v4))),
        str(ipaddress.IPv6Address((0x2002 << 112) | (int(v4) << 80) | 1)),
    ):
        assert (refusal(form, allow_loopback=False) is None) == expected, form


@given(st.text(max_size=80))
@settings(max_examples=500)
def test_the_guard_refuses_or_accepts_any_url_without_an_unexpected_error(text: str) -> None:
    for url in (text, f"http://{text}/", f"http://[{text}]/a"):
        with contextlib.suppress(BlockedURLError):
            check_url(url, allow_loopback=False, resolver=resolver_to("93.184.216.34"))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_loopback_needs_the_allow_loopback_setting(address: str) -> None:
    with pytest.raises(BlockedURLError, match="CLOUDINTEL_ALLOW_LOOPBACK"):
        check_url("http://news.example/a", allow_loopback=False, resolver=resolver_to(address))
    check_url("http://news.example/a", allow_loopback=True, resolver=resolver_to(address))


def test_a_name_with_one_private_address_among_public_ones_is_refused() -> None:
    with pytest.raises(BlockedURLError):
        check_url(
            "http://news.example/", allow_loopback=False, resolver=resolver_to("93.184.216.34", "10.0.0.1")
        )


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "file:///etc/passwd", "gopher://x/", "http:///nohost"]
)
def test_only_http_and_https_with_a_host(url: str) -> None:
    with pytest.raises(BlockedURLError):
        check_url(url, allow_loopback=True, resolver=resolver_to("93.184.216.34"))


def test_public_address_passes() -> None:
    check_url("https://news.example/a", allow_loopback=False, resolver=resolver_to("93.184.216.34"))


def test_redirect_to_a_private_address_is_refused_before_connecting(
    settings: Settings, fault_server: FaultServer
) -> None:
    def loopback_only(host: str, port: int) -> list[str]:
        raise AssertionError(f"the test must not resolve {host}")

    with Fetcher(settings, resolver=loopback_only) as fetcher:
        result = fetcher.fetch(f"{fault_server.base_url}/to-private")
    assert (
        result.outcome == "failed"
        and "10.1.2.3" in (result.error or "")
        and "private" in (result.error or "")
    )


def test_loopback_is_refused_by_default(fault_server: FaultServer, tmp_path) -> None:
    with Fetcher(Settings(home=tmp_path)) as fetcher:
        result = fetcher.fetch(f"{fault_server.base_url}/good")
    assert result.outcome == "failed" and "loopback" in (result.error or "")
    assert fault_server.hits["/good"] == 0


def test_the_connection_goes_to_the_vetted_address_not_to_a_second_dns_answer(
    settings: Settings, fault_server: FaultServer
) -> None:
    answers = iter([["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        """Loopback first, a private address on every later lookup (a DNS-rebinding attacker)."""
        assert host == "news.example"
        return next(answers, ["10.9.9.9"])

    port = fault_server.base_url.rsplit(":", 1)[1]
    with Fetcher(settings, resolver=rebinding) as fetcher:
        result = fetcher.fetch(f"http://news.example:{port}/good")
    # the system resolver does not know news.example: the page came from the address vetted first
    assert result.ok and b"Nscale" in result.body and fault_server.hits["/good"] == 1


def test_the_test_network_guard_refuses_non_loopback_connections() -> None:
    with (
        pytest.raises(AssertionError, match="only loopback"),
        socket.create_connection(("192.0.2.1", 80), 0.1),
    ):
        pass


@pytest.mark.parametrize(
    "url",
    [
        "http://8.8.8.8%25.attacker.test/",
        "http://[127.0.0.1]/",
        "http://[bad]/",
        "http://a b.test/",
        "http://x_y.test/",
        "http://user:pass@news.example/",  # credentials would reach whoever answers
    ],
)
def test_hosts_that_are_not_well_formed_names_or_addresses_are_refused(url: str) -> None:
    with pytest.raises(BlockedURLError, match="not fetched, the URL"):
        check_url(url, allow_loopback=True, resolver=resolver_to("93.184.216.34"))
