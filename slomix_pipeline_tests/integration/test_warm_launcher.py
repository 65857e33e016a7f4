"""The warm run launcher under the real ``dagster-daemon``: runs fork from the zygote.

One daemon (``python -m slomix_pipeline.daemon``, SQLite instance and warehouse, the
repository's ``workspace.yaml``, ``WarmRunLauncher`` as in ``dagster.yaml``) serves every test
of the module; each test lands stats files of one sample night and waits (polling with a
deadline) for what it checks:

* a run launched through the zygote succeeds, its worker pid is a run tag and is the process
  that wrote RUN_START, and the zygote reaped it (no zombie left for the health checks);
* ``terminate`` (what the UI's "Terminate" calls, here from another process like the webserver)
  interrupts the worker and the run ends CANCELED; the run is held at its first warehouse write
  by a write lock the test owns, so it cannot finish before it is terminated;
* a worker killed with SIGKILL mid-run is seen by run monitoring through the launcher's health
  check and the run fails with a message naming the pid;
* a zygote killed with SIGKILL is replaced: the next run still succeeds the default way (its
  log says why) and the run after that is forked from the new zygote.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pytest

from slomix_pipeline.config import load_settings
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.landing.zone import STATS_FOLDER
from slomix_pipeline.run_worker.client import process_start_ticks
from slomix_pipeline.run_worker.launcher import PID_TAG
from slomix_pipeline.run_worker.zygote import READY_LINE
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses
from slomix_pipeline_tests.integration.daemon import (
    DaemonSettings,
    LiveDaemon,
    land_copy,
    wait_until,
)

pytestmark = pytest.mark.integration

DAY = "2026-02-10"
RUN_TIMEOUT = 180.0
FALLBACK_NOTE = "Warm run worker not used"
ZYGOTE_MODULE = b"slomix_pipeline.run_worker.zygote"


@dataclass
class Live:
    daemon: LiveDaemon
    data_dir: Path
    stats_files: list[Path]
    landed: int = 0
    seen_runs: set[str] = field(default_factory=set)

    def land_next(self) -> None:
        source = self.stats_files[self.landed]
        self.landed += 1
        land_copy(source, self.data_dir / STATS_FOLDER)

    def new_run(self) -> dg.DagsterRun:
        """The next run not handed out before (waits for it to exist)."""

        def probe() -> dg.DagsterRun | None:
            self.daemon.assert_alive()
            fresh = [run for run in self.daemon.runs() if run.run_id not in self.seen_runs]
            return fresh[-1] if fresh else None  # get_runs is newest first

        run = wait_until(
            probe, timeout=RUN_TIMEOUT, what="a new run", describe=self.daemon.log_tail
        )
        self.seen_runs.add(run.run_id)
        return run

    def finished(self, run_id: str) -> dg.DagsterRun:
        def probe() -> dg.DagsterRun | None:
            self.daemon.assert_alive()
            run = self.daemon.instance.get_run_by_id(run_id)
            return run if run is not None and run.is_finished else None

        return wait_until(
            probe, timeout=RUN_TIMEOUT, what=f"run {run_id} to end", describe=self.daemon.log_tail
        )

    def tagged_worker(self, run_id: str) -> int:
        """The worker pid tag of a run launched through the zygote (waits for it)."""

        def probe() -> int | None:
            run = self.daemon.instance.get_run_by_id(run_id)
            pid = run.tags.get(PID_TAG) if run is not None else None
            return int(pid) if pid else None

        return wait_until(probe, timeout=RUN_TIMEOUT, what=f"{PID_TAG} on run {run_id}", poll=0.05)

    def status(self, run_id: str) -> dg.DagsterRunStatus | None:
        run = self.daemon.instance.get_run_by_id(run_id)
        return None if run is None else run.status

    def messages(self, run_id: str) -> list[str]:
        return [entry.message for entry in self.daemon.instance.all_logs(run_id)]

    def wait_for_zygote(self, ready_lines: int) -> int:
        """Wait until the daemon log shows ``ready_lines`` ready zygotes; the live zygote's pid."""

        def probe() -> int | None:
            self.daemon.assert_alive()
            text = self.daemon.log_path.read_text(errors="replace")
            if text.count(READY_LINE) < ready_lines:
                return None
            return zygote_pid(self.daemon.pid)

        return wait_until(
            probe,
            timeout=RUN_TIMEOUT,
            what=f"{ready_lines} ready warm worker(s)",
            describe=self.daemon.log_tail,
        )


