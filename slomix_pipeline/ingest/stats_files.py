"""Stats-file ingestion for a set of gaming days: landing zone -> parse -> R2 differential -> rows.

This module is the glue between the landing zone (files), the pure parser and domain logic, and
the warehouse writes. It knows nothing of Dagster: the ``raw_stats_files`` asset calls
:func:`ingest_stats_days` and turns the returned report into metadata.

Rules it enforces:
- One bad file never fails the partition: it becomes a ``processed_files`` row with a status and
  a specific reason, and no row of its round is written (never half a round).
- The R1 of an R2 is looked up in the landing zone, not in the warehouse, so an R2 whose R1 sits
  in the previous gaming day (or arrives later) gives the same result however partitions are run.
  Pairing is by server sequence (the readable round just before the R2), confirmed by the R2
  header, bounded by the session gap (``domain.pairing``); every orphan carries its reason.
- File times are epochs: the repeated autumn hour is resolved by the files' write (landing)
  order (``domain.gaming_day.resolve_local_epochs``).
- A landed file whose bytes changed since it was first ingested is quarantined (status
  ``changed``) until an operator re-baselines it; landed files are immutable by contract.
- A renamed copy of an already landed file (same payload under another name) is not loaded twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, Engine, select

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.differential import build_round_stats
from slomix_pipeline.domain.pairing import PAIRED, R1_REJECTED, Pairing
from slomix_pipeline.domain.stats_records import RoundStats
from slomix_pipeline.formats.limits import MAX_STATS_FILE_BYTES
from slomix_pipeline.formats.stats_file import (
    ParsedStatsFile,
    StatsFileKind,
    StatsFileRejected,
)
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.ingest.outcomes import (
    FileOutcome,
    IngestReport,
    failed_outcome,
    oversized_outcome,
)
from slomix_pipeline.ingest.stats_landing import (
    SOURCE,
    ParseCache,
    ServerSequence,
    StatsCandidate,
    payload_digest,
    stats_inventory,
    unusable_outcomes,
)
from slomix_pipeline.landing.zone import (
    STATS_FOLDER,
    sha256_hex,
)
from slomix_pipeline.warehouse import schema
from slomix_pipeline.warehouse.stats_rows import StoredRound, rows_for_round
from slomix_pipeline.warehouse.writes import TableSlice, clear_moved_files, replace_partition


@dataclass(slots=True)
class StatsIngestReport(IngestReport):
    """A stats run: the common report plus the rounds built (or only their counts)."""

    rounds: list[StoredRound] = field(default_factory=list)
    rounds_loaded: int = 0
    orphan_r2_rounds: int = 0
    players_loaded: int = 0

    def count_rounds(self, rounds: Iterable[StoredRound]) -> None:
        """Add built rounds to the counts (kept when the rounds themselves are not)."""
        for stored in rounds:
            self.rounds_loaded += 1
            self.orphan_r2_rounds += stored.stats.is_orphan_r2
            self.players_loaded += len(stored.stats.players)


def plan_stats_days(
    data_dir: Path,
    days: Sequence[date],
    settings: Settings,
    first_seen: Mapping[str, str],
    *,
    accept_changed: bool = False,
    inventory: list[StatsCandidate] | None = None,
    seen_payloads: dict[str, str] | None = None,
    unusable: Sequence[FileOutcome] | None = None,
) -> StatsIngestReport:
    """Decide every file's outcome and build every row for ``days``; no database access.

    ``first_seen`` maps file names to the SHA-256 recorded when each was first ingested;
    ``inventory`` is the folder scan when the caller already made it (one scan per run);
    ``seen_payloads`` carries the payloads already loaded by earlier chunks of the same run;
    ``unusable`` the folder's unusable entries of a wider range (filtered to ``days`` here).
    """
    report = StatsIngestReport(days=sorted(set(days)))
    wanted = set(report.days)
    if inventory is None:
        inventory = stats_inventory(data_dir, settings)
    cache = ParseCache(data_dir)
    # R1 partners may precede the first day (a night crossing the day boundary).
    sequence = ServerSequence(inventory, cache)
    if seen_payloads is None:
        seen_payloads = {}

    if unusable is None:
        unusable = unusable_outcomes(data_dir, wanted, settings)
    report.outcomes.extend(o for o in unusable if o.gaming_day in wanted)
    for cand in sorted(inventory, key=lambda c: c.landed.name):
        if cand.gaming_day not in wanted:
            continue
        try:
            if cand.landed.size > MAX_STATS_FILE_BYTES:
                path = data_dir / STATS_FOLDER / cand.landed.name
                report.outcomes.append(
                    oversized_outcome(
                        SOURCE,
                        path,
                        cand.landed.name,
                        cand.landed.size,
                        cand.gaming_day,
                        MAX_STATS_FILE_BYTES,
                    )
                )
                continue
            data = cache.data(cand.landed.name)
        except OSError as exc:
            report.outcomes.append(
                failed_outcome(
                    SOURCE, cand.landed.name, cand.gaming_day, exc, code="unreadable_file"
                )
            )
            continue
        try:
            _plan_file(
                report,
                cand,
                data,
                first_seen,
                accept_changed,
                sequence,
                cache,
                settings,
                seen_payloads,
            )
        except Exception as exc:  # one file's failure never costs the partition
            report.outcomes.append(
                failed_outcome(SOURCE, cand.landed.name, cand.gaming_day, exc, data=data)
            )
    return report


def _plan_file(
    report: StatsIngestReport,
    cand: StatsCandidate,
    data: bytes,
    first_seen: Mapping[str, str],
    accept_changed: bool,
    sequence: ServerSequence,
    cache: ParseCache,
    settings: Settings,
    seen_payloads: dict[str, str],
) -> None:
    """Decide one file's outcome (appended to ``report``) and, if loaded, build its round."""
    report.bytes_read += len(data)
    digest = sha256_hex(data)
    baseline = first_seen.get(cand.landed.name, digest)
    if accept_changed:
        baseline = digest
    base = {
        "source": SOURCE,
        "file_name": cand.landed.name,
        "gaming_day": cand.gaming_day,
        "size_bytes": len(data),
        "sha256": digest,
        "first_seen_sha256": baseline,
    }
    if cand.name is None:
        report.outcomes.append(
            FileOutcome(
                kind="unknown",
                status="rejected",
                reason="bad_filename: expected YYYY-MM-DD-HHMMSS-<map>-round-<N>.txt",
                **base,
            )
        )
        return
    kind = cand.name.kind.value
    if cand.name.kind != StatsFileKind.STATS:
        report.outcomes.append(
            FileOutcome(kind=kind, status="ignored", reason=f"sidecar_{kind}", **base)
        )
        return
    if baseline != digest:
        report.outcomes.append(
            FileOutcome(
                kind=kind,
                status="changed",
                reason=(
                    f"content_changed_after_landing: first ingested with sha256 {baseline}, "
                    f"now {digest}; restore the file or re-run with accept_changed"
                ),
                **base,
            )
        )
        return
    payload = payload_digest(data)
    if payload in seen_payloads:
        report.outcomes.append(
            FileOutcome(
                kind=kind,
                status="rejected",
                reason=f"duplicate_payload_of: {seen_payloads[payload]}",
                **base,
            )
        )
        return
    parsed = cache.parsed(cand.landed.name)
    if isinstance(parsed, StatsFileRejected):
        report.outcomes.append(
            FileOutcome(kind=kind, status="rejected", reason=str(parsed), **base)
        )
        return
    seen_payloads[payload] = cand.landed.name
    pairing = None
    if parsed.file.round_number == 2 and cand.epoch is not None:
        pairing = sequence.pair(cand.landed.name, settings.session_gap_minutes * 60)
    round_stats, extra_warnings = _round_stats(parsed, pairing, cache)
    r1_limit = None
    if round_stats.differential_applied and pairing is not None and pairing.r1 is not None:
        r1 = cache.parsed(pairing.r1)
        r1_limit = None if isinstance(r1, StatsFileRejected) else r1.header.map_time_seconds
    stored = StoredRound.build(
        round_stats,
        digest,
        settings,
        file_time_unix=cand.epoch,
        pairing=pairing,
        r1_limit_seconds=r1_limit,
    )
    report.rounds.append(stored)
    report.outcomes.append(
        FileOutcome(
            kind=kind,
            status="loaded",
            warnings=round_stats.warnings + extra_warnings,
            round_id=stored.round_id,
            **base,
        )
    )


