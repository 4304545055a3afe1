"""The Prefect server `cloudintel schedule` starts is locked down (issue 15 item 6): a real server on
127.0.0.1, asked without its auth string and from another web origin."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from cloudintel.scheduling import prefect_server
from flows.settings import Settings

pytestmark = pytest.mark.flow


def test_the_local_schedule_server_refuses_requests_without_its_auth_string_or_from_another_origin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.setenv("PREFECT_HOME", str(tmp_path / "prefect"))
    # no server configured, even when the session's Prefect test harness (an earlier test) set one
    with (
        temporary_settings(restore_defaults={PREFECT_API_URL}),
        prefect_server(Settings(home=tmp_path)) as (api_url, origin),
    ):
        assert origin == "started for this schedule; no PREFECT_API_URL is set"
        user, password = PREFECT_API_AUTH_STRING.value().split(":", 1)
        version = f"{api_url}/admin/version"
        assert httpx.get(version, timeout=10).status_code == 401
        assert httpx.get(version, auth=(user, "wrong"), timeout=10).status_code == 401
        assert httpx.get(version, auth=(user, password), timeout=10).status_code == 200
        # a page on another origin that somehow holds the credentials still needs a CSRF token
        cross_origin = httpx.post(
            f"{api_url}/flows/filter",
            json={},
            auth=(user, password),
            headers={"Origin": "http://attacker.example"},
            timeout=10,
        )
        assert cross_origin.status_code == 403
