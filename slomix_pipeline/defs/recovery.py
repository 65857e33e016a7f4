"""Recovery after a killed run: a run whose worker died must not hold the ``warehouse`` pool.

A run worker killed by ``kill -9`` or the OOM killer never reports its end: Dagster keeps the
run STARTED and its claimed concurrency slot for ever, and since the ``warehouse`` pool has one
slot (SQLite has one writer) every later run waits on it without a message. Dagster's run
monitoring cannot see it with the default run launcher (which has no worker health check), and
``free_slots_after_run_end_seconds`` only frees slots of runs that *ended*.

So this module finds such runs by the process id Dagster records on every run event, checks
that the process is gone, marks the run failed with a message that says so, and frees its slots.
It runs before every ``slomix-pipeline materialize`` and as the ``abandoned_runs_sensor`` every
30 s in the daemon. It assumes run workers live on the host that checks (the documented
single-host deployment); set ``SLOMIX_REAP_ABANDONED_RUNS=0`` where run workers run elsewhere.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import dagster as dg
from dagster._core.storage.dagster_run import FINISHED_STATUSES, DagsterRunStatus, RunsFilter

from slomix_pipeline.defs.sensors.settings import default_sensor_status

# STARTING runs are left to run monitoring's start timeout: their worker may still be coming up.
_LIVE_STATUSES = [DagsterRunStatus.STARTED, DagsterRunStatus.CANCELING]


@dataclass(frozen=True, slots=True)
class ReapedRun:
    """A run whose slots were freed; ``pid`` is its dead worker (None: the run had ended)."""

    run_id: str
    pid: int | None


def reaping_enabled() -> bool:
    """``SLOMIX_REAP_ABANDONED_RUNS`` (default on); off where run workers run on other hosts."""
    from slomix_pipeline.settings_model import read_env

    return read_env().reap_abandoned_runs


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    return True


def _worker_pid(instance: dg.DagsterInstance, run_id: str) -> int | None:
    """The pid of the run's worker: the process that wrote the run's RUN_START event.

    With the in-process executor every step runs in that process, so while it lives the run
    lives; without a RUN_START (not started yet) there is nothing to judge.
    """
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_START, ascending=False, limit=1
    ).records
    for record in records:
        event = record.event_log_entry.dagster_event
        if event is not None and event.pid is not None:
            return event.pid
    return None


def reap_abandoned_runs(instance: dg.DagsterInstance) -> list[ReapedRun]:
    """Fail runs whose worker process is gone and free every slot held by a finished run."""
    if not reaping_enabled():
        return []
    reaped: list[ReapedRun] = []
    storage = instance.event_log_storage
    for record in instance.get_run_records(RunsFilter(statuses=_LIVE_STATUSES)):
        run = record.dagster_run
        pid = _worker_pid(instance, run.run_id)
        if pid is None or _process_alive(pid):
            continue
        instance.report_run_failed(
            run, f"run worker process {pid} is gone (killed?): marked failed to free its slots"
        )
        storage.free_concurrency_slots_for_run(run.run_id)
        reaped.append(ReapedRun(run.run_id, pid))
    if storage.supports_global_concurrency_limits:
        holders = list(storage.get_concurrency_run_ids())
        if holders:
            finished = instance.get_run_records(
                RunsFilter(run_ids=holders, statuses=list(FINISHED_STATUSES))
            )
            for record in finished:
                storage.free_concurrency_slots_for_run(record.dagster_run.run_id)
                reaped.append(ReapedRun(record.dagster_run.run_id, None))
    return reaped


@dg.sensor(minimum_interval_seconds=30, default_status=default_sensor_status())
def abandoned_runs_sensor(context: dg.SensorEvaluationContext) -> dg.SkipReason:
    """Every 30 s: fail runs whose worker died and free their ``warehouse`` pool slots."""
    reaped = reap_abandoned_runs(context.instance)
    for item in reaped:
        context.log.warning(f"run {item.run_id}: worker pid {item.pid} gone; slots freed")
    return dg.SkipReason(f"{len(reaped)} abandoned run(s) recovered")


@dg.definitions
def recovery() -> dg.Definitions:
    return dg.Definitions(sensors=[abandoned_runs_sensor])
