"""Fill a SQLite warehouse with synthetic events and time filtered timeline queries (company + type +
year) through the JSON API (uvicorn on 127.0.0.1, httpx) and through the query the CLI runs.

    python benchmarks/timeline_queries.py --events 1000000 --queries 60 [--db /tmp/bench.db]

Every event has 1-3 parties (of 200 companies), one source document and one mention, dates over
2016-2025. Prints a Markdown table for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from cloudintel.web.app import create_app  # noqa: E402
from core.vocabulary import EVENT_TYPES  # noqa: E402
from flows.settings import Settings  # noqa: E402
from warehouse.engine import get_engine, session_scope  # noqa: E402
from warehouse.schema import Document, Event, EventMention, EventParty  # noqa: E402
from warehouse.timeline import TimelineFilter, timeline  # noqa: E402

CHUNK = 50_000


def fill(url: str, n: int, companies: list[str]) -> float:
    """Insert n events with parties, documents and mentions; returns seconds."""
    engine = get_engine(url)
    rnd = random.Random(42)
    now = datetime.now(UTC)
    started = time.perf_counter()
    with engine.begin() as connection:
        for start in range(0, n, CHUNK):
            events, parties, documents, mentions = [], [], [], []
            for i in range(start, min(start + CHUNK, n)):
                kind = EVENT_TYPES[i % 3]
                day = f"{rnd.randint(2016, 2025)}-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}"
                who = rnd.sample(companies, 1 if kind != "partnership" else rnd.randint(2, 3))
                level = rnd.choice(("low", "medium", "high"))
                event_id = f"{day}-{kind}-{i:08d}"
                events.append(
                    {
                        "id": event_id,
                        "type": kind,
                        "status": "announced",
                        "date": day,
                        "parties": who,
                        "title": f"{' & '.join(who)} {kind} {i}",
                        "amount_usd": rnd.choice((None, 1e9, 2e10)),
                        "impact_level": level,
                        "impact_rank": ("low", "medium", "high").index(level),
                        "impact_score": 0.8,
                        "themes": ["capacity"],
                        "model_version": "bench",
                        "created_at": now,
                    }
                )
                parties += [{"event_id": event_id, "party": p} for p in who]
                documents.append(
                    {
                        "id": i + 1,
                        "url": f"https://news.example/{i}",
                        "title": f"story {i}",
                        "text": "t",
                        "fetch_status": "ok",
                        "first_seen_at": now,
                        "retry_next_run": False,
                    }
                )
                mentions.append(
                    {
                        "event_id": event_id,
                        "document_id": i + 1,
                        "evidence": f"evidence {i}",
                        "type": kind,
                        "parties": who,
                        "status": "announced",
                        "date": day,
                    }
                )
            connection.execute(insert(Event), events)
            connection.execute(insert(EventParty), parties)
            connection.execute(insert(Document), documents)
            connection.execute(insert(EventMention), mentions)
            print(f"  {min(start + CHUNK, n):,} events", file=sys.stderr)
    return time.perf_counter() - started


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--db", type=Path, default=Path("/tmp/cloudintel-bench/warehouse.db"))
    args = parser.parse_args()
    url = f"sqlite:///{args.db}"
    companies = [f"Company {i:03d}" for i in range(200)]
    if not args.db.exists():
        args.db.parent.mkdir(parents=True, exist_ok=True)
        print(f"filling {args.db} with {args.events:,} events", file=sys.stderr)
        seconds = fill(url, args.events, companies)
        print(f"filled in {seconds:.0f} s", file=sys.stderr)
    rnd = random.Random(7)
    queries = [
        (rnd.choice(companies), rnd.choice(EVENT_TYPES), rnd.randint(2016, 2025)) for _ in range(args.queries)
    ]

    direct, sizes = [], []
    for company, kind, year in queries:
        where = TimelineFilter(
            companies=[company], types=[kind], since=f"{year}-01-01", until=f"{year}-12-31"
        )
        started = time.perf_counter()
        with session_scope(url) as session:
            sizes.append(len(timeline(session, where)))
        direct.append(time.perf_counter() - started)

    settings = Settings(home=args.db.parent, database_url=url)
    # The benchmark's synthetic companies are not in the organization list: the API resolves names
    # through it, so register them as a user file would.
    extra = args.db.parent / "bench-orgs.yaml"
    extra.write_text(
        "".join(f"- {{name: {c}, categories: [other], cloud_provider: false}}\n" for c in companies)
    )
    settings.organizations = extra
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=0, log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    api = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
        for company, kind, year in queries:
            started = time.perf_counter()
            response = client.get(
                "/api/events",
                params={
                    "company": company,
                    "type": kind,
                    "since": f"{year}-01-01",
                    "until": f"{year}-12-31",
                    "limit": 1000,
                },
            )
            response.raise_for_status()
            api.append(time.perf_counter() - started)
    server.should_exit = True

    cli = []
    environment = {
        **os.environ,
        "CLOUDINTEL_HOME": str(args.db.parent),
        "CLOUDINTEL_DATABASE_URL": url,
        "CLOUDINTEL_ORGANIZATIONS": str(extra),
    }
    for company, kind, year in queries[:10]:
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "cloudintel",
                "timeline",
                "--company",
                company,
                "--type",
                kind,
                "--since",
                f"{year}-01-01",
                "--until",
                f"{year}-12-31",
                "--format",
                "json",
            ],
            env=environment,
            check=True,
            capture_output=True,
        )
        cli.append(time.perf_counter() - started)

    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, SQLite"
    )
    print(
        f"{args.events:,} events; {len(queries)} queries (company + type + year), "
        f"median {statistics.median(sizes):.0f} events returned\n"
    )
    print("| path | median ms | p95 ms |\n|---|---:|---:|")
    for label, samples in (
        ("query the CLI and API run (in process)", direct),
        ("JSON API over HTTP", api),
        ("`cloudintel timeline` command, whole process (10 runs)", cli),
    ):
        median, p95 = percentiles(samples)
        print(f"| {label} | {median:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
