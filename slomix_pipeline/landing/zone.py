"""The landing zone: the on-disk source of truth that every table is rebuilt from.

Only the SFTP sync and the webhook receiver write here, and they write whole files atomically
(temporary name in the same folder, fsync, rename, fsync of the folder) so that a reader never
sees a torn file and a crash never leaves a half-written one under a real name. Everything
downstream only reads.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

STATS_FOLDER = "local_stats"
GAMETIMES_FOLDER = "local_gametimes"
PROXIMITY_FOLDER = "local_proximity"
WEBHOOK_FOLDER = "webhook_drops"
LANDING_FOLDERS: tuple[str, ...] = (
    STATS_FOLDER,
    GAMETIMES_FOLDER,
    PROXIMITY_FOLDER,
    WEBHOOK_FOLDER,
)

TEMP_PREFIX = ".landing-"
"""Temporary files carry this prefix; inventories skip them so a half-written file is invisible."""


def sha256_hex(data: bytes) -> str:
    """Hex SHA-256 of ``data``: the provenance fingerprint stored on every warehouse row."""
    return hashlib.sha256(data).hexdigest()


def content_addressed_name(data: bytes, prefix: str, suffix: str) -> str:
    """A file name derived from the content, so an identical redelivery maps to the same file."""
    return f"{prefix}{sha256_hex(data)}{suffix}"


def fsync_dir(folder: Path) -> None:
    """Persist a directory entry (the rename) itself; a no-op where the OS cannot open folders."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(folder: Path, name: str, data: bytes) -> Path:
    """Land ``data`` as ``folder/name`` whole or not at all, and return the final path.

    An existing file with identical content is left untouched (its mtime, which records when it
    first landed, is preserved), so redeliveries are harmless. An existing file with different
    content is replaced atomically: the caller decided it is a newer version.
    """
    if "/" in name or name in {"", ".", ".."} or name.startswith(TEMP_PREFIX):
        raise ValueError(f"refusing to land a file named {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / name
    with contextlib.suppress(OSError):
        if final.stat().st_size == len(data) and final.read_bytes() == data:
            return final
    fd, tmp_name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, final)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(folder)
    return final


@dataclass(frozen=True, slots=True)
class LandedFile:
    """One file of the landing zone as seen by an inventory scan (no content read)."""

    folder: str
    name: str
    size: int
    mtime_ns: int
    ctime_ns: int = 0
    """Inode change time: set to "now" by every landing, even one that preserves the mtime."""

    @property
    def relative_path(self) -> str:
        return f"{self.folder}/{self.name}"


def printable_name(name: str) -> str:
    """A file name as storable text: undecodable bytes (``surrogateescape``) become ``\\xNN``.

    ``os.scandir`` hands non-UTF-8 names over with lone surrogates, which no database driver
    encodes; this spelling is stable, readable, and never collides with a decodable name's.
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


@dataclass(frozen=True, slots=True)
class UnusableEntry:
    """An entry of a landing folder that is not a readable regular file: recorded, never skipped.

    ``name`` is already :func:`printable_name`; ``reason`` is the quarantine reason.
    """

    folder: str
    name: str
    reason: str
    size: int
    mtime_ns: int


def _entries(base: Path) -> list[os.DirEntry[str]]:
    try:
        return sorted(os.scandir(base), key=lambda e: e.name)
    except FileNotFoundError:
        return []


def _unusable_reason(entry: os.DirEntry[str]) -> str | None:
    """Why an entry cannot be ingested as a landed file, or None for a usable regular file."""
    if entry.is_symlink():
        return "not_a_regular_file: symbolic link (landed files must be real files)"
    if entry.is_dir(follow_symlinks=False):
        return "not_a_regular_file: directory"
    if not entry.is_file(follow_symlinks=False):
        return "not_a_regular_file: special file (fifo, socket or device)"
    if printable_name(entry.name) != entry.name:
        return "undecodable_file_name: the name is not valid UTF-8; rename the file"
    return None


def iter_landed(data_dir: Path, folder: str) -> Iterator[LandedFile]:
    """Yield the landed files of one folder, skipping temporaries and hidden bookkeeping files.

    Entries that are not usable regular files (symlinks, directories, undecodable names) are
    not yielded here; :func:`iter_unusable` lists them so that ingestion records each one.
    A file removed between listing and stat is simply not yielded.
    """
    for entry in _entries(data_dir / folder):
        if entry.name.startswith(".") or _unusable_reason(entry) is not None:
            continue
        try:
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        yield LandedFile(folder, entry.name, stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def iter_unusable(data_dir: Path, folder: str) -> Iterator[UnusableEntry]:
    """The non-hidden entries of a folder that ingestion must quarantine instead of reading."""
    for entry in _entries(data_dir / folder):
        if entry.name.startswith("."):
            continue
        reason = _unusable_reason(entry)
        if reason is None:
            continue
        try:
            stat = entry.stat(follow_symlinks=False)
        except FileNotFoundError:
            continue
        yield UnusableEntry(
            folder, printable_name(entry.name), reason, stat.st_size, stat.st_mtime_ns
        )


def sha256_of_file(path: Path, chunk_bytes: int = 1 << 20) -> str:
    """Hex SHA-256 of a file read in chunks: the fingerprint of a file too large to load."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk_bytes):
            digest.update(block)
    return digest.hexdigest()
