"""`/api/events` takes order=asc|desc and q (issue 17 item 1) over a real server on 127.0.0.1."""

from __future__ import annotations

import httpx
import pytest

from tests.web.conftest import WebApp


@pytest.fixture(scope="module")
def api(web_app: WebApp) -> httpx.Client:
    return httpx.Client(base_url=web_app.url)


def items(api: httpx.Client, **params: object) -> dict:
    response = api.get("/api/events", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_order_desc_is_newest_first_and_pages_from_the_newest(api: httpx.Client) -> None:
    oldest_first = items(api)["items"]
    assert items(api, order="asc")["items"] == oldest_first
    newest = items(api, order="desc")
    assert [e["id"] for e in newest["items"]] == [e["id"] for e in oldest_first][::-1]
    assert newest["items"][0]["date"] > newest["items"][-1]["date"]
    page = items(api, order="desc", limit=4, offset=2)
    assert [e["id"] for e in page["items"]] == [e["id"] for e in newest["items"][2:6]]
    assert page["total"] == newest["total"] == len(oldest_first)


def test_q_searches_titles_parties_and_evidence_in_any_case(api: httpx.Client, web_app: WebApp) -> None:
    everything = items(api)["items"]
    word = "coreweave"
    expected = [
        e["id"]
        for e in everything
        if word in e["title"].lower()
        or any(word in p.lower() for p in e["parties"])
        or any(word in s["evidence"].lower() for s in e["sources"])
    ]
    assert 0 < len(expected) < len(everything)
    found = items(api, q="CoreWEAVE")
    assert [e["id"] for e in found["items"]] == expected and found["total"] == len(expected)
    newest = items(api, q=word, order="desc", limit=1)
    assert [e["id"] for e in newest["items"]] == expected[-1:] and newest["total"] == len(expected)
    # evidence only: the hostile event's evidence names the ferry company, its title was rewritten
    phrase = items(api, q='"signed an agreement with MICROSOFT"')["items"]
    assert web_app.hostile_event_id in [e["id"] for e in phrase]
    assert all(
        any("signed an agreement with microsoft" in s["evidence"].lower() for s in e["sources"])
        for e in phrase
    )
    assert items(api, q="no such words anywhere")["items"] == []


@pytest.mark.parametrize(
    "params",
    [{"order": "newest"}, {"order": ""}, {"q": ""}, {"q": "   "}, {"q": "x" * 201}],
)
def test_bad_order_or_q_is_422(api: httpx.Client, params: dict[str, str]) -> None:
    assert api.get("/api/events", params=params).status_code == 422


def test_the_openapi_schema_documents_order_and_q(api: httpx.Client) -> None:
    parameters = api.get("/openapi.json").json()["paths"]["/api/events"]["get"]["parameters"]
    by_name = {p["name"]: p for p in parameters}
    assert by_name["order"]["schema"]["enum"] == ["asc", "desc"] or "asc" in str(by_name["order"]["schema"])
    assert "evidence" in by_name["q"]["description"]


LEVEL = {"high": 2, "medium": 1, "low": 0}


def test_order_impact_ranks_by_level_then_size_never_score(api: httpx.Client) -> None:
    everything = items(api)["items"]
    ranked = items(api, order="impact")["items"]
    assert sorted(e["id"] for e in ranked) == sorted(e["id"] for e in everything)

    def key(e: dict) -> tuple:
        sizes = [(e[k] is None, -(e[k] or 0)) for k in ("amount_usd", "capacity_mw", "gpus")]
        return (-LEVEL.get(e["impact"]["level"], -1), *sizes)

    assert [key(e) for e in ranked] == sorted(key(e) for e in ranked)
    levels = [e["impact"]["level"] for e in ranked]
    assert levels[0] == "high" and levels[-1] in ("low", None) and len(set(levels)) > 1
    page = items(api, order="impact", limit=3, offset=2)["items"]
    assert [e["id"] for e in page] == [e["id"] for e in ranked[2:5]]
