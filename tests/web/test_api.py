"""The JSON API over a real server on 127.0.0.1, and the report and exports built from its events."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pyarrow.parquet as pq
import pytest

from cloudintel.web.report import export, render_report
from tests.web.conftest import HOSTILE, WebApp


@pytest.fixture(scope="module")
def api(web_app: WebApp) -> httpx.Client:
    return httpx.Client(base_url=web_app.url)


def events(api: httpx.Client, **params: object) -> dict:
    response = api.get("/api/events", params=params)
    response.raise_for_status()
    return response.json()


FILTERS: list[tuple[dict[str, str], Callable[[dict], bool]]] = [
    ({"company": "aws"}, lambda e: "Amazon Web Services" in e["parties"]),
    (
        {"type": "pricing", "min_impact": "high"},
        lambda e: e["type"] == "pricing" and e["impact"]["level"] == "high",
    ),
    ({"since": "2025-01-01", "until": "2025-12-31"}, lambda e: e["date"].startswith("2025")),
]


def test_events_filter_and_page_like_the_cli(api: httpx.Client) -> None:
    everything = events(api)
    items = everything["items"]
    assert everything["total"] == len(items) == 15
    assert [e["date"] for e in items] == sorted(e["date"] for e in items)
    for params, keep in FILTERS:
        expected = [e["id"] for e in items if keep(e)]
        assert 0 < len(expected) < len(items), f"{params} must keep some events and drop others"
        assert [e["id"] for e in events(api, **params)["items"]] == expected, params
    page = events(api, limit=5, offset=5)
    assert [e["id"] for e in page["items"]] == [e["id"] for e in items[5:10]]


def test_one_event_company_history_and_errors(api: httpx.Client) -> None:
    first = events(api, company="OpenAI", type="partnership")["items"][0]
    detail = api.get(f"/api/events/{first['id']}").json()
    assert detail["sources"] and detail["sources"][0]["evidence"]
    history = api.get("/api/companies/openai").json()
    assert history["company"] == "OpenAI"
    assert {"Microsoft", "CoreWeave", "Oracle"} <= {c["name"] for c in history["counterparties"]}
    assert api.get("/api/events/nope").status_code == 404
    assert api.get("/api/companies/Nonexistent Corp").status_code == 404
    assert api.get("/api/events", params={"type": "merger"}).status_code == 422
    assert {c["name"] for c in api.get("/api/companies").json()} >= {"OpenAI", "Microsoft"}
    assert api.get("/api/alerts").json() == []
    assert "/api/events" in api.get("/openapi.json").json()["paths"]


def test_report_is_self_contained_and_escapes_article_text(api: httpx.Client, tmp_path: Path) -> None:
    html = render_report(events(api)["items"], since="2025-06-01")
    assert HOSTILE not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script" not in html and "javascript:" not in html
    assert "http" not in html.split("<body>")[0]  # nothing loaded from anywhere
    assert html.count("<circle") == 15


def test_exports_csv_json_parquet(api: httpx.Client, tmp_path: Path) -> None:
    items = events(api)["items"]
    items[0] = {**items[0], "title": '=HYPERLINK("http://evil.example","click")'}
    export(items, "csv", tmp_path / "t.csv")
    rows = list(csv.DictReader((tmp_path / "t.csv").open()))
    assert len(rows) == 15 and rows[0]["title"].startswith("'=HYPERLINK")
    export(items, "json", tmp_path / "t.json")
    assert json.loads((tmp_path / "t.json").read_text())[1]["id"] == items[1]["id"]
    export(items, "parquet", tmp_path / "t.parquet")
    table = pq.read_table(tmp_path / "t.parquet")
    assert table.num_rows == 15 and "parties" in table.column_names


def test_the_report_ranks_by_impact_then_size_never_by_confidence() -> None:
    def event(key: str, level: str, score: float, amount: float | None) -> dict[str, object]:
        return {
            "id": key,
            "type": "partnership",
            "status": "announced",
            "date": "2025-06-01",
            "parties": ["A", "B"],
            "title": f"title-{key}",
            "amount_usd": amount,
            "capacity_mw": None,
            "gpus": None,
            "duration_years": None,
            "impact": {"level": level, "score": score, "themes": []},
            "sources": [],
        }

    html = render_report(
        [
            event("low", "low", 0.99, None),
            event("small", "high", 0.97, 10e9),
            event("huge", "high", 0.61, 500e9),
        ],
        since=None,
    )
    top = html.split("Top events by impact")[1]
    assert top.index("title-huge") < top.index("title-small") < top.index("title-low")
    assert "high (confidence 0.61)" in top
