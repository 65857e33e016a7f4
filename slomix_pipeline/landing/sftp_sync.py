"""SFTP mirror of the game server's output folders into the landing zone (paramiko).

The game server writes stats files, gametime fallback files and proximity files into folders of
its own. This module lists those folders, decides which files are new and finished, and lands
each one whole: download to a temporary name inside the landing folder, check that the byte
count matches and that the remote file did not change while it was read, fsync, rename, fsync
the folder, and only then record it in the ledger. A crash, a dropped connection or a file
still being written therefore never leaves a torn file under a real name, and a file is never
fetched twice.

Rules:

* **Host keys** are checked against the configured known_hosts file only. An unknown key is
  refused (a ``RejectPolicy``), a changed key is refused: both raise :class:`HostKeyError`, never
  retried, never auto-accepted. The file is read here, fail-closed: a key marked ``@revoked`` is
  refused even if also listed, ``@cert-authority`` lines (host certificates, which paramiko
  cannot check) vouch for nothing, an unknown marker or an unreadable line is a configuration
  error naming the line.
* **Finished files only.** A remote file is fetched when its size and mtime are the same in two
  consecutive listings, or its mtime is older than a settle time; the download is still
  discarded when size or mtime differ before and after the transfer. (SFTP v3 carries mtime in
  whole seconds, so the size check does most of the work for a file being appended to.) A file
  rewritten in place with the same size within the same second passes those checks, so the file
  is read a second time and both reads must have the same SHA-256, else it is ``changed``.
* **Names.** Stats folder: ``<stamp>-<map>-round-<N>.txt`` and the ``-endstats.txt`` side-car
  (useful later; the stats parser classifies it as a side-car), never the ``_ws.txt`` weapon dump
  or other files. Gametime folder: ``gametime-<map>-R<N>-<end>.json``. Proximity folder:
  ``<stamp>-<map>-round-<N>_engagements.txt`` (never the test-mode ``_lifecycle.txt``).
* **Ledger.** ``<data_dir>/.sftp_ledger.jsonl`` records every landing (and every failure, with a
  retry back-off), one JSON line each, appended with fsync; the last line per file wins. Unlike
  upstream there is no look-back window that marks old remote files as done without fetching
  them: nothing is skipped silently.
* **Errors.** A network error closes the session, waits (exponential back-off) and retries the
  file on a new connection; a file that keeps failing is recorded as ``failed`` (with a growing
  retry delay) and reported. One sync at a time per landing zone (a lock file), so two runs never
  race on a file.
* **Landing time.** Downloaded files keep the local landing time as mtime (like webhook drops);
  the remote mtime is kept in the ledger.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import posixpath
import stat
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import paramiko

from slomix_pipeline.formats.gametime import GAMETIME_NAME_RE
from slomix_pipeline.formats.proximity import parse_proximity_filename
from slomix_pipeline.formats.stats_file import StatsFileKind, classify_stats_filename
from slomix_pipeline.landing.zone import GAMETIMES_FOLDER, PROXIMITY_FOLDER, STATS_FOLDER
from slomix_pipeline.settings_model import SettingsError, read_env, variable

STREAM_STATS = "stats"
STREAM_GAMETIMES = "gametimes"
STREAM_PROXIMITY = "proximity"
STREAM_FOLDERS: dict[str, str] = {
    STREAM_STATS: STATS_FOLDER,
    STREAM_GAMETIMES: GAMETIMES_FOLDER,
    STREAM_PROXIMITY: PROXIMITY_FOLDER,
}
"""Each remote stream and the landing folder it mirrors into."""

LEDGER_NAME = ".sftp_ledger.jsonl"
LOCK_NAME = ".sftp_sync.lock"
TEMP_PREFIX = ".landing-sftp-"
"""Temporary download names; a dot name is invisible to every landing-zone inventory."""

CHUNK_BYTES = 32_768
DONE_STATUSES = frozenset({"landed", "adopted", "conflict"})
MAX_RETRY_DELAY_SECONDS = 3600.0

ENV_PREFIX = "SLOMIX_SFTP_"
DEFAULTS: dict[str, str] = {
    "SLOMIX_SFTP_PORT": "22",
    "SLOMIX_SFTP_SETTLE_SECONDS": "10",
    "SLOMIX_SFTP_TIMEOUT_SECONDS": "15",
    "SLOMIX_SFTP_ATTEMPTS": "3",
    "SLOMIX_SFTP_BACKOFF_SECONDS": "1",
    "SLOMIX_SFTP_RETRY_AFTER_SECONDS": "60",
    "SLOMIX_SFTP_MAX_FILES_PER_RUN": "500",
}


# ------------------------------------------------------------------------------------- errors


class SftpError(Exception):
    """Base of every error this module raises on purpose."""


class SftpConfigError(SftpError, ValueError):
    """The SFTP settings are incomplete or invalid; the message names the variable."""


class HostKeyError(SftpError):
    """The server's host key is unknown or differs from known_hosts: refused, never retried."""


