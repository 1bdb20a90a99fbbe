"""The pipeline on a Dask cluster: a scheduler and two workers on 127.0.0.1, each a process of
its own, give the same archive as a local run."""

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES
from tests.flows.test_archive import run, sql
from tests.integration.test_nightly import free_port, stop, wait_for

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("prefect_server")]
BIN = Path(sys.executable).parent


@pytest.fixture
def cluster(tmp_path):
    from prefect.settings import PREFECT_API_URL

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {
        **os.environ,
        # Workers report task states to the flow's own Prefect API, and may start processes.
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
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


def test_a_dask_cluster_builds_the_same_archive_as_a_local_run(tmp_path, cluster):
    inputs = tmp_path / "inputs"
    shutil.copytree(FIXTURES / "sample", inputs)
    page = next((FIXTURES / "html").glob("*.html.gz"))
    html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
    copies = [{"url": f"https://copy{i}.example/story", "html": html} for i in range(2)]
    (inputs / "copies.jsonl").write_text("\n".join(json.dumps(c) for c in copies) + "\n")

    run(str(inputs), "-w", str(tmp_path / "local"))
    run(str(inputs), "-w", str(tmp_path / "dask"), "--dask-address", cluster)
    for query in (
        "SELECT article_id, url, title, body FROM articles ORDER BY article_id",
        "SELECT page_id, status, reason, article_id, similarity FROM pages ORDER BY page_id",
        "SELECT page_id, position, status, reason FROM paragraphs ORDER BY page_id, position",
    ):
        assert sql(tmp_path / "dask", query) == sql(tmp_path / "local", query)
    assert len(sql(tmp_path / "dask", "SELECT 1 FROM duplicates")) >= 1
