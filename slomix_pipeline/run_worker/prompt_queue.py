"""A run queue that is looked at as soon as a run is queued, not on its next 1 s poll.

Why: Dagster's queue daemon dequeues on a fixed interval (``dequeue_interval_seconds``, an
integer, so 1 s at best) and sleeps between passes in 0.5 s steps; a run created by the landing
sensor waited on average ~0.5-0.75 s in the queue before its launch (issue 13, live latency).
Both the sensor daemon, which queues the runs, and the queue daemon are threads of one
``dagster-daemon`` process, so the queue can simply be woken:

* :class:`PromptQueuedRunCoordinator` is Dagster's ``QueuedRunCoordinator`` (same configuration,
  same queue) that sets :data:`RUN_QUEUED` after queueing a run;
* :class:`PromptQueuedRunCoordinatorDaemon` is Dagster's queue daemon whose pause between passes
  ends early when :data:`RUN_QUEUED` is set. Each pass is Dagster's own: the run limits, the
  ``dagster/partition`` tag limit and the pool checks decide exactly as before; only the pass
  comes sooner.

:func:`install` puts the daemon in place (``slomix_pipeline.daemon`` calls it before starting
``dagster-daemon``); it refuses to start when the Dagster internals it replaces are gone.
Without it (the stock ``dagster-daemon``), or when the webserver queues a run (another process),
the queue is polled every ``dequeue_interval_seconds`` as before.
"""

from __future__ import annotations

import random
import sys
import threading
import time
from typing import Any

from dagster._core.run_coordinator import QueuedRunCoordinator, SubmitRunContext
from dagster._core.storage.dagster_run import DagsterRun
from dagster._daemon.daemon import DaemonIterator, SpanMarker
from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import (
    QueuedRunCoordinatorDaemon,
)
from dagster._utils.error import serializable_error_info_from_exc_info

RUN_QUEUED = threading.Event()
"""Set by :class:`PromptQueuedRunCoordinator` when it queued a run in this process."""
LOOP_ATTRIBUTES = ("interval_seconds", "interval_jitter_seconds", "startup_jitter_seconds")
"""What the loop below reads from Dagster's ``IntervalDaemon`` (checked by :func:`install`)."""
PAUSE_STEP_SECONDS = 0.5
"""How often the pause checks for shutdown, as Dagster's own loop does."""


class PromptQueuedRunCoordinator(QueuedRunCoordinator):
    """``QueuedRunCoordinator`` that wakes this process's queue daemon after queueing a run."""

    def submit_run(self, context: SubmitRunContext) -> DagsterRun:
        run = super().submit_run(context)
        RUN_QUEUED.set()
        return run


class PromptQueuedRunCoordinatorDaemon(QueuedRunCoordinatorDaemon):
    """Dagster's queue daemon; its pause between passes ends when a run was queued."""

    def core_loop(
        self, workspace_process_context: Any, shutdown_event: threading.Event
    ) -> DaemonIterator:
        if self.startup_jitter_seconds:
            time.sleep(random.uniform(0, self.startup_jitter_seconds))
        while True:
            interval = self.interval_seconds + random.uniform(0, self.interval_jitter_seconds)
            start_time = time.time()
            RUN_QUEUED.clear()  # before the pass: a run queued during it wakes the next one
            yield SpanMarker.START_SPAN
            try:
                yield from self.run_iteration(workspace_process_context)
            except Exception:
                error_info = serializable_error_info_from_exc_info(sys.exc_info())
                self._logger.error("Caught error:\n%s", error_info)
                yield error_info
            yield SpanMarker.END_SPAN
            while time.time() - start_time < interval and not shutdown_event.is_set():
                left = interval - (time.time() - start_time)
                if RUN_QUEUED.wait(max(0.0, min(PAUSE_STEP_SECONDS, left))):
                    break
                yield None
            yield None


def install() -> None:
    """Make ``dagster-daemon`` in this process create :class:`PromptQueuedRunCoordinatorDaemon`.

    Raises RuntimeError when the controller no longer creates the queue daemon through the
    name replaced here, or the daemon's loop changed shape (a Dagster upgrade).
    """
    from dagster._daemon import controller

    current = getattr(controller, "QueuedRunCoordinatorDaemon", None)
    if current is PromptQueuedRunCoordinatorDaemon:
        return
    from dagster._daemon.daemon import IntervalDaemon

    stored = IntervalDaemon.__init__.__code__.co_names
    missing = [name for name in LOOP_ATTRIBUTES if name not in stored]
    if current is not QueuedRunCoordinatorDaemon or missing:
        raise RuntimeError(
            "dagster._daemon's queue daemon changed in this Dagster version "
            f"(missing: {missing or 'controller.QueuedRunCoordinatorDaemon'}): the run queue "
            "can no longer be woken; run dagster-daemon directly"
        )
    controller.QueuedRunCoordinatorDaemon = PromptQueuedRunCoordinatorDaemon  # type: ignore[misc]
