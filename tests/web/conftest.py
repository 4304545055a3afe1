"""The browser and API tests' warehouse and app: the sample corpus analysed without Prefect (rule
baseline), plus one hostile event, served by uvicorn on 127.0.0.1 in a thread. The warehouse is on the
test backend (SQLite, or PostgreSQL with CLOUDINTEL_TEST_BACKEND=postgresql)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, sync_playwright

from cloudintel.web.app import create_app
from extractors.entities import OrganizationIndex
from extractors.events import Candidate
from extractors.fingerprint import content_hash
from extractors.pages import parse_article
from flows.analysis import classify_events, extract_events
from flows.settings import Settings
from models.judge import ImpactJudge
from tests.conftest import CORPUS_ORGANIZATIONS, fresh_warehouse
from tests.support.ci import server_missing
from warehouse.documents import PageRecord, store_pages
from warehouse.engine import session_scope
from warehouse.events import store_mentions
from warehouse.schema import Document, Event

PAGES = Path(__file__).resolve().parents[2] / "cloudintel" / "corpus" / "pages"
BASE = "http://127.0.0.1:1"  # the corpus pages' {{BASE}}: a closed port, the page never follows it
HOSTILE = "<img src=x onerror=alert(1)>"


def fill_warehouse(db_url: str, tmp: Path) -> str:
    """The corpus events and one hostile event; returns the hostile event's id."""
    orgs = OrganizationIndex.load(extra=CORPUS_ORGANIZATIONS)
    records = []
    for page in sorted(PAGES.glob("*.html")):
        url = f"{BASE}/pages/{page.name}"
        article = parse_article(page.read_text(encoding="utf-8").replace("{{BASE}}", BASE), url)
        records.append(
            PageRecord(
                requested_url=url,
                source_id=None,
                outcome="ok",
                url=url,
                title=article.title,
                text=article.text,
                content_hash=content_hash(article.text),
                published_at=article.published,
            )
        )
    with session_scope(db_url) as session:
        stored = store_pages(session, records)
    changes = extract_events(db_url, stored.changed, orgs)
    with session_scope(db_url) as session:
        # A source whose title, evidence and URL are hostile too (the URL must never become a link).
        document = Document(
            url="javascript:alert(2)",
            title=f"Hostile source {HOSTILE}",
            text="t",
            published_at=datetime(2024, 6, 3, tzinfo=UTC),
        )
        session.add(document)
        session.flush()
        candidate = Candidate(
            "partnership",
            ("Microsoft", "Northfjord Ferries"),
            "announced",
            date(2024, 6, 3),
            f"Northfjord Ferries signed an agreement with Microsoft {HOSTILE}.",
        )
        [hostile] = store_mentions(session, document, [candidate]).new
    judge = ImpactJudge.load(tmp / "none", orgs)
    classify_events(db_url, [*changes.new, hostile], judge)
    with session_scope(db_url) as session:
        event = session.get(Event, hostile)
        assert event is not None
        event.title = f"Microsoft and Northfjord Ferries {HOSTILE} agreement"
        session.add(event)
    return hostile


@dataclass(frozen=True)
class WebApp:
    url: str  # http://127.0.0.1:<port>
    hostile_event_id: str


@pytest.fixture(scope="session")
def web_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    """The app over the filled warehouse (on the test backend), served on 127.0.0.1 for the whole session."""
    tmp = tmp_path_factory.mktemp("web")
    db_url = fresh_warehouse(request, tmp)
    hostile = fill_warehouse(db_url, tmp)
    config = uvicorn.Config(
        create_app(Settings(home=tmp, database_url=db_url)), host="127.0.0.1", port=0, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield WebApp(f"http://127.0.0.1:{port}", hostile)
    server.should_exit = True
    thread.join(timeout=10)


# One chromium for the session, shared by every browser module (a thread runs one sync Playwright at a
# time).
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        server_missing(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