class SftpAuthError(SftpError):
    """The server refused our key: a configuration problem, never retried."""


class SftpUnavailable(SftpError):
    """The server could not be reached after every retry."""


# ----------------------------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class SftpSettings:
    """Where and how to fetch; ``remote_dirs`` maps a stream to its remote folder."""

    host: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path
    remote_dirs: Mapping[str, str]
    settle_seconds: float = 10.0
    timeout_seconds: float = 15.0
    attempts: int = 3
    backoff_seconds: float = 1.0
    retry_after_seconds: float = 60.0
    max_files_per_run: int = 500

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SftpSettings | None:
        """Read ``SLOMIX_SFTP_*``; None when ``SLOMIX_SFTP_HOST`` is unset (sync disabled)."""
        try:
            raw = read_env(env)
        except SettingsError as exc:
            raise SftpConfigError(str(exc)) from None
        host = raw.sftp_host.strip()
        if not host:
            return None

        def required(field: str) -> str:
            value = str(getattr(raw, field)).strip()
            if not value:
                raise SftpConfigError(f"SLOMIX_SFTP_HOST is set but {variable(field)} is empty")
            return value

        remote_dirs = {
            stream: getattr(raw, f"sftp_remote_{stream}_dir").strip()
            for stream in STREAM_FOLDERS
            if getattr(raw, f"sftp_remote_{stream}_dir", "").strip()
        }
        if not remote_dirs:
            raise SftpConfigError(
                "SLOMIX_SFTP_HOST is set but none of SLOMIX_SFTP_REMOTE_STATS_DIR, "
                "SLOMIX_SFTP_REMOTE_GAMETIMES_DIR, SLOMIX_SFTP_REMOTE_PROXIMITY_DIR is"
            )
        known_hosts = Path(required("sftp_known_hosts")).expanduser()
        if not known_hosts.is_file():
            raise SftpConfigError(f"SLOMIX_SFTP_KNOWN_HOSTS={known_hosts} is not a file")
        return cls(
            host=host,
            port=int(raw.sftp_port),
            user=required("sftp_user"),
            key_file=Path(required("sftp_key_file")).expanduser(),
            known_hosts=known_hosts,
            remote_dirs=remote_dirs,
            settle_seconds=raw.sftp_settle_seconds,
            timeout_seconds=raw.sftp_timeout_seconds,
            attempts=int(raw.sftp_attempts),
            backoff_seconds=raw.sftp_backoff_seconds,
            retry_after_seconds=raw.sftp_retry_after_seconds,
            max_files_per_run=int(raw.sftp_max_files_per_run),
        )


# ------------------------------------------------------------------------------------ records


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


# ------------------------------------------------------------------------------ name filters


def is_wanted(stream: str, name: str) -> bool:
    """Whether a remote file name belongs to the stream (see the module docstring)."""
    if not name or name.startswith(".") or "/" in name:
        return False
    if stream == STREAM_STATS:
        parsed = classify_stats_filename(name)
        return parsed is not None and parsed.kind in (StatsFileKind.STATS, StatsFileKind.ENDSTATS)
    if stream == STREAM_GAMETIMES:
        return GAMETIME_NAME_RE.match(name) is not None
    if stream == STREAM_PROXIMITY:
        return parse_proximity_filename(name) is not None
    raise ValueError(f"unknown SFTP stream {stream!r}")


# ------------------------------------------------------------------------------------- ledger


