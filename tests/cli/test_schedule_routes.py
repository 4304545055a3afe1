"""The two ways to schedule (docs/scheduling.md, issue 17 item 8), each on one real Prefect server on
127.0.0.1 started for this module, named by a Prefect profile (`prefect config set`) and not by the
environment: the worker route (prefect.yaml deployed into its process work pool) and the serve route
(`cloudintel schedule`), which must leave the worker deployment alone, start no server of its own, and
run the pipeline over the sample corpus when its deployment is run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from cloudintel.corpus_server import serve_corpus
from cloudintel.scheduling import DEPLOYMENT_NAME, SERVED_DEPLOYMENT, free_loopback_port
from core.errors import TerminalError
from tests.conftest import CORPUS, CORPUS_ORGANIZATIONS
from warehouse.engine import get_engine

pytestmark = pytest.mark.flow

ROOT = Path(__file__).resolve().parents[2]
WORKER_DEPLOYMENT = "daily-pipeline/daily"  # prefect.yaml's
STARTUP_SECONDS = 90
# what the tests do not use is off (2 shared cores): the UI, telemetry, and the services that create
# the schedules' future runs, mark them late, and watch workers and automations; the deployments keep
# their schedules, and a run is created here by hand
QUIET_SERVER = {
    "PREFECT_UI_ENABLED": "false",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    **{
        f"PREFECT_SERVER_SERVICES_{service}_ENABLED": "false"
        for service in ("SCHEDULER", "LATE_RUNS", "FOREMAN", "TRIGGERS", "PAUSE_EXPIRATIONS")
    },
}


@dataclass
class PrefectApi:
    url: str
    env: dict[str, str]  # PREFECT_HOME with a profile naming `url`; no PREFECT_* or CLOUDINTEL_* else

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", timeout=10)

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        """POST as Prefect's own client does: a 429 or 503 (the server's database busy under load) is
        retried, up to 5 times a second apart (PREFECT_CLIENT_MAX_RETRIES' default is 5)."""
        for _ in range(5):
            response = httpx.post(f"{self.url}{path}", json=body, timeout=10)
            if response.status_code not in (429, 503):
                break
            time.sleep(1)
        return response

    def deployment(self, name: str) -> dict[str, Any]:
        response = self.get(f"/deployments/name/{name}")
        assert response.status_code == 200, f"{name}: {response.status_code} {response.text[:200]}"
        return dict(response.json())

    def prefect(self, *args: str) -> subprocess.CompletedProcess[str]:
        """A `prefect` command as a user runs it, from the repository, with the profile's server."""
        result = subprocess.run(
            [sys.executable, "-m", "prefect", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"prefect {' '.join(args)}: {result.stdout}{result.stderr}"
        return result


@pytest.fixture(scope="module")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectApi]:
    """`prefect server start` on a free loopback port with its PREFECT_HOME in tmp, and another
    PREFECT_HOME in tmp for the commands, whose profile names the server (set while it starts)."""
    home = tmp_path_factory.mktemp("prefect-server")  # the server's database and log
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "CLOUDINTEL_"))}
    env["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))  # the users' profile
    port = free_loopback_port()
    url = f"http://127.0.0.1:{port}/api"
    with (home / "server.log").open("ab") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env={**env, **QUIET_SERVER, "PREFECT_HOME": str(home)},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        api = PrefectApi(url, env)
        api.prefect("config", "set", f"PREFECT_API_URL={url}")  # the profile, not the environment
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(f"{url}/health"):
            assert server.poll() is None, (home / "server.log").read_text()[-2000:]
            assert time.monotonic() < deadline, f"no Prefect server at {url} after {STARTUP_SECONDS} s"
            time.sleep(0.5)
        yield api
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.fixture(scope="module")
def worker_deployment(prefect_api: PrefectApi) -> dict[str, Any]:
    """The worker route as docs/scheduling.md gives it: the process pool, then prefect.yaml deployed."""
    prefect_api.prefect("work-pool", "create", "cloudintel-pool", "--type", "process")
    prefect_api.prefect("--no-prompt", "deploy", "--all")
    return prefect_api.deployment(WORKER_DEPLOYMENT)


def test_the_worker_route_deploys_prefect_yaml_into_its_pool_with_its_schedule(
    worker_deployment: dict[str, Any],
) -> None:
    assert worker_deployment["work_pool_name"] == "cloudintel-pool"
    assert worker_deployment["entrypoint"] == "flows/daily.py:daily_pipeline"
    assert [s["schedule"]["cron"] for s in worker_deployment["schedules"]] == ["0 6 * * *"]
    assert worker_deployment["schedules"][0]["schedule"]["timezone"] == "UTC"
    assert worker_deployment["schedules"][0]["active"] and not worker_deployment["paused"]
    assert worker_deployment["global_concurrency_limit"]["limit"] == 1


def test_schedule_serves_its_own_deployment_on_the_profile_server_and_its_run_fills_the_warehouse(
    prefect_api: PrefectApi,
    worker_deployment: dict[str, Any],
    tmp_path: Path,
    warehouse_env: dict[str, str],
) -> None:
    home = tmp_path / "home"
    with serve_corpus(CORPUS) as base_url:
        sources = tmp_path / "sources.yaml"  # the corpus's sources, pointing at where it is served
        sources.write_text((CORPUS / "sources.yaml").read_text().replace("{{BASE}}", base_url))
        env = {
            **prefect_api.env,
            **warehouse_env,
            "CLOUDINTEL_HOME": str(home),
            "CLOUDINTEL_ALLOW_LOOPBACK": "1",
            "CLOUDINTEL_ORGANIZATIONS": str(CORPUS_ORGANIZATIONS),
            "CLOUDINTEL_ALERTS_MAX_AGE_DAYS": "0",
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",  # pick a run up in 1 s, not 10
        }
        stdout, stderr = tmp_path / "schedule.out", tmp_path / "schedule.err"
        with stdout.open("w") as out, stderr.open("w") as err:
            schedule = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "cloudintel",
                    "schedule",
                    "--sources",
                    str(sources),
                    "--cron",
                    "0 5 * * *",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=err,
                start_new_session=True,  # its flow runs' processes too, if the test must stop them all
                preexec_fn=_interruptible,
            )
        try:
            served = _wait_for_served_deployment(prefect_api, schedule, stderr)
            # its own deployment, on the profile's server, with the cron given
            assert served["work_pool_name"] is None and not served["paused"]
            assert [s["schedule"]["cron"] for s in served["schedules"]] == ["0 5 * * *"]
            assert served["schedules"][0]["schedule"]["timezone"] == "UTC"
            assert served["parameters"] == {"sources": str(sources)}
            said = stderr.read_text()
            assert f"Prefect API at {prefect_api.url} (PREFECT_API_URL of Prefect profile" in said
            # no second server: nothing started under the schedule, no log of one in CLOUDINTEL_HOME
            assert not any(" server start" in line for line in _descendants(schedule.pid))
            assert not (home / "prefect-server.log").exists()
            _assert_untouched(prefect_api.deployment(WORKER_DEPLOYMENT), worker_deployment)

            # one run of the served deployment executes in the schedule's process, over the corpus
            run = prefect_api.post(f"/deployments/{served['id']}/create_flow_run", {})
            assert run.status_code == 201, run.text
            state = _wait_for_run(prefect_api, run.json()["id"], schedule, stderr)
            assert state == "COMPLETED", stderr.read_text()[-3000:]
        finally:
            if schedule.poll() is None:
                schedule.send_signal(signal.SIGINT)  # Ctrl-C
            try:
                returncode = schedule.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(schedule.pid, signal.SIGKILL)
                raise
    said = stderr.read_text()
    assert returncode == 0, said[-3000:]
    assert said.rstrip().endswith(f"schedule stopped; deployment {SERVED_DEPLOYMENT} paused")
    assert "Traceback" not in said
    assert prefect_api.deployment(SERVED_DEPLOYMENT)["paused"]  # nothing runs it any more
    _assert_untouched(prefect_api.deployment(WORKER_DEPLOYMENT), worker_deployment)

    url = warehouse_env.get("CLOUDINTEL_DATABASE_URL", f"sqlite:///{home / 'warehouse.db'}")
    with get_engine(url).connect() as db:
        runs = db.execute(text("SELECT status, documents_new, events_new FROM pipeline_runs")).all()
        events = db.execute(text("SELECT count(*) FROM events")).scalar_one()
    assert len(runs) == 1 and runs[0].documents_new == 27
    assert events > 0 and runs[0].events_new == events


