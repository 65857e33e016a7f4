"""SFTP sync from the game server: a sensor lists the remote folders, a job fetches new files.

``sftp_remote_sensor`` opens one SFTP session per tick, lists the configured remote folders (one
request per folder), compares with the ledger of landed files and with its previous listing, and
requests one ``sftp_sync_job`` run for the files that are finished (same size and mtime in two
listings, or older than the settle time). The run lands them atomically
(``landing/sftp_sync.py``); the landing-zone sensors then pick them up like any other landed
file. While a sync run is in flight no other is requested; after a failed run the sensor backs
off (doubling, up to an hour).

The job is deliberately not an asset: it moves files, it does not build a partition of a table.

Configuration (environment): ``SLOMIX_SFTP_HOST``, ``_PORT`` (22), ``_USER``, ``_KEY_FILE``,
``_KNOWN_HOSTS``, ``_REMOTE_STATS_DIR``, ``_REMOTE_GAMETIMES_DIR``, ``_REMOTE_PROXIMITY_DIR``
(each optional, at least one), ``_SETTLE_SECONDS`` (10), ``_TIMEOUT_SECONDS`` (15),
``_ATTEMPTS`` (3), ``_BACKOFF_SECONDS`` (1), ``_RETRY_AFTER_SECONDS`` (60),
``_MAX_FILES_PER_RUN`` (500), and ``SLOMIX_SFTP_INTERVAL_SECONDS`` (10) between ticks. Without
``SLOMIX_SFTP_HOST`` the sensor skips with a message saying so.
"""

# No ``from __future__ import annotations``: Dagster reads the Config and resource annotations.
import time

import dagster as dg
import paramiko
from pydantic import Field

from slomix_pipeline.defs.resources import LandingZoneResource, SftpResource
from slomix_pipeline.defs.sensors.settings import default_sensor_status
from slomix_pipeline.defs.tables import table
from slomix_pipeline.landing.sftp_sync import (
    LEDGER_NAME,
    RUN_ACTIVE,
    RUN_FAILED,
    RUN_SUCCEEDED,
    Ledger,
    RemoteFile,
    SftpCursor,
    SyncReport,
    list_remote,
    open_sftp,
    plan_sftp_tick,
    sync,
)
from slomix_pipeline.settings_model import read_env

SFTP_INTERVAL_DEFAULT = 10
OP_NAME = "sftp_sync"
FILES_TAG = "slomix/sftp_files"


class RemoteFileConfig(dg.Config):
    """One remote file as the sensor listed it (the run refuses it if it changed since)."""

    stream: str
    name: str
    size: int
    mtime: int


class SftpSyncConfig(dg.Config):
    """Files to fetch; empty means "list now and fetch every settled new file" (manual runs)."""

    files: list[RemoteFileConfig] = Field(default_factory=list)


def _not_configured() -> str:
    return (
        "SFTP sync is not configured: set SLOMIX_SFTP_HOST, SLOMIX_SFTP_USER, "
        "SLOMIX_SFTP_KEY_FILE, SLOMIX_SFTP_KNOWN_HOSTS and at least one "
        "SLOMIX_SFTP_REMOTE_*_DIR (see docs/operations.md)"
    )


def _sync_metadata(report: SyncReport, seconds: float) -> dict[str, object]:
    problems = [
        (f"{remote.stream}/{remote.name}", detail)
        for remote, detail in [*report.failed, *report.conflicts, *report.changed]
    ]
    return {
        "requested": report.requested,
        "landed": len(report.landed),
        "adopted": len(report.adopted),
        "changed_skipped": len(report.changed),
        "vanished": len(report.vanished),
        "conflicts": len(report.conflicts),
        "failed": len(report.failed),
        "not_attempted": len(report.not_attempted),
        "retries": report.retries,
        "bytes_fetched": report.bytes_fetched,
        "seconds": round(seconds, 3),
        "unreachable": report.unreachable or "",
        "problems": table(["file", "problem"], problems, limit=50),
    }


@dg.op(
    name=OP_NAME,
    description="Download new finished files from the game server into the landing zone.",
    out=dg.Out(dg.Nothing),
)
def sftp_sync_op(
    context: dg.OpExecutionContext,
    config: SftpSyncConfig,
    landing: LandingZoneResource,
    sftp: SftpResource,
) -> dg.Output:
    settings = sftp.settings()
    if settings is None:
        raise dg.Failure(_not_configured())
    files = [RemoteFile(f.stream, f.name, f.size, f.mtime) for f in config.files] or None
    started = time.perf_counter()
    report = sync(settings, landing.path(), files)
    metadata = _sync_metadata(report, time.perf_counter() - started)
    if report.busy:
        context.log.warning("another SFTP sync holds the landing zone's lock; nothing done")
    for remote, detail in report.conflicts:
        context.log.error(f"conflict for {remote.key}: {detail}")
    for remote, detail in report.failed:
        context.log.error(f"failed to fetch {remote.key}: {detail}")
    if not report.ok:
        raise dg.Failure(
            f"SFTP sync incomplete: {len(report.failed)} file(s) failed"
            + (f"; server unreachable: {report.unreachable}" if report.unreachable else ""),
            metadata=metadata,
        )
    return dg.Output(None, metadata=metadata)


