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
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, select

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_bounds_epoch
from slomix_pipeline.domain.identity import stable_id
from slomix_pipeline.domain.lua_end_reason import EndReason
from slomix_pipeline.domain.lua_events import merge_round_ends
from slomix_pipeline.domain.lua_merged_rows import (
    EventProvenance,
    LuaRoundTeam,
    LuaSpawnRow,
    MergeResult,
)
from slomix_pipeline.domain.lua_records import (
    SOURCE_GAMETIME,
    SOURCE_WEBHOOK,
    LuaPause,
    LuaRoundEnd,
    LuaRoundKey,
    RosterPlayer,
    SpawnStat,
)
from slomix_pipeline.domain.lua_rejections import IgnoredMessage, LuaRejection
from slomix_pipeline.domain.lua_values import gaming_day_of
from slomix_pipeline.formats.gametime import (
    GAMETIME_NAME_RE,
    MAX_GAMETIME_BYTES,
    parse_gametime_file,
)
from slomix_pipeline.formats.lua_day_hint import round_end_hint
from slomix_pipeline.formats.webhook import MAX_BODY_BYTES, parse_webhook_body
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.ingest.outcomes import (
    FileOutcome,
    OutcomeCounts,
    failed_outcome,
    oversized_outcome,
    unusable_outcome,
)
from slomix_pipeline.landing.zone import (
    GAMETIMES_FOLDER,
    WEBHOOK_FOLDER,
    LandedFile,
    iter_landed,
    iter_unusable,
    sha256_hex,
)
from slomix_pipeline.warehouse import schema, schema_lua
from slomix_pipeline.warehouse.writes import (
    TableSlice,
    clear_moved_files,
    insert_rows,
    replace_partition,
)

SOURCE_FOLDERS: dict[str, str] = {SOURCE_WEBHOOK: WEBHOOK_FOLDER, SOURCE_GAMETIME: GAMETIMES_FOLDER}
"""Landing folder of each Lua source."""

ARRIVAL_MARGIN_SECONDS = 3600
"""Files landed this long before the first day starts are still read (clock skew, DST)."""

EVENT_JSON_VERSION = 1

_DROP_NAME_RE = re.compile(r"^(?P<kind>[a-z0-9_]+)_[0-9a-f]{64}\.json$")


# ------------------------------------------------------------------------------------ identities


def lua_round_key(key: LuaRoundKey) -> str:
    """Natural key text of a round end (input of its deterministic id)."""
    return f"lua:{key.map_key}:R{key.round_number}:{key.round_start_unix}:{key.round_end_unix}"


def lua_round_id(key: LuaRoundKey) -> int:
    """``lua_round_teams.id``: the same round end always gets the same id, in any run order."""
    return stable_id(lua_round_key(key))


def match_id_of(round_end_unix: int, tz: ZoneInfo) -> str:
    """Upstream's ``match_id`` (round end on the wall clock), here in the *server's* zone."""
    return datetime.fromtimestamp(round_end_unix, tz).strftime("%Y-%m-%d-%H%M%S")


# ------------------------------------------------------------------------------ event <-> JSON


