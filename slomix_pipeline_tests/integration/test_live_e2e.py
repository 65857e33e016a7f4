"""Live ingestion end to end with the real ``dagster-daemon``: files in, session aggregates out.

One sample gaming day is copied into an empty landing zone while the daemon runs the
repository's ``workspace.yaml``; nothing else is done by hand. The test then checks that

* every run came from ``landing_zone_sensor``, one run carrying a day's whole chain (the
  automation launches no second run), and a gametime file landed after the day settled goes
  down the Lua chain in one more run;
* ``session_aggregates`` for the day was materialized, with the WS1 and WS7 gates evaluated
  in the landing runs (and passing: the planted loss is acknowledged like the demo does);
* every warehouse table equals what a direct ``slomix-pipeline materialize`` of the same
  files produces (the live order of runs converges on the batch result);
* copying a landed file again (same bytes, new inode) launches no run over three sensor ticks.

Two variants: SQLite instance + SQLite warehouse (runs everywhere) and PostgreSQL instance +
PostgreSQL warehouse (skips without a server, fails under ``CI=true``).

The fast tests at the end pin the two fixes this test forced (automation condition and
re-landing dedupe) without a daemon.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from dagster._core.scheduler.instigation import TickStatus
from dagster._core.storage.asset_check_execution_record import AssetCheckExecutionRecordStatus
from sqlalchemy import create_engine

from slomix_pipeline.config import load_settings
from slomix_pipeline.defs.automation import InputsNewerThanLastAttempt, live_update_condition
from slomix_pipeline.defs.partitions import gaming_days
from slomix_pipeline.defs.sensors.evaluation import evaluate_landing_tick
from slomix_pipeline.defs.sensors.folders import DATASET_CHAIN, SPECS
from slomix_pipeline.defs.sensors.zone_requests import FOLDER_TAG
from slomix_pipeline.formats.acknowledgements import render_acknowledgements
from slomix_pipeline.ingest.stats_files import ingest_stats_days
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    STATS_FOLDER,
    WEBHOOK_FOLDER,
)
from slomix_pipeline.sample_data import generate_landing_zone
from slomix_pipeline.sample_data.acknowledgements import known_losses
from slomix_pipeline.warehouse.engine import dispose_warehouse, open_warehouse
from slomix_pipeline_tests.conftest import PG_ADMIN_URL, require_postgres
from slomix_pipeline_tests.integration.daemon import (
    AUTOMATION_SENSOR,
    LANDING_SENSOR,
    REPO_ROOT,
    DaemonSettings,
    LiveDaemon,
    land_bytes,
    land_copy,
    temporary_postgres_database,
    wait_until,
)
from slomix_pipeline_tests.tabledump import dump_tables

DAY = "2026-02-10"
SEED = 7
LAND_ORDER = (GAMETIMES_FOLDER, WEBHOOK_FOLDER, PROXIMITY_FOLDER, STATS_FOLDER)
"""Stats last: the worst case, the round file arrives after everything that links to it."""
CHAIN_TIMEOUT = 150.0
PASSED = AssetCheckExecutionRecordStatus.SUCCEEDED
CLI = str(REPO_ROOT / ".venv" / "bin" / "slomix-pipeline")


# ------------------------------------------------------------------------------------ set-up


@dataclass(frozen=True, slots=True)
class Backends:
    """Where the Dagster instance and the warehouse live in one variant."""

    instance_pg_url: str | None
    warehouse_url: str
    reference_url: str


def _sqlite_backends(tmp_path: Path) -> Backends:
    return Backends(
        None,
        f"sqlite:///{tmp_path / 'live' / 'warehouse.sqlite'}",
        f"sqlite:///{tmp_path / 'reference.sqlite'}",
    )


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def backends(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backends]:
    if request.param == "sqlite":
        yield _sqlite_backends(tmp_path)
        return
    require_postgres()
    with (
        temporary_postgres_database(PG_ADMIN_URL, "slomix_e2e_dagster") as instance_url,
        temporary_postgres_database(PG_ADMIN_URL, "slomix_e2e_live") as live_url,
        temporary_postgres_database(PG_ADMIN_URL, "slomix_e2e_ref") as reference_url,
    ):
        try:
            yield Backends(instance_url, live_url, reference_url)
        finally:
            dispose_warehouse(live_url)
            dispose_warehouse(reference_url)


def _write_acknowledgements(corpus: Any, data_dir: Path) -> None:
    """What the operator (and ``slomix-pipeline demo``) writes for the planted lost R1."""
    losses = known_losses(corpus, load_settings().server_tz)
    assert losses, "the sample is expected to plant a known loss"
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / "gate_acknowledgements.yaml").write_bytes(render_acknowledgements(losses))


def _reference_materialize(staging: Path, url: str, home: Path) -> None:
    """The batch result: ``slomix-pipeline materialize`` over the same files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLOMIX_", "DAGSTER_"))}
    env.update({"DAGSTER_HOME": str(home), "SLOMIX_DATABASE_URL": url})
    done = subprocess.run(
        [CLI, "materialize", "--data-dir", str(staging)],
        cwd=home.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]