class Ledger:
    """Append-only JSON-lines record of fetched (and failed) remote files."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> dict[str, LedgerEntry]:
        """Last entry per file. A torn last line (crash mid-append) is skipped: the file it
        described is then met again, found identical on disk and recorded as adopted."""
        entries: dict[str, LedgerEntry] = {}
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return entries
        for line in text.splitlines():
            try:
                entry = LedgerEntry(**json.loads(line))
            except (ValueError, TypeError):
                continue
            entries[entry.key] = entry
        return entries

    def append(self, entry: LedgerEntry) -> None:
        """Append one line durably (a missing newline after a torn line is repaired first)."""
        line = json.dumps(asdict(entry), sort_keys=True, separators=(",", ":")) + "\n"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a+b") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    handle.write(b"\n")
            handle.write(line.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())


# ---------------------------------------------------------------------------------- selection


def select_ready(
    listing: Sequence[RemoteFile],
    previous: Mapping[str, tuple[int, int]],
    ledger: Mapping[str, LedgerEntry],
    *,
    now: float,
    settle_seconds: float,
    retry_after_seconds: float,
) -> tuple[list[RemoteFile], list[RemoteFile]]:
    """Split the not-yet-landed files into (ready, unsettled).

    Ready: same size and mtime as in the ``previous`` listing, or mtime at least
    ``settle_seconds`` old. Files already landed are dropped; files that failed recently wait
    for their retry time (neither ready nor unsettled).
    """
    ready: list[RemoteFile] = []
    unsettled: list[RemoteFile] = []
    for remote in listing:
        entry = ledger.get(remote.key)
        if entry is not None and entry.done:
            continue
        if (
            entry is not None
            and entry.status == "failed"
            and now < entry.retry_at(retry_after_seconds)
        ):
            continue
        stable = previous.get(remote.key) == (remote.size, remote.mtime)
        settled = now - remote.mtime >= settle_seconds
        (ready if stable or settled else unsettled).append(remote)
    return ready, unsettled


# --------------------------------------------------------------------------------- connection


@dataclass(frozen=True, slots=True)
class KnownHosts:
    """A known_hosts file read fail-closed: plain entries, revoked keys, ignored CA lines."""

    entries: tuple[tuple[str, paramiko.PKey], ...]
    revoked: dict[bytes, int]
    """Revoked key blobs -> their line number (a revoked key is refused for every host)."""
    cert_authority_lines: tuple[int, ...]


def read_known_hosts(path: Path) -> KnownHosts:
    """Parse ``path`` line by line; raise :class:`SftpConfigError` naming any line it cannot use.

    paramiko's own loader raises raw exceptions on marker lines (``@revoked``) or skips them, so
    a revoked key could still be trusted; this reader refuses instead.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SftpConfigError(f"cannot read known_hosts {path}: {exc}") from exc
    entries: list[tuple[str, paramiko.PKey]] = []
    revoked: dict[bytes, int] = {}
    cert_authority: list[int] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        marker = None
        if line.startswith("@"):
            marker, _, line = line.partition(" ")
            line = line.strip()
            if marker not in ("@revoked", "@cert-authority"):
                raise SftpConfigError(f"{path} line {number}: unknown marker {marker!r}")
        try:
            entry = paramiko.hostkeys.HostKeyEntry.from_line(line, number)
        except Exception as exc:  # paramiko raises several types for one bad line
            raise SftpConfigError(f"{path} line {number}: unreadable entry ({exc})") from exc
        if entry is None or entry.key is None:
            if marker == "@revoked":  # fail closed: a revocation we cannot read is an error
                raise SftpConfigError(f"{path} line {number}: unreadable @revoked key")
            continue  # a key type paramiko does not know: it vouches for nothing
        if marker == "@revoked":
            revoked[entry.key.asbytes()] = number
        elif marker == "@cert-authority":
            cert_authority.append(number)
        else:
            entries.extend((host, entry.key) for host in entry.hostnames)
    return KnownHosts(tuple(entries), revoked, tuple(cert_authority))


