"""The timeline page over a warehouse of about 1,560 synthetic events (2016-2025) in a real browser
(Debian's chromium driven by Playwright, as tests/web/test_browser.py): newest first, every event
reachable page after page, a table sorted as the API sorts, search through the API's `q`, a brush that zooms the time
axis, and downloads of the rows on screen (issue 17 item 1)."""

from __future__ import annotations

import csv
import io
import json
import random
import threading
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from playwright.sync_api import Page, expect

from cloudintel.web.app import create_app
from extractors.events import Candidate
from flows.settings import Settings
from tests.conftest import fresh_warehouse
from tests.web import test_browser
from tests.web.conftest import SCREENSHOTS, WebApp
from tests.web.test_browser import api
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.schema import Document, Event

pytestmark = pytest.mark.browser

EVENTS = 1600  # mentions; clustering merges a few, and at least 1,500 events must remain (asserted)
FIRST_DAY = date(2016, 1, 1)
DAYS = (date(2025, 12, 31) - FIRST_DAY).days
SEARCH_WORD = "Quillfeather"  # in the evidence of a few events only
FORMULA_TITLE = '=HYPERLINK("http://example.invalid","click me"), then +1'
FORMULA_START = ("=", "+", "-", "@")  # a CSV cell starting so gets a leading quote
LEVELS = {"low": 0, "medium": 1, "high": 2}
# Fictional companies (README, "Fictional content"), in an organizations file of their own so that
# the page's company filter knows them.
COMPANIES = [
    "Aldermoor Compute",
    "Brightwater Labs",
    "Cindervale Cloud",
    "Dunmore Systems",
    "Eastfold AI",
    "Fernhollow Data",
    "Glasswing Networks",
    "Harrowgate GPU",
    "Ironbark Research",
    "Juniper Reach",
    "Kestrel Forge",
    "Larkspur Intelligence",
    "Marrowfield Power",
    "Nettlecombe Silicon",
    "Oakhaven Cloud",
    "Pellucid Models",
    "Quarrymoor Energy",
    "Redfern Compute",
    "Saltmarsh AI",
    "Thistledown Chips",
    "Umberlee Hosting",
    "Vantablue Labs",
    "Wrenfield Capital",
    "Yarrowby Data",
]


page = test_browser.page  # the same page fixture: records requests, fails on dialogs and script errors


