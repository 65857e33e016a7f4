"""``WarmRunLauncher``: Dagster's run launcher for live latency, configured in ``dagster.yaml``.

Why: with Dagster's ``DefaultRunLauncher`` every run starts as a new spawned process that
imports Dagster and builds the code location before its first event (5.6 s of the 10 s live
latency measured on the shared 2-core box). This launcher forks the run worker from a zygote
that has done that once (``zygote.py``): the child executes the run as
``dagster api execute_run`` does, on the same instance, writing the same events.

Configuration (``run_launcher`` in ``dagster.yaml``)::

    run_launcher:
      module: slomix_pipeline.run_worker.launcher
      class: WarmRunLauncher
      config:
        preload:   # module[:attribute] to load before forking
          - slomix_pipeline.definitions:defs
          - slomix_pipeline.run_worker.lazy_libraries   # pandas, pyarrow.csv

The stock launcher stays one line away (``module: dagster, class: DefaultRunLauncher``), and this
one falls back to it, run by run, whenever the warm path cannot be used: the zygote is still
loading or was replaced (crashed, hung, code changed on disk), the run
has no Python origin, or the run's Python environment is not the daemon's. Each fallback is
logged on the run ("Warm run worker not used: ...").

Guarantees kept: a run is launched by the queue (concurrency limits untouched); its worker pid
(and start time, against pid reuse) is a run tag, so run monitoring can tell a dead worker from
a live one (:meth:`check_run_worker_health`, which the default launcher lacks) and
:meth:`terminate` interrupts the worker the way Dagster's cancellation does (SIGINT, the run
ends CANCELED). Runs launched the default way are terminated and judged the default way.
The worker runs on the daemon's host with the daemon's environment: use it where the daemon,
the code and the runs share one machine (the documented single-VM stack).
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping, Sequence
from typing import Any, Self

from dagster import Array, Field, Noneable, StringSource
from dagster._core.launcher import CheckRunHealthResult, LaunchRunContext, WorkerStatus
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher
from dagster._core.storage.dagster_run import DagsterRun
from dagster._serdes import ConfigurableClassData, serialize_value

from slomix_pipeline.run_worker.client import (
    WarmWorkers,
    ZygoteUnavailable,
    warm_workers,
    worker_alive,
)

PID_TAG = "slomix/run_worker_pid"
"""The pid of a run worker forked by the zygote."""
START_TAG = "slomix/run_worker_start"
"""That worker's start time in clock ticks (``/proc/<pid>/stat``): a reused pid is not it."""
DEFAULT_PRELOAD = (
    "slomix_pipeline.definitions:defs",
    "slomix_pipeline.run_worker.lazy_libraries",  # pandas and pyarrow.csv, used by most live runs
)


class WarmRunLauncher(DefaultRunLauncher):
    """Forks run workers from a pre-warmed zygote; falls back to ``DefaultRunLauncher``."""

    def __init__(
        self,
        inst_data: ConfigurableClassData | None = None,
        preload: Sequence[str] = DEFAULT_PRELOAD,
        working_directory: str | None = None,
    ) -> None:
        super().__init__(inst_data=inst_data)
        self.preload = tuple(preload)
        self.working_directory = working_directory
        # shared by every launcher object of this process; started by the first launch, or
        # before it by the daemon entry point (slomix_pipeline.daemon.prewarm_run_workers): a
        # webserver or CLI that only creates the instance never starts a zygote
        self.workers: WarmWorkers = warm_workers(self.preload, working_directory)

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {
            "preload": Field(
                Array(StringSource),
                is_required=False,
                default_value=list(DEFAULT_PRELOAD),
                description="module[:attribute] entries the zygote loads before forking",
            ),
            "working_directory": Field(
                Noneable(StringSource),
                is_required=False,
                default_value=None,
                description="added to sys.path and used as the zygote's folder (default: the "
                "daemon's)",
            ),
        }

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Mapping[str, Any]
    ) -> Self:
        return cls(
            inst_data=inst_data,
            preload=config_value.get("preload") or DEFAULT_PRELOAD,
            working_directory=config_value.get("working_directory"),
        )

    # -- launching ---------------------------------------------------------------------------

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        try:
            pid, start = self._launch_warm(context)
        except ZygoteUnavailable as why:
            self._instance.report_engine_event(
                f"Warm run worker not used ({why}); starting the run the default way.",
                run,
                cls=self.__class__,
            )
            super().launch_run(context)
            return
        tags = {PID_TAG: str(pid)}
        if start is not None:
            tags[START_TAG] = str(start)
        self._instance.add_run_tags(run.run_id, tags)
        self._run_ids.add(run.run_id)

    def _launch_warm(self, context: LaunchRunContext) -> tuple[int, int | None]:
        from dagster._grpc.types import ExecuteRunArgs

        run = context.dagster_run
        origin = run.job_code_origin
        if origin is None:
            raise ZygoteUnavailable("the run has no Python origin")
        args = ExecuteRunArgs(
            job_origin=origin, run_id=run.run_id, instance_ref=self._instance.get_ref()
        )
        launched = self.workers.launch(
            run.run_id,
            serialize_value(args),
            os.path.dirname(origin.executable_path),
        )
        return launched.pid, launched.start_ticks

    # -- the worker of a run -----------------------------------------------------------------

    @staticmethod
    def worker_of(run: DagsterRun) -> tuple[int, int | None] | None:
        """(pid, start ticks) of the run's zygote-forked worker; None if launched otherwise."""
        pid = run.tags.get(PID_TAG)
        if not pid:
            return None
        start = run.tags.get(START_TAG)
        return int(pid), int(start) if start else None

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id) if self.has_instance else None
        if run is None or run.is_finished:
            return False
        worker = self.worker_of(run)
        if worker is None:
            return super().terminate(run_id)
        pid, start = worker
        self._instance.report_run_canceling(run)
        if not worker_alive(pid, start):
            self._instance.report_engine_event(
                f"Run worker process {pid} is not running: nothing to interrupt.",
                run,
                cls=self.__class__,
            )
            return False
        # what Dagster's own cancellation does in a run worker: an interrupt, turned into
        # DagsterExecutionInterruptedError at the next step boundary; the run ends CANCELED
        os.kill(pid, signal.SIGINT)
        return True

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        worker = self.worker_of(run)
        if worker is None:  # started the default way: no pid to judge, as with that launcher
            return CheckRunHealthResult(WorkerStatus.RUNNING, "not a warm worker: not judged")
        pid, start = worker
        if worker_alive(pid, start):
            return CheckRunHealthResult(WorkerStatus.RUNNING, run_worker_id=str(pid))
        return CheckRunHealthResult(
            WorkerStatus.FAILED,
            f"warm run worker process {pid} exited before its run ended (killed?)",
            run_worker_id=str(pid),
        )

    def get_run_worker_debug_info(
        self, run: DagsterRun, include_container_logs: bool | None = True
    ) -> str | None:
        worker = self.worker_of(run)
        return None if worker is None else f"warm run worker pid {worker[0]}"
