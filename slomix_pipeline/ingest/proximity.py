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
"""

from __future__ import annotations

import typing
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, select, text

from slomix_pipeline.config import Settings
from slomix_pipeline.domain.gaming_day import gaming_day_of_epoch, gaming_day_of_local
from slomix_pipeline.domain.maps import map_key
from slomix_pipeline.domain.proximity import (
    TABLE_ROW_TYPES,
    ProximityDerived,
    derive,
    table_columns,
)
from slomix_pipeline.domain.proximity_capabilities import ENABLED, capability_rows, states_of
from slomix_pipeline.domain.round_identity import (
    DEFAULT_TOLERANCE_S,
    RoundCandidate,
    RoundIdentityDecision,
    resolve_proximity_round,
)
from slomix_pipeline.formats.limits import MAX_PROXIMITY_FILE_BYTES
from slomix_pipeline.formats.proximity import (
    ProximityFile,
    ProximityFileRejected,
    ProximityHeader,
    parse_proximity_file,
    parse_proximity_filename,
)
from slomix_pipeline.ingest.ordered_pool import default_workers, ordered_map
from slomix_pipeline.ingest.outcomes import (
    FileOutcome,
    OutcomeCounts,
    failed_outcome,
    oversized_outcome,
    unusable_outcome,
)
from slomix_pipeline.ingest.proximity_sections import TUPLE_TABLES, section_rows
from slomix_pipeline.landing.zone import (
    PROXIMITY_FOLDER,
    LandedFile,
    iter_landed,
    iter_unusable,
    sha256_hex,
)
from slomix_pipeline.warehouse import schema, schema_lua, schema_proximity
from slomix_pipeline.warehouse.binary_copy import binary_payload
from slomix_pipeline.warehouse.tuple_copy import chunk_payloads, insert_chunks
from slomix_pipeline.warehouse.writes import (
    CopyPayload,
    TableSlice,
    copy_payload,
    insert_rows,
    replace_partition,
    send_copies,
)

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

SOURCE = "proximity"
"""``processed_files.source`` of proximity files."""
ENGAGEMENTS_SUFFIX = "_engagements.txt"
KIND = "engagements"
STATS_CANDIDATE = "rounds"
LUA_CANDIDATE = "lua_round_teams"
CANDIDATE_MARGIN_DAYS = 1
"""Candidate rounds are read for the run's days and this many days either side."""
HEADER_PEEK_BYTES = 16_384
"""Enough for any header (V6's capability list included); only this much is read to file a day."""
BATCH_BYTES = 4_000_000
"""Rows are written once the files prepared since the last batch reach this size: small enough
to overlap the preparation of the next files with the database's work, large enough for
efficient COPYs."""
_BINARY_TABLES = frozenset({"player_track"})
"""Tables sent in PostgreSQL's binary COPY format: their long path texts cost the server a
character-by-character CSV scan otherwise (``warehouse.binary_copy``)."""
_POOL_MIN_FILES = 3
"""Fewer files than this are prepared inline: a pool costs more than it overlaps."""
_MAX_BROKEN_DETAILS = 100
_SQL_CHUNK = 500
_REPLACEMENT_CHAR = "\ufffd".encode()
NUL = b"\x00"


# ------------------------------------------------------------------------------ round candidates


@dataclass(frozen=True, slots=True)
class StatsRoundRef:
    """A ``rounds`` row as far as round identity and linking need it."""

    round_id: int
    round_key: str
    map_key: str
    round_number: int
    file_time_unix: int
    gaming_day: date


def stats_candidate(ref: StatsRoundRef) -> RoundCandidate:
    """A stats round as a round-identity candidate: no start, its file time as the *end*.

    The stats file is written a few seconds after the round end, so the difference to the
    tracker's ``round_end_unix`` is that write lag: rarely 0, normally far inside the tolerance.
    """
    return RoundCandidate(ref.map_key, ref.round_number, None, ref.file_time_unix, STATS_CANDIDATE)


def _near_day(day: date, other: date) -> bool:
    return abs((day - other).days) <= CANDIDATE_MARGIN_DAYS


