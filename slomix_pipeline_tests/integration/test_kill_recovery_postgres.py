"""kill -9 of a run on PostgreSQL, then a re-run that completes unaided with a clean run's tables.

The SQLite half (and the mid-migration kills) is ``test_kill_recovery.py``; this is the same
mid-run property on the production backend, at the two points where PostgreSQL's own
behaviour matters: inside a write transaction (its rows half inserted when the process dies:
the server must roll it back and release its locks once the connection drops) and late in the
chain (stats, Lua and links committed).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from slomix_pipeline.warehouse.all_tables import metadata
from slomix_pipeline_tests.integration.test_kill_recovery import (  # noqa: F401 (fixture)
    CLI,
    _claimed_slots,
    kill_run_at,
    zone,
)
from slomix_pipeline_tests.tabledump import dump_tables


def _env(home: Path, data: Path, url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "SLOMIX_DATA_DIR": str(data),
        "SLOMIX_DATABASE_URL": url,
    }


def _materialize(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CLI, "materialize"], env=env, cwd=cwd, timeout=300, capture_output=True, text=True
    )


@pytest.mark.parametrize("point", ["mid_transaction", "sessions_step"])
def test_killed_postgres_run_does_not_hang_the_next(
    tmp_path: Path,
    zone: Path,  # noqa: F811 (the imported module fixture)
    postgres_url: str,
    point: str,
) -> None:
    env = _env(tmp_path / "home", zone, postgres_url)
    kill_run_at(point, env, tmp_path)
    assert _claimed_slots(tmp_path / "home") > 0

    rerun = _materialize(env, tmp_path)
    assert rerun.returncode == 0, rerun.stdout[-2000:] + rerun.stderr[-2000:]
    assert "recovered run" in rerun.stdout
    assert _claimed_slots(tmp_path / "home") == 0
    engine = create_engine(postgres_url)
    try:
        recovered = dump_tables(engine)
        # The clean run: the same database emptied, a fresh DAGSTER_HOME, no kill.
        with engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
        clean = _materialize(_env(tmp_path / "clean_home", zone, postgres_url), tmp_path)
        assert clean.returncode == 0, clean.stdout[-2000:]
        assert recovered["rounds"], "the recovered run wrote no rounds"
        assert dump_tables(engine) == recovered
    finally:
        engine.dispose()
