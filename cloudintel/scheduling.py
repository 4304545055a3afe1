"""Keep the daily schedule on one machine (the serve route): Prefect schedules only against a real API
server, so `cloudintel schedule` serves the pipeline on one.

The server is Prefect's own choice, as every `prefect` command makes it: PREFECT_API_URL from the
environment or the active Prefect profile (`prefect config set PREFECT_API_URL=...`). When one is set it
must answer, and it is used; otherwise `prefect server start` runs on a free 127.0.0.1 port for as long
as the schedule runs. The server it starts is locked down: bound to loopback, an API auth string made for
this run (basic auth; any local process or web page without it is refused), CSRF protection on,
analytics off.

The served deployment is `daily-pipeline/cloudintel-schedule`, never prefect.yaml's `daily` (the
worker route): serving re-registers its deployment with no work pool and pauses it on exit, so it must
never take a worker deployment's name. A deployment of the served name that belongs to a work pool is
refused, not replaced. docs/scheduling.md describes both routes.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import httpx

from core.errors import CloudintelError, TerminalError
from flows.run import check_prefect_server, preflight
from flows.settings import Settings

FLOW_NAME = "daily-pipeline"
DEPLOYMENT_NAME = "cloudintel-schedule"  # prefect.yaml's worker deployment is "daily"
SERVED_DEPLOYMENT = f"{FLOW_NAME}/{DEPLOYMENT_NAME}"
STARTUP_SECONDS = 90


def serve_daily(sources: Path, cron: str, settings: Settings) -> None:
    """Block, running `daily_pipeline` on `cron` (UTC) until interrupted (Ctrl-C or SIGTERM); the
    served deployment is then paused, since nothing runs it any more."""
    preflight(settings, sources)  # refuse a bad file now, not at 06:00
    with prefect_server(settings) as (api_url, origin):
        refuse_a_pooled_deployment(api_url)
        print(
            f"Prefect API at {api_url} ({origin}); deployment {SERVED_DEPLOYMENT} scheduled '{cron}' "
            "(UTC). Ctrl-C stops.",
            file=sys.stderr,
        )
        from prefect import serve
        from prefect.deployments.runner import EntrypointType
        from prefect.schedules import Cron

        from flows.daily import daily_pipeline

        deployment = daily_pipeline.to_deployment(
            name=DEPLOYMENT_NAME,
            schedules=[Cron(cron, timezone="UTC")],
            parameters={"sources": str(sources)},
            concurrency_limit=1,
            description="The daily pipeline served by `cloudintel schedule` on one machine "
            "(docs/scheduling.md); paused while that command is not running.",
            # each run imports flows.daily afresh, as a worker does: the in-memory flow that
            # Flow.serve would send to its run's process arrives without the module's imports
            entrypoint_type=EntrypointType.MODULE_PATH,
        )
        with suppress(KeyboardInterrupt):  # Ctrl-C is how it stops
            serve(deployment, limit=1)
        print(f"schedule stopped; deployment {SERVED_DEPLOYMENT} paused", file=sys.stderr)


@contextmanager
def prefect_server(settings: Settings) -> Iterator[tuple[str, str]]:
    """Yield the API URL of a running Prefect server and where it came from: the one Prefect's settings
    name (environment or active profile), which must answer, or else one started on loopback."""
    from prefect.context import get_settings_context
    from prefect.settings import PREFECT_API_URL

    configured = PREFECT_API_URL.value()
    if configured:
        check_prefect_server(configured)
        origin = (
            "PREFECT_API_URL in the environment"
            if os.environ.get("PREFECT_API_URL")
            else f"PREFECT_API_URL of Prefect profile '{get_settings_context().profile.name}'"
        )
        yield configured, origin
        return
    port = free_loopback_port()
    api_url = f"http://127.0.0.1:{port}/api"
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
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env=environment,
        start_new_session=True,
    )
    try:
        _wait_healthy(api_url, process, auth)
        from prefect.settings import PREFECT_API_AUTH_STRING, temporary_settings

        with temporary_settings(updates={PREFECT_API_URL: api_url, PREFECT_API_AUTH_STRING: auth}):
            yield api_url, "started for this schedule; no PREFECT_API_URL is set"
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def refuse_a_pooled_deployment(api_url: str) -> None:
    """Serving would re-register the served deployment without a work pool: refuse when a deployment of
    that name belongs to one (made by hand or by a `prefect deploy` of that name)."""
    from prefect import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            existing = client.read_deployment_by_name(SERVED_DEPLOYMENT)
        except ObjectNotFound:
            return
    if existing.work_pool_name:
        raise TerminalError(
            f"deployment {SERVED_DEPLOYMENT} on {api_url} belongs to work pool "
            f"'{existing.work_pool_name}' and serving would replace it; leave it to its worker, or delete it "
            f"first (prefect deployment delete {SERVED_DEPLOYMENT})"
        )


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now (never a fixed one another server may hold)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
