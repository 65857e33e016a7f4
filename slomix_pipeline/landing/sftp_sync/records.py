"""Records of the mirror: a listed remote file, a ledger line, a fetch outcome, a run report."""

from __future__ import annotations

from dataclasses import dataclass, field

DONE_STATUSES = frozenset({"landed", "adopted", "conflict"})
MAX_RETRY_DELAY_SECONDS = 3600.0


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One remote file as listed: stream, bare name, size and mtime (whole seconds)."""

    stream: str
    name: str
    size: int
    mtime: int

    @property
    def key(self) -> str:
        return f"{self.stream}/{self.name}"


@dataclass(frozen=True, slots=True)
class RemoteListing:
    """Every wanted file of the configured remote folders, plus folders that do not exist."""

    files: tuple[RemoteFile, ...]
    missing_dirs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LedgerEntry:
    """One line of the ledger: what happened to one remote file (last line per file wins)."""

    stream: str
    name: str
    status: str  # landed | adopted | conflict | failed
    size: int
    mtime: int
    at: float
    sha256: str | None = None
    error: str | None = None
    failures: int = 0

    @property
    def key(self) -> str:
        return f"{self.stream}/{self.name}"

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES

    def retry_at(self, base_seconds: float) -> float:
        """When a failed file may be tried again: doubling delay, capped at an hour."""
        delay = min(base_seconds * 2 ** max(self.failures - 1, 0), MAX_RETRY_DELAY_SECONDS)
        return self.at + delay


@dataclass(frozen=True, slots=True)
class FetchOutcome:
    """The result of one download attempt that did not raise."""

    status: str  # landed | adopted | conflict | changed | vanished
    bytes: int = 0
    sha256: str | None = None
    detail: str | None = None


@dataclass(slots=True)
class SyncReport:
    """What one sync run did (input for run metadata)."""

    requested: int = 0
    landed: list[RemoteFile] = field(default_factory=list)
    adopted: list[RemoteFile] = field(default_factory=list)
    conflicts: list[tuple[RemoteFile, str]] = field(default_factory=list)
    changed: list[tuple[RemoteFile, str]] = field(default_factory=list)
    vanished: list[RemoteFile] = field(default_factory=list)
    failed: list[tuple[RemoteFile, str]] = field(default_factory=list)
    not_attempted: list[RemoteFile] = field(default_factory=list)
    already_done: int = 0
    retries: int = 0
    bytes_fetched: int = 0
    unreachable: str | None = None
    busy: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and self.unreachable is None
