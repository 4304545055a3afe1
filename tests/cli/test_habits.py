"""Issue 17 item 7, CLI habits, each on the real `cloudintel` command (a subprocess) over a real SQLite
warehouse: usage errors exit 2 with a hint, case-insensitive "did you mean", --version and -h, a bad
--out path is one line, read-only commands never create a warehouse, and `model rescore` refuses
without a model unless --rules is given."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool
from sqlmodel import select

from tests.cli.warehouse_events import SAMPLE, build
from tests.conftest import new_postgres_database
from warehouse.engine import session_scope
from warehouse.schema import Event


def run(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """`cloudintel ARGS` with CLOUDINTEL_HOME=home and no other CLOUDINTEL_ setting but `env`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDINTEL_")}
    environment.update(CLOUDINTEL_HOME=str(home), **env)
    return subprocess.run(
        [sys.executable, "-m", "cloudintel", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.fixture()
def home(tmp_path: Path) -> Path:
    """A CLOUDINTEL_HOME whose default SQLite warehouse holds the sample events."""
    build(f"sqlite:///{tmp_path / 'warehouse.db'}", SAMPLE)
    return tmp_path


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.stderr.startswith("cloudintel: ") and result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    return result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("timeline", "--since", "2025-13-01"),
        ("timeline", "--until", "yesterday"),
        ("report", "--out", "r.html", "--since", "03/11/2025"),
    ],
)
def test_a_bad_date_is_a_usage_error_exit_2_with_a_hint(home: Path, args: tuple[str, ...]) -> None:
    result = run(home, *args)
    assert result.returncode == 2 and result.stdout == ""
    line = one_line(result)
    assert "is not a date; use YYYY-MM-DD" in line
    assert f"(see 'cloudintel {args[0]} -h')" in line
    assert not (home / "r.html").exists()


def test_a_bad_option_value_exits_2_and_an_expected_failure_exits_1(home: Path) -> None:
    bad_theme = run(home, "label", "x", "--impact", "high", "--themes", "speed")
    assert bad_theme.returncode == 2 and "unknown theme 'speed'" in one_line(bad_theme)
    bad_choice = run(home, "timeline", "--format", "xml")
    assert bad_choice.returncode == 2 and "-h' for help" in bad_choice.stderr  # Click's own
    missing = run(home, "event", "2099-01-01-nothing")
    assert missing.returncode == 1 and "no event '2099-01-01-nothing'" in one_line(missing)


@pytest.mark.parametrize(
    ("typo", "hint"),
    [
        ("opneai", "'OpenAI'"),
        ("OPNEAI", "'OpenAI'"),
        ("microsfot", "'Microsoft'"),
        ("MICROSFOT", "'Microsoft'"),
        ("amazn web servics", "'Amazon Web Services'"),
    ],
)
def test_did_you_mean_ignores_case(home: Path, typo: str, hint: str) -> None:
    result = run(home, "timeline", "--company", typo)
    assert result.returncode == 2
    assert f"unknown company {typo!r}; did you mean {hint}" in one_line(result)