@dataclass(frozen=True, slots=True)
class RoundCandidates:
    """Known rounds by map key, each with its gaming day.

    A file only ever sees the candidates of its own gaming day +- :data:`CANDIDATE_MARGIN_DAYS`,
    whatever range the run covers, so its decision (and the count of candidates considered) is
    the same in a single-day run and in a backfill.
    """

    by_map: Mapping[str, tuple[tuple[date, RoundCandidate], ...]] = field(default_factory=dict)
    stats_by_map: Mapping[str, tuple[StatsRoundRef, ...]] = field(default_factory=dict)

    @classmethod
    def build(
        cls, lua: Iterable[tuple[date, RoundCandidate]], stats: Iterable[StatsRoundRef]
    ) -> RoundCandidates:
        """From (gaming day, candidate) pairs of Lua round ends and from stats rounds."""
        by_map: dict[str, list[tuple[date, RoundCandidate]]] = {}
        stats_by_map: dict[str, list[StatsRoundRef]] = {}
        for day, cand in lua:
            by_map.setdefault(map_key(cand.map_key), []).append((day, cand))
        for ref in stats:
            key = map_key(ref.map_key)
            stats_by_map.setdefault(key, []).append(ref)
            by_map.setdefault(key, []).append((ref.gaming_day, stats_candidate(ref)))
        return cls(
            {k: tuple(v) for k, v in by_map.items()},
            {k: tuple(v) for k, v in stats_by_map.items()},
        )

    def for_map(self, key: str, day: date) -> tuple[RoundCandidate, ...]:
        """Candidates of map ``key`` whose gaming day is within the margin of ``day``."""
        return tuple(c for d, c in self.by_map.get(key, ()) if _near_day(d, day))

    def stats_for_map(self, key: str, day: date) -> tuple[StatsRoundRef, ...]:
        return tuple(r for r in self.stats_by_map.get(key, ()) if _near_day(r.gaming_day, day))

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_map.values())


def _candidate_days(days: Sequence[date]) -> tuple[date, date]:
    margin = timedelta(days=CANDIDATE_MARGIN_DAYS)
    return min(days) - margin, max(days) + margin


def read_round_candidates(engine: Engine, days: Sequence[date]) -> RoundCandidates:
    """Stats rounds and Lua round ends of ``days`` +- :data:`CANDIDATE_MARGIN_DAYS`."""
    if not days:
        return RoundCandidates()
    first, last = _candidate_days(days)
    rounds, teams = schema.rounds, schema_lua.lua_round_teams
    stats_query = select(
        rounds.c.id,
        rounds.c.round_key,
        rounds.c.map_key,
        rounds.c.round_number,
        rounds.c.file_time_unix,
        rounds.c.gaming_day,
    ).where(rounds.c.gaming_day.between(first, last))
    lua_query = select(
        teams.c.gaming_day,
        teams.c.map_key,
        teams.c.round_number,
        teams.c.round_start_unix,
        teams.c.round_end_unix,
    ).where(teams.c.gaming_day.between(first, last))
    with engine.connect() as conn:
        stats = [StatsRoundRef(*row) for row in conn.execute(stats_query)]
        lua = [(row[0], RoundCandidate(*row[1:], LUA_CANDIDATE)) for row in conn.execute(lua_query)]
    return RoundCandidates.build(lua, stats)


