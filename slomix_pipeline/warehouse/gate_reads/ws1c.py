"""WS1C reads: proximity files, sprint distributions and duplicate natural keys per day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, and_, case, func, select
from sqlalchemy.sql.elements import ColumnElement

from slomix_pipeline.domain.gates import (
    DuplicateKey,
    ProximityFileLink,
    SprintDistribution,
)
from slomix_pipeline.warehouse import schema, schema_proximity
from slomix_pipeline.warehouse.gate_reads.common import in_days
from slomix_pipeline.warehouse.query_parts import by_day, columns, values

_FILE_FIELDS = ("source_file", "round_id", "identity_reason", "sprint_signal", "player_tracks")
"""``ProximityFileLink`` fields that are ``proximity_files`` columns of the same name."""


def read_proximity_files(
    conn: Connection, days: Sequence[date]
) -> dict[date, list[ProximityFileLink]]:
    """Every ``proximity_files`` row of ``days`` with whether its linked round still exists."""
    pf, r = schema_proximity.proximity_files, schema.rounds
    query = (
        select(pf.c.gaming_day, *columns(pf, _FILE_FIELDS), r.c.id.label("stored_round"))
        .select_from(pf.outerjoin(r, r.c.id == pf.c.round_id))
        .where(in_days(pf, days))
    )
    return by_day(
        conn,
        query,
        lambda row: ProximityFileLink(
            **values(row, _FILE_FIELDS), round_exists=row.stored_round is not None
        ),
    )


def read_sprint_distributions(
    conn: Connection, days: Sequence[date]
) -> dict[date, SprintDistribution]:
    """Per day: tracks, tracks with a sprint value, tracks sprinting, min and max."""
    t, pf = schema_proximity.player_track, schema_proximity.proximity_files
    pct = t.c.sprint_percentage
    query = (
        select(
            t.c.gaming_day,
            func.count(),
            func.count(pct),
            func.coalesce(func.sum(case((pct > 0, 1), else_=0)), 0),
            func.min(pct),
            func.max(pct),
        )
        .where(in_days(t, days))
        .group_by(t.c.gaming_day)
    )
    absent_query = (
        select(pf.c.gaming_day, func.count())
        .where(in_days(pf, days), pf.c.sprint_signal == "absent")
        .group_by(pf.c.gaming_day)
    )
    absent = {day: n for day, n in conn.execute(absent_query)}
    out: dict[date, SprintDistribution] = {}
    for day, tracks, valued, nonzero, low, high in conn.execute(query):
        out[day] = SprintDistribution(
            label=day.isoformat(),
            tracks=tracks,
            valued=valued,
            nonzero=int(nonzero),
            minimum=low,
            maximum=high,
            files_signal_absent=absent.get(day, 0),
        )
    return out


@dataclass(slots=True)
class KeyCheck:
    """Duplicate natural keys and rows checked per table, per day."""

    duplicates: dict[date, list[DuplicateKey]] = field(default_factory=lambda: defaultdict(list))
    checked: dict[date, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))


def read_duplicate_keys(conn: Connection, days: Sequence[date]) -> KeyCheck:
    """Natural keys of proximity rounds, engagements and tracks stored more than once.

    Keys follow upstream's (round scope = day, map, round number, round start): a round's file
    landed twice under two names, or a round stored once per header variant, shows up here. Rows
    without a round start cannot be placed and are not compared.
    """
    pf = schema_proximity.proximity_files
    ce = schema_proximity.combat_engagement
    pt = schema_proximity.player_track
    specs: list[tuple[str, Table, list[Any], ColumnElement[bool]]] = [
        (
            "proximity_files",
            pf,
            [pf.c.map_key, pf.c.resolved_round_number, pf.c.round_start_unix, pf.c.round_end_unix],
            pf.c.round_start_unix.is_not(None),
        ),
        (
            "combat_engagement",
            ce,
            [ce.c.map_name, ce.c.round_number, ce.c.round_start_unix, ce.c.engagement_id],
            ce.c.round_start_unix.is_not(None),
        ),
        (
            "player_track",
            pt,
            [
                pt.c.map_name,
                pt.c.round_number,
                pt.c.round_start_unix,
                pt.c.player_guid,
                pt.c.spawn_time_ms,
            ],
            pt.c.round_start_unix.is_not(None),
        ),
    ]
    out = KeyCheck()
    for name, table, key_cols, known in specs:
        counts = select(table.c.gaming_day, func.count()).where(in_days(table, days))
        for day, n in conn.execute(counts.group_by(table.c.gaming_day)):
            out.checked[day][name] = n
        query = (
            select(
                table.c.gaming_day,
                *key_cols,
                func.count().label("n"),
                func.aggregate_strings(table.c.source_file, ",").label("files"),
            )
            .where(and_(in_days(table, days), known))
            .group_by(table.c.gaming_day, *key_cols)
            .having(func.count() > 1)
        )
        for row in conn.execute(query):
            key = " ".join(str(row._mapping[c.name]) for c in key_cols)
            files = tuple(sorted(set(row.files.split(","))))
            out.duplicates[row.gaming_day].append(DuplicateKey(name, key, row.n, files))
    return out
