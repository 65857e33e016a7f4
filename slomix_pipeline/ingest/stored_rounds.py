"""The stored ``rounds`` rows as linking, the Lua truth and sessions read them.

One reader for both consumers, so the link tables and the session tables are built from the
very same view of a round (its file time in the server zone, its effective-timing facts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from slomix_pipeline.domain.linking.records import StatsRoundRef
from slomix_pipeline.domain.lua_truth import RoundFacts
from slomix_pipeline.domain.stopwatch import SRC_HEADER_SHUTDOWN
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.writes import TableSlice


@dataclass(frozen=True, slots=True)
class StoredRoundInfo:
    """The ``rounds`` columns linking, the Lua truth and sessions need."""

    round_id: int
    round_key: str
    gaming_day: date
    map_key: str
    map_name: str
    round_number: int
    match_id: str
    file_time_local: datetime
    file_time_unix: int
    file_time_ambiguous: bool
    time_limit_seconds: int | None
    actual_time_seconds: int | None
    round_duration_ms: int | None
    round_duration_seconds: int | None
    map_time_limit_seconds: int | None
    end_reason: str | None
    end_reason_source: str | None
    winner_team: int
    defender_team: int
    round_status: str
    is_orphan_r2: bool
    is_bot_round: bool
    source_file: str
    source_sha256: str

    def ref(self, tz: ZoneInfo) -> StatsRoundRef:
        alt = None
        if self.file_time_ambiguous:
            second = int(self.file_time_local.replace(tzinfo=tz, fold=1).timestamp())
            alt = second if second != self.file_time_unix else None
        return StatsRoundRef(
            self.round_id, self.map_key, self.round_number, self.file_time_unix, alt
        )

    def facts(self) -> RoundFacts:
        return RoundFacts(
            self.round_id,
            self.actual_time_seconds,
            self.round_duration_seconds,
            self.winner_team,
            self.defender_team,
            self.is_orphan_r2,
            round_number=self.round_number,
            limit_seconds=self.time_limit_seconds,
            duration_ms=self.round_duration_ms,
            map_limit_seconds=self.map_time_limit_seconds,
            shutdown=self.end_reason_source == SRC_HEADER_SHUTDOWN,
        )


def read_rounds(conn: Connection, days: Sequence[date]) -> list[StoredRoundInfo]:
    t = schema.rounds
    cols = [
        t.c.id.label("round_id") if name == "round_id" else t.c[name]
        for name in StoredRoundInfo.__dataclass_fields__
    ]
    query = select(*cols).where(TableSlice(t, days).condition())
    return [StoredRoundInfo(**row._mapping) for row in conn.execute(query)]
