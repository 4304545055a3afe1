"""Analyst corrections in the page (issue 17 item 5, web part), in a real browser (Debian's chromium
driven by Playwright, as tests/web/test_browser.py) over a warehouse filled by a real run of the daily
flow over the sample corpus (served on 127.0.0.1): with the token, an analyst edits one event's amount
and dismisses another in the event panel; the daily flow runs again and every document is extracted
again (`cloudintel extract`); the reloaded page still shows the edit and not the dismissed event.
Screenshots: test-output/browser/corrections-edit-form.png (the panel's controls), corrections-edited.png,
corrections-dismissed.png, corrections-after-rerun.png."""

from __future__ import annotations

import getpass
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import uvicorn
from playwright.sync_api import Locator, Page, expect

from cloudintel.web.app import create_app
from flows.settings import Settings
from tests.conftest import CORPUS, fresh_warehouse
from tests.web import test_browser
from tests.web.conftest import SCREENSHOTS, WebApp, fill_warehouse

pytestmark = pytest.mark.browser

TOKEN = "a-long-random-token-for-the-corrections-test"
AMOUNT = "123e9"  # as an analyst types it


page = test_browser.page  # records requests, fails on dialogs, script errors and requests beyond the app


@contextmanager
def served(settings: Settings) -> Iterator[str]:
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture()
def flow_warehouse(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    corpus_base_url: str,
    monkeypatch: pytest.MonkeyPatch,
    prefect_harness: None,
) -> Settings:
    """The settings of a warehouse (on the test backend) filled by a run of the daily flow over the
    sample corpus, as `cloudintel run` would fill it."""
    from flows.daily import daily_pipeline

    db_url = fresh_warehouse(request, tmp_path)
    monkeypatch.setenv("CLOUDINTEL_HOME", str(tmp_path))
    monkeypatch.setenv("CLOUDINTEL_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLOUDINTEL_DATABASE_URL", db_url)
    daily_pipeline(sources=str(CORPUS / "sources.yaml"), base_url=corpus_base_url)
    return Settings(home=tmp_path, database_url=db_url, web_token=TOKEN)


def api(url: str, path: str) -> Any:
    response = httpx.get(url + path, headers={"Authorization": f"Bearer {TOKEN}"}, trust_env=False)
    response.raise_for_status()
    return response.json()


def events_text(n: int) -> str:
    return f"{n} event" if n == 1 else f"{n} events"


def open_event(page: Page, event_id: str) -> None:
    page.locator(f'[data-testid=event-row][data-event-id="{event_id}"]').click()
    detail = page.get_by_test_id("detail")
    expect(detail.get_by_text(event_id, exact=True)).to_be_visible()
    expect(detail).not_to_contain_text("null")  # nothing missing shown as such


