"""A real ``dagster-daemon`` on a throw-away instance, for end-to-end tests and the latency bench.

Why a real daemon and not ``build_sensor_context``: the acceptance of live ingestion is about
the machinery between the pieces (sensor cadence, run keys, the run queue, pools, declarative
automation evaluated in the code server, blocking checks stopping a chain). Only the daemon
loading the repository's own ``workspace.yaml`` exercises all of it.

What :class:`LiveDaemon` does:

* writes a temporary ``DAGSTER_HOME`` with a ``dagster.yaml`` (SQLite storage by default,
  PostgreSQL with ``instance_postgres_url``; telemetry off; run queue and sensor threads set);
* starts ``dagster-daemon run -w workspace.yaml`` from the repository root (the workspace's
  ``working_directory: .`` must resolve there) in its own process group, output to a log file;
* waits for readiness by polling the instance (every slomix sensor has ticked once), never by
  sleeping a fixed time;
* always kills the whole process group on exit (daemon, code server, run workers).

Observation helpers read the same instance through its storage (runs, sensor ticks, asset
materializations, check executions), so a test asserts what an operator would see in the UI.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import dagster as dg
from dagster._core.definitions.asset_checks.asset_check_spec import AssetCheckKey
from dagster._core.event_api import PartitionKeyFilter
from dagster._core.instance.ref import InstanceRef
from dagster._core.scheduler.instigation import InstigatorTick, InstigatorType
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecord
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from slomix_pipeline.landing.zone import TEMP_PREFIX

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKSPACE = REPO_ROOT / "workspace.yaml"
DAEMON_BIN = REPO_ROOT / ".venv" / "bin" / "dagster-daemon"
PYTHON_BIN = REPO_ROOT / ".venv" / "bin" / "python"

LANDING_SENSOR = "landing_zone_sensor"
AUTOMATION_SENSOR = "slomix_live_automation"
ALL_SENSORS: tuple[str, ...] = (LANDING_SENSOR, AUTOMATION_SENSOR)

T = TypeVar("T")


# ------------------------------------------------------------------------------ configuration


@dataclass(frozen=True, slots=True)
class DaemonSettings:
    """Everything that differs between two live instances (the rest is fixed below).

    ``sensor_interval_seconds`` / ``automation_interval_seconds`` are the documented
    ``SLOMIX_*_INTERVAL_SECONDS``; the daemon still loops over sensors at most every 5 s.
    ``dequeue_interval_seconds`` is the run queue's poll (Dagster's default is 5 s).
    ``pool_run_buffer`` (``concurrency.pools.op_granularity_run_buffer``) lets that many runs
    start while their steps wait for a ``warehouse`` pool slot, so the 2-3 s start of a run
    overlaps the previous run's work instead of following it (Dagster's default is 0: a run
    whose pool is busy stays queued).
    """

    data_dir: Path
    warehouse_url: str
    instance_postgres_url: str | None = None
    partition_start: str = "2026-01-01"
    sensor_interval_seconds: int = 1
    automation_interval_seconds: int = 1
    max_concurrent_runs: int = 4
    dequeue_interval_seconds: int = 1
    pool_run_buffer: int = 3
    # The daemon's sensor loop (``slomix_pipeline.daemon``, the live entry point); None runs the
    # stock ``dagster-daemon`` with its fixed 5 s loop.
    sensor_loop_seconds: float | None = 0.5
    # ``warm``: runs are forked from the pre-warmed zygote (``WarmRunLauncher``, as in the
    # repository's dagster.yaml); ``default``: Dagster's DefaultRunLauncher (a spawned process
    # per run through the code server).
    run_launcher: str = "warm"
    # ``PromptQueuedRunCoordinator`` (the repository's dagster.yaml): the live entry point
    # dequeues a run as soon as it is queued; False: Dagster's QueuedRunCoordinator (polled).
    prompt_queue: bool = True
    # Dagster's run monitoring (poll interval, s); None leaves it off.
    run_monitoring_seconds: int | None = None


def render_dagster_yaml(settings: DaemonSettings) -> str:
    """The instance configuration: the repository's dagster.yaml plus storage and queue tuning.

    The pool ``warehouse`` keeps its default limit of one writer at a time on SQLite (single
    writer) and two on PostgreSQL, and at most one run per partition is in flight, like the
    shipped examples (``dagster.yaml``, ``docs/deploy/dagster.postgres.yaml``).
    """
    lines: list[str] = []
    if settings.instance_postgres_url:
        lines += [
            "storage:",
            "  postgres:",
            f"    postgres_url: {settings.instance_postgres_url}",
        ]
    pool_limit = 2 if settings.warehouse_url.startswith("postgresql") else 1
    if settings.run_launcher == "warm":
        lines += [
            "run_launcher:",
            "  module: slomix_pipeline.run_worker.launcher",
            "  class: WarmRunLauncher",
        ]
    elif settings.run_launcher != "default":
        raise ValueError(f"run_launcher: warm or default, not {settings.run_launcher!r}")
    if settings.run_monitoring_seconds is not None:
        lines += [
            "run_monitoring:",
            "  enabled: true",
            f"  poll_interval_seconds: {settings.run_monitoring_seconds}",
            "  free_slots_after_run_end_seconds: 1",
        ]
    coordinator = (
        ("slomix_pipeline.run_worker.prompt_queue", "PromptQueuedRunCoordinator")
        if settings.prompt_queue
        else ("dagster._core.run_coordinator", "QueuedRunCoordinator")
    )
    lines += [
        "run_coordinator:",
        f"  module: {coordinator[0]}",
        f"  class: {coordinator[1]}",
        "  config:",
        f"    dequeue_interval_seconds: {settings.dequeue_interval_seconds}",
        "concurrency:",
        "  runs:",
        f"    max_concurrent_runs: {settings.max_concurrent_runs}",
        "    tag_concurrency_limits:",
        "      - key: dagster/partition",
        "        value:",
        "          applyLimitPerUniqueValue: true",
        "        limit: 1",
        "  pools:",
        f"    default_limit: {pool_limit}",
        "    granularity: op",
        f"    op_granularity_run_buffer: {settings.pool_run_buffer}",
        "sensors:",
        "  use_threads: true",
        "  num_workers: 4",
        "telemetry:",
        "  enabled: false",
    ]
    return "\n".join(lines) + "\n"


def daemon_environment(
    settings: DaemonSettings, home: Path, base: Mapping[str, str] | None = None
) -> dict[str, str]:
    """The daemon's environment: the caller's, minus any slomix/Dagster setting, plus ours.

    Inherited ``SLOMIX_*`` / ``DAGSTER_*`` variables are dropped so a developer's shell cannot
    point the test daemon at a real data dir or instance.
    """
    source = os.environ if base is None else base
    env = {
        key: value for key, value in source.items() if not key.startswith(("SLOMIX_", "DAGSTER_"))
    }
    env.update(
        {
            "DAGSTER_HOME": str(home),
            "SLOMIX_DATA_DIR": str(settings.data_dir),
            "SLOMIX_DATABASE_URL": settings.warehouse_url,
            "SLOMIX_SENSORS_DEFAULT_RUNNING": "1",
            "SLOMIX_SENSOR_INTERVAL_SECONDS": str(settings.sensor_interval_seconds),
            "SLOMIX_DAEMON_SENSOR_LOOP_SECONDS": str(settings.sensor_loop_seconds or 5),
            "SLOMIX_AUTOMATION_INTERVAL_SECONDS": str(settings.automation_interval_seconds),
            "SLOMIX_PARTITION_START": settings.partition_start,
            # The freshness schedule starts RUNNING with the sensors and fires every quarter
            # hour by default: a run of its own (stats_freshness_job) that a test crossing
            # hh:00/15/30/45 counted as "an extra run after the re-landed file". Once a year
            # keeps it defined and evaluated by the scheduler but out of the tests' windows.
            "SLOMIX_FRESHNESS_CRON": "0 4 1 1 *",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


# ------------------------------------------------------------------------------------ polling


class DeadlineExceeded(AssertionError):
    """A polled condition did not hold before its deadline (an assertion failure in tests)."""


def wait_until(
    probe: Callable[[], T | None],
    *,
    timeout: float,
    what: str,
    poll: float = 0.25,
    describe: Callable[[], str] | None = None,
) -> T:
    """Poll ``probe`` until it returns something other than None/False; return that value.

    The pause between probes only paces the polling; the condition itself is what the caller
    waits for, and the deadline bounds it. ``describe`` adds context (e.g. a daemon log tail)
    to the failure message.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value is not None and value is not False:
            return value
        if time.monotonic() >= deadline:
            extra = f"\n{describe()}" if describe is not None else ""
            raise DeadlineExceeded(f"timed out after {timeout:.0f} s waiting for {what}{extra}")
        time.sleep(poll)