def organizations_file(folder: Path) -> Path:
    path = folder / "organizations.yaml"
    lines = ["organizations:"]
    for name in COMPANIES:
        lines += [f"  - name: {name}", "    categories: [other]", "    cloud_provider: false"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def synthetic_candidates(rng: random.Random) -> list[Candidate]:
    """EVENTS mentions over 2016-2025, each its own event: the amounts differ by more than clustering's
    15%, and the mentions without an amount never share a type and a party within clustering's window."""
    candidates = []
    last_unsized: dict[tuple[str, str], date] = {}
    for i in range(EVENTS):
        kind = ("partnership", "capacity", "pricing")[i % 3]
        day = FIRST_DAY + timedelta(days=rng.randrange(DAYS - 1))  # the newest is added below
        parties = tuple(sorted(rng.sample(COMPANIES, 2 if kind == "partnership" else 1)))
        amount = round(5e6 * 1.18 ** (i % 70) * (1 + i / 10_000)) if i % 4 else None
        if amount is None:
            if any(abs((last_unsized.get((kind, p), date.min) - day).days) <= 30 for p in parties):
                amount = round(2e6 * 1.17 ** (i % 70)) + i
            else:
                last_unsized.update({(kind, p): day for p in parties})
        word = f" with {SEARCH_WORD} engineers" if i % 97 == 0 else ""
        sentence = f"{' and '.join(parties)} announced {kind} deal number {i}{word}."
        candidates.append(
            Candidate(kind, parties, rng.choice(["announced", "reported", "in_talks"]), day, sentence, amount)
        )
    newest = Candidate(
        "partnership", ("Eastfold AI", "Oakhaven Cloud"), "announced", date(2025, 12, 31),
        "Eastfold AI and Oakhaven Cloud signed the newest deal of all.", 7.5e9,
    )  # fmt: skip
    return [*candidates, newest]


def fill_big_warehouse(db_url: str) -> str:
    """The synthetic events, impact set at random (as if judged); returns the formula-titled event's id."""
    rng = random.Random(17)
    candidates = synthetic_candidates(rng)
    new: list[str] = []
    with session_scope(db_url) as session:
        for start in range(0, len(candidates), 25):  # 25 mentions an article
            batch = candidates[start : start + 25]
            document = Document(
                url=f"https://news.example.invalid/story/{start}",
                title=f"Market wrap {start}",
                text=" ".join(c.evidence for c in batch),
                published_at=datetime.combine(max(c.date for c in batch), datetime.min.time(), tzinfo=UTC),
            )
            session.add(document)
            session.flush()
            new += store_mentions(session, document, batch).new
    with session_scope(db_url) as session:
        for event_id in new:
            event = session.get(Event, event_id)
            assert event is not None
            level = rng.choice([*LEVELS, None])
            event.impact_level = level
            event.impact_rank = LEVELS.get(level) if level else None
            event.impact_score = round(rng.uniform(0.4, 0.99), 2) if level else None
            event.model_version = "synthetic-test" if level else None
            event.impact_pending = False
            event.alerts_pending = False
            session.add(event)
        formula = session.get(Event, new[len(new) // 2])
        assert formula is not None
        formula.title = FORMULA_TITLE
        session.add(formula)
    assert len(new) >= 1500, f"only {len(new)} events"
    return new[len(new) // 2]


@pytest.fixture(scope="session")
def big_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """The app over the synthetic warehouse (on the test backend), served on 127.0.0.1; its
    `hostile_event_id` is the event whose title a spreadsheet would run as a formula."""
    tmp = tmp_path_factory.mktemp("web-1600")
    db_url = fresh_warehouse(request, tmp)
    formula = fill_big_warehouse(db_url)
    settings = Settings(home=tmp, database_url=db_url, organizations=organizations_file(tmp))
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield WebApp(f"http://127.0.0.1:{port}", formula)
    server.should_exit = True
    thread.join(timeout=10)


def every_event(app: WebApp, **params: Any) -> list[dict[str, Any]]:
    """Every matching event from the API, page after page, in the order `params` ask for."""
    found: list[dict[str, Any]] = []
    while True:
        page = api(app, "/api/events", limit=1000, offset=len(found), **params)
        found += page["items"]
        if len(found) >= page["total"] or not page["items"]:
            return found


def events_text(n: int) -> str:
    return f"{n:,} event" if n == 1 else f"{n:,} events"


def open_all(page: Page, app: WebApp) -> int:
    """Open the page and wait until every event is loaded; returns how many."""
    total = int(api(app, "/api/events", limit=1)["total"])
    page.goto(app.url + "/")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(total), timeout=30_000)
    expect(page.get_by_test_id("table-count")).to_have_text(f"{total:,} rows")
    return total


def row_ids(page: Page) -> list[str]:
    """The table's rows in order, scrolling it to its end until every row is drawn (it draws them
    200 at a time as it is scrolled)."""
    expected = int(page.get_by_test_id("events-table").get_attribute("data-rows") or 0)
    rows = page.get_by_test_id("event-row")
    deadline = time.monotonic() + 30
    while rows.count() < expected:
        assert time.monotonic() < deadline, f"{rows.count()} of {expected} rows after scrolling"
        page.locator(".table-scroll").evaluate("s => { s.scrollTop = s.scrollHeight; }")
        page.wait_for_timeout(30)
    assert rows.count() == expected
    return list(
        page.eval_on_selector_all(
            "[data-testid=event-row]", "rows => rows.map(r => r.getAttribute('data-event-id'))"
        )
    )


def assert_newest_first(ids: list[str], expected: list[dict[str, Any]]) -> None:
    """`ids` are the `expected` events (the API's, order=desc), newest first. Events of one day may
    differ in order: the database orders them by id in its own collation."""
    assert sorted(ids) == sorted(e["id"] for e in expected)
    dates = {e["id"]: e["date"] for e in expected}
    assert [dates[i] for i in ids] == [e["date"] for e in expected]


def mark_ids(page: Page) -> set[str]:
    return set(
        page.eval_on_selector_all(
            "[data-testid=event]", "marks => marks.map(m => m.getAttribute('data-event-id'))"
        )
    )


def importance(event: dict[str, Any]) -> tuple[Any, ...]:
    """What order=impact sorts by (ties, in id order, may differ with the database's collation)."""
    return (event["impact"]["level"], event["amount_usd"], event["capacity_mw"], event["gpus"], event["date"])


def axis_range(page: Page) -> tuple[date, date]:
    svg = page.get_by_test_id("timeline")
    start, end = svg.get_attribute("data-start"), svg.get_attribute("data-end")
    assert start and end
    return date.fromisoformat(start), date.fromisoformat(end)


def drag(page: Page, testid: str, start: float, end: float) -> None:
    """Drag across the element from `start` to `end` (fractions of its width), near its top."""
    box = page.get_by_test_id(testid).bounding_box()
    assert box
    y = box["y"] + min(box["height"] / 2, 40)
    page.mouse.move(box["x"] + box["width"] * start, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * (start + end) / 2, y, steps=5)
    page.mouse.move(box["x"] + box["width"] * end, y, steps=5)
    page.mouse.up()


def test_the_newest_events_come_first_on_1500_plus_events(page: Page, big_app: WebApp) -> None:
    newest = api(big_app, "/api/events", order="desc", limit=5)
    assert newest["total"] >= 1500
    started = time.monotonic()
    page.goto(big_app.url + "/")
    # The newest page comes first: the newest event is on screen before the older pages arrive.
    first_row = page.get_by_test_id("event-row").first
    expect(first_row).to_have_attribute("data-event-id", newest["items"][0]["id"], timeout=30_000)
    expect(first_row).to_contain_text(newest["items"][0]["date"])
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(newest["total"]), timeout=30_000)
    loaded = time.monotonic() - started
    shown = page.eval_on_selector_all(
        "[data-testid=event-row]", "rows => rows.slice(0, 5).map(r => r.getAttribute('data-event-id'))"
    )
    assert shown == [e["id"] for e in newest["items"]]
    # The axis reaches the newest date, and its mark is in view without scrolling the axis.
    _, end = axis_range(page)
    assert end >= date.fromisoformat(newest["items"][0]["date"])
    chart = page.locator(".chart")
    assert chart.evaluate("c => c.scrollLeft === 0 && c.scrollWidth <= c.clientWidth")
    box = chart.bounding_box()
    mark = page.locator(
        f'[data-testid=event][data-event-id="{newest["items"][0]["id"]}"]'
    ).first.bounding_box()
    assert box and mark
    assert box["x"] <= mark["x"] and mark["x"] + mark["width"] <= box["x"] + box["width"]
    assert loaded < 30, f"loading {newest['total']} events took {loaded:.1f}s"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "timeline-1500.png")


def test_every_event_is_reachable_page_after_page(page: Page, big_app: WebApp) -> None:
    everything = every_event(big_app, order="desc")
    pages: list[str] = []
    page.on("request", lambda r: pages.append(r.url) if "/api/events?" in r.url else None)
    open_all(page, big_app)
    assert [url.rsplit("offset=", 1)[1] for url in pages] == ["0", "1000"]  # the API's pages, newest first
    assert all("order=desc" in url and "limit=1000" in url for url in pages)
    assert page.get_by_test_id("event-row").count() < len(everything)  # the table draws rows as it scrolls
    ids = row_ids(page)
    assert len(ids) == len(set(ids)) == len(everything)
    assert set(ids) == {e["id"] for e in everything}
    assert [e["date"] for e in everything] == sorted((e["date"] for e in everything), reverse=True)
    by_id = {e["id"]: e for e in everything}
    assert [by_id[i]["date"] for i in ids] == [e["date"] for e in everything]  # newest first
    assert mark_ids(page) == set(by_id)  # and every event on the time axis


def test_beyond_the_first_pages_older_events_load_on_request(page: Page, big_app: WebApp) -> None:
    everything = every_event(big_app, order="desc")
    page.add_init_script("window.cloudintelAutoPages = 1")  # stop after the newest 1,000, as after 5,000
    page.goto(big_app.url + "/")
    count = page.get_by_test_id("event-count")
    expect(count).to_have_text(f"{len(everything):,} events (the newest 1,000 loaded)", timeout=30_000)
    expect(page.get_by_test_id("table-count")).to_have_text("1,000 rows (of 1,000 loaded)")
    assert len(row_ids(page)) == 1000
    more = page.get_by_test_id("load-more")
    expect(more).to_contain_text(f"{len(everything) - 1000:,} more")
    more.click()
    expect(count).to_have_text(events_text(len(everything)), timeout=30_000)
    expect(more).to_be_hidden()
    assert set(row_ids(page)) == {e["id"] for e in everything}


def test_the_table_sorts_as_the_api_does(page: Page, big_app: WebApp) -> None:
    open_all(page, big_app)
    everything = {e["id"]: e for e in every_event(big_app)}
    table = page.get_by_test_id("events-table")
    expect(table.locator("th[data-key=date]")).to_have_attribute("aria-sort", "descending")
    page.get_by_test_id("sort-impact").click()  # level, then dollars, megawatts, GPUs, then newest
    expect(table.locator("th[data-key=impact]")).to_have_attribute("aria-sort", "descending")
    expect(page.get_by_test_id("event-row").first).to_contain_text("high (confidence")
    by_impact = every_event(big_app, order="impact")
    ids = row_ids(page)
    assert [importance(everything[i]) for i in ids] == [importance(e) for e in by_impact]
    assert set(ids) == set(everything)
    page.get_by_test_id("sort-date").click()
    page.get_by_test_id("sort-date").click()  # second click: oldest first
    expect(table.locator("th[data-key=date]")).to_have_attribute("aria-sort", "ascending")
    ids = row_ids(page)
    assert [everything[i]["date"] for i in ids] == [e["date"] for e in every_event(big_app, order="asc")]
    page.get_by_test_id("sort-amount").click()  # largest first, events without an amount last
    expect(table.locator("th[data-key=amount]")).to_have_attribute("aria-sort", "descending")
    amounts = [everything[i]["amount_usd"] for i in row_ids(page)]
    known = [a for a in amounts if a is not None]
    assert known and known == sorted(known, reverse=True)
    assert amounts == known + [None] * (len(amounts) - len(known))
    # A row opens the event's detail panel.
    page.locator(".table-scroll").evaluate("s => { s.scrollTop = 0; }")
    row = page.get_by_test_id("event-row").first
    event = everything[row.get_attribute("data-event-id") or ""]
    row.click()
    expect(page.get_by_test_id("detail").locator("h2")).to_have_text(event["title"])
    expect(row).to_have_class("selected")
    page.locator("main").screenshot(path=SCREENSHOTS / "table.png")


def test_search_narrows_both_views_to_what_the_api_finds(page: Page, big_app: WebApp) -> None:
    word = SEARCH_WORD.lower()
    found = every_event(big_app, order="desc", q=word)
    assert 0 < len(found) < 100
    open_all(page, big_app)
    with page.expect_response(lambda r: f"q={word}" in r.url):
        page.get_by_test_id("search").fill(word)
        page.get_by_test_id("search").press("Enter")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(len(found)))
    assert_newest_first(row_ids(page), found)
    assert mark_ids(page) == {e["id"] for e in found}
    assert f"q={word}" in page.url  # a search can be shared
    # The page's filters apply to the search, in both views.
    partnerships = every_event(big_app, order="desc", q=word, type="partnership")
    assert 0 < len(partnerships) < len(found)
    page.get_by_test_id("filter-type").select_option("partnership")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(len(partnerships)))
    assert_newest_first(row_ids(page), partnerships)
    assert mark_ids(page) == {e["id"] for e in partnerships}
    company = partnerships[0]["parties"][0]
    theirs = every_event(big_app, order="desc", q=word, type="partnership", company=company)
    page.get_by_test_id("filter-company").select_option(company)
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(len(theirs)))
    assert_newest_first(row_ids(page), theirs)
    # Typing searches too (no Enter needed); an empty search box shows everything again.
    page.get_by_test_id("filter-company").select_option("")
    page.get_by_test_id("filter-type").select_option("")
    page.get_by_test_id("search").fill("")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(len(every_event(big_app))))
    page.get_by_test_id("search").press_sequentially("deal number 1234", delay=20)
    expect(page.get_by_test_id("event-count")).to_have_text(
        events_text(api(big_app, "/api/events", q="deal number 1234")["total"])
    )


