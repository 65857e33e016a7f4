"""Whole-history rebuild through Dagster: wall, CPU, peak RSS, events written, instance growth.

    .venv/bin/python bench/history.py                 # 1,000 and 10,000 rounds
    .venv/bin/python bench/history.py --rounds 1000   # one size only
    .venv/bin/python bench/history.py --rounds 10000 --timeout 300   # cap a slow (old) run
    .venv/bin/python bench/history.py --rounds 10000 --rss-steps     # peak RSS per step
    .venv/bin/python bench/history.py --rounds 1000 --events         # events by type and asset

For each size it generates a history with the sample generator (stats, Lua gametimes, webhook
drops; proximity in the 1,000-round case only, as issue 13 asks), creates a fresh PostgreSQL
warehouse database and a fresh PostgreSQL database for the Dagster instance (run, event-log and
schedule storage: ``docs/deploy/dagster.postgres.yaml``), and rebuilds every landed day with
``slomix-pipeline materialize`` in a child process: the code location's ``__ASSET_JOB`` with
the range tags, exactly what ``dg launch --assets '*' --partition-range`` runs. It does so twice
(the second rebuild overwrites the same tables: idempotency, and the instance growth of a
re-run), then drops both databases.

The history: ``rounds_per_night`` = 10 (five map plays, R1 + R2), nights spaced 2, 3 or 4 days
apart (11 nights every 4 weeks, 2.75 a week: a community that plays a few evenings a week), from
2019-03-05. 1,000 rounds = 100 nights (9 months), 10,000 rounds = 1,000 nights (7 years).

Printed per rebuild: wall time, CPU (user + system of the child and everything it waited for),
peak RSS (the largest resident set of any of those processes, ``ru_maxrss`` of the children),
events written (rows of ``event_logs`` added) and instance growth (``pg_database_size`` of the
instance database before/after; bytes per rebuild). PostgreSQL's own CPU is printed apart
("+ PostgreSQL"): the backends of the two databases, sampled from ``/proc``
(``bench/history_server.py``).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from history_rss import StepRssSampler  # noqa: E402
from history_server import ServerCpuSampler, event_breakdown  # noqa: E402

ROUNDS_PER_NIGHT = 10
NIGHT_GAPS = (2, 3, 2, 2, 3, 2, 3, 2, 2, 3, 4)  # 11 nights in 28 days
START = date(2019, 3, 5)
DEFAULT_ADMIN = "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres"
MATERIALIZE = ("-m", "slomix_pipeline.cli", "materialize")
"""The rebuild's command line after the interpreter: the project's CLI."""


@dataclass(frozen=True, slots=True)
class Rebuild:
    """The figures of one ``materialize`` child process."""

    exit_code: int | None
    wall: float
    cpu: float
    server_cpu: float
    events: int
    instance_bytes_before: int
    instance_bytes_after: int
    output_tail: str
    peak_rss_mb: float


def _create_database(admin_url: str, prefix: str) -> tuple[str, str]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _drop_database(admin_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _instance_figures(url: str) -> tuple[int, int]:
    """(database size in bytes, rows of event_logs; 0 before the first run made the table)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        size = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
        exists = conn.execute(text("SELECT to_regclass('event_logs') IS NOT NULL")).scalar_one()
        events = conn.execute(text("SELECT count(*) FROM event_logs")).scalar_one() if exists else 0
    engine.dispose()
    return int(size), int(events)