def link_stats_round(
    round_end_unix: int | None,
    key: str,
    round_number: int | None,
    stats: Iterable[StatsRoundRef],
    *,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> tuple[StatsRoundRef, int] | None:
    """The stats round of this map and round whose file time is closest to the round end.

    Only within ``tolerance_s`` and only if the closest one is unique (two equally close stats
    rounds are left unlinked rather than guessed). Returns the round and the difference in s.
    """
    if round_end_unix is None or round_end_unix <= 0 or round_number is None:
        return None
    best: list[StatsRoundRef] = []
    best_delta: int | None = None
    for ref in stats:
        if ref.map_key != key or ref.round_number != round_number:
            continue
        delta = abs(ref.file_time_unix - round_end_unix)
        if best_delta is None or delta < best_delta:
            best, best_delta = [ref], delta
        elif delta == best_delta:
            best.append(ref)
    if best_delta is None or best_delta > tolerance_s or len(best) != 1:
        return None
    return best[0], best_delta


# --------------------------------------------------------------------------------- gaming days


def _day_of_epoch(epoch: int, settings: Settings) -> date | None:
    try:
        return gaming_day_of_epoch(epoch, settings.server_tz, settings.day_start_hour)
    except (OverflowError, OSError, ValueError):
        return None


def file_gaming_day(
    header: ProximityHeader | None, file_name: str, mtime_ns: int, settings: Settings
) -> tuple[date, str, str | None]:
    """(gaming day, which input decided it, note) of one landed file; see the module rules."""
    name = parse_proximity_filename(file_name)
    name_day = gaming_day_of_local(name.written_local, settings.day_start_hour) if name else None
    end = header.round_end_unix if header is not None else None
    header_day = _day_of_epoch(end, settings) if end is not None and end > 0 else None
    if header_day is not None:
        if name_day is not None and abs((header_day - name_day).days) > CANDIDATE_MARGIN_DAYS:
            note = (
                f"header round_end_unix={end} is {(header_day - name_day).days} days from the "
                "file name's time: filed under the name's day"
            )
            return name_day, "filename", note
        return header_day, "round_end_unix", None
    if name_day is not None:
        return name_day, "filename", None
    local = datetime.fromtimestamp(mtime_ns / 1e9, settings.server_tz).replace(tzinfo=None)
    return gaming_day_of_local(local, settings.day_start_hour), "mtime", None


def _header_only(head: bytes, complete: bool) -> bytes:
    """The leading comment block of ``head`` (complete lines only): no data line, no pandas."""
    lines = head.split(b"\n")
    if not complete:
        lines = lines[:-1]
    end = 0
    for line in lines:
        stripped = line.strip()
        if stripped and not stripped.startswith(b"#"):
            break
        end += len(line) + 1
    return head[:end]


def peek_header(path: Path, name: str) -> ProximityHeader | None:
    """The header of a landed proximity file, reading only its first bytes (sensors use it).

    None when the header itself is refused (the file is then filed by name or landing time and
    its rejection recorded by the ingestion).
    """
    with open(path, "rb") as handle:
        head = handle.read(HEADER_PEEK_BYTES)
    block = _header_only(head, complete=len(head) < HEADER_PEEK_BYTES)
    try:
        return parse_proximity_file(name, block).header
    except ProximityFileRejected:
        return None


# ---------------------------------------------------------------------------------- the plan


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A landed file that belongs to one of the run's days."""

    landed: LandedFile
    gaming_day: date
    day_source: str
    day_note: str | None
    is_engagements: bool


def _near(day: date, wanted: set[date]) -> bool:
    return any(day + timedelta(days=k) in wanted for k in range(-1, 2))


def plan_proximity_days(
    data_dir: Path, days: Sequence[date], settings: Settings
) -> tuple[list[PlannedFile], int]:
    """The landed files of ``days`` (by name order) and how many files were not looked into.

    A file whose name puts it more than a day away from every wanted day is skipped without
    being opened; the others have their header (only) read to file them under a gaming day.
    """
    wanted = set(days)
    planned: list[PlannedFile] = []
    skipped = 0
    folder = Path(data_dir) / PROXIMITY_FOLDER
    for landed in iter_landed(Path(data_dir), PROXIMITY_FOLDER):
        is_engagements = landed.name.endswith(ENGAGEMENTS_SUFFIX)
        name = parse_proximity_filename(landed.name)
        if name is not None and not _near(
            gaming_day_of_local(name.written_local, settings.day_start_hour), wanted
        ):
            skipped += 1
            continue
        try:
            header = peek_header(folder / landed.name, landed.name) if is_engagements else None
        except OSError:  # unreadable: filed by name or landing time, rejected when read
            header = None
        day, source, note = file_gaming_day(header, landed.name, landed.mtime_ns, settings)
        if day in wanted:
            planned.append(PlannedFile(landed, day, source, note, is_engagements))
    return planned, skipped


# ------------------------------------------------------------------------------ one file


@dataclass(frozen=True, slots=True)
class ProximityFileSummary:
    """One ``proximity_files`` row: the file, its round identity decision and its counts."""

    source_file: str
    source_sha256: str
    gaming_day: date
    day_source: str
    size_bytes: int
    format_version: int
    tracker_version_full: str | None
    map_name: str
    map_key: str
    round_start_unix: int | None
    round_end_unix: int | None
    position_sample_interval_ms: int | None
    header_round_number: int | None
    resolved_round_number: int | None
    round_resolved: bool
    round_corrected: bool
    identity_reason: str
    identity_delta_s: int | None
    identity_sources: str | None
    identity_candidates: int
    round_id: int | None
    round_key: str | None
    round_link_delta_s: int | None
    engagement_lines: int | None  # None: ENGAGEMENTS not captured
    combat_engagements: int | None  # None: ENGAGEMENTS not captured
    excluded_engagements: int | None  # None: ENGAGEMENTS not captured
    player_tracks: int
    track_samples: int
    trade_events: int | None  # None: ENGAGEMENTS not captured
    support_summaries: int
    sprint_signal: str
    broken_lines: int
    broken_line_details: str | None
    ignored_sections: str | None
    notes: str | None

    def as_row(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in self.__slots__}  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True, eq=False)
