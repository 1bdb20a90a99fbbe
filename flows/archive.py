"""The archive flow: inputs in, a clean archive out. Reads like its table of contents."""

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.task_runners import ThreadPoolTaskRunner

from schemas import RUNS
from tasks import forkserver, io, pool, progress
from tasks.compact import compact_archive, recover, release_shards
from tasks.config import DedupConfig, ExtractConfig, FetchConfig, RunConfig, SourceConfig
from tasks.fetching import fetch_sources
from tasks.layout import Layout
from tasks.pages import extract_shard
from tasks.publish import ensure_tables, is_published, publish_run
from tasks.shards import Shard, plan_shards
from warehouse.build import build_views
from warehouse.report import run_report


def shard_runner(run: RunConfig) -> Any:
    """Where shard tasks run: on the Dask cluster at `run.dask_address` (prefect-dask's
    DaskTaskRunner), else `run.concurrent_shards` at a time in threads of this process (a
    shard task mostly waits on the extraction processes; two keep them fed).

    Chosen when the flow runs, from its parameters, rather than fixed on the flow: a deployment
    (`broadsheet serve`) loads the flow from its module, so a task runner set on a copy of the
    flow would not reach scheduled runs.
    """
    if not run.dask_address:
        return ThreadPoolTaskRunner(max_workers=run.concurrent_shards)
    from prefect_dask import DaskTaskRunner

    return DaskTaskRunner(address=run.dask_address)


class ShardFailed(RuntimeError):
    """One or more shards failed for a cause outside their data; the rest were archived."""


def _add(totals: dict[str, int], counts: dict[str, int]) -> None:
    for key, value in counts.items():
        totals[key] = totals.get(key, 0) + value


def _run_row(
    run_id: str,
    started: datetime,
    inputs: list[str],
    totals: dict[str, int],
    status: str,
    shards: int,
    seconds: dict[str, float],
) -> pa.Table:
    skipped = sum(v for k, v in totals.items() if k.startswith("skipped_"))
    row = {
        "run_id": run_id,
        "started_at": started,
        "finished_at": datetime.now(UTC),
        "status": status,
        "inputs": inputs,
        "shards": shards,
        "shards_skipped": totals.get("shards_skipped", 0),
        "pages_read": totals.get("read", 0),
        "pages_known": totals.get("known", 0),
        "records_skipped": skipped,
        "articles_added": totals.get("article", 0) - totals.get("duplicates", 0),
        "duplicates": totals.get("duplicates", 0),
        "exact_duplicates": totals.get("exact_duplicates", 0),
        "near_duplicates": totals.get("near_duplicates", 0),
        "contained_copies": totals.get("contained_copies", 0),
        "boilerplate_paragraphs": totals.get("boilerplate_paragraphs", 0),
        "articles_recleaned": totals.get("articles_recleaned", 0),
        "reused_paragraphs": totals.get("reused_paragraphs", 0),
        "error_pages": totals.get("error_page", 0),
        "not_articles": totals.get("not_article", 0),
        "failed": totals.get("failed", 0),
        "pages_fetched": totals.get("fetched", 0),
        "fetch_failed": totals.get("fetch_failed", 0),
        "fetch_seconds": seconds.get("fetch", 0.0),
        "extract_seconds": seconds.get("extract", 0.0),
        "publish_seconds": seconds.get("publish", 0.0),
        "seconds": seconds["run"],
    }
    return pa.Table.from_pylist([row], schema=RUNS)


def publish_report(layout: Layout, run_id: str, failures: list[str]) -> None:
    """Send the run's report to Prefect as an artifact. The data is published by then, so a
    report that cannot be built or sent is logged and the run goes on."""
    try:
        report = run_report(layout.database, run_id)
        if failures:
            report += "\n\n## Failed shards\n\n" + "\n".join(f"- {f}" for f in failures)
        create_markdown_artifact(
            markdown=report, key="broadsheet-run-report", description=f"Broadsheet run {run_id}"
        )
    except Exception as error:  # the archive is complete; only the report is lost
        get_run_logger().warning("the run report could not be sent to Prefect: %s", error)


