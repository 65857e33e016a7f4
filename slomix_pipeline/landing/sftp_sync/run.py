"""One sync run under the landing lock: per-file retries on a fresh session, ledger updates."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import paramiko

from slomix_pipeline.landing.sftp_sync.connection import Connector, open_sftp
from slomix_pipeline.landing.sftp_sync.errors import HostKeyError, SftpAuthError, SftpConfigError
from slomix_pipeline.landing.sftp_sync.fetch import ChunkHook, fetch_file, remove_stale_temporaries
from slomix_pipeline.landing.sftp_sync.ledger import LEDGER_NAME, Ledger
from slomix_pipeline.landing.sftp_sync.listing import list_remote, select_ready
from slomix_pipeline.landing.sftp_sync.records import (
    FetchOutcome,
    LedgerEntry,
    RemoteFile,
    SyncReport,
)
from slomix_pipeline.landing.sftp_sync.settings import SftpSettings

LOCK_NAME = ".sftp_sync.lock"


@contextlib.contextmanager
def sync_lock(data_dir: Path) -> Iterator[bool]:
    """Yield True when this process holds the landing zone's sync lock, False when busy."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / LOCK_NAME, "a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                yield False
                return
            raise
        try:
            yield True
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_FATAL = (HostKeyError, SftpAuthError, SftpConfigError)
_TRANSIENT = (OSError, EOFError, paramiko.SSHException)


class _Session:
    """A lazily (re)opened SFTP session: transport errors close it, the next use reconnects."""

    def __init__(self, settings: SftpSettings, connect: Connector) -> None:
        self._settings = settings
        self._connect = connect
        self._stack: contextlib.ExitStack | None = None
        self._sftp: paramiko.SFTPClient | None = None

    def get(self) -> paramiko.SFTPClient:
        if self._sftp is None:
            stack = contextlib.ExitStack()
            try:
                self._sftp = stack.enter_context(self._connect(self._settings))
            except BaseException:
                stack.close()
                raise
            self._stack = stack
        return self._sftp

    def reset(self) -> None:
        stack, self._stack, self._sftp = self._stack, None, None
        if stack is not None:
            with contextlib.suppress(Exception):
                stack.close()


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def sync(
    settings: SftpSettings,
    data_dir: Path,
    files: Sequence[RemoteFile] | None = None,
    *,
    connect: Connector = open_sftp,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
    on_chunk: ChunkHook | None = None,
) -> SyncReport:
    """Fetch ``files`` (as listed by the sensor) or, with None, every settled new remote file.

    Host-key, authentication and configuration errors raise. Transport errors are retried
    ``settings.attempts`` times per file with exponential back-off on a fresh connection; a
    file that still fails is recorded as failed in the ledger and reported. When the server
    cannot be reached at all the run stops and reports ``unreachable``.
    """
    report = SyncReport()
    with sync_lock(data_dir) as locked:
        if not locked:
            report.busy = True
            return report
        remove_stale_temporaries(data_dir)
        run = _SyncRun(
            settings, data_dir, _Session(settings, connect), report, now, sleep, on_chunk
        )
        try:
            run.run(files)
        finally:
            run.session.reset()
    return report


class _SyncRun:
    """The state of one sync run under the lock: ledger, session, report, injected clock."""

    def __init__(
        self,
        settings: SftpSettings,
        data_dir: Path,
        session: _Session,
        report: SyncReport,
        now: Callable[[], float],
        sleep: Callable[[float], None],
        on_chunk: ChunkHook | None,
    ) -> None:
        self.settings = settings
        self.data_dir = data_dir
        self.session = session
        self.report = report
        self.now = now
        self.sleep = sleep
        self.on_chunk = on_chunk
        self.ledger = Ledger(data_dir / LEDGER_NAME)
        self.entries = self.ledger.load()

    def run(self, files: Sequence[RemoteFile] | None) -> None:
        if files is None:
            files = self._settled_now()
            if files is None:
                return
        todo = []
        for remote in files:
            entry = self.entries.get(remote.key)
            if entry is not None and entry.done:
                self.report.already_done += 1
            else:
                todo.append(remote)
        todo = todo[: self.settings.max_files_per_run]
        self.report.requested = len(todo)
        for index, remote in enumerate(todo):
            if not self._one(remote):
                self.report.not_attempted.extend(todo[index:])
                return

    def _settled_now(self) -> list[RemoteFile] | None:
        """A run without a sensor listing: list now and take what is old enough."""
        try:
            listing = list_remote(self.session.get(), self.settings)
        except _FATAL:
            raise
        except _TRANSIENT as exc:
            self.report.unreachable = _describe(exc)
            return None
        ready, _ = select_ready(
            listing.files,
            {},
            self.entries,
            now=self.now(),
            settle_seconds=self.settings.settle_seconds,
            retry_after_seconds=self.settings.retry_after_seconds,
        )
        return ready

    def _one(self, remote: RemoteFile) -> bool:
        """Fetch one file with retries; False when the server is unreachable (stop the run)."""
        last_error = ""
        connect_failed = False
        for attempt in range(1, self.settings.attempts + 1):
            if attempt > 1:
                self.report.retries += 1
                self.sleep(self.settings.backoff_seconds * 2 ** (attempt - 2))
            try:
                sftp = self.session.get()
            except _FATAL:
                raise
            except _TRANSIENT as exc:
                last_error, connect_failed = _describe(exc), True
                continue
            connect_failed = False
            try:
                outcome = fetch_file(
                    sftp, self.settings, remote, self.data_dir, on_chunk=self.on_chunk
                )
            except _FATAL:
                raise
            except PermissionError as exc:  # the server refused this file; the session is fine
                last_error = _describe(exc)
                break
            except _TRANSIENT as exc:
                last_error = _describe(exc)
                self.session.reset()
                continue
            self._record(remote, outcome)
            return True
        if connect_failed:
            # The server is down, not this file: no ledger penalty, stop the run.
            self.report.unreachable = f"{self.settings.host}:{self.settings.port}: {last_error}"
            return False
        previous = self.entries.get(remote.key)
        self._remember(
            LedgerEntry(
                remote.stream,
                remote.name,
                "failed",
                remote.size,
                remote.mtime,
                self.now(),
                error=last_error,
                failures=(previous.failures if previous is not None else 0) + 1,
            )
        )
        self.report.failed.append((remote, last_error))
        return True

    def _remember(self, entry: LedgerEntry) -> None:
        self.ledger.append(entry)
        self.entries[entry.key] = entry

    def _record(self, remote: RemoteFile, outcome: FetchOutcome) -> None:
        report = self.report
        if outcome.status == "changed":
            # Not an error and nothing to remember: the next listing shows the new state.
            report.changed.append((remote, outcome.detail or ""))
            return
        if outcome.status == "vanished":
            report.vanished.append(remote)
            return
        self._remember(
            LedgerEntry(
                remote.stream,
                remote.name,
                outcome.status,
                remote.size,
                remote.mtime,
                self.now(),
                sha256=outcome.sha256,
                error=outcome.detail if outcome.status == "conflict" else None,
            )
        )
        report.bytes_fetched += outcome.bytes
        if outcome.status == "landed":
            report.landed.append(remote)
        elif outcome.status == "adopted":
            report.adopted.append(remote)
        else:
            report.conflicts.append((remote, outcome.detail or ""))