class _RefuseUnknownHost(paramiko.RejectPolicy):
    """RejectPolicy with a message that says what to check and how to trust the key."""

    def __init__(self, known_hosts: Path, table: KnownHosts | None = None) -> None:
        self._known_hosts = known_hosts
        self._table = table or KnownHosts((), {}, ())

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: Any) -> None:
        fingerprint = key.fingerprint if hasattr(key, "fingerprint") else key.get_name()
        line = self._table.revoked.get(key.asbytes()) if hasattr(key, "asbytes") else None
        if line is not None:
            raise HostKeyError(
                f"host key of {hostname} ({fingerprint}) is REVOKED in {self._known_hosts} "
                f"line {line}: refused."
            )
        note = ""
        if self._table.cert_authority_lines:
            note = (
                f" (@cert-authority lines {list(self._table.cert_authority_lines)} are not "
                "supported: list the host key itself)"
            )
        raise HostKeyError(
            f"host key of {hostname} ({fingerprint}) is not in {self._known_hosts}: refused{note}. "
            "Verify the key out of band, then add it (ssh-keyscan -p <port> <host>)."
        )


@contextlib.contextmanager
def open_sftp(settings: SftpSettings) -> Iterator[paramiko.SFTPClient]:
    """An SFTP session with a verified host key and key-only authentication."""
    client = paramiko.SSHClient()
    try:
        table = read_known_hosts(settings.known_hosts)
        host_keys = client.get_host_keys()
        for host, key in table.entries:
            if key.asbytes() not in table.revoked:  # a revoked key is never trusted
                host_keys.add(host, key.get_name(), key)
        client.set_missing_host_key_policy(_RefuseUnknownHost(settings.known_hosts, table))
        try:
            client.connect(
                settings.host,
                port=settings.port,
                username=settings.user,
                key_filename=str(settings.key_file),
                look_for_keys=False,
                allow_agent=False,
                timeout=settings.timeout_seconds,
                banner_timeout=settings.timeout_seconds,
                auth_timeout=settings.timeout_seconds,
                channel_timeout=settings.timeout_seconds,
            )
        except paramiko.BadHostKeyException as exc:
            raise HostKeyError(
                f"host key of {settings.host}:{settings.port} does NOT match "
                f"{settings.known_hosts} (got {exc.key.get_name()} {exc.key.fingerprint}): "
                "refused. The server was reinstalled or someone is in the middle; check before "
                "replacing the known_hosts entry."
            ) from exc
        except paramiko.AuthenticationException as exc:
            raise SftpAuthError(
                f"{settings.user}@{settings.host}:{settings.port} refused key "
                f"{settings.key_file}: {exc}"
            ) from exc
        sftp = client.open_sftp()
        sftp.get_channel().settimeout(settings.timeout_seconds)
        yield sftp
    finally:
        client.close()


Connector = Callable[[SftpSettings], contextlib.AbstractContextManager[paramiko.SFTPClient]]


def list_remote(sftp: paramiko.SFTPClient, settings: SftpSettings) -> RemoteListing:
    """List the wanted regular files of every configured remote folder (one request each)."""
    files: list[RemoteFile] = []
    missing: list[str] = []
    for stream, remote_dir in sorted(settings.remote_dirs.items()):
        try:
            attributes = sftp.listdir_attr(remote_dir)
        except FileNotFoundError:
            missing.append(f"{stream}:{remote_dir}")
            continue
        for attr in attributes:
            if attr.st_mode is None or not stat.S_ISREG(attr.st_mode):
                continue
            if not is_wanted(stream, attr.filename):
                continue
            files.append(RemoteFile(stream, attr.filename, attr.st_size or 0, attr.st_mtime or 0))
    files.sort(key=lambda f: (f.stream, f.name))
    return RemoteListing(tuple(files), tuple(missing))


# ------------------------------------------------------------------------------------ landing


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


ChunkHook = Callable[[RemoteFile, int], None]
"""Called after every chunk with the bytes read so far (progress; tests inject faults here)."""