def test_schedule_refuses_a_deployment_of_its_name_that_belongs_to_a_work_pool(
    prefect_api: PrefectApi, worker_deployment: dict[str, Any]
) -> None:
    """Serving would take the pool away: `cloudintel schedule` stops with one line instead."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from cloudintel.scheduling import refuse_a_pooled_deployment

    created = prefect_api.post(
        "/deployments/",
        {
            "name": DEPLOYMENT_NAME,
            "flow_id": worker_deployment["flow_id"],
            "work_pool_name": "cloudintel-pool",
            "entrypoint": "flows/daily.py:daily_pipeline",
        },
    )
    assert created.status_code in (200, 201), created.text
    try:
        with (
            temporary_settings(updates={PREFECT_API_URL: prefect_api.url}),
            pytest.raises(TerminalError) as refused,
        ):
            refuse_a_pooled_deployment(prefect_api.url)
        assert str(refused.value) == (
            f"deployment {SERVED_DEPLOYMENT} on {prefect_api.url} belongs to work pool 'cloudintel-pool' "
            "and serving would replace it; leave it to its worker, or delete it first "
            f"(prefect deployment delete {SERVED_DEPLOYMENT})"
        )
        assert prefect_api.deployment(SERVED_DEPLOYMENT)["work_pool_name"] == "cloudintel-pool"
    finally:
        httpx.delete(f"{prefect_api.url}/deployments/{created.json()['id']}", timeout=10)


def _assert_untouched(now: dict[str, Any], before: dict[str, Any]) -> None:
    """The worker deployment keeps its pool, schedule and parameters, and is not paused."""
    keys = [
        "id",
        "work_pool_name",
        "paused",
        "schedules",
        "parameters",
        "entrypoint",
        "global_concurrency_limit",
    ]
    assert {k: now[k] for k in keys} == {k: before[k] for k in keys}
    assert now["work_pool_name"] == "cloudintel-pool" and not now["paused"]


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def _interruptible() -> None:
    """In the child before exec: Ctrl-C as in a terminal, even when this test runs in a background job
    (which starts with SIGINT ignored, and a child inherits that)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for_served_deployment(
    api: PrefectApi, schedule: subprocess.Popen[bytes], stderr: Path
) -> dict[str, Any]:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert schedule.poll() is None, (
            f"cloudintel schedule exited {schedule.returncode}: {stderr.read_text()}"
        )
        assert time.monotonic() < deadline, f"no {SERVED_DEPLOYMENT} after {STARTUP_SECONDS} s"
        response = api.get(f"/deployments/name/{SERVED_DEPLOYMENT}")
        if response.status_code == 200 and "Ctrl-C stops" in stderr.read_text():
            return dict(response.json())
        time.sleep(0.5)


def _wait_for_run(api: PrefectApi, run_id: str, schedule: subprocess.Popen[bytes], stderr: Path) -> str:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert schedule.poll() is None, (
            f"cloudintel schedule exited {schedule.returncode}: {stderr.read_text()}"
        )
        state = api.get(f"/flow_runs/{run_id}").json()["state"]["type"]
        if state in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED"):
            return str(state)
        time.sleep(0.5)
    raise AssertionError(f"flow run {run_id} did not finish in 180 s")


def _descendants(pid: int) -> list[str]:
    """The command lines of every process under `pid` (Linux /proc)."""
    children: dict[int, list[int]] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            commands[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone meanwhile
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], list(children.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(commands.get(child, ""))
        todo.extend(children.get(child, []))
    return found
