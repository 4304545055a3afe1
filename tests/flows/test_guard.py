"""The outbound guard refuses forbidden addresses before any connection, also after a redirect."""

from __future__ import annotations

import socket

import pytest

from core.errors import BlockedURLError
from flows.fetching.client import Fetcher
from flows.fetching.guard import check_url
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
    ],
)
def test_non_public_addresses_are_always_refused(address: str) -> None:
    with pytest.raises(BlockedURLError, match="always refused"):
        check_url("http://news.example/a", allow_loopback=True, resolver=resolver_to(address))


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