def test_brushing_the_axis_zooms_both_views(page: Page, big_app: WebApp) -> None:
    open_all(page, big_app)
    start, end = axis_range(page)
    drag(page, "brush", 0.55, 0.8)  # the overview strip
    expect(page.get_by_test_id("zoom-reset")).to_be_enabled()
    zoomed = axis_range(page)
    assert start < zoomed[0] < zoomed[1] < end
    assert (zoomed[1] - zoomed[0]).days < (end - start).days / 3
    inside = every_event(big_app, order="desc", since=zoomed[0].isoformat(), until=zoomed[1].isoformat())
    expect(page.get_by_test_id("table-count")).to_have_text(f"{len(inside):,} rows in the zoomed range")
    assert_newest_first(row_ids(page), inside)
    assert mark_ids(page) == {e["id"] for e in inside}
    expect(page.get_by_test_id("visible-range")).to_contain_text(f"Zoomed to {zoomed[0]} – {zoomed[1]}")
    expect(page.get_by_test_id("zoom-window")).to_be_visible()
    page.screenshot(path=SCREENSHOTS / "timeline-zoomed.png")
    drag(page, "timeline", 0.3, 0.6)  # the lanes themselves zoom further, even a drag from a mark
    closer = axis_range(page)
    assert zoomed[0] <= closer[0] < closer[1] <= zoomed[1]
    assert (closer[1] - closer[0]) < (zoomed[1] - zoomed[0])
    expect(page.get_by_test_id("detail")).to_contain_text("Click an event")  # the drag opened nothing
    page.get_by_test_id("zoom-reset").click()
    assert axis_range(page) == (start, end)
    expect(page.get_by_test_id("table-count")).to_have_text(f"{len(every_event(big_app)):,} rows")
    # A click on a mark still opens it.
    newest = api(big_app, "/api/events", order="desc", limit=1)["items"][0]
    page.locator(f'[data-testid=event][data-event-id="{newest["id"]}"]').first.click()
    expect(page.get_by_test_id("detail").locator("h2")).to_have_text(newest["title"])


