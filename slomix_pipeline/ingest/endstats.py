"""Endstats side-cars of a set of gaming days: landing zone -> parse -> link -> decode -> resolve
-> ``endstats_files``, ``round_awards``, ``round_vs_stats``, in one transaction.

The side-cars land in ``local_stats/`` next to the stats files (``raw_stats_files`` marks them
``ignored`` there). Rules:

- **Gaming day** = the gaming day of the file name's time (server wall clock, like stats files);
  a name without a time: the landing time.
- **Link**: :func:`slomix_pipeline.domain.endstats.link_round` against the stats rounds of the
  file's day ±1 (so the decision does not depend on the run's range).
- **Split files** of the old Lua (awards in one file, VS blocks in another ≤ 5 s later) are
  merged: both files' rows go to the round the awards file links to, and the ledger names the
  partner. Split pairs are looked for among the files of the run's days.
- **One file per round**: when two (unmerged) files link the same round, the richer one (more
  award lines, then more VS rows, then the earlier name) keeps the link; the other is
  ``superseded`` and its rows are kept unlinked.
- **Names -> GUIDs** within the linked round's roster only (``domain.endstats``).
- **Re-run replaces**: the run deletes its days' rows of the three tables and inserts again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, select

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.endstats import (
    FileKey,
    LinkDecision,
    RosterEntry,
    RosterIndex,
    RoundRef,
    decode_awards,
    link_round,
    split_partners,
)
from slomix_pipeline.domain.gaming_day import gaming_day_of_local, local_to_epoch
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.formats.endstats import (
    EndstatsFile,
    EndstatsFileName,
    parse_endstats_file,
    parse_endstats_filename,
)
from slomix_pipeline.ingest.day_chunks import day_chunks
from slomix_pipeline.landing.zone import STATS_FOLDER, LandedFile, iter_landed, sha256_hex
from slomix_pipeline.warehouse import schema, schema_endstats
from slomix_pipeline.warehouse.writes import TableSlice, replace_partition

__all__ = ["ENDSTATS_SUFFIX", "EndstatsIngestReport", "ingest_endstats_days"]

ENDSTATS_SUFFIX = "-endstats.txt"
_MARGIN_DAYS = 1
_MAX_DETAILS = 50


@dataclass(slots=True)
class _Parsed:
    name: str
    sha: str
    size: int
    day: date
    parsed: EndstatsFile
    written_unix: int | None
    map_key: str | None
    decision: LinkDecision | None = None
    status: str = "unlinked"
    reason: str = ""
    merged_with: str | None = None


@dataclass(slots=True)
class EndstatsIngestReport:
    """What one run did (input for asset metadata and tests): counts only, so a whole-history
    run holds one chunk's ledger rows, not every file's (issue 13)."""

    days: list[date]
    files: int = 0
    linked: int = 0
    unlinked: int = 0
    superseded: int = 0
    rejected: int = 0
    merged_pairs: int = 0
    rejected_lines: int = 0
    rows_written: dict[str, int] = field(default_factory=dict)
    reasons: Counter[str] = field(default_factory=Counter)
    guid_statuses: Counter[str] = field(default_factory=Counter)


def _read_rounds(conn: Connection, days: Sequence[date]) -> tuple[list[RoundRef], dict[int, date]]:
    first = min(days) - timedelta(days=_MARGIN_DAYS)
    last = max(days) + timedelta(days=_MARGIN_DAYS)
    r = schema.rounds
    query = select(
        r.c.id, r.c.round_key, r.c.map_key, r.c.round_number, r.c.file_time_unix, r.c.gaming_day
    ).where(r.c.gaming_day.between(first, last))
    rows = list(conn.execute(query))
    return [RoundRef(*row[:5]) for row in rows], {row[0]: row[5] for row in rows}


def _read_rosters(conn: Connection, round_ids: Sequence[int]) -> dict[int, list[RosterEntry]]:
    p = schema.player_comprehensive_stats
    out: dict[int, list[RosterEntry]] = {rid: [] for rid in round_ids}
    for start in range(0, len(round_ids), 500):
        chunk = list(round_ids[start : start + 500])
        query = select(p.c.round_id, p.c.player_guid, p.c.clean_name).where(p.c.round_id.in_(chunk))
        for rid, guid, name in conn.execute(query):
            out[rid].append(RosterEntry(guid, name))
    return out


_Listed = tuple[LandedFile, EndstatsFileName | None, date, int | None]


def _list_sidecars(data_dir: Path, days: set[date], settings: Settings) -> list[_Listed]:
    """The side-cars of ``days`` with their day (one folder scan per run; nothing read)."""
    out: list[_Listed] = []
    for landed in iter_landed(Path(data_dir), STATS_FOLDER):
        if not landed.name.endswith(ENDSTATS_SUFFIX):
            continue
        name = parse_endstats_filename(landed.name)
        if name is not None:
            day = gaming_day_of_local(name.written_local, settings.day_start_hour)
            written: int | None = local_to_epoch(name.written_local, settings.server_tz)
        else:
            local = datetime.fromtimestamp(landed.mtime_ns / 1e9, settings.server_tz)
            day = gaming_day_of_local(local.replace(tzinfo=None), settings.day_start_hour)
            written = None
        if day in days:
            out.append((landed, name, day, written))
    return out


def _plan(data_dir: Path, listed: Sequence[_Listed], days: set[date]) -> list[_Parsed]:
    """The side-cars of ``days``, parsed; only those files are read (the name gives the day)."""
    folder = Path(data_dir) / STATS_FOLDER
    out: list[_Parsed] = []
    for landed, name, day, written in listed:
        if day not in days:
            continue
        data = (folder / landed.name).read_bytes()
        parsed = parse_endstats_file(landed.name, data)
        key = map_key(name.map_name) if name else None
        out.append(_Parsed(landed.name, sha256_hex(data), len(data), day, parsed, written, key))
    return out


def _decide(files: list[_Parsed], rounds: list[RoundRef]) -> None:
    """Link every file, merge split pairs, keep one file per round (see module rules)."""
    seen_sha: dict[str, str] = {}
    usable: list[_Parsed] = []
    for f in sorted(files, key=lambda f: f.name):
        if f.parsed.file_name is None:
            f.status, f.reason = "rejected", "bad_file_name: not <stamp>-<map>-round-<N>-endstats"
        elif not f.parsed.awards and not f.parsed.versus:
            f.status, f.reason = "rejected", "no_records: no award or VS line could be read"
        elif f.sha in seen_sha:
            f.status, f.reason = "rejected", f"duplicate_payload_of: {seen_sha[f.sha]}"
        else:
            seen_sha[f.sha] = f.name
            usable.append(f)
    keys = [
        FileKey(
            f.name,
            f.map_key or "",
            f.parsed.file_name.round_number,  # type: ignore[union-attr]
            f.written_unix or 0,
            len(f.parsed.awards),
            len(f.parsed.versus),
        )
        for f in usable
    ]
    partners = split_partners(keys)
    by_name = {f.name: f for f in usable}
    for f in usable:
        if f.name in partners:
            continue
        name = f.parsed.file_name
        assert name is not None
        f.decision = link_round(f.written_unix, f.map_key or "", name.round_number, rounds)
        f.status = "linked" if f.decision.round_ref else "unlinked"
        f.reason = f.decision.reason
    for part, main in partners.items():
        p, m = by_name[part], by_name[main]
        p.decision, p.status, p.reason = m.decision, m.status, m.reason
        p.merged_with, m.merged_with = main, part
    # One logical file per round: the richest wins, the rest are superseded.
    groups: dict[int, list[_Parsed]] = {}
    for f in usable:
        if f.decision is not None and f.decision.round_id is not None and f.name not in partners:
            groups.setdefault(f.decision.round_id, []).append(f)
    for group in groups.values():
        if len(group) < 2:
            continue

        def richness(f: _Parsed) -> tuple[int, int, str]:
            partner = by_name.get(f.merged_with or "")
            a, v = f.parsed.quality
            if partner is not None:
                a, v = a + partner.parsed.quality[0], v + partner.parsed.quality[1]
            return (-a, -v, f.name)

        ordered = sorted(group, key=richness)
        for loser in ordered[1:]:
            for f in (loser, by_name.get(loser.merged_with or "")):
                if f is None:
                    continue
                f.status, f.reason = "superseded", f"superseded_by: {ordered[0].name}"
                f.decision = LinkDecision(None, f.reason, None)


def _rows(
    f: _Parsed, rosters: dict[int, list[RosterEntry]], subjects_of: dict[str, list[Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], Counter[str]]:
    name = f.parsed.file_name
    assert name is not None
    ref = f.decision.round_ref if f.decision is not None else None
    roster = rosters.get(ref.round_id) if ref is not None else None
    # The mirror rule may use the VS headers of the merged partner too (same round).
    index = RosterIndex(roster, subjects_of.get(f.name, []))
    statuses: Counter[str] = Counter()
    base = {
        "source_file": f.name,
        "source_sha256": f.sha,
        "gaming_day": f.day,
        "round_id": ref.round_id if ref else None,
        "round_key": ref.round_key if ref else None,
        "round_date": name.written_local.date().isoformat(),
        "map_name": name.map_name,
        "round_number": name.round_number,
    }

    def player(player_name: str) -> dict[str, Any]:
        """The row's player: the name as written, its GUID and how it was resolved (counted)."""
        who = index.resolve(player_name)
        statuses[who.status] += 1
        return {
            "player_name": player_name,
            "player_guid": who.guid,
            "player_guid_status": who.status,
        }

    awards = [
        {
            **base,
            **player(a.player_name),
            "source_line": a.line_no,
            "award_order": a.award_order,
            "award_name": a.award_name,
            "raw_award_name": a.raw_label,
            "award_status": a.status,
            "award_quirk": a.quirk,
            "scope": a.scope,
            "award_value": a.value_text,
            "award_value_numeric": a.value_numeric,
            "award_value_secondary": a.value_secondary,
        }
        for a in decode_awards(f.parsed.awards, name.round_number)
    ]
    versus = []
    for row in f.parsed.versus:
        subj = index.subject(row.subject)
        versus.append(
            {
                **base,
                **player(row.opponent_name),
                "source_line": row.line_no,
                "kills": row.kills,
                "deaths": row.deaths,
                "subject_name": row.subject.name if row.subject else None,
                "subject_guid": subj.guid,
                "subject_guid_full": row.subject.guid if row.subject else None,
                "subject_guid_status": subj.status,
            }
        )
    return awards, versus, statuses


