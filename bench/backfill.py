"""Whole-history backfill: N sample nights, a fresh warehouse, one single-run materialization.

    .venv/bin/python bench/backfill.py                      # 40 nights, SQLite
    .venv/bin/python bench/backfill.py --nights 40 --postgres postgresql+psycopg2://postgres@127.0.0.1:5432/postgres

The nights carry the losses real servers have (``sample_data/backfill_cases.py``: restart
captures, an R2 without Lua, capped warm-ups, a night copied with fresh mtimes) and no
acknowledgement file exists. Prints what a new user would see: the first run's status, how many
days got their sessions, the coverage warnings by class (every WARN check's failure reasons,
summed over the days) and the wall time of the run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _postgres_database(admin_url: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"slomix_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)

    def drop() -> None:
        from slomix_pipeline.warehouse.engine import dispose_warehouse

        dispose_warehouse(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    return url, drop


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=40)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--postgres", help="admin URL: run against a fresh PostgreSQL database")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="slomix-backfill-") as tmp:
        zone = Path(tmp) / "zone"
        home = Path(tmp) / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        drop = None
        if args.postgres:
            url, drop = _postgres_database(args.postgres)
        else:
            url = f"sqlite:///{Path(tmp) / 'warehouse.sqlite'}"
        os.environ.update(
            SLOMIX_DATA_DIR=str(zone), SLOMIX_DATABASE_URL=url, DAGSTER_HOME=str(home)
        )
        os.environ.pop("SLOMIX_PARTITION_START", None)  # the default: where the data starts

        import dagster as dg
        from sqlalchemy import func, select

        from slomix_pipeline.config import load_settings
        from slomix_pipeline.runner import landed_stats_days, materialize_range
        from slomix_pipeline.sample_data import generate_landing_zone
        from slomix_pipeline.sample_data.backfill_cases import write_backfill_cases
        from slomix_pipeline.sample_data.generate import default_renderers
        from slomix_pipeline.warehouse.engine import open_warehouse
        from slomix_pipeline.warehouse.schema_sessions import gaming_sessions

        started = time.perf_counter()
        generate_landing_zone(
            zone,
            seed=args.seed,
            nights=args.nights,
            extra_renderers=(*default_renderers(), write_backfill_cases),
        )
        generated = time.perf_counter() - started
        settings = load_settings()
        assert not settings.acknowledgements_path.exists()
        days = landed_stats_days(zone, settings)
        try:
            with dg.DagsterInstance.get() as instance:
                started = time.perf_counter()
                run = materialize_range(days, instance)
                wall = time.perf_counter() - started
                classes: Counter[str] = Counter()
                failed_days: Counter[str] = Counter()
                cap_shifts = 0
                for record in instance.get_records_for_run(
                    run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
                ).records:
                    evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
                    shifts = evaluation.metadata.get("coverage/start_cap_shifts")
                    cap_shifts += int(shifts.value) if shifts is not None else 0
                    if evaluation.passed or evaluation.partition is None:
                        continue
                    reasons = evaluation.metadata.get("failure_reasons")
                    if evaluation.severity == dg.AssetCheckSeverity.ERROR:
                        failed_days[evaluation.check_name] += 1
                    for reason, count in (reasons.value if reasons else {}).items():
                        classes[f"{evaluation.check_name}/{reason}"] += count
            gs = gaming_sessions
            with open_warehouse(url).connect() as conn:
                with_sessions = conn.execute(
                    select(func.count(gs.c.gaming_day.distinct()))
                ).scalar_one()
                sessions = conn.execute(select(func.count()).select_from(gs)).scalar_one()
        finally:
            if drop is not None:
                drop()
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"whole-history backfill: {args.nights} nights, {len(days)} gaming days, {backend}")
    print(f"  sample generation     : {generated:.1f} s")
    print(f"  first run             : {'SUCCESS' if run.success else 'FAILURE'} ({run.run_id})")
    print(f"  days with sessions    : {with_sessions}/{len(days)} ({sessions} sessions)")
    print(f"  blocked (ERROR) days  : {dict(failed_days) or 'none'}")
    print("  warnings by class     :")
    for name, count in sorted(classes.items()):
        print(f"    {name:<45} {count}")
    print(f"  capped warm-ups linked: {cap_shifts} (Lua start moved by the timelimit cap)")
    print(f"  wall time of the run  : {wall:.1f} s ({wall / max(1, len(days)):.2f} s per day)")
    return 0 if run.success else 1


if __name__ == "__main__":
    raise SystemExit(main())
