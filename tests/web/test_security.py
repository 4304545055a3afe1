"""The web app against what the network sends, over real servers on 127.0.0.1 (issue 15 item 9)."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from cloudintel.web.app import create_app
from core.errors import UsageError
from flows.settings import Settings
from tests.web.conftest import WebApp

TOKEN = "s3cret-token-for-tests"


def serve(app: FastAPI) -> Iterator[str]:
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def guarded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app as `cloudintel web --host 0.0.0.0` builds it with a token (served here on loopback)."""
    home = tmp_path_factory.mktemp("guarded")
    yield from serve(create_app(Settings(home=home, web_token=TOKEN), "0.0.0.0"))


def test_a_request_with_another_host_header_is_refused(web_app: WebApp) -> None:
    """A DNS-rebinding page reaches the app with its own name in Host."""
    response = httpx.get(f"{web_app.url}/api/events", headers={"Host": "attacker.example"})
    assert response.status_code == 400
    assert httpx.get(f"{web_app.url}/api/events", headers={"Host": "localhost"}).status_code == 200


@pytest.mark.parametrize("path", ["/", "/api/events", "/docs", "/static/app.js", "/nope"])
def test_every_response_carries_the_security_headers(web_app: WebApp, path: str) -> None:
    headers = httpx.get(f"{web_app.url}{path}").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "script-src 'self';" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"


def test_the_api_docs_load_every_script_from_the_app_itself(web_app: WebApp) -> None:
    page = httpx.get(f"{web_app.url}/docs")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith("/") for s in sources), sources
    for source in sources:
        assert httpx.get(f"{web_app.url}{source}").status_code == 200, source
    assert "<script>" not in page.text  # nothing inline: the policy forbids it


@pytest.mark.parametrize("offset", [10**20, -1])
def test_paging_out_of_range_is_a_422_not_a_500(web_app: WebApp, offset: int) -> None:
    assert httpx.get(f"{web_app.url}/api/events", params={"offset": offset}).status_code == 422


def test_serving_beyond_loopback_without_a_token_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="CLOUDINTEL_WEB_TOKEN"):
        create_app(Settings(home=tmp_path), "0.0.0.0")
    create_app(Settings(home=tmp_path), "127.0.0.1")  # loopback needs none


def test_with_a_token_every_request_needs_it(guarded: str) -> None:
    assert httpx.get(f"{guarded}/api/events").status_code == 401
    assert httpx.get(f"{guarded}/", headers={"Authorization": "Bearer wrong"}).status_code == 401
    assert httpx.get(f"{guarded}/api/events", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200


def test_a_browser_gives_the_token_once_and_keeps_it_in_a_strict_cookie(guarded: str) -> None:
    with httpx.Client(base_url=guarded) as browser:
        first = browser.get("/", params={"token": TOKEN})
        assert first.status_code == 303 and first.headers["location"] == "/"
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        assert browser.get("/api/events").status_code == 200  # the cookie goes along
