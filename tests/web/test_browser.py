"""The timeline and company pages in a real browser (Debian's chromium driven by Playwright): every
event drawn, filters refetch, the detail panel shows sources and evidence, hostile article text stays
text, and the pages load nothing from outside the app."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.web.conftest import HOSTILE, SCREENSHOTS, WebApp

pytestmark = pytest.mark.browser


@pytest.fixture()
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page that records every request and fails the test on any dialog (alert, confirm...)
    or uncaught script error."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    requests: list[str] = []
    dialogs: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert dialogs == [], f"a dialog fired: {dialogs}"
    assert errors == [], f"script errors: {errors}"
    assert requests, "the page made no request"
    outside = [url for url in requests if urlsplit(url).hostname != "127.0.0.1"]
    assert outside == [], f"requests left the app: {outside}"


def api(app: WebApp, path: str, **params: Any) -> Any:
    with httpx.Client(base_url=app.url, trust_env=False) as client:
        response = client.get(path, params=params)
        response.raise_for_status()
        return response.json()


def events_text(n: int) -> str:
    return f"{n} event" if n == 1 else f"{n} events"


def shown_ids(page: Page) -> set[str]:
    marks = page.get_by_test_id("event")
    return {marks.nth(i).get_attribute("data-event-id") or "" for i in range(marks.count())}


def open_timeline(page: Page, app: WebApp) -> None:
    page.goto(app.url + "/")
    page.get_by_test_id("event").first.wait_for()


def test_the_timeline_draws_every_event(page: Page, web_app: WebApp) -> None:
    everything = api(web_app, "/api/events", limit=1000)
    open_timeline(page, web_app)
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(everything["total"]))
    assert shown_ids(page) == {e["id"] for e in everything["items"]}
    for event in everything["items"]:  # one mark per party: each event sits in each of its parties' lanes
        marks = page.locator(f'[data-testid=event][data-event-id="{event["id"]}"]')
        assert marks.count() == len(event["parties"])
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "timeline.png", full_page=True)


def test_filtering_to_one_company_refetches_its_events(page: Page, web_app: WebApp) -> None:
    everything = {e["id"]: e for e in api(web_app, "/api/events", limit=1000)["items"]}
    openai = api(web_app, "/api/events", company="OpenAI", limit=1000)
    assert 0 < openai["total"] < len(everything)
    open_timeline(page, web_app)
    with page.expect_response(lambda r: "/api/events?" in r.url and "company=OpenAI" in r.url):
        page.get_by_test_id("filter-company").select_option("OpenAI")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(openai["total"]))
    shown = shown_ids(page)
    assert shown == {e["id"] for e in openai["items"]}
    assert all("OpenAI" in everything[event_id]["parties"] for event_id in shown)
    assert "company=OpenAI" in page.url  # the filtered view can be shared

    # The other filters send the same query parameters as the API's.
    with page.expect_response(lambda r: "type=capacity" in r.url and "min_impact=high" in r.url):
        page.get_by_test_id("filter-company").select_option("")
        page.get_by_test_id("filter-type").select_option("capacity")
        page.get_by_test_id("filter-impact").select_option("high")
    high_capacity = api(web_app, "/api/events", type="capacity", min_impact="high")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(high_capacity["total"]))
    assert shown_ids(page) == {e["id"] for e in high_capacity["items"]}

    page.get_by_test_id("filter-type").select_option("")
    page.get_by_test_id("filter-impact").select_option("")
    page.get_by_test_id("filter-since").fill("2025-06-01")
    page.get_by_test_id("filter-until").fill("2025-09-30")
    page.get_by_test_id("filter-status").select_option("announced")
    window = api(web_app, "/api/events", since="2025-06-01", until="2025-09-30", status="announced")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(window["total"]))
    assert shown_ids(page) == {e["id"] for e in window["items"]}


def test_the_address_carries_the_filters(page: Page, web_app: WebApp) -> None:
    expected = api(web_app, "/api/events", company=["Microsoft", "aws"], type="partnership")
    page.goto(web_app.url + "/?company=Microsoft&company=aws&type=partnership")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(expected["total"]))
    expect(page.get_by_test_id("filter-company")).to_have_value("Microsoft")
    expect(page.get_by_test_id("filter-company-text")).to_have_value("aws")
    expect(page.get_by_test_id("filter-type")).to_have_value("partnership")
    assert shown_ids(page) == {e["id"] for e in expected["items"]}
    page.get_by_role("button", name="Clear").click()
    everything = api(web_app, "/api/events")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(everything["total"]))
    assert page.url == web_app.url + "/"


def test_an_unknown_company_says_so(page: Page, web_app: WebApp) -> None:
    open_timeline(page, web_app)
    page.get_by_test_id("filter-company-text").fill("No Such Company Inc")
    page.get_by_test_id("filter-company-text").press("Enter")
    expect(page.get_by_test_id("event-count")).to_contain_text("unknown company")
    assert page.get_by_test_id("event").count() == 0
    page.get_by_test_id("filter-company-text").fill("aws")  # aliases work
    page.get_by_test_id("filter-company-text").press("Enter")
    aws = api(web_app, "/api/events", company="aws")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(aws["total"]))


def test_clicking_an_event_shows_its_sources_and_evidence(page: Page, web_app: WebApp) -> None:
    events = api(web_app, "/api/events", limit=1000)["items"]
    event = next(e for e in events if len(e["sources"]) > 1 and e["id"] != web_app.hostile_event_id)
    open_timeline(page, web_app)
    page.locator(f'[data-testid=event][data-event-id="{event["id"]}"]').first.click()
    detail = page.get_by_test_id("detail")
    expect(detail.locator("h2")).to_have_text(event["title"])
    facts = [event["type"], event["date"], event["impact"]["level"], event["judged_by"], *event["parties"]]
    assert set(event["roles"]) == set(event["parties"])
    facts += [f"{party} ({role})" for party, role in event["roles"].items()]  # who buys, who provides
    for fact in facts:
        expect(detail).to_contain_text(fact)
    sources = detail.get_by_test_id("source")
    expect(sources).to_have_count(len(event["sources"]))
    for i, source in enumerate(event["sources"]):
        link = sources.nth(i).locator("a")
        assert link.get_attribute("href") == source["url"]
        assert link.get_attribute("rel") == "noopener noreferrer"
        expect(link).to_have_text(source["title"])
        expect(sources.nth(i).get_by_test_id("evidence")).to_have_text(source["evidence"])
        expect(sources.nth(i)).to_contain_text(source["published"][:10])
    for party in event["parties"]:  # each party links to its company page
        link = detail.get_by_role("link", name=party, exact=True)
        assert link.get_attribute("href") == f"/company/{quote(party)}"


def test_hostile_article_text_renders_as_text(page: Page, web_app: WebApp) -> None:
    open_timeline(page, web_app)
    page.locator(f'[data-testid=event][data-event-id="{web_app.hostile_event_id}"]').first.click()
    detail = page.get_by_test_id("detail")
    expect(detail.locator("h2")).to_contain_text(HOSTILE)
    expect(detail.get_by_test_id("evidence")).to_contain_text(HOSTILE)
    expect(detail.locator("h2", has_text=HOSTILE)).to_be_visible()
    assert HOSTILE in page.locator("body").inner_text()  # rendered, visible text
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("img").count() == 0
    # Its source's URL is javascript:, so the source title is plain text, not a link.
    source = detail.get_by_test_id("source")
    expect(source).to_contain_text("Hostile source " + HOSTILE)
    assert source.locator("a").count() == 0
    assert page.locator('a[href^="javascript:"]').count() == 0
    page.wait_for_timeout(300)  # give an injected onerror handler the time to fire (the fixture checks)


def test_the_company_page_shows_relationships_over_time(page: Page, web_app: WebApp) -> None:
    data = api(web_app, "/api/companies/OpenAI")
    page.goto(web_app.url + "/company/OpenAI")
    expect(page.get_by_test_id("company-name")).to_have_text("OpenAI")
    rows = page.get_by_test_id("counterparty")
    expect(rows).to_have_count(len(data["counterparties"]))
    names = [rows.nth(i).get_attribute("data-name") for i in range(rows.count())]
    assert names == [group["name"] for group in data["counterparties"]]
    assert {"Microsoft", "CoreWeave"} <= set(names)
    coreweave = page.locator('[data-testid=counterparty][data-name="CoreWeave"]')
    group = next(g for g in data["counterparties"] if g["name"] == "CoreWeave")
    titles = coreweave.locator("li")
    expect(titles).to_have_count(len(group["events"]))
    for i, event in enumerate(group["events"]):  # oldest first, with their titles
        expect(titles.nth(i)).to_contain_text(f"{event['date']} · {event['title']}")
    first = api(web_app, f"/api/events/{group['events'][0]['id']}")
    coreweave.get_by_test_id("event").first.click()
    detail = page.get_by_test_id("detail")
    expect(detail.locator("h2")).to_have_text(first["title"])
    expect(detail).to_contain_text(first["judged_by"])  # fetched from /api/events/{id}
    expect(detail.get_by_test_id("source")).to_have_count(len(first["sources"]))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "company.png", full_page=True)


def test_own_capacity_and_pricing_events_have_their_own_row(page: Page, web_app: WebApp) -> None:
    own = [e for e in api(web_app, "/api/events", company="Google")["items"] if e["parties"] == ["Google"]]
    assert own, "the corpus has a Google price cut"
    page.goto(web_app.url + "/company/google")  # aliases and any case work
    expect(page.get_by_test_id("company-name")).to_have_text("Google")
    row = page.locator('[data-testid=counterparty][data-name=""]')
    expect(row).to_contain_text("own capacity & pricing")
    expect(row.get_by_test_id("event")).to_have_count(len(own))


def test_an_unknown_company_page_says_so(page: Page, web_app: WebApp) -> None:
    page.goto(web_app.url + "/company/No%20Such%20Company")
    expect(page.locator(".error")).to_contain_text("unknown company")


def test_the_company_page_charts_committed_compute_and_relationship_states(
    page: Page, web_app: WebApp
) -> None:
    ledger = api(web_app, "/api/companies/OpenAI/exposure")
    history = api(web_app, "/api/companies/OpenAI/exposure/history")["points"]
    states = api(web_app, "/api/companies/OpenAI/relationships")
    committed = {row["name"]: row["amount_usd"] for row in ledger["counterparties"] if row["amount_usd"]}
    assert committed, "the corpus commits OpenAI dollars to a provider"
    page.goto(web_app.url + "/company/OpenAI")
    chart = page.get_by_test_id("exposure-chart")
    chart.locator("rect.stack").first.wait_for()
    last = history[-1]["date"]
    stacks = chart.locator(f'rect.stack[data-date="{last}"]')
    shown = {
        stacks.nth(i).get_attribute("data-counterparty"): float(stacks.nth(i).get_attribute("data-usd") or 0)
        for i in range(stacks.count())
    }
    assert shown == {name: float(usd) for name, usd in committed.items()}
    hhi = chart.get_by_test_id("hhi-line").get_attribute("data-values") or ""
    assert [float(v) for v in hhi.split()] == [p["hhi"] for p in history if p["hhi"] is not None]
    rows = page.get_by_test_id("relationship")
    expect(rows).to_have_count(len(states))
    for row in states:
        shown_row = page.locator(f'[data-testid=relationship][data-name="{row["counterparty"]}"]')
        expect(shown_row).to_have_attribute("data-state", row["state"])
        expect(shown_row).to_contain_text(row["since"])
    microsoft = next(row for row in states if row["counterparty"] == "Microsoft")
    lane = page.locator('[data-testid=counterparty][data-name="Microsoft"]')
    expect(lane).to_have_attribute("data-state", microsoft["state"])
    expect(lane).to_contain_text(microsoft["state"].replace("_", " "))
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "company-exposure.png", full_page=True)
