"""The nightly deployment: `broadsheet serve` registers the archive flow with its schedule and
runs what the schedule, the UI's Run and Retry buttons, and the API ask for.

A restart after missed nights runs the archive once: the late runs of the schedule but the
newest are cancelled before serving. Stopping `serve` leaves the schedule active.
"""

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from prefect import serve
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    DeploymentFilter,
    DeploymentFilterId,
    FlowRunFilter,
    FlowRunFilterExpectedStartTime,
    FlowRunFilterState,
    FlowRunFilterStateType,
)
from prefect.client.schemas.objects import StateType
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron
from prefect.states import Cancelled

from flows.archive import archive
from flows.settings import Settings

RUNS_AT_ONCE = 1  # nights must not overlap: each reads what the one before published


def local_timezone() -> str:
    """The machine's IANA time zone: $TZ, else /etc/localtime's target, else UTC."""
    if os.environ.get("TZ", "").strip(":"):
        return os.environ["TZ"].strip(":")
    try:
        target = str(Path("/etc/localtime").resolve())
    except OSError:
        return "UTC"
    return target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else "UTC"


def parameters(settings: Settings) -> dict[str, Any]:
    """The flow's parameters for every run of the deployment, from the settings."""
    return {
        "inputs": [],
        "warehouse": str(settings.warehouse.resolve()),
        "extract": settings.extract.model_dump(),
        "run": settings.run.model_dump(),
        "dedup": settings.dedup.model_dump(),
        "sources": [s.model_dump() for s in settings.sources],
        "fetch": settings.fetch.model_dump(),
    }


def cancel_missed_nights(deployment_id: Any, now: datetime) -> int:
    """Cancel the deployment's overdue scheduled runs but the newest; return how many."""
    with get_client(sync_client=True) as client:
        late = client.read_flow_runs(
            deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment_id])),
            flow_run_filter=FlowRunFilter(
                state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.SCHEDULED])),
                expected_start_time=FlowRunFilterExpectedStartTime(before_=now),
            ),
        )
        late.sort(key=lambda r: r.expected_start_time or now)
        for run in late[:-1]:
            message = "skipped: a later run of the nightly schedule covers this night"
            client.set_flow_run_state(run.id, Cancelled(message=message), force=True)
        return max(len(late) - 1, 0)


def serve_nightly(settings: Settings) -> None:
    """Register the nightly deployment and serve it until interrupted."""
    schedule = settings.schedule
    # Called from synchronous code, to_deployment returns the deployment itself.
    deployment = archive.to_deployment(
        name=schedule.deployment,
        schedules=[Cron(schedule.cron, timezone=schedule.timezone or local_timezone())],
        parameters=parameters(settings),
        description="Fetch, extract, deduplicate and publish the night's pages.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    ready = cast(RunnerDeployment, deployment)
    cancel_missed_nights(ready.apply(), datetime.now(UTC))
    serve(ready, pause_on_shutdown=False, limit=RUNS_AT_ONCE)
