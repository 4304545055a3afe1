"""`cloudintel export` (issue 17 item 6): `--out -` is stdout, and exports carry every fact: each
source's URL and evidence sentence, the price change, when the event was first seen, and who judged
its impact (the analyst flag). The real command over a real SQLite warehouse."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli.test_cli import CONTRACT_KEYS
from tests.cli.warehouse_events import SAMPLE, Spec, build

PRICE_CUT = Spec(
    "2025-04-01",
    ("Amazon Web Services",),
    "AWS cuts P5 prices",
    "=AWS cut P5 instance prices by 45%.",  # formula-like: neutralised in CSV
    type="pricing",
    price_change_pct=-45.0,
)


def run(home: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDINTEL_")}
    environment["CLOUDINTEL_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "cloudintel", *args],
        capture_output=True,
        env=environment,
        cwd=home,  # a file named "-" would appear here
        timeout=120,
        check=False,
    )


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    started = datetime.now(UTC)
    ids = build(f"sqlite:///{tmp_path / 'warehouse.db'}", [*SAMPLE, PRICE_CUT])
    labelled = run(tmp_path, "label", ids[1], "--impact", "medium", "--themes", "capacity")
    assert labelled.returncode == 0, labelled.stderr
    (tmp_path / "started").write_text(started.isoformat())
    return tmp_path


def files(home: Path) -> list[str]:
    return sorted(p.name for p in home.iterdir())


def test_csv_to_stdout_with_evidence_urls_first_seen_price_change_and_analyst_flag(home: Path) -> None:
    before = files(home)
    result = run(home, "export", "--out", "-")
    assert result.returncode == 0, result.stderr
    assert files(home) == before and not (home / "-").exists()
    assert result.stderr.decode().strip() == "5 events written to stdout"
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert [r["title"] for r in rows] == [s.title for s in sorted([*SAMPLE, PRICE_CUT], key=lambda s: s.day)]
    by_title = {r["title"]: r for r in rows}
    deal = by_title["OpenAI signs a $38B deal with AWS"]
    assert deal["sources"] == "https://news.example/3"
    assert deal["evidence"] == SAMPLE[3].evidence and deal["judged_by"] == "test-judge"
    assert deal["roles"] == "Amazon Web Services: provider; OpenAI: customer"
    cut = by_title["AWS cuts P5 prices"]
    assert cut["price_change_pct"] == "-45" and cut["evidence"] == "'=AWS cut P5 instance prices by 45%."
    assert by_title["CoreWeave buys more Nvidia GPUs"]["judged_by"] == "analyst"
    assert by_title["CoreWeave buys more Nvidia GPUs"]["impact_level"] == "medium"
    started = datetime.fromisoformat((home / "started").read_text())
    for row in rows:
        seen = datetime.fromisoformat(row["first_seen"])
        assert started - timedelta(seconds=5) <= seen <= datetime.now(UTC)


def test_json_to_stdout_is_the_contract_plus_the_export_facts_and_matches_the_file(home: Path) -> None:
    result = run(home, "export", "--out", "-", "--format", "json")
    assert result.returncode == 0, result.stderr
    events = json.loads(result.stdout)
    assert [list(e) for e in events] == [
        [*CONTRACT_KEYS, "judged_by", "price_change_pct", "first_seen", "roles"]
    ] * 5
    deal = next(e for e in events if e["title"] == "OpenAI signs a $38B deal with AWS")
    assert deal["roles"] == {"Amazon Web Services": "provider", "OpenAI": "customer"}
    cut = next(e for e in events if e["type"] == "pricing")
    assert cut["price_change_pct"] == -45 and cut["sources"][0]["evidence"] == PRICE_CUT.evidence
    assert run(home, "export", "--out", "events.json", "--format", "json").returncode == 0
    assert json.loads((home / "events.json").read_text()) == events
    # the timeline's JSON stays the contract, nothing added
    timeline = json.loads(run(home, "timeline", "--format", "json").stdout)
    assert [list(e) for e in timeline] == [CONTRACT_KEYS] * 5


def test_parquet_to_stdout(home: Path) -> None:
    result = run(home, "export", "--out", "-", "--format", "parquet")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(b"PAR1")
    table = pq.read_table(pa.BufferReader(result.stdout))
    assert table.num_rows == 5 and "source_urls" in table.column_names
    assert not (home / "-").exists()


def test_timeline_csv_carries_the_same_columns(home: Path) -> None:
    exported = run(home, "export", "--out", "-").stdout.decode()
    listed = run(home, "timeline", "--format", "csv").stdout.decode()
    assert listed == exported