def _ledger_row(f: _Parsed) -> dict[str, Any]:
    name = f.parsed.file_name
    ref = f.decision.round_ref if f.decision is not None else None
    rejected = f.parsed.rejected
    details = "; ".join(f"{r.line_no}:{r.reason}" for r in rejected[:_MAX_DETAILS]) or None
    return {
        "source_file": f.name,
        "source_sha256": f.sha,
        "gaming_day": f.day,
        "size_bytes": f.size,
        "map_name": name.map_name if name else None,
        "map_key": f.map_key,
        "round_number": name.round_number if name else None,
        "written_unix": f.written_unix,
        "status": f.status,
        "reason": f.reason,
        "round_id": ref.round_id if ref else None,
        "round_key": ref.round_key if ref else None,
        "link_delta_s": f.decision.delta_s if f.decision and ref else None,
        "merged_with": f.merged_with,
        "award_lines": len(f.parsed.awards),
        "versus_rows": len(f.parsed.versus),
        "subjects": len(f.parsed.subjects),
        "rejected_lines": len(rejected),
        "rejected_details": details,
        "notes": "; ".join(f.parsed.notes) or None,
    }


def ingest_endstats_days(
    engine: Engine, data_dir: Path, days: Sequence[date], settings: Settings
) -> EndstatsIngestReport:
    """Rebuild the endstats tables of ``days`` from the side-cars in ``local_stats/``.

    One transaction; inside it the range is planned and written in chunks of days
    (``ingest.day_chunks``) so a whole-history run holds one chunk's files and rows.
    """
    report = EndstatsIngestReport(days=sorted(set(days)))
    if not report.days:
        return report
    listed = _list_sidecars(data_dir, set(report.days), settings)
    with engine.begin() as conn:
        for chunk in day_chunks(report.days):
            _ingest_chunk(conn, data_dir, listed, chunk, report)
    return report


