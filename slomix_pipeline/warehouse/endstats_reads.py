"""Reads behind the endstats gate: the day's stats rounds (with their Lua/proximity links),
endstats ledger rows, linked awards and the player rows those awards name."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from slomix_pipeline.domain.endstats import DERIVABLE_AWARDS
from slomix_pipeline.domain.endstats_gate import AwardFact, EndstatsFileFact, RoundFact
from slomix_pipeline.warehouse import schema, schema_endstats, schema_proximity, schema_sessions

__all__ = ["EndstatsDay", "read_endstats_days"]

_METRICS = sorted(set(DERIVABLE_AWARDS.values()))


class EndstatsDay:
    """Everything the gate needs for one day."""

    def __init__(self) -> None:
        self.rounds: list[RoundFact] = []
        self.files: list[EndstatsFileFact] = []
        self.awards: list[AwardFact] = []
        self.guid_statuses: dict[str, int] = {}


def read_endstats_days(
    conn: Connection, days: Sequence[date]
) -> tuple[dict[date, EndstatsDay], dict[tuple[int, str], dict[str, Any]]]:
    """Per day: rounds, files, awards; and the player rows of those rounds (and their R1s)."""
    out = {day: EndstatsDay() for day in days}
    r, links = schema.rounds, schema_sessions.round_links
    pf = schema_proximity.proximity_files
    r1 = r.alias("r1")
    prox_ids = {
        row[0]
        for row in conn.execute(
            select(pf.c.round_id).where(pf.c.gaming_day.in_(days), pf.c.round_id.is_not(None))
        )
    }
    lua_ids = {
        row[0]
        for row in conn.execute(
            select(links.c.round_id).where(
                links.c.gaming_day.in_(days), links.c.lua_round_id.is_not(None)
            )
        )
    }
    query = (
        select(
            r.c.gaming_day,
            r.c.id,
            r.c.round_key,
            r.c.map_key,
            r.c.round_number,
            r.c.file_time_unix,
            r1.c.id,
            r.c.is_orphan_r2,
        )
        .select_from(
            r.outerjoin(
                r1,
                and_(r1.c.match_id == r.c.match_id, r1.c.round_number == 1, r.c.round_number == 2),
            )
        )
        .where(r.c.gaming_day.in_(days))
    )
    round_ids: set[int] = set()
    for day, rid, key, mkey, num, ftime, r1_id, orphan in conn.execute(query):
        out[day].rounds.append(
            RoundFact(
                rid, key, mkey, num, ftime, r1_id, rid in lua_ids, rid in prox_ids, bool(orphan)
            )
        )
        round_ids.add(rid)
        if r1_id is not None:
            round_ids.add(r1_id)
    ef, aw = schema_endstats.endstats_files, schema_endstats.round_awards
    for row in conn.execute(
        select(
            ef.c.gaming_day,
            ef.c.source_file,
            ef.c.map_key,
            ef.c.round_number,
            ef.c.written_unix,
            ef.c.status,
            ef.c.reason,
            ef.c.round_id,
            ef.c.award_lines,
        ).where(ef.c.gaming_day.in_(days))
    ):
        out[row[0]].files.append(EndstatsFileFact(*row[1:]))
    for row in conn.execute(
        select(
            aw.c.gaming_day,
            aw.c.source_file,
            aw.c.round_id,
            aw.c.award_name,
            aw.c.scope,
            aw.c.player_guid,
            aw.c.award_value_numeric,
            aw.c.player_guid_status,
        ).where(aw.c.gaming_day.in_(days), aw.c.award_status == "awarded")
    ):
        day_data = out[row[0]]
        status = row[7]
        day_data.guid_statuses[status] = day_data.guid_statuses.get(status, 0) + 1
        if row[2] is not None:
            day_data.awards.append(AwardFact(*row[1:7]))
    p = schema.player_comprehensive_stats
    players: dict[tuple[int, str], dict[str, Any]] = {}
    ids = sorted(round_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        cols = [p.c.round_id, p.c.player_guid, *(p.c[m] for m in _METRICS)]
        for row in conn.execute(select(*cols).where(p.c.round_id.in_(chunk))):
            players[(row[0], row[1])] = dict(zip(_METRICS, row[2:], strict=True))
    return out, players