# -------------------------------------------------------------------------------- the daemon


def daemon_command(settings: DaemonSettings) -> list[str]:
    """The live entry point (shorter sensor loop), or the stock daemon when no loop is set."""
    if settings.sensor_loop_seconds is None:
        return [str(DAEMON_BIN)]
    return [str(PYTHON_BIN), "-m", "slomix_pipeline.daemon"]


class LiveDaemon:
    """One ``dagster-daemon run`` process group on its own temporary instance.

    Use as a context manager: ``with LiveDaemon(home, settings) as daemon: ...``; the process
    group is killed on exit whatever happened inside.
    """

    def __init__(self, home: Path, settings: DaemonSettings) -> None:
        self.home = Path(home)
        self.settings = settings
        self.log_path = self.home / "daemon.log"
        self.started_at = 0.0
        self._process: subprocess.Popen[bytes] | None = None
        self._instance: dg.DagsterInstance | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Write the instance config and start the daemon (returns at once; see wait_ready)."""
        self.home.mkdir(parents=True, exist_ok=True)
        (self.home / "dagster.yaml").write_text(render_dagster_yaml(self.settings))
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        # Create the instance's storage here, once: the daemon and its code server both opening
        # a fresh SQLite instance at the same moment can stamp the schedule storage's Alembic
        # table twice ("more than one head"), seen on the loaded shared machine.
        _ = self.instance.get_runs(limit=1)
        env = daemon_environment(self.settings, self.home)
        self.started_at = time.time()
        with open(self.log_path, "ab") as log:
            self._process = subprocess.Popen(
                [*daemon_command(self.settings), "run", "-w", str(WORKSPACE)],
                cwd=REPO_ROOT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # own process group: teardown kills every child
            )

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Terminate the whole process group (SIGTERM, then SIGKILL after the grace period)."""
        process, self._process = self._process, None
        if self._instance is not None:
            self._instance.dispose()
            self._instance = None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_seconds)
        # Children (code server, run workers) may outlive the leader: kill the group anyway.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace_seconds)

    @property
    def pid(self) -> int:
        """The daemon's pid (also its process group: it was started in a session of its own)."""
        if self._process is None:
            raise AssertionError("dagster-daemon is not running")
        return self._process.pid

    def __enter__(self) -> LiveDaemon:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def wait_ready(
        self, timeout: float = 120.0, sensors: Sequence[str] = ALL_SENSORS
    ) -> dict[str, InstigatorTick]:
        """Block until every sensor in ``sensors`` has ticked once since the start."""

        def probe() -> dict[str, InstigatorTick] | None:
            self.assert_alive()
            ticks = {name: self.sensor_ticks(name, limit=1) for name in sensors}
            if all(ticks.values()):
                return {name: found[0] for name, found in ticks.items()}
            return None

        return wait_until(
            probe,
            timeout=timeout,
            what=f"first ticks of {', '.join(sensors)}",
            describe=self.log_tail,
        )

    def assert_alive(self) -> None:
        """Fail fast (with the log) when the daemon died instead of waiting for a deadline."""
        if self._process is None or self._process.poll() is not None:
            raise AssertionError(f"dagster-daemon is not running\n{self.log_tail()}")

    def log_tail(self, lines: int = 60) -> str:
        try:
            text_lines = self.log_path.read_text(errors="replace").splitlines()
        except FileNotFoundError:
            return "(no daemon log)"
        return "--- daemon log (tail) ---\n" + "\n".join(text_lines[-lines:])

    # -- observation -------------------------------------------------------------------------

    @property
    def instance(self) -> dg.DagsterInstance:
        """The daemon's instance, opened from the same DAGSTER_HOME (no env var needed)."""
        if self._instance is None:
            self._instance = dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(self.home)))
        return self._instance

    def sensor_ticks(
        self, name: str, *, after: float | None = None, limit: int | None = None
    ) -> list[InstigatorTick]:
        """Ticks of the sensor ``name`` (newest first), optionally only those after ``after``."""
        ticks: list[InstigatorTick] = []
        for state in self.instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
            if state.instigator_name != name:
                continue
            ticks.extend(
                self.instance.get_ticks(
                    state.instigator_origin_id, state.selector_id, after=after, limit=limit
                )
            )
        ticks.sort(key=lambda tick: tick.timestamp, reverse=True)
        return ticks[:limit] if limit is not None else ticks

    def runs(self) -> list[dg.DagsterRun]:
        return list(self.instance.get_runs())

    def wait_quiet(self, timeout: float, settle_ticks: int = 2) -> list[dg.DagsterRun]:
        """Wait until no run is queued or in flight and the automation sensor ticked
        ``settle_ticks`` more times without launching anything; returns every run."""
        unfinished = {
            dg.DagsterRunStatus.QUEUED,
            dg.DagsterRunStatus.NOT_STARTED,
            dg.DagsterRunStatus.STARTING,
            dg.DagsterRunStatus.STARTED,
            dg.DagsterRunStatus.CANCELING,
        }
        seen_count = -1
        stable_since = time.time()

        def probe() -> list[dg.DagsterRun] | None:
            nonlocal seen_count, stable_since
            self.assert_alive()
            runs = self.runs()
            if any(run.status in unfinished for run in runs):
                seen_count = -1  # count ticks only from the first probe that finds all done
                return None
            if len(runs) != seen_count:
                seen_count, stable_since = len(runs), time.time()
                return None
            later = self.sensor_ticks(AUTOMATION_SENSOR, after=stable_since)
            return runs if len(later) >= settle_ticks else None

        return wait_until(probe, timeout=timeout, what="a quiet instance", describe=self.log_tail)

    def check_executions(
        self, check: str, asset: str, partition: str
    ) -> list[AssetCheckExecutionRecord]:
        """Every execution of ``asset``'s check ``check`` for ``partition``, newest first."""
        key = AssetCheckKey(dg.AssetKey(asset), check)
        return list(
            self.instance.event_log_storage.get_asset_check_execution_history(
                key, limit=100, partition_filter=PartitionKeyFilter(key=partition)
            )
        )

    def materialized_partitions(self, asset: str) -> set[str]:
        return set(self.instance.get_materialized_partitions(dg.AssetKey(asset)))