def test_downloads_hold_the_rows_on_screen(page: Page, big_app: WebApp, tmp_path: Path) -> None:
    formula = api(big_app, f"/api/events/{big_app.hostile_event_id}")
    everything = {e["id"]: e for e in every_event(big_app)}
    open_all(page, big_app)
    drag(page, "brush", 0.2, 0.5)
    expect(page.get_by_test_id("zoom-reset")).to_be_enabled()
    page.get_by_test_id("sort-amount").click()
    expect(page.get_by_test_id("events-table").locator("th[data-key=amount]")).to_have_attribute(
        "aria-sort", "descending"
    )
    shown = row_ids(page)
    assert 0 < len(shown) < len(everything)
    with page.expect_download() as csv_download:
        page.get_by_test_id("download-csv").click()
    assert csv_download.value.suggested_filename.endswith(".csv")
    csv_download.value.save_as(tmp_path / "events.csv")
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "events.csv").read_text(encoding="utf-8"), newline=""))
    )
    assert [r["id"] for r in rows] == shown
    with page.expect_download() as json_download:
        page.get_by_test_id("download-json").click()
    json_download.value.save_as(tmp_path / "events.json")
    events = json.loads((tmp_path / "events.json").read_text(encoding="utf-8"))
    assert events == [everything[i] for i in shown]  # the API's JSON of the rows on screen, in their order
    for event, row in zip(events, rows, strict=True):
        assert row["date"] == event["date"]
        assert row["title"] == ("'" if event["title"].startswith(FORMULA_START) else "") + event["title"]
        assert row["parties"] == "; ".join(event["parties"])
        assert row["impact_level"] == (event["impact"]["level"] or "")
        assert row["impact_score"] == (
            "" if event["impact"]["score"] is None else str(event["impact"]["score"])
        )
        assert row["amount_usd"] == ("" if event["amount_usd"] is None else str(event["amount_usd"]))
        assert row["sources"] == " ".join(s["url"] for s in event["sources"])
        assert row["evidence"] == " | ".join(s["evidence"] for s in event["sources"])
    # A title a spreadsheet would run as a formula is neutralised, as `cloudintel export` does.
    page.get_by_test_id("zoom-reset").click()
    page.get_by_test_id("search").fill("HYPERLINK")
    page.get_by_test_id("search").press("Enter")
    expect(page.get_by_test_id("event-row")).to_have_count(1)
    with page.expect_download() as one:
        page.get_by_test_id("download-csv").click()
    one.value.save_as(tmp_path / "formula.csv")
    [row] = list(
        csv.DictReader(io.StringIO((tmp_path / "formula.csv").read_text(encoding="utf-8"), newline=""))
    )
    assert row["id"] == formula["id"]
    assert row["title"] == "'" + FORMULA_TITLE
