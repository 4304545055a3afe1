"""The `cloudintel` command as users run it: exit codes, streams, JSON, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest

from tests.conftest import CORPUS
from tests.support.backend import ON_POSTGRES
from tests.support.faultserver import FaultServer
from warehouse.engine import get_engine

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


class Cli(Protocol):
    def __call__(self, *args: str, timeout: float = ..., **env: str) -> subprocess.CompletedProcess[str]: ...


@pytest.fixture()
def cli(tmp_path: Path, warehouse_env: dict[str, str]) -> Cli:
    """`cloudintel` with CLOUDINTEL_HOME=tmp_path and the test backend's warehouse (one per test)."""

    def run(*args: str, timeout: float = 240, **env: str) -> subprocess.CompletedProcess[str]:
        return cloudintel(*args, home=tmp_path, timeout=timeout, **{**warehouse_env, **env})

    return run


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = cloudintel("--help", home=tmp_path)
    assert result.returncode == 0
    for command in ("run", "demo", "sources", "documents", "schedule"):
        assert command in result.stdout


def test_a_typo_in_the_sources_file_is_one_line_on_stderr_and_exit_1(tmp_path: Path, cli: Cli) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources:\n  - name: a\n    kind: feed\n    ulr: https://x.example/f\n")
    result = cli("run", "--sources", str(sources), "--format", "json")
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


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("CLOUDINTEL_BATCH_SIZE", "0", "greater than or equal to 1"),
        ("CLOUDINTEL_READ_TIMEOUT", "-1", "greater than 0"),
        ("CLOUDINTEL_RETRIES", "many", "valid integer"),
    ],
)
def test_a_setting_out_of_range_is_one_line_naming_it_and_exit_1(
    tmp_path: Path, variable: str, value: str, reason: str
) -> None:
    result = cloudintel("sources", home=tmp_path, **{variable: value})
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith(f"cloudintel: bad setting {variable}={value!r}: ")
    assert reason in result.stderr and result.stderr.count("\n") == 1


def test_query_commands_do_not_import_prefect(tmp_path: Path, warehouse_env: dict[str, str]) -> None:
    get_engine(warehouse_env.get("CLOUDINTEL_DATABASE_URL", f"sqlite:///{tmp_path / 'warehouse.db'}"))
    code = (
        "import sys; from typer.testing import CliRunner; from cloudintel.cli import app; "
        "r = CliRunner().invoke(app, ['sources', '--format', 'json']); "
        "assert r.exit_code == 0, r.output; print(r.stdout.strip()); print('prefect' in sys.modules)"
    )
    env = {**os.environ, "CLOUDINTEL_HOME": str(tmp_path), **warehouse_env}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert result.stdout.split() == ["[]", "False"]