def pending_shards(layout: Layout, shards: list[Shard]) -> list[Shard]:
    """The shards not archived yet."""
    return [s for s in shards if not is_published(layout, s.key)]


@flow(name="broadsheet-archive")
def archive(
    inputs: list[str],
    warehouse: str,
    extract: ExtractConfig,
    run: RunConfig,
    dedup: DedupConfig | None = None,
    sources: list[SourceConfig] | None = None,
    fetch: FetchConfig | None = None,
    reprocess: bool = False,
) -> dict[str, Any]:
    """Fetch `sources` into the raw zone, then load, extract, clean, deduplicate and publish
    them and `inputs` into the `warehouse` folder. With `reprocess`, shards archived before
    are extracted again and their rows replaced (after an upgrade of the extraction)."""
    logger = get_run_logger()
    dedup = dedup or DedupConfig()
    started, clock = datetime.now(UTC), time.monotonic()
    run_id = str(flow_run.id or "local")
    layout = Layout(Path(warehouse))
    if not run.dask_address:
        forkserver.start()  # the workers' imports overlap what comes before extraction
    ensure_tables(layout)
    if interrupted := recover(layout):
        logger.warning(interrupted)

    fetched: dict[str, Any] = {"inputs": []}
    web = [s for s in sources or [] if s.kind != "path"]
    stage = time.monotonic()
    if web:
        progress.stage("fetching")
        fetched = fetch_sources(web, fetch or FetchConfig(), warehouse, run_id)
    seconds = {"fetch": time.monotonic() - stage}
    local = [s.path for s in sources or [] if s.kind == "path" and s.path]
    files, skipped_files = io.discover_inputs([*inputs, *local, *fetched["inputs"]])
    shards = plan_shards(files, run.pages_per_shard)
    todo = shards if reprocess else pending_shards(layout, shards)
    totals = {"shards_skipped": len(shards) - len(todo)}
    for name, reason in skipped_files:
        totals[f"skipped_{reason}"] = totals.get(f"skipped_{reason}", 0) + 1
        logger.info("skipped %s: %s", name, reason)
    totals |= {k: v for k, v in fetched.items() if k != "inputs"}
    logger.info("%d input files in %d shards, %d to do", len(files), len(shards), len(todo))

    if reprocess and todo:
        release_shards(warehouse, todo)
    stage = time.monotonic()
    progress.stage("extracting")
    shard_task = extract_shard.with_options(retries=run.task_retries)
    done, failures = [], []
    with shard_runner(run) as runner:
        futures = [
            runner.submit(
                shard_task,
                {
                    "shard": shard,
                    "warehouse": warehouse,
                    "run_id": run_id,
                    "extract_config": extract,
                    "run_config": run,
                    "dedup_config": dedup,
                },
            )
            for shard in todo
        ]
        for shard, future in zip(todo, futures, strict=True):
            try:
                _add(totals, future.result())
                done.append(shard.key)
            except Exception as error:
                where = io.printable_path(shard.files[0].path)
                failures.append(f"{shard.label} ({where}): {io.printable_path(str(error))}")
    pool.shutdown()
    seconds["extract"] = time.monotonic() - stage

    stage = time.monotonic()
    progress.stage("deduplicating and publishing")
    _add(totals, publish_run(warehouse, run_id, done, dedup, run.dask_address))
    if run.compact:
        totals["files_compacted"] = compact_archive(warehouse, dedup)["files_before"]
    seconds["publish"] = time.monotonic() - stage
    status = "failed" if failures else "completed"
    seconds["run"] = time.monotonic() - clock
    io.write_parquet(
        _run_row(run_id, started, inputs, totals, status, len(shards), seconds),
        RUNS,
        layout.run_file(run_id),
    )
    build_views(layout.database, layout.root / "tables")
    io.prune_files(layout.results, run.keep_results_days)
    publish_report(layout, run_id, failures)
    if failures:
        raise ShardFailed("shard failed: " + "; ".join(failures))
    return {"run_id": run_id, **totals}
