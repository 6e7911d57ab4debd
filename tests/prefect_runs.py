"""Reading the Prefect test harness's task runs in tests.

The harness is shared by the whole session, so it holds every earlier test's runs (the Dask
tests alone add hundreds of chunk tasks): these helpers read the newest. Task runs reach the
server as events, recorded asynchronously, so a run that just finished may appear a moment
after the flow returns; :func:`wait_for_new_task_runs` waits for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import TaskRun
from prefect.client.schemas.sorting import TaskRunSort

__all__ = ["newest_task_runs", "stage_of", "wait_for_new_task_runs"]


def newest_task_runs(limit: int = 200) -> list[TaskRun]:
    """The ``limit`` task runs that started last, newest first."""

    async def read() -> list[TaskRun]:
        async with get_client() as client:
            return await client.read_task_runs(
                limit=limit, sort=TaskRunSort.EXPECTED_START_TIME_DESC
            )

    return asyncio.run(read())


def stage_of(run: TaskRun) -> str:
    """A stage task's name without the key suffix Prefect adds (``train-model-086``)."""
    return run.name.rsplit("-", 1)[0]


def wait_for_new_task_runs(
    before: Collection[object],
    wanted: Callable[[TaskRun], bool],
    count: int,
    timeout: float = 30.0,
) -> list[TaskRun]:
    """The task runs not in ``before`` (ids) that ``wanted`` selects, once ``count`` of them
    are recorded in a final state, or whatever is recorded when ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        runs = [r for r in newest_task_runs() if r.id not in before and wanted(r)]
        settled = [r for r in runs if r.state is not None and r.state.is_final()]
        if len(settled) >= count or time.monotonic() > deadline:
            return runs
        time.sleep(0.5)
