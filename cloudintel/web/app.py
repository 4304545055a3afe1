"""FastAPI app: the timeline API (`/api/...`, OpenAPI docs at `/docs`) and the pages that use it.

It reads the warehouse; the one thing it writes is an analyst's corrections of events (dismiss, edit,
merge, split, undo: `POST /api/events/{id}/...`, through warehouse/overrides.py as `cloudintel event`
does), and only with the token (cloudintel/web/security.py). Every asset is served by the app itself
(no CDN); article text reaches the page only as JSON and is inserted as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session
from swagger_ui_bundle import swagger_ui_path

from cloudintel.web.security import can_write, protect, writer
from core.errors import NotFound, UsageError
from core.vocabulary import EventType, Level, Status
from flows.settings import Settings
from warehouse import overrides
from warehouse.alerts import alerts_json
from warehouse.engine import get_engine, write
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
T = TypeVar("T")
Day = date  # a field below is called `date`
Figure = Annotated[float, Field(allow_inf_nan=False)]
FIGURES = ("amount_usd", "capacity_mw", "gpus", "duration_years")  # the facts an edit may clear (null)


class Why(BaseModel):
    """Who corrects (default: the login name of the user running the app, as `cloudintel event`'s
    --by defaults to yours), and why."""

    model_config = ConfigDict(extra="forbid")
    note: str | None = Field(default=None, max_length=2000, description="Why: kept with the correction.")
    by: str | None = Field(
        default=None, max_length=100, description="Who corrects; default: the app's analyst name."
    )


class Edit(Why):
    """The facts to replace (those given; a figure given as null is cleared to unknown)."""

    type: EventType | None = None
    status: Status | None = None
    date: Day | None = None
    parties: list[Annotated[str, Field(max_length=200)]] | None = Field(
        default=None, max_length=50, description="Parties, any alias; at least one."
    )
    title: str | None = Field(default=None, max_length=500)
    amount_usd: Figure | None = None
    capacity_mw: Figure | None = None
    gpus: Annotated[int, Field(ge=-(2**31), le=2**31 - 1)] | None = None
    duration_years: Figure | None = None


class Merge(Why):
    into: str = Field(max_length=64, description="The event it is part of.")


class Split(Why):
    source: str = Field(max_length=4000, description="The URL of the source to move to a new event.")


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

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        """FastAPI's 422, without the values JSON cannot carry back (NaN, Infinity: a 500 otherwise)."""
        try:
            response: JSONResponse = await request_validation_exception_handler(request, exc)
            return response
        except ValueError:
            errors = [{k: v for k, v in error.items() if k != "input"} for error in exc.errors()]
            return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)

    analyst = overrides.login_name()

    def correct(work: Callable[[Session], T]) -> T:
        """Run a correction in one transaction: a missing event is a 404, a value it cannot use a 422."""
        try:
            return write(settings.warehouse_url, work)
        except NotFound as exc:
            raise HTTPException(404, str(exc)) from None
        except UsageError as exc:
            raise HTTPException(422, str(exc)) from None

    def who(why: Why | None) -> str:
        given = (why.by or "").strip() if why else ""
        return given or analyst

    def shown(session: Session, event_id: str) -> dict[str, Any] | None:
        return event_detail(session, event_id, judged_by=True)

    @app.get(
        "/api/session", summary="Whether this page may correct events (the app has a token), and as whom"
    )
    def session_info(request: Request) -> dict[str, Any]:
        allowed = can_write(request.app)
        return {"corrections": allowed, "analyst": analyst if allowed else None}

    corrections: dict[str, Any] = {
        "dependencies": [Depends(writer)],
        "tags": ["corrections"],
        "responses": {
            401: {"description": "No token, or a wrong one"},
            403: {
                "description": "The app has no token (corrections are off), or the request came from another origin"
            },
            404: {"description": "No such event"},
            415: {"description": "The body is not JSON"},
            422: {"description": "A value the correction cannot use"},
        },
    }

    @app.post(
        "/api/events/{event_id}/dismiss",
        summary="Dismiss a wrong event: hidden everywhere until undone (needs the token)",
        **corrections,
    )
    def dismiss(event_id: str, why: Annotated[Why | None, Body()] = None) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            overrides.dismiss(session, event_id, why.note if why else None, who(why))
            return {"event": shown(session, event_id)}

        return correct(work)

    @app.post(
        "/api/events/{event_id}/edit",
        summary="Replace some of an event's facts, now and after every re-extraction (needs the token)",
        **corrections,
    )
    def edit(event_id: str, body: Edit) -> dict[str, Any]:
        given = {name: getattr(body, name) for name in overrides.EDITABLE if name in body.model_fields_set}
        if not given:
            raise HTTPException(422, f"nothing to edit: give at least one of {', '.join(overrides.EDITABLE)}")
        for name, value in given.items():
            if value is None and name not in FIGURES:
                raise HTTPException(422, f"{name} cannot be null (only {', '.join(FIGURES)} can be cleared)")
        if body.date is not None:
            given["date"] = body.date.isoformat()
        if body.parties is not None:
            try:
                given["parties"] = [orgs.canonical(p.strip()) for p in body.parties if p.strip()]
            except UsageError as exc:
                raise HTTPException(422, str(exc)) from None

        def work(session: Session) -> dict[str, Any]:
            edits = overrides.edit(session, event_id, given, body.note, who(body))
            return {"edits": edits, "event": shown(session, event_id)}

        return correct(work)

    @app.post(
        "/api/events/{event_id}/merge",
        summary="Merge an event into another: one event with both events' sources (needs the token)",
        **corrections,
    )
    def merge(event_id: str, body: Merge) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            target = overrides.merge(session, event_id, body.into.strip(), body.note, who(body))
            return {"merged_into": target, "event": shown(session, target)}

        return correct(work)

    @app.post(
        "/api/events/{event_id}/split",
        summary="Move one source of an event to a new event of its own (needs the token)",
        **corrections,
    )
    def split(event_id: str, body: Split) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            new_id = overrides.split(session, event_id, body.source, body.note, who(body))
            return {
                "new_event_id": new_id,
                "event": shown(session, event_id),
                "new_event": shown(session, new_id),
            }

        return correct(work)

    @app.post(
        "/api/events/{event_id}/undo",
        summary="Remove every correction of an event and recompute it from its sources (needs the token)",
        **corrections,
    )
    def undo(event_id: str) -> dict[str, Any]:
        def work(session: Session) -> dict[str, Any]:
            undone = overrides.undo(session, event_id)
            return {"undone": undone, "event": shown(session, event_id)}

        return correct(work)

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