def _dump(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = create_engine(url)
    try:
        return dump_tables(engine)
    finally:
        engine.dispose()


def _wait_for_a_landing_tick_after(daemon: LiveDaemon, moment: float) -> None:
    """Until a landing tick that started after ``moment`` has finished (its runs exist)."""

    def probe() -> bool:
        daemon.assert_alive()
        return any(
            tick.status != TickStatus.STARTED
            for tick in daemon.sensor_ticks(LANDING_SENSOR, after=moment)
        )

    wait_until(probe, timeout=60, what="a landing tick after the files landed")


# -------------------------------------------------------------------------------- end to end


@pytest.mark.integration
def test_landed_day_ends_in_session_aggregates_without_a_click(
    tmp_path: Path, backends: Backends
) -> None:
    staging = tmp_path / "staging"
    live = tmp_path / "live"
    report = generate_landing_zone(staging, seed=SEED, nights=1)
    _write_acknowledgements(report.corpus, staging)
    _write_acknowledgements(report.corpus, live)
    (tmp_path / "reference_home").mkdir()
    _reference_materialize(staging, backends.reference_url, tmp_path / "reference_home")
    late = sorted((staging / GAMETIMES_FOLDER).iterdir())[-1]  # lands after the day settled

    settings = DaemonSettings(
        data_dir=live,
        warehouse_url=backends.warehouse_url,
        instance_postgres_url=backends.instance_pg_url,
        partition_start=DAY,
    )
    with LiveDaemon(tmp_path / "dagster_home", settings) as daemon:
        daemon.wait_ready(timeout=120)
        for folder in LAND_ORDER:
            for source in sorted((staging / folder).iterdir()):
                if source != late:
                    land_copy(source, live / folder)
        _wait_for_a_landing_tick_after(daemon, time.time())  # it saw every file
        first_runs = daemon.wait_quiet(timeout=CHAIN_TIMEOUT)
        assert first_runs, "the landed day launched no run"

        # A gametime file arriving a minute after its round: the next landing tick sends it
        # down the Lua chain in one run of its own.
        land_copy(late, live / GAMETIMES_FOLDER)
        wait_until(
            lambda: len(daemon.runs()) > len(first_runs),
            timeout=CHAIN_TIMEOUT,
            what="a run for the late gametime file",
            describe=daemon.log_tail,
        )
        runs = daemon.wait_quiet(timeout=CHAIN_TIMEOUT)
        (late_run,) = [run for run in runs if run.run_id not in {r.run_id for r in first_runs}]
        assert late_run.tags[FOLDER_TAG] == GAMETIMES_FOLDER
        assert late_run.status == dg.DagsterRunStatus.SUCCESS
        assert {key.to_user_string() for key in late_run.asset_selection or ()} == {
            "gametime_files",
            "lua_round_teams",
            "proximity_engagements",
            "linked_rounds",
            "session_aggregates",
            *DATASET_CHAIN,
        }

        # Every run came from the landing sensor, each carrying its whole chain: the automation
        # never had to launch a second run for what a landing run materialized.
        assert {run.tags.get("dagster/sensor_name") for run in runs} == {LANDING_SENSOR}
        assert {run.tags.get("dagster/partition") for run in runs} == {DAY}
        assert DAY in daemon.materialized_partitions("session_aggregates")
        # ... and the careers of that night in the same runs as its sessions (issue 15).
        assert DAY in daemon.materialized_partitions("careers")

        # The gates ran for the day and passed on the final materializations.
        ws1 = daemon.check_executions("ws1_lua_links", "linked_rounds", DAY)
        ws7 = daemon.check_executions("ws7_kill_assists", "session_aggregates", DAY)
        assert ws1 and ws7, "WS1 and WS7 must be evaluated for the partition"
        assert ws1[0].status == PASSED, ws1[0]
        assert ws7[0].status == PASSED, ws7[0]
        assert ws7[0].run_id == late_run.run_id  # checks ride along in the landing run

        # Same tables as the batch materialization of the same files.
        live_tables = _dump(backends.warehouse_url)
        reference_tables = _dump(backends.reference_url)
        assert live_tables["session_rounds"], "no session rows were written"
        assert live_tables["gaming_sessions"] == reference_tables["gaming_sessions"]
        assert live_tables["session_player_stats"] == reference_tables["session_player_stats"]
        # Careers updated run by run on the live path equal one batch rebuild.
        assert live_tables["player_season_stats"], "no career rows were written"
        assert live_tables["player_season_stats"] == reference_tables["player_season_stats"]
        for name, rows in reference_tables.items():
            assert live_tables[name] == rows, f"table {name} differs from the batch result"

        # Copy a landed file again: same bytes, new inode. No run over three sensor ticks.
        runs_before = {run.run_id for run in daemon.runs()}
        copied = sorted((staging / STATS_FOLDER).glob("*-round-1.txt"))[0]
        copied_at = time.time()
        land_copy(copied, live / STATS_FOLDER)

        def three_ticks_each() -> bool:
            return all(
                len(daemon.sensor_ticks(name, after=copied_at)) >= 3
                for name in (LANDING_SENSOR, AUTOMATION_SENSOR)
            )

        wait_until(three_ticks_each, timeout=60, what="three ticks after the copy")
        extra = [run for run in daemon.runs() if run.run_id not in runs_before]
        assert not extra, [(run.job_name, dict(run.tags)) for run in extra]  # who launched it
        landing_ticks = [
            tick
            for tick in daemon.sensor_ticks(LANDING_SENSOR, after=copied_at)
            if tick.status != TickStatus.STARTED  # the tick being evaluated right now
        ]
        assert all(tick.status == TickStatus.SKIPPED for tick in landing_ticks), [
            (tick.status, tick.skip_reason) for tick in landing_ticks
        ]
        assert any(copied.name in (tick.skip_reason or "") for tick in landing_ticks), [
            tick.skip_reason for tick in landing_ticks
        ]


# --------------------------------------------------------------- the fixes, without a daemon


OLD_DAY = "2026-02-10"
BOUNDS = (date(2026, 1, 1), date(2026, 12, 31))


@dg.asset(partitions_def=gaming_days)
def source_a() -> None:
    return None


@dg.asset(partitions_def=gaming_days, deps=[source_a], automation_condition=live_update_condition())
def follower() -> None:
    return None


def _requested(result: Any, key: str) -> set[str]:
    return set(result.get_requested_partitions(dg.AssetKey(key)))


def test_an_input_update_seen_together_with_the_own_materialization_is_not_lost() -> None:
    """The live failure: the asset's earlier run finished in the same evaluation window in
    which an input materialized again; ``since_last_handled`` counted the asset as handled."""
    assets = [source_a, follower]
    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=assets, instance=instance)
        assert dg.materialize([source_a], partition_key=OLD_DAY, instance=instance).success
        second = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=first.cursor
        )
        assert _requested(second, "follower") == {OLD_DAY}
        # The next evaluation finds the run registered (here: nothing to do yet).
        idle = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=second.cursor
        )
        assert idle.total_requested == 0
        # Before the following evaluation: the requested run of follower finishes, then the
        # input lands again. The input is newer than follower's attempt: request again.
        assert dg.materialize([follower], partition_key=OLD_DAY, instance=instance).success
        assert dg.materialize([source_a], partition_key=OLD_DAY, instance=instance).success
        third = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=idle.cursor
        )
        assert _requested(third, "follower") == {OLD_DAY}
        # Once follower has run after the input, nothing is left to do.
        assert dg.materialize([follower], partition_key=OLD_DAY, instance=instance).success
        rest = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=third.cursor
        )
        fourth = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=rest.cursor
        )
        assert rest.total_requested == 0
        assert fourth.total_requested == 0


