"""The nightly deployment against a real `prefect server` on 127.0.0.1: schedule, a run from the
API, a failed shard, the UI's Retry, the report artifact and `broadsheet status`."""

import gzip
import json
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tasks.io import discover_inputs
from tasks.layout import Layout
from tasks.shards import plan_shards
from tests.conftest import FIXTURES
from tests.flows.test_archive import run, sql
from tests.integration.conftest import BIN, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("prefect_server")]


def three_inputs(folder: Path) -> list[Path]:
    pages = sorted((FIXTURES / "html").glob("*.html.gz"))[:9]
    folder.mkdir()
    paths = []
    for number in range(3):
        path = folder / f"night-{number}.jsonl"
        lines = [
            json.dumps(
                {
                    "url": f"https://news{number}.example/{page.stem}",
                    "html": gzip.decompress(page.read_bytes()).decode("utf-8", "replace"),
                    "fetched_at": f"2025-03-0{number + 1}T06:00:00Z",
                }
            )
            for page in pages[number * 3 : number * 3 + 3]
        ]
        path.write_text("\n".join(lines) + "\n")
        paths.append(path)
    return paths


def post(url: str, body: dict) -> object:
    """POST to the API as the UI does, riding out a busy SQLite server (HTTP 503)."""

    def attempt() -> object:
        answer = httpx.post(url, json=body, timeout=10)
        if answer.status_code >= 500:
            return None
        assert answer.status_code < 300, (answer.status_code, answer.text)
        return answer.json()

    return wait_for(attempt, 60, f"POST {url}")


def state(api: str, flow_run: str) -> dict:
    answer = httpx.get(f"{api}/flow_runs/{flow_run}", timeout=10)
    return answer.json()["state"] if answer.status_code == 200 else {"type": "UNKNOWN"}


def finished(api: str, flow_run: str):
    current = state(api, flow_run)
    return current if current["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") else None


