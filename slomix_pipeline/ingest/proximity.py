"""Proximity tracker files for a set of gaming days: landing zone -> parse -> round identity ->
derived rows -> ``combat_engagement``, ``player_track``, ``proximity_trade_event``,
``proximity_support_summary`` and ``proximity_files``, in one transaction.

The glue between the landing zone (``local_proximity/``), the pure parser, derivations and round
identity, and the warehouse writes. It knows nothing of Dagster: the ``proximity_engagements``
asset calls :func:`ingest_proximity_days` and turns the report into metadata.

Rules it enforces:

- **Gaming day** of a file = the gaming day (server time zone) of its header ``round_end_unix``;
  without one, of the file name's time (the server-local write time, i.e. the round end); without
  that, of the landed file's mtime. A header end more than a day away from the name's time is a
  corrupt header: the name's day wins (and a note says so), otherwise the file would be filed
  under a day no run ever reads.
- **Round identity is decided from time, never from the name.** The header's start/end are
  matched against the rounds known for the same days (and +-1 day for the day boundary) with
  :func:`~slomix_pipeline.domain.round_identity.resolve_proximity_round`: exact first, then within
  :data:`~slomix_pipeline.domain.round_identity.DEFAULT_TOLERANCE_S`. Candidates come from
  ``lua_round_teams`` (start and end: the Lua stamps the same instants as the tracker) and from
  ``rounds`` (stats files). A stats round has no start time, and its ``file_time_unix`` is the
  file's *write* time, a few seconds after the round end: it is compared **as an end time**, so
  a stats-only match is normally "within tolerance" rather than exact (the write lag is what the
  tolerance absorbs). The decision (reason, delta, matched sources) is stored in
  ``proximity_files`` and the resolved round number on every row.
- **Linking**: when the round is resolved, the stats round of the same map and round number whose
  file time is closest to the header end (within the tolerance, unique) is linked: its ``id`` is
  stored as ``round_id`` and its ``round_key`` on every row.
- **One bad file never fails the partition.** Broken lines are dropped by the parser and counted;
  the file still loads. A file that yields nothing usable (empty, not a tracker file, header only,
  no map) is a ``rejected`` ``processed_files`` row with the reason; a renamed copy of a file
  already seen is rejected as a duplicate; files that are not ``*_engagements.txt`` (e.g. the
  tracker's test-mode ``_lifecycle.txt``) are ``ignored``.
- **Re-import replaces.** Rows are keyed by the natural keys of
  ``domain.proximity.NATURAL_KEYS``; a run deletes its days' rows (and any row of the same files
  stored under another day) before inserting, all in one transaction.
- **Bounded memory, overlapped load.** Files are prepared (read, hashed, parsed, identified,
  derived and rendered as COPY data) by forked worker processes (``ingest.ordered_pool``), at
  most a few files ahead, and handed back in name order; this process decides duplicates in
  that order and writes each batch of rows inside the transaction while the workers prepare the
  next files, so parsing runs on the other cores while PostgreSQL works. The tables are the same
  as with every file prepared inline (``workers=0``), which small runs do.

The work is split by responsibility: :mod:`.proximity_plan` (which files, which day),
:mod:`.proximity_rounds` and :mod:`.proximity_candidates` (round-identity candidates),
:mod:`.proximity_file` (one file, pure), :mod:`.proximity_prepare` (the workers' per-file step
and the duplicate rule), :mod:`.proximity_write` (the transaction's writes) and
:mod:`.proximity_report`. This module runs them and keeps the public names in one place.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from slomix_pipeline.config import Settings
from slomix_pipeline.ingest.ordered_pool import default_workers, ordered_map
from slomix_pipeline.ingest.proximity_candidates import round_candidates
from slomix_pipeline.ingest.proximity_file import process_proximity_file
from slomix_pipeline.ingest.proximity_plan import (
    ENGAGEMENTS_SUFFIX,
    PlannedFile,
    file_gaming_day,
    peek_header,
    plan_proximity_days,
)
from slomix_pipeline.ingest.proximity_prepare import _Context, _duplicate_of, _prepare
from slomix_pipeline.ingest.proximity_report import ProximityIngestReport, _unusable_outcomes
from slomix_pipeline.ingest.proximity_result import (
    SOURCE,
    ProximityFileResult,
    ProximityFileSummary,
)
from slomix_pipeline.ingest.proximity_rounds import (
    CANDIDATE_MARGIN_DAYS,
    LUA_CANDIDATE,
    STATS_CANDIDATE,
    RoundCandidates,
    StatsRoundRef,
    link_stats_round,
    read_round_candidates,
)
from slomix_pipeline.ingest.proximity_write import (
    _clear_moved_files,
    _new_batch,
    _prefer_fast_toast_compression,
    _write_table,
)
from slomix_pipeline.landing.zone import PROXIMITY_FOLDER
from slomix_pipeline.warehouse import schema, schema_proximity
from slomix_pipeline.warehouse.writes import TableSlice, insert_rows, replace_partition

__all__ = [
    "CANDIDATE_MARGIN_DAYS",
    "ENGAGEMENTS_SUFFIX",
    "LUA_CANDIDATE",
    "SOURCE",
    "STATS_CANDIDATE",
    "PlannedFile",
    "ProximityFileResult",
    "ProximityFileSummary",
    "ProximityIngestReport",
    "RoundCandidates",
    "StatsRoundRef",
    "file_gaming_day",
    "ingest_proximity_days",
    "link_stats_round",
    "peek_header",
    "plan_proximity_days",
    "process_proximity_file",
    "read_round_candidates",
]

BATCH_BYTES = 4_000_000
"""Rows are written once the files prepared since the last batch reach this size: small enough
to overlap the preparation of the next files with the database's work, large enough for
efficient COPYs."""
_POOL_MIN_FILES = 3
"""Fewer files than this are prepared inline: a pool costs more than it overlaps."""


def _write_batch(conn: Connection, batch: dict[str, list[Any]]) -> None:
    """Write a batch's tables; ``_write_table`` is looked up here so a test can make it fail."""
    for name, rows in batch.items():
        _write_table(conn, name, rows)