def _last_event_id(url: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        exists = conn.execute(text("SELECT to_regclass('event_logs') IS NOT NULL")).scalar_one()
        last = (
            conn.execute(text("SELECT coalesce(max(id), 0) FROM event_logs")).scalar_one()
            if exists
            else 0
        )
    engine.dispose()
    return int(last)


def _children_usage() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def generate(zone: Path, rounds: int) -> tuple[int, float]:
    """Write the history's landing zone; returns (rounds simulated, seconds)."""
    from slomix_pipeline.sample_data import generate_landing_zone
    from slomix_pipeline.sample_data.lua_files import write_lua_files
    from slomix_pipeline.sample_data.proximity_files import write_proximity_files

    renderers = [write_lua_files]
    if rounds <= 1000:
        renderers.append(write_proximity_files)
    started = time.perf_counter()
    report = generate_landing_zone(
        zone,
        seed=13,
        nights=max(1, rounds // ROUNDS_PER_NIGHT),
        start_date=START,
        rounds_per_night=ROUNDS_PER_NIGHT,
        extra_renderers=tuple(renderers),
        night_gaps=NIGHT_GAPS,
    )
    return report.rounds_simulated, time.perf_counter() - started


def rebuild(
    env: dict[str, str],
    instance_url: str,
    cwd: Path,
    timeout: float,
    profile: Path | None,
    rss_steps: bool = False,
    server: tuple[str, list[str]] | None = None,
    breakdown: bool = False,
    command: Sequence[str] = MATERIALIZE,
) -> Rebuild:
    """One ``command`` child (``slomix-pipeline materialize``); figures measured around it."""
    size_before, events_before = _instance_figures(instance_url)
    last_id = _last_event_id(instance_url)
    # RUSAGE_CHILDREN only grows: run each rebuild from a fresh helper process so its figures
    # are its own (the helper waits for the CLI, so the CLI's usage is folded into the helper's).
    probe = (
        "import resource, subprocess, sys, json, time\n"
        "t = time.perf_counter()\n"
        "try:\n"
        "    p = subprocess.run(sys.argv[1:], capture_output=True, text=True,"
        f" timeout={timeout!r})\n"
        "    code, out = p.returncode, (p.stdout + p.stderr)[-3000:]\n"
        "except subprocess.TimeoutExpired as e:\n"
        "    code, out = None, 'timed out'\n"
        "wall = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([code, wall, u.ru_utime + u.ru_stime, u.ru_maxrss / 1024, out]))\n"
    )
    cli = [sys.executable, *command]
    if profile is not None:  # py-spy's collapsed stacks of the run (pip install py-spy)
        spy = Path(sys.executable).with_name("py-spy")
        cli = [
            str(spy),
            "record",
            "--gil",
            "--format",
            "raw",
            "-r",
            "50",
            "-o",
            str(profile),
            "--",
            *cli,
        ]
    proc = subprocess.Popen(
        [sys.executable, "-c", probe, *cli],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    sampler = StepRssSampler(proc.pid, instance_url) if rss_steps else None
    server_cpu = ServerCpuSampler(*server) if server else None
    stdout, stderr = proc.communicate()
    if proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, stdout, stderr)
    import json

    code, wall, cpu, rss, out = json.loads(stdout.strip().splitlines()[-1])
    pg_cpu = server_cpu.stop() if server_cpu is not None else 0.0
    if sampler is not None:
        print(sampler.stop())
    if breakdown:
        print(event_breakdown(instance_url, last_id))
    size_after, events_after = _instance_figures(instance_url)
    return Rebuild(
        code, wall, cpu, pg_cpu, events_after - events_before, size_before, size_after, out, rss
    )


def postgres_instance_home(tmp: Path) -> Path:
    """A fresh ``DAGSTER_HOME`` under ``tmp`` configured as ``docs/deploy/dagster.postgres.yaml``
    (the instance database comes from ``DAGSTER_PG_URL``)."""
    home = tmp / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        (REPO / "docs" / "deploy" / "dagster.postgres.yaml").read_text()
    )
    return home


def child_environment(**values: str) -> dict[str, str]:
    """This process's environment without its ``SLOMIX_`` / ``DAGSTER_`` settings, plus ``values``:
    the rebuild child sees only what the bench sets."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLOMIX_", "DAGSTER_"))}
    env.update(values)
    return env


def run_size(
    rounds: int,
    admin_url: str,
    timeout: float,
    runs: int,
    cache: Path | None,
    profile: Path | None = None,
    rss_steps: bool = False,
    breakdown: bool = False,
) -> bool:
    with tempfile.TemporaryDirectory(prefix="slomix-history-") as tmp:
        zone = (cache or Path(tmp)) / f"zone-{rounds}"
        home = postgres_instance_home(Path(tmp))
        simulated, generated = generate(zone, rounds)  # a cached zone: rewrites nothing
        warehouse_db, warehouse_url = _create_database(admin_url, "slomix_hist_wh")
        instance_db, instance_url = _create_database(admin_url, "slomix_hist_dg")
        env = child_environment(
            SLOMIX_DATA_DIR=str(zone),
            SLOMIX_DATABASE_URL=warehouse_url,
            DAGSTER_HOME=str(home),
            DAGSTER_PG_URL=instance_url,
            PYTHONPATH=str(REPO),  # this checkout's code, whatever the venv's install points at
        )
        from slomix_pipeline.config import load_settings
        from slomix_pipeline.runner import landed_stats_days

        os.environ["SLOMIX_DATA_DIR"] = str(zone)
        days = landed_stats_days(zone, load_settings())
        span = (days[-1] - days[0]).days + 1
        proximity = "with proximity" if rounds <= 1000 else "no proximity"
        print(
            f"\n== {simulated:,} rounds ({proximity}), {len(days):,} gaming days with play over "
            f"{span:,} calendar days ({days[0]} .. {days[-1]}); generated in {generated:.1f} s"
        )
        ok = True
        try:
            for n in range(1, runs + 1):
                spy = profile / f"rebuild-{rounds}-{n}.txt" if profile else None
                server = (admin_url, [warehouse_db, instance_db])
                r = rebuild(
                    env, instance_url, Path(tmp), timeout, spy, rss_steps, server, breakdown
                )
                growth = r.instance_bytes_after - r.instance_bytes_before
                status = {0: "SUCCESS", None: f"TIMED OUT at {timeout:.0f} s"}.get(
                    r.exit_code, f"exit {r.exit_code}"
                )
                print(
                    f"  rebuild {n}: {status}; wall {r.wall:.1f} s, CPU {r.cpu:.1f} s "
                    f"(+ PostgreSQL {r.server_cpu:.1f} s), "
                    f"peak RSS {r.peak_rss_mb:.0f} MB, events written {r.events:,}, "
                    f"instance {r.instance_bytes_before / 1e6:.1f} -> "
                    f"{r.instance_bytes_after / 1e6:.1f} MB (+{growth / 1e6:.1f} MB, "
                    f"{growth / max(1, r.events):,.0f} B/event)"
                )
                if r.exit_code != 0:
                    ok = False
                    print("    " + r.output_tail.replace("\n", "\n    "))
                    break
        finally:
            _drop_database(admin_url, warehouse_db)
            _drop_database(admin_url, instance_db)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, action="append", help="default: 1000 and 10000")
    parser.add_argument("--postgres", default=DEFAULT_ADMIN, help="admin URL of the server")
    parser.add_argument("--runs", type=int, default=2, help="rebuilds per size (default 2)")
    parser.add_argument("--timeout", type=float, default=1800, help="cap per rebuild, seconds")
    parser.add_argument("--cache", type=Path, help="keep the generated zones here (re-runs)")
    parser.add_argument("--profile", type=Path, help="write py-spy collapsed stacks here")
    parser.add_argument(
        "--rss-steps", action="store_true", help="sample the run's RSS per step (peak per step)"
    )
    parser.add_argument(
        "--events", action="store_true", help="events written by type and asset, with bytes"
    )
    args = parser.parse_args()
    ok = True
    for rounds in args.rounds or [1000, 10000]:
        ok = (
            run_size(
                rounds,
                args.postgres,
                args.timeout,
                args.runs,
                args.cache,
                args.profile,
                args.rss_steps,
                args.events,
            )
            and ok
        )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