def _ingest_chunk(
    conn: Connection,
    data_dir: Path,
    listed: Sequence[_Listed],
    days: list[date],
    report: EndstatsIngestReport,
) -> None:
    """Plan and write one chunk of days on the caller's transaction, counting into ``report``."""
    files = _plan(data_dir, listed, set(days))
    rounds, _ = _read_rounds(conn, days)
    _decide(files, rounds)
    linked_ids = sorted(
        {f.decision.round_id for f in files if f.decision and f.decision.round_id is not None}
    )
    rosters = _read_rosters(conn, linked_ids)
    by_name = {f.name: f for f in files}
    subjects_of: dict[str, list[Any]] = {}
    for f in files:
        partner = by_name.get(f.merged_with or "")
        subjects_of[f.name] = [*f.parsed.subjects, *(partner.parsed.subjects if partner else ())]
    award_rows: list[dict[str, Any]] = []
    vs_rows: list[dict[str, Any]] = []
    ledger: list[dict[str, Any]] = []
    for f in files:
        report.files += 1
        report.reasons[f.reason.split(":")[0]] += 1
        report.rejected_lines += len(f.parsed.rejected)
        if f.status == "rejected":
            report.rejected += 1
            ledger.append(_ledger_row(f))
            continue
        setattr(report, f.status, getattr(report, f.status) + 1)
        if f.merged_with and f.parsed.awards:
            report.merged_pairs += 1
        awards, versus, statuses = _rows(f, rosters, subjects_of)
        award_rows.extend(awards)
        vs_rows.extend(versus)
        report.guid_statuses.update(statuses)
        ledger.append(_ledger_row(f))
    slices = [TableSlice(t, days) for t in schema_endstats.ENDSTATS_TABLES]
    rows_by_table = {
        schema_endstats.endstats_files.name: ledger,
        schema_endstats.round_awards.name: award_rows,
        schema_endstats.round_vs_stats.name: vs_rows,
    }
    written = replace_partition(conn, [(s, rows_by_table[s.table.name]) for s in slices])
    for table, count in written.items():
        report.rows_written[table] = report.rows_written.get(table, 0) + count