def ingest_proximity_days(
    engine: Engine,
    data_dir: Path,
    days: Sequence[date],
    settings: Settings,
    *,
    workers: int | None = None,
) -> ProximityIngestReport:
    """Rebuild the proximity tables of ``days`` from ``local_proximity/``, in one transaction.

    Files are prepared (read, parsed, derived, rendered) by ``workers`` processes (default: one
    per core, see :mod:`~slomix_pipeline.ingest.ordered_pool`; 0 prepares them inline) while this
    process writes the previous ones; the result is the same either way.
    """
    report = ProximityIngestReport(days=sorted(set(days)))
    if not report.days:
        return report
    planned, report.files_not_opened = plan_proximity_days(data_dir, report.days, settings)
    candidates = round_candidates(engine, data_dir, report.days, settings)
    report.candidates = len(candidates)
    processed = schema.processed_files
    slices = [
        TableSlice(processed, report.days, where=processed.c.source == SOURCE),
        *(TableSlice(t, report.days) for t in schema_proximity.PROXIMITY_TABLES),
    ]
    written: Counter[str] = Counter()
    context = _Context(
        Path(data_dir) / PROXIMITY_FOLDER, candidates, engine.dialect.name == "postgresql"
    )
    if workers is None:
        workers = default_workers() if len(planned) >= _POOL_MIN_FILES else 0
    # The workers start on the first files now, while the transaction below clears the days.
    with (
        closing(ordered_map(_prepare, context, planned, workers=workers)) as prepared_files,
        engine.begin() as conn,
    ):
        _prefer_fast_toast_compression(conn)
        _clear_moved_files(conn, [p.landed.name for p in planned], report.days)
        replace_partition(conn, [(s, []) for s in slices])  # clears the days; rows come below
        report.outcomes.extend(_unusable_outcomes(Path(data_dir), report.days, settings))
        seen: dict[str, str] = {}
        batch, batch_bytes = _new_batch(), 0
        for prepared in prepared_files:
            report.bytes_read += prepared.bytes_read
            result = prepared.result
            if prepared.sha256 is not None:
                if prepared.sha256 in seen:  # a renamed copy of an earlier file
                    report.outcomes.append(_duplicate_of(prepared, seen[prepared.sha256]).outcome)
                    continue
                seen[prepared.sha256] = result.outcome.file_name
            report.outcomes.append(result.outcome)
            if result.summary is None:
                continue
            report.files.append(result.summary)
            for name, rows in prepared.tables.items():
                batch[name].extend(rows)
            written.update(prepared.counts)
            batch_bytes += result.summary.size_bytes
            if batch_bytes >= BATCH_BYTES:
                _write_batch(conn, batch)
                batch, batch_bytes = _new_batch(), 0
        _write_batch(conn, batch)
        insert_rows(conn, processed, [o.as_row() for o in report.outcomes])
        insert_rows(conn, schema_proximity.proximity_files, [f.as_row() for f in report.files])
    written[processed.name] = len(report.outcomes)
    written[schema_proximity.proximity_files.name] = len(report.files)
    report.rows_written = {s.table.name: written.get(s.table.name, 0) for s in slices}
    return report