def test_the_right_name_in_any_case_needs_no_hint(home: Path) -> None:
    result = run(home, "timeline", "--company", "OPENAI", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3


def test_version_and_dash_h_on_every_command(home: Path) -> None:
    version = run(home, "--version")
    assert version.returncode == 0 and version.stdout.strip() == "cloudintel 0.1.0"
    for command in (
        [],
        ["timeline"],
        ["export"],
        ["report"],
        ["web"],
        ["model"],
        ["model", "rescore"],
        ["alerts"],
        ["alerts", "retry"],
    ):
        short, long = run(home, *command, "-h"), run(home, *command, "--help")
        assert short.returncode == 0 and short.stdout == long.stdout, command
        assert "Usage: cloudintel" in short.stdout and "-h" in short.stdout


@pytest.mark.parametrize("command", ["export", "report"])
def test_a_bad_out_path_is_one_line_and_exit_1(home: Path, command: str) -> None:
    target = home / "no-such-folder" / "out.file"
    result = run(home, command, "--out", str(target))
    assert result.returncode == 1 and result.stdout == ""
    assert f"cannot write {target}: No such file or directory" in one_line(result)


READ_ONLY = [
    ("timeline",),
    ("event", "some-id"),
    ("relationships", "openai"),
    ("sources",),
    ("documents",),
    ("alerts",),
    ("export", "--out", "x.csv"),
    ("report", "--out", "x.html"),
    ("score", "GOLD"),
    ("web", "--port", "1"),
    ("model", "rescore"),
]


@pytest.mark.parametrize("args", READ_ONLY, ids=lambda a: a[0] if a[0] != "model" else "rescore")
def test_read_only_commands_never_create_a_warehouse(tmp_path: Path, args: tuple[str, ...]) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text("")
    typo = tmp_path / "warehuose.db"  # a mistyped file name
    args = tuple(str(gold) if a == "GOLD" else a for a in args)
    result = run(tmp_path, *args, CLOUDINTEL_DATABASE_URL=f"sqlite:///{typo}")
    assert result.returncode == 1 and result.stdout == ""
    assert f"no warehouse at sqlite:///{typo}" in one_line(result)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl"]  # nothing created

    default = run(tmp_path, *args)  # the default warehouse under CLOUDINTEL_HOME, never made
    assert default.returncode == 1 and "does not exist" in one_line(default)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gold.jsonl"]


def test_a_mistyped_sqlite_url_names_the_url_and_masks_a_password(tmp_path: Path) -> None:
    two_slashes = run(tmp_path, "timeline", CLOUDINTEL_DATABASE_URL="sqlite://warehouse.db")
    assert two_slashes.returncode == 1 and "sqlite://warehouse.db has a host part" in one_line(two_slashes)
    scheme = run(tmp_path, "timeline", CLOUDINTEL_DATABASE_URL="sqlit:///warehouse.db")
    assert scheme.returncode == 1 and "sqlit:///warehouse.db" in one_line(scheme)
    unparsable = run(tmp_path, "timeline", CLOUDINTEL_DATABASE_URL="postgresql://u:s3cret@host:port/db")
    assert unparsable.returncode == 1 and "postgresql://u:***@host:port/db" in one_line(unparsable)
    assert "s3cret" not in unparsable.stderr
    assert list(tmp_path.iterdir()) == []


def test_read_only_commands_read_an_existing_warehouse(home: Path) -> None:
    result = run(home, "timeline", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == len(SAMPLE)


def scores(home: Path) -> dict[str, tuple[str | None, str | None]]:
    with session_scope(f"sqlite:///{home / 'warehouse.db'}") as session:
        return {e.id: (e.model_version, e.impact_level) for e in session.exec(select(Event)).all()}


def test_model_rescore_refuses_without_a_model_unless_rules(home: Path) -> None:
    broken = home / "models"
    broken.mkdir()
    (broken / "impact-model.skops").write_bytes(b"not a model")
    (broken / "impact-model.json").write_text('{"model_sha256": "0"}')
    before = scores(home)

    refused = run(home, "model", "rescore", CLOUDINTEL_MODEL_DIR=str(broken))
    assert refused.returncode == 1
    line = one_line(refused)
    assert "does not match its card's hash" in line and "nothing was re-scored" in line and "--rules" in line
    assert scores(home) == before  # nothing changed

    ruled = run(home, "model", "rescore", "--rules", CLOUDINTEL_MODEL_DIR=str(broken))
    assert ruled.returncode == 0, ruled.stderr
    assert f"{len(SAMPLE)} events re-scored with rules-2" in ruled.stderr
    assert {version for version, _ in scores(home).values()} == {"rules-2"}


def test_model_rescore_uses_the_shipped_model_when_none_is_trained(home: Path) -> None:
    result = run(home, "model", "rescore", CLOUDINTEL_MODEL_DIR=str(home / "none"))
    assert result.returncode == 0, result.stderr
    versions = {version for version, _ in scores(home).values()}
    assert len(versions) == 1 and not versions & {"rules-2", "rules-2:fallback", "test-judge"}


@pytest.mark.postgres
def test_read_only_commands_never_create_tables_in_an_empty_postgresql_database(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = new_postgres_database(request)
    for args in (("timeline",), ("alerts",), ("export", "--out", "-")):
        result = run(tmp_path, *args, CLOUDINTEL_DATABASE_URL=url)
        assert result.returncode == 1 and result.stdout == ""
        assert "the database holds no cloudintel tables" in one_line(result)
    probe = create_engine(url, poolclass=NullPool)
    with probe.connect() as connection:
        assert inspect(connection).get_table_names() == []  # nothing created
    probe.dispose()
    build(url, SAMPLE)
    result = run(tmp_path, "timeline", "--format", "json", CLOUDINTEL_DATABASE_URL=url)
    assert result.returncode == 0 and len(json.loads(result.stdout)) == len(SAMPLE)