def _round_stats(
    parsed: ParsedStatsFile,
    pairing: Pairing | None,
    cache: ParseCache,
) -> tuple[RoundStats, tuple[str, ...]]:
    """Per-round stats; an R2 is differenced against its R1 when pairing found one.

    An unpaired R2 is an honest orphan (cumulative values kept and flagged) whose warning names
    the reason; a partner that exists but failed to parse makes ``r1_rejected``.
    """
    if parsed.file.round_number != 2:
        return build_round_stats(parsed), ()
    if pairing is None or pairing.reason != PAIRED or pairing.r1 is None:
        reason = pairing.reason if pairing is not None else "no_file_time"
        extra = (f"unpaired_r2:{reason}",)
        if reason == R1_REJECTED:
            extra += ("r1_rejected",)
        return build_round_stats(parsed, None), extra
    r1 = cache.parsed(pairing.r1)
    assert not isinstance(r1, StatsFileRejected)  # pairing only picks readable rounds
    extra = () if pairing.confirmed else ("pairing_unconfirmed",)
    return build_round_stats(parsed, r1), extra


def _previous_first_seen(conn: Connection, names: Iterable[str]) -> dict[str, str]:
    table = schema.processed_files
    names = list(names)
    found: dict[str, str] = {}
    for start in range(0, len(names), 500):
        chunk = names[start : start + 500]
        query = select(table.c.file_name, table.c.first_seen_sha256).where(
            table.c.source == SOURCE, table.c.file_name.in_(chunk)
        )
        found.update({row.file_name: row.first_seen_sha256 for row in conn.execute(query)})
    return found