@dg.job(
    name="sftp_sync_job",
    executor_def=dg.in_process_executor,
    description="One SFTP sync pass (requested by sftp_remote_sensor, or launched by hand).",
)
def sftp_sync_job() -> None:
    sftp_sync_op()


def _interval() -> int:
    """``SLOMIX_SFTP_INTERVAL_SECONDS`` (1..3600, default 10), from the typed model."""
    return read_env().sftp_interval_seconds


def run_state(instance: dg.DagsterInstance, run_key: str) -> str | None:
    """State of the run this sensor requested under ``run_key`` (None: no such run)."""
    runs = instance.get_runs(
        filters=dg.RunsFilter(
            tags={"dagster/run_key": run_key, "dagster/sensor_name": "sftp_remote_sensor"}
        ),
        limit=1,
    )
    if not runs:
        return None
    run = runs[0]
    if not run.is_finished:
        return RUN_ACTIVE
    return RUN_SUCCEEDED if run.status == dg.DagsterRunStatus.SUCCESS else RUN_FAILED


@dg.sensor(
    name="sftp_remote_sensor",
    job=sftp_sync_job,
    minimum_interval_seconds=_interval(),
    default_status=default_sensor_status(),
    description="Lists the game server's folders over SFTP and requests a sync for new files.",
)
def sftp_remote_sensor(
    context: dg.SensorEvaluationContext, landing: LandingZoneResource, sftp: SftpResource
) -> dg.SensorResult | dg.SkipReason:
    settings = sftp.settings()
    if settings is None:
        return dg.SkipReason(_not_configured())
    now = time.time()
    cursor = SftpCursor.from_json(context.cursor)
    if cursor.inflight is not None:
        state = run_state(context.instance, cursor.inflight)
        cursor = cursor.after_run(state, now, settings.retry_after_seconds)
        if cursor.inflight is not None:
            return dg.SensorResult(
                skip_reason=f"sync run {cursor.inflight} still in progress",
                cursor=cursor.to_json(),
            )
    if now < cursor.not_before:
        return dg.SensorResult(
            skip_reason=(
                f"backing off after {cursor.failed_runs} failed sync run(s) until "
                f"{time.strftime('%H:%M:%S', time.localtime(cursor.not_before))}"
            ),
            cursor=cursor.to_json(),
        )
    try:
        with open_sftp(settings) as client:
            listing = list_remote(client, settings)
    except (OSError, EOFError, paramiko.SSHException) as exc:
        # Host-key, authentication and configuration errors are not caught: the tick fails red.
        context.log.warning(f"SFTP listing failed: {exc}")
        return dg.SensorResult(
            skip_reason=f"SFTP server unreachable: {type(exc).__name__}: {exc}",
            cursor=cursor.to_json(),
        )
    for missing in listing.missing_dirs:
        context.log.warning(f"remote folder does not exist: {missing}")
    ledger = Ledger(landing.path() / LEDGER_NAME).load()
    plan = plan_sftp_tick(listing, ledger, cursor, now=now, settings=settings)
    if plan.run_key is None:
        return dg.SensorResult(
            skip_reason=(
                f"nothing to fetch ({plan.pending} new remote file(s), "
                f"{plan.unsettled} still changing)"
                + (f"; missing remote folders: {', '.join(listing.missing_dirs)}")
                * bool(listing.missing_dirs)
            ),
            cursor=plan.cursor.to_json(),
        )
    config = SftpSyncConfig(
        files=[
            RemoteFileConfig(stream=f.stream, name=f.name, size=f.size, mtime=f.mtime)
            for f in plan.batch
        ]
    )
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=plan.run_key,
                run_config=dg.RunConfig(ops={OP_NAME: config}),
                tags={FILES_TAG: str(len(plan.batch))},
            )
        ],
        cursor=plan.cursor.to_json(),
    )


@dg.definitions
def sftp() -> dg.Definitions:
    return dg.Definitions(jobs=[sftp_sync_job], sensors=[sftp_remote_sensor])
