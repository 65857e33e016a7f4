"""The short warehouse summary printed by ``slomix-pipeline demo`` / ``materialize``."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Integer, func, select

from slomix_pipeline.config import Settings
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.engine import open_warehouse


def print_summary(settings: Settings, days: list[date], elapsed_seconds: float) -> None:
    """Files, rounds, players and rejects of ``days``, read back from the warehouse."""
    engine = open_warehouse(settings.database_url)
    pf, rounds, players = (
        schema.processed_files,
        schema.rounds,
        schema.player_comprehensive_stats,
    )
    in_days = pf.c.gaming_day.between(days[0], days[-1])
    with engine.connect() as conn:
        by_status = dict(
            conn.execute(
                select(pf.c.status, func.count())
                .where(in_days, pf.c.source == "stats")
                .group_by(pf.c.status)
            ).all()
        )
        rejects = conn.execute(
            select(pf.c.file_name, pf.c.reason)
            .where(in_days, pf.c.source == "stats", pf.c.status.in_(["rejected", "changed"]))
            .order_by(pf.c.file_name)
        ).all()
        round_count, orphan_count = conn.execute(
            select(
                func.count(), func.coalesce(func.sum(rounds.c.is_orphan_r2.cast(Integer)), 0)
            ).where(rounds.c.gaming_day.between(days[0], days[-1]))
        ).one()
        player_rows, distinct_players = conn.execute(
            select(func.count(), func.count(players.c.player_guid.distinct())).where(
                players.c.gaming_day.between(days[0], days[-1])
            )
        ).one()
    total = sum(by_status.values())
    print(f"\nSummary for gaming days {days[0]} .. {days[-1]} ({elapsed_seconds:.1f} s)")
    print(
        f"  stats files : {total} seen, {by_status.get('loaded', 0)} loaded, "
        f"{by_status.get('ignored', 0)} side-cars ignored, "
        f"{by_status.get('rejected', 0) + by_status.get('changed', 0)} rejected"
    )
    print(f"  rounds      : {round_count} ({orphan_count} orphan R2)")
    print(f"  players     : {distinct_players} distinct, {player_rows} player-round rows")
    if rejects:
        print("  rejects     :")
        for name, reason in rejects:
            print(f"    {name}: {reason}")
