"""Per-file outcomes shared by every ingestion: one ``processed_files`` row per landed file.

Each source (stats, webhook, gametime, proximity) records what happened to every file it saw:
``loaded``, ``ignored`` (not its kind of file, e.g. a side-car), ``rejected`` (with a specific
reason) or ``changed`` (bytes differ from the first ingestion). Keeping the record and its counts
in one place keeps the rows, and the asset metadata built from them, alike across sources.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from slomix_pipeline.landing.zone import UnusableEntry, sha256_hex, sha256_of_file

QUARANTINED_STATUSES = frozenset({"rejected", "changed"})


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one landed file in this run."""

    source: str
    file_name: str
    kind: str
    gaming_day: date
    size_bytes: int
    sha256: str
    status: str  # loaded | ignored | rejected | changed
    reason: str | None = None
    warnings: tuple[str, ...] = ()
    round_id: int | None = None
    first_seen_sha256: str | None = None
    """SHA-256 when the file was first ingested; ``None`` means the same as ``sha256``."""

    def as_row(self) -> dict[str, object]:
        return {
            "source": self.source,
            "file_name": self.file_name,
            "kind": self.kind,
            "gaming_day": self.gaming_day,
            "size_bytes": self.size_bytes,
            "sha256": self.sha256,
            "first_seen_sha256": self.first_seen_sha256 or self.sha256,
            "status": self.status,
            "reason": self.reason,
            "warnings": "; ".join(self.warnings) or None,
            "round_id": self.round_id,
        }


@dataclass(slots=True)
class IngestReport:
    """What one ingestion run over ``days`` did with the landed files (input for asset metadata).

    The part every file source shares: each file's outcome, the rows written per table and the
    bytes read. Each source's report extends it with its own counts.
    """

    days: list[date]
    outcomes: list[FileOutcome] = field(default_factory=list)
    rows_written: dict[str, int] = field(default_factory=dict)
    bytes_read: int = 0

    @property
    def rejected(self) -> list[FileOutcome]:
        """The quarantined files: rejected, or changed since first ingested."""
        return [o for o in self.outcomes if o.status in QUARANTINED_STATUSES]

    def status_counts(self) -> dict[str, int]:
        return dict(Counter(o.status for o in self.outcomes))

    def reason_counts(self) -> dict[str, int]:
        """Quarantined files per reason code (the part of the reason before the first colon)."""
        return dict(Counter((o.reason or "").split(":")[0] for o in self.rejected))


EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
"""SHA-256 of no bytes: the digest recorded for an entry whose content could not be read."""


def unusable_outcome(source: str, entry: UnusableEntry, gaming_day: date) -> FileOutcome:
    """The quarantine row of a symlink, directory or undecodable name in a landing folder."""
    return FileOutcome(
        source=source,
        file_name=entry.name,
        kind="unknown",
        gaming_day=gaming_day,
        size_bytes=entry.size,
        sha256=EMPTY_SHA256,
        status="rejected",
        reason=entry.reason,
    )


def failure_reason(code: str, exc: BaseException) -> str:
    """``code: ExceptionType: message`` (message cut short): a specific, stable-prefixed reason."""
    return f"{code}: {type(exc).__name__}: {str(exc)[:200]}"


def failed_outcome(
    source: str,
    file_name: str,
    gaming_day: date,
    exc: BaseException,
    *,
    code: str = "ingest_error",
    data: bytes | None = None,
    kind: str = "unknown",
) -> FileOutcome:
    """The quarantine row of a file whose reading or processing raised ``exc``.

    ``unreadable_file`` (an OSError reading it) or ``ingest_error`` (anything else: a bug that
    must not cost the rest of the partition; the reason names it so it can be fixed).
    """
    return FileOutcome(
        source=source,
        file_name=file_name,
        kind=kind,
        gaming_day=gaming_day,
        size_bytes=0 if data is None else len(data),
        sha256=EMPTY_SHA256 if data is None else sha256_hex(data),
        status="rejected",
        reason=failure_reason(code, exc),
    )


def oversized_outcome(
    source: str, path: Path, file_name: str, size: int, gaming_day: date, limit: int
) -> FileOutcome:
    """The quarantine row of a file larger than its kind allows, recorded without loading it.

    Checked on the size before reading, so one huge file never costs its size in memory.
    """
    return FileOutcome(
        source=source,
        file_name=file_name,
        kind="unknown",
        gaming_day=gaming_day,
        size_bytes=size,
        sha256=sha256_of_file(path),
        status="rejected",
        reason=f"oversized_file: {size} bytes > {limit} allowed for this kind of file",
    )