class ProximityFileResult:
    """The outcome of one file; ``summary`` and ``derived`` only when it loaded."""

    outcome: FileOutcome
    summary: ProximityFileSummary | None = None
    derived: ProximityDerived | None = None
    #: Rows of the section tables (``ingest.proximity_sections``), warehouse columns included.
    section_rows: dict[str, list[Any]] = field(default_factory=dict)

    def table_rows(self) -> dict[str, list[dict[str, Any]]]:
        """Rows per derived table, with the warehouse columns (day, link, provenance) added."""
        if self.derived is None or self.summary is None:
            return {}
        extra = (self.summary.source_sha256, self.summary.gaming_day, self.summary.round_id)
        d = self.derived
        produced = {
            "combat_engagement": d.combat_engagements,
            "player_track": d.player_tracks,
            "proximity_trade_event": d.trade_events,
            "proximity_support_summary": d.support_summaries,
        }
        out: dict[str, list[dict[str, Any]]] = {}
        for table, rows in produced.items():
            columns, values_of = _ROW_LAYOUT[table]
            out[table] = [dict(zip(columns, (*values_of(r), *extra), strict=True)) for r in rows]
        out.update(self.section_rows)
        return out


def _row_layout(row_type: type) -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """Column names (row fields, then the warehouse columns) and a C-level getter of the fields.

    Equivalent to ``row_values`` (a test checks the stored rows), without a Python-level loop
    per value: this runs for every row of every file.
    """
    names = table_columns(row_type)
    return (*names, *schema_proximity.WAREHOUSE_COLUMNS), attrgetter(*names)


_ROW_LAYOUT = {name: _row_layout(row_type) for name, row_type in TABLE_ROW_TYPES.items()}


def _unusable(parsed: ProximityFile) -> str | None:
    """Why a parsed file cannot be loaded at all, or ``None``."""
    if parsed.byte_size == 0:
        return "empty_file: zero bytes"
    has_rows = bool(parsed.engagements or parsed.lives)
    if parsed.header.magic is None and not has_rows:
        return "not_a_proximity_file: no PROXIMITY_TRACKER magic line and no engagement or track"
    if not has_rows:
        broken = len(parsed.broken_lines)
        return (
            f"no_records: no engagement or track line could be parsed ({broken} broken lines; "
            "a header-only or truncated write)"
        )
    if not parsed.header.map_name:
        return "missing_map: the header has no map= line, the round cannot be identified"
    return None


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def _int_fields(row_type: type) -> Callable[[Any], tuple[Any, ...]]:
    """A getter of the row type's integer fields (``int`` or ``int | None``, never ``bool``)."""
    hints = typing.get_type_hints(row_type)
    names = [
        name
        for name in table_columns(row_type)
        if hints[name] is int or int in typing.get_args(hints[name])
    ]
    getter = attrgetter(*names)
    return getter if len(names) > 1 else lambda row: (getter(row),)


_INT_GETTERS = {name: _int_fields(row_type) for name, row_type in TABLE_ROW_TYPES.items()}


