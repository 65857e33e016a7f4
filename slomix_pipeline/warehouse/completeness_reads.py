"""Reads behind the stats-completeness gate: a day's stats rounds, their stored player count,
the R2 paired with each R1, and the ``VS_HEADER`` subjects of the endstats side-cars linked to
them (``domain.stats_completeness``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Connection, func, select

from slomix_pipeline.domain.stats_completeness import CompletenessRound, EndstatsSubject
from slomix_pipeline.warehouse import schema, schema_endstats

__all__ = ["read_completeness_rounds"]


def read_completeness_rounds(
    conn: Connection, days: Sequence[date]
) -> dict[date, list[CompletenessRound]]:
    """Per day (the stats round's own gaming day): every round with its evidence."""
    r, p = schema.rounds, schema.player_comprehensive_stats
    vs = schema_endstats.round_vs_stats
    rows = list(
        conn.execute(
            select(r.c.id, r.c.gaming_day, r.c.round_key, r.c.round_number, r.c.match_id).where(
                r.c.gaming_day.in_(days)
            )
        )
    )
    ids = [row.id for row in rows]
    players: dict[int, int] = {}
    subjects: dict[int, set[EndstatsSubject]] = {}
    r2_of: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        players.update(
            conn.execute(
                select(p.c.round_id, func.count())
                .where(p.c.round_id.in_(chunk))
                .group_by(p.c.round_id)
            ).all()
        )
        query = select(
            vs.c.round_id,
            vs.c.subject_guid,
            vs.c.subject_name,
            vs.c.subject_guid_status,
            vs.c.source_file,
        ).where(vs.c.round_id.in_(chunk), vs.c.subject_guid_full.is_not(None))
        for rid, guid, name, status, source in conn.execute(query.distinct()):
            subjects.setdefault(rid, set()).add(
                EndstatsSubject(guid or "", name or "", status, source)
            )
    r1_matches = sorted({row.match_id for row in rows if row.round_number == 1})
    for start in range(0, len(r1_matches), 500):
        chunk = r1_matches[start : start + 500]
        query = select(r.c.match_id, r.c.round_key).where(
            r.c.match_id.in_(chunk), r.c.round_number == 2
        )
        for match_id, key in conn.execute(query.order_by(r.c.round_key)):
            r2_of.setdefault(match_id, key)
    out: dict[date, list[CompletenessRound]] = {day: [] for day in days}
    for row in rows:
        out[row.gaming_day].append(
            CompletenessRound(
                row.round_key,
                row.round_number,
                players.get(row.id, 0),
                tuple(sorted(subjects.get(row.id, ()), key=lambda s: (s.guid, s.source_file))),
                r2_of.get(row.match_id) if row.round_number == 1 else None,
            )
        )
    return out