def test_a_run_that_planned_both_does_not_retrigger_its_own_asset() -> None:
    """Input and asset in one run (the automation batches a chain): no second run."""
    assets = [source_a, follower]
    with dg.instance_for_test() as instance:
        first = dg.evaluate_automation_conditions(defs=assets, instance=instance)
        assert dg.materialize(assets, partition_key=OLD_DAY, instance=instance).success
        second = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=first.cursor
        )
        assert second.total_requested == 0


@dg.asset(
    partitions_def=gaming_days,
    deps=[source_a],
    automation_condition=InputsNewerThanLastAttempt(),  # the operand alone, no guard after it
)
def operand_follower() -> None:
    return None


def test_an_input_written_while_a_later_run_of_the_day_waits_is_left_to_that_run() -> None:
    """The flaky end-to-end test's race, as a state: a landing run of the day is queued (it
    planned the asset), and the running one writes an input after that plan. The queued run will
    read it; the operand alone must say so, because ``~in_progress()`` is evaluated at another
    instant and had already flipped (the running run materialized the asset in between)."""
    assets = [source_a, operand_follower]
    both = dg.define_asset_job("both", selection=assets)
    job = dg.Definitions(assets=assets, jobs=[both]).resolve_job_def("both")
    with dg.instance_for_test() as instance:

        def plan_run() -> dg.DagsterRun:
            return instance.create_run_for_job(
                job,
                asset_selection=frozenset(a.key for a in assets),
                tags={"dagster/partition": OLD_DAY},
            )

        running = plan_run()
        queued = plan_run()  # created while ``running`` waits or works: planned after it
        assert dg.materialize([source_a], partition_key=OLD_DAY, instance=instance).success
        first = dg.evaluate_automation_conditions(defs=assets, instance=instance)
        assert first.total_requested == 0  # the queued run covers the new input
        instance.report_run_failed(running)
        second = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=first.cursor
        )
        assert second.total_requested == 0
        # The queued run ends without materializing the asset: the input is unread, so the
        # asset is requested (once; its request then is the latest attempt).
        instance.report_run_failed(queued)
        third = dg.evaluate_automation_conditions(
            defs=assets, instance=instance, cursor=second.cursor
        )
        assert _requested(third, "operand_follower") == {OLD_DAY}