def _out_of_range(header: ProximityHeader, derived: ProximityDerived) -> str | None:
    """An integer no BIGINT column can hold (the parser accepts any digits), or ``None``.

    Such a value would fail the partition's insert, so the file is rejected instead. Cheap: a
    round has a few hundred engagement, track and trade rows (the samples stay in the path text).
    """
    header_values = (
        header.round_number,
        header.round_start_unix,
        header.round_end_unix,
        header.position_sample_interval_ms,
        header.format_version,
    )
    named: list[tuple[str, Iterable[tuple[Any, ...]]]] = [
        ("header", (header_values,)),
        ("combat_engagement", map(_INT_GETTERS["combat_engagement"], derived.combat_engagements)),
        ("player_track", map(_INT_GETTERS["player_track"], derived.player_tracks)),
        ("proximity_trade_event", map(_INT_GETTERS["proximity_trade_event"], derived.trade_events)),
    ]
    for where, rows in named:
        for values in rows:
            for value in values:
                if value is not None and not _BIGINT_MIN <= value <= _BIGINT_MAX:
                    return f"value_out_of_range: {where} holds {value}, beyond a 64-bit integer"
    return None


def _joined(items: Sequence[str], limit: int | None = None) -> str | None:
    if not items:
        return None
    shown = list(items if limit is None else items[:limit])
    if limit is not None and len(items) > limit:
        shown.append(f"... {len(items) - limit} more")
    return "; ".join(shown)


def _warnings(
    parsed: ProximityFile,
    decision: RoundIdentityDecision,
    linked: bool,
    extra: Sequence[str],
) -> tuple[str, ...]:
    out = list(extra)
    if parsed.broken_lines:
        reasons = Counter(b.reason for b in parsed.broken_lines)
        detail = ",".join(f"{r}={n}" for r, n in sorted(reasons.items()))
        out.append(f"broken_lines:{len(parsed.broken_lines)} ({detail})")
    if not decision.resolved:
        out.append(f"round_unresolved:{decision.reason}")
    elif decision.round_number != decision.header_round_number:
        out.append(
            f"round_corrected:{decision.header_round_number}->{decision.round_number}:"
            f"{decision.reason}"
        )
    if decision.resolved and not linked:
        out.append("no_stats_round_linked")
    return tuple(out)


