"""Progress on a long run (issue 17 item 7): a rich bar of sources, articles and events with counts
and an ETA when stderr is a terminal (a real pseudo-terminal here), plain log lines otherwise."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_cli import cloudintel

pytestmark = pytest.mark.flow

ESCAPE = "\x1b["


def on_a_terminal(*args: str, home: Path) -> tuple[int, str]:
    """Run the CLI with stderr on a pseudo-terminal; its exit code and what the terminal showed."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CLOUDINTEL_")}
    environment.update(
        CLOUDINTEL_HOME=str(home),
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        TERM="xterm",
        COLUMNS="120",
    )
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "cloudintel", *args],
        stdout=subprocess.DEVNULL,
        stderr=secondary,
        env=environment,
    )
    os.close(secondary)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the terminal closed: the process is done with it
            break
        if not chunk:
            break
        shown += chunk
    os.close(primary)
    return process.wait(timeout=300), shown.decode("utf-8", "replace")


def test_a_run_on_a_terminal_shows_a_progress_bar_and_a_piped_one_plain_lines(tmp_path: Path) -> None:
    code, shown = on_a_terminal("demo", home=tmp_path / "tty")
    assert code == 0, shown[-2000:]
    assert ESCAPE in shown and "ETA" in shown
    finished = {
        stage: re.findall(rf"{stage}\s.*?(\d+)/(\d+)", shown) for stage in ("sources", "articles", "events")
    }
    for stage, counts in finished.items():
        assert counts, f"no {stage} line on the terminal"
        done, total = map(int, counts[-1])
        assert done == total > 0, (stage, counts[-1])

    piped = cloudintel("demo", home=tmp_path / "pipe")
    assert piped.returncode == 0, piped.stderr
    assert ESCAPE not in piped.stderr and "ETA" not in piped.stderr
    assert re.search(r"batch \d+/\d+ stored", piped.stderr)