@pytest.mark.flow
def test_an_analyst_edits_and_dismisses_in_the_page_and_both_survive_a_re_run(
    page: Page, flow_warehouse: Settings, corpus_base_url: str
) -> None:
    from flows.analysis import reextract
    from flows.daily import daily_pipeline

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with served(flow_warehouse) as url:
        original = api(url, "/api/events?limit=1000")["items"]
        assert len(original) >= 5, "the sample corpus gives more events than this"
        edited = next(e for e in original if e["amount_usd"] is not None and e["amount_usd"] != 123e9)
        dismissed = next(e for e in original if e["id"] != edited["id"] and "analyst" not in e)
        total = len(original)

        page.goto(f"{url}/?token={TOKEN}")  # once: the app keeps the token in a strict cookie
        assert page.url == f"{url}/"
        expect(page.get_by_test_id("event-count")).to_have_text(events_text(total))
        detail = page.get_by_test_id("detail")

        # edit the amount
        open_event(page, edited["id"])
        expect(detail.get_by_test_id("corrections")).to_contain_text(f"as {getpass.getuser()}")
        detail.get_by_test_id("correct-edit").click()
        amount = detail.get_by_test_id("edit-amount_usd")
        expect(amount).to_have_value(f"{edited['amount_usd']:.0f}")  # the form starts from the facts
        amount.fill(AMOUNT)
        detail.get_by_test_id("correction-note").fill("the filing says $123B")
        detail.get_by_test_id("corrections").screenshot(path=str(SCREENSHOTS / "corrections-edit-form.png"))
        detail.get_by_test_id("correction-submit").click()
        expect(detail.get_by_test_id("correction-status")).to_have_text("Saved. Edited now: amount.")
        expect(detail.get_by_test_id("analyst-edited")).to_have_text("Analyst-edited: edited amount")
        expect(detail.locator("dd", has_text="$123B")).to_contain_text("edited")
        row = page.locator(f'[data-testid=event-row][data-event-id="{edited["id"]}"]')
        expect(row).to_contain_text("$123B")
        expect(row.get_by_test_id("analyst-tag")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "corrections-edited.png"), full_page=True)

        # dismiss another
        open_event(page, dismissed["id"])
        detail.get_by_test_id("correct-dismiss").click()
        detail.get_by_test_id("correction-submit").click()
        expect(detail.get_by_test_id("correction-status")).to_have_text(
            "Dismissed: hidden from the timeline until undone."
        )
        expect(detail.get_by_test_id("analyst-edited")).to_contain_text("dismissed")
        expect(detail.get_by_test_id("correct-undo")).to_be_visible()  # the one control left for it
        expect(detail.get_by_test_id("correct-edit")).to_have_count(0)
        expect(page.get_by_test_id("event-count")).to_have_text(events_text(total - 1))
        expect(page.locator(f'[data-testid=event-row][data-event-id="{dismissed["id"]}"]')).to_have_count(0)
        expect(page.locator(f'[data-testid=event][data-event-id="{dismissed["id"]}"]')).to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / "corrections-dismissed.png"), full_page=True)

        def check(url: str) -> None:
            by_id = {e["id"]: e for e in api(url, "/api/events?limit=1000")["items"]}
            assert dismissed["id"] not in by_id and len(by_id) == total - 1
            assert by_id[edited["id"]]["amount_usd"] == 123e9
            assert by_id[edited["id"]]["analyst"]["edited"] == ["amount_usd"]
            assert api(url, f"/api/events/{dismissed['id']}")["analyst"]["dismissed"] is True
            before = {e["id"]: e for e in original}
            for event_id, event in by_id.items():
                if event_id != edited["id"]:
                    assert "analyst" not in event, event_id
                    assert event["amount_usd"] == before[event_id]["amount_usd"], event_id

        check(url)

        # the daily flow again, then every document extracted again
        daily_pipeline(sources=str(CORPUS / "sources.yaml"), base_url=corpus_base_url)
        reextract(flow_warehouse)
        check(url)

        page.reload()
        expect(page.get_by_test_id("event-count")).to_have_text(events_text(total - 1))
        expect(page.locator(f'[data-testid=event-row][data-event-id="{dismissed["id"]}"]')).to_have_count(0)
        row = page.locator(f'[data-testid=event-row][data-event-id="{edited["id"]}"]')
        expect(row).to_contain_text("$123B")
        open_event(page, edited["id"])
        expect(detail.get_by_test_id("analyst-edited")).to_have_text("Analyst-edited: edited amount")
        expect(detail.locator("dd", has_text="$123B")).to_be_visible()
        page.screenshot(path=str(SCREENSHOTS / "corrections-after-rerun.png"), full_page=True)


@pytest.fixture()
def small_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WebApp]:
    """The app, with a token, over the sample corpus analysed without Prefect (tests/web/conftest.py)."""
    db_url = fresh_warehouse(request, tmp_path)
    hostile = fill_warehouse(db_url, tmp_path)
    with served(Settings(home=tmp_path, database_url=db_url, web_token=TOKEN)) as url:
        yield WebApp(url, hostile)


def row(page: Page, event_id: str) -> Locator:
    return page.locator(f'[data-testid=event-row][data-event-id="{event_id}"]')


