"""The per-file work a run hands to its worker processes, and the duplicate rule it keeps.

:func:`_prepare` reads, hashes, processes and renders one planned file as COPY data; it stays a
module-level function so ``ingest.ordered_pool`` can send it to forked workers by reference.
Duplicates (a renamed copy of an earlier file) depend on the files before, so the writing
process decides them in name order with :func:`_duplicate_of`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from slomix_pipeline.formats.limits import MAX_PROXIMITY_FILE_BYTES
from slomix_pipeline.ingest.outcomes import FileOutcome, failed_outcome, oversized_outcome
from slomix_pipeline.ingest.proximity_file import process_proximity_file
from slomix_pipeline.ingest.proximity_plan import ENGAGEMENTS_SUFFIX, PlannedFile
from slomix_pipeline.ingest.proximity_result import KIND, SOURCE, ProximityFileResult
from slomix_pipeline.ingest.proximity_rounds import RoundCandidates
from slomix_pipeline.ingest.proximity_sections import TUPLE_TABLES
from slomix_pipeline.landing.zone import sha256_hex
from slomix_pipeline.warehouse import schema_proximity
from slomix_pipeline.warehouse.binary_copy import binary_payload
from slomix_pipeline.warehouse.tuple_copy import chunk_payloads
from slomix_pipeline.warehouse.writes import copy_payload

_BINARY_TABLES = frozenset({"player_track"})
"""Tables sent in PostgreSQL's binary COPY format: their long path texts cost the server a
character-by-character CSV scan otherwise (``warehouse.binary_copy``)."""


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
