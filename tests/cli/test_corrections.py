"""Analyst corrections through the real `cloudintel` command (a subprocess), on SQLite and PostgreSQL:
`cloudintel event ID` still shows an event; `event dismiss|edit|merge|split|undo` correct it; the
timeline, `event`, exports and `score` read the corrected events; corrections survive a re-run of the
daily flow over the sample corpus and `cloudintel extract` (re-extraction and re-clustering)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.cli.test_cli import CONTRACT_KEYS
from tests.cli.warehouse_events import SAMPLE, build
from tests.conftest import CORPUS


def cloudintel(home: Path, database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDINTEL_")}
    environment.update(CLOUDINTEL_HOME=str(home), CLOUDINTEL_DATABASE_URL=database_url)
    return subprocess.run(
        [sys.executable, "-m", "cloudintel", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=240,
        check=False,
    )


def facts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Events without their impact (a run judges corrected events again)."""
    return [{k: v for k, v in e.items() if k != "impact"} for e in events]


class Cli:
    def __init__(self, home: Path, database_url: str) -> None:
        self.home, self.database_url = home, database_url

    def __call__(self, *args: str) -> subprocess.CompletedProcess[str]:
        return cloudintel(self.home, self.database_url, *args)

    def ok(self, *args: str) -> str:
        result = self(*args)
        assert result.returncode == 0, (args, result.stderr)
        return result.stdout

    def events(self, *args: str) -> list[dict[str, Any]]:
        return json.loads(self.ok("timeline", "--format", "json", *args))  # type: ignore[no-any-return]


def test_event_commands_correct_events_and_every_read_shows_it(tmp_path: Path, database_url: str) -> None:
    microsoft, coreweave, stargate, aws = build(database_url, SAMPLE)
    cli = Cli(tmp_path, database_url)

    # `cloudintel event ID` keeps working beside the correction commands
    assert SAMPLE[3].evidence in cli.ok("event", aws)
    assert json.loads(cli.ok("event", "--format", "json", aws))["id"] == aws
    assert json.loads(cli.ok("event", "show", aws, "--format", "json"))["id"] == aws
    missing = cli("event", "2099-01-01-nothing")
    assert missing.returncode == 1 and "no event '2099-01-01-nothing'" in missing.stderr

    cli.ok(
        "event",
        "edit",
        aws,
        "--amount-usd",
        "50e9",
        "--status",
        "reported",
        "--parties",
        "openai,aws,Microsoft",
        "--note",
        "the filing says $50B",
    )
    edited = json.loads(cli.ok("event", aws, "--format", "json"))
    assert (edited["amount_usd"], edited["status"], edited["parties"]) == (
        50000000000,
        "reported",
        ["Amazon Web Services", "Microsoft", "OpenAI"],
    )
    assert edited["analyst"] == {
        "edited": ["status", "parties", "amount_usd"],
        "dismissed": False,
        "merged_from": [],
    }
    assert "[analyst: edited status, parties, amount_usd]" in cli.ok("event", aws)
    assert [e["id"] for e in cli.events("--company", "microsoft")] == [microsoft, aws]  # filters see the edit

    cli.ok("event", "dismiss", coreweave, "--note", "not a deal")
    cli.ok("event", "merge", microsoft, stargate)
    events = cli.events()
    assert [e["id"] for e in events] == [stargate, aws]
    assert events[0]["analyst"] == {"edited": [], "dismissed": False, "merged_from": [microsoft]}
    assert [s["url"] for s in events[0]["sources"]] == ["https://news.example/0", "https://news.example/2"]
    flagged = cli.events("--include-dismissed")
    assert [(e["id"], e.get("analyst", {}).get("dismissed")) for e in flagged] == [
        (coreweave, True),
        (stargate, False),
        (aws, False),
    ]
    assert "[analyst: dismissed]" in cli.ok("timeline", "--include-dismissed")

    # exports: the analyst_edited flag (CSV, Parquet) and the analyst field (JSON); dismissed ones left out
    rows = list(csv.DictReader(io.StringIO(cli.ok("export", "--out", "-"))))
    assert [(r["id"], r["analyst_edited"]) for r in rows] == [(stargate, "true"), (aws, "true")]
    exported = json.loads(cli.ok("export", "--out", "-", "--format", "json"))
    assert [e["analyst"]["edited"] for e in exported] == [[], ["status", "parties", "amount_usd"]]

    # refused: one line, exit 2 for a value the command cannot use, 1 for a missing event
    assert cli("event", "edit", aws, "--status", "rumoured").returncode == 2
    assert cli("event", "edit", aws).returncode == 2
    assert cli("event", "merge", stargate, microsoft).returncode == 2  # microsoft is part of stargate
    assert cli("event", "split", aws, "--source", "https://elsewhere.example/x").returncode == 2
    assert cli("event", "dismiss", "2099-01-01-nothing").returncode == 1

    for event_id in (aws, coreweave, microsoft):
        cli.ok("event", "undo", event_id)
    events = cli.events()
    assert [e["id"] for e in events] == [microsoft, coreweave, stargate, aws]
    assert [list(e) for e in events] == [CONTRACT_KEYS] * 4  # no correction left: exactly the contract
    rows = list(csv.DictReader(io.StringIO(cli.ok("export", "--out", "-"))))
    assert {r["analyst_edited"] for r in rows} == {"false"}
    assert cli("event", "undo", aws).returncode == 1  # nothing left to undo


