"""Pipeline runs: one row per run with its counts, errors and stage durations."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from sqlmodel import Session, select

from warehouse.schema import PipelineRun, utcnow


@dataclass
class RunSummary:
    """What one run did; printed, stored in `pipeline_runs` and published as a Prefect artifact."""

    run_id: int | None = None
    status: str = "completed"
    sources_ok: int = 0
    sources_failed: int = 0
    sources_skipped: int = 0
    documents_new: int = 0
    documents_updated: int = 0
    documents_unchanged: int = 0
    documents_duplicate: int = 0
    documents_failed: int = 0
    not_modified: int = 0
    events_new: int = 0
    alerts_fired: int = 0
    alerts_delivered: int = 0
    alerts_failed: int = 0
    alerts_too_old: int = (
        0  # events left unalerted for their age (CLOUDINTEL_ALERTS_MAX_AGE_DAYS); not stored
    )
    seconds: float = 0.0
    errors: list[dict[str, str]] = field(default_factory=list)
    durations: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def start_run(session: Session) -> int:
    """Open a run row; returns its id. The caller holds the run lock, so a run still marked
    running was killed: it is marked interrupted."""
    for stale in session.exec(select(PipelineRun).where(PipelineRun.status == "running")).all():
        stale.status = "interrupted"
        session.add(stale)
    run = PipelineRun()
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def finish_run(session: Session, summary: RunSummary) -> None:
    """Write a run's summary into its row."""
    run = session.get(PipelineRun, summary.run_id)
    if run is None:
        return
    columns = set(PipelineRun.model_fields) - {"id", "started_at", "finished_at"}
    for name in columns & {f.name for f in fields(summary)}:
        setattr(run, name, getattr(summary, name))
    run.finished_at = utcnow()
    session.add(run)