def test_a_file_landed_again_unchanged_requests_nothing(tmp_path: Path) -> None:
    spec = next(s for s in SPECS if s.folder == STATS_FOLDER)
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=SEED, nights=1, extra_renderers=(), include_malformed=False)
    url = f"sqlite:///{tmp_path / 'warehouse.sqlite'}"
    bounds = BOUNDS
    try:
        first = evaluate_landing_tick(spec, zone, None, bounds=bounds, warehouse_url=url)
        assert [r.partition_key for r in first.plan.requests] == [DAY]
        ingest_stats_days(open_warehouse(url), zone, [first.plan.requests[0].day], load_settings())
        name = sorted(p.name for p in (zone / STATS_FOLDER).glob("*-round-2.txt"))[0]
        original = (zone / STATS_FOLDER / name).read_bytes()

        land_bytes(zone / STATS_FOLDER, name, original)  # same bytes, new inode, new ctime
        again = evaluate_landing_tick(
            spec, zone, first.plan.cursor.to_json(), bounds=bounds, warehouse_url=url
        )
        assert again.plan.requests == ()
        assert again.already_ingested == (name,)

        land_bytes(zone / STATS_FOLDER, name, original + b"\n")  # different bytes: a real change
        changed = evaluate_landing_tick(
            spec, zone, again.plan.cursor.to_json(), bounds=bounds, warehouse_url=url
        )
        assert [(r.partition_key, r.files) for r in changed.plan.requests] == [(DAY, 1)]
        assert changed.already_ingested == ()
    finally:
        dispose_warehouse(url)


def test_an_unreadable_ledger_counts_files_as_new(tmp_path: Path) -> None:
    spec = next(s for s in SPECS if s.folder == STATS_FOLDER)
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=SEED, nights=1, extra_renderers=(), include_malformed=False)
    not_a_database = tmp_path / "warehouse.sqlite"
    not_a_database.write_bytes(b"this is not SQLite")
    bounds = BOUNDS
    tick = evaluate_landing_tick(
        spec, zone, None, bounds=bounds, warehouse_url=f"sqlite:///{not_a_database}"
    )
    assert [r.partition_key for r in tick.plan.requests] == [DAY]
    assert tick.ledger_error is not None


def test_a_warehouse_without_the_ledger_yet_is_not_an_error(tmp_path: Path) -> None:
    """Before the first run migrated it, the warehouse has no tables: nothing ingested yet."""
    spec = next(s for s in SPECS if s.folder == STATS_FOLDER)
    zone = tmp_path / "zone"
    generate_landing_zone(zone, seed=SEED, nights=1, extra_renderers=(), include_malformed=False)
    empty = tmp_path / "warehouse.sqlite"
    engine = create_engine(f"sqlite:///{empty}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE unrelated (x INTEGER)")
    engine.dispose()
    tick = evaluate_landing_tick(
        spec, zone, None, bounds=BOUNDS, warehouse_url=f"sqlite:///{empty}"
    )
    assert [r.partition_key for r in tick.plan.requests] == [DAY]
    assert tick.ledger_error is None