# ---------------------------------------------------------------------------------- landing


def land_bytes(folder: Path, name: str, data: bytes, *, mtime_ns: int | None = None) -> Path:
    """Land ``data`` as ``folder/name`` the way a producer does: hidden temp name in the same
    folder, fsync, rename. Unlike ``write_atomically`` it always creates a new inode, even for
    identical bytes (a re-delivery by a copy tool), so the sensors see a fresh landing."""
    folder.mkdir(parents=True, exist_ok=True)
    temp = folder / f"{TEMP_PREFIX}{uuid.uuid4().hex}"
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    if mtime_ns is not None:
        os.utime(temp, ns=(mtime_ns, mtime_ns))
    final = folder / name
    os.replace(temp, final)
    return final


def land_copy(source: Path, folder: Path) -> Path:
    """Copy ``source`` into ``folder`` atomically, keeping its modification time (like
    ``cp -p`` / ``rsync -t``): the reference run reads the same file with the same mtime."""
    return land_bytes(folder, source.name, source.read_bytes(), mtime_ns=source.stat().st_mtime_ns)


# ------------------------------------------------------------------------------- PostgreSQL


@contextlib.contextmanager
def temporary_postgres_database(admin_url: str, prefix: str = "slomix_e2e") -> Iterator[str]:
    """A brand-new database on the server of ``admin_url`` (psycopg2 URL), dropped afterwards
    even while connections are still open (``WITH (FORCE)``)."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