def process_proximity_file(
    name: str,
    data: bytes,
    gaming_day: date,
    candidates: RoundCandidates,
    *,
    day_source: str = "round_end_unix",
    day_note: str | None = None,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
    sha256: str | None = None,
) -> ProximityFileResult:
    """Parse, identify, link and derive one file (pure: bytes and candidates in, rows out).

    ``sha256`` may pass the digest of ``data`` when the caller already computed it.
    """
    sha = sha256 or sha256_hex(data)
    base = {"file_name": name, "gaming_day": gaming_day, "size_bytes": len(data), "sha256": sha}
    extra: list[str] = []
    if day_note:
        extra.append(f"day:{day_note}")
    text = data
    if NUL in data:
        # PostgreSQL text cannot hold NUL; it is as unreadable as an undecodable byte.
        extra.append(f"nul_bytes_replaced:{data.count(NUL)}")
        text = data.replace(NUL, _REPLACEMENT_CHAR)
    try:
        parsed = parse_proximity_file(name, text)
    except ProximityFileRejected as exc:
        reason = str(exc)
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=reason, **base)
        )
    except Exception as exc:  # the parser raises only its rejection; be safe anyway
        reason = f"parse_error: {type(exc).__name__}: {exc}"
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=reason, **base)
        )
    unusable = _unusable(parsed)
    if unusable is not None:
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=unusable, **base)
        )
    header = parsed.header
    key = map_key(header.map_name or "")
    decision = resolve_proximity_round(
        header, candidates.for_map(key, gaming_day), tolerance_s=tolerance_s
    )
    link = None
    if decision.resolved:
        link = link_stats_round(
            header.round_end_unix,
            key,
            decision.round_number,
            candidates.stats_for_map(key, gaming_day),
            tolerance_s=tolerance_s,
        )
    ref, link_delta = link if link is not None else (None, None)
    capabilities = capability_rows(parsed)
    # Figures of a section whose capability is not ``enabled`` were not measured: NULL, not 0.
    captured = states_of(capabilities).get("ENGAGEMENTS") == ENABLED
    try:
        derived = derive(
            parsed,
            round_number=decision.round_number,
            round_key=ref.round_key if ref else None,
            engagements_captured=captured,
        )
    except Exception as exc:  # a derivation bug must not take the partition down with it
        reason = f"derive_error: {type(exc).__name__}: {exc}"
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=reason, **base)
        )
    too_large = _out_of_range(header, derived)
    if too_large is not None:
        return ProximityFileResult(
            FileOutcome(source=SOURCE, kind=KIND, status="rejected", reason=too_large, **base)
        )
    summary = ProximityFileSummary(
        source_file=name,
        source_sha256=sha,
        gaming_day=gaming_day,
        day_source=day_source,
        size_bytes=len(data),
        format_version=header.format_version,
        tracker_version_full=header.tracker_version_full,
        map_name=header.map_name or "",
        map_key=key,
        round_start_unix=header.round_start_unix,
        round_end_unix=header.round_end_unix,
        position_sample_interval_ms=header.position_sample_interval_ms,
        header_round_number=header.round_number,
        resolved_round_number=decision.round_number,
        round_resolved=decision.resolved,
        round_corrected=decision.resolved and decision.round_number != decision.header_round_number,
        identity_reason=decision.reason,
        identity_delta_s=decision.delta_s,
        identity_sources=",".join(decision.matched_sources) or None,
        identity_candidates=decision.candidates_considered,
        round_id=ref.round_id if ref else None,
        round_key=ref.round_key if ref else None,
        round_link_delta_s=link_delta,
        engagement_lines=_if(captured, len(parsed.engagements)),
        combat_engagements=_if(captured, len(derived.combat_engagements)),
        excluded_engagements=_if(captured, len(derived.excluded_engagements)),
        player_tracks=len(derived.player_tracks),
        track_samples=len(parsed.samples),
        trade_events=_if(captured, len(derived.trade_events)),
        support_summaries=len(derived.support_summaries),
        sprint_signal=derived.sprint_signal,
        broken_lines=len(parsed.broken_lines),
        broken_line_details=_joined(
            [f"{b.line_no}:{b.reason}" for b in parsed.broken_lines], _MAX_BROKEN_DETAILS
        ),
        ignored_sections=_joined([f"{s.name}({s.rows})" for s in parsed.ignored_sections]),
        notes=_joined([*parsed.notes, *derived.notes]),
    )
    outcome = FileOutcome(
        source=SOURCE,
        kind=KIND,
        status="loaded",
        warnings=_warnings(parsed, decision, ref is not None, extra),
        round_id=summary.round_id,
        **base,
    )
    sections = section_rows(
        parsed,
        sha256=sha,
        gaming_day=gaming_day,
        round_id=summary.round_id,
        round_key=summary.round_key,
        round_number=decision.round_number,
        capabilities=capabilities,
    )
    return ProximityFileResult(outcome, summary, derived, sections)


def _if(captured: bool, value: int) -> int | None:
    return value if captured else None


# ------------------------------------------------------------------------------- the run


@dataclass(slots=True)
class ProximityIngestReport(OutcomeCounts):
    """The outcome of one ingestion run over ``days`` (input for asset metadata)."""

    days: list[date]
    outcomes: list[FileOutcome] = field(default_factory=list)
    files: list[ProximityFileSummary] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    bytes_read: int = 0
    files_not_opened: int = 0
    candidates: int = 0

    def identity_reasons(self) -> dict[str, int]:
        return dict(Counter(f.identity_reason for f in self.files))

    @property
    def engagements(self) -> int:
        return sum(f.combat_engagements or 0 for f in self.files)

    @property
    def tracks(self) -> int:
        return sum(f.player_tracks for f in self.files)

    @property
    def trades(self) -> int:
        return sum(f.trade_events or 0 for f in self.files)

    @property
    def broken_lines(self) -> int:
        return sum(f.broken_lines for f in self.files)

    @property
    def rounds_corrected(self) -> int:
        return sum(f.round_corrected for f in self.files)

    @property
    def rounds_unresolved(self) -> int:
        return sum(not f.round_resolved for f in self.files)

    @property
    def rounds_linked(self) -> int:
        return sum(f.round_id is not None for f in self.files)