def serve(config: Path, env: dict, cwd: Path) -> subprocess.Popen:
    """`broadsheet serve -c config` in a process group of its own (stop it with `stop`)."""
    return subprocess.Popen(
        [str(BIN / "broadsheet"), "serve", "-c", str(config)],
        env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def nightly_deployment(api: str, warehouse: Path) -> dict:
    """The nightly deployment, once `serve` has registered it with the server at `api` for
    `warehouse` (the server is shared: an earlier test registered it for its own)."""

    def registered() -> dict | None:
        answer = httpx.get(f"{api}/deployments/name/broadsheet-archive/nightly", timeout=5)
        if answer.status_code != 200:
            return None
        found = answer.json()
        return found if found["parameters"]["warehouse"] == str(warehouse.resolve()) else None

    return wait_for(registered, 90, "the nightly deployment")


def test_nightly_deployment_runs_fails_on_one_shard_and_retries_only_that(tmp_path, prefect):
    api, env = prefect
    inputs = three_inputs(tmp_path / "inputs")
    warehouse = tmp_path / "w"
    config = tmp_path / "broadsheet.toml"
    config.write_text(
        f'warehouse = "{warehouse}"\n[schedule]\ncron = "0 2 * * *"\ntimezone = "Europe/Paris"\n'
        f'[[sources]]\nkind = "path"\npath = "{tmp_path / "inputs"}"\n'
    )
    serving = serve(config, env, tmp_path)
    try:
        deployment = nightly_deployment(api, warehouse)
        (schedule,) = deployment["schedules"]
        assert schedule["schedule"]["cron"] == "0 2 * * *"
        assert schedule["schedule"]["timezone"] == "Europe/Paris" and schedule["active"]

        # A plain file where the third shard's staging folder must go: an I/O fault.
        files, _ = discover_inputs([str(p) for p in inputs])
        third = next(
            s for s in plan_shards(files, 500) if s.files[0].path.endswith("night-2.jsonl")
        )
        blocker = Layout(warehouse).staging(third.key)
        blocker.parent.mkdir(parents=True)
        blocker.write_text("in the way")

        created = post(f"{api}/deployments/{deployment['id']}/create_flow_run", {})
        flow_run = created["id"]  # type: ignore[index]
        failed = wait_for(lambda: finished(api, flow_run), 240, "the first run")
        assert failed["type"] == "FAILED" and "night-2.jsonl" in failed["message"]
        status = subprocess.run([str(BIN / "broadsheet"), "status", "-w", str(warehouse)], env=env)
        assert status.returncode == 1

        blocker.unlink()
        retry = {"type": "SCHEDULED", "name": "AwaitingRetry", "message": "Retry from the UI"}
        post(f"{api}/flow_runs/{flow_run}/set_state", {"state": retry, "force": True})
        wait_for(lambda: state(api, flow_run)["type"] != "FAILED", 30, "the retry to start")
        done = wait_for(lambda: finished(api, flow_run), 240, "the retry")
        assert done["type"] == "COMPLETED"
    finally:
        stop(serving)
    # Stopping serve leaves the schedule active.
    after = httpx.get(f"{api}/deployments/{deployment['id']}", timeout=10).json()
    assert not after["paused"] and after["schedules"][0]["active"]

    tasks = post(f"{api}/task_runs/filter", {"flow_runs": {"id": {"any_": [flow_run]}}})
    shard_runs = [
        t
        for t in tasks
        if t["task_key"].startswith("extract_shard") or t["name"].startswith("extract-shard")
    ]
    assert len(shard_runs) == 4  # three on the first attempt, only the failed one again
    (row,) = sql(
        warehouse, f"SELECT shards, shards_skipped, status FROM runs WHERE run_id = '{flow_run}'"
    )
    assert row == {"shards": 3, "shards_skipped": 2, "status": "completed"}
    assert (
        subprocess.run(
            [str(BIN / "broadsheet"), "status", "-w", str(warehouse)], env=env
        ).returncode
        == 0
    )

    artifacts = post(
        f"{api}/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run]}}}
    )
    reports = [a["data"] for a in artifacts if a["key"] == "broadsheet-run-report"]
    assert reports and "pages read" in reports[-1] and "Time per stage" in reports[-1]

    clean = tmp_path / "clean"
    run(str(tmp_path / "inputs"), "-w", str(clean))
    query = (
        "SELECT p.url, p.status, p.reason, a.title, a.body FROM pages p"
        " LEFT JOIN articles a ON a.article_id = p.article_id ORDER BY p.url"
    )
    assert sql(warehouse, query) == sql(clean, query)


def test_a_restart_after_missed_nights_runs_once(tmp_path, prefect):
    api, env = prefect
    inputs = three_inputs(tmp_path / "inputs")
    config = tmp_path / "broadsheet.toml"
    config.write_text(
        f'warehouse = "{tmp_path / "w"}"\n[[sources]]\nkind = "path"\npath = "{inputs[0].parent}"\n'
    )

    serving = serve(config, env, tmp_path)
    found = nightly_deployment(api, tmp_path / "w")
    stop(serving)
    nights = []
    for days_ago in (3, 2, 1):  # three nights the schedule fired while serve was down
        when = time.strftime("%Y-%m-%dT02:00:00Z", time.gmtime(time.time() - days_ago * 86400))
        late = {"type": "SCHEDULED", "state_details": {"scheduled_time": when}}
        nights.append(
            post(f"{api}/deployments/{found['id']}/create_flow_run", {"state": late})["id"]
        )  # type: ignore[index]
    serving = serve(config, env, tmp_path)
    try:
        newest = wait_for(lambda: finished(api, nights[-1]), 240, "the newest missed night")
    finally:
        stop(serving)
    assert newest["type"] == "COMPLETED"
    assert [state(api, run)["type"] for run in nights[:-1]] == ["CANCELLED", "CANCELLED"]