def event_to_json(event: LuaRoundEnd) -> str:
    """The event as deterministic JSON text (sorted keys, compact), lossless for the merge."""
    document: dict[str, Any] = {
        "v": EVENT_JSON_VERSION,
        "source": event.source,
        "map_name": event.map_name,
        "map_key": event.map_key,
        "round_number": event.round_number,
        "round_start_unix": event.round_start_unix,
        "round_end_unix": event.round_end_unix,
        "actual_duration_seconds": event.actual_duration_seconds,
        "total_pause_seconds": event.total_pause_seconds,
        "pause_count": event.pause_count,
        "pauses": [list(p) for p in event.pauses],
        "end_reason": event.end_reason.value,
        "end_reason_raw": event.end_reason_raw,
        "winner_team": event.winner_team,
        "defender_team": event.defender_team,
        "timelimit_minutes": event.timelimit_minutes,
        "warmup_seconds": event.warmup_seconds,
        "warmup_start_unix": event.warmup_start_unix,
        "surrender_team": event.surrender_team,
        "surrender_caller_guid": event.surrender_caller_guid,
        "surrender_caller_name": event.surrender_caller_name,
        "axis_score": event.axis_score,
        "allies_score": event.allies_score,
        "axis_players": [list(p) for p in event.axis_players],
        "allies_players": [list(p) for p in event.allies_players],
        "spawn_stats": [
            [
                s.guid,
                s.name,
                s.spawns,
                s.deaths,
                s.dead_seconds,
                s.avg_respawn_seconds,
                s.max_respawn_seconds,
            ]
            for s in event.spawn_stats
        ],
        "lua_version": event.lua_version,
        "message_id": event.message_id,
        "warnings": list(event.warnings),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def event_from_json(text: str) -> LuaRoundEnd:
    """Inverse of :func:`event_to_json`; an unknown version is an error, never a guess."""
    d = json.loads(text)
    if d.get("v") != EVENT_JSON_VERSION:
        raise ValueError(f"lua_events.event_json version {d.get('v')!r} is not supported")
    return LuaRoundEnd(
        source=d["source"],
        map_name=d["map_name"],
        map_key=d["map_key"],
        round_number=d["round_number"],
        round_start_unix=d["round_start_unix"],
        round_end_unix=d["round_end_unix"],
        actual_duration_seconds=d["actual_duration_seconds"],
        total_pause_seconds=d["total_pause_seconds"],
        pause_count=d["pause_count"],
        pauses=tuple(LuaPause(*p) for p in d["pauses"]),
        end_reason=EndReason(d["end_reason"]),
        end_reason_raw=d["end_reason_raw"],
        winner_team=d["winner_team"],
        defender_team=d["defender_team"],
        timelimit_minutes=d["timelimit_minutes"],
        warmup_seconds=d["warmup_seconds"],
        warmup_start_unix=d["warmup_start_unix"],
        surrender_team=d["surrender_team"],
        surrender_caller_guid=d["surrender_caller_guid"],
        surrender_caller_name=d["surrender_caller_name"],
        axis_score=d["axis_score"],
        allies_score=d["allies_score"],
        axis_players=tuple(RosterPlayer(*p) for p in d["axis_players"]),
        allies_players=tuple(RosterPlayer(*p) for p in d["allies_players"]),
        spawn_stats=tuple(SpawnStat(*s) for s in d["spawn_stats"]),
        lua_version=d["lua_version"],
        message_id=d["message_id"],
        warnings=tuple(d["warnings"]),
    )


def _json_text(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def roster_json(players: Iterable[RosterPlayer]) -> str:
    """Roster column text: ``[{"guid":..,"name":..}]`` in the order the Lua listed the players."""
    return _json_text([{"guid": p.guid, "name": p.name} for p in players])


def pauses_json(pauses: Iterable[LuaPause]) -> str:
    """``lua_pause_events`` column text: ``[{"n":..,"start":..,"end":..,"sec":..}]``."""
    return _json_text(
        [{"n": p.n, "start": p.start_unix, "end": p.end_unix, "sec": p.seconds} for p in pauses]
    )


# ------------------------------------------------------------------------------- step 1: ingest


@dataclass(frozen=True, slots=True)
class LandedEvent:
    """A parsed event with its delivery and the partition it belongs to."""

    event: LuaRoundEnd
    provenance: EventProvenance
    gaming_day: date
    match_id: str

    def as_row(self) -> dict[str, object]:
        e = self.event
        return {
            "source": e.source,
            "source_file": self.provenance.file_name,
            "source_sha256": self.provenance.sha256,
            "received_at": self.provenance.received_at,
            "gaming_day": self.gaming_day,
            "lua_round_id": lua_round_id(e.key),
            "match_id": self.match_id,
            "map_key": e.map_key,
            "map_name": e.map_name,
            "round_number": e.round_number,
            "round_start_unix": e.round_start_unix,
            "round_end_unix": e.round_end_unix,
            "event_json": event_to_json(e),
        }


@dataclass(slots=True)
class LuaIngestReport(OutcomeCounts):
    """The outcome of one source's ingestion over ``days`` (input for asset metadata)."""

    source: str
    days: list[date]
    outcomes: list[FileOutcome] = field(default_factory=list)
    events: list[LandedEvent] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    files_parsed: int = 0
    files_before_window: int = 0
    bytes_read: int = 0
    events_loaded: int = 0

    def add(self, part: LuaIngestReport, *, keep_events: bool) -> None:
        """Fold one batch's plan into this report (its events only when ``keep_events``)."""
        self.outcomes.extend(part.outcomes)
        if keep_events:
            self.events.extend(part.events)
        self.events_loaded += len(part.events)
        self.files_parsed += part.files_parsed
        self.files_before_window += part.files_before_window
        self.bytes_read += part.bytes_read


def _kind_from_name(source: str, name: str) -> str:
    if source == SOURCE_GAMETIME:
        return "gametime" if GAMETIME_NAME_RE.match(name) else "unknown"
    match = _DROP_NAME_RE.match(name)
    return match.group("kind") if match else "unknown"


def parse_landed(
    source: str, name: str, data: bytes
) -> LuaRoundEnd | IgnoredMessage | LuaRejection:
    """Dispatch one landed file to its source's parser."""
    if source == SOURCE_WEBHOOK:
        return parse_webhook_body(data)
    if source == SOURCE_GAMETIME:
        return parse_gametime_file(name, data)
    raise ValueError(f"unknown Lua source {source!r} (expected one of {sorted(SOURCE_FOLDERS)})")


def _outcome(
    source: str,
    landed: LandedFile,
    data: bytes,
    parsed: LuaRoundEnd | IgnoredMessage | LuaRejection,
    day: date,
) -> FileOutcome:
    base = {
        "source": source,
        "file_name": landed.name,
        "gaming_day": day,
        "size_bytes": len(data),
        "sha256": sha256_hex(data),
    }
    if isinstance(parsed, LuaRoundEnd):
        kind = "gametime" if source == SOURCE_GAMETIME else "stats_ready"
        return FileOutcome(kind=kind, status="loaded", warnings=parsed.warnings, **base)
    kind = _kind_from_name(source, landed.name)
    if isinstance(parsed, IgnoredMessage):
        return FileOutcome(
            kind=parsed.kind,
            status="ignored",
            reason=f"not_stats_ready:{parsed.kind}: {parsed.detail}",
            **base,
        )
    return FileOutcome(
        kind=kind, status="rejected", reason=f"{parsed.reason.value}: {parsed.detail}", **base
    )


def plan_lua_source_days(
    data_dir: Path, days: Sequence[date], settings: Settings, source: str
) -> LuaIngestReport:
    """Every outcome and every event of ``days`` for one source; no database access."""
    report = LuaIngestReport(source=source, days=sorted(set(days)))
    for part in iter_lua_source_plans(data_dir, report.days, settings, source):
        report.add(part, keep_events=True)
    return report


BATCH_FILES = 500
"""Landed files planned (and, by :func:`ingest_lua_source_days`, written) per batch."""


def iter_lua_source_plans(
    data_dir: Path,
    days: Sequence[date],
    settings: Settings,
    source: str,
    batch_files: int = BATCH_FILES,
) -> Iterator[LuaIngestReport]:
    """:func:`plan_lua_source_days` in batches of landed files, so a caller can write and drop
    each batch: a file's day is known only once it is parsed (the round end it carries), so the
    range cannot be cut into days before reading."""
    if source not in SOURCE_FOLDERS:
        raise ValueError(
            f"unknown Lua source {source!r} (expected one of {sorted(SOURCE_FOLDERS)})"
        )
    wanted = set(days)
    if not wanted:
        return
    ordered = sorted(wanted)
    tz = settings.server_tz
    first_start, _ = gaming_day_bounds_epoch(ordered[0], tz, settings.day_start_hour)
    not_before = first_start - ARRIVAL_MARGIN_SECONDS
    folder = data_dir / SOURCE_FOLDERS[source]
    day_start = settings.day_start_hour
    report = LuaIngestReport(source=source, days=ordered)
    for entry in iter_unusable(data_dir, SOURCE_FOLDERS[source]):
        day = gaming_day_of(entry.mtime_ns // 1_000_000_000, tz, day_start)
        if day in wanted:
            report.outcomes.append(unusable_outcome(source, entry, day))
    in_batch = 0
    for landed in iter_landed(data_dir, SOURCE_FOLDERS[source]):
        received_at = landed.mtime_ns // 1_000_000_000
        if _latest_evidence(source, landed) < not_before:
            report.files_before_window += 1
            continue
        try:
            _plan_file(report, source, folder, landed, received_at, wanted, settings)
        except Exception as exc:  # one file's failure never costs the partition
            day = gaming_day_of(received_at, tz, day_start)
            if day in wanted:
                code = "unreadable_file" if isinstance(exc, OSError) else "ingest_error"
                report.outcomes.append(failed_outcome(source, landed.name, day, exc, code=code))
        in_batch += 1
        if in_batch >= batch_files:
            yield report
            report, in_batch = LuaIngestReport(source=source, days=ordered), 0
    yield report


def _latest_evidence(source: str, landed: LandedFile) -> int:
    """The latest time a file could belong to (epoch s): landing mtime, ctime, or name stamp.

    Files before the run's window are skipped unread (the landing zone grows for ever). The
    mtime alone is not enough: a copy that preserves it (``cp -p``, ``rsync -t``, an SFTP client)
    still gets a fresh ctime, and a gametime file's name carries its round end.
    """
    latest = max(landed.mtime_ns, landed.ctime_ns) // 1_000_000_000
    if source == SOURCE_GAMETIME and (match := GAMETIME_NAME_RE.match(landed.name)):
        stamp = match.group("ts")
        if len(stamp) <= 12:
            latest = max(latest, int(stamp))
    return latest


def _plan_file(
    report: LuaIngestReport,
    source: str,
    folder: Path,
    landed: LandedFile,
    received_at: int,
    wanted: set[date],
    settings: Settings,
) -> None:
    """Read, parse and file one landed file; its outcome (and event) go into ``report``."""
    tz = settings.server_tz
    limit = MAX_GAMETIME_BYTES if source == SOURCE_GAMETIME else MAX_BODY_BYTES
    if landed.size > limit:  # refused on its size, never loaded
        day = gaming_day_of(received_at, tz, settings.day_start_hour)
        if day in wanted:
            report.outcomes.append(
                oversized_outcome(
                    source, folder / landed.name, landed.name, landed.size, day, limit
                )
            )
        return
    data = (folder / landed.name).read_bytes()
    report.files_parsed += 1
    report.bytes_read += len(data)
    parsed = parse_landed(source, landed.name, data)
    if isinstance(parsed, LuaRoundEnd):
        day = gaming_day_of(parsed.round_end_unix, tz, settings.day_start_hour)
    else:  # what the file says (name stamp, content), its landing time only as last resort
        said = round_end_hint(landed.name, data)
        day = gaming_day_of(said or received_at, tz, settings.day_start_hour)
    if day not in wanted:
        return
    outcome = _outcome(source, landed, data, parsed, day)
    report.outcomes.append(outcome)
    if isinstance(parsed, LuaRoundEnd):
        provenance = EventProvenance(landed.name, outcome.sha256, received_at)
        report.events.append(
            LandedEvent(parsed, provenance, day, match_id_of(parsed.round_end_unix, tz))
        )


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


# -------------------------------------------------------------------------------- step 2: merge


@dataclass(frozen=True, slots=True)
class QuarantinedFile:
    """A Lua file of these days that could not become an event (from ``processed_files``)."""

    source: str
    file_name: str
    reason: str


@dataclass(slots=True)
class LuaBuildReport:
    """The outcome of one merge over ``days`` (input for asset metadata)."""

    days: list[date]
    events_read: int = 0
    merge: MergeResult | None = None
    """The merged rows of a one-chunk run (``None`` over several chunks: see the counts)."""
    quarantined: list[QuarantinedFile] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    teams_count: int = 0
    spawn_rows_count: int = 0
    duplicates_merged: int = 0
    events_by_source: Counter[str] = field(default_factory=Counter)
    rows_by_sources_count: Counter[str] = field(default_factory=Counter)

    def count(self, events_read: int, merge: MergeResult) -> None:
        """Add one chunk's merge to the counts."""
        self.events_read += events_read
        self.teams_count += len(merge.teams)
        self.spawn_rows_count += len(merge.spawn_rows)
        self.duplicates_merged += merge.duplicates_merged
        self.events_by_source.update(merge.events_by_source)
        self.rows_by_sources_count.update(merge.rows_by_sources)

    @property
    def teams(self) -> tuple[LuaRoundTeam, ...]:
        return self.merge.teams if self.merge else ()

    @property
    def spawn_rows(self) -> tuple[LuaSpawnRow, ...]:
        return self.merge.spawn_rows if self.merge else ()

    def rounds_by_sources(self) -> dict[str, int]:
        """Rows keyed ``webhook`` / ``gametime`` / ``webhook+gametime`` (all three present)."""
        found = dict(self.rows_by_sources_count)
        keys = (SOURCE_WEBHOOK, SOURCE_GAMETIME, f"{SOURCE_WEBHOOK}+{SOURCE_GAMETIME}")
        return {key: found.get(key, 0) for key in keys} | found


@dataclass(frozen=True, slots=True)
class _Placement:
    gaming_day: date
    match_id: str


def team_row(team: LuaRoundTeam, placement: _Placement) -> dict[str, object]:
    """One ``lua_round_teams`` row (named columns, never positional parameters)."""
    return {
        "id": lua_round_id(team.key),
        "gaming_day": placement.gaming_day,
        "match_id": placement.match_id,
        "map_key": team.map_key,
        "map_name": team.map_name,
        "round_number": team.round_number,
        "round_start_unix": team.round_start_unix,
        "round_end_unix": team.round_end_unix,
        "actual_duration_seconds": team.actual_duration_seconds,
        "total_pause_seconds": team.total_pause_seconds,
        "pause_count": team.pause_count,
        "lua_pause_events": pauses_json(team.pauses),
        "end_reason": team.end_reason.value,
        "end_reason_raw": team.end_reason_raw,
        "winner_team": team.winner_team,
        "defender_team": team.defender_team,
        "timelimit_minutes": team.timelimit_minutes,
        "lua_warmup_seconds": team.warmup_seconds,
        "lua_warmup_start_unix": team.warmup_start_unix,
        "surrender_team": team.surrender_team,
        "surrender_caller_guid": team.surrender_caller_guid,
        "surrender_caller_name": team.surrender_caller_name,
        "axis_score": team.axis_score,
        "allies_score": team.allies_score,
        "axis_players": roster_json(team.axis_players),
        "allies_players": roster_json(team.allies_players),
        "lua_version": team.lua_version,
        "sources": "+".join(team.sources),
        "event_count": team.event_count,
        "first_seen_at": team.first_seen_at,
        "last_update_at": team.last_update_at,
        "spawn_source_file": team.spawn_source_file,
        "warnings": "; ".join(team.warnings) or None,
        "source_file": team.primary_file,
        "source_sha256": team.primary_sha256,
    }


def spawn_row(row: LuaSpawnRow, placement: _Placement, sha256: str) -> dict[str, object]:
    """One ``lua_spawn_stats`` row."""
    return {
        "lua_round_id": lua_round_id(
            LuaRoundKey(row.map_key, row.round_number, row.round_start_unix, row.round_end_unix)
        ),
        "player_guid": row.player_guid,
        "gaming_day": placement.gaming_day,
        "match_id": placement.match_id,
        "map_key": row.map_key,
        "map_name": row.map_name,
        "round_number": row.round_number,
        "round_start_unix": row.round_start_unix,
        "round_end_unix": row.round_end_unix,
        "player_name": row.player_name,
        "spawn_count": row.spawn_count,
        "death_count": row.death_count,
        "dead_seconds": row.dead_seconds,
        "avg_respawn_seconds": row.avg_respawn_seconds,
        "max_respawn_seconds": row.max_respawn_seconds,
        "source": row.source,
        "source_file": row.source_file,
        "source_sha256": sha256,
    }


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
    placement: dict[LuaRoundKey, _Placement] = {}
    shas: dict[tuple[str, str], str] = {}
    for row in conn.execute(query):
        event = event_from_json(row.event_json)
        items.append((event, EventProvenance(row.source_file, row.source_sha256, row.received_at)))
        placement.setdefault(event.key, _Placement(row.gaming_day, row.match_id))
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