def test_split_merge_unmerge_and_undo_in_the_page(page: Page, small_app: WebApp) -> None:
    url = small_app.url
    original = api(url, "/api/events?limit=1000")["items"]
    total = len(original)
    multi = next(e for e in original if len(e["sources"]) >= 2)
    singles = [
        e
        for e in original
        if e["id"] not in (multi["id"], small_app.hostile_event_id) and len(e["sources"]) == 1
    ]
    merged = singles[0]
    into = next(e for e in singles if e["sources"][0]["url"] != merged["sources"][0]["url"])
    moved = multi["sources"][-1]
    page.goto(f"{url}/?token={TOKEN}")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(total))
    detail = page.get_by_test_id("detail")

    # split the last source off
    open_event(page, multi["id"])
    detail.get_by_test_id("correct-split").click()
    detail.get_by_test_id("split-source").select_option(moved["url"])
    detail.get_by_test_id("correction-submit").click()
    status = detail.get_by_test_id("correction-status")
    expect(status).to_contain_text("Split off into ")
    new_id = (status.text_content() or "").removeprefix("Split off into ").removesuffix(".")
    expect(detail.get_by_test_id("source")).to_have_count(len(multi["sources"]) - 1)
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(total + 1))
    open_event(page, new_id)
    expect(detail.get_by_test_id("analyst-edited")).to_have_text(f"Analyst-edited: split from {multi['id']}")
    expect(detail.get_by_test_id("evidence")).to_have_text(moved["evidence"])
    page.screenshot(path=str(SCREENSHOTS / "corrections-split.png"), full_page=True)

    # merge one event into another by id, then unmerge it from the event it joined
    open_event(page, merged["id"])
    detail.get_by_test_id("correct-merge").click()
    detail.get_by_test_id("merge-into").fill(into["id"])
    detail.get_by_test_id("correction-submit").click()
    expect(status).to_have_text(f"Merged into {into['id']}.")
    expect(detail.locator("h2")).to_contain_text(into["title"])
    expect(detail.get_by_test_id("analyst-edited")).to_have_text(
        f"Analyst-edited: merged from {merged['id']}"
    )
    expect(detail.get_by_test_id("source")).to_have_count(2)
    expect(row(page, merged["id"])).to_have_count(0)
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(total))
    page.screenshot(path=str(SCREENSHOTS / "corrections-merged.png"), full_page=True)
    detail.get_by_test_id("correct-unmerge").click()
    detail.get_by_test_id("correction-submit").click()
    expect(status).to_have_text(f"Undone: merge into {into['id']}.")
    expect(row(page, merged["id"])).to_have_count(1)
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(total + 1))

    # a merge the warehouse refuses says why, and changes nothing
    open_event(page, merged["id"])
    detail.get_by_test_id("correct-merge").click()
    detail.get_by_test_id("merge-into").fill(merged["id"])
    detail.get_by_test_id("correction-submit").click()
    expect(status).to_have_text(f"Not saved: cannot merge {merged['id']!r} into itself")

    # undo the split: the source goes back, the split-off event goes away
    open_event(page, new_id)
    detail.get_by_test_id("correct-undo").click()
    detail.get_by_test_id("correction-submit").click()
    expect(detail.get_by_test_id("correction-status")).to_contain_text(f"Undone: split of {moved['url']}")
    expect(page.get_by_test_id("event-count")).to_have_text(events_text(total))
    assert [s["url"] for s in api(url, f"/api/events/{multi['id']}")["sources"]] == [
        s["url"] for s in multi["sources"]
    ]
    assert all("analyst" not in e for e in api(url, "/api/events?limit=1000")["items"])

    # the company page has the same panel: a dismissal there redraws the company's events
    company = into["parties"][0]
    page.goto(f"{url}/company/{quote(company)}")
    title = page.locator(f'.title-button[data-event-id="{into["id"]}"]')
    title.click()
    detail.get_by_test_id("correct-dismiss").click()
    detail.get_by_test_id("correction-submit").click()
    expect(status).to_have_text("Dismissed: hidden from the timeline until undone.")
    expect(title).to_have_count(0)
    detail.get_by_test_id("correct-undo").click()
    detail.get_by_test_id("correction-submit").click()
    expect(status).to_have_text("Undone: dismissal.")
    expect(title).to_have_count(1)


def test_without_the_token_the_page_shows_no_controls(page: Page, web_app: WebApp) -> None:
    """The session's app of the other browser tests: loopback, no token; the panel only reads."""
    page.goto(web_app.url + "/")
    first = page.get_by_test_id("event-row").first
    expect(first).to_be_visible()
    first.click()
    detail = page.get_by_test_id("detail")
    expect(detail.get_by_test_id("source").first).to_be_visible()
    assert page.evaluate("() => session.then((s) => s.corrections)") is False  # /api/session's answer
    expect(detail.get_by_test_id("corrections")).to_be_hidden()
    expect(detail.get_by_role("button", name="Dismiss")).to_have_count(0)
