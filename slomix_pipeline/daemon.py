"""``dagster-daemon`` with a shorter sensor loop: the entry point for live deployments.

Why: Dagster's daemon evaluates sensors in a loop that sleeps until 5 s have passed since the
loop started (``dagster._daemon.sensor.MIN_INTERVAL_LOOP_TIME``, a module constant with no
instance setting), so a sensor's ``minimum_interval_seconds`` below 5 s has no effect and a
landed file waits 0-5 s before any sensor sees it: the largest share of live latency. This
launcher sets that constant from ``SLOMIX_DAEMON_SENSOR_LOOP_SECONDS`` (default 0.5 s) and then
runs Dagster's own daemon CLI unchanged, so every argument of ``dagster-daemon`` works as
documented. The constant only paces the loop: each sensor still ticks no more often than its
own minimum interval (``SLOMIX_SENSOR_INTERVAL_SECONDS``), so cursors, run keys and the
one-run-per-file-set promise are those of the sensor itself.

    python -m slomix_pipeline.daemon run -w docs/deploy/workspace.grpc.yaml

The constant is private to Dagster: :func:`apply_sensor_loop` refuses to start when it is missing
or not a number (a Dagster upgrade renamed it), rather than silently falling back to 5 s.

It also replaces Dagster's queue daemon with one whose pause ends when a run is queued
(``slomix_pipeline/run_worker/prompt_queue.py``): with the instance's run coordinator set to
``PromptQueuedRunCoordinator``, a run the landing sensor creates is dequeued at once instead of
on the queue's next poll (every ``dequeue_interval_seconds``); the pass itself, and with it every
run and pool limit, is Dagster's.

When the instance's run launcher is ``WarmRunLauncher`` (``slomix_pipeline/run_worker``), this
entry point also starts its zygote before the daemon's threads exist (:func:`prewarm_run_workers`),
so the first run of the day is already warm; under the stock ``dagster-daemon`` the zygote
starts with the first launch and that run takes the default path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from slomix_pipeline.settings_model import read_env

LOOP_CONSTANT = "MIN_INTERVAL_LOOP_TIME"
EVENT_BATCH_SIZE = "1000"
"""``DAGSTER_EVENT_BATCH_SIZE`` for the daemon process, as ``slomix_pipeline.definitions`` sets it
for the processes that load the code (the daemon never does). The daemon creates the sensors'
runs, and with it a run's 20-odd "planned" materialization and check events go to a PostgreSQL
instance in one INSERT instead of one each, before the run is queued. An operator's value wins."""


def apply_sensor_loop(seconds: float) -> float:
    """Set the daemon's sensor loop period; returns the previous value.

    Raises RuntimeError when the installed Dagster has no such constant (checked on every start,
    and by a test on every dependency upgrade).
    """
    from dagster._daemon import sensor as sensor_daemon

    previous = getattr(sensor_daemon, LOOP_CONSTANT, None)
    if not isinstance(previous, int | float):
        raise RuntimeError(
            f"dagster._daemon.sensor.{LOOP_CONSTANT} is gone from this Dagster version: the "
            "sensor loop can no longer be shortened; run dagster-daemon directly (5 s loop)"
        )
    setattr(sensor_daemon, LOOP_CONSTANT, seconds)
    return float(previous)


def prewarm_run_workers(dagster_home: str | None) -> bool:
    """Start the warm run worker now if ``dagster_home``'s instance uses ``WarmRunLauncher``.

    Only reads the instance file (no storage is opened); returns whether a zygote was started.
    Any problem is left to the daemon, which reports configuration errors itself.
    """
    if not dagster_home or not Path(dagster_home, "dagster.yaml").is_file():
        return False
    from dagster._core.instance.ref import InstanceRef

    from slomix_pipeline.run_worker.launcher import WarmRunLauncher

    try:
        launcher = InstanceRef.from_dir(dagster_home).run_launcher
    except Exception:  # the daemon reports a broken instance file with its own message
        return False
    if not isinstance(launcher, WarmRunLauncher):
        return False
    launcher.workers.ensure_started()  # the daemon's own launcher object shares this zygote
    return True


def main(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> int:
    """Apply the configured loop period, warm the run worker, hand over to ``dagster-daemon``."""
    apply_sensor_loop(read_env(env).daemon_sensor_loop_seconds)
    from slomix_pipeline.run_worker.prompt_queue import install as install_prompt_queue

    install_prompt_queue()  # a queued run is dequeued at once (PromptQueuedRunCoordinator)
    os.environ.setdefault("DAGSTER_EVENT_BATCH_SIZE", EVENT_BATCH_SIZE)
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["run"]:  # not for ``--help``, ``liveness-check`` and the like
        prewarm_run_workers(os.environ.get("DAGSTER_HOME"))
    from dagster._daemon.cli import main as dagster_daemon_main

    sys.argv = ["dagster-daemon", *args]
    result = dagster_daemon_main()  # a click command: exits by itself
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
