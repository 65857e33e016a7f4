"""kill -9 at several points, then a re-run that completes unaided with the clean run's tables.

Two kinds of kill, both real SIGKILLs of a child process:

* mid-migration on SQLite: the child counts the SQL statements of the upgrade and kills itself
  at the N-th (fault injection through a SQLAlchemy event, in the child only); the next open
  must migrate to head and give the schema of a database that was never interrupted;
* mid-run: ``slomix-pipeline materialize`` kills itself inside a step (it wraps one function
  the step calls; the N-th call sends SIGKILL), so the run dies holding the ``warehouse`` pool
  slot: in the first step, inside a write transaction, after the stats committed, late in the
  chain. The next ``materialize`` in the same ``DAGSTER_HOME`` must finish on its own (it used
  to wait for that slot for ever) and leave tables equal to an uninterrupted run's.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
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


@pytest.fixture(scope="module")
def zone(tmp_path_factory) -> Path:
    from slomix_pipeline.config import load_settings
    from slomix_pipeline.formats.acknowledgements import render_acknowledgements
    from slomix_pipeline.sample_data import generate_landing_zone
    from slomix_pipeline.sample_data.acknowledgements import known_losses

    path = tmp_path_factory.mktemp("zone")
    report = generate_landing_zone(path, seed=7, nights=1)
    # The sample's deliberate losses are acknowledged so that every step runs (sessions too).
    settings = load_settings({"SLOMIX_DATA_DIR": str(path)})
    settings.acknowledgements_path.write_bytes(
        render_acknowledgements(known_losses(report.corpus, settings.server_tz))
    )
    return path


@pytest.fixture(scope="module")
def clean_tables(zone: Path, tmp_path_factory) -> dict:
    base = tmp_path_factory.mktemp("clean")
    database = base / "wh.sqlite"
    clean = subprocess.run(
        _materialize_cmd(),
        env=_env(base / "home", zone, database),
        cwd=base,
        timeout=300,
        check=False,
        capture_output=True,
        text=True,
    )
    assert clean.returncode == 0, clean.stdout[-2000:]
    engine = create_engine(f"sqlite:///{database}")
    tables = dump_tables(engine)
    engine.dispose()
    assert tables["rounds"], "the clean run wrote no rounds"
    return tables


_KILL_IN_RUN = """
import os, signal, sys
import importlib

module_name, attribute, nth = sys.argv[1], sys.argv[2], int(sys.argv[3])
module = importlib.import_module(module_name)
original, calls = getattr(module, attribute), [0]


def killing(*args, **kwargs):
    calls[0] += 1
    if calls[0] == nth:  # inside the step, holding the warehouse pool slot
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)


setattr(module, attribute, killing)
from slomix_pipeline.cli import main

sys.exit(main(["materialize"]))
"""

KILL_POINTS = {
    # first step, nothing written yet
    "stats_step": ("slomix_pipeline.defs.stats.assets", "ingest_stats_days", 1),
    # inside the stats transaction: its days deleted, rows half inserted
    "mid_transaction": ("slomix_pipeline.warehouse.writes", "insert_rows", 2),
    # stats committed, Lua steps running
    "lua_step": ("slomix_pipeline.defs.lua.assets", "ingest_lua_source_days", 1),
    # late in the chain
    "sessions_step": ("slomix_pipeline.defs.sessions.assets", "build_sessions_days", 1),
}


def kill_run_at(point: str, env: dict[str, str], cwd: Path) -> None:
    """Run a materialization that SIGKILLs itself at ``point`` (:data:`KILL_POINTS`) and check
    that it died there, not earlier or of something else."""
    module, attribute, nth = KILL_POINTS[point]
    child = subprocess.run(
        [PYTHON, "-c", _KILL_IN_RUN, module, attribute, str(nth)],
        env=env,
        cwd=cwd,
        timeout=300,
        capture_output=True,
        text=True,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]


@pytest.mark.parametrize("point", sorted(KILL_POINTS))
def test_killed_run_does_not_hang_the_next(
    tmp_path: Path, zone: Path, clean_tables: dict, point: str
) -> None:
    home, database = tmp_path / "home", tmp_path / "wh.sqlite"
    env = _env(home, zone, database)
    kill_run_at(point, env, tmp_path)
    # The dead run still holds the single warehouse slot: without recovery, the next run
    # would wait for it for ever.
    assert _claimed_slots(home) > 0

    rerun = subprocess.run(
        _materialize_cmd(), env=env, cwd=tmp_path, timeout=300, capture_output=True, text=True
    )
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    assert "recovered run" in rerun.stdout
    engine = create_engine(f"sqlite:///{database}")
    tables = dump_tables(engine)
    engine.dispose()
    assert tables == clean_tables
    with dg.DagsterInstance.from_config(str(home)) as instance:
        failed = instance.get_runs(filters=dg.RunsFilter(statuses=[dg.DagsterRunStatus.FAILURE]))
        assert any("is gone (killed?)" in _failure_message(instance, r.run_id) for r in failed)
        assert _claimed_slots(home) == 0


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