@pytest.mark.flow
def test_demo_json_puts_only_the_summary_on_stdout_and_sources_are_listed(tmp_path: Path, cli: Cli) -> None:
    result = cli("demo", "--format", "json")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["documents_new"] == 27 and summary["documents_failed"] == 1
    assert "Finished in state Completed" in result.stderr  # Prefect's logs went to stderr
    assert "telemetry" not in result.stderr  # the temporary server sends none unless the user asks
    # the warehouse is the test backend's: the default file under CLOUDINTEL_HOME, or the PostgreSQL database
    assert (tmp_path / "warehouse.db").exists() is not ON_POSTGRES

    listed = cli("sources", "--format", "json")
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
def test_timeline_event_relationships_and_score_after_the_demo(tmp_path: Path, cli: Cli) -> None:
    assert cli("demo", "--format", "json").returncode == 0

    events = json.loads(cli("timeline", "--format", "json").stdout)
    assert [list(e) for e in events] == [CONTRACT_KEYS] * len(events)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert all(list(e["impact"]) == ["level", "score", "themes"] for e in events)
    assert all(list(s) == ["url", "title", "published", "evidence"] for e in events for s in e["sources"])

    aws = json.loads(cli("timeline", "--company", "aws", "--format", "json").stdout)
    assert aws and all("Amazon Web Services" in e["parties"] for e in aws)
    high = json.loads(cli("timeline", "--min-impact", "high", "--type", "pricing", "--format", "json").stdout)
    assert high and all(e["impact"]["level"] == "high" and e["type"] == "pricing" for e in high)
    csv_out = cli("timeline", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,date,type") and len(csv_out) == len(events) + 1

    detail = cli("event", events[0]["id"])
    assert detail.returncode == 0 and events[0]["sources"][0]["evidence"] in detail.stdout
    assert cli("event", "nope").returncode == 1

    history = cli("relationships", "openai").stdout
    assert "OpenAI \u2194 Microsoft" in history and "OpenAI \u2194 CoreWeave" in history
    unknown = cli("timeline", "--company", "Microsfot")
    assert unknown.returncode == 2 and "did you mean 'Microsoft'" in unknown.stderr

    fired = json.loads(cli("alerts", "--format", "json").stdout)
    assert sum(a["rule"] == "new-cloud-deal" for a in fired) == 9
    assert all(set(a) >= {"id", "event_id", "rule", "fired_at", "channels", "message"} for a in fired)
    assert all(status == "delivered" for a in fired for status in a["delivery"].values())
    assert cli("alerts", "test", "jsonl").returncode == 0
    missing = cli("alerts", "test", "team-slack")
    assert missing.returncode == 1 and "no channel 'team-slack'" in missing.stderr

    scored = json.loads(cli("score", str(CORPUS_GOLD), "--format", "json").stdout)
    assert scored["f1"] >= 0.95 and scored["duplicates"] == 0 and scored["fact_accuracy"] >= 0.95


def test_a_user_adds_an_organization_without_touching_code(
    tmp_path: Path, cli: Cli, warehouse_env: dict[str, str]
) -> None:
    get_engine(warehouse_env.get("CLOUDINTEL_DATABASE_URL", f"sqlite:///{tmp_path / 'warehouse.db'}"))
    extra = tmp_path / "my-orgs.yaml"
    extra.write_text(
        "- name: Fjordcompute\n  aliases: [Fjord Compute]\n  categories: [gpu_cloud]\n  cloud_provider: true\n"
    )
    unknown = cli("timeline", "--company", "fjord compute")
    assert unknown.returncode == 2 and "unknown company" in unknown.stderr
    known = cli(
        "timeline",
        "--company",
        "fjord compute",
        "--format",
        "json",
        CLOUDINTEL_ORGANIZATIONS=str(extra),
    )
    assert known.returncode == 0 and json.loads(known.stdout) == []


@pytest.mark.flow
def test_a_run_over_hostile_sources_keeps_every_good_item_and_records_every_bad_one(
    tmp_path: Path, cli: Cli, fault_server: FaultServer
) -> None:
    base = fault_server.base_url
    sources = tmp_path / "hostile.yaml"
    sources.write_text(
        "sources:\n"
        f"  - {{name: bad-links, kind: feed, url: '{base}/hostile/bad-links.xml'}}\n"
        f"  - {{name: entities, kind: feed, url: '{base}/hostile/entities.xml'}}\n"
        f"  - {{name: scripts, kind: page, url: '{base}/hostile/unclosed-scripts'}}\n"
        f"  - {{name: stacked, kind: page, url: '{base}/hostile/gzip-stacked'}}\n"
        f"  - {{name: dense, kind: page, url: '{base}/hostile/gzip-dense'}}\n"
    )
    result = cli("run", "--sources", str(sources), "--format", "json", CLOUDINTEL_ALLOW_LOOPBACK="1")
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (
        summary["documents_new"] == 2 and summary["documents_failed"] == 2
    )  # /good (and its redirect), scripts
    errors = json.dumps(summary["errors"])
    assert "4 items skipped" in errors and "declares XML entities" in errors
    assert "stacked Content-Encoding" in errors and "byte cap" in errors
    stored = json.loads(cli("documents", "--format", "json").stdout)
    assert sorted(d["url"].removeprefix(base) for d in stored if d["status"] == "ok") == [
        "/good",
        "/hostile/unclosed-scripts",
    ]


@pytest.mark.flow
def test_a_channel_token_never_reaches_stderr_even_in_pieces(tmp_path: Path, cli: Cli) -> None:
    """During a run Prefect's console handler shows Apprise's warnings, which quote an invalid Slack
    token: the warning still shows, the token does not."""
    alerts = tmp_path / "alerts.yaml"
    alerts.write_text(
        "channels:\n  team: slack://${TEAM_TOKEN}\nrules:\n  - {name: r, kind: new-cloud-deal, channels: [team]}\n"
    )
    token = "T1234ABCD/B5678EFGH/xoxoSECRETtoken123"
    result = cli("demo", "--format", "json", CLOUDINTEL_ALERTS=str(alerts), TEAM_TOKEN=token)
    assert result.returncode == 0, result.stderr
    assert "invalid Slack" in result.stderr and json.loads(result.stdout)["alerts_failed"] > 0
    for piece in (token, "T1234ABCD", "B5678EFGH", "xoxoSECRETtoken123"):
        assert piece not in result.stderr + result.stdout


def test_page_prints_what_the_pipeline_reads_from_files_and_urls(
    tmp_path: Path, cli: Cli, fault_server: FaultServer
) -> None:
    page = CORPUS / "pages" / "microsoft-lambda-gpu-deal.html"
    result = cli(
        "page", str(page), f"{fault_server.base_url}/good", "--format", "jsonl", CLOUDINTEL_ALLOW_LOOPBACK="1"
    )
    assert result.returncode == 0, result.stderr
    local, remote = (json.loads(line) for line in result.stdout.splitlines())
    assert list(local) == ["input", "title", "published", "text"] and local["input"] == str(page)
    assert local["title"].startswith("Lambda signs") and local["published"].startswith("2025-11-03")
    assert "Lambda" in local["text"] and "<" not in local["text"]
    assert remote["title"] == "Good page" and "Nscale agreed" in remote["text"]


def test_page_marks_an_unreadable_input_and_exits_1(tmp_path: Path, cli: Cli) -> None:
    result = cli("page", str(tmp_path / "missing.html"))
    assert result.returncode == 1
    record = json.loads(result.stdout)
    assert record["text"] == "" and "cannot read" in record["error"]