def fetch_file(
    sftp: paramiko.SFTPClient,
    settings: SftpSettings,
    remote: RemoteFile,
    data_dir: Path,
    *,
    on_chunk: ChunkHook | None = None,
) -> FetchOutcome:
    """Land one remote file whole, or not at all (see the module docstring for the checks).

    Raises on transport errors (after removing the temporary file); returns an outcome for
    everything that is a property of the file itself.
    """
    path = posixpath.join(settings.remote_dirs[remote.stream], remote.name)
    try:
        before = sftp.stat(path)
    except FileNotFoundError:
        return FetchOutcome("vanished", detail="removed before the download")
    if (before.st_size, before.st_mtime) != (remote.size, remote.mtime):
        return FetchOutcome(
            "changed",
            detail=f"listed {remote.size} B @ {remote.mtime}, now "
            f"{before.st_size} B @ {before.st_mtime}",
        )
    folder = data_dir / STREAM_FOLDERS[remote.stream]
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            try:
                source = sftp.open(path, "rb")
            except FileNotFoundError:
                tmp.unlink()
                return FetchOutcome("vanished", detail="removed before the download")
            with source:
                source.prefetch(before.st_size)
                received, sha = _copy(source, out, remote, before.st_size, on_chunk)
            out.flush()
            os.fsync(out.fileno())
        # Same size and same mtime second do not prove the bytes did not change (a rewrite in
        # place): a second read must hash the same.
        try:
            with sftp.open(path, "rb") as again:
                again.prefetch(before.st_size)
                _, second_sha = _copy(again, _Discard(), remote, before.st_size, None)
        except FileNotFoundError:
            tmp.unlink()
            return FetchOutcome("vanished", detail="removed during the download")
        if second_sha != sha:
            tmp.unlink()
            return FetchOutcome(
                "changed", detail="changed during transfer: two reads differ (rewritten in place)"
            )
        try:
            after = sftp.stat(path)
        except FileNotFoundError:
            tmp.unlink()
            return FetchOutcome("vanished", detail="removed during the download")
        if received != before.st_size or (after.st_size, after.st_mtime) != (
            before.st_size,
            before.st_mtime,
        ):
            tmp.unlink()
            return FetchOutcome(
                "changed",
                detail=f"changed during transfer: {before.st_size} B @ {before.st_mtime} -> "
                f"{after.st_size} B @ {after.st_mtime}, read {received} B",
            )
        final = folder / remote.name
        if final.exists():
            tmp.unlink()
            if _sha256_file(final) == sha:
                return FetchOutcome("adopted", received, sha, "already landed, identical")
            return FetchOutcome(
                "conflict", received, sha, f"{final} exists with different content; kept"
            )
        os.replace(tmp, final)
        _fsync_dir(folder)
        return FetchOutcome("landed", received, sha)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


class _Discard:
    """A write-only sink: the second read of a file is only hashed."""

    def write(self, data: bytes) -> int:
        return len(data)


def _copy(
    source: paramiko.SFTPFile,
    out: Any,
    remote: RemoteFile,
    expected: int,
    on_chunk: ChunkHook | None,
) -> tuple[int, str]:
    """Copy until EOF, or until more than ``expected`` bytes arrived.

    Reading past the listed size is how a file that grew shows up as grown; stopping right
    there keeps a file that is being appended to from being downloaded forever.
    """
    digest = hashlib.sha256()
    received = 0
    while received <= expected:
        chunk = source.read(CHUNK_BYTES)
        if not chunk:
            break
        out.write(chunk)
        digest.update(chunk)
        received += len(chunk)
        if on_chunk is not None:
            on_chunk(remote, received)
    return received, digest.hexdigest()


def remove_stale_temporaries(data_dir: Path) -> int:
    """Delete downloads a crashed run left behind (only ours; call while holding the lock)."""
    removed = 0
    for folder_name in STREAM_FOLDERS.values():
        folder = data_dir / folder_name
        if not folder.is_dir():
            continue
        for entry in os.scandir(folder):
            if entry.name.startswith(TEMP_PREFIX):
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
                    removed += 1
    return removed


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


# ---------------------------------------------------------------------------------------- sync

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


# ------------------------------------------------------------------------------ sensor planning

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
            "v": CURSOR_VERSION,
            "previous": {key: list(value) for key, value in sorted(self.previous.items())},
            "seq": self.seq,
            "inflight": self.inflight,
            "failed_runs": self.failed_runs,
            "not_before": self.not_before,
        }
        return json.dumps(document, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | None) -> SftpCursor:
        if not text:
            return cls()
        document = json.loads(text)
        if not isinstance(document, dict) or document.get("v") != CURSOR_VERSION:
            raise ValueError(f"SFTP sensor cursor of unknown version: {text[:80]!r}")
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
