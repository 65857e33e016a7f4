"""Lua round timing for a set of gaming days: landing zone -> parse -> ``lua_events`` -> merge.

Two steps, each one transaction, each the body of one Dagster asset:

1. :func:`ingest_lua_source_days` reads one source's landing folder (``webhook_drops/`` or
   ``local_gametimes/``), parses every file, records each file's outcome in ``processed_files``
   (``loaded`` / ``ignored`` for valid messages that are not round ends / ``rejected`` with the
   parser's reason) and writes that source's slice of ``lua_events``: one row per event, carrying
   the normalised event as deterministic JSON.
2. :func:`build_lua_round_teams_days` reads ``lua_events`` of the days back, folds them with
   ``merge_round_ends`` and replaces ``lua_round_teams`` and ``lua_spawn_stats``.

Rules it enforces:
- An event belongs to the gaming day of its round *end* (server time zone); a file that yields no
  event (ignored or rejected) belongs to the day its name stamp or content states
  (:mod:`slomix_pipeline.formats.lua_day_hint`), and to its landing time (mtime) only when it
  states none: an archive copied with fresh mtimes files every reject on its own night.
- The arrival time of a delivery is the landed file's mtime: the receiver keeps the first arrival
  of an identical redelivery, so the tables are a pure function of the landing zone.
- Only files landed at or after the start of the first day minus :data:`ARRIVAL_MARGIN_SECONDS`
  are parsed: a delivery always lands after its round ended, so older files cannot hold events of
  these days, and a run does not re-read the whole history. "Landed" is the latest of mtime,
  ctime and (gametime) the name's round end, so a copy that preserved an old mtime is still read.
- One file's failure (unreadable, a bug) is that file's ``rejected`` row, never the run's; a
  symlink, directory or undecodable name is recorded as rejected too; a file whose day changed
  (a rejected body replaced by a valid one) moves to its new day instead of colliding.
- Lua deliveries are replaceable by design (content-addressed webhook drops, gametime re-sends),
  so unlike stats files a changed file is simply re-read, never quarantined.

Where each part lives: the sources and outcomes in :mod:`~slomix_pipeline.ingest.lua_sources`,
the plan in :mod:`~slomix_pipeline.ingest.lua_plan`, the stored JSON in
:mod:`~slomix_pipeline.ingest.lua_event_json`, the ids in
:mod:`~slomix_pipeline.ingest.lua_identity`, the written rows in
:mod:`~slomix_pipeline.ingest.lua_rows`; this module runs the two steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.lua_events import merge_round_ends
from slomix_pipeline.domain.lua_merged_rows import (
    EventProvenance,
    MergeResult,
)
from slomix_pipeline.domain.lua_records import (
    LuaRoundEnd,
    LuaRoundKey,
)
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.ingest.lua_build_report import LuaBuildReport, QuarantinedFile
from slomix_pipeline.ingest.lua_event_json import event_from_json
from slomix_pipeline.ingest.lua_ingest_report import LuaIngestReport
from slomix_pipeline.ingest.lua_plan import iter_lua_source_plans
from slomix_pipeline.ingest.lua_rows import Placement, spawn_row, team_row
from slomix_pipeline.ingest.lua_sources import SOURCE_FOLDERS
from slomix_pipeline.warehouse import schema, schema_lua
from slomix_pipeline.warehouse.writes import (
    TableSlice,
    clear_moved_files,
    insert_rows,
    replace_partition,
)


def plan_lua_source_days(
    data_dir: Path, days: Sequence[date], settings: Settings, source: str
) -> LuaIngestReport:
    """Every outcome and every event of ``days`` for one source; no database access."""
    report = LuaIngestReport(source=source, days=sorted(set(days)))
    for part in iter_lua_source_plans(data_dir, report.days, settings, source):
        report.add(part, keep_events=True)
    return report


def ingest_lua_source_days(
    engine: Engine, data_dir: Path, days: Sequence[date], settings: Settings, source: str
) -> LuaIngestReport:
    """Rebuild one source's slice of ``processed_files`` and ``lua_events`` for ``days``.

    One transaction: the range's slices are deleted, then the files are planned and inserted
    in batches (:func:`iter_lua_source_plans`), so memory holds one batch's events, not the
    range's. The report keeps every outcome; it keeps the events only for a one-batch run.
    """
    report = LuaIngestReport(source=source, days=sorted(set(days)))
    if not report.days:
        return report
    processed, events = schema.processed_files, schema_lua.lua_events
    slices = (
        TableSlice(processed, report.days, where=processed.c.source == source),
        TableSlice(events, report.days, where=events.c.source == source),
    )
    parts = 0
    with engine.begin() as conn:
        for part in iter_lua_source_plans(data_dir, report.days, settings, source):
            names = [o.file_name for o in part.outcomes]
            clear_moved_files(
                conn, processed, processed.c.file_name, names, report.days, slices[0].where
            )
            clear_moved_files(
                conn, events, events.c.source_file, names, report.days, slices[1].where
            )
            rows = ([o.as_row() for o in part.outcomes], [e.as_row() for e in part.events])
            if parts == 0:  # deletes the range's slices first, then inserts
                written = replace_partition(conn, list(zip(slices, rows, strict=True)))
            else:
                written = {}
                for table_slice, table_rows in zip(slices, rows, strict=True):
                    insert_rows(conn, table_slice.table, table_rows)
                    written[table_slice.table.name] = len(table_rows)
            for table, count in written.items():
                report.rows_written[table] = report.rows_written.get(table, 0) + count
            parts += 1
            report.add(part, keep_events=parts == 1)
            if parts == 2:  # more than one batch: the events were written, counts remain
                report.events = []
    return report


def _read_quarantined(engine: Engine, days: Sequence[date]) -> list[QuarantinedFile]:
    table = schema.processed_files
    query = (
        select(table.c.source, table.c.file_name, table.c.reason)
        .where(
            TableSlice(table, days).condition(),
            table.c.source.in_(sorted(SOURCE_FOLDERS)),
            table.c.status == "rejected",
        )
        .order_by(table.c.source, table.c.file_name)
    )
    with engine.connect() as conn:
        return [QuarantinedFile(r.source, r.file_name, r.reason or "") for r in conn.execute(query)]


def build_lua_round_teams_days(engine: Engine, days: Sequence[date]) -> LuaBuildReport:
    """Merge the ``lua_events`` of ``days`` into ``lua_round_teams`` + ``lua_spawn_stats``.

    Every delivery of one round end shares its round end, hence its gaming day, so a day's rows
    only ever depend on that day's events: single days and ranges give the same tables, and a
    range is merged and written in chunks of days (``ingest.day_chunks``) inside one transaction.
    The report keeps the merged rows only for a one-chunk run; it counts them always.
    """
    report = LuaBuildReport(days=sorted(set(days)))
    if not report.days:
        return report
    chunks = list(day_chunks(report.days))
    with engine.begin() as conn:
        for chunk in chunks:
            merge = _merge_chunk(conn, chunk, report)
            if len(chunks) == 1:
                report.merge = merge
    report.quarantined = _read_quarantined(engine, report.days)
    return report


def _merge_chunk(conn: Connection, days: list[date], report: LuaBuildReport) -> MergeResult:
    """Merge and write one chunk of days on the caller's transaction, counting into ``report``."""
    events_table = schema_lua.lua_events
    query = select(events_table).where(TableSlice(events_table, days).condition())
    items: list[tuple[LuaRoundEnd, EventProvenance]] = []
    placement: dict[LuaRoundKey, Placement] = {}
    shas: dict[tuple[str, str], str] = {}
    for row in conn.execute(query):
        event = event_from_json(row.event_json)
        items.append((event, EventProvenance(row.source_file, row.source_sha256, row.received_at)))
        placement.setdefault(event.key, Placement(row.gaming_day, row.match_id))
        shas[(row.source, row.source_file)] = row.source_sha256
    merge = merge_round_ends(items)
    report.count(len(items), merge)
    team_rows = [team_row(t, placement[t.key]) for t in merge.teams]
    spawn_rows = [
        spawn_row(
            s,
            placement[LuaRoundKey(s.map_key, s.round_number, s.round_start_unix, s.round_end_unix)],
            shas[(s.source, s.source_file)],
        )
        for s in merge.spawn_rows
    ]
    written = replace_partition(
        conn,
        [
            (TableSlice(schema_lua.lua_round_teams, days), team_rows),
            (TableSlice(schema_lua.lua_spawn_stats, days), spawn_rows),
        ],
    )
    for table, count in written.items():
        report.rows_written[table] = report.rows_written.get(table, 0) + count
    return merge
