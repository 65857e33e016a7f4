"""Step 1's plan: which landed files of a source belong to the run's days, parsed, no database.

A file's day is known only once it is parsed (the round end it carries), so the range cannot be
cut into days before reading; the plan is therefore produced in batches of landed files, and
files landed before the window (by mtime, ctime or name stamp) are skipped unread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_bounds_epoch
from slomix_pipeline.domain.lua_merged_rows import (
    EventProvenance,
)
from slomix_pipeline.domain.lua_records import (
    SOURCE_GAMETIME,
    LuaRoundEnd,
)
from slomix_pipeline.domain.lua_values import gaming_day_of
from slomix_pipeline.formats.gametime import (
    GAMETIME_NAME_RE,
    MAX_GAMETIME_BYTES,
)
from slomix_pipeline.formats.lua_day_hint import round_end_hint
from slomix_pipeline.formats.webhook import MAX_BODY_BYTES
from slomix_pipeline.ingest.lua_identity import match_id_of
from slomix_pipeline.ingest.lua_ingest_report import LandedEvent, LuaIngestReport
from slomix_pipeline.ingest.lua_sources import SOURCE_FOLDERS, lua_file_outcome, parse_landed
from slomix_pipeline.ingest.outcomes import (
    failed_outcome,
    oversized_outcome,
    unusable_outcome,
)
from slomix_pipeline.landing.zone import (
    LandedFile,
    iter_landed,
    iter_unusable,
)

ARRIVAL_MARGIN_SECONDS = 3600
"""Files landed this long before the first day starts are still read (clock skew, DST)."""


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
    outcome = lua_file_outcome(source, landed, data, parsed, day)
    report.outcomes.append(outcome)
    if isinstance(parsed, LuaRoundEnd):
        provenance = EventProvenance(landed.name, outcome.sha256, received_at)
        report.events.append(
            LandedEvent(parsed, provenance, day, match_id_of(parsed.round_end_unix, tz))
        )
