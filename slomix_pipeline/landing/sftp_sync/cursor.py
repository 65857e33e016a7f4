"""Sensor planning: the cursor kept between ticks and the choice of one run's batch of files."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from slomix_pipeline.cursor_json import dump_versioned, load_versioned
from slomix_pipeline.landing.sftp_sync.listing import select_ready
from slomix_pipeline.landing.sftp_sync.records import (
    MAX_RETRY_DELAY_SECONDS,
    LedgerEntry,
    RemoteFile,
    RemoteListing,
)
from slomix_pipeline.landing.sftp_sync.settings import SftpSettings

CURSOR_VERSION = 1
RUN_SUCCEEDED = "success"
RUN_FAILED = "failure"
RUN_ACTIVE = "active"


@dataclass(frozen=True, slots=True)
class SftpCursor:
    """What the SFTP sensor remembers between ticks.

    ``previous`` is the last listing of files not landed yet (key -> size, mtime), the first of
    the two listings a file must agree with; ``seq`` numbers the requested runs (part of the
    run key, so a failed run's files can be requested again under a new key); ``inflight`` is
    the run key of the last request; ``failed_runs`` and ``not_before`` back off after failed
    runs so a broken setup does not start a run every tick.
    """

    previous: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    seq: int = 0
    inflight: str | None = None
    failed_runs: int = 0
    not_before: float = 0.0

    def to_json(self) -> str:
        document = {
            "previous": {key: list(value) for key, value in sorted(self.previous.items())},
            "seq": self.seq,
            "inflight": self.inflight,
            "failed_runs": self.failed_runs,
            "not_before": self.not_before,
        }
        return dump_versioned(CURSOR_VERSION, document)

    @classmethod
    def from_json(cls, text: str | None) -> SftpCursor:
        document = load_versioned(text, CURSOR_VERSION, "SFTP sensor cursor")
        if document is None:
            return cls()
        return cls(
            previous={
                str(key): (int(value[0]), int(value[1]))
                for key, value in document.get("previous", {}).items()
            },
            seq=int(document.get("seq", 0)),
            inflight=document.get("inflight"),
            failed_runs=int(document.get("failed_runs", 0)),
            not_before=float(document.get("not_before", 0.0)),
        )

    def after_run(self, state: str | None, now: float, retry_after_seconds: float) -> SftpCursor:
        """Fold the state of the last requested run in (None: no such run was found)."""
        if self.inflight is None or state == RUN_ACTIVE:
            return self
        if state == RUN_FAILED:
            failed = self.failed_runs + 1
            delay = min(retry_after_seconds * 2 ** (failed - 1), MAX_RETRY_DELAY_SECONDS)
            return SftpCursor(self.previous, self.seq, None, failed, now + delay)
        failed = 0 if state == RUN_SUCCEEDED else self.failed_runs
        return SftpCursor(self.previous, self.seq, None, failed, self.not_before)


@dataclass(frozen=True, slots=True)
class SftpTickPlan:
    """One sensor tick: the files to fetch in one run (possibly none) and the next cursor."""

    batch: tuple[RemoteFile, ...]
    run_key: str | None
    cursor: SftpCursor
    unsettled: int
    pending: int


def batch_digest(files: Sequence[RemoteFile]) -> str:
    """SHA-256 over the sorted (stream, name, size, mtime) of a batch."""
    lines = sorted(f"{f.stream}\t{f.name}\t{f.size}\t{f.mtime}\n" for f in files)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()


def plan_sftp_tick(
    listing: RemoteListing,
    ledger: Mapping[str, LedgerEntry],
    cursor: SftpCursor,
    *,
    now: float,
    settings: SftpSettings,
) -> SftpTickPlan:
    """Pick the ready files (two agreeing listings or settled) for one run, oldest first.

    Re-evaluating a tick from the same cursor and listing gives the same run key.
    """
    ready, unsettled = select_ready(
        listing.files,
        cursor.previous,
        ledger,
        now=now,
        settle_seconds=settings.settle_seconds,
        retry_after_seconds=settings.retry_after_seconds,
    )
    previous = {
        f.key: (f.size, f.mtime)
        for f in listing.files
        if f.key not in ledger or not ledger[f.key].done
    }
    ready.sort(key=lambda f: (f.mtime, f.stream, f.name))
    batch = tuple(ready[: settings.max_files_per_run])
    if not batch:
        return SftpTickPlan(
            (),
            None,
            SftpCursor(
                previous, cursor.seq, cursor.inflight, cursor.failed_runs, cursor.not_before
            ),
            len(unsettled),
            len(previous),
        )
    seq = cursor.seq + 1
    run_key = f"sftp:{seq}:{batch_digest(batch)[:24]}"
    return SftpTickPlan(
        batch,
        run_key,
        SftpCursor(previous, seq, run_key, cursor.failed_runs, cursor.not_before),
        len(unsettled),
        len(previous),
    )
