"""Keep the daily schedule on one machine: Prefect schedules only against a real API server.

Uses the server named by PREFECT_API_URL if there is one; otherwise starts `prefect server start` on
127.0.0.1 for as long as the schedule runs, then serves the pipeline with a cron schedule. The server it
starts is locked down: bound to loopback, an API auth string made for this run (basic auth; any local
process or web page without it is refused), CSRF protection on, analytics off.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from core.errors import CloudintelError
from flows.run import preflight
from flows.settings import Settings

SERVER_PORT = 4200
STARTUP_SECONDS = 90


def serve_daily(sources: Path, cron: str, settings: Settings) -> None:
    """Block, running `daily_pipeline` on `cron` (UTC) until interrupted."""
    preflight(settings, sources)  # refuse a bad file now, not at 06:00
    with prefect_server(settings) as api_url:
        print(
            f"Prefect API at {api_url}; daily-pipeline scheduled '{cron}' (UTC). Ctrl-C stops.",
            file=sys.stderr,
        )
        from flows.daily import daily_pipeline

        daily_pipeline.serve(name="daily", cron=cron, parameters={"sources": str(sources)}, limit=1)


@contextmanager
def prefect_server(settings: Settings) -> Iterator[str]:
    """Yield the API URL of a running Prefect server, starting one on loopback if none is configured."""
    existing = os.environ.get("PREFECT_API_URL")
    if existing:
        yield existing
        return
    api_url = f"http://127.0.0.1:{SERVER_PORT}/api"
    auth = f"cloudintel:{secrets.token_urlsafe(24)}"
    settings.home_dir.mkdir(parents=True, exist_ok=True)
    log = (settings.home_dir / "prefect-server.log").open("ab")
    environment = {
        **os.environ,
        "PREFECT_SERVER_API_AUTH_STRING": auth,
        "PREFECT_SERVER_CSRF_PROTECTION_ENABLED": "true",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prefect",
            "server",
            "start",
            "--host",
            "127.0.0.1",
            "--port",
            str(SERVER_PORT),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environment,
        start_new_session=True,
    )
    try:
        _wait_healthy(api_url, process, auth)
        from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_API_AUTH_STRING: auth}):
            yield api_url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _wait_healthy(api_url: str, process: subprocess.Popen[bytes], auth: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise CloudintelError(
                f"the Prefect server exited with code {process.returncode}; see prefect-server.log in "
                "CLOUDINTEL_HOME, or set PREFECT_API_URL to a running server"
            )
        try:
            user, password = auth.split(":", 1)
            if httpx.get(f"{api_url}/health", auth=(user, password), timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise CloudintelError(f"the Prefect server did not answer at {api_url} within {STARTUP_SECONDS} s")
