"""One run of the daily pipeline, from the command line or a deployment: the pre-flight checks, the
run lock, then the Prefect flow (imported only here, so query commands never start Prefect)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
    from prefect.settings import temporary_settings

    from flows.daily import daily_pipeline, with_dask

    pipeline = with_dask(None if dask == "local" else dask, workers) if dask else daily_pipeline
    with run_lock(get_engine(settings.warehouse_url)), temporary_settings(quiet_prefect()):
        result = pipeline(sources=str(sources), base_url=base_url, settings=settings)
    return RunSummary(**result)  # type: ignore[arg-type]


def quiet_prefect() -> dict[Any, Any]:
    """Prefect settings for a run: the temporary server sends no telemetry (off unless the user's own
    Prefect profile or environment turns it on)."""
    from prefect.settings import PREFECT_SERVER_ANALYTICS_ENABLED, get_current_settings

    explicitly_set = "analytics_enabled" in get_current_settings().server.model_fields_set
    return {} if explicitly_set else {PREFECT_SERVER_ANALYTICS_ENABLED: False}