def zygote_pid(daemon_pid: int) -> int | None:
    """The zygote: a child of the daemon running the zygote module (its forked run workers
    share its command line but are children of the zygote)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat[stat.rfind(")") + 2 :].split()[1])
        if ZYGOTE_MODULE in cmdline and parent == daemon_pid:
            return int(entry)
    return None


def run_start_pid(daemon: LiveDaemon, run_id: str) -> int | None:
    records = daemon.instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.RUN_START, limit=1
    ).records
    event = records[0].event_log_entry.dagster_event if records else None
    return None if event is None else event.pid


@contextlib.contextmanager
def warehouse_write_lock(database: Path) -> Iterator[None]:
    """Hold SQLite's write lock on the warehouse: a run's first write waits (busy timeout 30 s)."""
    connection = sqlite3.connect(database, timeout=60, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        connection.close()


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    root = tmp_path_factory.mktemp("warm_launcher")
    staging = root / "staging"
    report = generate_landing_zone(
        staging, seed=7, nights=1, rounds_per_night=10, include_malformed=False
    )
    data_dir = root / "live"
    data_dir.mkdir()
    losses = known_losses(report.corpus, load_settings().server_tz)
    (data_dir / "gate_acknowledgements.yaml").write_bytes(render_acknowledgements(losses))
    stats = sorted(
        path
        for path in (staging / STATS_FOLDER).iterdir()
        if not path.name.endswith("-endstats.txt")
    )
    settings = DaemonSettings(
        data_dir=data_dir,
        warehouse_url=f"sqlite:///{data_dir / 'warehouse.sqlite'}",
        partition_start=DAY,
        run_monitoring_seconds=1,
    )
    with LiveDaemon(root / "dagster_home", settings) as daemon:
        daemon.wait_ready(timeout=RUN_TIMEOUT)
        yield Live(daemon, data_dir, stats)


def test_a_run_forked_from_the_zygote_succeeds_with_its_worker_pid_recorded(live: Live) -> None:
    zygote = live.wait_for_zygote(ready_lines=1)
    live.land_next()
    run = live.finished(live.new_run().run_id)

    assert run.status == dg.DagsterRunStatus.SUCCESS, live.messages(run.run_id)
    pid = int(run.tags[PID_TAG])
    assert pid != zygote
    assert run_start_pid(live.daemon, run.run_id) == pid  # the forked child ran it
    assert not any(FALLBACK_NOTE in message for message in live.messages(run.run_id))
    # reaped by the zygote once it exited: no zombie answering "alive" to the health checks
    wait_until(lambda: process_start_ticks(pid) is None, timeout=30, what=f"pid {pid} reaped")


def test_terminate_interrupts_the_worker_and_the_run_ends_canceled(live: Live) -> None:
    live.wait_for_zygote(ready_lines=1)
    with warehouse_write_lock(live.data_dir / "warehouse.sqlite"):
        live.land_next()
        run_id = live.new_run().run_id
        pid = live.tagged_worker(run_id)
        wait_until(
            lambda: live.status(run_id) == dg.DagsterRunStatus.STARTED,
            timeout=RUN_TIMEOUT,
            what=f"run {run_id} started",
        )
        # the test process plays the webserver: its own instance, its own launcher object
        assert live.daemon.instance.run_launcher.terminate(run_id) is True
    run = live.finished(run_id)

    assert run.status == dg.DagsterRunStatus.CANCELED, live.messages(run_id)
    wait_until(lambda: process_start_ticks(pid) is None, timeout=30, what=f"pid {pid} exited")


def test_a_killed_worker_fails_its_run_through_the_health_check(live: Live) -> None:
    live.wait_for_zygote(ready_lines=1)
    with warehouse_write_lock(live.data_dir / "warehouse.sqlite"):
        live.land_next()
        run_id = live.new_run().run_id
        pid = live.tagged_worker(run_id)
        wait_until(  # STARTED in the run storage, not only the RUN_START event written
            lambda: (
                live.status(run_id) == dg.DagsterRunStatus.STARTED
                and run_start_pid(live.daemon, run_id) == pid
            ),
            timeout=RUN_TIMEOUT,
            what=f"run {run_id} started by pid {pid}",
        )
        os.kill(pid, signal.SIGKILL)
        run = live.finished(run_id)

    messages = live.messages(run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE, messages
    expected = f"warm run worker process {pid} exited before its run ended"
    assert any(expected in message for message in messages), "\n".join(messages[-6:])


def test_a_killed_zygote_is_replaced_and_runs_go_on(live: Live) -> None:
    ready_before = live.daemon.log_path.read_text(errors="replace").count(READY_LINE)
    old = live.wait_for_zygote(ready_lines=ready_before)
    os.kill(old, signal.SIGKILL)
    wait_until(lambda: process_start_ticks(old) is None, timeout=30, what="the zygote gone")

    live.land_next()
    fallback = live.finished(live.new_run().run_id)
    assert fallback.status == dg.DagsterRunStatus.SUCCESS
    assert PID_TAG not in fallback.tags
    assert any(FALLBACK_NOTE in message for message in live.messages(fallback.run_id))

    new = live.wait_for_zygote(ready_lines=ready_before + 1)
    assert new != old
    live.land_next()
    warm = live.finished(live.new_run().run_id)
    assert warm.status == dg.DagsterRunStatus.SUCCESS
    assert int(warm.tags[PID_TAG]) != new