def _unusable_outcomes(
    data_dir: Path, days: Sequence[date], settings: Settings
) -> list[FileOutcome]:
    """Symlinks, directories and undecodable names of the folder, each recorded as rejected."""
    wanted = set(days)
    outcomes = []
    for entry in iter_unusable(data_dir, PROXIMITY_FOLDER):
        day, _, _ = file_gaming_day(None, entry.name, entry.mtime_ns, settings)
        if day in wanted:
            outcomes.append(unusable_outcome(SOURCE, entry, day))
    return outcomes


@dataclass(frozen=True, slots=True)
class _Context:
    """What every file's preparation needs besides the file (sent once to each worker)."""

    folder: Path
    candidates: RoundCandidates
    postgres: bool


@dataclass(frozen=True, slots=True, eq=False)
class _Prepared:
    """One planned file, read and processed, its rows ready for the writer.

    ``result`` has no ``derived`` rows (they are in ``tables``). ``sha256`` is set when the file
    was read as an engagements file: the caller applies the duplicate rule, which depends on the
    files before it. ``tables`` holds, per table, the rendered COPYs (PostgreSQL) or the rows.
    """

    result: ProximityFileResult
    sha256: str | None = None
    bytes_read: int = 0
    tables: dict[str, list[Any]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def _prepare(ctx: _Context, item: PlannedFile) -> _Prepared:
    """Read, hash, parse, identify, derive and render one file (in a worker process).

    Never raises for a file: an unreadable file or a bug is that file's rejection, not the
    run's failure (the duplicate rule is left to the caller, see :class:`_Prepared`).
    """
    name = item.landed.name
    bytes_read = 0
    try:
        if item.landed.size > MAX_PROXIMITY_FILE_BYTES:  # refused on its size, never loaded
            outcome = oversized_outcome(
                SOURCE,
                ctx.folder / name,
                name,
                item.landed.size,
                item.gaming_day,
                MAX_PROXIMITY_FILE_BYTES,
            )
            return _Prepared(ProximityFileResult(outcome))
        data = (ctx.folder / name).read_bytes()
        bytes_read = len(data)
        sha = sha256_hex(data)
        if not item.is_engagements:
            outcome = FileOutcome(
                source=SOURCE,
                kind="unknown",
                status="ignored",
                reason=f"not_an_engagements_file: expected *{ENGAGEMENTS_SUFFIX}",
                sha256=sha,
                **_base(name, item.gaming_day, data),
            )
            return _Prepared(ProximityFileResult(outcome), bytes_read=bytes_read)
        result = process_proximity_file(
            name,
            data,
            item.gaming_day,
            ctx.candidates,
            day_source=item.day_source,
            day_note=item.day_note,
            sha256=sha,
        )
    except Exception as exc:  # unreadable, or a bug: this file's row, not the run's failure
        code = "unreadable_file" if isinstance(exc, OSError) else "ingest_error"
        outcome = failed_outcome(SOURCE, name, item.gaming_day, exc, code=code)
        return _Prepared(ProximityFileResult(outcome), bytes_read=bytes_read)
    if result.summary is None:
        return _Prepared(result, sha, bytes_read)
    try:
        tables, counts = _rendered(result.table_rows(), ctx.postgres)
    except Exception as exc:  # one file's failure never costs the partition
        outcome = failed_outcome(SOURCE, name, item.gaming_day, exc)
        return _Prepared(ProximityFileResult(outcome), sha, bytes_read)
    stripped = ProximityFileResult(result.outcome, result.summary)
    return _Prepared(stripped, sha, bytes_read, tables, counts)


def _base(name: str, gaming_day: date, data: bytes) -> dict[str, Any]:
    return {"file_name": name, "gaming_day": gaming_day, "size_bytes": len(data)}


def _rendered(
    tables: dict[str, list[Any]], postgres: bool
) -> tuple[dict[str, list[Any]], dict[str, int]]:
    """Per table: the COPYs to send (PostgreSQL) or the rows (SQLite); and the row counts."""
    out: dict[str, list[Any]] = {}
    counts: dict[str, int] = {}
    for name, rows in tables.items():
        if not rows:
            continue
        table = schema_proximity.PROXIMITY_ROW_TABLES[name]
        chunked = name in TUPLE_TABLES  # section rows: per-file chunks (ingest.proximity_sections)
        counts[name] = sum(len(c.rows) for c in rows) if chunked else len(rows)
        if not postgres:
            out[name] = rows
        elif chunked:
            out[name] = chunk_payloads(table, rows)
        elif name in _BINARY_TABLES:
            out[name] = [binary_payload(table, rows)]
        else:
            out[name] = [copy_payload(table, rows)]
    return out, counts


def _duplicate_of(prepared: _Prepared, first: str) -> ProximityFileResult:
    outcome = prepared.result.outcome
    return ProximityFileResult(
        FileOutcome(
            source=SOURCE,
            kind=KIND,
            status="rejected",
            reason=f"duplicate_payload_of: {first}",
            sha256=outcome.sha256,
            file_name=outcome.file_name,
            gaming_day=outcome.gaming_day,
            size_bytes=prepared.bytes_read,
        )
    )


def _clear_moved_files(conn: Connection, names: Sequence[str], days: Sequence[date]) -> None:
    """Delete rows of these files stored under *other* days (a file whose day changed)."""
    targets = [(t, t.c.source_file, None) for t in schema_proximity.PROXIMITY_TABLES]
    processed = schema.processed_files
    targets.append((processed, processed.c.file_name, processed.c.source == SOURCE))
    for start in range(0, len(names), _SQL_CHUNK):
        chunk = list(names[start : start + _SQL_CHUNK])
        for table, name_column, where in targets:
            condition = and_(name_column.in_(chunk), table.c.gaming_day.not_in(list(days)))
            if where is not None:
                condition = and_(condition, where)
            conn.execute(delete(table).where(condition))


def _write_table(conn: Connection, name: str, rows: list[Any]) -> None:
    """One table's part of a batch: COPYs rendered by :func:`_prepare`, or rows (SQLite)."""
    if not rows:
        return
    if isinstance(rows[0], CopyPayload):
        send_copies(conn, rows)
        return
    table = schema_proximity.PROXIMITY_ROW_TABLES[name]
    if name in TUPLE_TABLES:
        insert_chunks(conn, table, rows)
    else:
        insert_rows(conn, table, rows)


def _write_batch(conn: Connection, batch: dict[str, list[Any]]) -> None:
    for name, rows in batch.items():
        _write_table(conn, name, rows)


def _prefer_fast_toast_compression(conn: Connection) -> None:
    """Compress this transaction's long texts (the paths) with lz4 where the server has it.

    PostgreSQL's default (pglz) costs more CPU than parsing the file does; lz4 is several times
    faster for a slightly larger table. ``SET LOCAL`` ends with the transaction.
    """
    if conn.dialect.name != "postgresql":
        return
    available = conn.execute(
        text(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
    ).scalar()
    if available:
        conn.execute(text("SET LOCAL default_toast_compression = 'lz4'"))


def _new_batch() -> dict[str, list[Any]]:
    return {name: [] for name in schema_proximity.PROXIMITY_ROW_TABLES}


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
    # Imported here: proximity_candidates builds on this module's candidate types.
    from slomix_pipeline.ingest.proximity_candidates import round_candidates

    candidates = round_candidates(engine, data_dir, report.days, settings)
    report.candidates = len(candidates)
    processed = schema.processed_files
    slices = [
        TableSlice(processed, report.days, where=processed.c.source == SOURCE),
        *(TableSlice(t, report.days) for t in schema_proximity.PROXIMITY_TABLES),
    ]
    written: Counter[str] = Counter()
    with engine.begin() as conn:
        context = _Context(
            Path(data_dir) / PROXIMITY_FOLDER, candidates, conn.dialect.name == "postgresql"
        )
        _prefer_fast_toast_compression(conn)
        _clear_moved_files(conn, [p.landed.name for p in planned], report.days)
        replace_partition(conn, [(s, []) for s in slices])  # clears the days; rows come below
        report.outcomes.extend(_unusable_outcomes(Path(data_dir), report.days, settings))
        if workers is None:
            workers = default_workers() if len(planned) >= _POOL_MIN_FILES else 0
        seen: dict[str, str] = {}
        batch, batch_bytes = _new_batch(), 0
        for prepared in ordered_map(_prepare, context, planned, workers=workers):
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
