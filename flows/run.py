"""One run of the daily pipeline, from the command line or a deployment: the pre-flight checks, the
run lock, then the Prefect flow (imported only here, so query commands never start Prefect)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from core.errors import TerminalError
from flows.alerting.rules import load_alert_config
from flows.settings import Settings
from flows.sources_file import SourceSpec, load_sources
from warehouse.engine import get_engine
from warehouse.locks import run_lock
from warehouse.runs import RunSummary


def preflight(settings: Settings, sources: Path, base_url: str | None = None) -> list[SourceSpec]:
    """Refuse now what would fail the run later: a bad sources file, a typo in the alert rules or the
    organization file, a warehouse that cannot be opened. Returns the sources."""
    specs = load_sources(sources, base_url)
    load_alert_config(settings.alerts_file, settings.organization_index())
    get_engine(settings.warehouse_url)
    return specs


def run_once(
    settings: Settings,
    sources: Path,
    base_url: str | None = None,
    dask: str | None = None,
    workers: int = 2,
) -> RunSummary:
    """Check, take the warehouse (a concurrent run is refused before Prefect starts), run the flow;
    `dask` is a scheduler address, or "local" for a local cluster of `workers` processes."""
    preflight(settings, sources, base_url)
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.daily import daily_pipeline, with_dask

    check_prefect_server(PREFECT_API_URL.value())
    pipeline = with_dask(None if dask == "local" else dask, workers) if dask else daily_pipeline
    with run_lock(get_engine(settings.warehouse_url)), temporary_settings(quiet_prefect()):
        try:
            result = pipeline(sources=str(sources), base_url=base_url, settings=settings)
        except RuntimeError as exc:
            if "ephemeral Prefect API" not in str(exc) and "Failed to reach API" not in str(exc):
                raise
            raise TerminalError(
                f"Prefect could not be reached ({exc}); if its temporary server is slow to start, raise "
                "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS or run a Prefect server (docs/operations.md)"
            ) from None
    return RunSummary(**result)  # type: ignore[arg-type]


def check_prefect_server(api_url: str | None) -> None:
    """With a Prefect server configured (PREFECT_API_URL), refuse in one line when it does not answer,
    before a run starts, instead of failing inside Prefect with pages of tracebacks."""
    if not api_url:
        return
    try:
        httpx.get(f"{api_url.rstrip('/')}/health", timeout=5.0)  # proxies as Prefect itself would use
    except httpx.HTTPError as exc:
        raise TerminalError(
            f"the Prefect server at {api_url} does not answer ({type(exc).__name__}); start it, "
            "or unset PREFECT_API_URL to run with a temporary local server"
        ) from None


def quiet_prefect() -> dict[Any, Any]:
    """Prefect settings for a run, for its temporary server when no PREFECT_API_URL is set: no telemetry,
    and no automations (the trigger and action services: a temporary server lives as long as its run,
    so no automation of its own can ever fire). Flow and task runs, their states, logs and events are
    still recorded. A setting the user's own Prefect profile or environment sets is left as it is.
    Measured in docs/benchmarks.md ("Start-up")."""
    from prefect.settings import (
        PREFECT_SERVER_ANALYTICS_ENABLED,
        PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED,
        get_current_settings,
    )

    server = get_current_settings().server
    updates: dict[Any, Any] = {}
    if "analytics_enabled" not in server.model_fields_set:
        updates[PREFECT_SERVER_ANALYTICS_ENABLED] = False
    if "enabled" not in server.services.triggers.model_fields_set:
        updates[PREFECT_SERVER_SERVICES_TRIGGERS_ENABLED] = False
    return updates
