"""`cloudintel timeline --order`, `--query` and relative `--since/--until` (issue 17 item 1), on the real
command over a real SQLite warehouse."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from cloudintel.shell import day
from tests.cli.test_habits import one_line, run
from tests.cli.warehouse_events import SAMPLE, Spec, build

TODAY = datetime.now(UTC).date()


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


RECENT = [
    Spec(
        ago(400),
        ("Google", "Anthropic"),
        "Anthropic expands Google TPU use",
        "Anthropic will use up to one million TPUs.",
    ),
    Spec(
        ago(100),
        ("Meta",),
        "Meta plans a 5 GW campus",
        "Meta plans a 5 GW data-center campus.",
        type="capacity",
    ),
    Spec(
        ago(20),
        ("Nebius", "Microsoft"),
        "Microsoft signs with Nebius",
        "Microsoft signed a $17.4 billion deal with Nebius.",
    ),
    Spec(
        ago(3),
        ("Amazon Web Services",),
        "AWS cuts P5 prices",
        "AWS cut P5 instance prices by 45%.",
        type="pricing",
    ),
]


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    build(f"sqlite:///{tmp_path / 'warehouse.db'}", SAMPLE + RECENT)
    return tmp_path


@pytest.fixture()
def recent(tmp_path: Path) -> Path:
    """Only events dated relative to today, so relative spans select a known set on any day."""
    build(f"sqlite:///{tmp_path / 'warehouse.db'}", RECENT)
    return tmp_path


def timeline(home: Path, *args: str) -> list[str]:
    result = run(home, "timeline", "--format", "json", *args)
    assert result.returncode == 0, result.stderr
    return [e["title"] for e in json.loads(result.stdout)]


ALL = [s.title for s in sorted(SAMPLE + RECENT, key=lambda s: s.day)]


def test_order(home: Path) -> None:
    assert timeline(home) == ALL  # the contract: oldest first by default
    assert timeline(home, "--order", "asc") == ALL
    assert timeline(home, "--order", "desc") == ALL[::-1]
    table = run(home, "timeline", "--order", "desc").stdout.splitlines()
    assert table[0].startswith(RECENT[-1].day) and "AWS cuts P5 prices" in table[0]
    bad = run(home, "timeline", "--order", "newest")
    assert bad.returncode == 2 and "--order" in bad.stderr


def test_query(home: Path) -> None:
    assert timeline(home, "--query", "NEBIUS") == ["Microsoft signs with Nebius"]
    assert timeline(home, "--query", "tpus") == ["Anthropic expands Google TPU use"]  # evidence only
    assert timeline(home, "--query", "microsoft", "--order", "desc") == [
        "Microsoft signs with Nebius",
        "Microsoft extends its OpenAI partnership",
    ]
    assert timeline(home, "--query", "openai", "--company", "aws") == ["OpenAI signs a $38B deal with AWS"]
    csv_lines = run(home, "timeline", "--query", "meta", "--format", "csv").stdout.splitlines()
    assert len(csv_lines) == 2 and "Meta plans a 5 GW campus" in csv_lines[1]
    blank = run(home, "timeline", "--query", "  ")
    assert blank.returncode == 2 and "--query has no words" in one_line(blank)


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("30d", ["Microsoft signs with Nebius", "AWS cuts P5 prices"]),
        ("2w", ["AWS cuts P5 prices"]),
        ("6m", ["Meta plans a 5 GW campus", "Microsoft signs with Nebius", "AWS cuts P5 prices"]),
        ("2y", [s.title for s in RECENT]),
        ("30D", ["Microsoft signs with Nebius", "AWS cuts P5 prices"]),
    ],
)
def test_relative_since(recent: Path, since: str, expected: list[str]) -> None:
    assert timeline(recent, "--since", since) == expected


def test_relative_until_and_a_bad_span(recent: Path) -> None:
    home = recent
    assert timeline(home, "--until", "1y", "--since", "2y") == ["Anthropic expands Google TPU use"]
    assert timeline(home, "--until", "10d", "--since", "4m") == [
        "Meta plans a 5 GW campus",
        "Microsoft signs with Nebius",
    ]
    for bad in ("30", "3q", "-5d", "d"):
        result = run(home, "timeline", "--since", bad)
        assert result.returncode == 2 and "use YYYY-MM-DD or a span back from today" in one_line(result), bad


@pytest.mark.parametrize(
    ("value", "today", "expected"),
    [
        ("30d", date(2025, 3, 31), "2025-03-01"),
        ("12w", date(2025, 3, 31), "2025-01-06"),
        ("1m", date(2025, 3, 31), "2025-02-28"),  # no 31 February: its last day
        ("1m", date(2024, 3, 31), "2024-02-29"),
        ("6m", date(2025, 1, 15), "2024-07-15"),
        ("13m", date(2025, 1, 15), "2023-12-15"),
        ("1y", date(2024, 2, 29), "2023-02-28"),
        ("0d", date(2025, 3, 31), "2025-03-31"),
        ("99999y", date(2025, 3, 31), "0001-01-01"),
        ("99999d", date(2025, 3, 31), "1751-06-17"),
        ("2025-06-01", date(2025, 3, 31), "2025-06-01"),
    ],
)
def test_relative_day_arithmetic(value: str, today: date, expected: str) -> None:
    assert day(value, "--since", today) == expected


def test_order_impact_ranks_by_level_then_size_never_score(tmp_path: Path) -> None:
    build(f"sqlite:///{tmp_path / 'warehouse.db'}", SAMPLE)
    result = run(tmp_path, "timeline", "--order", "impact", "--format", "json")
    assert result.returncode == 0, result.stderr
    ranked = [(e["title"], e["impact"]["level"], e["impact"]["score"]) for e in json.loads(result.stdout)]
    assert ranked == [
        ("Stargate: OpenAI, Oracle and SoftBank commit $500B", "high", 0.6),
        ("OpenAI signs a $38B deal with AWS", "high", 0.93),
        ("Microsoft extends its OpenAI partnership", "high", 0.88),
        ("CoreWeave buys more Nvidia GPUs", "low", 0.97),
    ]
    detail = run(tmp_path, "event", json.loads(result.stdout)[0]["id"])
    assert "impact: high (confidence 0.6)" in detail.stdout
    helped = run(tmp_path, "timeline", "-h").stdout
    assert "confidence" in helped and "impact" in helped


def test_the_web_command_serves_order_and_q_from_an_existing_warehouse(home: Path, closed_port: int) -> None:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDINTEL_")}
    environment["CLOUDINTEL_HOME"] = str(home)
    server = subprocess.Popen(
        [sys.executable, "-m", "cloudintel", "web", "--port", str(closed_port)],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{closed_port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx.get(f"{base}/api/events", params={"order": "desc", "q": "OPENAI"}, timeout=5)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "cloudintel web did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        assert [e["title"] for e in response.json()["items"]] == [
            "OpenAI signs a $38B deal with AWS",
            "Stargate: OpenAI, Oracle and SoftBank commit $500B",
            "Microsoft extends its OpenAI partnership",
        ]
        assert httpx.get(f"{base}/api/events", params={"order": "sideways"}).status_code == 422
    finally:
        server.terminate()
        server.wait(timeout=30)