def ingest_stats_days(
    engine: Engine,
    data_dir: Path,
    days: Sequence[date],
    settings: Settings,
    *,
    accept_changed: bool = False,
) -> StatsIngestReport:
    """Rebuild the stats tables for ``days`` from the landing zone, in one transaction.

    The range is planned and written in chunks of days (``ingest.day_chunks``) inside that
    transaction, so memory holds one chunk's files and rows, not the whole range's. The report
    keeps every outcome; it keeps the built rounds (for the one-run preview) only when the range
    is a single chunk, and counts them always.
    """
    inventory = stats_inventory(data_dir, settings)
    report = StatsIngestReport(days=sorted(set(days)))
    chunks = list(day_chunks(report.days))
    seen_payloads: dict[str, str] = {}  # renamed copies are found across the whole range
    unusable = unusable_outcomes(data_dir, set(report.days), settings)
    with engine.begin() as conn:
        for chunk in chunks:
            part = _ingest_chunk(
                conn, data_dir, chunk, settings, inventory, accept_changed, seen_payloads, unusable
            )
            report.outcomes.extend(part.outcomes)
            report.bytes_read += part.bytes_read
            report.count_rounds(part.rounds)
            if len(chunks) == 1:
                report.rounds = part.rounds
            for table, count in part.rows_written.items():
                report.rows_written[table] = report.rows_written.get(table, 0) + count
    return report


def _ingest_chunk(
    conn: Connection,
    data_dir: Path,
    days: list[date],
    settings: Settings,
    inventory: list[StatsCandidate],
    accept_changed: bool,
    seen_payloads: dict[str, str],
    unusable: Sequence[FileOutcome],
) -> StatsIngestReport:
    """Plan and write one chunk of days on the caller's transaction."""
    wanted = set(days)
    names = [c.landed.name for c in inventory if c.gaming_day in wanted]
    first_seen = _previous_first_seen(conn, names)
    report = plan_stats_days(
        data_dir,
        days,
        settings,
        first_seen,
        accept_changed=accept_changed,
        inventory=inventory,
        seen_payloads=seen_payloads,
        unusable=unusable,
    )
    round_rows: list[dict[str, object]] = []
    player_rows: list[dict[str, object]] = []
    weapon_rows: list[dict[str, object]] = []
    for stored in report.rounds:
        r, p, w = rows_for_round(stored)
        round_rows.append(r)
        player_rows.extend(p)
        weapon_rows.extend(w)
    clear_moved_files(
        conn,
        schema.processed_files,
        schema.processed_files.c.file_name,
        [o.file_name for o in report.outcomes],
        report.days,
        where=schema.processed_files.c.source == SOURCE,
    )
    report.rows_written = replace_partition(
        conn,
        [
            (
                TableSlice(
                    schema.processed_files,
                    report.days,
                    where=schema.processed_files.c.source == SOURCE,
                ),
                [o.as_row() for o in report.outcomes],
            ),
            (TableSlice(schema.rounds, report.days), round_rows),
            (TableSlice(schema.player_comprehensive_stats, report.days), player_rows),
            (TableSlice(schema.weapon_comprehensive_stats, report.days), weapon_rows),
        ],
    )
    return report
