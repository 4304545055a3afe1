"""Analyst corrections through the web API (issue 17 item 5, web part), over a real server on 127.0.0.1
and a small real warehouse (SQLite, and PostgreSQL when marked): `POST /api/events/{id}/dismiss|edit|
merge|split|undo` correct events through warehouse/overrides.py, record who and why, and are refused
without the token, on a server started without one, and when a page of another origin sends them."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlmodel import select

from cloudintel.web.app import create_app
from extractors.events import Candidate
from flows.settings import Settings
from tests.cli.test_cli import CONTRACT_KEYS
from tests.cli.warehouse_events import SAMPLE, build
from tests.web.test_security import TOKEN, serve
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.schema import Document, EventOverride, EventSplit

REGION = "https://news.example/region"  # a second source of the AWS deal
served = contextmanager(serve)


@dataclass(frozen=True)
class Warehouse:
    url: str  # the database's
    microsoft: str
    coreweave: str
    stargate: str
    aws: str  # two sources: https://news.example/3 and REGION


@pytest.fixture()
def warehouse(database_url: str) -> Warehouse:
    ids = build(database_url, SAMPLE)
    with session_scope(database_url) as session:
        document = Document(
            url=REGION, title="AWS region", text="t", published_at=datetime(2025, 11, 10, 9, tzinfo=UTC)
        )
        session.add(document)
        session.flush()
        later = Candidate(
            "partnership",
            ("Amazon Web Services", "OpenAI"),
            "announced",
            date(2025, 11, 10),
            "OpenAI adds a second AWS region for training.",
        )
        assert store_mentions(session, document, [later]).new == []  # clustered into the AWS deal
    return Warehouse(database_url, *ids)


@pytest.fixture()
def api(warehouse: Warehouse, tmp_path: Path) -> Iterator[httpx.Client]:
    """A client with the token, of the app served with one."""
    settings = Settings(home=tmp_path, database_url=warehouse.url, web_token=TOKEN)
    with (
        served(create_app(settings)) as url,
        httpx.Client(base_url=url, headers={"Authorization": f"Bearer {TOKEN}"}, trust_env=False) as client,
    ):
        yield client


def root(api: httpx.Client) -> str:
    return str(api.base_url).rstrip("/")


def ids(api: httpx.Client) -> list[str]:
    response = api.get("/api/events")
    response.raise_for_status()
    return [e["id"] for e in response.json()["items"]]


def event(api: httpx.Client, event_id: str) -> dict[str, Any]:
    response = api.get(f"/api/events/{event_id}")
    response.raise_for_status()
    return response.json()  # type: ignore[no-any-return]


def post(api: httpx.Client, event_id: str, action: str, body: Any = None, **kwargs: Any) -> httpx.Response:
    return api.post(f"/api/events/{event_id}/{action}", json={} if body is None else body, **kwargs)


def override(warehouse: Warehouse, event_id: str) -> EventOverride | None:
    with session_scope(warehouse.url) as session:
        return session.get(EventOverride, event_id)


def test_the_page_learns_whether_it_may_correct(
    api: httpx.Client, tmp_path: Path, warehouse: Warehouse
) -> None:
    assert api.get("/api/session").json() == {"corrections": True, "analyst": getpass.getuser()}
    with served(create_app(Settings(home=tmp_path, database_url=warehouse.url))) as url:
        assert httpx.get(f"{url}/api/session").json() == {"corrections": False, "analyst": None}


def test_dismiss_hides_the_event_records_who_and_why_and_undo_brings_it_back(
    api: httpx.Client, warehouse: Warehouse
) -> None:
    response = post(api, warehouse.coreweave, "dismiss", {"note": "not a deal", "by": "ana"})
    assert response.status_code == 200, response.text
    shown = response.json()["event"]
    assert (shown["id"], shown["analyst"]["dismissed"]) == (warehouse.coreweave, True)
    assert warehouse.coreweave not in ids(api)
    assert event(api, warehouse.coreweave)["analyst"]["dismissed"] is True  # shown flagged, by its id
    stored = override(warehouse, warehouse.coreweave)
    assert stored is not None and (stored.dismissed, stored.note, stored.edited_by) == (
        True,
        "not a deal",
        "ana",
    )

    response = post(api, warehouse.coreweave, "undo")
    assert response.status_code == 200, response.text
    assert response.json()["undone"] == ["dismissal"]
    assert list(response.json()["event"]) == [*CONTRACT_KEYS, "judged_by", "roles"]  # as nobody corrected it
    assert warehouse.coreweave in ids(api)
    again = post(api, warehouse.coreweave, "undo")
    assert again.status_code == 404 and "no analyst corrections" in again.json()["detail"]


def test_a_correction_without_a_name_is_the_apps_user_as_in_the_cli(
    api: httpx.Client, warehouse: Warehouse
) -> None:
    assert (
        api.post(
            f"/api/events/{warehouse.coreweave}/dismiss",
            json=None,
            headers={"Content-Type": "application/json"},
        ).status_code
        == 200
    )
    stored = override(warehouse, warehouse.coreweave)
    assert stored is not None and stored.edited_by == getpass.getuser() and stored.note is None


def test_edit_replaces_the_facts_the_cli_may_edit(api: httpx.Client, warehouse: Warehouse) -> None:
    response = post(
        api,
        warehouse.aws,
        "edit",
        {
            "amount_usd": 50e9,
            "status": "reported",
            "parties": ["openai", "aws", "Microsoft"],  # any alias
            "title": "  OpenAI and AWS:   $50B  ",
            "date": "2025-11-04",
            "gpus": 1000,
            "capacity_mw": 500,
            "duration_years": 7,
            "note": "the filing says $50B",
        },
    )
    assert response.status_code == 200, response.text
    answer = response.json()
    shown = answer["event"]
    assert (shown["amount_usd"], shown["status"], shown["parties"], shown["title"], shown["date"]) == (
        50e9,
        "reported",
        ["Amazon Web Services", "Microsoft", "OpenAI"],
        "OpenAI and AWS: $50B",
        "2025-11-04",
    )
    assert (shown["gpus"], shown["capacity_mw"], shown["duration_years"]) == (1000, 500, 7)
    assert shown["analyst"] == {
        "edited": [
            "status", "date", "parties", "title", "amount_usd", "capacity_mw", "gpus", "duration_years",
        ],
        "dismissed": False,
        "merged_from": [],
    }  # fmt: skip
    assert set(answer["edits"]) == set(shown["analyst"]["edited"])
    assert event(api, warehouse.aws)["amount_usd"] == 50e9
    microsoft = api.get("/api/events", params={"company": "microsoft"}).json()["items"]
    assert [e["id"] for e in microsoft] == [warehouse.microsoft, warehouse.aws]  # filters see the edit

    # a later edit adds to the earlier ones; a figure given as null is cleared
    response = post(api, warehouse.aws, "edit", {"type": "capacity", "gpus": None})
    assert response.status_code == 200, response.text
    shown = response.json()["event"]
    assert (shown["type"], shown["gpus"], shown["amount_usd"]) == ("capacity", None, 50e9)
    assert "type" in shown["analyst"]["edited"] and "gpus" in shown["analyst"]["edited"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({}, "nothing to edit"),
        ({"note": "only a note"}, "nothing to edit"),
        ({"status": "rumoured"}, "status"),
        ({"type": "merger"}, "type"),
        ({"date": "2025-13-01"}, "date"),
        ({"amount_usd": -5}, "amount_usd cannot be negative"),
        ({"gpus": 2**40}, "gpus"),
        ({"parties": ["Nonexistent Corp"]}, "unknown company 'Nonexistent Corp'"),
        ({"parties": [" "]}, "at least one party"),
        ({"title": None}, "title cannot be null"),
        ({"title": "   "}, "title: give some text"),
        ({"price_change_pct": 5}, "price_change_pct"),  # not a fact an analyst edits
        ({"amount_usd": "lots"}, "amount_usd"),
    ],
)
def test_an_edit_the_cli_would_refuse_is_a_422_that_says_why(
    api: httpx.Client, warehouse: Warehouse, body: dict[str, Any], says: str
) -> None:
    before = event(api, warehouse.aws)
    response = post(api, warehouse.aws, "edit", body)
    assert response.status_code == 422
    assert says in str(response.json()["detail"])
    assert event(api, warehouse.aws) == before and override(warehouse, warehouse.aws) is None


def test_an_infinite_or_nan_figure_is_refused(api: httpx.Client, warehouse: Warehouse) -> None:
    for text in ('{"amount_usd": NaN}', '{"capacity_mw": Infinity}'):
        response = api.post(
            f"/api/events/{warehouse.aws}/edit", content=text, headers={"Content-Type": "application/json"}
        )
        assert response.status_code == 422, text
    assert override(warehouse, warehouse.aws) is None


def test_merge_shows_one_event_with_both_events_sources(api: httpx.Client, warehouse: Warehouse) -> None:
    response = post(api, warehouse.microsoft, "merge", {"into": warehouse.stargate, "by": "ana"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["merged_into"] == warehouse.stargate
    assert answer["event"]["id"] == warehouse.stargate
    assert answer["event"]["analyst"]["merged_from"] == [warehouse.microsoft]
    assert [s["url"] for s in answer["event"]["sources"]] == [
        "https://news.example/0",
        "https://news.example/2",
    ]
    assert warehouse.microsoft not in ids(api)
    assert (
        event(api, warehouse.microsoft)["id"] == warehouse.stargate
    )  # the merged id shows the event it is part of

    refused = post(api, warehouse.stargate, "merge", {"into": warehouse.microsoft})  # ends in itself
    assert refused.status_code == 422 and "into itself" in refused.json()["detail"]
    missing = post(api, warehouse.coreweave, "merge", {"into": "2099-01-01-nothing"})
    assert missing.status_code == 404 and "2099-01-01-nothing" in missing.json()["detail"]
    assert post(api, warehouse.coreweave, "merge", {}).status_code == 422  # into is required

    assert post(api, warehouse.microsoft, "undo").json()["undone"] == [f"merge into {warehouse.stargate}"]
    assert warehouse.microsoft in ids(api)


def test_split_moves_a_source_to_a_new_event(api: httpx.Client, warehouse: Warehouse) -> None:
    assert [s["url"] for s in event(api, warehouse.aws)["sources"]] == ["https://news.example/3", REGION]
    response = post(api, warehouse.aws, "split", {"source": REGION, "note": "another expansion"})
    assert response.status_code == 200, response.text
    answer = response.json()
    new_id = answer["new_event_id"]
    assert [s["url"] for s in answer["event"]["sources"]] == ["https://news.example/3"]
    assert answer["new_event"]["id"] == new_id
    assert [s["url"] for s in answer["new_event"]["sources"]] == [REGION]
    assert answer["new_event"]["analyst"]["split_from"] == warehouse.aws
    assert new_id in ids(api)
    with session_scope(warehouse.url) as session:
        pin = session.exec(select(EventSplit).where(EventSplit.new_event_id == new_id)).one()
        assert (pin.document_url, pin.note, pin.edited_by) == (REGION, "another expansion", getpass.getuser())

    only = post(api, warehouse.aws, "split", {"source": "https://news.example/3"})  # its one source now
    assert only.status_code == 422 and "one source" in only.json()["detail"]
    elsewhere = post(api, warehouse.stargate, "split", {"source": "https://elsewhere.example/x"})
    assert elsewhere.status_code == 422 and "is not a source of" in elsewhere.json()["detail"]

    undone = post(api, new_id, "undo")  # the split-off event goes back into the deal
    assert undone.status_code == 200 and undone.json()["event"] is None
    assert [s["url"] for s in event(api, warehouse.aws)["sources"]] == ["https://news.example/3", REGION]
    assert new_id not in ids(api)


@pytest.mark.parametrize(
    ("action", "body"),
    [
        ("dismiss", {}),
        ("edit", {"amount_usd": 1}),
        ("merge", {"into": "2099-01-01-other"}),
        ("split", {"source": REGION}),
        ("undo", {}),
    ],
)
def test_a_correction_of_a_missing_event_is_a_404(
    api: httpx.Client, action: str, body: dict[str, Any]
) -> None:
    response = post(api, "2099-01-01-nothing", action, body)
    assert response.status_code == 404
    assert "no event '2099-01-01-nothing'" in response.json()["detail"]


ACTIONS = ["dismiss", "edit", "merge", "split", "undo"]


def bodies(warehouse: Warehouse) -> dict[str, dict[str, Any]]:
    return {
        "dismiss": {},
        "edit": {"amount_usd": 1},
        "merge": {"into": warehouse.stargate},
        "split": {"source": REGION},
        "undo": {},
    }


def unchanged(api: httpx.Client, warehouse: Warehouse, before: dict[str, Any]) -> None:
    after = {i: event(api, i) for i in before}
    assert after == before
    with session_scope(warehouse.url) as session:
        assert session.exec(select(EventOverride)).all() == []
        assert session.exec(select(EventSplit)).all() == []


@pytest.mark.parametrize("action", ACTIONS)
def test_without_the_token_a_correction_is_a_401(
    api: httpx.Client, warehouse: Warehouse, action: str
) -> None:
    before = {i: event(api, i) for i in (warehouse.aws, warehouse.coreweave)}
    url = f"{root(api)}/api/events/{warehouse.aws}/{action}"
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        response = httpx.post(url, json=bodies(warehouse)[action], headers=headers, trust_env=False)
        assert response.status_code == 401
        assert "a token is required" in response.json()["detail"]
    unchanged(api, warehouse, before)


@pytest.mark.parametrize("action", ACTIONS)
def test_a_server_started_without_a_token_refuses_corrections(
    warehouse: Warehouse, tmp_path: Path, action: str
) -> None:
    """On loopback the page reads without a token, but it cannot correct: that needs the token."""
    with (
        served(create_app(Settings(home=tmp_path, database_url=warehouse.url))) as url,
        httpx.Client(base_url=url, trust_env=False) as client,
    ):
        before = {i: event(client, i) for i in (warehouse.aws, warehouse.coreweave)}
        response = post(client, warehouse.aws, action, bodies(warehouse)[action])
        assert response.status_code == 403
        assert "CLOUDINTEL_WEB_TOKEN" in response.json()["detail"]
        unchanged(client, warehouse, before)


@pytest.mark.parametrize(
    ("headers", "status", "says"),
    [
        ({"Origin": "http://attacker.example"}, 403, "another origin"),
        ({"Origin": "null"}, 403, "another origin"),
        ({"Sec-Fetch-Site": "cross-site"}, 403, "another site"),
        ({"Sec-Fetch-Site": "same-site"}, 403, "another site"),  # another port of 127.0.0.1
        ({"Content-Type": "text/plain"}, 415, "as JSON"),
        ({"Content-Type": "application/x-www-form-urlencoded"}, 415, "as JSON"),
    ],
)
def test_what_a_page_of_another_origin_could_send_with_the_cookie_is_refused(
    api: httpx.Client, warehouse: Warehouse, headers: dict[str, str], status: int, says: str
) -> None:
    """The token's cookie goes along with any request to the app's site (SameSite is about sites, and
    127.0.0.1:other-port is the same site): a form or a page there could send one."""
    before = {i: event(api, i) for i in (warehouse.aws, warehouse.coreweave)}
    with httpx.Client(base_url=root(api), trust_env=False) as browser:
        browser.get("/", params={"token": TOKEN})  # the cookie, as a browser keeps it
        assert browser.cookies
        response = browser.post(
            f"/api/events/{warehouse.coreweave}/dismiss",
            content='{"note": "x"}',
            headers={"Content-Type": "application/json", **headers},
        )
        assert response.status_code == status, response.text
        assert says in response.json()["detail"]
    unchanged(api, warehouse, before)


def test_the_page_itself_corrects_with_its_cookie(api: httpx.Client, warehouse: Warehouse) -> None:
    """The page's own request: the cookie, JSON, its own origin."""
    with httpx.Client(base_url=root(api), trust_env=False) as browser:
        browser.get("/", params={"token": TOKEN})
        host = httpx.URL(root(api)).netloc.decode()
        response = browser.post(
            f"/api/events/{warehouse.coreweave}/dismiss",
            json={},
            headers={"Origin": f"http://{host}", "Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 200, response.text
    assert warehouse.coreweave not in ids(api)


def test_the_corrections_are_in_the_api_docs(api: httpx.Client) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    for action in ACTIONS:
        assert "post" in paths[f"/api/events/{{event_id}}/{action}"]
