"""FastAPI app: the timeline API (`/api/...`, OpenAPI docs at `/docs`) and the pages that use it.

Read-only over the warehouse. Every asset is served by the app itself (no CDN); article text
reaches the page only as JSON and is inserted as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from sqlmodel import Session
from swagger_ui_bundle import swagger_ui_path

from cloudintel.web.security import protect
from core.errors import UsageError
from core.vocabulary import EventType, Level, Status
from flows.settings import Settings
from warehouse.alerts import alerts_json
from warehouse.engine import get_engine
from warehouse.exposure import exposure_history, exposure_json
from warehouse.relationship_states import relationships_json
from warehouse.timeline import (
    Order,
    TimelineFilter,
    companies,
    count_matching,
    event_detail,
    relationships,
    search_terms,
    timeline,
)

STATIC = Path(__file__).resolve().parent / "static"
MAX_OFFSET = 1_000_000_000  # beyond any warehouse; larger numbers overflow the database's integers


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as session:
        yield session


Db = Annotated[Session, Depends(_session)]


def create_app(settings: Settings, bound_host: str = "127.0.0.1") -> FastAPI:
    """The app for one warehouse, to be served on `bound_host` (beyond loopback it needs a token)."""
    app = FastAPI(
        title="cloudintel",
        description="Partnership, capacity and pricing events of the AI and cloud-compute market.",
        version="0.1.0",
        docs_url=None,  # served below from the app's own copy of Swagger UI, not a CDN
        redoc_url=None,
    )
    token = settings.web_token.get_secret_value() if settings.web_token else None
    protect(app, bound_host, token, settings.web_host_names)
    app.state.engine = get_engine(settings.warehouse_url)
    orgs = settings.organization_index()

    def canonical(name: str) -> str:
        try:
            return orgs.canonical(name)
        except UsageError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get(
        "/api/events",
        summary="Events, oldest first (order=desc: newest first, order=impact: most important first), "
        "filtered, searched and paged",
    )
    def events(
        db: Db,
        company: Annotated[list[str] | None, Query(description="A party, any alias; repeatable.")] = None,
        type: Annotated[list[EventType] | None, Query()] = None,
        status: Annotated[list[Status] | None, Query()] = None,
        since: date | None = None,
        until: date | None = None,
        min_impact: Level | None = None,
        q: Annotated[
            str | None,
            Query(
                min_length=1,
                max_length=200,
                description='Search titles, parties and evidence sentences, any case: every word (or "quoted '
                'phrase") must be found.',
            ),
        ] = None,
        order: Annotated[
            Order,
            Query(
                description="asc: oldest first (the default, as the JSON contract), desc: newest first, "
                "impact: most important first (level, then dollars, megawatts, GPUs, then newest; never "
                "impact.score, the classifier's confidence in the level)."
            ),
        ] = "asc",
        limit: Annotated[int, Query(ge=1, le=1000)] = 200,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    ) -> dict[str, Any]:
        where = TimelineFilter(
            companies=[canonical(c) for c in company or []],
            types=type or [],
            statuses=status or [],
            since=since.isoformat() if since else None,
            until=until.isoformat() if until else None,
            min_impact=min_impact,
            query=q,
        )
        if q is not None and not search_terms(q):
            raise HTTPException(422, "q has no words to search for")
        items = timeline(db, where, limit=limit, offset=offset, judged_by=True, order=order)
        return {"total": count_matching(db, where), "limit": limit, "offset": offset, "items": items}

    @app.get("/api/events/{event_id}", summary="One event with every source and evidence sentence")
    def event(event_id: str, db: Db) -> dict[str, Any]:
        found = event_detail(db, event_id, judged_by=True)
        if found is None:
            raise HTTPException(404, f"no event {event_id!r}")
        return found

    @app.get("/api/companies", summary="Companies with events, and how many")
    def company_list(db: Db) -> list[dict[str, Any]]:
        return [{"name": name, "events": count} for name, count in companies(db)]

    @app.get(
        "/api/companies/{name}", summary="A company's counterparties and the events between them, in order"
    )
    def company(name: str, db: Db) -> dict[str, Any]:
        canonical_name = canonical(name)
        groups = relationships(db, canonical_name, judged_by=True)
        return {
            "company": canonical_name,
            "counterparties": [{"name": other, "events": events} for other, events in groups.items()],
        }

    @app.get(
        "/api/companies/{name}/exposure",
        summary="Committed compute by counterparty as of a day, with its concentration (HHI, top share)",
    )
    def company_exposure(name: str, db: Db, as_of: date | None = None) -> dict[str, Any]:
        day = (as_of or datetime.now(UTC).date()).isoformat()
        return exposure_json(db, canonical(name), day, orgs)

    @app.get(
        "/api/companies/{name}/exposure/history",
        summary="Committed dollars by counterparty and the concentration at each date they changed",
    )
    def company_exposure_history(name: str, db: Db) -> dict[str, Any]:
        canonical_name = canonical(name)
        return {"company": canonical_name, "points": exposure_history(db, canonical_name, orgs)}

    @app.get(
        "/api/companies/{name}/relationships",
        summary="Each relationship's state, since when, and how each event moved it",
    )
    def company_relationships(name: str, db: Db, as_of: date | None = None) -> list[dict[str, Any]]:
        return relationships_json(db, canonical(name), as_of.isoformat() if as_of else None)

    @app.get("/api/alerts", summary="Alerts fired so far, with delivery status per channel")
    def alerts(db: Db) -> list[dict[str, Any]]:
        return alerts_json(db)

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        return FileResponse(STATIC / "docs.html")

    @app.get("/company/{name}", include_in_schema=False)
    def company_page(name: str) -> FileResponse:
        return FileResponse(STATIC / "company.html")

    app.mount("/swagger", StaticFiles(directory=swagger_ui_path), name="swagger")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
