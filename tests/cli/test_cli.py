"""The `cloudintel` command as users run it: exit codes, streams, JSON, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS

CORPUS_GOLD = CORPUS / "gold.jsonl"


def cloudintel(*args: str, home: Path, timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDINTEL_")}
    environment.update(
        CLOUDINTEL_HOME=str(home), PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90", **env
    )
    return subprocess.run(
        [sys.executable, "-m", "cloudintel", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = cloudintel("--help", home=tmp_path)
    assert result.returncode == 0
    for command in ("run", "demo", "sources", "documents", "schedule"):
        assert command in result.stdout


def test_a_typo_in_the_sources_file_is_one_line_on_stderr_and_exit_1(tmp_path: Path) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    kind: feed\n    ulr: https://x.example/f\n")
    result = cloudintel("run", "--sources", str(sources), "--format", "json", home=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0
    assert f"{sources}:4: unknown field 'ulr'; did you mean 'url'?" in result.stderr


def test_an_unreachable_database_is_one_line_and_exit_1(tmp_path: Path) -> None:
    result = cloudintel(
        "sources", home=tmp_path, CLOUDINTEL_DATABASE_URL="postgresql+psycopg://u:secret@127.0.0.1:1/none"
    )
    assert result.returncode == 1
    assert (
        result.stderr.startswith("cloudintel: cannot open the warehouse") and result.stderr.count("\n") == 1
    )
    assert "secret" not in result.stderr


def test_query_commands_do_not_import_prefect(tmp_path: Path) -> None:
    code = (
        "import sys; from typer.testing import CliRunner; from cloudintel.cli import app; "
        "r = CliRunner().invoke(app, ['sources', '--format', 'json']); "
        "assert r.exit_code == 0, r.output; print(r.stdout.strip()); print('prefect' in sys.modules)"
    )
    env = {**os.environ, "CLOUDINTEL_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == ["[]", "False"]


@pytest.mark.flow
def test_demo_json_puts_only_the_summary_on_stdout_and_sources_are_listed(tmp_path: Path) -> None:
    result = cloudintel("demo", "--format", "json", home=tmp_path)
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents_new"] == 27 and summary["documents_failed"] == 1
    assert "Finished in state Completed" in result.stderr  # Prefect's logs went to stderr

    listed = cloudintel("sources", "--format", "json", home=tmp_path)
    rows = {row["name"]: row for row in json.loads(listed.stdout)}
    assert rows["dcpulse"]["last_status"] == "recovered" and "malformed feed" in rows["dcpulse"]["last_error"]
    assert (
        rows["compute-ledger"]["documents"] == 9 and rows["selfemployed-openai-cloud"]["last_status"] == "ok"
    )


CONTRACT_KEYS = [
    "id",
    "type",
    "status",
    "date",
    "parties",
    "title",
    "amount_usd",
    "capacity_mw",
    "gpus",
    "duration_years",
    "impact",
    "sources",
]


@pytest.mark.flow
def test_timeline_event_relationships_and_score_after_the_demo(tmp_path: Path) -> None:
    assert cloudintel("demo", "--format", "json", home=tmp_path).returncode == 0

    events = json.loads(cloudintel("timeline", "--format", "json", home=tmp_path).stdout)
    assert [list(e) for e in events] == [CONTRACT_KEYS] * len(events)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert all(list(e["impact"]) == ["level", "score", "themes"] for e in events)
    assert all(list(s) == ["url", "title", "published", "evidence"] for e in events for s in e["sources"])

    aws = json.loads(cloudintel("timeline", "--company", "aws", "--format", "json", home=tmp_path).stdout)
    assert aws and all("Amazon Web Services" in e["parties"] for e in aws)
    high = json.loads(
        cloudintel(
            "timeline", "--min-impact", "high", "--type", "pricing", "--format", "json", home=tmp_path
        ).stdout
    )
    assert high and all(e["impact"]["level"] == "high" and e["type"] == "pricing" for e in high)
    csv_out = cloudintel("timeline", "--format", "csv", home=tmp_path).stdout.splitlines()
    assert csv_out[0].startswith("id,date,type") and len(csv_out) == len(events) + 1

    detail = cloudintel("event", events[0]["id"], home=tmp_path)
    assert detail.returncode == 0 and events[0]["sources"][0]["evidence"] in detail.stdout
    assert cloudintel("event", "nope", home=tmp_path).returncode == 1

    history = cloudintel("relationships", "openai", home=tmp_path).stdout
    assert "OpenAI \u2194 Microsoft" in history and "OpenAI \u2194 CoreWeave" in history
    unknown = cloudintel("timeline", "--company", "Microsfot", home=tmp_path)
    assert unknown.returncode == 1 and "did you mean Microsoft" in unknown.stderr

    fired = json.loads(cloudintel("alerts", "--format", "json", home=tmp_path).stdout)
    assert sum(a["rule"] == "new-cloud-deal" for a in fired) == 9
    assert all(set(a) >= {"id", "event_id", "rule", "fired_at", "channels", "message"} for a in fired)
    assert all(status == "delivered" for a in fired for status in a["delivery"].values())
    assert cloudintel("alerts", "test", "jsonl", home=tmp_path).returncode == 0
    missing = cloudintel("alerts", "test", "team-slack", home=tmp_path)
    assert missing.returncode == 1 and "no channel 'team-slack'" in missing.stderr

    scored = json.loads(cloudintel("score", str(CORPUS_GOLD), "--format", "json", home=tmp_path).stdout)
    assert scored["f1"] >= 0.95 and scored["duplicates"] == 0 and scored["fact_accuracy"] >= 0.95


def test_a_user_adds_an_organization_without_touching_code(tmp_path: Path) -> None:
    extra = tmp_path / "my-orgs.yaml"
    extra.write_text(
        "- name: Fjordcompute\n  aliases: [Fjord Compute]\n  categories: [gpu_cloud]\n  cloud_provider: true\n"
    )
    unknown = cloudintel("timeline", "--company", "fjord compute", home=tmp_path)
    assert unknown.returncode == 1 and "unknown company" in unknown.stderr
    known = cloudintel(
        "timeline",
        "--company",
        "fjord compute",
        "--format",
        "json",
        home=tmp_path,
        CLOUDINTEL_ORGANIZATIONS=str(extra),
    )
    assert known.returncode == 0 and json.loads(known.stdout) == []
