"""A configured Prefect server that does not answer is one line and exit 1, before any work."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import cloudintel


def test_a_run_with_an_unreachable_prefect_server_is_one_line(tmp_path: Path, closed_port: int) -> None:
    sources = tmp_path / "sources.yaml"
    sources.write_text('sources:\n  - name: a\n    kind: feed\n    url: "http://127.0.0.1:9/feed.xml"\n')
    api = f"http://127.0.0.1:{closed_port}/api"
    result = cloudintel(
        "run", "--sources", str(sources), home=tmp_path, PREFECT_API_URL=api, CLOUDINTEL_ALLOW_LOOPBACK="1"
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"cloudintel: the Prefect server at {api} does not answer (ConnectError); start it, "
        "or unset PREFECT_API_URL to run with a temporary local server"
    ]
    assert result.stdout == ""
