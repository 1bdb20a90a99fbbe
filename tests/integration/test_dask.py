"""The pipeline on a Dask cluster: a scheduler and two workers on 127.0.0.1, each a process of
its own, give the same archive as a local run."""

import gzip
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.conftest import FIXTURES
from tests.flows.test_archive import run, sql
from tests.integration.conftest import BIN, free_port, stop, wait_for
from tests.integration.test_nightly import finished, nightly_deployment, post, serve

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("prefect_server")]


@contextmanager
def dask_cluster(prefect_api: str) -> Iterator[str]:
    """A Dask scheduler and two workers on 127.0.0.1, each a process of its own, reporting to
    the Prefect API at `prefect_api`; yields the scheduler's address. Stopped by PID."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        # Workers report task states to the flow's own Prefect API, and may start processes.
        "PREFECT_API_URL": prefect_api,
        "DASK_DISTRIBUTED__WORKER__DAEMON": "False",
    }
    quiet = {"env": env, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"]
    worker = ["worker", address, "--nworkers", "1", "--nthreads", "1", "--no-dashboard"]
    processes = [
        subprocess.Popen([str(BIN / "dask"), *command], start_new_session=True, **quiet)
        for command in (scheduler, worker, worker)
    ]
    try:
        from distributed import Client

        def two_workers() -> bool:
            try:
                with Client(address, timeout=5) as client:
                    return len(client.scheduler_info()["workers"]) == 2
            except OSError:
                return False

        wait_for(two_workers, 90, "two Dask workers")
        yield address
    finally:
        for process in reversed(processes):
            stop(process)


@pytest.fixture
def cluster():
    from prefect.settings import PREFECT_API_URL

    with dask_cluster(str(PREFECT_API_URL.value())) as address:
        yield address


def test_a_dask_cluster_builds_the_same_archive_as_a_local_run(tmp_path, cluster):
    # Two nights: the second meets the first's articles through the archive's LSH index, whose
    # join runs on the cluster when the run is given one.
    first, second = tmp_path / "first", tmp_path / "second"
    shutil.copytree(FIXTURES / "sample", first)
    second.mkdir()
    page = next((FIXTURES / "html").glob("*.html.gz"))
    html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
    for night, copy in ((first, 0), (second, 1)):
        line = json.dumps({"url": f"https://copy{copy}.example/story", "html": html})
        (night / "copies.jsonl").write_text(line + "\n")

    # Under the default page limit: it counts each page's CPU time, so the cluster's workers
    # loading the machine beside the pool's do not turn a page into a `timeout` row in one
    # archive and an article in the other (tasks/pool.py).
    for night in (first, second):
        run(str(night), "-w", str(tmp_path / "local"))
        run(str(night), "-w", str(tmp_path / "dask"), "--dask-address", cluster)
    for query in (
        "SELECT article_id, url, title, body FROM articles ORDER BY article_id",
        "SELECT page_id, status, reason, article_id, similarity FROM pages ORDER BY page_id",
        "SELECT page_id, position, status, reason FROM paragraphs ORDER BY page_id, position",
        "SELECT * EXCLUDE (run_id) FROM duplicates ORDER BY page_id",
    ):
        assert sql(tmp_path / "dask", query) == sql(tmp_path / "local", query)
    assert len(sql(tmp_path / "dask", "SELECT 1 FROM duplicates")) >= 1
    # The shard tasks went through the cluster's scheduler, not this process's threads, and so
    # did the second night's join of its band keys against the index (a dask dataframe merge).
    seen = task_prefixes_seen_by(cluster)
    assert "extract_shard" in seen
    assert any("merge" in name for name in seen), seen
    assert any("shuffle" in name for name in seen), seen


def task_prefixes_seen_by(address: str) -> set[str]:
    """The names of the kinds of task the cluster's scheduler has been given."""
    from distributed import Client

    with Client(address, timeout=10) as client:
        return set(
            client.run_on_scheduler(lambda dask_scheduler: list(dask_scheduler.task_prefixes))
        )


def test_the_nightly_deployment_sends_its_shards_to_the_cluster(tmp_path, prefect):
    api, env = prefect
    inputs = tmp_path / "inputs"
    shutil.copytree(FIXTURES / "sample", inputs)
    warehouse = tmp_path / "w"
    with dask_cluster(api) as address:
        config = tmp_path / "broadsheet.toml"
        config.write_text(
            f'warehouse = "{warehouse}"\n[run]\ndask_address = "{address}"\n'
            f'[[sources]]\nkind = "path"\npath = "{inputs}"\n'
        )
        serving = serve(config, env, tmp_path)
        try:
            deployment = nightly_deployment(api, warehouse)
            created = post(f"{api}/deployments/{deployment['id']}/create_flow_run", {})
            flow_run = created["id"]  # type: ignore[index]
            done = wait_for(lambda: finished(api, flow_run), 240, "the nightly run")
            assert done["type"] == "COMPLETED", done
        finally:
            stop(serving)
        assert "extract_shard" in task_prefixes_seen_by(address)
    run(str(inputs), "-w", str(tmp_path / "local"))
    query = "SELECT article_id, url, title, body FROM articles ORDER BY article_id"
    assert sql(warehouse, query) == sql(tmp_path / "local", query)
