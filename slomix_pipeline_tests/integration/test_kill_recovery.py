"""kill -9 at several points, then a re-run that completes unaided with the clean run's tables.

Two kinds of kill, both real SIGKILLs of a child process:

* mid-migration on SQLite: the child counts the SQL statements of the upgrade and kills itself
  at the N-th (fault injection through a SQLAlchemy event, in the child only); the next open
  must migrate to head and give the schema of a database that was never interrupted;
* mid-run: ``slomix-pipeline materialize`` is killed while its run holds the ``warehouse``
  pool slot (after a given asset materialized); the next ``materialize`` in the same
  ``DAGSTER_HOME`` must finish on its own (it used to wait for that slot for ever) and leave
  tables equal to an uninterrupted run's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from sqlalchemy import create_engine, text

from slomix_pipeline.warehouse.engine import dispose_warehouse, open_warehouse
from slomix_pipeline_tests.tabledump import dump_tables

REPO = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CLI = str(Path(PYTHON).parent / "slomix-pipeline")

_KILL_AT_STATEMENT = """
import os, signal, sys
from sqlalchemy import event
from slomix_pipeline.warehouse import engine as we

target, seen = int(sys.argv[2]), [0]
original = we._transactional_sqlite


def with_kill_point(engine):
    migrator = original(engine)

    @event.listens_for(migrator, "before_cursor_execute")
    def _maybe_die(*_args):
        seen[0] += 1
        if seen[0] == target:
            os.kill(os.getpid(), signal.SIGKILL)

    return migrator


we._transactional_sqlite = with_kill_point
we.open_warehouse(sys.argv[1])
"""


def _schema(path: Path) -> list[tuple[str, str, str]]:
    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        ).all()
        version = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    engine.dispose()
    return [*sorted((r[0], r[1], r[2] or "") for r in rows), ("version", str(version), "")]


@pytest.mark.parametrize("statement", [1, 2, 5, 17, 40, 68])
def test_sqlite_migration_killed_at_any_statement_recovers(tmp_path: Path, statement: int) -> None:
    clean = tmp_path / "clean.sqlite"
    open_warehouse(f"sqlite:///{clean}")
    dispose_warehouse(f"sqlite:///{clean}")
    killed = tmp_path / "killed.sqlite"
    url = f"sqlite:///{killed}"
    child = subprocess.run(
        [PYTHON, "-c", _KILL_AT_STATEMENT, url, str(statement)], cwd=REPO, timeout=120
    )
    assert child.returncode == -signal.SIGKILL, "the kill point was never reached"
    open_warehouse(url)  # a new process would do the same: migrate to head, unaided
    dispose_warehouse(url)
    assert _schema(killed) == _schema(clean)


# ---------------------------------------------------------------------------------- runs


def _env(home: Path, zone: Path, database: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(home),
        SLOMIX_DATA_DIR=str(zone),
        SLOMIX_DATABASE_URL=f"sqlite:///{database}",
    )
    return env


def _materialize_cmd() -> list[str]:
    return [CLI, "materialize"]


def _wait_for(predicate, what: str, deadline_s: float = 180) -> None:
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _materialized(home: Path, asset: str) -> bool:
    with dg.DagsterInstance.from_config(str(home)) as instance:
        return bool(instance.get_materialized_partitions(dg.AssetKey(asset)))


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> Path:
    from slomix_pipeline.sample_data import generate_landing_zone

    path = tmp_path_factory.mktemp("zone")
    generate_landing_zone(path, seed=7, nights=1)
    return path


@pytest.fixture(scope="module")
def clean_tables(zone: Path, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("clean")
    database = base / "wh.sqlite"
    subprocess.run(
        _materialize_cmd(),
        env=_env(base / "home", zone, database),
        cwd=base,
        timeout=300,
        check=False,
        capture_output=True,
    )
    engine = create_engine(f"sqlite:///{database}")
    tables = dump_tables(engine)
    engine.dispose()
    assert tables["rounds"], "the clean run wrote no rounds"
    return tables


@pytest.mark.parametrize("kill_after", ["run_start", "raw_stats_files", "lua_round_teams"])
def test_killed_run_does_not_hang_the_next(
    tmp_path: Path, zone: Path, clean_tables: dict, kill_after: str
) -> None:
    home, database = tmp_path / "home", tmp_path / "wh.sqlite"
    env = _env(home, zone, database)
    (home).mkdir()
    child = subprocess.Popen(
        _materialize_cmd(), env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        if kill_after == "run_start":
            _wait_for(
                lambda: (home / "dagster.yaml").exists() and _claimed_slots(home) > 0,
                "the run to claim the warehouse slot",
            )
        else:
            _wait_for(lambda: _materialized(home, kill_after), f"{kill_after} to materialize")
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    if kill_after == "run_start":
        # The dead run still holds the single warehouse slot: without recovery, the next
        # run would wait for it for ever.
        assert _claimed_slots(home) > 0

    rerun = subprocess.run(
        _materialize_cmd(), env=env, cwd=tmp_path, timeout=300, capture_output=True, text=True
    )
    assert "Traceback" not in rerun.stderr, rerun.stderr[-2000:]
    engine = create_engine(f"sqlite:///{database}")
    tables = dump_tables(engine)
    engine.dispose()
    assert tables == clean_tables
    with dg.DagsterInstance.from_config(str(home)) as instance:
        failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
        assert any("is gone (killed?)" in _failure_message(instance, r.run_id) for r in failed)


def _claimed_slots(home: Path) -> int:
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            info = instance.event_log_storage.get_concurrency_info("warehouse")
            return len(info.claimed_slots)
    except Exception:  # the instance is still being created by the child
        return 0


def _failure_message(instance: dg.DagsterInstance, run_id: str) -> str:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_FAILURE).records
    return " ".join(r.event_log_entry.dagster_event.message or "" for r in records)
