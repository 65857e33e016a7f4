"""The run queue woken when a run is queued (``slomix_pipeline/run_worker/prompt_queue.py``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import dagster as dg
import pytest
from dagster._daemon import controller
from dagster._daemon.daemon import SpanMarker
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import (
    QueuedRunCoordinatorDaemon,
)

from slomix_pipeline.run_worker import prompt_queue
from slomix_pipeline.run_worker.prompt_queue import (
    RUN_QUEUED,
    PromptQueuedRunCoordinator,
    PromptQueuedRunCoordinatorDaemon,
)

COORDINATOR = {
    "module": "slomix_pipeline.run_worker.prompt_queue",
    "class": "PromptQueuedRunCoordinator",
    "config": {"dequeue_interval_seconds": 30},
}


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(controller, "QueuedRunCoordinatorDaemon", QueuedRunCoordinatorDaemon)
    prompt_queue.install()
    yield


def test_the_daemon_process_runs_the_woken_queue_with_the_instance_settings(
    installed: None,
) -> None:
    with dg.instance_for_test(overrides={"run_coordinator": COORDINATOR}) as instance:
        assert isinstance(instance.run_coordinator, PromptQueuedRunCoordinator)
        assert "QUEUED_RUN_COORDINATOR" in instance.get_required_daemon_types()
        daemon = controller.create_daemon_of_type(
            QueuedRunCoordinatorDaemon.daemon_type(), instance
        )
        assert isinstance(daemon, PromptQueuedRunCoordinatorDaemon)
        assert daemon.interval_seconds == 30
        # the queue's own limits come from the instance exactly as for Dagster's coordinator
        assert instance.run_coordinator.get_run_queue_config().max_concurrent_runs is not None


class _CountingQueue(PromptQueuedRunCoordinatorDaemon):
    """The real loop around a pass that only counts (no workspace needed)."""

    passes = 0

    def run_iteration(self, workspace_process_context: object):  # type: ignore[no-untyped-def, override]
        self.passes += 1
        yield None


def test_a_queued_run_ends_the_pause_before_the_interval() -> None:
    queue = _CountingQueue(interval_seconds=30)
    loop = queue.core_loop(None, threading.Event())
    assert next(loop) is SpanMarker.START_SPAN
    while next(loop) is not SpanMarker.END_SPAN:
        pass
    assert queue.passes == 1
    started = time.monotonic()
    RUN_QUEUED.set()  # what PromptQueuedRunCoordinator.submit_run does after queueing
    for _ in range(5):
        if next(loop) is SpanMarker.START_SPAN:
            break
    else:
        pytest.fail("no new pass after a run was queued")
    assert time.monotonic() - started < 5  # not the 30 s interval
    assert not RUN_QUEUED.is_set()  # cleared for the next pause
    assert next(loop) is None and queue.passes == 2


def test_install_refuses_a_changed_dagster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(controller, "QueuedRunCoordinatorDaemon", object)
    with pytest.raises(RuntimeError, match="can no longer be woken"):
        prompt_queue.install()