@pytest.mark.flow
@pytest.mark.usefixtures("prefect_harness")
def test_corrections_survive_a_re_run_and_re_extraction_of_the_sample_corpus(
    tmp_path: Path, database_url: str, corpus_base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from flows.daily import daily_pipeline

    monkeypatch.setenv("CLOUDINTEL_HOME", str(tmp_path))
    monkeypatch.setenv("CLOUDINTEL_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLOUDINTEL_DATABASE_URL", database_url)
    sources = str(CORPUS / "sources.yaml")
    daily_pipeline(sources=sources, base_url=corpus_base_url)
    cli = Cli(tmp_path, database_url)
    gold = str(CORPUS / "gold.jsonl")
    before = json.loads(cli.ok("score", gold, "--format", "json"))
    original = cli.events()

    multi = next(e for e in original if len(e["sources"]) >= 2)
    others = [e for e in original if e["id"] != multi["id"]]
    dismissed, edited, merged, into = others[0], others[1], others[2], others[3]
    moved = multi["sources"][-1]["url"]
    cli.ok("event", "dismiss", dismissed["id"])
    cli.ok("event", "edit", edited["id"], "--amount-usd", "123e9", "--title", "Corrected by an analyst")
    cli.ok("event", "merge", merged["id"], into["id"])
    new_id = cli.ok("event", "split", multi["id"], "--source", moved).strip()
    corrected = cli.events("--include-dismissed")

    def check(events: list[dict[str, Any]]) -> None:
        by_id = {e["id"]: e for e in events}
        assert by_id[dismissed["id"]]["analyst"]["dismissed"] is True
        assert (by_id[edited["id"]]["amount_usd"], by_id[edited["id"]]["title"]) == (
            123000000000,
            "Corrected by an analyst",
        )
        assert merged["id"] not in by_id and by_id[into["id"]]["analyst"]["merged_from"] == [merged["id"]]
        assert {s["url"] for s in by_id[into["id"]]["sources"]} == {
            s["url"] for s in merged["sources"] + into["sources"]
        }
        assert [s["url"] for s in by_id[new_id]["sources"]] == [moved]
        assert moved not in [s["url"] for s in by_id[multi["id"]]["sources"]]
        untouched = {e["id"] for e in original} - {edited["id"], merged["id"], into["id"], multi["id"]}
        assert all("analyst" not in by_id[i] for i in untouched - {dismissed["id"]})

    check(corrected)
    assert len(corrected) == len(original)  # one merged away, one split off

    daily_pipeline(sources=sources, base_url=corpus_base_url)  # a re-run (it judges the corrected events)
    assert facts(cli.events("--include-dismissed")) == facts(corrected)
    extracted = cli("extract")  # re-extraction: every document's mentions replaced and re-clustered
    assert extracted.returncode == 0, extracted.stderr
    after = cli.events("--include-dismissed")
    check(after)
    assert facts(after) == facts(corrected)
    assert dismissed["id"] not in {e["id"] for e in cli.events()}

    # evaluation scores the corrected timeline: one gold event dismissed, one merged away
    scored = json.loads(cli.ok("score", gold, "--format", "json"))
    assert scored["predicted"] == before["predicted"] - 1  # dismissed and merged away: -2; split off: +1
    assert scored["matched"] < before["matched"]
